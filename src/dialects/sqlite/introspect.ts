/**
 * Reading the live schema. A fixed number of queries whatever the table count:
 * the table-valued pragma functions (pragma_table_xinfo, pragma_foreign_key_list,
 * pragma_index_list/pragma_index_info) are joined against pragma_table_list, and
 * sqlite_schema supplies the CREATE text for what pragmas do not report
 * (constraint names, CHECK expressions, AUTOINCREMENT, index expressions).
 */
import type { Catalog, CheckConstraint, Column, FkAction, ForeignKey, Index, Table, Trigger, UniqueConstraint, VerbatimObject, View } from "../../catalog/types.js";
import { parseSqliteTrigger } from "./triggers.js";
import { parseSqliteView } from "./views.js";
import type { Connection, IntrospectOptions } from "../types.js";
import type { Dependency, ObjectRef } from "../../catalog/objects.js";
import { tokenize, withoutTableQualifier } from "./tokens.js";
import { parseCreateIndex, parseCreateTable, type ParsedConstraint } from "./parse.js";
import { isDefaultSchema, quoteIdentifier } from "./quote.js";

/** kiln's own tables and the scratch tables of an interrupted rebuild: never part of a user's schema. */
const KILN_TABLES = new Set(["kiln_version", "kiln_history", "kiln_version_journal", "kiln_lock"]);
export const REBUILD_PREFIX = "_kiln_new_";

export interface SchemaObject {
  schema: string;
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** Everything introspect reads, kept raw so that the batch rebuild can reuse it. */
export interface RawSchema {
  objects: SchemaObject[];
  columns: Record<string, unknown>[];
  foreignKeys: Record<string, unknown>[];
  uniqueIndexes: Record<string, unknown>[];
}

function placeholders(values: unknown[]): string {
  return values.map(() => "?").join(", ");
}

export async function readRawSchema(conn: Connection, schemas: string[]): Promise<RawSchema> {
  const objectsSql = schemas
    .map((s) => `SELECT ? AS schema, type, name, tbl_name, sql FROM ${quoteIdentifier(s)}.sqlite_schema`)
    .join(" UNION ALL ");
  const objects = (await conn.query(objectsSql, schemas)).rows as unknown as SchemaObject[];
  const inSchemas = `t.type = 'table' AND t.schema IN (${placeholders(schemas)})`;
  const columns = (
    await conn.query(
      `SELECT t.schema AS schema, t.name AS table_name, c.cid, c.name, c.type, c."notnull" AS not_null, c.dflt_value, c.pk, c.hidden
         FROM pragma_table_list AS t JOIN pragma_table_xinfo(t.name, t.schema) AS c
        WHERE ${inSchemas} ORDER BY t.schema, t.name, c.cid`,
      schemas,
    )
  ).rows;
  const foreignKeys = (
    await conn.query(
      `SELECT t.schema AS schema, t.name AS table_name, f.id, f.seq, f."table" AS ref_table, f."from" AS from_column, f."to" AS to_column, f.on_update, f.on_delete
         FROM pragma_table_list AS t JOIN pragma_foreign_key_list(t.name, t.schema) AS f
        WHERE ${inSchemas} ORDER BY t.schema, t.name, f.id, f.seq`,
      schemas,
    )
  ).rows;
  const uniqueIndexes = (
    await conn.query(
      `SELECT t.schema AS schema, t.name AS table_name, il.name AS index_name, ii.seqno, ii.name AS column_name
         FROM pragma_table_list AS t
         JOIN pragma_index_list(t.name, t.schema) AS il
         JOIN pragma_index_info(il.name, t.schema) AS ii
        WHERE ${inSchemas} AND il.origin = 'u' ORDER BY t.schema, t.name, il.name, ii.seqno`,
      schemas,
    )
  ).rows;
  return { objects, columns, foreignKeys, uniqueIndexes };
}

function keyOf(schema: unknown, table: unknown): string {
  return `${String(schema)}\u0000${String(table)}`;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]!.toLowerCase());

