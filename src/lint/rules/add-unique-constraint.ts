/**
 * add-unique-constraint: ADD CONSTRAINT ... UNIQUE / PRIMARY KEY builds its index
 * under ACCESS EXCLUSIVE. Building the unique index CONCURRENTLY first and then
 * attaching it (ADD CONSTRAINT ... USING INDEX) holds that lock only for a
 * catalog change.
 */
import { opCall, pgIdentifier, pgTable, schemaOption, tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

export const addUniqueConstraint: LintRule = {
  id: "add-unique-constraint",
  dialects: POSTGRES_ONLY,
  summary: "createUniqueConstraint / createPrimaryKey on an existing table (builds the index under ACCESS EXCLUSIVE)",
  check(op, scope): Finding | undefined {
    if (op.kind !== "createUniqueConstraint" && op.kind !== "createPrimaryKey") return undefined;
    if (scope.facts.isNewTable(op)) return undefined;
    const { name, columns } = op.constraint;
    const kind = op.kind === "createUniqueConstraint" ? "UNIQUE" : "PRIMARY KEY";
    return {
      rule: "add-unique-constraint",
      table: tableLabel(op),
      problem: `adding ${kind} constraint ${JSON.stringify(name)} builds its index under an ACCESS EXCLUSIVE lock on ${tableLabel(op)}: reads and writes wait until the whole index is built`,
      safeForm: [
        "// build the unique index without blocking writes (kiln runs CONCURRENTLY outside the transaction)",
        opCall("createIndex", name, op.table, columns, { ...schemaOption(op), unique: true, concurrently: true }),
        "// then attach it: a catalog-only change, the lock is held only for a moment",
        opCall("execute", `ALTER TABLE ${pgTable(op)} ADD CONSTRAINT ${pgIdentifier(name)} ${kind} USING INDEX ${pgIdentifier(name)}`),
        ...(kind === "PRIMARY KEY" ? ["// (the key's columns must already be NOT NULL, or PostgreSQL scans the table to set it: see set-not-null)"] : []),
      ].join("\n"),
    };
  },
};
