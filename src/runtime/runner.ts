/**
 * Applies a plan of steps, online (one transaction per step, version table
 * updated in the same transaction) or offline (the same statements printed as a
 * script). One code path for both, so `--sql` prints exactly what would run.
 */
import type { Connection, Dialect, StepSettings } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import { sqlLineComment } from "../neutralize.js";
import { Op, type OperationSink } from "../operations/facade.js";
import type { Operation, Statement } from "../operations/types.js";
import type { RevisionGraph } from "../revisions/graph.js";
import type { LoadedRevision } from "../revisions/load.js";
import { nextHeads, type Step } from "../revisions/resolve.js";
import type { Migration } from "../revisions/types.js";
import { KILN_VERSION } from "../version.js";
import {
  type BookkeepingTables,
  guardedHeadChanges,
  headChangeStatements,
  headMovedMessage,
  historyInsertStatement,
  selectHeadsSql,
} from "./bookkeeping.js";
import { inlineParameters } from "./inline.js";
import { guardRevisionCode } from "./settle.js";
import type { WatchStep } from "./step-watch.js";
import type { Reporter, StepInfo } from "./reporter.js";
import { BatchFailure, batchable, StatementBatch } from "./statement-batch.js";

export interface RunTarget {
  dialect: Dialect;
  tables: BookkeepingTables;
  graph: RevisionGraph<LoadedRevision>;
  revisions: Map<string, LoadedRevision>;
  reporter: Reporter;
  settings: StepSettings;
  /** Looks at each step's revision code as it runs (upgrade's lint warnings). */
  watchStep?: WatchStep;
}

export interface OnlineTarget extends RunTarget {
  conn: Connection;
  /**
   * kiln's own CREATE TABLE IF NOT EXISTS statements, run inside the first step's
   * transaction so that a first step that fails leaves a fresh database without
   * them (dialects with transactional DDL). Emptied once a step commits.
   */
  pendingBookkeeping?: string[];
}

export interface OfflineTarget extends RunTarget {
  /** Receives the script, one statement (with its trailing semicolon) or comment at a time. */
  write(line: string): void;
}

/**
 * Imports and checks every revision of the plan (and its downgrade, going down)
 * before the first step runs: a broken file must stop the run before it changes
 * anything, not after half of the steps.
 */
export async function preloadPlan(target: RunTarget, steps: Step[]): Promise<void> {
  // Every file compiles at once (in parallel); each is then checked in plan order.
  for (const step of steps) target.revisions.get(step.revision.revision)?.prepare();
  for (const step of steps) await migrationFor(target, step);
}

function stepInfo(step: Step): StepInfo {
  return {
    revision: step.revision.revision,
    message: step.revision.message,
    direction: step.direction,
    file: step.revision.file,
  };
}

async function migrationFor(target: RunTarget, step: Step): Promise<{ migration: Migration; loaded: LoadedRevision }> {
  const loaded = target.revisions.get(step.revision.revision);
  if (!loaded) throw new KilnError(`revision ${step.revision.revision} is in the plan but was not loaded`);
  const migration = await loaded.load();
  if (step.direction === "down" && typeof migration.downgrade !== "function") {
    throw new KilnError(
      `revision ${loaded.revision} (${loaded.file}) has no downgrade function, so it cannot be undone; add \`async downgrade(op) { ... }\` to the file, or stamp past it with \`kiln stamp\` if you undid it by hand`,
    );
  }
  return { migration, loaded };
}

/** Runs the step's revision function once, telling `target.watchStep` (lint) what it applies. */
async function runMigrationFunction(target: RunTarget, loaded: LoadedRevision, migration: Migration, step: Step, sink: OperationSink): Promise<void> {
  const watch = target.watchStep?.(step, loaded, migration);
  const real = new Op(watch ? { ...sink, apply: (operation) => (watch.applied(operation), sink.apply(operation)) } : sink);
  const op = watch?.op ? watch.op(real) : real;
  const fn = step.direction === "up" ? migration.upgrade : migration.downgrade!;
  await guardRevisionCode(async () => {
    await fn.call(migration, op);
    await real.settled();
  }, step.direction === "up" ? "upgrade" : "downgrade");
  watch?.finished();
}

function describeStatement(sql: string): string {
  const oneLine = sql.replace(/\s+/g, " ").trim();
  return oneLine.length > 300 ? oneLine.slice(0, 297) + "..." : oneLine;
}

function databaseMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True when `step` is still to do given the heads now in the version table. */
function stillNeeded(graph: RevisionGraph<LoadedRevision>, heads: string[], step: Step): boolean {
  const id = step.revision.revision;
  const applied = heads.includes(id) || heads.some((h) => graph.has(h) && graph.isAncestor(id, h));
  return step.direction === "up" ? !applied : applied;
}

