/**
 * The migration lock on PostgreSQL: a session-level advisory lock, so two
 * deploys never migrate at once. It is held by the connection, not by a
 * transaction, so it survives the per-step COMMITs of a run.
 */
import { createHash } from "node:crypto";
import { KilnError } from "../../errors.js";
import type { BookkeepingNames, Connection, LockOptions } from "../types.js";

const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 500;
const WAIT_REPORT_EVERY_MS = 5_000;

/** A stable signed 64-bit key for pg_advisory_lock: the first 8 bytes of sha256(key). */
export function advisoryLockKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest().readBigInt64BE(0).toString();
}

/**
 * The version table's identity: the current database, the schema (the one
 * named, else the one the unquoted name resolves to through search_path, else
 * where CREATE TABLE would put it) and the table name.
 */
export async function postgresLockKey(conn: Connection, names: BookkeepingNames): Promise<string> {
  const { rows } = await conn.query(
    `SELECT pg_catalog.current_database() AS database,
            COALESCE($1::text,
                     (SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.oid = pg_catalog.to_regclass(pg_catalog.quote_ident($2::text))),
                     pg_catalog.current_schema(), '') AS schema`,
    [names.schema ?? null, names.versionTable],
  );
  const row = rows[0] ?? {};
  return [String(row.database), String(row.schema), names.versionTable].map(quoteIdentifierLoosely).join(".");
}

/** Quotes a name for the key only (no length check: the key is hashed). */
function quoteIdentifierLoosely(name: string): string {
  return name === "" ? '""' : `"${name.replace(/"/g, '""')}"`;
}

/** Take the migration lock; resolves to the function that releases it. */
export async function acquirePostgresLock(
  conn: Connection,
  key: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const lockKey = advisoryLockKey(key);
  const started = Date.now();
  let nextReport = 0;
  let delay = RETRY_MIN_MS;
  let holder = "another session";

  for (;;) {
    const { rows } = await conn.query("SELECT pg_try_advisory_lock($1::bigint) AS locked", [lockKey]);
    if (rows[0]?.locked === true) break;

    const waited = Date.now() - started;
    if (waited >= nextReport || waited >= options.timeoutMs) {
      holder = await describeHolder(conn, lockKey);
      if (waited >= nextReport && options.onWait) {
        options.onWait(`waiting for the migration lock held by ${holder}`);
      }
      nextReport = waited + WAIT_REPORT_EVERY_MS;
    }
    if (waited >= options.timeoutMs) {
      throw new KilnError(
        `timed out after ${formatSeconds(waited)} waiting for the migration lock held by ${holder}; another deploy is migrating; retry later or raise migrationLockTimeoutMs`,
      );
    }
    await sleep(Math.min(delay, Math.max(1, options.timeoutMs - waited)));
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }

  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await conn.query("SELECT pg_advisory_unlock($1::bigint)", [lockKey]);
  };
}

/**
 * Who holds the lock: pid, application name, client address and since when.
 * A bigint advisory key is stored as classid (high 32 bits) and objid (low 32
 * bits) with objsubid 1. PGlite has no other sessions to show.
 */
async function describeHolder(conn: Connection, lockKey: string): Promise<string> {
  try {
    const { rows } = await conn.query(
      `SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start
         FROM pg_locks l
         LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.classid = (($1::bigint >> 32) & 4294967295)::bigint::oid
          AND l.objid = ($1::bigint & 4294967295)::bigint::oid
          AND l.pid <> pg_backend_pid()
        LIMIT 1`,
      [lockKey],
    );
    const row = rows[0];
    if (!row || row.pid === null || row.pid === undefined) return "another session";
    const where = [row.application_name, row.client_addr ?? "local socket"].filter((s) => s !== null && s !== undefined && s !== "");
    const since = row.backend_start ? ` since ${toIso(row.backend_start)}` : "";
    return `pid ${row.pid}${where.length ? ` (${where.join(", ")})` : ""}${since}`;
  } catch {
    return "another session";
  }
}

function toIso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
