/**
 * rls-without-policy: ENABLE ROW LEVEL SECURITY on a table in use, with no policy
 * for it: from the commit on, every role but the owner (and superusers and
 * BYPASSRLS roles) sees no row and may write none; FORCE takes in the owner too.
 */
import { opCall, schemaOption, tableLabel } from "../code.js";
import { tableKey } from "../facts.js";
import type { Finding } from "../types.js";
import type { Operation } from "../../operations/types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

function createsPolicyOn(op: Operation, key: string): boolean {
  if (op.kind === "createPolicy") return tableKey({ schema: op.policy.schema, table: op.policy.table }) === key;
  if (op.kind === "batchAlterTable") return op.operations.some((inner) => createsPolicyOn(inner, key));
  return false;
}

export const rlsWithoutPolicy: LintRule = {
  id: "rls-without-policy",
  dialects: POSTGRES_ONLY,
  summary: "enableRowLevelSecurity / forceRowLevelSecurity on an existing table that no policy lets anyone through",
  check(op, scope): Finding | undefined {
    if (op.kind !== "enableRowLevelSecurity" && op.kind !== "forceRowLevelSecurity") return undefined;
    if (scope.facts.isNewTable(op)) return undefined;
    const key = tableKey(op);
    // A policy created by this revision (before or after: the step commits as one), or by an earlier one.
    if ([...scope.earlier, ...scope.later].some((other) => createsPolicyOn(other, key)) || scope.facts.hasPolicies(op)) return undefined;
    const who = op.kind === "forceRowLevelSecurity" ? "every role, the table's owner too (only superusers and BYPASSRLS roles are exempt)," : "every role but the table's owner (and superusers and BYPASSRLS roles)";
    return {
      rule: "rls-without-policy",
      table: tableLabel(op),
      problem: `${op.kind === "forceRowLevelSecurity" ? "FORCE" : "ENABLE"} ROW LEVEL SECURITY on ${tableLabel(op)} with no policy for it: from the commit on, ${who} reads no row of it and cannot write any: the running application is locked out`,
      safeForm: [
        "// in the same revision: a policy for the roles the application uses, before (or with) the switch",
        opCall("createPolicy", "app_access", op.table, { ...schemaOption(op), to: ["app_user"], using: "true", withCheck: "true" }),
        opCall(op.kind, op.table, schemaOption(op)),
        "// (if the table already has policies from a hand-written revision: kiln-lint-ignore rls-without-policy: <which ones>)",
      ].join("\n"),
    };
  },
};
