/**
 * The migration lock as a lease row, for PostgreSQL-family servers and
 * connections where a session advisory lock does not hold: a transaction
 * pooler (PgBouncer in pool_mode=transaction hands each transaction to any
 * server connection, so a session lock is taken by one and released by none),
 * and CockroachDB (pg_advisory_lock is a stub that always succeeds).
 *
 * One row in `<versionTable>_lock`, next to the version table:
 * - taken by one atomic INSERT ... ON CONFLICT DO UPDATE that succeeds only when
 *   there is no row or the row's lease has expired (server time, never the
 *   client's clock), with a random token as owner;
 * - renewed by a heartbeat on a second session every third of the lease, and
 *   by every commit that moves a step forward (the runner sends `fence`, an
 *   UPDATE that must change exactly this row: a holder whose lease was taken
 *   over cannot commit, and while that commit runs the row is locked, so nobody
 *   can take it over in between);
 * - released by deleting the row.
 * Every statement is a transaction of its own: nothing depends on the session.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { KilnError } from "../../errors.js";
import { KILN_VERSION } from "../../version.js";
import type { Connection, HeldLock, LeaseOptions, LockTable } from "../types.js";
import { quoteIdentifier, quoteString, tableName } from "./sql.js";

const POLL_MIN_MS = 100;
const POLL_MAX_MS = 500;
const WAIT_REPORT_EVERY_MS = 5_000;

export function leaseTableDDL(names: LockTable): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${tableName(names.schema, names.name)} (\n` +
    `    id smallint NOT NULL,\n` +
    `    owner varchar(64) NOT NULL,\n` +
    `    holder text,\n` +
    `    acquired_at timestamptz NOT NULL,\n` +
    `    expires_at timestamptz NOT NULL,\n` +
    `    CONSTRAINT ${quoteIdentifier(`${names.name}_pkey`)} PRIMARY KEY (id)\n` +
    `)`
  );
}

/** `ms` milliseconds from now on the server's clock. */
function expiry(ms: number): string {
  return `clock_timestamp() + ${Math.round(ms)} * interval '1 millisecond'`;
}

/** The atomic claim: a row is written (and returned) only when there was none or its lease had expired. */
export function leaseClaimSql(names: LockTable, owner: string, holder: string, leaseMs: number): string {
  const table = tableName(names.schema, names.name);
  return (
    `INSERT INTO ${table} AS held (id, owner, holder, acquired_at, expires_at) ` +
    `VALUES (1, ${quoteString(owner)}, ${quoteString(holder)}, clock_timestamp(), ${expiry(leaseMs)}) ` +
    `ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at ` +
    `WHERE held.expires_at < clock_timestamp() ` +
    `RETURNING owner`
  );
}

/** Renews the lease; changes one row exactly while `owner` holds it. */
export function leaseRenewSql(names: LockTable, owner: string, leaseMs: number): string {
  return `UPDATE ${tableName(names.schema, names.name)} SET expires_at = ${expiry(leaseMs)} WHERE id = 1 AND owner = ${quoteString(owner)}`;
}

/** Errors of CREATE TABLE IF NOT EXISTS racing another session doing the same: unique_violation (pg_type), duplicate_table. */
function isCreateRace(error: unknown): boolean {
  return ["23505", "42P07"].includes(String((error as { code?: unknown } | null)?.code));
}

async function ensureLeaseTable(conn: Connection, names: LockTable): Promise<void> {
  const statements = [...(names.schema ? [`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(names.schema)}`] : []), leaseTableDDL(names)];
  for (const sql of statements) {
    for (let attempt = 1; ; attempt++) {
      try {
        await conn.query(sql);
        break;
      } catch (error) {
        if (attempt >= 3 || !isCreateRace(error)) throw error;
      }
    }
  }
}

interface HolderRow {
  holder: string;
  acquired: string;
  remainingMs: number;
}

