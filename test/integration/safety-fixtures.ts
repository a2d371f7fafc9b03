/**
 * Shared by the safety suites (bad input, secrets, races, crashes): database
 * snapshots taken around a command, a killable kiln process, a seeded PRNG and
 * output checks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import mysql from "mysql2/promise";
import Database from "better-sqlite3";
import { KILN_BIN, type CliResult } from "../helpers/project.js";

/** Every table of the database with its columns and rows (rows sorted), keyed by schema.table. */
export type Snapshot = Record<string, { columns: string[]; rows: string[] }>;

const USER_TABLES_PG = `
  SELECT table_schema AS s, table_name AS t FROM information_schema.tables
   WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
   ORDER BY 1, 2`;
const COLUMNS_PG = `
  SELECT column_name || ' ' || data_type || ' ' || is_nullable AS c FROM information_schema.columns
   WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`;

function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sortedRows(rows: Record<string, unknown>[]): string[] {
  return rows.map((row) => JSON.stringify(row)).sort();
}

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

async function snapshotPostgresWith(query: Query): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const { s, t } of (await query(USER_TABLES_PG)) as { s: string; t: string }[]) {
    const columns = (await query(COLUMNS_PG, [s, t])).map((r) => String(r.c));
    const rows = sortedRows(await query(`SELECT * FROM ${pgIdent(s)}.${pgIdent(t)}`));
    snapshot[`${s}.${t}`] = { columns, rows };
  }
  return snapshot;
}

/** Snapshot of a database given by URL (pglite://DIR, postgres://, mysql://, sqlite://FILE). A PGlite or SQLite file that does not exist is empty. */
export async function snapshot(url: string): Promise<Snapshot> {
  if (url.startsWith("pglite://")) {
    const dir = url.slice("pglite://".length);
    if (!existsSync(dir)) return {};
    const db = new PGlite(dir);
    try {
      return await snapshotPostgresWith(async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows);
    } finally {
      await db.close();
    }
  }
  if (url.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await snapshotPostgresWith(async (sql, params) => (await client.query(sql, params)).rows);
    } finally {
      await client.end();
    }
  }
  if (url.startsWith("mysql") || url.startsWith("mariadb")) {
    const conn = await mysql.createConnection({ uri: url.replace(/^mariadb:/, "mysql:"), dateStrings: true });
    try {
      const snapshotResult: Snapshot = {};
      const [tables] = await conn.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1");
      for (const { t } of tables as { t: string }[]) {
        const [cols] = await conn.query(
          "SELECT CONCAT(column_name, ' ', column_type, ' ', is_nullable) AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position",
          [t],
        );
        const [rows] = await conn.query(`SELECT * FROM \`${t.replace(/`/g, "``")}\``);
        snapshotResult[t] = { columns: (cols as { c: string }[]).map((c) => c.c), rows: sortedRows(rows as Record<string, unknown>[]) };
      }
      return snapshotResult;
    } finally {
      await conn.end();
    }
  }
  if (url.startsWith("sqlite://")) {
    const file = url.slice("sqlite://".length);
    if (!existsSync(file)) return {};
    const db = new Database(file, { readonly: true });
    try {
      const result: Snapshot = {};
      const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[];
      for (const { name, sql } of tables) {
        result[name] = { columns: [sql], rows: sortedRows(db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Record<string, unknown>[]) };
      }
      return result;
    } finally {
      db.close();
    }
  }
  throw new Error(`snapshot: unsupported url ${url}`);
}

/** A stack-trace line ("    at fn (file:1:2)"), which a user must never see without KILN_DEBUG. */
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|<anonymous>\)?)$/m;

/**
 * The first line of stderr, checked to be a kiln error line: "error: ...", no stack
 * trace anywhere, and not the "this may be a bug in kiln" fallback of unexpected errors.
 */
export function errorLine(result: CliResult): string {
  const first = result.stderr.split("\n").find((line) => line.startsWith("error:"));
  if (first === undefined) throw new Error(`no "error:" line in stderr:\n${result.stderr}`);
  if (STACK_LINE.test(result.stderr)) throw new Error(`stderr holds a stack trace:\n${result.stderr}`);
  if (result.stderr.includes("may be a bug in kiln")) throw new Error(`an unexpected (non-kiln) error reached the user:\n${result.stderr}`);
  return first;
}

export { seededRandom } from "../helpers/random.js";

export interface RunningKiln {
  child: ChildProcess;
  /** Resolves when the process ends: its exit code (null when killed), the signal, and its output. */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** Starts `kiln ...args` in `cwd` without waiting, so that it can be killed. */
export function startKiln(cwd: string, args: string[], env: Record<string, string> = {}): RunningKiln {
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1", ...env };
  if (!("DATABASE_URL" in env)) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [KILN_BIN, ...args], { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
