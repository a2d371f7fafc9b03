/**
 * Drizzle `mysqlTable`s -> Catalog, as drizzle-kit creates them on MySQL/MariaDB:
 * - types are MySQL's own spelling, except where kiln's vocabulary uses the same
 *   word for another type (drizzle's `timestamp` is MySQL TIMESTAMP, kiln's
 *   `timestamptz(0)`; `datetime` is `timestamp(0)`; `time` is `time(0)`; `real` is DOUBLE);
 * - `mysqlEnum` is the inline `enum(...)` type; `serial` is what MySQL makes of it
 *   (BIGINT UNSIGNED AUTO_INCREMENT with a unique key named after the column);
 * - unique constraints and indexes take drizzle's names; foreign keys say
 *   `no action` explicitly, as drizzle-kit writes them (MariaDB keeps it);
 * - a `mysqlView` is a kiln view with its algorithm, SQL SECURITY and check option.
 */
import type { Catalog, CheckConstraint, Column, ForeignKey, Index, IndexElement, Table, UniqueConstraint } from "../catalog/types.js";
import type { View } from "../catalog/views.js";
import { KilnError } from "../errors.js";
import { columnName, describe, fkAction, isSql, quoteText, sqlText, type Casing } from "./common.js";
import type { DrizzleModules } from "./load.js";

/** drizzle's MySQL type text -> a type kiln's MySQL dialect declares the same way. */
export function mysqlType(sqlType: string): string {
  const t = sqlType.trim();
  const lower = t.toLowerCase();
  const temporal = /^(timestamp|datetime|time)(?:\s*\((\d)\))?$/.exec(lower);
  if (temporal) {
    const base = temporal[1] === "timestamp" ? "timestamptz" : temporal[1] === "datetime" ? "timestamp" : "time";
    return `${base}(${temporal[2] ?? "0"})`;
  }
  if (lower === "real") return "double";
  if (lower === "numeric") return "decimal";
  return t;
}

function defaultText(drizzle: DrizzleModules, dialect: any, column: any, where: string): string | undefined {
  const value = column.default;
  if (value === undefined) return undefined;
  if (isSql(drizzle, value)) return sqlText(dialect, value, `${where}: default`);
  const sqlType = String(column.getSQLType()).toLowerCase();
  let text: string;
  if (typeof value === "string") text = quoteText(value);
  else if (sqlType === "json") text = quoteText(JSON.stringify(value));
  else if (value instanceof Date) {
    if (sqlType === "date") text = quoteText(value.toISOString().split("T")[0]!);
    else text = quoteText(value.toISOString().replace("T", " ").slice(0, 23));
  } else text = String(value);
  // MySQL 8 takes literal defaults of these types only as expressions.
  return ["blob", "text", "json"].includes(sqlType) ? `(${text})` : text;
}

export function readMysql(drizzle: DrizzleModules, values: { value: unknown; source: string }[], casing?: Casing): { catalog: Catalog; notes: string[] } {
  const { orm, mysql } = drizzle;
  const dialect = new mysql.MySqlDialect({ casing });
  const notes: string[] = [];
  const tables: Table[] = [];
  const views: View[] = [];
  for (const { value, source } of values) {
    if (orm.is(value, mysql.MySqlTable)) tables.push(readTable(drizzle, dialect, value, casing));
    else if (orm.is(value, mysql.MySqlView)) {
      const view = readView(drizzle, dialect, value, source);
      if (view) views.push(view);
    }
  }
  const schemas = [...new Set([...tables, ...views].map((t) => t.schema).filter((s): s is string => s !== undefined))].sort();
  return { catalog: { schemas, tables, enums: [], ...(views.length > 0 ? { views } : {}) }, notes };
}

/**
 * A mysqlView as drizzle-kit creates it: `CREATE [ALGORITHM = a] [SQL SECURITY s]
 * VIEW name AS (query) [WITH c CHECK OPTION]`, the query as drizzle-orm writes it
 * (the server keeps its own print of it, which is what kiln compares);
 * `.existing()` views are not drizzle-kit's to create.
 */
function readView(drizzle: DrizzleModules, dialect: any, value: unknown, source: string): View | undefined {
  const config = drizzle.mysql.getViewConfig(value);
  if (config.isExisting) return undefined;
  const where = `Drizzle view "${config.schema ? `${config.schema}.` : ""}${config.name}" (${source})`;
  if (config.query === undefined) throw new KilnError(`${where} has no query: give it one with .as(...), or mark it .existing()`);
  // In parentheses, as drizzle-kit writes it: the server keeps them in its print of the query.
  const view: View = { name: config.name, definition: `(${sqlText(dialect, config.query, where)})` };
  if (config.schema) view.schema = config.schema;
  if (config.algorithm === "merge" || config.algorithm === "temptable") view.algorithm = config.algorithm;
  if (config.sqlSecurity === "invoker") view.securityInvoker = true;
  if (config.withCheckOption === "local" || config.withCheckOption === "cascaded") view.checkOption = config.withCheckOption;
  return view;
}