/** Take the first parsed constraint of this kind that fits, so each name is used once. */
function takeName(pool: ParsedConstraint[], fits: (c: ParsedConstraint) => boolean): string | undefined {
  const at = pool.findIndex(fits);
  if (at === -1) return undefined;
  const [found] = pool.splice(at, 1);
  return found!.name;
}

function fkAction(rule: unknown): FkAction | undefined {
  const action = String(rule ?? "").toLowerCase();
  // NO ACTION is the default: reported as "no action given" so models need not spell it.
  return action === "" || action === "no action" ? undefined : (action as FkAction);
}

function byName<T extends { name?: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "") || JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export interface TableExtras {
  /** Text after the column list: WITHOUT ROWID, STRICT. */
  options: string;
  /** Generated (or hidden) columns, which a Table cannot describe. */
  hiddenColumns: string[];
}

/** Build Catalog tables out of the raw rows. */
export function buildTables(raw: RawSchema, keep: (schema: string, name: string) => boolean): { tables: Table[]; extras: Map<string, TableExtras> } {
  const columnsByTable = groupBy(raw.columns, (r) => keyOf(r.schema, r.table_name));
  const fksByTable = groupBy(raw.foreignKeys, (r) => keyOf(r.schema, r.table_name));
  const uniquesByTable = groupBy(raw.uniqueIndexes, (r) => keyOf(r.schema, r.table_name));
  const indexesByTable = groupBy(
    raw.objects.filter((o) => o.type === "index" && o.sql),
    (o) => keyOf(o.schema, o.tbl_name),
  );
  const pkOf = (schema: string, table: string) =>
    (columnsByTable.get(keyOf(schema, table)) ?? [])
      .filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((c) => String(c.name));

  const tables: Table[] = [];
  const extras = new Map<string, TableExtras>();
  for (const object of raw.objects) {
    if (object.type !== "table" || !object.sql || !keep(object.schema, object.name)) continue;
    const parsed = parseCreateTable(object.sql);
    const pool = [...parsed.constraints];
    const rows = columnsByTable.get(keyOf(object.schema, object.name)) ?? [];
    const withoutRowid = /without\s+rowid/i.test(parsed.options);
    const pkColumns = pkOf(object.schema, object.name);

    const columns: Column[] = [];
    const hiddenColumns: string[] = [];
    for (const row of rows) {
      const name = String(row.name);
      const hidden = Number(row.hidden);
      // 1: a hidden column of a virtual table; 2 and 3: generated VIRTUAL and STORED columns.
      if (hidden === 1) {
        hiddenColumns.push(name);
        continue;
      }
      // The declared type exactly as written: it is what `.schema` shows (canonicalize compares by meaning).
      const declared = String(row.type ?? "");
      // A rowid alias (INTEGER PRIMARY KEY) can never hold NULL, NOT NULL or not.
      const rowidAlias = !withoutRowid && pkColumns.length === 1 && pkColumns[0] === name && declared.toUpperCase() === "INTEGER";
      const column: Column = { name, type: declared, nullable: Number(row.not_null) === 0 && !rowidAlias };
      if (row.dflt_value !== null && row.dflt_value !== undefined) column.default = String(row.dflt_value);
      const parsedColumn = parsed.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (parsedColumn?.autoIncrement) column.identity = { always: false };
      if (parsedColumn?.collation !== undefined) column.collation = parsedColumn.collation;
      if (hidden === 2 || hidden === 3) column.generated = { expression: parsedColumn?.generated?.expression ?? "", stored: hidden === 3 };
      columns.push(column);
    }

    const table: Table = { name: object.name, columns, uniques: [], foreignKeys: [], checks: [], indexes: [], sql: object.sql };
    // WITHOUT ROWID and STRICT, in any order and case after the column list.
    const words = parsed.options.toUpperCase().split(",").map((w) => w.trim().replace(/\s+/g, " "));
    if (words.includes("STRICT") || words.includes("WITHOUT ROWID")) {
      table.options = { ...(words.includes("STRICT") ? { strict: true } : {}), ...(words.includes("WITHOUT ROWID") ? { withoutRowid: true } : {}) };
    }
    const triggers = raw.objects
      .filter((o) => o.type === "trigger" && o.sql && o.schema === object.schema && o.tbl_name === object.name)
      .map((o) => ({ name: o.name, sql: o.sql! }));
    if (triggers.length > 0) table.triggers = triggers;
    if (!isDefaultSchema(object.schema)) table.schema = object.schema;
    if (pkColumns.length > 0) {
      const name = takeName(pool, (c) => c.kind === "primary");
      table.primaryKey = name ? { name, columns: pkColumns } : { columns: pkColumns };
    }

    for (const [, uniqueRows] of groupBy(uniquesByTable.get(keyOf(object.schema, object.name)) ?? [], (r) => String(r.index_name))) {
      const cols = uniqueRows.map((r) => String(r.column_name));
      const name = takeName(pool, (c) => c.kind === "unique" && sameColumns(c.columns, cols));
      table.uniques.push(name ? { name, columns: cols } : ({ columns: cols } as UniqueConstraint));
    }

    for (const [, fkRows] of groupBy(fksByTable.get(keyOf(object.schema, object.name)) ?? [], (r) => String(r.id))) {
      const first = fkRows[0]!;
      const refTable = String(first.ref_table);
      const cols = fkRows.map((r) => String(r.from_column));
      // REFERENCES parent without a column list means the parent's primary key.
      const refColumns = fkRows.some((r) => r.to_column === null) ? pkOf(object.schema, refTable) : fkRows.map((r) => String(r.to_column));
      const fk: ForeignKey = { columns: cols, refTable, refColumns };
      const name = takeName(pool, (c) => c.kind === "foreignkey" && c.refTable.toLowerCase() === refTable.toLowerCase() && sameColumns(c.columns, cols));
      if (name) fk.name = name;
      const onDelete = fkAction(first.on_delete);
      const onUpdate = fkAction(first.on_update);
      if (onDelete) fk.onDelete = onDelete;
      if (onUpdate) fk.onUpdate = onUpdate;
      table.foreignKeys.push(fk);
    }

    for (const c of parsed.constraints) {
      if (c.kind !== "check") continue;
      const check: CheckConstraint = c.name ? { name: c.name, expression: c.expression } : ({ expression: c.expression } as CheckConstraint);
      const bare = withoutTableQualifier(c.expression, object.name);
      if (bare !== undefined) check.canonical = { expression: bare };
      table.checks.push(check);
    }

    for (const object2 of indexesByTable.get(keyOf(object.schema, object.name)) ?? []) {
      const parsedIndex = parseCreateIndex(object2.sql!);
      const index: Index = {
        name: object2.name,
        columns: parsedIndex.elements.map((e) => e.column ?? { expression: e.text }),
        sql: object2.sql!,
      };
      if (parsedIndex.unique) index.unique = true;
      if (parsedIndex.where) index.where = parsedIndex.where;
      const bareWhere = parsedIndex.where ? withoutTableQualifier(parsedIndex.where, object.name) : undefined;
      if (bareWhere !== undefined) index.canonical = { where: bareWhere };
      table.indexes.push(index);
    }

    byName(table.uniques);
    byName(table.foreignKeys);
    byName(table.checks);
    byName(table.indexes);
    tables.push(table);
    extras.set(keyOf(object.schema, object.name), { options: parsed.options, hiddenColumns });
  }
  tables.sort((a, b) => (a.schema ?? "").localeCompare(b.schema ?? "") || a.name.localeCompare(b.name));
  return { tables, extras };
}

