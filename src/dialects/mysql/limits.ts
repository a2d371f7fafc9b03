/**
 * A step's limits on MySQL/MariaDB: how long a statement waits for a table's
 * metadata lock (lock_wait_timeout) or a row lock (innodb_lock_wait_timeout),
 * and how long it may run (MariaDB's max_statement_time; MySQL has no such limit
 * for DDL, and ignores the MariaDB-only comment that sets it).
 *
 * MySQL has no SET LOCAL: these are session settings, put in force at the start
 * of every step (and around a statement run outside a transaction). kiln's
 * session is its own, so they stay until the next step sets them again.
 */
import type { StepSettings } from "../types.js";

/** The largest values both MySQL and MariaDB accept: kiln's 0 ("no limit"). */
const MAX_LOCK_WAIT_S = 31_536_000;
const MAX_INNODB_LOCK_WAIT_S = 100_000_000;

/** Lock waits are counted in whole seconds: a limit in milliseconds is rounded up, to at least 1 s. */
function wholeSeconds(ms: number, max: number): number {
  return ms > 0 ? Math.min(max, Math.max(1, Math.ceil(ms / 1000))) : max;
}

export function mysqlStepSettings(settings: StepSettings): string[] {
  const statementSeconds = settings.statementTimeoutMs > 0 ? settings.statementTimeoutMs / 1000 : 0;
  return [
    `SET SESSION lock_wait_timeout = ${wholeSeconds(settings.lockTimeoutMs, MAX_LOCK_WAIT_S)}, ` +
      `innodb_lock_wait_timeout = ${wholeSeconds(settings.lockTimeoutMs, MAX_INNODB_LOCK_WAIT_S)}` +
      // Executed by MariaDB only (/*M! ... */): MySQL has no max_statement_time.
      ` /*M!, max_statement_time = ${statementSeconds}*/`,
  ];
}

/** 1205 ER_LOCK_WAIT_TIMEOUT: a metadata or row lock wait ran out (the statement did nothing). */
export function isMysqlLockTimeout(error: unknown): boolean {
  return Number((error as { errno?: unknown } | null)?.errno) === 1205;
}
