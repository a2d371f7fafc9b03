/**
 * The Dialect interface: everything that differs between PostgreSQL (server and
 * PGlite), MySQL/MariaDB and SQLite lives behind it. Code outside dialects/
 * never asks which database it talks to; it asks the dialect.
 */
import type { IndexConstraintFeature } from "./features.js";
import type { Catalog } from "../catalog/types.js";
import type { Dependency, ObjectRef } from "../catalog/objects.js";
import type { Operation, Statement } from "../operations/types.js";

export type DialectName = "postgresql" | "mysql" | "sqlite";

export interface QueryResult {
  rows: Record<string, unknown>[];
  /** Rows changed by an INSERT/UPDATE/DELETE, when the driver tells. */
  rowCount: number;
}

/** What Connection.runBatch gives: the last statement's result, or the error and (when known) which statement failed. */
export type BatchOutcome = { ok: true; result: QueryResult } | { ok: false; error: unknown; failed?: number };

/** One open connection (a single session: locks and transactions belong to it). */
export interface Connection {
  /** Run one statement. Parameters use the dialect's placeholder style ($1 on PostgreSQL, ? elsewhere). */
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /**
   * Optional: run parameterless statements, each a single SQL command, in one
   * round trip, in order, stopping at the first that fails; a failure names the
   * failing statement (its index in `sqls`) whenever the database said which.
   */
  runBatch?(sqls: string[]): Promise<BatchOutcome>;
  /**
   * Optional: this end of the connection (a TCP address and port, or a local
   * socket), so that the server's view of its client can tell a direct
   * connection from one through a proxy.
   */
  endpoint?(): { kind: "tcp"; address: string; port: number } | { kind: "socket" } | undefined;
  /**
   * Optional: another session on the same database with the same settings, for
   * reading the catalog in parallel (see dialects/reader-pool.ts). Only where a
   * second connection is cheap and sees what this one sees outside a
   * transaction: a PostgreSQL server that kiln connected to itself.
   */
  fork?(): Promise<Connection>;
  close(): Promise<void>;
}

/** A connection target parsed from a URL; `display` is safe to print (password masked). */
export interface DatabaseUrl {
  /** The URL as given (may hold a password: never print it). */
  raw: string;
  /** Masked form for messages. */
  display: string;
  scheme: string;
  /**
   * A schema-per-tenant target (PostgreSQL): the session puts this schema first
   * on its search_path, so unqualified names in revisions resolve to it.
   */
  schema?: string;
}

/** What autogenerate hands canonicalize besides the models (every part optional). */
export interface CanonicalizeContext {
  /**
   * The database's Catalog (introspect()'s result): model text already spelled
   * as the database spells it needs no asking.
   */
  database?: Catalog;
  /** Spellings kept between runs (dialects/spelling-cache.ts). */
  spellings?: SpellingStore;
}

export interface IntrospectOptions {
  /**
   * Schemas to read besides the default one (always read). Other schemas are left
   * alone: autogenerate must never propose dropping what it was not asked to manage.
   */
  schemas?: string[];
  /** Tables to leave out (kiln's own version and history tables are always left out). */
  excludeTables?: string[];
  /** Keep only tables for which this returns true (applied before reading columns etc. where the dialect can). */
  includeTable?: (schema: string | undefined, name: string) => boolean;
  /** Read the privileges granted on the objects read (PostgreSQL): of every role but each object's owner (true), or of the listed roles. */
  grants?: true | string[];
}

export interface LockOptions {
  /** Give up after this many milliseconds of waiting. */
  timeoutMs: number;
  /** Called while waiting, with a complete sentence ("waiting for the migration lock held by ...") naming the holder where known. */
  onWait?: (message: string) => void;
}

/**
 * How kiln keeps two runs from migrating one database at once (runtime/strategy.ts):
 * `advisory`, a lock the server holds for the session (pg_advisory_lock, GET_LOCK);
 * `lease`, a row in kiln's lock table with an expiry the holder keeps pushing forward.
 */
export type LockStrategy = "advisory" | "lease";

/**
 * How a step's statements meet the version write: `per-step`, all in one
 * transaction (where DDL is transactional); `ddl-outside`, each schema change in
 * an implicit transaction of its own, data statements each in a transaction with
 * their journal row, and the version write last, guarded and idempotent.
 */
export type TransactionStrategy = "per-step" | "ddl-outside";