function readTable(drizzle: DrizzleModules, dialect: any, table: unknown, casing: Casing | undefined): Table {
  const { mysql } = drizzle;
  const config = mysql.getTableConfig(table);
  const tableName: string = config.name;
  const schema: string | undefined = config.schema || undefined;
  const where = describe(tableName, schema);
  const columns: Column[] = [];
  const uniques: UniqueConstraint[] = [];
  let primaryKey: Table["primaryKey"];
  for (const c of config.columns as any[]) {
    const name = columnName(c, casing);
    const at = `${where}, column "${name}"`;
    const column: Column = { name, type: mysqlType(String(c.getSQLType())), nullable: !c.notNull };
    if (c.autoIncrement) column.autoIncrement = true;
    if (column.type.toLowerCase() === "serial") {
      // MySQL's SERIAL: BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE (a unique key named after the column).
      Object.assign(column, { type: "bigint unsigned", nullable: false, autoIncrement: true });
      uniques.push({ name, columns: [name] });
    }
    if (c.hasOnUpdateNow) column.onUpdate = "CURRENT_TIMESTAMP";
    if (c.generated) {
      const as = c.generated.as;
      const expression = isSql(drizzle, as) ? sqlText(dialect, as, `${at}: generated`) : typeof as === "function" ? sqlText(dialect, as(), `${at}: generated`) : String(as);
      column.generated = { expression, stored: (c.generated.mode ?? "stored") === "stored" };
    }
    const def = defaultText(drizzle, dialect, c, at);
    if (def !== undefined && !column.generated) column.default = def;
    if (c.primary) {
      column.nullable = false;
      primaryKey = { columns: [name] };
    }
    if (c.isUnique) uniques.push({ name: c.uniqueName, columns: [name] });
    columns.push(column);
  }
  for (const pk of config.primaryKeys as any[]) {
    const names = pk.columns.map((c: any) => columnName(c, casing));
    primaryKey = { columns: names };
    for (const column of columns) if (names.includes(column.name)) column.nullable = false;
  }
  for (const u of (config.uniqueConstraints ?? []) as any[]) {
    const names = u.columns.map((c: any) => columnName(c, casing));
    uniques.push({ name: u.name ?? mysql.uniqueKeyName(table, names), columns: names });
  }
  const foreignKeys: ForeignKey[] = (config.foreignKeys as any[]).map((fk) => {
    const ref = fk.reference();
    const from = ref.columns.map((c: any) => columnName(c, casing));
    const to = ref.foreignColumns.map((c: any) => columnName(c, casing));
    let name: string = fk.getName();
    if (casing) {
      ref.columns.forEach((c: any, i: number) => (name = name.replace(c.name, from[i])));
      ref.foreignColumns.forEach((c: any, i: number) => (name = name.replace(c.name, to[i])));
    }
    const refConfig = mysql.getTableConfig(ref.foreignTable);
    const result: ForeignKey = { name, columns: from, refTable: refConfig.name, refColumns: to };
    if (refConfig.schema) result.refSchema = refConfig.schema;
    result.onDelete = fkAction(fk.onDelete ?? "no action", true);
    result.onUpdate = fkAction(fk.onUpdate ?? "no action", true);
    return result;
  });
  const checks: CheckConstraint[] = (config.checks as any[]).map((check) => ({
    name: check.name,
    expression: sqlText(dialect, check.value, `${where}: check "${check.name}"`),
  }));
  const indexes: Index[] = (config.indexes as any[]).map((ix) => {
    const ic = ix.config;
    const elements: IndexElement[] = (ic.columns as any[]).map((it) =>
      isSql(drizzle, it) ? { expression: sqlText(dialect, it, `${where}: index "${ic.name}"`, "indexes") } : columnName(it, casing),
    );
    const index: Index = { name: ic.name, columns: elements };
    if (ic.unique) index.unique = true;
    if (ic.using && ic.using !== "btree") index.method = ic.using;
    return index;
  });
  for (const index of indexes) {
    if (!index.name) throw new KilnError(`${where}: an index has no name; MySQL indexes need one: index("name").on(...)`);
  }
  // A unique index on plain columns is what MySQL calls a unique constraint: kiln reads it back as one.
  const plainUniques = indexes.filter((ix) => ix.unique && ix.columns.every((c) => typeof c === "string"));
  for (const ix of plainUniques) uniques.push({ name: ix.name, columns: ix.columns as string[] });
  return {
    ...(schema ? { schema } : {}),
    name: tableName,
    columns,
    ...(primaryKey ? { primaryKey } : {}),
    uniques,
    foreignKeys,
    checks,
    indexes: indexes.filter((ix) => !plainUniques.includes(ix)),
  };
}