/** The schemas to read: `main` plus any attached database the caller names. */
export function schemasToRead(options: IntrospectOptions = {}): string[] {
  const named = (options.schemas ?? []).filter((s) => !isDefaultSchema(s));
  return ["main", ...new Set(named)];
}

/** The filter every introspection applies: internal, kiln and excluded tables are left out. */
export function tableFilter(options: IntrospectOptions = {}): (schema: string, name: string) => boolean {
  const excluded = new Set(options.excludeTables ?? []);
  return (schema, name) => {
    if (name.startsWith("sqlite_") || name.startsWith(REBUILD_PREFIX) || KILN_TABLES.has(name)) return false;
    const catalogSchema = isDefaultSchema(schema) ? undefined : schema;
    if (excluded.has(name) || (catalogSchema && excluded.has(`${catalogSchema}.${name}`))) return false;
    return options.includeTable ? options.includeTable(catalogSchema, name) : true;
  };
}

export async function introspectSqlite(conn: Connection, options: IntrospectOptions = {}): Promise<Catalog> {
  const attached = new Set((await conn.query("SELECT name FROM pragma_database_list")).rows.map((r) => String(r.name)));
  const schemas = schemasToRead(options).filter((s) => attached.has(s));
  const raw = await readRawSchema(conn, schemas);
  const { tables } = buildTables(raw, tableFilter(options));
  const catalog: Catalog = { schemas: schemas.filter((s) => s !== "main"), tables, enums: [] };
  const { views, triggers } = readViewsAndTriggers(raw, tables);
  if (views.length > 0) catalog.views = views;
  if (triggers.length > 0) catalog.triggers = triggers;
  const dependencies = unmodelledDependencies(raw, tables);
  if (dependencies.length > 0) catalog.dependencies = dependencies;
  return catalog;
}

