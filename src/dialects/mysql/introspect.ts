/**
 * Reads a MySQL/MariaDB database into a Catalog from information_schema, in a
 * fixed number of queries whatever the number of tables (server, tables,
 * columns, key constraints, checks, indexes; plus one for extra schemas).
 *
 * Spelling choices, mirrored by canonicalize():
 * - Types in the neutral vocabulary (column-types.ts); enum columns keep MySQL's
 *   inline spelling `enum('a','b')` and Catalog.enums stays empty.
 * - JSON columns (MariaDB: longtext + automatic json_valid check) read as `json`;
 *   that automatic check is hidden.
 * - AUTO_INCREMENT reads as identity { always: false }.
 * - Primary keys have no name (MySQL calls every one PRIMARY).
 * - Unique constraints are unique indexes on MySQL: every unique index on plain
 *   columns is reported in `uniques`, never in `indexes`.
 * - The index MySQL creates by itself for a foreign key (same name, same columns) is hidden.
 * - ON DELETE/UPDATE RESTRICT and NO ACTION (the same thing in InnoDB, and the
 *   default) read as undefined.
 * - Defaults are the server's own text (MariaDB: `'draft'`, `current_timestamp(6)`);
 *   MariaDB's `NULL` (no default) reads as undefined.
 */
import { qualifiedName } from "../../catalog/types.js";
import type { Catalog, CheckConstraint, Column, FkAction, ForeignKey, Index, IndexElement, Table, TableOptions } from "../../catalog/types.js";
import type { Connection, IntrospectOptions } from "../types.js";
import { fromMysqlType } from "./column-types.js";
import { mayHoldLostCharacters, readExactText } from "./exact-text.js";
import { quoteIdentifier, quoteLiteral } from "./quote.js";
import { mysqlRoutinesFrom } from "./routines.js";
import { routineSignature } from "../../catalog/routines.js";
import { mysqlTriggersFrom } from "./triggers.js";
import { mysqlViewsFrom } from "./views.js";
import { surveyMysqlObjects } from "./unmodelled.js";

export interface ServerInfo {
  /** The connection's database (DATABASE()). */
  database: string;
  mariadb: boolean;
  /** Major.minor.patch as numbers. */
  version: [number, number, number];
}

/** One database to read, and the schema name it gets in the Catalog (undefined: the default schema). */
export interface DatabaseScope {
  database: string;
  schema: string | undefined;
}

export interface ReadOptions {
  excludeTables?: string[];
  includeTable?: IntrospectOptions["includeTable"];
}

/** kiln's own tables, never part of a user's schema. */
export const KILN_TABLES = ["kiln_version", "kiln_history", "kiln_version_journal", "kiln_version_lock"];

type Row = Record<string, unknown>;

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return String(value);
}