/** What the server and the way to it report (Dialect.probeServer), for the choice of strategies. */
export interface ServerProfile {
  /** The server as it names itself, shortened: "PostgreSQL 15.20", "CockroachDB CCL v23.1.4", "Citus 12.1 on PostgreSQL 16.2". */
  description: string;
  /** The product: postgresql, citus, cockroachdb, yugabytedb, pglite (or the dialect's name). */
  flavour: string;
  /** The lock and transaction strategies this server needs, each with the reason (a sentence fragment). */
  lock: { strategy: LockStrategy; because: string };
  transactions: { strategy: TransactionStrategy; because: string };
  /**
   * False when session state does not last from one transaction to the next
   * (a transaction-pooling proxy such as PgBouncer in pool_mode=transaction):
   * then no session lock, and only transaction-scoped settings (SET LOCAL).
   */
  sessionState: boolean;
  /** What showed a pooler in between, when one did. */
  pooler?: string;
}

export interface ProbeOptions {
  /** Where the connection goes (its port, its scheme). */
  url: DatabaseUrl;
  /** A second session to the same place (the pooler probe compares which server process each gets). */
  openAnother?: () => Promise<Connection>;
}

/** kiln's lock table (`<versionTable>_lock`, runtime/journal.ts names it), created when the lease is first taken. */
export interface LockTable {
  schema?: string;
  name: string;
}

/** A migration lock taken as a lease (Dialect.acquireLeaseLock). */
export interface LeaseOptions extends LockOptions {
  /** How long the lease lasts unless renewed (the holder renews it every third of that). */
  leaseMs: number;
  /** A second session for the heartbeat, so that renewals never wait behind a step; absent: renewals only at each step's commit. */
  openHeartbeat?: () => Promise<Connection>;
  /** Told when the heartbeat finds the lease gone (taken over after it expired). */
  onLost?: (message: string) => void;
}

/** A held migration lock. */
export interface HeldLock {
  release(): Promise<void>;
  /**
   * For a lease: an UPDATE that renews it and changes exactly one row while this
   * process holds it. The runner sends it (guarded) in every commit that moves a
   * step forward, so a holder whose lease was taken over cannot commit.
   */
  fence?: { sql: string; lost: string };
}

