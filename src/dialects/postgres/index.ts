/**
 * PostgreSQL, as a server (through `pg`) and embedded (PGlite): one dialect,
 * two ways to connect, chosen by the URL scheme.
 */
import { postgresStringDefault } from "./string-default.js";
import { POSTGRES_FEATURES } from "./compile/indexes.js";
import { parseDatabaseUrl } from "../../config/url.js";
import { databaseName, folderScratch, randomSuffix, type ScratchDatabase, type ScratchOptions, serverScratch } from "../scratch.js";
import type { Connection, DatabaseUrl, Dialect, StepSettings } from "../types.js";
import { POSTGRES_ELAPSED_MS, POSTGRES_STEP_CLOCK, postgresBookkeepingDDL, postgresHeadsGuard, postgresIsAlreadyApplied, postgresJournalDDL, postgresOneRowGuard } from "./bookkeeping.js";
import { compilePostgres } from "./compile.js";
import { connectPglite, connectPostgres } from "./connect.js";
import { DEFAULT_KILN_TABLES, DEFAULT_SCHEMA } from "./defaults.js";
import { acquirePostgresLock, postgresLockKey } from "./lock.js";
import { acquirePostgresLease } from "./lease-lock.js";
import { probePostgres } from "./probe.js";
import { addExplicitCasts } from "./casts.js";
import { preferOnlineForms } from "./online.js";
import { postgresLogicalReplication, postgresReplication } from "./replication.js";
import { placeholder, POSTGRES_IDENTIFIER_LIMIT, quoteIdentifier, quoteLiteral, tableName } from "./sql.js";
import { listPostgresSchemas, listPostgresTables, surveyPostgresTables } from "./survey.js";

/**
 * A schema target's session: its schema first on the search_path, before the
 * database's own (so shared extensions in public still resolve). The name goes
 * as a parameter and quote_ident spells it.
 */
async function putSchemaFirst(conn: Connection, schema: string): Promise<void> {
  try {
    await conn.query(
      "SELECT pg_catalog.set_config('search_path', pg_catalog.quote_ident($1::text) || ', ' || pg_catalog.current_setting('search_path'), false)",
      [schema],
    );
  } catch (error) {
    await conn.close().catch(() => undefined);
    throw error;
  }
}

async function withSchemaFirst(conn: Connection, url: DatabaseUrl): Promise<Connection> {
  if (url.schema !== undefined) await putSchemaFirst(conn, url.schema);
  return conn;
}

/**
 * A read-only helper session (Connection.fork, dialects/reader-pool.ts): the
 * same URL and schema target, so the same settings, and no JIT, which costs
 * more than it saves on catalog queries (about 40 ms to compile a
 * 1,000-table constraint read that runs in 150 ms).
 */
async function readingSession(url: DatabaseUrl): Promise<Connection> {
  const conn = await withSchemaFirst(await connectPostgres(url), url);
  try {
    await conn.query("SET jit = off");
  } catch (error) {
    await conn.close().catch(() => undefined);
    throw error;
  }
  return { query: (sql, params) => conn.query(sql, params), close: () => conn.close() };
}

function stepSettings(settings: StepSettings, scope: "transaction" | "session"): string[] {
  // SET LOCAL ends with the step's transaction; a statement that must run outside
  // one (CREATE INDEX CONCURRENTLY) gets session-wide limits, reset right after.
  const set = scope === "transaction" ? "SET LOCAL" : "SET";
  return [
    `${set} lock_timeout = ${quoteLiteral(`${Math.round(settings.lockTimeoutMs)}ms`)}`,
    `${set} statement_timeout = ${quoteLiteral(`${Math.round(settings.statementTimeoutMs)}ms`)}`,
  ];
}


async function createScratch(like: DatabaseUrl, options: ScratchOptions): Promise<ScratchDatabase> {
  if (like.scheme === "pglite") {
    if (!options.keep) return { url: parseDatabaseUrl("pglite://memory"), keptNote: "", dispose: async () => undefined };
    return folderScratch("PGlite", (folder) => `pglite://${folder}`);
  }
  const base = `${databaseName(like) ?? "kiln"}_kiln_test_`;
  const suffix = randomSuffix();
  const name = `${Buffer.from(base).subarray(0, POSTGRES_IDENTIFIER_LIMIT.max - suffix.length).toString().replace(/\uFFFD+$/, "")}${suffix}`;
  return serverScratch(postgresDialect, like, name, "postgres", options);
}

