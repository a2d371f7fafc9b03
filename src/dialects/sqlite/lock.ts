/**
 * The migration lock across processes: a row in the small table "kiln_lock",
 * claimed inside BEGIN IMMEDIATE (SQLite's write lock serializes the claim).
 * The row names its holder (pid, host, time) so waiters can say who they wait
 * for, and a holder whose process died on this host is taken over. The table
 * exists only while someone holds the lock: a run that ends (or fails) leaves the
 * database without it.
 */
import { realpathSync } from "node:fs";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { KilnError } from "../../errors.js";
import type { BookkeepingNames, Connection, LockOptions } from "../types.js";
import { quoteIdentifier } from "./quote.js";
import { DEFAULT_BUSY_TIMEOUT_MS } from "./connect.js";

export const LOCK_TABLE = "kiln_lock";
const POLL_MS = 200;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface Holder {
  owner: string;
  pid: number;
  host: string;
  acquired_at: string;
}

function isStale(holder: Holder): boolean {
  return holder.host === hostname() && !processAlive(Number(holder.pid));
}

/**
 * The version table's identity. The lock row lives in the main database file,
 * so a table there is `main:<name>` however the config spells it (no schema,
 * "main", "MAIN"); a table in another attached file is named by that file's
 * real path. SQLite compares table names case-insensitively (ASCII only).
 */
export async function sqliteLockKey(conn: Connection, names: BookkeepingNames): Promise<string> {
  const schemas = (await conn.query("PRAGMA database_list")).rows.map((r) => ({ name: String(r.name), file: String(r.file ?? "") }));
  const table = names.versionTable.replace(/[A-Z]+/g, (c) => c.toLowerCase());
  let schema = names.schema === undefined || names.schema === "" ? undefined : schemas.find((s) => s.name.toLowerCase() === names.schema!.toLowerCase());
  if (names.schema && !schema) return `${names.schema}:${table}`; // not attached: every statement on it will say so
  if (!schema) {
    // An unqualified name means the first of temp, main, then the attached files that has the table; else main.
    const order = [...schemas.filter((s) => s.name === "temp"), ...schemas.filter((s) => s.name !== "temp")];
    for (const candidate of order) {
      const found = await conn.query(`SELECT 1 FROM ${quoteIdentifier(candidate.name)}.sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE`, [table]);
      if (found.rows.length > 0) {
        schema = candidate;
        break;
      }
    }
  }
  const main = schemas.find((s) => s.name === "main");
  if (!schema || schema.name === "main" || (schema.file !== "" && schema.file === main?.file)) return `main:${table}`;
  return `${schema.file === "" ? schema.name : realFile(schema.file)}:${table}`;
}

function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export async function acquireSqliteLock(conn: Connection, key: string, options: LockOptions): Promise<() => Promise<void>> {
  const owner = randomUUID();
  const deadline = Date.now() + options.timeoutMs;
  // BEGIN IMMEDIATE waits this long for a busy writer; never beyond our own deadline.
  await conn.query(`PRAGMA busy_timeout = ${Math.max(1, Math.min(options.timeoutMs, DEFAULT_BUSY_TIMEOUT_MS))}`);
  let reported = "";
  for (;;) {
    let holder: Holder | undefined;
    try {
      await conn.query("BEGIN IMMEDIATE");
    } catch (error) {
      if (!/busy|locked/i.test((error as Error).message)) throw error;
      holder = { owner: "", pid: 0, host: "?", acquired_at: "" };
    }
    if (!holder) {
      try {
        await conn.query(
          `CREATE TABLE IF NOT EXISTS "${LOCK_TABLE}" (lock_key TEXT NOT NULL PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, acquired_at TEXT NOT NULL)`,
        );
        const row = (await conn.query(`SELECT owner, pid, host, acquired_at FROM "${LOCK_TABLE}" WHERE lock_key = ?`, [key])).rows[0] as unknown as Holder | undefined;
        if (!row || isStale(row)) {
          await conn.query(`INSERT OR REPLACE INTO "${LOCK_TABLE}" (lock_key, owner, pid, host, acquired_at) VALUES (?, ?, ?, ?, ?)`, [
            key,
            owner,
            process.pid,
            hostname(),
            new Date().toISOString(),
          ]);
          await conn.query("COMMIT");
          return () => releaseSqliteLock(conn, key, owner);
        }
        holder = row;
        await conn.query("COMMIT");
      } catch (error) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
    const who = holder.pid ? `process ${holder.pid} on ${holder.host} (since ${holder.acquired_at})` : "another connection writing to the database";
    if (Date.now() >= deadline) {
      throw new KilnError(
        `Timed out after ${options.timeoutMs} ms waiting for the migration lock "${key}", held by ${who}. ` +
          `If no kiln process is running, delete the row from table "${LOCK_TABLE}".`,
      );
    }
    if (who !== reported) {
      options.onWait?.(`waiting for the migration lock held by ${who}`);
      reported = who;
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

/** Gives the lock up, and removes the lock table when nobody else holds a lock in it. */
async function releaseSqliteLock(conn: Connection, key: string, owner: string): Promise<void> {
  await conn.query("BEGIN IMMEDIATE");
  try {
    // Gone already when another process took a stale lock over and has finished since.
    const exists = (await conn.query(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [LOCK_TABLE])).rows.length > 0;
    if (!exists) {
      await conn.query("COMMIT");
      return;
    }
    await conn.query(`DELETE FROM "${LOCK_TABLE}" WHERE lock_key = ? AND owner = ?`, [key, owner]);
    const left = (await conn.query(`SELECT count(*) AS n FROM "${LOCK_TABLE}"`)).rows[0] as { n: number };
    if (Number(left.n) === 0) await conn.query(`DROP TABLE "${LOCK_TABLE}"`);
    await conn.query("COMMIT");
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