export interface Dialect {
  readonly name: DialectName;
  /** The longest name the database keeps (PostgreSQL: 63 bytes of UTF-8, MySQL: 64 characters); undefined when it has none (SQLite). */
  readonly identifierLimit?: IdentifierLimit;
  /** True when index and key names need only differ within a table (MySQL/MariaDB), not across a schema (PostgreSQL, SQLite). */
  readonly indexNamesPerTable?: boolean;
  /**
   * How a fleet target named by a schema is reached (docs/fleets.md): "search_path" —
   * a schema in the database, first on the session's search_path (PostgreSQL);
   * "database" — a schema is a database, reached by its name in the URL (MySQL,
   * MariaDB). Undefined: schema targets are refused (SQLite).
   */
  readonly schemaTargets?: "search_path" | "database";
  /** The schema introspection leaves unnamed (PostgreSQL: "public"): a model naming it means the same objects. */
  readonly defaultSchema?: string;
  /** True when DDL runs inside a transaction and rolls back with it. */
  readonly transactionalDDL: boolean;
  /** Index and constraint options compile can express; any other is refused, named (dialects/features.ts). */
  readonly indexConstraintFeatures: readonly IndexConstraintFeature[];
  /**
   * True when a constraint declared without a name can be dropped by its definition
   * (SQLite, which rebuilds the table): autogenerate then drops such constraints instead of warning.
   */
  readonly dropsUnnamedConstraints?: boolean;
  /**
   * True when every foreign key needs an index starting with its columns, which the
   * database creates under the key's name when missing and drops by itself once
   * another index serves the key (MySQL/MariaDB InnoDB): autogenerate keeps one
   * serving the key while indexes change, both ways.
   */
  readonly foreignKeysNeedIndex?: boolean;
  /** Declarative partitioning (PARTITION BY, PARTITION OF): PostgreSQL only; models that use it are refused elsewhere. */
  readonly partitioning?: boolean;
  /** User collations (CREATE COLLATION, catalog/collations.ts): PostgreSQL only; models that declare one are refused elsewhere. */
  readonly userCollations?: boolean;
  /** User operators (CREATE OPERATOR, catalog/operators.ts): PostgreSQL only; models that declare one are refused elsewhere, naming it. */
  readonly operators?: boolean;
  /** User-defined aggregates (CREATE AGGREGATE): PostgreSQL only; models that declare one are refused elsewhere, naming it. */
  readonly aggregates?: boolean;
  /**
   * Object kinds besides tables and indexes that introspect reads into the Catalog
   * (SQLite: view, trigger; MySQL: view, trigger, function, procedure), as a
   * CREATE statement names them: `kiln import` derives their downgrades by diffing.
   * Absent: the dialect names every object from its survey (surveyObjects).
   */
  readonly readsObjectKinds?: readonly string[];
  /** True when a routine is its schema and name, no overloading (MySQL/MariaDB): other parameters drop and create it. */
  readonly routinesByName?: boolean;
  /**
   * True when the database lists a table's indexes in the order they were created
   * (MySQL/MariaDB's SHOW CREATE TABLE): a new table's indexes are created in the
   * models' order, not by name.
   */
  readonly indexesInCreationOrder?: boolean;
  /** True when a generated column's expression changes in place (MySQL's MODIFY COLUMN, same STORED/VIRTUAL): alterColumn({ generated }). */
  readonly generationInPlace?: boolean;
  /**
   * True when a view is kept as text and resolved when used (MySQL/MariaDB): a column's
   * new type or collation needs no drop and create of the views on its table.
   */
  readonly viewsKeepAlteredColumns?: boolean;
  /** True when a change of STRICT / WITHOUT ROWID is made by a table rebuild (SQLite): autogenerate writes a setTableOptions for it. */
  readonly rebuildsTableOptions?: boolean;
  /**
   * True when replacing a view may change its columns freely (MySQL's CREATE OR
   * REPLACE VIEW; SQLite's DROP and CREATE in the step's transaction): a changed
   * view is one replaceView, never a drop and create with the views on it.
   */
  readonly replacesAnyView?: boolean;
  /** COMMENT ON INDEX / CONSTRAINT changes a comment in place (PostgreSQL): a comment-only change is one setComment, not drop + create. */
  readonly commentsInPlace?: boolean;
  /**
   * Physical (streaming) replication as the server reports it (PostgreSQL):
   * whether it is a read-only standby and which server it follows, and how far
   * its own standbys have replayed (docs/replication.md). Absent: kiln cannot tell.
   */
  readonly replication?: ReplicationSupport;
  /** Logical replication (PostgreSQL publications and subscriptions), for migrating a publisher and its subscribers in a safe order. */
  readonly logicalReplication?: LogicalReplicationSupport;

  // ---- connecting ----
  /** Open a connection. Errors must be KilnError with the masked URL in the message. */
  connect(url: DatabaseUrl): Promise<Connection>;
  /** Optional: a fresh, empty database of the same kind as `like`, for `kiln test`. */
  createScratch?(like: DatabaseUrl, options: ScratchOptions): Promise<ScratchDatabase>;

  // ---- SQL text ----
  quoteIdentifier(name: string): string;
  /** SQL literal for a JS value (strings escaped, null, numbers, booleans, Date, Buffer, objects as JSON). */
  quoteLiteral(value: unknown): string;
  /** The i-th (0-based) bound parameter placeholder. */
  placeholder(index: number): string;
  /** A possibly schema-qualified, quoted table name. */
  tableName(schema: string | undefined, name: string): string;

