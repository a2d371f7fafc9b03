/** Arguments of the row-level security operations in revision files (op.createPolicy(...), ...) -> Operations. */
import { KilnError } from "../errors.js";
import { policyFromSpec, roleList, type PolicySpec } from "../catalog/policy-spec.js";

export type { PolicySpec };
import type { AlterPolicy, CreatePolicy, PolicyChanges } from "./policies.js";

export interface PolicyChangeSpec {
  schema?: string;
  to?: string | string[];
  using?: string;
  withCheck?: string;
  comment?: string | null;
  /** The policy before the change (what op.createPolicy would take), so that the change can be reversed. */
  existing?: PolicySpec;
}

export function createPolicyFromSpec(name: string, table: string, spec: PolicySpec): CreatePolicy {
  return { kind: "createPolicy", policy: policyFromSpec(name, table, spec, `op.createPolicy("${name}")`) };
}

export function alterPolicyFromSpec(name: string, table: string, spec: PolicyChangeSpec): AlterPolicy {
  const where = `op.alterPolicy("${name}")`;
  const changes: PolicyChanges = {};
  const roles = roleList(spec.to, where);
  if (roles !== undefined) changes.roles = roles;
  if (spec.using !== undefined) changes.using = spec.using;
  if (spec.withCheck !== undefined) changes.withCheck = spec.withCheck;
  if (spec.comment !== undefined) changes.comment = spec.comment;
  if (Object.keys(changes).length === 0) throw new KilnError(`${where}: nothing to change; give to, using, withCheck or comment.`);
  return {
    kind: "alterPolicy",
    ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
    table,
    name,
    changes,
    ...(spec.existing ? { existing: policyFromSpec(name, table, { ...spec.existing, schema: spec.schema }, where) } : {}),
  };
}
