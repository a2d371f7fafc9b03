/**
 * SQL for kiln's own tables, as Statements, so that the online runner executes
 * them and the offline writer prints them through the same code.
 * The version table holds one row per applied head (as Alembic's does); the
 * history table is append-only: one row per step applied, with its checksum.
 */
import type { Dialect } from "../dialects/types.js";
import type { Statement } from "../operations/types.js";

export interface BookkeepingTables {
  schema?: string;
  versionTable: string;
  historyTable: string;
}

export type StepDirection = "up" | "down" | "stamp";

export function versionTableName(dialect: Dialect, tables: BookkeepingTables): string {
  return dialect.tableName(tables.schema, tables.versionTable);
}

export function historyTableName(dialect: Dialect, tables: BookkeepingTables): string {
  return dialect.tableName(tables.schema, tables.historyTable);
}

export function selectHeadsSql(dialect: Dialect, tables: BookkeepingTables): string {
  return `SELECT version_num FROM ${versionTableName(dialect, tables)} ORDER BY version_num`;
}

/** Statements that turn the version table from `before` into `after` (rows are heads). */
export function headChangeStatements(
  dialect: Dialect,
  tables: BookkeepingTables,
  before: string[],
  after: string[],
): Statement[] {
  return headChanges(dialect, tables, before, after).map((change) => ({ sql: change.sql }));
}

/**
 * One statement of a step's version-table change. `replaces`: the head this
 * UPDATE or DELETE must find; it changes exactly one row, or someone else moved
 * the heads during the step and it must not commit.
 */
export interface HeadChange {
  sql: string;
  replaces?: string;
}

function headChanges(dialect: Dialect, tables: BookkeepingTables, before: string[], after: string[]): HeadChange[] {
  const table = versionTableName(dialect, tables);
  const removed = before.filter((h) => !after.includes(h));
  const added = after.filter((h) => !before.includes(h));
  // A single replacement is an UPDATE, like Alembic's, so a script reads naturally.
  if (removed.length === 1 && added.length === 1) {
    const sql = `UPDATE ${table} SET version_num = ${dialect.quoteLiteral(added[0])} WHERE version_num = ${dialect.quoteLiteral(removed[0])}`;
    return [{ sql, replaces: removed[0] }];
  }
  return [
    ...removed.map((head) => ({ sql: `DELETE FROM ${table} WHERE version_num = ${dialect.quoteLiteral(head)}`, replaces: head })),
    ...added.map((head) => ({ sql: `INSERT INTO ${table} (version_num) VALUES (${dialect.quoteLiteral(head)})` })),
  ];
}

/** Why a guarded version-table statement failed. */
export function headMovedMessage(head: string): string {
  return `the version table no longer holds ${head}: something else changed it while the step ran (another process, or SQL in the revision), so the step must not commit`;
}

/**
 * A step's version-table change, online: every UPDATE and DELETE is a guard.
 * Where the dialect can fail a statement in SQL (`oneRowGuardSql`), the guard
 * is in the statement itself (it can go in a batch); the others come back with
 * `replaces` set, for the runner to check their row count.
 */
export function guardedHeadChanges(dialect: Dialect, tables: BookkeepingTables, before: string[], after: string[]): HeadChange[] {
  return headChanges(dialect, tables, before, after).map((change) =>
    change.replaces !== undefined && dialect.oneRowGuardSql
      ? { sql: dialect.oneRowGuardSql(change.sql, headMovedMessage(change.replaces)) }
      : change,
  );
}

export function historyInsertStatement(
  dialect: Dialect,
  tables: BookkeepingTables,
  entry: {
    revision: string;
    direction: StepDirection;
    checksum?: string;
    /** The step's duration, or `dialect.elapsedMsSql` to have the database measure it (for a step sent in one round trip). */
    durationMs?: number | { sql: string };
    kilnVersion: string;
    source?: string;
  },
): Statement {
  const q = (v: unknown) => dialect.quoteLiteral(v ?? null);
  const duration = typeof entry.durationMs === "object" ? entry.durationMs.sql : q(entry.durationMs);
  return {
    sql:
      `INSERT INTO ${historyTableName(dialect, tables)} (revision, direction, checksum, started_at, duration_ms, kiln_version, source) ` +
      `VALUES (${q(entry.revision)}, ${q(entry.direction)}, ${q(entry.checksum)}, CURRENT_TIMESTAMP, ${duration}, ${q(entry.kilnVersion)}, ${q(entry.source)})`,
  };
}

/** Every 'up' step's checksum and source, oldest first, in one query (the caller keeps the latest per revision). */
export function selectAppliedSourcesSql(dialect: Dialect, tables: BookkeepingTables): string {
  return `SELECT revision, checksum, source FROM ${historyTableName(dialect, tables)} WHERE direction = 'up' ORDER BY id`;
}