  // ---- operations ----
  /** Compile one operation into statements (pure). */
  compile(op: Operation): Statement[];
  /**
   * Optional: compile with a live connection, for operations whose SQL depends on
   * the current table definition (SQLite's copy-and-move). The runner prefers it
   * when connected; offline (--sql) runs use compile().
   */
  compileOnline?(conn: Connection, op: Operation): Promise<Statement[]>;
  /** Optional: before each step's BEGIN, outside any transaction (SQLite turns foreign key enforcement off for rebuilds). */
  beforeStep?(conn: Connection): Promise<void>;
  /** Optional: just before each step's COMMIT; throws (and the step rolls back) when the step broke an invariant. */
  verifyStep?(conn: Connection): Promise<void>;
  /** Optional: after each step's COMMIT or ROLLBACK. */
  afterStep?(conn: Connection): Promise<void>;
  /**
   * Optional: join parameterless statements into one (a single round trip), for
   * drivers that run several statements per call and return the last result.
   */
  joinStatements?(sqls: string[]): string;
  /**
   * Optional, with `elapsedMsSql` and Connection.runBatch: a statement that fails
   * unless the version table holds exactly `heads`. A step then sends its
   * re-check of the version table with its DDL and COMMIT, in one round trip.
   */
  headsGuardSql?(names: BookkeepingNames, heads: string[]): string;
  /**
   * Optional: one statement that runs `sql` (an UPDATE or DELETE) and fails with
   * `failure` as its message unless it changed exactly one row. Without it the
   * runner sends `sql` alone and checks the row count.
   */
  oneRowGuardSql?(sql: string, failure: string): string;
  /** Optional: SQL for the milliseconds since the current transaction began (a step's duration, computed where it runs). */
  readonly elapsedMsSql?: string;
  /**
   * Optional, with `headsGuardSql`: a step's clock for steps sent several in one
   * round trip (runtime/step-group.ts), where the transaction's own start time
   * is the round trip's for all of them. `startSql` runs right after the
   * step's BEGIN and settings; `elapsedMsSql` then gives the step's milliseconds.
   * Its presence lets the runner send consecutive steps together.
   */
  readonly stepClock?: { startSql: string; elapsedMsSql: string };
  /**
   * True only when the error says the table (or its schema) does not exist: a
   * database kiln never touched. Any other failure to read kiln's tables (a
   * missing privilege above all) must be reported, never taken as "nothing applied".
   */
  isMissingTable(error: unknown): boolean;
  /** Optional: true when the error means "gave up waiting for a lock" (the step is retried). */
  isLockTimeout?(error: unknown): boolean;
  /**
   * Optional: statements that put the step's limits (lock_timeout, statement_timeout)
   * in force: for the current transaction, or for the session around a statement
   * that must run outside one; `reset` statements end the session scope.
   */
  stepSettings?(settings: StepSettings, scope: "transaction" | "session"): string[];
  resetStepSettings?(): string[];
  /**
   * Optional: statements a --sql script runs first so that its text means what
   * kiln's own sessions would make of it (e.g. MySQL's string syntax).
   */
  readonly scriptPreamble?: readonly string[];

  // ---- kiln's own tables ----
  /** Statements that create the version and history tables if they do not exist. */
  bookkeepingDDL(names: BookkeepingNames): string[];
  /**
   * Where tables with these names exist in the connected database, with their
   * columns (every schema on PostgreSQL, the URL's database and `schema` on
   * MySQL, main and attached files on SQLite), and whether `schema` exists: so
   * kiln can tell its own tables from a user's table of the same name, and a
   * misspelt versionSchema from a first run. Tables outside an existing target
   * schema may be left out (PostgreSQL does, for databases of many schemas).
   */
  surveyTables(conn: Connection, names: string[], schema: string | undefined): Promise<TableSurvey>;
  /**
   * Every table in the connected database, whatever the config manages: all
   * schemas on PostgreSQL, the URL's database on MySQL, main, temp and attached
   * files on SQLite; the database's own tables and kiln's lock table left out.
   * For `kiln test --url`, which must find its database empty.
   */
  listTables(conn: Connection): Promise<{ schema: string; name: string }[]>;
  /**
   * Optional: the schemas of the database a user made (PostgreSQL: not the
   * system's, not an extension's), for `kiln pull`. Absent: only the default one.
   */
  listSchemas?(conn: Connection): Promise<string[]>;
  /**
   * Optional: the type a model writes for a column the database declares as
   * `databaseType`, so that the model declares exactly that type again (SQLite:
   * `INTEGER` -> `integer`). Absent: the introspected type as it is (pure).
   */
  modelType?(databaseType: string): string;
  /**
   * Optional, for `kiln pull`: the string whose plain literal the database stores
   * as this default text on a column of `type` (PostgreSQL: `'active'::character
   * varying` -> `active`), so that the models write `.default("active")`; undefined
   * for any other text. Absent: only a bare quoted literal is taken (pure).
   */
  stringDefault?(text: string, type: string): string | undefined;
  /** True when the error means the user lacks a privilege (to create kiln's tables, say). */
  isPermissionDenied(error: unknown): boolean;
  /** CREATE TABLE IF NOT EXISTS for kiln's step journal (runtime/journal.ts), given its quoted, qualified name. */
  journalDDL(table: string): string;
  /**
   * Optional: true when a statement's error says its effect is already there
   * ("already exists", "does not exist"): used only for the statement that was
   * running when an earlier kiln process stopped, to tell that it had completed.
   */
  isAlreadyApplied?(error: unknown): boolean;
  /** Optional: true when the error says a statement used what an uncommitted `commitBeforeUse` statement added. */
  isUseBeforeCommit?(error: unknown): boolean;

