/**
 * set-not-null: ALTER COLUMN ... SET NOT NULL scans the whole table under ACCESS
 * EXCLUSIVE, unless (PostgreSQL 12+) a valid CHECK (col IS NOT NULL) already proves it.
 */
import { columnLabel, derivedName, opCall, pgIdentifier, schemaOption, tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

export const setNotNull: LintRule = {
  id: "set-not-null",
  dialects: POSTGRES_ONLY,
  summary: "alterColumn { nullable: false } on an existing table without a validated CHECK (col IS NOT NULL)",
  check(op, scope): Finding | undefined {
    if (op.kind !== "alterColumn" || op.nullable !== false) return undefined;
    if (op.existing?.nullable === false || scope.facts.isNewTable(op)) return undefined;
    if (scope.facts.validatedNotNullCheck(op, op.column) !== undefined) return undefined;
    const check = derivedName(op.table, op.column, "not_null");
    const expression = /^[a-z_][a-z0-9_]*$/.test(op.column) ? `${op.column} IS NOT NULL` : `${pgIdentifier(op.column)} IS NOT NULL`;
    return {
      rule: "set-not-null",
      table: tableLabel(op),
      problem: `SET NOT NULL on ${columnLabel(op, op.column)} scans every row of ${tableLabel(op)} under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole scan`,
      safeForm: [
        "// revision 1: a check that new rows must pass, without scanning the old ones",
        opCall("createCheckConstraint", check, op.table, expression, { ...schemaOption(op), notValid: true }),
        "// revision 2: VALIDATE scans under SHARE UPDATE EXCLUSIVE (reads and writes go on);",
        "// then SET NOT NULL uses the valid check instead of scanning (PostgreSQL 12+), and the check can go",
        opCall("validateConstraint", check, op.table, schemaOption(op)),
        opCall("alterColumn", op.table, op.column, { ...schemaOption(op), nullable: false }),
        opCall("dropConstraint", check, op.table, { ...schemaOption(op), type: "check" }),
      ].join("\n"),
    };
  },
};
