/**
 * The migration lock across processes: a row in the small table "kiln_lock",
 * claimed inside BEGIN IMMEDIATE (SQLite's write lock serializes the claim).
 *
 * The row is a lease: a random token, and an expiry that the holder pushes
 * forward while it runs (a timer between steps, and every step's own
 * transaction, see renewSqliteLease). An expired lease is taken over, so a
 * holder that was killed (kiln as PID 1 in a container that restarted, a host
 * that is gone) never blocks the next run for longer than the lease. The row
 * also names the holder's pid and host for the messages; a holder in this
 * process namespace whose process is gone is taken over at once, and a row
 * with this very process's pid but a token it does not hold is a previous life
 * of it. The table exists only while someone holds the lock.
 */
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { KilnError } from "../../errors.js";
import type { Connection, LockOptions } from "../types.js";
import { DEFAULT_BUSY_TIMEOUT_MS } from "./connect.js";

export const LOCK_TABLE = "kiln_lock";
const POLL_MS = 200;
/** How long a lease lasts unless renewed, and how often a holder renews it between steps. */
export const DEFAULT_LEASE_MS = 30_000;

export interface LeaseOptions {
  /** The lease's length; the holder renews it every third of that. */
  leaseMs: number;
}

/** Tokens of the leases this process holds, by connection (the step's transaction renews its lease). */
const heldLeases = new WeakMap<Connection, Lease>();
const heldTokens = new Set<string>();

interface Lease {
  key: string;
  owner: string;
  leaseMs: number;
  timer: NodeJS.Timeout;
}

interface Holder {
  owner: string;
  pid: number;
  host: string;
  pid_scope: string;
  acquired_at: string;
  expires_at: number;
}

/**
 * Which processes `process.kill(pid, 0)` can see: the pid namespace on Linux
 * (each container has its own; a pid means nothing outside it), else the host.
 */
