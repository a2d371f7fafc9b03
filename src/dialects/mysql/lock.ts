/**
 * The migration lock on MySQL/MariaDB: a named user lock (GET_LOCK). It belongs
 * to the session, survives COMMITs, and the server frees it if the session dies.
 */
import { createHash } from "node:crypto";
import { KilnError } from "../../errors.js";
import type { BookkeepingNames, Connection, LockOptions } from "../types.js";
import { tableName } from "./quote.js";

/** MySQL refuses lock names longer than 64 characters. */
const MAX_LOCK_NAME = 64;
/** Longest single server-side wait: short, so that waiting can be reported. */
const SLICE_MS = 1_000;
const WAIT_REPORT_EVERY_MS = 5_000;

/**
 * The lock name for `key` (a table's identity, see mysqlLockKey): readable when
 * it fits in 64 characters, otherwise a hash. Lock names are server-wide.
 */
export function mysqlLockName(key: string): string {
  const readable = `kiln:${key}`;
  if (readable.length <= MAX_LOCK_NAME) return readable;
  const digest = createHash("sha256").update(key, "utf8").digest("hex");
  return `kiln:${digest.slice(0, MAX_LOCK_NAME - 5)}`;
}

/**
 * The version table's identity: its database (the one named, else the
 * connection's current one) and its name, both folded to lower case where the
 * server stores table names so (lower_case_table_names).
 */
export async function mysqlLockKey(conn: Connection, names: BookkeepingNames): Promise<string> {
  const { rows } = await conn.query("SELECT COALESCE(?, DATABASE(), '') AS db, @@lower_case_table_names AS lowerCase", [names.schema ?? null]);
  const fold = Number(rows[0]?.lowerCase ?? 0) !== 0 ? (name: string) => name.toLowerCase() : (name: string) => name;
  return tableName(fold(String(rows[0]?.db ?? "")), fold(names.versionTable));
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** Who holds the lock: connection id, user@host, and how long its current command has run. */
async function describeHolder(conn: Connection, name: string): Promise<{ id?: string; text: string }> {
  const { rows } = await conn.query(
    `SELECT l.holder, p.USER AS user, p.HOST AS host, p.DB AS db, p.TIME AS seconds, p.COMMAND AS command
       FROM (SELECT IS_USED_LOCK(?) AS holder) l
       LEFT JOIN information_schema.PROCESSLIST p ON p.ID = l.holder`,
    [name],
  );
  const row = rows[0];
  if (!row || row.holder === null || row.holder === undefined) return { text: "another session (it has just been released)" };
  const id = String(row.holder);
  if (row.user === null || row.user === undefined) return { id, text: `connection ${id}` };
  const state = row.command ? `, ${String(row.command).toLowerCase()} for ${row.seconds} s` : "";
  return { id, text: `connection ${id} (${row.user}@${row.host}${state})` };
}

export async function acquireMysqlLock(conn: Connection, key: string, options: LockOptions): Promise<() => Promise<void>> {
  const name = mysqlLockName(key);
  const started = Date.now();
  let nextReport = 0;
  let holder = { text: "another session" } as { id?: string; text: string };

  for (;;) {
    const waited = Date.now() - started;
    const slice = Math.max(0, Math.min(SLICE_MS, options.timeoutMs - waited));
    const result = await conn.query("SELECT GET_LOCK(?, ?) AS acquired", [name, slice / 1000]);
    const acquired = result.rows[0]?.acquired;
    if (Number(acquired) === 1) break;
    if (acquired === null || acquired === undefined) {
      throw new KilnError(`could not take the migration lock ${JSON.stringify(name)}: the server returned NULL from GET_LOCK (out of memory or the session was killed); retry`);
    }

    const elapsed = Date.now() - started;
    holder = await describeHolder(conn, name);
    if (elapsed >= options.timeoutMs) {
      const kill = holder.id ? `; if that run is stuck, end it with KILL ${holder.id}` : "";
      throw new KilnError(
        `timed out after ${formatSeconds(elapsed)} waiting for the migration lock ${JSON.stringify(name)} held by ${holder.text}; ` +
          `another kiln run is migrating this database: retry later or raise migrationLockTimeoutMs${kill}`,
      );
    }
    if (elapsed >= nextReport && options.onWait) {
      options.onWait(`waiting for the migration lock held by ${holder.text}`);
      nextReport = elapsed + WAIT_REPORT_EVERY_MS;
    }
  }

  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await conn.query("SELECT RELEASE_LOCK(?) AS released", [name]);
  };
}
