/** Policy options as revision files (op.createPolicy) and models (policy()) write them -> a Catalog policy, checked. */
import { KilnError } from "../errors.js";
import { normalizeRoles, POLICY_COMMANDS, type Policy, type PolicyCommand } from "./policies.js";

/** op.createPolicy(name, table, spec): the words of the model DSL's policy(). */
export interface PolicySpec {
  schema?: string;
  /** FOR ...; default "all". */
  command?: PolicyCommand;
  /** default "permissive". */
  as?: "permissive" | "restrictive";
  /** Roles; default (or "public"): PUBLIC. */
  to?: string | string[];
  /** USING (...) expression text. */
  using?: string;
  /** WITH CHECK (...) expression text. */
  withCheck?: string;
  comment?: string;
}

export function roleList(to: string | string[] | undefined, where: string): string[] | undefined {
  if (to === undefined) return undefined;
  const list = typeof to === "string" ? [to] : to;
  if (!Array.isArray(list) || list.some((r) => typeof r !== "string" || r === "")) {
    throw new KilnError(`${where}: "to" must be a role name or a list of role names, got ${JSON.stringify(to)}.`);
  }
  return normalizeRoles(list);
}

/** The Catalog policy for a spec (shared by the model DSL and the op facade). */
export function policyFromSpec(name: string, table: string, spec: PolicySpec, where = `policy "${name}"`): Policy {
  if (typeof name !== "string" || name === "") throw new KilnError(`${where}: the policy name must be a non-empty string.`);
  if (typeof table !== "string" || table === "") throw new KilnError(`${where}: the table must be a non-empty string.`);
  if (spec.command !== undefined && !POLICY_COMMANDS.includes(spec.command)) {
    throw new KilnError(`${where}: command must be one of ${POLICY_COMMANDS.join(", ")}, got ${JSON.stringify(spec.command)}.`);
  }
  if (spec.as !== undefined && spec.as !== "permissive" && spec.as !== "restrictive") {
    throw new KilnError(`${where}: "as" must be "permissive" or "restrictive", got ${JSON.stringify(spec.as)}.`);
  }
  if (spec.command === "insert" && spec.using !== undefined) throw new KilnError(`${where}: an INSERT policy has only WITH CHECK (PostgreSQL refuses USING there).`);
  if ((spec.command === "select" || spec.command === "delete") && spec.withCheck !== undefined) {
    throw new KilnError(`${where}: a ${spec.command.toUpperCase()} policy has only USING (PostgreSQL refuses WITH CHECK there).`);
  }
  const roles = roleList(spec.to, where) ?? [];
  return {
    ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
    table,
    name,
    ...(spec.command !== undefined && spec.command !== "all" ? { command: spec.command } : {}),
    ...(spec.as === "restrictive" ? { restrictive: true as const } : {}),
    ...(roles.length > 0 ? { roles } : {}),
    ...(spec.using !== undefined ? { using: spec.using } : {}),
    ...(spec.withCheck !== undefined ? { withCheck: spec.withCheck } : {}),
    ...(spec.comment !== undefined ? { comment: spec.comment } : {}),
  };
}

