/**
 * Drizzle `sqliteTable`s -> Catalog, as drizzle-kit creates them on SQLite:
 * - `integer().primaryKey({ autoIncrement: true })` is INTEGER PRIMARY KEY AUTOINCREMENT;
 * - unique constraints (column or table) are unique indexes named as drizzle
 *   names them (`<table>_<columns>_unique`), foreign keys are unnamed and inline,
 *   checks keep their names;
 * - a `sqliteView` is a kiln view with drizzle-kit's query text;
 * - literal defaults are written as drizzle-kit writes them (text quoted,
 *   objects as quoted JSON, booleans and numbers as they print).
 */
import type { Catalog, CheckConstraint, Column, ForeignKey, Index, IndexElement, Table } from "../catalog/types.js";
import type { View } from "../catalog/views.js";
import { KilnError } from "../errors.js";
import { columnName, describe, fkAction, isSql, quoteText, sqlText, type Casing } from "./common.js";
import type { DrizzleModules } from "./load.js";

function defaultText(drizzle: DrizzleModules, dialect: any, value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  // SQLite needs an expression default in parentheses, which drizzle schemas write themselves (sql`(unixepoch())`)
  // and kiln adds when creating the column: the enclosing pair is left to kiln, so the column says DEFAULT (unixepoch()) once.
  if (isSql(drizzle, value)) return withoutEnclosingParens(sqlText(dialect, value, `${where}: default`));
  if (typeof value === "string") return quoteText(value);
  if (typeof value === "object" && value !== null) return quoteText(JSON.stringify(value));
  return String(value);
}

/** `(expr)` -> `expr` when the outer parentheses enclose the whole text. */
function withoutEnclosingParens(text: string): string {
  const t = text.trim();
  if (!t.startsWith("(") || !t.endsWith(")")) return t;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0 && i < t.length - 1) return t;
  }
  return t.slice(1, -1).trim();
}

export function readSqlite(drizzle: DrizzleModules, values: { value: unknown; source: string }[], casing?: Casing): { catalog: Catalog; notes: string[] } {
  const { orm, sqlite } = drizzle;
  const dialect = new sqlite.SQLiteSyncDialect({ casing });
  const notes: string[] = [];
  const tables: Table[] = [];
  const views: View[] = [];
  for (const { value, source } of values) {
    if (orm.is(value, sqlite.SQLiteTable)) tables.push(readTable(drizzle, dialect, value, casing));
    else if (orm.is(value, sqlite.SQLiteView)) {
      const view = readView(drizzle, dialect, value, source);
      if (view) views.push(view);
    }
  }
  return { catalog: { schemas: [], tables, enums: [], ...(views.length > 0 ? { views } : {}) }, notes };
}

/**
 * A sqliteView as drizzle-kit creates it: CREATE VIEW `name` AS <the query as
 * drizzle-orm writes it>; `.existing()` views are not drizzle-kit's to create.
 */
function readView(drizzle: DrizzleModules, dialect: any, value: unknown, source: string): View | undefined {
  const config = drizzle.sqlite.getViewConfig(value);
  if (config.isExisting) return undefined;
  const where = `Drizzle view "${config.name}" (${source})`;
  if (config.query === undefined) throw new KilnError(`${where} has no query: give it one with .as(...), or mark it .existing()`);
  return { name: config.name, definition: sqlText(dialect, config.query, where) };
}

function readTable(drizzle: DrizzleModules, dialect: any, table: unknown, casing: Casing | undefined): Table {
  const { orm, sqlite } = drizzle;
  const config = sqlite.getTableConfig(table);
  const tableName: string = config.name;
  const where = describe(tableName);
  const columns: Column[] = [];
  const indexes: Index[] = [];
  let primaryKey: Table["primaryKey"];
  for (const c of config.columns as any[]) {
    const name = columnName(c, casing);
    const at = `${where}, column "${name}"`;
    const column: Column = { name, type: String(c.getSQLType()), nullable: !c.notNull };
    if (orm.is(c, sqlite.SQLiteBaseInteger) && c.autoIncrement) column.autoIncrement = true;
    if (c.generated) {
      const as = c.generated.as;
      const expression = isSql(drizzle, as) ? sqlText(dialect, as, `${at}: generated`, "indexes") : typeof as === "function" ? sqlText(dialect, as(), `${at}: generated`, "indexes") : String(as);
      column.generated = { expression, stored: c.generated.mode === "stored" };
    }
    const def = defaultText(drizzle, dialect, c.default, at);
    if (def !== undefined && !column.generated) column.default = def;
    if (c.primary) primaryKey = { columns: [name] };
    if (c.isUnique) indexes.push({ name: c.uniqueName, columns: [name], unique: true });
    columns.push(column);
  }
  for (const pk of config.primaryKeys as any[]) primaryKey = { columns: pk.columns.map((c: any) => columnName(c, casing)) };
  if (primaryKey?.columns.length === 1) {
    // SQLite lets a primary key column hold NULL unless it is the rowid; drizzle-kit declares what the model says.
    const pkColumn = columns.find((c) => c.name === primaryKey!.columns[0]);
    if (pkColumn && /^integer$/i.test(pkColumn.type)) pkColumn.nullable = false;
  }
  for (const u of (config.uniqueConstraints ?? []) as any[]) {
    const names = u.columns.map((c: any) => columnName(c, casing));
    indexes.push({ name: u.name ?? sqlite.uniqueKeyName(table, names), columns: names, unique: true });
  }
  const foreignKeys: ForeignKey[] = (config.foreignKeys as any[]).map((fk) => {
    const ref = fk.reference();
    const result: ForeignKey = {
      columns: ref.columns.map((c: any) => columnName(c, casing)),
      refTable: sqlite.getTableConfig(ref.foreignTable).name,
      refColumns: ref.foreignColumns.map((c: any) => columnName(c, casing)),
    };
    const onDelete = fkAction(fk.onDelete, false);
    const onUpdate = fkAction(fk.onUpdate, false);
    if (onDelete) result.onDelete = onDelete;
    if (onUpdate) result.onUpdate = onUpdate;
    return result;
  });
  const checks: CheckConstraint[] = (config.checks as any[]).map((check) => ({
    name: check.name,
    expression: sqlText(dialect, check.value, `${where}: check "${check.name}"`, "indexes"),
  }));
  for (const ix of config.indexes as any[]) {
    const ic = ix.config;
    const elements: IndexElement[] = (ic.columns as any[]).map((it) =>
      isSql(drizzle, it) ? { expression: sqlText(dialect, it, `${where}: index "${ic.name}"`, "indexes") } : columnName(it, casing),
    );
    const index: Index = { name: ic.name, columns: elements };
    if (ic.unique) index.unique = true;
    if (ic.where !== undefined && isSql(drizzle, ic.where)) index.where = sqlText(dialect, ic.where, `${where}: index "${ic.name}" where`, "indexes");
    indexes.push(index);
  }
  return { name: tableName, columns, ...(primaryKey ? { primaryKey } : {}), uniques: [], foreignKeys, checks, indexes };
}
