/**
 * volatile-default: since PostgreSQL 11, ADD COLUMN with a constant or stable
 * default only writes the catalog. A volatile default (random(), gen_random_uuid(),
 * clock_timestamp(), nextval() of serial, identity columns) needs a value per row,
 * so the table is rewritten under ACCESS EXCLUSIVE.
 */
import type { AddColumn } from "../../operations/types.js";
import { columnLabel, opCall, pgIdentifier, pgTable, schemaOption, tableLabel } from "../code.js";
import { volatileFunctions } from "../volatility.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

/** Why each existing row needs its own value, or undefined. */
function perRowValue(op: AddColumn): string | undefined {
  const { column } = op;
  if (column.identity) return "an identity column takes a new sequence value for every existing row";
  if (column.autoIncrement) return "an auto-increment (serial) column takes nextval() for every existing row";
  if (column.default === undefined) return undefined;
  const volatile = volatileFunctions(column.default);
  if (volatile.length === 0) return undefined;
  const calls = volatile.map((f) => `${f}()`).join(", ");
  const what = calls === column.default.trim() ? `the default ${calls} is volatile` : `the default ${column.default} calls ${calls}, which is volatile`;
  return `${what}, so it is computed for every existing row`;
}

export const volatileDefault: LintRule = {
  id: "volatile-default",
  dialects: POSTGRES_ONLY,
  summary: "addColumn on an existing table with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval, identity)",
  check(op, scope): Finding | undefined {
    if (op.kind !== "addColumn" || scope.facts.isNewTable(op)) return undefined;
    const reason = perRowValue(op);
    if (reason === undefined) return undefined;
    const { column } = op;
    const generated = column.identity !== undefined || column.autoIncrement === true;
    const backfill = generated
      ? `UPDATE ${pgTable(op)} SET ${pgIdentifier(column.name)} = nextval('<sequence>') WHERE <key range> AND ${pgIdentifier(column.name)} IS NULL`
      : `UPDATE ${pgTable(op)} SET ${pgIdentifier(column.name)} = ${column.default} WHERE <key range> AND ${pgIdentifier(column.name)} IS NULL`;
    return {
      rule: "volatile-default",
      table: tableLabel(op),
      problem: `adding ${columnLabel(op, column.name)} rewrites table ${tableLabel(op)} under an ACCESS EXCLUSIVE lock (reads and writes wait until every row is rewritten): ${reason}`,
      safeForm: [
        "// add the column without the per-row value: a catalog-only change",
        opCall("addColumn", op.table, column.name, { type: column.type, comment: column.comment }, schemaOption(op)),
        ...(generated
          ? ["// create a sequence and set it as the default for new rows (op.execute), then"]
          : ["// new rows get the default from now on", opCall("alterColumn", op.table, column.name, { ...schemaOption(op), default: column.default })]),
        `// backfill existing rows in small batches, outside one long transaction: ${backfill}`,
        ...(column.nullable ? [] : ["// then make it NOT NULL the safe way (see the set-not-null rule)"]),
      ].join("\n"),
    };
  },
};