function byName<T extends { name?: string }>(a: T, b: T): number {
  const x = a.name ?? "";
  const y = b.name ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

function tableKey(database: string, table: string): string {
  return `${database}\u0000${table}`;
}

export async function serverInfo(conn: Connection): Promise<ServerInfo> {
  const { rows } = await conn.query("SELECT DATABASE() AS db, VERSION() AS version");
  const version = text(rows[0]?.version);
  const numbers = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return {
    database: text(rows[0]?.db),
    mariadb: /mariadb/i.test(version),
    version: numbers ? [Number(numbers[1]), Number(numbers[2]), Number(numbers[3])] : [0, 0, 0],
  };
}

function atLeast(server: ServerInfo, major: number, minor: number, patch: number): boolean {
  const [a, b, c] = server.version;
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

function inList(count: number): string {
  return `(${new Array(count).fill("?").join(", ")})`;
}

/** The default as SQL text, in the server's spelling. */
function normalizeDefault(row: Row, server: ServerInfo): string | undefined {
  const raw = row.COLUMN_DEFAULT;
  if (raw === null || raw === undefined) return undefined;
  const value = text(raw);
  if (server.mariadb) {
    // MariaDB 10.2.7+ prints SQL text; the bare word NULL means "no default".
    return value === "NULL" ? undefined : value;
  }
  // MySQL prints literal values unquoted and marks expressions DEFAULT_GENERATED.
  if (/DEFAULT_GENERATED/i.test(text(row.EXTRA)) || /^current_timestamp/i.test(value)) return value;
  const dataType = text(row.DATA_TYPE).toLowerCase();
  if (/int|decimal|float|double|bit|year/.test(dataType) && /^[+-]?[\d.]+(e[+-]?\d+)?$/i.test(value)) return value;
  return quoteLiteral(value);
}

/**
 * RESTRICT is InnoDB's default and reads as undefined. MariaDB keeps NO ACTION
 * apart when it was spelled out (SHOW CREATE TABLE prints it); MySQL reports
 * NO ACTION for a key declared without an action, so there it is the default too.
 */
function fkAction(rule: unknown, server: ServerInfo): FkAction | undefined {
  const action = text(rule).toLowerCase();
  if (action === "" || action === "restrict" || (action === "no action" && !server.mariadb)) return undefined;
  return action as FkAction;
}

/** The table's options that differ from what a table created without them gets (the server's engine, the database's charset). */
function tableOptions(row: Row): TableOptions | undefined {
  const options: TableOptions = {};
  const engine = text(row.ENGINE);
  if (engine !== "" && engine.toLowerCase() !== text(row.DEFAULT_ENGINE).toLowerCase()) options.engine = engine;
  const charset = text(row.TABLE_CHARSET);
  const collation = text(row.TABLE_COLLATION);
  if (charset !== "" && charset !== text(row.DEFAULT_CHARACTER_SET_NAME)) options.charset = charset;
  if (collation !== "" && collation !== text(row.DEFAULT_COLLATION_NAME)) options.collation = collation;
  const rowFormat = /\brow_format=(\w+)/i.exec(text(row.CREATE_OPTIONS));
  if (rowFormat) options.rowFormat = rowFormat[1]!.toUpperCase();
  const autoIncrement = Number(row.AUTO_INCREMENT ?? 0);
  if (autoIncrement > 1) options.autoIncrement = autoIncrement;
  return Object.keys(options).length > 0 ? options : undefined;
}

function sameColumns(a: IndexElement[], b: string[]): boolean {
  return a.length === b.length && a.every((element, i) => element === b[i]);
}

export async function readCatalog(
  conn: Connection,
  server: ServerInfo,
  scopes: DatabaseScope[],
  options: ReadOptions = {},
): Promise<Table[]> {
  if (scopes.length === 0) return [];
  const databases = scopes.map((scope) => scope.database);
  const schemaOf = new Map(scopes.map((scope) => [scope.database, scope.schema]));
  const refSchema = (database: string): string | undefined => (schemaOf.has(database) ? schemaOf.get(database) : database);
  const list = inList(databases.length);
  const excluded = new Set([...KILN_TABLES, ...(options.excludeTables ?? [])]);

  const tableRows = (
    await conn.query(
      `SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_COMMENT, t.ENGINE, t.TABLE_COLLATION, c.CHARACTER_SET_NAME AS TABLE_CHARSET,
              t.CREATE_OPTIONS, t.AUTO_INCREMENT, s.DEFAULT_CHARACTER_SET_NAME, s.DEFAULT_COLLATION_NAME,
              @@default_storage_engine AS DEFAULT_ENGINE
         FROM information_schema.TABLES t
         JOIN information_schema.SCHEMATA s ON s.SCHEMA_NAME = t.TABLE_SCHEMA
         LEFT JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION
        WHERE t.TABLE_SCHEMA IN ${list} AND t.TABLE_TYPE = 'BASE TABLE'`,
      databases,
    )
  ).rows;
  /** Each table's default charset and collation: a column states its own only where it differs. */
  const tableCharsets = new Map<string, { charset: string; collation: string }>();

  const tables = new Map<string, Table>();
  for (const row of tableRows) {
    const database = text(row.TABLE_SCHEMA);
    const name = text(row.TABLE_NAME);
    const schema = schemaOf.get(database);
    const qualified = schema ? `${schema}.${name}` : name;
    if (excluded.has(qualified) || (schema === undefined && excluded.has(`${database}.${name}`))) continue;
    if (options.includeTable && !options.includeTable(schema, name)) continue;
    const table: Table = { name, columns: [], uniques: [], foreignKeys: [], checks: [], indexes: [] };
    if (schema !== undefined) table.schema = schema;
    const comment = text(row.TABLE_COMMENT);
    if (comment !== "") table.comment = comment;
    const tableOpts = tableOptions(row);
    if (tableOpts) table.options = tableOpts;
    tableCharsets.set(tableKey(database, name), { charset: text(row.TABLE_CHARSET), collation: text(row.TABLE_COLLATION) });
    tables.set(tableKey(database, name), table);
  }
  if (tables.size === 0) return [];

  const [columnRows, keyRows, checkRows, indexRows, indexIds] = await Promise.all([
    conn.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT,
              CHARACTER_SET_NAME, COLLATION_NAME, GENERATION_EXPRESSION
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ${list}
        ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
      databases,
    ),
    conn.query(
      `SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME,
              k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, rc.UPDATE_RULE, rc.DELETE_RULE
         FROM information_schema.TABLE_CONSTRAINTS tc
         JOIN information_schema.KEY_COLUMN_USAGE k
           ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.TABLE_SCHEMA = tc.TABLE_SCHEMA
          AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
         LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS rc
           ON rc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND rc.TABLE_NAME = tc.TABLE_NAME
          AND rc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
        WHERE tc.TABLE_SCHEMA IN ${list} AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
        ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      databases,
    ),
    readChecks(conn, server, list, databases),
    conn.query(
      `SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION, INDEX_COMMENT${
        !server.mariadb && atLeast(server, 8, 0, 13) ? ", EXPRESSION" : ", NULL AS EXPRESSION"
      }
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN ${list}
        ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      databases,
    ),
    readIndexIds(conn, server, list, databases),
  ]);

  // Checks first: MariaDB's JSON columns are recognised by their automatic check.
  const jsonColumns = new Set<string>();
  const checks = new Map<string, CheckConstraint[]>();
  for (const row of checkRows) {
    const key = tableKey(text(row.TABLE_SCHEMA), text(row.TABLE_NAME));
    const name = text(row.CONSTRAINT_NAME);
    const clause = text(row.CHECK_CLAUSE);
    if (text(row.LEVEL) === "Column" && clause === `json_valid(${quoteIdentifier(name)})`) {
      jsonColumns.add(`${key}\u0000${name}`);
      continue;
    }
    if (!checks.has(key)) checks.set(key, []);
    checks.get(key)!.push(text(row.LEVEL) === "Column" ? { name, expression: clause, column: name } : { name, expression: clause });
  }

  const lossy: { database: string; table: string; column: Column }[] = [];
  for (const row of columnRows.rows) {
    const key = tableKey(text(row.TABLE_SCHEMA), text(row.TABLE_NAME));
    const table = tables.get(key);
    if (!table) continue;
    const name = text(row.COLUMN_NAME);
    const dataType = text(row.DATA_TYPE).toLowerCase();
    const isJson = dataType === "json" || (dataType === "longtext" && jsonColumns.has(`${key}\u0000${name}`));
    const column: Column = { name, type: fromMysqlType(text(row.COLUMN_TYPE), isJson), nullable: text(row.IS_NULLABLE) === "YES" };
    const generated = /\b(virtual|stored|persistent) generated\b/i.exec(text(row.EXTRA));
    if (generated) column.generated = { expression: text(row.GENERATION_EXPRESSION), stored: generated[1]!.toLowerCase() !== "virtual" };
    else if (/auto_increment/i.test(text(row.EXTRA))) column.identity = { always: false };
    else {
      const value = normalizeDefault(row, server);
      if (value !== undefined) column.default = value;
    }
    const comment = text(row.COLUMN_COMMENT);
    if (comment !== "") column.comment = comment;
    const onUpdate = /\bon update (\S+)/i.exec(text(row.EXTRA));
    if (onUpdate) column.onUpdate = onUpdate[1]!;
    const defaults = tableCharsets.get(key);
    const charset = text(row.CHARACTER_SET_NAME);
    const collation = text(row.COLLATION_NAME);
    // As SHOW CREATE TABLE: a column names its charset and collation only where they differ from the table's.
    // (MariaDB's JSON is utf8mb4_bin text by definition: nothing to state.)
    if (charset !== "" && defaults && !isJson && charset !== defaults.charset) column.charset = charset;
    if (collation !== "" && defaults && !isJson && collation !== defaults.collation) column.collation = collation;
    table.columns.push(column);
    if (mayHoldLostCharacters(column)) lossy.push({ database: text(row.TABLE_SCHEMA), table: text(row.TABLE_NAME), column });
  }
  // One after the other: they share this connection.
  for (const { database, table, column } of lossy) await readExactText(conn, database, table, column);

  const foreignKeys = new Map<string, ForeignKey>();
  const uniqueNames = new Set<string>();
  for (const row of keyRows.rows) {
    const database = text(row.TABLE_SCHEMA);
    const key = tableKey(database, text(row.TABLE_NAME));
    const table = tables.get(key);
    if (!table) continue;
    const name = text(row.CONSTRAINT_NAME);
    const column = text(row.COLUMN_NAME);
    switch (text(row.CONSTRAINT_TYPE)) {
      case "PRIMARY KEY":
        (table.primaryKey ??= { columns: [] }).columns.push(column);
        break;
      case "UNIQUE": {
        uniqueNames.add(`${key}\u0000${name}`);
        let unique = table.uniques.find((u) => u.name === name);
        if (!unique) table.uniques.push((unique = { name, columns: [] }));
        unique.columns.push(column);
        break;
      }
      case "FOREIGN KEY": {
        let fk = foreignKeys.get(`${key}\u0000${name}`);
        if (!fk) {
          fk = { name, columns: [], refTable: text(row.REFERENCED_TABLE_NAME), refColumns: [] };
          const schema = refSchema(text(row.REFERENCED_TABLE_SCHEMA));
          if (schema !== undefined) fk.refSchema = schema;
          const onDelete = fkAction(row.DELETE_RULE, server);
          const onUpdate = fkAction(row.UPDATE_RULE, server);
          if (onDelete) fk.onDelete = onDelete;
          if (onUpdate) fk.onUpdate = onUpdate;
          foreignKeys.set(`${key}\u0000${name}`, fk);
          table.foreignKeys.push(fk);
        }
        fk.columns.push(column);
        fk.refColumns.push(text(row.REFERENCED_COLUMN_NAME));
        break;
      }
    }
  }

  const indexes = new Map<string, { key: string; index: Index & { name: string }; plain: boolean }>();
  for (const row of inCreationOrder(indexRows.rows, indexIds)) {
    const key = tableKey(text(row.TABLE_SCHEMA), text(row.TABLE_NAME));
    if (!tables.has(key)) continue;
    const name = text(row.INDEX_NAME);
    if (name === "PRIMARY") continue;
    const id = `${key}\u0000${name}`;
    let entry = indexes.get(id);
    if (!entry) {
      const index: Index & { name: string } = { name, columns: [] };
      if (Number(row.NON_UNIQUE) === 0) index.unique = true;
      const type = text(row.INDEX_TYPE).toLowerCase();
      if (type !== "" && type !== "btree") index.method = type;
      const indexComment = text(row.INDEX_COMMENT);
      if (indexComment !== "") index.comment = indexComment;
      entry = { key, index, plain: index.method === undefined };
      indexes.set(id, entry);
    }
    const expression = text(row.EXPRESSION);
    // COLLATION 'D': a DESC key part (MariaDB 10.8+, MySQL 8).
    const descending = text(row.COLLATION) === "D" ? { descending: true as const } : {};
    if (expression !== "") {
      entry.index.columns.push({ expression, ...descending });
      entry.plain = false;
    } else if (row.SUB_PART !== null && row.SUB_PART !== undefined && entry.index.method !== "spatial") {
      // (MariaDB reports a SUB_PART of 32 for every spatial key part: the geometry's own size, not a prefix.)
      entry.index.columns.push({ expression: `${quoteIdentifier(text(row.COLUMN_NAME))}(${text(row.SUB_PART)})`, ...descending });
      entry.plain = false;
    } else if (descending.descending) {
      entry.index.columns.push({ column: text(row.COLUMN_NAME), descending: true });
      entry.plain = false;
    } else {
      entry.index.columns.push(text(row.COLUMN_NAME));
    }
  }
  for (const [id, { key, index, plain }] of indexes) {
    const table = tables.get(key)!;
    if (uniqueNames.has(id)) {
      // A unique "constraint" on prefixes or with a non-default method is only expressible as an index.
      if (plain) continue;
      table.uniques = table.uniques.filter((unique) => unique.name !== index.name);
    }
    const fk = table.foreignKeys.find((f) => f.name === index.name);
    if (fk && !index.unique && index.method === undefined && sameColumns(index.columns, fk.columns)) continue;
    table.indexes.push(index);
  }

  for (const [key, list] of checks) {
    const table = tables.get(key);
    if (table) table.checks.push(...list);
  }

  const result = [...tables.values()];
  for (const table of result) {
    table.uniques.sort(byName);
    table.foreignKeys.sort(byName);
    table.checks.sort(byName);
    // Indexes stay in the table's key order (SHOW CREATE TABLE's): recreated in that order, they print the same.
  }
  return result.sort((a, b) => byName({ name: qualifiedName(a) }, { name: qualifiedName(b) }));
}

/**
 * InnoDB's index ids, which grow in creation order: SHOW CREATE TABLE lists keys
 * of one kind in that order, so kiln recreates them in it. Needs the PROCESS
 * privilege; without it (or on other engines) indexes keep name order.
 */
async function readIndexIds(conn: Connection, server: ServerInfo, list: string, databases: string[]): Promise<Map<string, number>> {
  const [tables, indexes] = server.mariadb ? ["INNODB_SYS_TABLES", "INNODB_SYS_INDEXES"] : ["INNODB_TABLES", "INNODB_INDEXES"];
  try {
    const { rows } = await conn.query(
      `SELECT t.NAME AS TABLE_PATH, i.NAME AS INDEX_NAME, i.INDEX_ID FROM information_schema.${indexes} i
         JOIN information_schema.${tables} t ON t.TABLE_ID = i.TABLE_ID
        WHERE SUBSTRING_INDEX(t.NAME, '/', 1) IN ${list}`,
      databases,
    );
    return new Map(rows.map((row) => [`${text(row.TABLE_PATH)}/${text(row.INDEX_NAME)}`, Number(row.INDEX_ID)]));
  } catch {
    return new Map();
  }
}

/** STATISTICS rows ordered, table by table, by each index's creation (where InnoDB tells), then by name and position. */
function inCreationOrder(rows: Row[], ids: Map<string, number>): Row[] {
  const id = (row: Row) => ids.get(`${text(row.TABLE_SCHEMA)}/${text(row.TABLE_NAME)}/${text(row.INDEX_NAME)}`) ?? Number.MAX_SAFE_INTEGER;
  const tableOrder = new Map<string, number>();
  const keyed = rows.map((row, position) => {
    const table = tableKey(text(row.TABLE_SCHEMA), text(row.TABLE_NAME));
    if (!tableOrder.has(table)) tableOrder.set(table, tableOrder.size);
    return { row, table: tableOrder.get(table)!, id: id(row), position };
  });
  keyed.sort((a, b) => a.table - b.table || a.id - b.id || a.position - b.position);
  return keyed.map((entry) => entry.row);
}

async function readChecks(conn: Connection, server: ServerInfo, list: string, databases: string[]): Promise<Row[]> {
  if (server.mariadb) {
    // MariaDB scopes check names per table and marks column-level checks (JSON's json_valid among them).
    const { rows } = await conn.query(
      `SELECT CONSTRAINT_SCHEMA AS TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ${list}`,
      databases,
    );
    return rows;
  }
  if (!atLeast(server, 8, 0, 16)) return []; // MySQL before 8.0.16 parses CHECK and ignores it.
  const { rows } = await conn.query(
    `SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, 'Table' AS LEVEL, cc.CHECK_CLAUSE
       FROM information_schema.TABLE_CONSTRAINTS tc
       JOIN information_schema.CHECK_CONSTRAINTS cc
         ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
      WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA IN ${list}`,
    databases,
  );
  return rows;
}

/** Dialect.introspect: the connection's database plus any databases named in options.schemas. */
export async function introspectMysql(conn: Connection, options: IntrospectOptions = {}): Promise<Catalog> {
  const server = await serverInfo(conn);
  const extra = [...new Set(options.schemas ?? [])].filter((name) => name !== server.database);
  let schemas: string[] = [];
  if (extra.length > 0) {
    const { rows } = await conn.query(
      `SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ${inList(extra.length)}`,
      extra,
    );
    schemas = rows.map((row) => text(row.SCHEMA_NAME)).sort();
  }
  const scopes: DatabaseScope[] = [{ database: server.database, schema: undefined }, ...schemas.map((name) => ({ database: name, schema: name }))];
  const tables = await readCatalog(conn, server, scopes, options);
  const catalog: Catalog = { schemas, tables, enums: [] };
  const schemaOf = new Map(scopes.map((scope) => [scope.database, scope.schema]));
  // Views, triggers and routines in one query, with what they use (for the order of drops); kiln names what it does not model.
  const { dependencies, rows } = await surveyMysqlObjects(conn, schemaOf, tables);
  // Views and triggers each then with its SHOW CREATE: the text information_schema does not keep.
  const views = await mysqlViewsFrom(conn, rows, schemaOf);
  if (views.length > 0) catalog.views = views;
  const tableNames = new Set(tables.map((t) => `${t.schema ?? ""}\u0000${t.name}`));
  const triggers = (await mysqlTriggersFrom(conn, rows, schemaOf)).filter((t) => tableNames.has(`${t.schema ?? ""}\u0000${t.table}`));
  if (triggers.length > 0) catalog.triggers = triggers;
  const routines = await mysqlRoutinesFrom(conn, rows, schemaOf);
  if (routines.length > 0) catalog.routines = routines;
  // The survey names a routine by name (MySQL has no overloading); the Catalog by its signature.
  const signatures = new Map(routines.map((r) => [`${r.kind}\u0000${r.schema ?? ""}\u0000${r.name}`, routineSignature(r)]));
  for (const dependency of dependencies) {
    for (const side of ["dependent", "referenced"] as const) {
      const ref = dependency[side];
      const signature = signatures.get(`${ref.kind}\u0000${ref.schema ?? ""}\u0000${ref.name}`);
      if (signature !== undefined) dependency[side] = { ...ref, name: signature };
    }
  }
  if (dependencies.length > 0) catalog.dependencies = dependencies;
  return catalog;
}
