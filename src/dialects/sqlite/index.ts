/**
 * The SQLite dialect (better-sqlite3).
 *
 * Choices, kept consistent across compile, introspect and canonicalize so that
 * autogenerate reaches a fixpoint:
 * - Types: the declared type is free text in SQLite, kept as the database has it;
 *   model types are declared upper-cased (bytea is declared BLOB). type-map.ts.
 * - Enums: SQLite has none. createEnum/dropEnum/addEnumValue compile to nothing,
 *   canonicalize turns enum-typed model columns into `TEXT` with a CHECK named
 *   ck_<table>_<column>_enum that enforces the values, and drops the enum types.
 * - Stored text: tables, indexes and triggers carry the CREATE text SQLite stored
 *   (Table.sql, Index.sql, Table.triggers); a table recreated by a downgrade is
 *   created from it, and a rebuild rewrites only the definitions it changes (table-text.ts).
 * - Constraints declared without a name are matched and dropped by definition.
 * - Comments: SQLite has none. Comment operations compile to nothing, introspect
 *   never reports comments, canonicalize strips them from the model.
 * - Auto-generated keys (identity / autoIncrement): only a single integer primary
 *   key column, declared INTEGER PRIMARY KEY AUTOINCREMENT and read back as
 *   `integer` with identity { always: false }.
 * - Schemas are attached database files: `main` is the default (undefined in a
 *   Catalog); others are qualified `"aux"."t"`. createSchema/dropSchema are refused.
 * - Index access methods do not exist; `method` is ignored and stripped.
 * - What ALTER TABLE cannot do (column type/nullability/default, constraints,
 *   some ADD/DROP COLUMN) is a table rebuild, compiled online by compileOnline()
 *   (rebuild.ts); compile() alone raises a KilnError for it (offline --sql).
 * - Foreign keys are enforced on the connection, except during a migration step:
 *   beforeStep() turns enforcement off (SQLite ignores that pragma inside a
 *   transaction, and a rebuild must not cascade), verifyStep() runs
 *   PRAGMA foreign_key_check before COMMIT, afterStep() turns it back on.
 */
import { SQLITE_FEATURES } from "./compile.js";
import { join } from "node:path";
import { folderScratch } from "../scratch.js";
import type { Catalog } from "../../catalog/types.js";
import type { Operation, Statement } from "../../operations/types.js";
import type { BookkeepingNames, Connection, Dialect } from "../types.js";
import type { BatchAlterTable } from "../../operations/batch.js";
import { canonicalizeCatalog, declaredTypesOf } from "./canonicalize.js";
import { modelTypeOf } from "./type-map.js";
import { compileOperation, needsTableDefinition } from "./compile.js";
import { connectSqlite } from "./connect.js";
import { introspectSqlite } from "./introspect.js";
import { acquireSqliteLock, renewSqliteLease } from "./lock.js";
import { sqliteLockKey } from "./lock-key.js";
import { placeholderFor, quoteIdentifier, quoteLiteral, tableName } from "./quote.js";
import { listSqliteTables, surveySqliteTables } from "./survey.js";
import { checkForeignKeys, compileOnline } from "./rebuild.js";

export interface SqliteDialect extends Dialect {
  /** True when `op` needs the table's current definition (compile it with compileOnline). */
  needsTableDefinition(op: Operation | BatchAlterTable): boolean;
  /** Compile against the live database, inside the step's transaction: rebuilds where ALTER TABLE cannot. */
  compileOnline(conn: Connection, op: Operation | BatchAlterTable): Promise<Statement[]>;
  /** Before BEGIN of each migration step, outside any transaction. */
  beforeStep(conn: Connection): Promise<void>;
  /** Just before COMMIT of each step; throws KilnError (and the runner rolls back) on dangling foreign keys, or when the migration lock was lost. */
  verifyStep(conn: Connection): Promise<void>;
  /** After COMMIT or ROLLBACK of each step. */
  afterStep(conn: Connection): Promise<void>;
}