export function pidScope(): string {
  try {
    return `${hostname()}/${readlinkSync("/proc/self/ns/pid")}`;
  } catch {
    return hostname();
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when nobody can be holding the lock any more. */
function isStale(holder: Holder, now: number): boolean {
  if (Number(holder.expires_at) <= now) return true;
  if (holder.pid_scope !== pidScope()) return false;
  const pid = Number(holder.pid);
  // Our own pid: ours only if we hold that very token; otherwise a previous process that had our pid.
  if (pid === process.pid) return !heldTokens.has(holder.owner);
  return !processAlive(pid);
}

function describe(holder: Holder): string {
  return `process ${holder.pid} on ${holder.host} (since ${holder.acquired_at}; its lease runs until ${new Date(Number(holder.expires_at)).toISOString()} unless renewed)`;
}

/** Creates the lock table, or adds the lease columns to one left by an older kiln (its rows then count as expired). */
async function ensureLockTable(conn: Connection): Promise<void> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS "${LOCK_TABLE}" (lock_key TEXT NOT NULL PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, ` +
      `acquired_at TEXT NOT NULL, pid_scope TEXT NOT NULL DEFAULT '', expires_at INTEGER NOT NULL DEFAULT 0)`,
  );
  const columns = new Set((await conn.query(`PRAGMA table_info("${LOCK_TABLE}")`)).rows.map((r) => String(r.name)));
  if (!columns.has("pid_scope")) await conn.query(`ALTER TABLE "${LOCK_TABLE}" ADD COLUMN pid_scope TEXT NOT NULL DEFAULT ''`);
  if (!columns.has("expires_at")) await conn.query(`ALTER TABLE "${LOCK_TABLE}" ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0`);
}

export async function acquireSqliteLock(
  conn: Connection,
  key: string,
  options: LockOptions,
  lease: LeaseOptions = { leaseMs: DEFAULT_LEASE_MS },
): Promise<() => Promise<void>> {
  const owner = randomUUID();
  const deadline = Date.now() + options.timeoutMs;
  // BEGIN IMMEDIATE waits this long for a busy writer; never beyond our own deadline.
  await conn.query(`PRAGMA busy_timeout = ${Math.max(1, Math.min(options.timeoutMs, DEFAULT_BUSY_TIMEOUT_MS))}`);
  let reported = "";
  for (;;) {
    let holder: Holder | undefined;
    let began = true;
    try {
      await conn.query("BEGIN IMMEDIATE");
    } catch (error) {
      if (!/busy|locked/i.test((error as Error).message)) throw error;
      began = false;
    }
    if (began) {
      try {
        await ensureLockTable(conn);
        const row = (await conn.query(`SELECT owner, pid, host, pid_scope, acquired_at, expires_at FROM "${LOCK_TABLE}" WHERE lock_key = ?`, [key]))
          .rows[0] as unknown as Holder | undefined;
        const now = Date.now();
        if (!row || isStale(row, now)) {
          await conn.query(
            `INSERT OR REPLACE INTO "${LOCK_TABLE}" (lock_key, owner, pid, host, pid_scope, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            [key, owner, process.pid, hostname(), pidScope(), new Date(now).toISOString(), now + lease.leaseMs],
          );
          await conn.query("COMMIT");
          return hold(conn, key, owner, lease.leaseMs);
        }
        holder = row;
        await conn.query("COMMIT");
      } catch (error) {
        await conn.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
    const who = holder ? describe(holder) : "another connection writing to the database";
    if (Date.now() >= deadline) {
      throw new KilnError(
        `timed out after ${options.timeoutMs} ms waiting for the migration lock "${key}", held by ${who}. ` +
          `If no kiln process is running, wait for its lease to end, or delete the row from table "${LOCK_TABLE}".`,
      );
    }
    const brief = holder ? `process ${holder.pid} on ${holder.host}` : who;
    if (brief !== reported) {
      options.onWait?.(`waiting for the migration lock held by ${who}`);
      reported = brief;
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

/** Starts renewing the lease between steps; the returned function gives the lock up. */
function hold(conn: Connection, key: string, owner: string, leaseMs: number): () => Promise<void> {
  const timer = setInterval(() => void renewBetweenSteps(conn), Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref();
  heldLeases.set(conn, { key, owner, leaseMs, timer });
  heldTokens.add(owner);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    heldLeases.delete(conn);
    heldTokens.delete(owner);
    await releaseSqliteLock(conn, key, owner);
  };
}

/**
 * The timer's renewal. Inside a step's transaction it does nothing: that
 * transaction holds SQLite's write lock (nobody can take the lease meanwhile)
 * and renews the lease itself before it commits.
 */
async function renewBetweenSteps(conn: Connection): Promise<void> {
  const db = (conn as { db?: { inTransaction?: boolean; open?: boolean } }).db;
  if (!db || db.inTransaction || db.open === false) return;
  await renewSqliteLease(conn).catch(() => undefined);
}

/**
 * Pushes this connection's lease forward (no-op without one); run by every step
 * just before its COMMIT, so a step that commits holds the lease for a full
 * term after it. Throws when the lease was taken over meanwhile (this process
 * stalled for longer than the lease): the step then rolls back.
 */
export async function renewSqliteLease(conn: Connection): Promise<void> {
  const lease = heldLeases.get(conn);
  if (!lease) return;
  // No lock table at all: the run that took the lease over has finished and dropped it.
  const renewed = await conn
    .query(`UPDATE "${LOCK_TABLE}" SET expires_at = ? WHERE lock_key = ? AND owner = ?`, [Date.now() + lease.leaseMs, lease.key, lease.owner])
    .then((result) => result.rowCount === 1, () => false);
  if (!renewed) {
    throw new KilnError(
      `lost the migration lock "${lease.key}": this process did not renew its lease for longer than ${lease.leaseMs} ms, and another kiln run took it over; run again once that run is done`,
    );
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
