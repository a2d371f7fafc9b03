/**
 * The four databases every matrix scenario runs on. What differs between them is
 * declared here as data (capabilities, how a CHECK violation looks, how to list
 * tables, how to run a script with the database's own client); the scenarios
 * read these fields and never ask which database they are on.
 *
 * Server databases are skipped locally when the server is unreachable;
 * under CI=true `serverAvailable` throws instead, so nothing is skipped there.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import Database from "better-sqlite3";
import { createMysqlDatabase, createPgDatabase, serverAvailable, tempDir } from "../../helpers/databases.js";

export interface CheckViolation {
  /** Driver error code (SQLSTATE on PostgreSQL, SQLITE_* on SQLite). */
  code?: string;
  /** Server error number (MariaDB: 4025 for a failed CHECK). */
  errno?: number;
  sqlState?: string;
}

export interface ScratchTarget {
  url: string;
  drop(): Promise<void>;
}

export interface MatrixDatabase {
  name: string;
  /** The server this database needs, if any. */
  server?: "postgresql" | "mysql";
  /** Enum types (or enum columns) whose value list autogenerate follows. */
  supportsEnums: boolean;
  /** A value added to an enum is taken out again by the downgrade (PostgreSQL by recreating the type). */
  enumValueRemovable: boolean;
  /** DDL rolls back with the step's transaction. */
  transactionalDDL: boolean;
  /** Several kiln processes may use the database at the same time (a PGlite directory admits one process). */
  concurrentProcesses: boolean;
  /** How the database reports a violated CHECK constraint. */
  checkViolation: CheckViolation;
  /** kiln's own tables once it has written (SQLite keeps its migration lock in a table). */
  kilnTables: string[];
  /** Lists the user's tables, one row per table, in a column named `name`, sorted. */
  tableNamesSql: string;
  /** Parameter placeholder for test queries ($1 or ?). */
  placeholder: string;
  /** A fresh, empty database. */
  create(): Promise<ScratchTarget>;
  /** Runs a `--sql` script with the database's own client, stopping at the first error. */
  applyScript(url: string, script: string): Promise<void>;
}

function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const path = join(dir, binary);
    if (dir && existsSync(path)) return path;
  }
  return undefined;
}

function localTarget(prefix: string, file: (dir: string) => string): ScratchTarget {
  const dir = tempDir(prefix);
  return { url: file(dir.path), drop: async () => dir.remove() };
}

const pglite: MatrixDatabase = {
  name: "PGlite",
  supportsEnums: true,
  enumValueRemovable: true,
  transactionalDDL: true,
  concurrentProcesses: false,
  checkViolation: { code: "23514" },
  kilnTables: ["kiln_history", "kiln_version"],
  tableNamesSql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  placeholder: "$1",
  async create() {
    return localTarget("kiln-matrix-pglite-", (dir) => `pglite://${dir}/db`);
  },
  async applyScript(url, script) {
    // PGlite has no separate client program; its own exec() runs a multi-statement script.
    const db = new PGlite(url.slice("pglite://".length));
    try {
      await db.exec(script);
    } finally {
      await db.close();
    }
  },
};

const postgresql: MatrixDatabase = {
  name: "PostgreSQL",
  server: "postgresql",
  supportsEnums: true,
  enumValueRemovable: true,
  transactionalDDL: true,
  concurrentProcesses: true,
  checkViolation: { code: "23514" },
  kilnTables: pglite.kilnTables,
  tableNamesSql: pglite.tableNamesSql,
  placeholder: "$1",
  create: createPgDatabase,
  async applyScript(url, script) {
    execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", url], { input: script, stdio: ["pipe", "pipe", "pipe"] });
  },
};

const mariadb: MatrixDatabase = {
  name: "MariaDB",
  server: "mysql",
  supportsEnums: true,
  enumValueRemovable: true,
  transactionalDDL: false,
  concurrentProcesses: true,
  checkViolation: { errno: 4025, sqlState: "23000" },
  // DDL commits at once: kiln journals each statement of a step (runtime/journal.ts).
  kilnTables: ["kiln_history", "kiln_version", "kiln_version_journal"],
  tableNamesSql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1",
  placeholder: "?",
  create: createMysqlDatabase,
  async applyScript(url, script) {
    const client = which("mariadb") ?? which("mysql");
    if (!client) throw new Error("neither the mariadb nor the mysql client is installed");
    const u = new URL(url);
    const args = ["--host", u.hostname, "--port", u.port || "3306", "--user", decodeURIComponent(u.username), "--batch"];
    const env = { ...process.env, ...(u.password ? { MYSQL_PWD: decodeURIComponent(u.password) } : {}) };
    execFileSync(client, [...args, decodeURIComponent(u.pathname.slice(1))], { input: script, env, stdio: ["pipe", "pipe", "pipe"] });
  },
};

const sqlite: MatrixDatabase = {
  name: "SQLite",
  supportsEnums: false,
  enumValueRemovable: false,
  transactionalDDL: true,
  concurrentProcesses: true,
  checkViolation: { code: "SQLITE_CONSTRAINT_CHECK" },
  // kiln_lock exists only while a run holds the lock.
  kilnTables: ["kiln_history", "kiln_version"],
  tableNamesSql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
  placeholder: "?",
  async create() {
    return localTarget("kiln-matrix-sqlite-", (dir) => `sqlite://${dir}/app.db`);
  },
  async applyScript(url, script) {
    const file = url.slice("sqlite://".length);
    const cli = which("sqlite3");
    if (cli) {
      execFileSync(cli, ["-bail", file], { input: script, stdio: ["pipe", "pipe", "pipe"] });
      return;
    }
    // No sqlite3 program here: better-sqlite3 runs the same script through the same library.
    const db = new Database(file);
    try {
      db.exec(script);
    } finally {
      db.close();
    }
  },
};

const serversUp = {
  postgresql: await serverAvailable("postgresql"),
  mysql: await serverAvailable("mysql"),
};

export const ALL_DATABASES: MatrixDatabase[] = [pglite, postgresql, mariadb, sqlite];

/** True when the database can run here (its server answers, or it needs none). */
export function isAvailable(db: MatrixDatabase): boolean {
  return db.server === undefined || serversUp[db.server];
}
