/** Row-level security operations -> `await op.x(...)` calls and summary lines (pure). */
import { withoutCanonical } from "../catalog/exact-text.js";
import type { Policy } from "../catalog/policies.js";
import type { PolicyOperation } from "../operations/policies.js";
import { formatCall, withOptions } from "./format.js";

function at(schema: string | undefined, table: string): string {
  return schema ? `${schema}.${table}` : table;
}

/** The options of op.createPolicy(name, table, options), in the DSL's words. */
export function policyOptions(p: Policy): Record<string, unknown> {
  return {
    schema: p.schema,
    as: p.restrictive ? "restrictive" : undefined,
    command: p.command,
    to: p.roles && p.roles.length > 0 ? [...p.roles] : undefined,
    using: p.using,
    withCheck: p.withCheck,
    comment: p.comment,
  };
}

export function renderPolicyCall(op: PolicyOperation): string[] {
  switch (op.kind) {
    case "createPolicy": {
      const p = withoutCanonical(op.policy);
      return [formatCall("createPolicy", withOptions([p.name, p.table], policyOptions(p)))];
    }
    case "dropPolicy":
      return [formatCall("dropPolicy", withOptions([op.name, op.table], { schema: op.schema }))];
    case "alterPolicy": {
      const { roles, ...rest } = op.changes;
      return [formatCall("alterPolicy", [op.name, op.table, { ...(op.schema !== undefined ? { schema: op.schema } : {}), ...(roles !== undefined ? { to: roles } : {}), ...rest }])];
    }
    default:
      return [formatCall(op.kind, withOptions([op.table], { schema: op.schema }))];
  }
}

export function summarizePolicyOperation(op: PolicyOperation): string {
  switch (op.kind) {
    case "enableRowLevelSecurity":
      return `~ table ${at(op.schema, op.table)}: row-level security enabled`;
    case "disableRowLevelSecurity":
      return `~ table ${at(op.schema, op.table)}: row-level security disabled`;
    case "forceRowLevelSecurity":
      return `~ table ${at(op.schema, op.table)}: row-level security forced (also for the owner)`;
    case "noForceRowLevelSecurity":
      return `~ table ${at(op.schema, op.table)}: row-level security no longer forced`;
    case "createPolicy":
      return `+ policy ${op.policy.name} on ${at(op.policy.schema, op.policy.table)}`;
    case "dropPolicy":
      return `- policy ${op.name} on ${at(op.schema, op.table)}`;
    case "alterPolicy": {
      const c = op.changes;
      const what = [
        c.roles !== undefined ? `to ${c.roles.length > 0 ? c.roles.join(", ") : "public"}` : "",
        c.using !== undefined ? `using ${c.using}` : "",
        c.withCheck !== undefined ? `with check ${c.withCheck}` : "",
        c.comment !== undefined ? (c.comment === null ? "comment removed" : `comment ${JSON.stringify(c.comment)}`) : "",
      ].filter(Boolean);
      return `~ policy ${op.name} on ${at(op.schema, op.table)}: ${what.join(", ")}`;
    }
  }
}