  // ---- transactions and locks ----
  /** Statement that begins a transaction for one migration step (e.g. BEGIN, or BEGIN IMMEDIATE on SQLite). */
  readonly beginSql: string;
  /**
   * The migration lock's key: the version table as the database resolves it
   * (database, schema, table), so every spelling of one table in a config (a
   * schema named or left to the search path, a relative or absolute file path)
   * gives the same key, and different tables different keys.
   */
  lockKey(conn: Connection, names: BookkeepingNames): Promise<string>;
  /** Take the migration lock; resolves to a release function. Throws KilnError on timeout. */
  acquireLock(conn: Connection, key: string, options: LockOptions): Promise<() => Promise<void>>;
  /** What acquireLock takes: a session lock the server holds (advisory), or a lease row (SQLite). */
  readonly lockKind: LockStrategy;
  /**
   * Optional: the migration lock as a lease row in kiln's lock table
   * (`<versionTable>_lock`), for servers and connections where the session lock
   * does not hold (a transaction pooler, CockroachDB's stub advisory locks).
   */
  acquireLeaseLock?(conn: Connection, table: LockTable, options: LeaseOptions): Promise<HeldLock>;
  /** Optional: what the server is and how it is reached, to choose the lock and transaction strategies (runtime/strategy.ts). */
  probeServer?(conn: Connection, options: ProbeOptions): Promise<ServerProfile>;
  /** Optional: transactions the dialect can run ("ddl-outside" needs DDL that commits on its own when asked). Absent: per-step only. */
  readonly transactionStrategies?: readonly TransactionStrategy[];

  // ---- reading the schema ----
  introspect(conn: Connection, options?: IntrospectOptions): Promise<Catalog>;
  /**
   * Rewrite a model Catalog into the spelling introspect() produces (types,
   * defaults, check and index expressions), asking the database where text
   * rules are not enough, so that compare() sees only real differences.
   */
  canonicalize(conn: Connection, catalog: Catalog, context?: CanonicalizeContext): Promise<Catalog>;
  /**
   * Optional: the server and the version whose spelling canonicalize gives, e.g.
   * "PostgreSQL 15" or "MariaDB 10.11": a dev database (config `devUrl`) spells
   * the models for a target only when both say the same.
   */
  spellingVersion?(conn: Connection): Promise<string>;
  /**
   * Optional: every object of the compared schemas whatever its kind (so that
   * autogenerate can name what kiln does not model), the database's
   * dependencies touching them, and the tables of schemas not compared; a
   * fixed number of catalog queries. Absent: nothing to say (as an empty survey).
   */
  surveyObjects?(conn: Connection, options: IntrospectOptions): Promise<ObjectSurvey>;
  /**
   * Optional: objects of the schemas read, of the kinds kiln may leave out of
   * the Catalog (PostgreSQL: routines, aggregates, operators, collations, text
   * search objects, ...), extension members left out; one cheap query. `kiln
   * pull` names those the Catalog does not hold. Absent: pull names none.
   */
  leftOutCandidates?(conn: Connection, options: IntrospectOptions): Promise<ObjectRef[]>;
  /**
   * Optional: rewrite autogenerated operations into forms that do not block a
   * running application, where the database has them (pure).
   */
  preferOnlineForms?(operations: Operation[]): Operation[];
  /**
   * Optional: notes for the revision about what the database makes of the
   * models' operations (MySQL: an identity column becomes AUTO_INCREMENT).
   * `model` is the models' Catalog before canonicalize (pure).
   */
  operationNotes?(operations: Operation[], model: Catalog): string[];
  /**
   * Optional: give autogenerated type changes the conversion the database will
   * not make by itself (PostgreSQL's USING cast). Applied to the upgrade and to
   * the downgrade the renderer derives from it (pure).
   */
  addExplicitCasts?(operations: Operation[]): Operation[];
}