/**
 * Applies the steps online. Each step: BEGIN, re-check the heads (another process
 * may have applied the step while we waited), run the revision, write the version
 * rows and a history row, COMMIT. A failure rolls the step back and throws a
 * KilnError naming the revision, its file and the failing statement. A step that
 * gave up waiting for a table lock (lock_timeout) is retried with backoff.
 */
export async function runOnline(target: OnlineTarget, steps: Step[], startHeads: string[]): Promise<string[]> {
  await preloadPlan(target, steps);
  let heads = startHeads;
  for (const step of steps) {
    for (let attempt = 1; ; attempt++) {
      const outcome = await runStep(target, step, heads);
      if (outcome.kind === "done") {
        heads = outcome.heads;
        break;
      }
      if (attempt > target.settings.lockRetries) throw outcome.error;
      const waitMs = Math.min(30_000, 500 * 2 ** (attempt - 1));
      target.reporter.warn(
        `${step.revision.revision}: gave up waiting for a table lock after ${target.settings.lockTimeoutMs} ms (${outcome.reason}); the step was rolled back, retry ${attempt} of ${target.settings.lockRetries} in ${waitMs} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
  return heads;
}

type StepOutcome =
  | { kind: "done"; heads: string[] }
  | { kind: "lockTimeout"; error: KilnError; reason: string }
  /** The version table was not as expected: the step was rolled back untouched, to be run reading the table first. */
  | { kind: "headsChanged" };

/**
 * A step in one round trip where the dialect and the connection allow (see
 * `sendsStepAtOnce`), else (and when the version table turned out to have
 * changed) reading the version table first.
 */
async function runStep(target: OnlineTarget, step: Step, heads: string[]): Promise<Exclude<StepOutcome, { kind: "headsChanged" }>> {
  const outcome = await attemptStep(target, step, sendsStepAtOnce(target) ? heads : undefined, false);
  if (outcome.kind !== "headsChanged") return outcome;
  const again = await attemptStep(target, step, undefined, true);
  // Reading the table first sends no guard: this cannot happen.
  if (again.kind === "headsChanged") throw new KilnError(`internal error: revision ${step.revision.revision} tripped a guard it did not send`);
  return again;
}

/**
 * True when a whole step can go in one round trip: the connection names the
 * failing statement of a batch, the dialect checks the version table inside
 * the batch and measures the step's duration where it runs, and DDL rolls back.
 */
function sendsStepAtOnce(target: OnlineTarget): boolean {
  const { conn, dialect } = target;
  return (
    conn.runBatch !== undefined &&
    dialect.headsGuardSql !== undefined &&
    dialect.elapsedMsSql !== undefined &&
    dialect.transactionalDDL &&
    !dialect.verifyStep &&
    !dialect.compileOnline
  );
}

/**
 * One attempt at a step. With `knownHeads` (the version table's rows as the run
 * left them) and a transactional revision, the whole step is queued and sent at
 * once: BEGIN, the limits, a guard that fails unless the version table still
 * holds `knownHeads`, the revision's DDL, the version and history rows, COMMIT.
 * Statements from `op.execute` and `op.bulkInsert`, statements that cannot wait
 * in a batch (see `batchable`) and `op.query` send what is queued first, so that
 * the revision sees their failure (and their results) where it made the call.
 * Without `knownHeads`: BEGIN, re-read the heads, then one statement at a time.
 */
async function attemptStep(target: OnlineTarget, step: Step, knownHeads: string[] | undefined, announced: boolean): Promise<StepOutcome> {
  const { conn, dialect, tables, reporter } = target;
  const info = stepInfo(step);
  const { migration, loaded } = await migrationFor(target, step);
  const transactional = migration.transactional !== false;
  // knownHeads is given only when sendsStepAtOnce() holds, so conn.runBatch exists.
  const atOnce = knownHeads !== undefined && transactional && stillNeeded(target.graph, knownHeads, step);
  const batch = atOnce ? new StatementBatch({ runBatch: conn.runBatch!.bind(conn) }) : undefined;
  const executed: string[] = [];
  let inTransaction = false;
  // True once part of the step was committed early (a statement that cannot run in a transaction).
  let partlyCommitted = false;
  let currentSql: string | undefined;

  /**
   * Runs parameterless statements in one round trip where the dialect can
   * (dialect.joinStatements), else one by one; returns the last one's result.
   */
  const runAll = async (sqls: string[]) => {
    if (dialect.joinStatements && sqls.length > 1) return conn.query(dialect.joinStatements(sqls));
    let last = { rows: [] as Record<string, unknown>[], rowCount: 0 };
    for (const sql of sqls) last = await conn.query(sql);
    return last;
  };

  // Set when the guard failed, even if the revision caught the error (op.query lets it).
  let guardTripped = false;
  /** Sends what the batch holds, if anything. */
  const flush = async () => {
    if (!batch || batch.size === 0) return;
    try {
      await batch.send();
    } catch (error) {
      if (error instanceof BatchFailure && error.guardFailed) guardTripped = true;
      throw error;
    }
  };

  /** BEGIN, the step's limits, and (optionally) a query whose result is wanted, in one round trip (queued when batching). */
  const begin = async (andThen: string[] = []) => {
    const sqls = [dialect.beginSql, ...(dialect.stepSettings?.(target.settings, "transaction") ?? []), ...andThen];
    inTransaction = true;
    if (batch) {
      for (const sql of sqls) batch.add(sql);
      return undefined;
    }
    return runAll(sqls);
  };

  /** A statement outside any transaction, still under the step's lock and statement limits. */
  const execAlone = async (statement: Statement) => {
    for (const s of dialect.stepSettings?.(target.settings, "session") ?? []) await conn.query(s);
    try {
      await conn.query(statement.sql, statement.params);
    } finally {
      for (const s of dialect.resetStepSettings?.() ?? []) await conn.query(s).catch(() => undefined);
    }
  };

  /** `wait`: the statement may wait in the batch until the step's end (schema operations). */
  const exec = async (statement: Statement, wait: boolean) => {
    if (batch && inTransaction && batchable(statement)) {
      batch.add(statement.sql, statement.sql);
      executed.push(statement.sql);
      if (!wait) await flush();
      return;
    }
    await flush();
    currentSql = statement.sql;
    if (statement.transactional === false && inTransaction) {
      // The database refuses this statement inside a transaction: commit what came before.
      await conn.query("COMMIT");
      inTransaction = false;
      partlyCommitted = true;
      await execAlone(statement);
      await begin();
    } else if (!inTransaction) {
      await execAlone(statement);
    } else {
      await conn.query(statement.sql, statement.params);
    }
    executed.push(statement.sql);
    currentSql = undefined;
  };

  const started = Date.now();
  try {
    await dialect.beforeStep?.(conn);
    let current: string[];
    if (batch) {
      current = knownHeads!;
      await begin(target.pendingBookkeeping ?? []);
      batch.add(dialect.headsGuardSql!(tables, current), undefined, { guard: true });
    } else {
      current = (await begin([...(target.pendingBookkeeping ?? []), selectHeadsSql(dialect, tables)]))!.rows.map((r) => String(r.version_num));
      if (!stillNeeded(target.graph, current, step)) {
        await conn.query("ROLLBACK");
        inTransaction = false;
        reporter.stepSkipped(info, "already applied by another kiln process");
        return { kind: "done", heads: current };
      }
      if (!transactional) {
        await conn.query("COMMIT");
        inTransaction = false;
        target.pendingBookkeeping = undefined;
      }
    }
    if (!announced) reporter.stepStarted(info);
    const sink: OperationSink = {
      dialect: dialect.name,
      async apply(operation: Operation) {
        const statements = dialect.compileOnline ? await dialect.compileOnline(conn, operation) : dialect.compile(operation);
        // Raw SQL and data: sent now, so a revision that catches their errors sees them where it made the call.
        const wait = operation.kind !== "execute" && operation.kind !== "bulkInsert";
        for (const statement of statements) await exec(statement, wait);
      },
      async query(sql, params) {
        await flush();
        return conn.query(sql, params);
      },
    };
    await runMigrationFunction(target, loaded, migration, step, sink);
    if (!inTransaction) await begin();
    const after = nextHeads(target.graph, current, step);
    const durationMs = Date.now() - started;
    const headChange = guardedHeadChanges(dialect, tables, current, after);
    // Version-table statements the dialect cannot guard in SQL go first, alone, their row count checked.
    const counted = headChange.filter((change) => change.replaces !== undefined);
    const bookkeeping = [
      ...headChange.filter((change) => change.replaces === undefined),
      historyInsertStatement(dialect, tables, {
        revision: loaded.revision,
        direction: step.direction,
        checksum: loaded.checksum,
        // Sent with the DDL, the step's duration can only be measured where it runs.
        durationMs: batch ? { sql: dialect.elapsedMsSql! } : durationMs,
        kilnVersion: KILN_VERSION,
        source: loaded.source,
      }),
    ].map((s) => s.sql);
    const closing = [...counted.map((change) => change.sql), ...bookkeeping].join("; ");
    if (counted.length > 0) {
      await flush();
      currentSql = closing;
      for (const change of counted) {
        if ((await conn.query(change.sql)).rowCount !== 1) throw new KilnError(headMovedMessage(change.replaces!));
      }
    }
    if (batch) {
      for (const sql of [...bookkeeping, "COMMIT"]) batch.add(sql, closing);
      await flush();
    } else if (dialect.verifyStep) {
      currentSql = closing;
      await runAll(bookkeeping);
      await dialect.verifyStep(conn);
      await conn.query("COMMIT");
    } else {
      // The version rows, the history row and COMMIT in one round trip where the dialect allows.
      currentSql = closing;
      await runAll([...bookkeeping, "COMMIT"]);
    }
    inTransaction = false;
    target.pendingBookkeeping = undefined;
    reporter.stepFinished(info, batch ? Date.now() - started : durationMs);
    return { kind: "done", heads: after };
  } catch (caught) {
    let error = caught;
    if (caught instanceof BatchFailure) {
      error = caught.error;
      currentSql = caught.reportAs;
    }
    if (inTransaction) await conn.query("ROLLBACK").catch(() => undefined);
    if (guardTripped) return { kind: "headsChanged" };
    const failure = stepFailure(target, step, error, currentSql, executed, transactional);
    // Only a step that left nothing behind can be tried again (without transactional DDL: none of its statements ran).
    const nothingApplied = transactional && !partlyCommitted && (dialect.transactionalDDL || executed.length === 0);
    if (nothingApplied && dialect.isLockTimeout?.(error)) {
      return { kind: "lockTimeout", error: failure, reason: currentSql ? describeStatement(currentSql) : "a statement" };
    }
    throw failure;
  } finally {
    await dialect.afterStep?.(conn);
  }
}

function stepFailure(
  target: RunTarget,
  step: Step,
  error: unknown,
  failedSql: string | undefined,
  executed: string[],
  transactional: boolean,
): KilnError {
  const what = `${step.direction === "up" ? "upgrade" : "downgrade"} of revision ${step.revision.revision} (${step.revision.file})`;
  const details: string[] = [];
  if (failedSql) details.push(`failing statement: ${describeStatement(failedSql)}`);
  const rolledBack = transactional && (target.dialect.transactionalDDL || executed.length === 0);
  if (rolledBack) {
    details.push("the step was rolled back; the database and the version table are as they were before it");
  } else {
    details.push(
      `${target.dialect.name} cannot roll back DDL: ${executed.length} statement(s) of this revision ran and stay applied; the version table still names the previous revision`,
    );
    for (const sql of executed) details.push(`  ran: ${describeStatement(sql)}`);
    details.push("fix the database by hand (or finish the revision's remaining statements), then run `kiln stamp` or upgrade again");
  }
  if (error instanceof KilnError && !failedSql) {
    return new KilnError(`${what} failed: ${error.message}`, { details: [...error.details, ...details], cause: error });
  }
  return new KilnError(`${what} failed: ${databaseMessage(error)}`, { details, cause: error });
}

/** Writes the steps as a SQL script, with the version-table statements, without connecting. */
export async function runOffline(target: OfflineTarget, steps: Step[], startHeads: string[]): Promise<string[]> {
  const { dialect, tables, write } = target;
  await preloadPlan(target, steps);
  let heads = startHeads;
  const emit = (statement: Statement) => write(`${inlineParameters(dialect, statement)};`);
  for (const step of steps) {
    const { migration, loaded } = await migrationFor(target, step);
    const transactional = migration.transactional !== false && dialect.transactionalDDL;
    write("");
    write(`-- ${sqlLineComment(`${step.direction === "up" ? "Upgrade" : "Downgrade"} ${loaded.revision}${loaded.message ? `: ${loaded.message}` : ""}`)}`);
    let inTransaction = false;
    const begin = () => {
      write(`${dialect.beginSql};`);
      for (const s of dialect.stepSettings?.(target.settings, "transaction") ?? []) write(`${s};`);
      inTransaction = true;
    };
    if (transactional) begin();
    const sink: OperationSink = {
      dialect: dialect.name,
      async apply(operation: Operation) {
        for (const statement of dialect.compile(operation)) {
          if (statement.transactional === false && inTransaction) {
            write("COMMIT;");
            emit(statement);
            begin();
          } else {
            emit(statement);
          }
        }
      },
    };
    try {
      await runMigrationFunction(target, loaded, migration, step, sink);
    } catch (error) {
      throw new KilnError(
        `cannot write SQL for the ${step.direction === "up" ? "upgrade" : "downgrade"} of revision ${loaded.revision} (${loaded.file}): ${databaseMessage(error)}`,
        { cause: error },
      );
    }
    const after = nextHeads(target.graph, heads, step);
    for (const statement of headChangeStatements(dialect, tables, heads, after)) emit(statement);
    emit(
      historyInsertStatement(dialect, tables, {
        revision: loaded.revision,
        direction: step.direction,
        checksum: loaded.checksum,
        kilnVersion: KILN_VERSION,
      }),
    );
    if (inTransaction) write("COMMIT;");
    heads = after;
  }
  return heads;
}