function bookkeepingDDL(names: BookkeepingNames): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${tableName(names.schema, names.versionTable)} (
  version_num VARCHAR(32) NOT NULL PRIMARY KEY
)`,
    `CREATE TABLE IF NOT EXISTS ${tableName(names.schema, names.historyTable)} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  revision VARCHAR(32) NOT NULL,
  direction VARCHAR(16) NOT NULL,
  checksum VARCHAR(128),
  started_at TEXT NOT NULL,
  duration_ms INTEGER,
  kiln_version TEXT,
  source TEXT
)`,
  ];
}

/** kiln's step journal (runtime/journal.ts), for `transactional: false` revisions. */
function journalDDL(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  seq INTEGER NOT NULL PRIMARY KEY,
  revision VARCHAR(32) NOT NULL,
  direction VARCHAR(5) NOT NULL,
  checksum VARCHAR(128),
  state VARCHAR(8) NOT NULL,
  statement_hash VARCHAR(64),
  statement TEXT,
  recorded_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;
}

export const sqliteDialect: SqliteDialect = {
  name: "sqlite",
  transactionalDDL: true,
  indexConstraintFeatures: SQLITE_FEATURES,
  // A rebuild drops a constraint declared without a name by its definition.
  dropsUnnamedConstraints: true,
  connect: connectSqlite,
  createScratch: async () => folderScratch("SQLite", (folder) => `sqlite://${join(folder, "kiln-test.db")}`),
  quoteIdentifier,
  quoteLiteral,
  placeholder: placeholderFor,
  tableName,
  compile: (op: Operation): Statement[] => compileOperation(op),
  replacesAnyView: true,
  rebuildsTableOptions: true,
  // A rebuild keeps views (they name the table, read again when used) and rewrites a column whole.
  viewsKeepAlteredColumns: true,
  generationInPlace: true,
  readsObjectKinds: ["view", "trigger"],
  bookkeepingDDL,
  surveyTables: surveySqliteTables,
  listTables: listSqliteTables,
  modelType: modelTypeOf,
  // SQLITE_READONLY*, SQLITE_PERM, SQLITE_AUTH: the file or an authorizer refuses the write.
  isPermissionDenied: (error) => /^SQLITE_(READONLY|PERM|AUTH)/.test(String((error as { code?: unknown } | null)?.code ?? "")),
  journalDDL,
  // IMMEDIATE takes the write lock at once, so concurrent runs queue at BEGIN.
  beginSql: "BEGIN IMMEDIATE",
  lockKey: sqliteLockKey,
  // SQLite has one result code (SQLITE_ERROR) for every such failure: only its message tells.
  isMissingTable: (error) => /^no such table: /.test(error instanceof Error ? error.message : ""),
  acquireLock: acquireSqliteLock,
  lockKind: "lease",
  introspect: introspectSqlite,
  async canonicalize(conn: Connection, catalog: Catalog): Promise<Catalog> {
    // The database's declared type text wins over an equivalent model spelling (INT stays INT).
    const database = await introspectSqlite(conn, { schemas: catalog.schemas, includeTable: (schema, name) => catalog.tables.some((t) => t.schema === schema && t.name === name) });
    return canonicalizeCatalog(catalog, declaredTypesOf(database));
  },
  needsTableDefinition,
  compileOnline,
  async beforeStep(conn) {
    await conn.query("PRAGMA foreign_keys = OFF");
  },
  async verifyStep(conn) {
    await checkForeignKeys(conn);
    // In the step's transaction: a step commits only while this run still holds the migration lock.
    await renewSqliteLease(conn);
  },
  async afterStep(conn) {
    await conn.query("PRAGMA foreign_keys = ON");
  },
};

export { buildBatch, BatchBuilder, isBatchAlterTable, type BatchAlterTable } from "../../operations/batch.js";
export { compileOnline, checkForeignKeys, applyToTable, groupRebuilds } from "./rebuild.js";
export { sqlitePath, wrapDatabase, type SqliteConnection } from "./connect.js";