/** Dialect.replication: what a server says about streaming replication. */
export interface ReplicationSupport {
  /** undefined when the server takes writes; else the standby's upstream, as far as the server tells (never a password). */
  standbyOf(conn: Connection): Promise<StandbyUpstream | undefined>;
  /** The server's WAL position now, in bytes. */
  walPosition(conn: Connection): Promise<bigint>;
  /** The standbys streaming from this server (not logical subscribers, not base backups). */
  standbys(conn: Connection): Promise<StandbyState[]>;
  /** Replication slots of standbys that are not connected now (a standby that is down is not listed by standbys()). */
  idleStandbySlots(conn: Connection): Promise<string[]>;
}

export interface StandbyUpstream {
  host?: string;
  port?: number;
  /** Why the upstream is unknown, when it is. */
  unknownBecause?: string;
}

export interface StandbyState {
  /** application_name, or the address when it has none. */
  name: string;
  /** client_addr (undefined: a Unix socket). */
  address?: string;
  state: string;
  /** The position replayed; undefined when the server does not show it (the user lacks pg_read_all_stats). */
  replayed?: bigint;
}

/** Dialect.logicalReplication: publications, subscriptions (see runtime/logical.ts). */
export interface LogicalReplicationSupport {
  /** Whether a publication of that name exists, whether it publishes every table, and the tables it publishes. */
  publication(conn: Connection, name: string): Promise<{ allTables: boolean; tables: { schema: string; name: string }[] } | undefined>;
  /** Statement adding a table to a publication. */
  addToPublicationSql(publication: string, table: { schema?: string; name: string }): string;
  /** The subscriptions of the connected database, with the publications each subscribes to. */
  subscriptions(conn: Connection): Promise<{ name: string; publications: string[]; enabled: boolean }[]>;
  /** Statement (outside a transaction) that makes a subscription pick up tables added to its publications. */
  refreshSubscriptionSql(subscription: string): string;
}

/** What Dialect.surveyObjects finds (see there). Schemas are spelled as in the Catalog (the default one undefined). */
export interface ObjectSurvey {
  /** Objects of the compared schemas (and database-wide ones: casts, event triggers, publications), parts folded into their owners; extension members left out. */
  objects: ObjectRef[];
  /** Dependencies with at least one side in the compared schemas. */
  dependencies: Dependency[];
  /** Schemas outside the compared ones that hold tables, with how many. */
  unlistedSchemas: { schema: string; tables: number }[];
  /** The roles the database has (PostgreSQL: pg_roles without its own pg_* roles); kiln creates none. */
  roles?: string[];
}

export interface StepSettings {
  /** Longest wait for a table lock per statement, ms (0 = no limit). */
  lockTimeoutMs: number;
  /** Longest run time per statement, ms (0 = no limit). */
  statementTimeoutMs: number;
  /** How often a step that hit the lock timeout is retried (with backoff) before the run fails. */
  lockRetries: number;
}

/** A database `kiln test` may change freely, and how to get rid of it (see dialects/scratch.ts). */
export interface ScratchDatabase {
  url: DatabaseUrl;
  /** Removes it; never throws (a failure becomes a warning naming what to remove by hand). */
  dispose(): Promise<void>;
  /** What is left behind when it is kept, for the user. */
  keptNote: string;
}

export interface ScratchOptions {
  /** Keep it afterwards (an in-memory database then goes to a temporary folder). */
  keep: boolean;
  warn(message: string): void;
}

/** A limit on identifier length: in bytes of UTF-8 or in characters, and the database's name for messages. */
export interface IdentifierLimit {
  max: number;
  unit: "bytes" | "characters";
  database: string;
}

export interface TableSurvey {
  /** Where unqualified names go (configured schema, or the default: search path, the URL's database, main). */
  schema: string;
  /** False when a configured schema (database on MySQL, attached file on SQLite) does not exist. */
  schemaExists: boolean;
  /** The tables found; `name` is the asked name each matches under the database's rules for case. */
  tables: { schema: string; name: string; columns: string[]; atTarget: boolean }[];
}

export interface BookkeepingNames {
  schema?: string;
  versionTable: string;
  historyTable: string;
}

/**
 * Canonical spellings kept between runs (the file store is dialects/spelling-cache.ts;
 * declared here so that the Dialect type needs no Node module).
 */
export interface SpellingStore {
  /** A key for `parts` (anything JSON) in `namespace`. */
  key(namespace: string, parts: unknown): string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** Writes what was added this run (no-op when nothing was). */
  save(): void;
}