/**
 * The views and the triggers (on the tables read) that kiln reads from their
 * stored text; a trigger it cannot read stays verbatim with its table
 * (Table.triggers) and is taken off that list otherwise.
 */
function readViewsAndTriggers(raw: RawSchema, tables: Table[]): { views: View[]; triggers: Trigger[] } {
  const views: View[] = [];
  const triggers: Trigger[] = [];
  for (const object of raw.objects) {
    if (!object.sql || object.name.startsWith("sqlite_")) continue;
    const schema = isDefaultSchema(object.schema) ? undefined : object.schema;
    if (object.type === "view") {
      const view = parseSqliteView(object.sql, schema);
      if (view) views.push(view);
    }
  }
  for (const table of tables) {
    if (!table.triggers) continue;
    const carried: VerbatimObject[] = [];
    for (const stored of table.triggers) {
      const trigger = parseSqliteTrigger(stored.sql, table.schema);
      if (trigger && trigger.table.toLowerCase() === table.name.toLowerCase()) triggers.push({ ...trigger, table: table.name });
      else carried.push(stored);
    }
    if (carried.length > 0) table.triggers = carried;
    else delete table.triggers;
  }
  const byKey = (a: { schema?: string; name: string; table?: string }, b: { schema?: string; name: string; table?: string }) =>
    `${a.schema ?? ""}\u0000${a.table ?? ""}\u0000${a.name}`.localeCompare(`${b.schema ?? ""}\u0000${b.table ?? ""}\u0000${b.name}`);
  return { views: views.sort(byKey), triggers: triggers.sort(byKey) };
}

/**
 * Views and triggers and the tables they use: a
 * trigger needs its own table and every table its body names, a view every
 * table its query names. Names are found by reading the text's identifiers,
 * which is what SQLite itself resolves when the view is queried or the trigger fires.
 */
export function unmodelledDependencies(raw: RawSchema, tables: Table[]): Dependency[] {
  const dependencies: Dependency[] = [];
  for (const object of raw.objects) {
    if ((object.type !== "view" && object.type !== "trigger") || !object.sql) continue;
    const schema = isDefaultSchema(object.schema) ? undefined : object.schema;
    const dependent: ObjectRef = object.type === "view" ? { kind: "view", ...(schema ? { schema } : {}), name: object.name } : { kind: "trigger", ...(schema ? { schema } : {}), name: object.name, table: object.tbl_name };
    const named = new Set(
      tokenize(object.sql)
        .filter((t) => t.kind === "word" || t.kind === "quoted")
        .map((t) => t.value.toLowerCase()),
    );
    for (const table of tables) {
      if (table.schema !== schema || table.name === (object.type === "view" ? object.name : "")) continue;
      if (named.has(table.name.toLowerCase()) || (object.type === "trigger" && object.tbl_name === table.name)) {
        dependencies.push({ dependent, referenced: { kind: "table", ...(schema ? { schema } : {}), name: table.name } });
      }
    }
  }
  return dependencies;
}
