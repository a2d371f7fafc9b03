/**
 * not-null-without-default: a NOT NULL column without a default cannot be added to
 * a table that has rows (PostgreSQL: "column contains null values"; SQLite: the
 * rebuild's copy fails). MySQL fills the rows with the type's implicit default, so
 * the rule does not apply there.
 */
import { columnLabel, opCall, schemaOption, tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import type { LintRule } from "./rule.js";

export const notNullWithoutDefault: LintRule = {
  id: "not-null-without-default",
  dialects: ["postgresql", "sqlite"],
  summary: "addColumn { nullable: false } without a default on an existing table",
  check(op, scope): Finding | undefined {
    if (op.kind !== "addColumn" || scope.facts.isNewTable(op)) return undefined;
    const { column } = op;
    if (column.nullable || column.default !== undefined || column.identity || column.autoIncrement) return undefined;
    const failure =
      scope.dialect === "sqlite"
        ? "SQLite cannot fill the existing rows, so the table rebuild fails"
        : 'PostgreSQL fails with "column contains null values"';
    return {
      rule: "not-null-without-default",
      table: tableLabel(op),
      problem: `adding NOT NULL column ${columnLabel(op, column.name)} without a default to existing table ${tableLabel(op)}: as soon as the table has a row, ${failure}`,
      safeForm: [
        "// give it a constant default (on PostgreSQL 11+ a catalog-only change, no rewrite):",
        opCall("addColumn", op.table, column.name, { type: column.type, nullable: false, default: "<constant>", comment: column.comment }, schemaOption(op)),
        "// or add it nullable, backfill in batches, then make it NOT NULL (see the set-not-null rule)",
      ].join("\n"),
    };
  },
};
