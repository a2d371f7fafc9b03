/** Opening SQLite databases through better-sqlite3, behind kiln's async Connection. */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type Database from "better-sqlite3";
import { KilnError } from "../../errors.js";
import { loadDriver } from "../drivers.js";
import type { Connection, DatabaseUrl, QueryResult } from "../types.js";
import { toSqliteValue } from "./quote.js";

/** How long a statement waits for another process's write lock before SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface SqliteConnection extends Connection {
  /** The file path, or ":memory:". */
  readonly path: string;
  readonly db: Database.Database;
}

/** The file a sqlite URL names: `sqlite::memory:`, `sqlite://relative.db`, `sqlite:///absolute.db`. */
export function sqlitePath(raw: string, cwd = process.cwd()): string {
  const match = /^sqlite:(.*)$/i.exec(raw.trim());
  if (!match) throw new KilnError(`"${raw}" is not a SQLite URL: use sqlite://PATH (relative), sqlite:///ABSOLUTE/PATH or sqlite::memory:`, { exitCode: 2 });
  let rest = match[1]!.replace(/\?.*$/, "");
  if (rest.startsWith("//")) rest = rest.slice(2);
  if (rest === ":memory:" || rest === "memory") return ":memory:";
  if (rest === "") throw new KilnError(`SQLite URL "${raw}" names no file: use sqlite://PATH or sqlite::memory:`, { exitCode: 2 });
  return resolve(cwd, decodePath(raw, rest));
}

/** A URL's path is percent-decoded, so a literal "%" must be written %25; say so instead of URIError's "URI malformed". */
function decodePath(raw: string, path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new KilnError(
      // The path, not the URL: the whole URL text is kept out of messages as a possible secret.
      `the SQLite path "${path}" has a "%" that does not start a percent-escape: a sqlite:// path is percent-decoded, so write a literal "%" as %25 (sqlite://${path.replace(/%(?![0-9A-Fa-f]{2})/g, "%25")})`,
      { exitCode: 2 },
    );
  }
}

const MULTIPLE_STATEMENTS = /more than one statement/i;

/** A session on the caller's open better-sqlite3 Database, left open on close (kiln closes only what it opened). */
export function adoptSqlite(db: Database.Database): SqliteConnection {
  return wrapDatabase(db, db.name, async () => undefined);
}

/** Wrap an open better-sqlite3 database in kiln's Connection; `end` runs on close (default: close the database). */
export function wrapDatabase(db: Database.Database, path: string, end?: () => Promise<void>): SqliteConnection {
  return {
    path,
    db,
    async query(sql: string, params: unknown[] = []): Promise<QueryResult> {
      let statement: Database.Statement;
      try {
        statement = db.prepare(sql);
      } catch (error) {
        // op.execute() may hand over a script of several statements.
        if (params.length === 0 && error instanceof Error && MULTIPLE_STATEMENTS.test(error.message)) {
          db.exec(sql);
          return { rows: [], rowCount: 0 };
        }
        throw error;
      }
      const values = params.map(toSqliteValue);
      if (statement.reader) {
        const rows = statement.all(...values) as Record<string, unknown>[];
        return { rows, rowCount: rows.length };
      }
      const info = statement.run(...values);
      return { rows: [], rowCount: info.changes };
    },
    async close(): Promise<void> {
      if (end) await end();
      else if (db.open) db.close();
    },
  };
}

export async function connectSqlite(url: DatabaseUrl): Promise<SqliteConnection> {
  const path = sqlitePath(url.raw);
  if (path !== ":memory:") {
    const folder = dirname(path);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new KilnError(`cannot open SQLite database ${url.display}: folder "${folder}" does not exist. Create it first, or fix the path in the URL.`);
    }
  }
  const Driver = (await loadDriver("better-sqlite3", "sqlite", () => import("better-sqlite3"))).default;
  let db: Database.Database;
  try {
    db = new Driver(path);
  } catch (error) {
    throw new KilnError(`cannot open SQLite database ${url.display} (file "${path}"): ${(error as Error).message}`, { cause: error });
  }
  try {
    db.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    db.pragma("foreign_keys = ON");
    // Opening is lazy: reading the schema is what detects a file that is not a database.
    db.prepare("SELECT count(*) FROM sqlite_schema").get();
  } catch (error) {
    db.close();
    throw new KilnError(
      `cannot use "${path}" (${url.display}) as a SQLite database: ${(error as Error).message}. Check that the URL points at a SQLite file.`,
      { cause: error },
    );
  }
  return wrapDatabase(db, path);
}
