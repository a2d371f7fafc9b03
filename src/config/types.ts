/** What a user writes in kiln.config.ts. Every field is optional; defaults live in config/load.ts. */
export interface NamingConvention {
  /** Templates use %(table)s, %(column_0)s, %(column_0_N)s (all columns joined by _), %(referred_table)s, %(constraint_name)s. */
  pk?: string;
  fk?: string;
  uq?: string;
  ck?: string;
  ix?: string;
}

export interface KilnConfig {
  /** Database URL: postgres://, postgresql://, pglite://PATH, pglite://memory, mysql://, mariadb://, sqlite://PATH, sqlite::memory:. DATABASE_URL overrides it. */
  url?: string;
  /**
   * URL for kiln's commands when the app's `url` goes through a pooler (PgBouncer in
   * transaction mode) that breaks session locks and SET. Wins over `url` and
   * DATABASE_URL; KILN_MIGRATION_URL overrides it.
   */
  migrationUrl?: string;
  /**
   * A scratch database for autogenerate and check to spell the models in
   * (canonicalization: how the server prints defaults, checks, index
   * expressions), so that nothing at all is created on the target, not even in a
   * rolled-back transaction. An empty database on a server of the target's major
   * version (e.g. postgres://localhost/kiln_dev), or pglite://memory when the
   * target is PGlite. KILN_DEV_URL and `--dev-url` override it. Default: none
   * (spelled on the target, in rolled-back scratch schemas). docs/postgres-objects.md
   */
  devUrl?: string;
  /** Folder of revision files, relative to the config file. Default "migrations". */
  migrations?: string;
  /** Model module(s) for autogenerate, relative to the config file. */
  models?: string | string[];
  /** Version table name. Default "kiln_version". */
  versionTable?: string;
  /** Append-only history table name. Default "kiln_history". */
  historyTable?: string;
  /** Schema holding kiln's own tables (PostgreSQL). Default: the default schema. */
  versionSchema?: string;
  /** Schemas autogenerate manages besides the default one. */
  schemas?: string[];
  /** Tables autogenerate ignores (names or schema.name). */
  excludeTables?: string[];
  /**
   * Drizzle models: drizzle.config.ts's `casing` ("snake_case" or "camelCase"), the database names
   * drizzle-kit gives columns declared without one. Written by `kiln init --from drizzle`.
   */
  drizzleCasing?: "snake_case" | "camelCase";
  /**
   * Privileges (GRANT) on the objects kiln models (PostgreSQL): `true` compares every
   * role's grants (but the owner's own), a list compares only those roles' grants.
   * Default: grants are not compared. kiln never creates roles.
   */
  grants?: boolean | string[];
  /** Naming convention for constraints and indexes without an explicit name. */
  naming?: NamingConvention;
  /** Per-statement lock wait limit on PostgreSQL, in ms. Default 5000. 0 disables. */
  lockTimeoutMs?: number;
  /** Per-statement run time limit in ms. Default 0 (none). */
  statementTimeoutMs?: number;
  /** How often a step that hit lockTimeoutMs is retried, with backoff, before the run fails. Default 5. */
  lockRetries?: number;
  /** How long a run waits for another kiln process's migration lock, in ms. Default 60000. */
  migrationLockTimeoutMs?: number;
  /**
   * The fleet that `--all` migrates (docs/fleets.md): a list of targets, or where to
   * find them. A target is a database URL, or a schema name in `url`'s database
   * (schema per tenant; on MySQL/MariaDB, a database of that name on `url`'s server).
   */
  targets?: string[] | TargetSource;
  /**
   * PostgreSQL primary with streaming standbys: after each step of upgrade and
   * downgrade, wait until every standby has replayed to within this lag: bytes
   * (0, "16MB") or a duration ("5s"). `--wait-for-replicas` overrides it. Default: no wait.
   */
  waitForReplicas?: string | number;
  /** How long `waitForReplicas` waits after a step before the run fails, in ms. Default 600000 (10 min). */
  replicaTimeoutMs?: number;
  /**
   * The migration lock (docs/distributed-postgres.md): "auto" (default) picks by
   * what the server reports; "advisory" is the server's session lock
   * (pg_advisory_lock, GET_LOCK); "lease" is a row in kiln's `<versionTable>_lock`
   * table with an expiring lease and a heartbeat (PostgreSQL family), for
   * transaction poolers and CockroachDB.
   */
  lock?: "auto" | "advisory" | "lease";
  /**
   * How a step's statements are committed (docs/distributed-postgres.md): "auto"
   * (default) picks by server; "per-step" runs a step and its version write in one
   * transaction; "ddl-outside" commits each schema change on its own, journaled,
   * and the version write last (CockroachDB, YugabyteDB).
   */
  transactions?: "auto" | "per-step" | "ddl-outside";
  /** The lease of lock: "lease", in ms: a holder that dies frees the lock this long after its last renewal. Default 30000. */
  lockLeaseMs?: number;
  /**
   * A PostgreSQL logical-replication publisher and its subscribers, which
   * `kiln upgrade|downgrade TARGET --logical` migrates together in a safe order
   * (docs/replication.md).
   */
  logicalReplication?: LogicalReplicationConfig;
}

export interface LogicalReplicationConfig {
  /** The publisher's URL. */
  publisher: string;
  /** Each subscriber's URL. */
  subscribers: string[];
  /** The publication the subscribers subscribe to. Default: the publisher's only publication. */
  publication?: string;
  /** Add tables a revision creates to the publication when it lists its tables (default true). */
  publishNewTables?: boolean;
}

/** Where `--all` finds its targets; the sources given are read in this order and joined. */
export interface TargetSource {
  /** Targets written out: database URLs or schema names. */
  list?: string[];
  /** SQL run against `catalog` (default: `url`); the first column of each row is a target. */
  query?: string;
  /** The database `query` runs against (a URL). Default: `url`. */
  catalog?: string;
  /** A shell command, run in the config file's folder, that prints one target per line. */
  command?: string;
}

export function defineConfig(config: KilnConfig): KilnConfig {
  return config;
}
