/**
 * kiln does not create roles. Policies and grants name them: before a revision
 * that would fail on a missing role is written, say which role is missing and
 * what names it (from the database's role list, Dialect.surveyObjects).
 */
import { policyLabel } from "../catalog/policies.js";
import type { Operation } from "../operations/types.js";
import type { Catalog } from "../catalog/types.js";
import { grantObjectLabel } from "../catalog/grants.js";

/** Keywords that stand for a role without naming one. */
const ROLE_KEYWORDS = /^(public|current_user|current_role|session_user)$/i;

/** The roles an operation names, with what names them: `policy p on t`. */
export function operationRoles(op: Operation): { role: string; by: string }[] {
  switch (op.kind) {
    case "createPolicy":
      return (op.policy.roles ?? []).map((role) => ({ role, by: `policy ${policyLabel(op.policy)}` }));
    case "alterPolicy":
      return (op.changes.roles ?? []).map((role) => ({ role, by: `policy ${policyLabel(op)}` }));
    case "grant":
      return [{ role: op.grantee, by: `the grant on ${grantObjectLabel(op.on)}` }];
    default:
      return [];
  }
}

export function missingRoleWarnings(operations: readonly Operation[], roles: readonly string[] | undefined): string[] {
  if (!roles) return [];
  const known = new Set(roles);
  const missing = new Map<string, string[]>();
  for (const op of operations) {
    for (const { role, by } of operationRoles(op)) {
      if (known.has(role) || ROLE_KEYWORDS.test(role)) continue;
      const list = missing.get(role) ?? [];
      if (!list.includes(by)) list.push(by);
      missing.set(role, list);
    }
  }
  return [...missing].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(
    ([role, by]) =>
      `role ${role} does not exist in the database; ${by.join(", ")} ${by.length === 1 ? "names" : "name"} it. kiln does not create roles: create it first (CREATE ROLE ${role} ...), or the upgrade fails.`,
  );
}

/**
 * The model's grants as the config's `grants` scopes them: none compared when it is
 * false (grants declared anyway are named), only the listed roles' when it is a list,
 * and an empty list when it asks but the models declare none (so the database's are revoked).
 */
export function scopeModelGrants(model: Catalog, grants: boolean | string[]): { model: Catalog; warnings: string[] } {
  const declared = model.grants ?? [];
  const managed = grants === true ? undefined : new Set(Array.isArray(grants) ? grants : []);
  if (grants === false || (Array.isArray(grants) && grants.length === 0)) {
    const { grants: _ignored, ...rest } = model;
    return {
      model: rest,
      warnings: declared.length > 0 ? [`the models declare ${declared.length} grant${declared.length === 1 ? "" : "s"}, which kiln does not compare: set \`grants: true\` (or the roles to manage) in the config to manage them.`] : [],
    };
  }
  const kept = managed ? declared.filter((g) => managed.has(g.grantee)) : declared;
  const outside = [...new Set(declared.filter((g) => !kept.includes(g)).map((g) => g.grantee))];
  return {
    model: { ...model, grants: kept },
    warnings: outside.length > 0 ? [`the models grant privileges to ${outside.join(", ")}, which the config's \`grants\` does not list: those grants are not compared.`] : [],
  };
}