async function readHolder(conn: Connection, names: LockTable): Promise<HolderRow | undefined> {
  const { rows } = await conn.query(
    `SELECT holder, acquired_at, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::bigint AS remaining_ms FROM ${tableName(names.schema, names.name)} WHERE id = 1`,
  );
  const row = rows[0];
  if (!row) return undefined;
  const acquired = row.acquired_at instanceof Date ? row.acquired_at.toISOString() : String(row.acquired_at);
  return { holder: String(row.holder ?? "another kiln run"), acquired, remainingMs: Number(row.remaining_ms) };
}

function describe(row: HolderRow | undefined): string {
  if (!row) return "another kiln run (it has just been released)";
  const lease = row.remainingMs > 0 ? `its lease ends in ${(row.remainingMs / 1000).toFixed(1)} s unless renewed` : "its lease has expired";
  return `${row.holder} since ${row.acquired} (${lease})`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function acquirePostgresLease(conn: Connection, names: LockTable, options: LeaseOptions): Promise<HeldLock> {
  await ensureLeaseTable(conn, names);
  const owner = randomUUID();
  const holder = `kiln ${KILN_VERSION}, pid ${process.pid} on ${hostname()}`;
  const table = tableName(names.schema, names.name);
  const started = Date.now();
  let nextReport = 0;
  let delay = POLL_MIN_MS;
  for (;;) {
    const { rows } = await conn.query(leaseClaimSql(names, owner, holder, options.leaseMs));
    if (rows[0]?.owner === owner) break;
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) {
      throw new KilnError(
        `timed out after ${formatSeconds(waited)} waiting for the migration lock (lease row in ${table}) held by ${describe(await readHolder(conn, names))}; ` +
          `another kiln run is migrating this database: retry later or raise migrationLockTimeoutMs. A holder that died frees it when its lease ends (lockLeaseMs).`,
      );
    }
    if (waited >= nextReport && options.onWait) {
      options.onWait(`waiting for the migration lock held by ${describe(await readHolder(conn, names))}`);
      nextReport = waited + WAIT_REPORT_EVERY_MS;
    }
    await sleep(Math.min(delay, Math.max(1, options.timeoutMs - waited)));
    delay = Math.min(delay * 2, POLL_MAX_MS);
  }

  const lost = `kiln's migration lock (the lease row in ${table}) is no longer this run's: its lease of ${options.leaseMs} ms ran out without renewal and another run took it over; nothing more is committed by this run`;
  const heartbeat = startHeartbeat(names, owner, options, lost);
  let released = false;
  return {
    fence: { sql: leaseRenewSql(names, owner, options.leaseMs), lost },
    async release() {
      if (released) return;
      released = true;
      await heartbeat.stop();
      await conn.query(`DELETE FROM ${table} WHERE id = 1 AND owner = ${quoteString(owner)}`);
    },
  };
}

/** Renews the lease every third of its length on a session of its own (so it never waits behind a step). */
function startHeartbeat(names: LockTable, owner: string, options: LeaseOptions, lost: string): { stop(): Promise<void> } {
  if (!options.openHeartbeat) return { stop: async () => undefined };
  let session: Promise<Connection> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let reported = false;
  const beat = async () => {
    try {
      session ??= options.openHeartbeat!();
      const conn = await session;
      const { rowCount } = await conn.query(leaseRenewSql(names, owner, options.leaseMs));
      if (rowCount !== 1 && !reported && !stopped) {
        reported = true;
        options.onLost?.(lost);
      }
    } catch {
      // A failed renewal is retried at the next beat; the step commits check the lease themselves.
      const broken = session;
      session = undefined;
      await broken?.then((c) => c.close()).catch(() => undefined);
    }
  };
  const timer = setInterval(() => {
    running = running.then(beat);
  }, Math.max(100, Math.floor(options.leaseMs / 3)));
  // The heartbeat alone never keeps the process alive.
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await session?.then((c) => c.close()).catch(() => undefined);
    },
  };
}
