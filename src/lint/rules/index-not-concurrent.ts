/**
 * index-not-concurrent: CREATE INDEX takes a SHARE lock (writes wait for the whole
 * build); DROP INDEX takes ACCESS EXCLUSIVE on the table. The CONCURRENTLY forms
 * take SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.
 */
import { indexColumns, opCall, schemaOption, tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

const OUTSIDE_TRANSACTION =
  "// CONCURRENTLY cannot run in a transaction: kiln commits the step's transaction before it and runs it on its own";
const OUT_OF_BATCH = "// (op.batchAlterTable has no concurrently option: call op.createIndex / op.dropIndex outside the batch)";

export const indexNotConcurrent: LintRule = {
  id: "index-not-concurrent",
  dialects: POSTGRES_ONLY,
  summary: "createIndex / dropIndex on an existing table without { concurrently: true }",
  check(op, scope): Finding | undefined {
    if (op.kind === "createIndex") {
      if (op.concurrently || scope.facts.isNewTable(op)) return undefined;
      const { name, columns, ...rest } = op.index;
      return {
        rule: "index-not-concurrent",
        table: tableLabel(op),
        problem: `op.createIndex(${JSON.stringify(name)}) builds the index under a SHARE lock on table ${tableLabel(op)}: inserts, updates and deletes wait until the whole build finishes (reads go on)`,
        safeForm: [
          opCall("createIndex", name, op.table, indexColumns(columns), { ...rest, ...schemaOption(op), concurrently: true }),
          OUTSIDE_TRANSACTION,
          ...(scope.inBatch ? [OUT_OF_BATCH] : []),
        ].join("\n"),
      };
    }
    if (op.kind === "dropIndex") {
      if (op.concurrently || scope.facts.isNewTable(op)) return undefined;
      return {
        rule: "index-not-concurrent",
        table: tableLabel(op),
        problem: `op.dropIndex(${JSON.stringify(op.name)}) takes an ACCESS EXCLUSIVE lock on table ${tableLabel(op)}: it waits behind every running query on the table, and all reads and writes queue behind it`,
        safeForm: [
          opCall("dropIndex", op.name, op.table, { ...schemaOption(op), concurrently: true }),
          OUTSIDE_TRANSACTION,
          ...(scope.inBatch ? [OUT_OF_BATCH] : []),
        ].join("\n"),
      };
    }
    return undefined;
  },
};