export const postgresDialect: Dialect = {
  name: "postgresql",
  identifierLimit: POSTGRES_IDENTIFIER_LIMIT,
  defaultSchema: DEFAULT_SCHEMA,
  transactionalDDL: true,
  indexConstraintFeatures: POSTGRES_FEATURES,
  commentsInPlace: true,
  partitioning: true,
  userCollations: true,
  operators: true,
  aggregates: true,
  connect: async (url) => {
    if (url.scheme === "pglite") return withSchemaFirst(await connectPglite(url), url);
    const conn = await withSchemaFirst(await connectPostgres(url), url);
    return Object.assign(conn, { fork: () => readingSession(url) });
  },
  schemaTargets: "search_path",
  replication: postgresReplication,
  logicalReplication: postgresLogicalReplication,
  createScratch,
  quoteIdentifier,
  quoteLiteral,
  placeholder,
  tableName,
  compile: compilePostgres,
  stepSettings,
  resetStepSettings: () => ["RESET lock_timeout", "RESET statement_timeout"],
  // pg's simple query protocol and PGlite's exec both run several statements per call.
  joinStatements: (sqls) => sqls.join(";\n"),
  // With a connection that names the failing statement of a batch (pg), a step is one round trip.
  headsGuardSql: postgresHeadsGuard,
  oneRowGuardSql: postgresOneRowGuard,
  elapsedMsSql: POSTGRES_ELAPSED_MS,
  // With runBatch, consecutive steps also go several in one round trip (runtime/step-group.ts).
  stepClock: POSTGRES_STEP_CLOCK,
  // 42P01 undefined_table, 3F000 invalid_schema_name.
  isMissingTable: (error) => ["42P01", "3F000"].includes(String((error as { code?: unknown } | null)?.code)),
  // 55P03 lock_not_available: lock_timeout expired.
  isLockTimeout: (error) => (error as { code?: unknown } | null)?.code === "55P03",
  bookkeepingDDL: postgresBookkeepingDDL,
  surveyTables: surveyPostgresTables,
  listTables: listPostgresTables,
  listSchemas: listPostgresSchemas,
  // 42501 insufficient_privilege.
  isPermissionDenied: (error) => (error as { code?: unknown } | null)?.code === "42501",
  journalDDL: postgresJournalDDL,
  isAlreadyApplied: postgresIsAlreadyApplied,
  // 55P04 unsafe_new_enum_value_usage: a value added by ALTER TYPE ... ADD VALUE used before its transaction committed.
  isUseBeforeCommit: (error) => (error as { code?: unknown } | null)?.code === "55P04",
  beginSql: "BEGIN",
  lockKey: postgresLockKey,
  acquireLock: acquirePostgresLock,
  lockKind: "advisory",
  acquireLeaseLock: acquirePostgresLease,
  probeServer: probePostgres,
  transactionStrategies: ["per-step", "ddl-outside"],
  // The Dialect contract: the default schema always, plus the named ones.
  introspect: (conn, options) =>
    // Reading and spelling a schema load on first use: upgrade, current and stamp never need them (about 20 modules).
    import("./introspect.js").then(({ introspectPostgres }) => introspectPostgres(conn, { ...options, schemas: [...new Set([DEFAULT_SCHEMA, ...(options?.schemas ?? [])])] })),
  canonicalize: (conn, catalog, context) => import("./canonicalize.js").then(({ canonicalizePostgres }) => canonicalizePostgres(conn, catalog, context)),
  // The major version: PostgreSQL 10 and later print the same within a major version.
  spellingVersion: async (conn) =>
    `PostgreSQL ${Math.floor(Number((await conn.query("SELECT current_setting('server_version_num') AS v")).rows[0]!.v) / 10000)}`,
  stringDefault: postgresStringDefault,
  surveyObjects: async (conn, options) => {
    const [{ surveyPostgresObjects }, { readViewColumns, withViewColumns }] = await Promise.all([import("./introspect/unmodelled.js"), import("./introspect/view-columns.js")]);
    const schemas = [...new Set([DEFAULT_SCHEMA, ...(options?.schemas ?? [])])];
    const schemaAlias = (schema: string) => (schema === DEFAULT_SCHEMA ? undefined : schema);
    // Side by side (a reader pool runs them on two sessions).
    const [survey, viewColumns] = await Promise.all([
      surveyPostgresObjects(conn, { schemas, excludeTables: [...DEFAULT_KILN_TABLES, ...(options?.excludeTables ?? [])], schemaAlias }),
      readViewColumns(conn, schemas, schemaAlias),
    ]);
    return withViewColumns(survey, viewColumns);
  },
  leftOutCandidates: (conn, options) =>
    import("./left-out.js").then(({ listLeftOutCandidates }) =>
      listLeftOutCandidates(conn, [...new Set([DEFAULT_SCHEMA, ...(options?.schemas ?? [])])], (schema) => (schema === DEFAULT_SCHEMA ? undefined : schema)),
    ),
  preferOnlineForms,
  addExplicitCasts,
};
