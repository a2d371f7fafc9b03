/** SQL text for tables, columns, constraints and indexes (pure; shared by compile and the batch rebuild). */
import { elementColumn, elementExpression } from "../../catalog/index-elements.js";
import type { Column, ForeignKey, Index, Table } from "../../catalog/types.js";
import { KilnError } from "../../errors.js";
import { quoteIdentifier, tableName } from "./quote.js";
import { declaredType, isIntegerType } from "./type-map.js";

const LITERAL_DEFAULT =
  /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|'(?:[^']|'')*'|[xX]'[0-9a-fA-F]*'|null|true|false|current_time|current_date|current_timestamp)$/i;

/** True when SQLite accepts the default without parentheses (a literal or CURRENT_*). */
export function isLiteralDefault(expression: string): boolean {
  return LITERAL_DEFAULT.test(expression.trim());
}

/** True when ALTER TABLE ADD COLUMN accepts this default (constant, not CURRENT_*). */
export function isConstantDefault(expression: string): boolean {
  return isLiteralDefault(expression) && !/^current_/i.test(expression.trim());
}

/** PostgreSQL/MySQL spellings of "the current time" (now(), current_timestamp(6)). */
const NOW_FUNCTION = /^(?:now\s*\(\s*\)|current_timestamp\s*\(\s*\d*\s*\))$/i;

/**
 * A default in the form SQLite can evaluate. SQLite has no now(): a column
 * declared DEFAULT (now()) is created without complaint, and then every INSERT
 * that relies on the default fails ("unknown function: now()"). Models written
 * for PostgreSQL say now(), so it becomes CURRENT_TIMESTAMP (UTC, like now() in a
 * UTC session). canonicalize() applies the same rule, so autogenerate agrees.
 */
export function sqliteDefault(expression: string): string {
  const e = expression.trim();
  return NOW_FUNCTION.test(e) ? "CURRENT_TIMESTAMP" : e;
}

/** `DEFAULT 0`, `DEFAULT 'x'`, or `DEFAULT (expr)` for anything else (SQLite requires the parentheses). */
export function defaultClause(expression: string): string {
  const e = sqliteDefault(expression);
  return isLiteralDefault(e) ? `DEFAULT ${e}` : `DEFAULT (${e})`;
}

export function columnList(columns: string[]): string {
  return columns.map(quoteIdentifier).join(", ");
}

function constraintName(name: string | undefined): string {
  return name ? `CONSTRAINT ${quoteIdentifier(name)} ` : "";
}

/** True when the column wants an auto-generated key (identity or autoIncrement). */
export function isAutoKey(column: Column): boolean {
  return column.identity !== undefined || column.autoIncrement === true;
}

/**
 * SQLite generates keys only for a rowid alias: a single INTEGER PRIMARY KEY column.
 * Returns the column that becomes `INTEGER PRIMARY KEY AUTOINCREMENT`, if any.
 */
export function autoIncrementColumn(table: Table): Column | undefined {
  const auto = table.columns.filter(isAutoKey);
  if (auto.length === 0) return undefined;
  const column = auto[0]!;
  const pk = table.primaryKey?.columns ?? [];
  if (auto.length > 1 || pk.length !== 1 || pk[0] !== column.name || !isIntegerType(column.type)) {
    throw new KilnError(
      `SQLite can auto-generate keys only for a single integer primary key column; table "${table.name}" asks for it on ${auto
        .map((c) => `"${c.name}"`)
        .join(", ")}. Make that column the table's only primary key with type integer, or drop identity/autoIncrement.`,
    );
  }
  return column;
}

export function columnDefinition(column: Column, inlinePrimaryKey?: { name?: string }): string {
  const parts = [quoteIdentifier(column.name)];
  const type = inlinePrimaryKey && isIntegerType(column.type) ? "INTEGER" : declaredType(column.type, column.name);
  // SQLite allows a column without a type (BLOB affinity): nothing to write then.
  if (type !== "") parts.push(type);
  if (!column.nullable) parts.push("NOT NULL");
  if (inlinePrimaryKey) parts.push(`${constraintName(inlinePrimaryKey.name)}PRIMARY KEY AUTOINCREMENT`);
  if (column.default !== undefined && !column.generated) parts.push(defaultClause(column.default));
  if (column.collation !== undefined) parts.push(`COLLATE ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(column.collation) ? column.collation : quoteIdentifier(column.collation)}`);
  if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated.expression}) ${column.generated.stored ? "STORED" : "VIRTUAL"}`);
  return parts.join(" ");
}

export function primaryKeyClause(pk: { name?: string; columns: string[] }): string {
  return `${constraintName(pk.name)}PRIMARY KEY (${columnList(pk.columns)})`;
}

export function uniqueClause(u: { name?: string; columns: string[] }): string {
  return `${constraintName(u.name)}UNIQUE (${columnList(u.columns)})`;
}

export function checkClause(ck: { name?: string; expression: string }): string {
  return `${constraintName(ck.name)}CHECK (${ck.expression})`;
}

const ACTIONS: Record<string, string> = {
  cascade: "CASCADE",
  restrict: "RESTRICT",
  "set null": "SET NULL",
  "set default": "SET DEFAULT",
  "no action": "NO ACTION",
};

export function foreignKeyClause(fk: ForeignKey): string {
  if (fk.refSchema && fk.refSchema !== "main") {
    throw new KilnError(
      `SQLite foreign keys cannot reference a table in another database: "${fk.name ?? fk.columns.join(",")}" points at "${fk.refSchema}.${fk.refTable}"`,
    );
  }
  let sql = `${constraintName(fk.name)}FOREIGN KEY (${columnList(fk.columns)}) REFERENCES ${quoteIdentifier(fk.refTable)} (${columnList(fk.refColumns)})`;
  if (fk.onDelete) sql += ` ON DELETE ${ACTIONS[fk.onDelete]}`;
  if (fk.onUpdate) sql += ` ON UPDATE ${ACTIONS[fk.onUpdate]}`;
  return sql;
}

/** CREATE TABLE for a full definition; `name` overrides the table name (batch rebuild), `options` e.g. `WITHOUT ROWID`. */
export function createTableSql(table: Table, overrides: { name?: string; options?: string } = {}): string {
  const auto = autoIncrementColumn(table);
  const lines = table.columns.map((c) => columnDefinition(c, c === auto ? { name: table.primaryKey?.name } : undefined));
  if (table.primaryKey && !auto) lines.push(primaryKeyClause(table.primaryKey));
  for (const u of table.uniques) lines.push(uniqueClause(u));
  for (const fk of table.foreignKeys) lines.push(foreignKeyClause(fk));
  for (const ck of table.checks) lines.push(checkClause(ck));
  const modelled = [table.options?.withoutRowid ? "WITHOUT ROWID" : "", table.options?.strict ? "STRICT" : ""].filter(Boolean).join(", ");
  const text = overrides.options ?? modelled;
  const options = text ? ` ${text}` : "";
  return `CREATE TABLE ${tableName(table.schema, overrides.name ?? table.name)} (\n  ${lines.join(",\n  ")}\n)${options}`;
}

/** CREATE INDEX. In SQLite the index name carries the schema, the table name does not. */
export function createIndexSql(schema: string | undefined, table: string, index: Index & { name: string }): string {
  const elements = index.columns.map((e) => (elementColumn(e) !== undefined ? quoteIdentifier(elementColumn(e)!) : elementExpression(e)!)).join(", ");
  const where = index.where ? ` WHERE ${index.where}` : "";
  return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${tableName(schema, index.name)} ON ${quoteIdentifier(table)} (${elements})${where}`;
}
