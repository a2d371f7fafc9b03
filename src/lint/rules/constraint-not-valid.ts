/**
 * constraint-not-valid: adding a foreign key or check constraint checks every
 * existing row while holding a lock that blocks writes (SHARE ROW EXCLUSIVE on
 * both tables for a foreign key, ACCESS EXCLUSIVE for a check). NOT VALID skips the
 * check; VALIDATE CONSTRAINT later scans under SHARE UPDATE EXCLUSIVE only. A
 * validation in the same transaction as the NOT VALID add gains nothing: the add's
 * lock is held until COMMIT.
 */
import type { Operation } from "../../operations/types.js";
import { tableKey } from "../facts.js";
import { opCall, schemaOption, tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

const VALIDATE_LATER =
  "// in a later revision (VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE: reads and writes go on):";
const OUT_OF_BATCH = "// (op.batchAlterTable has no notValid option: call it outside the batch)";

function addLock(op: Operation): string {
  if (op.kind === "createForeignKey") {
    const ref = { schema: op.constraint.refSchema, table: op.constraint.refTable };
    return `SHARE ROW EXCLUSIVE locks on ${tableLabel(op)} and ${tableLabel(ref)} (writes to both wait)`;
  }
  return `an ACCESS EXCLUSIVE lock on ${tableLabel(op as Operation & { table: string })} (reads and writes wait)`;
}

export const constraintNotValid: LintRule = {
  id: "constraint-not-valid",
  dialects: POSTGRES_ONLY,
  summary: "createForeignKey / createCheckConstraint on an existing table without { notValid: true }",
  check(op, scope): Finding | undefined {
    if (op.kind === "createForeignKey" || op.kind === "createCheckConstraint") {
      if (op.notValid || scope.facts.isNewTable(op)) return undefined;
      const name = op.constraint.name;
      const what = op.kind === "createForeignKey" ? "foreign key" : "check constraint";
      const add =
        op.kind === "createForeignKey"
          ? opCall("createForeignKey", name, op.table, op.constraint.refTable, op.constraint.columns, op.constraint.refColumns, {
              ...schemaOption(op),
              refSchema: op.constraint.refSchema,
              onDelete: op.constraint.onDelete,
              onUpdate: op.constraint.onUpdate,
              notValid: true,
            })
          : opCall("createCheckConstraint", name, op.table, op.constraint.expression, { ...schemaOption(op), notValid: true });
      return {
        rule: "constraint-not-valid",
        table: tableLabel(op),
        problem: `adding ${what} ${JSON.stringify(name)} checks every existing row of ${tableLabel(op)} while holding ${addLock(op)} for the whole scan`,
        safeForm: [
          add,
          ...(scope.inBatch ? [OUT_OF_BATCH] : []),
          VALIDATE_LATER,
          opCall("validateConstraint", name, op.table, schemaOption(op)),
        ].join("\n"),
      };
    }
    if (op.kind === "validateConstraint" && scope.transactional) {
      const added = scope.earlier.find(
        (e) =>
          (e.kind === "createForeignKey" || e.kind === "createCheckConstraint") &&
          e.notValid === true &&
          e.constraint.name === op.name &&
          tableKey(e) === tableKey(op),
      );
      if (!added || scope.facts.isNewTable(op)) return undefined;
      return {
        rule: "constraint-not-valid",
        table: tableLabel(op),
        problem: `op.validateConstraint(${JSON.stringify(op.name)}) runs in the same transaction that added it NOT VALID, so ${addLock(added)} stays held during the whole validation scan`,
        safeForm: [
          "// move the validation to a later revision, so the NOT VALID add commits (and releases its lock) first:",
          opCall("validateConstraint", op.name, op.table, schemaOption(op)),
        ].join("\n"),
      };
    }
    return undefined;
  },
};
