/** Table storage properties (operations/table-storage.ts) -> PostgreSQL statements (pure). */
import type { Column, Index } from "../../../catalog/types.js";
import { KilnError } from "../../../errors.js";
import type { TableStorageOperation } from "../../../operations/table-storage.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

// A table's own parameters, or its TOAST table's with the toast. prefix (as pg_dump prints them).
const TABLE_PARAMETER = /^(?:toast\.)?[a-z_][a-z0-9_]*$/;

function parameterName(name: string, where: string): string {
  if (!TABLE_PARAMETER.test(name)) throw new KilnError(`${where}: ${JSON.stringify(name)} is not a storage parameter name (fillfactor, autovacuum_enabled, toast.autovacuum_enabled, ...).`);
  return name;
}

/** `fillfactor='50', toast.autovacuum_enabled='false'`. */
function parameterList(parameters: Record<string, string>, where: string): string {
  return Object.entries(parameters)
    .map(([name, value]) => `${parameterName(name, where)}=${quoteLiteral(String(value))}`)
    .join(", ");
}

/** ` WITH (...)` of CREATE TABLE, or "". */
export function tableStorageSql(parameters: Record<string, string> | undefined, where: string): string {
  return parameters && Object.keys(parameters).length > 0 ? ` WITH (${parameterList(parameters, where)})` : "";
}

function statisticsTarget(value: number | null, where: string): string {
  if (value === null) return "-1";
  if (!Number.isInteger(value) || value < 0 || value > 10000) throw new KilnError(`${where}: a statistics target is an integer from 0 to 10000 (got ${String(value)}).`);
  return String(value);
}

export function columnStatistics(schema: string | undefined, table: string, column: string, value: number | null): Statement {
  const where = `column ${schema ? `${schema}.` : ""}${table}.${column}`;
  return { sql: `ALTER TABLE ${tableName(schema, table)} ALTER COLUMN ${quoteIdentifier(column)} SET STATISTICS ${statisticsTarget(value, where)}` };
}

export function indexStatistics(schema: string | undefined, index: string, column: number, value: number | null): Statement {
  const where = `index ${schema ? `${schema}.` : ""}${index}`;
  if (!Number.isInteger(column) || column < 1) throw new KilnError(`${where}: index column numbers start at 1 (got ${String(column)}).`);
  return { sql: `ALTER INDEX ${tableName(schema, index)} ALTER COLUMN ${column} SET STATISTICS ${statisticsTarget(value, where)}` };
}

/** SET STATISTICS for each column that has a target (after CREATE TABLE / ADD COLUMN). */
export function columnStatisticsStatements(schema: string | undefined, table: string, columns: readonly Column[]): Statement[] {
  return columns.flatMap((c) => (c.statistics !== undefined ? [columnStatistics(schema, table, c.name, c.statistics)] : []));
}

/** SET STATISTICS for each index column that has a target (after CREATE INDEX). */
export function indexStatisticsStatements(schema: string | undefined, index: Index & { name: string }): Statement[] {
  return Object.entries(index.statistics ?? {}).map(([column, value]) => indexStatistics(schema, index.name, Number(column), value));
}

export function compileTableStorageOperation(op: TableStorageOperation): Statement[] {
  const table = tableName(op.schema, op.table);
  const where = `table ${op.schema ? `${op.schema}.` : ""}${op.table}`;
  switch (op.kind) {
    case "setLogged":
      return [{ sql: `ALTER TABLE ${table} SET ${op.logged ? "LOGGED" : "UNLOGGED"}` }];
    case "setTableStorage": {
      const set = Object.fromEntries(Object.entries(op.with).filter((e): e is [string, string] => e[1] !== null));
      const reset = Object.keys(op.with).filter((k) => op.with[k] === null);
      const statements: Statement[] = [];
      if (Object.keys(set).length > 0) statements.push({ sql: `ALTER TABLE ${table} SET (${parameterList(set, where)})` });
      if (reset.length > 0) statements.push({ sql: `ALTER TABLE ${table} RESET (${reset.map((k) => parameterName(k, where)).join(", ")})` });
      return statements;
    }
    case "setClusterOn":
      return [{ sql: op.index === null ? `ALTER TABLE ${table} SET WITHOUT CLUSTER` : `ALTER TABLE ${table} CLUSTER ON ${quoteIdentifier(op.index)}` }];
    case "setStatistics":
      return [columnStatistics(op.schema, op.table, op.column, op.statistics)];
    case "setIndexStatistics":
      return [indexStatistics(op.schema, op.index, op.column, op.statistics)];
  }
}
