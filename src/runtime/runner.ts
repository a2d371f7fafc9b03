/**
 * Applies a plan of steps, online (one transaction per step, version table
 * updated in the same transaction) or offline (the same statements printed as a
 * script). One code path for both, so `--sql` prints exactly what would run.
 */
import type { Connection, Dialect, HeldLock, StepSettings, TransactionStrategy } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import { sqlLineComment } from "../neutralize.js";
import { Op, type OperationSink } from "../operations/facade.js";
import type { Operation, Statement } from "../operations/types.js";
import type { RevisionGraph } from "../revisions/graph.js";
import { type LoadedRevision, prepareAll } from "../revisions/load.js";
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
import { checkPlanFinishes, type PartialStep, partialAdvice, StepJournal, stepTargets } from "./journal.js";
import type { Reporter, StepInfo } from "./reporter.js";
import { BatchFailure, batchable, StatementBatch } from "./statement-batch.js";
import { GroupFallback, StepGroup } from "./step-group.js";
import { databaseErrorLines } from "./database-error.js";
import { isDataStatement } from "./statement-kind.js";

export interface RunTarget {
  dialect: Dialect;
  tables: BookkeepingTables;
  graph: RevisionGraph<LoadedRevision>;
  revisions: Map<string, LoadedRevision>;
  reporter: Reporter;
  settings: StepSettings;
  /** Looks at each step's revision code as it runs (upgrade's lint warnings). */
  watchStep?: WatchStep;
  /** The target's name revisions read as `op.target` (a fleet target's name, else the database's). */
  name?: string;
}

export interface OnlineTarget extends RunTarget {
  conn: Connection;
  /**
   * kiln's own CREATE TABLE IF NOT EXISTS statements, run inside the first step's
   * transaction so that a first step that fails leaves a fresh database without
   * them (dialects with transactional DDL). Emptied once a step commits.
   */
  pendingBookkeeping?: string[];
  /** What kiln's step journal held when the run started (runtime/journal.ts); absent: the journal is empty. */
  journal?: RunJournal;
  /** Called on the step's connection outside its transaction, before it begins and once it is done (--wait-for-replicas). */
  stepHooks?: StepHooks;
  /** How steps commit (runtime/strategy.ts); absent: "per-step". */
  transactions?: TransactionStrategy;
  /** False when session state does not last between transactions (a transaction pooler, a lease lock): limits only with SET LOCAL. */
  sessionState?: boolean;
  /** Under a lease lock: the statement each commit that moves a step forward must change one row with (HeldLock.fence). */
  fence?: HeldLock["fence"];
  /** Set by runOnline while it sends consecutive steps together (step-group.ts). */
  group?: StepGroup;
}

export interface StepHooks {
  before?(step: Step): Promise<void>;
  after?(step: Step): Promise<void>;
}

export interface RunJournal {
  /** The step an earlier run left partly applied; the plan must finish it first. */
  partial?: PartialStep;
  /** The journal table exists (else it is created when first needed). */
  tableExists: boolean;
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
  // Every file compiles at once (in parallel, then as one script); each is then run and checked in plan order.
  await prepareAll(steps.flatMap((step) => target.revisions.get(step.revision.revision) ?? []));
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
  const named: OperationSink = target.name !== undefined ? { ...sink, target: target.name } : sink;
  const real = new Op(watch ? { ...named, apply: (operation) => (watch.applied(operation), sink.apply(operation)) } : named);
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
  const partial = target.journal?.partial;
  if (partial) {
    checkPlanFinishes(partial, steps, stepTargets(target.graph, startHeads, partial), target.revisions.get(partial.revision)?.checksum);
    target.reporter.info(
      `continuing the partly applied ${partial.direction === "up" ? "upgrade" : "downgrade"} of ${partial.revision} after the ${partial.done.length} statement(s) an earlier run applied`,
    );
  }
  const reporter = target.reporter;
  if (groupsSteps(target)) {
    const conn = target.conn as Connection & Required<Pick<Connection, "runBatch">>;
    target.group = new StepGroup(conn, target.dialect, target.tables, (step, heads) => stillNeeded(target.graph, heads, step), reporter);
    target.reporter = target.group.reporter;
  }
  const stopGrouping = () => {
    target.group = undefined;
    target.reporter = reporter;
  };
  try {
    let heads = startHeads;
    for (let index = 0; index < steps.length; ) {
      const step = steps[index]!;
      try {
        heads = await runStepWithRetries(target, step, heads);
        index++;
        // A full group goes out; the next steps' revisions run while the server applies it.
        if (target.group?.full) await target.group.dispatch();
        if (index === steps.length) await target.group?.send();
      } catch (error) {
        let fallback = error instanceof GroupFallback ? error : undefined;
        if (!fallback && target.group) {
          // The steps waiting to be sent come before this one: they commit first, as they would have one by one.
          try {
            await target.group.send();
          } catch (sendError) {
            if (!(sendError instanceof GroupFallback)) throw sendError;
            fallback = sendError;
          }
        }
        if (!fallback) throw error;
        // One step at a time from the first step the group did not commit: it fails (or waits for its lock) as it would have alone.
        stopGrouping();
        heads = fallback.heads;
        // (All of the group committed: the step it was sent before, or after, is next.)
        if (fallback.resumeAt) index = steps.indexOf(fallback.resumeAt);
      }
    }
    return heads;
  } finally {
    stopGrouping();
  }
}

/** A step, tried again (with backoff) while it gives up waiting for a table lock; the version table's heads after it. */
async function runStepWithRetries(target: OnlineTarget, step: Step, heads: string[]): Promise<string[]> {
  await target.stepHooks?.before?.(step);
  for (let attempt = 1; ; attempt++) {
    const outcome = await runStep(target, step, heads);
    if (outcome.kind === "done") {
      await target.stepHooks?.after?.(step);
      return outcome.heads;
    }
    if (attempt > target.settings.lockRetries) throw outcome.error;
    const waitMs = Math.min(30_000, 500 * 2 ** (attempt - 1));
    target.reporter.warn(
      `${step.revision.revision}: gave up waiting for a table lock after ${target.settings.lockTimeoutMs} ms (${outcome.reason}); the step was rolled back, retry ${attempt} of ${target.settings.lockRetries} in ${waitMs} ms`,
    );
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/**
 * True when consecutive steps may go several in one round trip (step-group.ts):
 * each step could go in one already, the dialect keeps each step's own clock,
 * and nothing has to happen between steps (replica waits) or is held per
 * commit (a lease fence, a transaction pooler, DDL outside transactions, a
 * partly applied step to finish).
 */
function groupsSteps(target: OnlineTarget): boolean {
  const { dialect } = target;
  return (
    sendsStepAtOnce(target) &&
    dialect.stepClock !== undefined &&
    !dialect.beforeStep &&
    !dialect.afterStep &&
    !target.stepHooks &&
    !target.fence &&
    target.sessionState !== false &&
    (target.transactions ?? "per-step") === "per-step" &&
    !target.journal?.partial
  );
}

type StepOutcome =
  | { kind: "done"; heads: string[] }
  | { kind: "lockTimeout"; error: KilnError; reason: string }
  /** The version table was not as expected: the step was rolled back untouched, to be run reading the table first. */
  | { kind: "headsChanged" }
  /** A statement used what a `commitBeforeUse` statement of the step added: rolled back untouched, to be run with those committed first. */
  | { kind: "useBeforeCommit" };

/**
 * A step in one round trip where the dialect and the connection allow (see
 * `sendsStepAtOnce`), else (and when the version table turned out to have
 * changed) reading the version table first.
 */
async function runStep(target: OnlineTarget, step: Step, heads: string[]): Promise<Exclude<StepOutcome, { kind: "headsChanged" | "useBeforeCommit" }>> {
  const outcome = await runStepOnce(target, step, heads, false, false);
  if (outcome.kind !== "useBeforeCommit") return outcome;
  target.reporter.info(
    `${step.revision.revision}: a statement uses what an earlier one of the step added (a new enum value), which the database allows only once that is committed: running the step again with such statements committed first`,
  );
  const again = await runStepOnce(target, step, heads, true, true);
  if (again.kind === "useBeforeCommit") throw new KilnError(`internal error: revision ${step.revision.revision} asked twice to commit statements apart`);
  return again;
}

/** One try at a step; `apart`: statements marked `commitBeforeUse` commit before the rest (see Statement). */
async function runStepOnce(
  target: OnlineTarget,
  step: Step,
  heads: string[],
  announced: boolean,
  apart: boolean,
): Promise<Exclude<StepOutcome, { kind: "headsChanged" }>> {
  const outcome = await attemptStep(target, step, sendsStepAtOnce(target) ? heads : undefined, announced, apart);
  if (outcome.kind !== "headsChanged") return outcome;
  const again = await attemptStep(target, step, undefined, true, apart);
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
async function attemptStep(
  target: OnlineTarget,
  step: Step,
  knownHeads: string[] | undefined,
  announced: boolean,
  apart = false,
): Promise<StepOutcome> {
  const { conn, dialect, tables, reporter } = target;
  const info = stepInfo(step);
  const { migration, loaded } = await migrationFor(target, step);
  const ddlOutside = target.transactions === "ddl-outside";
  // ddl-outside: the step runs as a revision with `transactional = false` does, data statements each with their journal row.
  const transactional = migration.transactional !== false && !ddlOutside;
  // knownHeads is given only when sendsStepAtOnce() holds, so conn.runBatch exists.
  const atOnce = knownHeads !== undefined && transactional && stillNeeded(target.graph, knownHeads, step);
  const batch = atOnce ? new StatementBatch({ runBatch: conn.runBatch!.bind(conn) }) : undefined;
  // Steps waiting to be sent together go before anything of this one (with a batch: before its first send).
  if (!batch) await target.group?.send();
  // Only a step with nothing of it sent before its end can join them (not the one creating kiln's tables).
  const group = batch && target.pendingBookkeeping === undefined ? target.group : undefined;
  const executed: string[] = [];
  const earlier = target.journal?.partial;
  const journal = new StepJournal(
    dialect,
    tables,
    { revision: loaded.revision, direction: step.direction, checksum: loaded.checksum },
    earlier && earlier.revision === loaded.revision && earlier.direction === step.direction ? earlier : undefined,
    target.journal?.tableExists ?? false,
  );
  let warnedNoLimits = false;
  /** The statement running under a 'running' journal row (cleaned up if it fails). */
  let running: { seq: number; statement: Statement } | undefined;
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
    await target.group?.send();
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
    // The step's own clock, where steps may go several in one query (its transaction_timestamp() is then the query's).
    if (batch && target.group && dialect.stepClock) sqls.push(dialect.stepClock.startSql);
    inTransaction = true;
    if (batch) {
      for (const sql of sqls) batch.add(sql);
      return undefined;
    }
    return runAll(sqls);
  };

  /**
   * The lease fence (HeldLock.fence) as one statement that fails unless this run
   * still holds the lock, for every commit that moves the step forward; [] when
   * there is no lease, or the dialect cannot fail a statement in SQL (then only
   * the step's last commit checks it, by row count).
   */
  const fenceSqls = (): string[] => (target.fence && dialect.oneRowGuardSql ? [dialect.oneRowGuardSql(target.fence.sql, target.fence.lost)] : []);

  /** A statement outside any transaction, still under the step's lock and statement limits. */
  const execAlone = async (statement: Statement) => {
    if (target.sessionState === false) {
      // Session settings would not last (or would leak to other clients of a pooler): a transaction of its own with SET LOCAL.
      if (statement.transactional !== false) {
        await runAll([dialect.beginSql, ...(dialect.stepSettings?.(target.settings, "transaction") ?? [])]);
        try {
          await conn.query(statement.sql, statement.params);
          await conn.query("COMMIT");
        } catch (error) {
          await conn.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      } else {
        if (!warnedNoLimits && dialect.stepSettings) {
          warnedNoLimits = true;
          reporter.warn(
            `${step.revision.revision}: ${describeStatement(statement.sql)} cannot run inside a transaction, and session settings do not last through this connection: it runs without kiln's lock_timeout and statement_timeout`,
          );
        }
        await conn.query(statement.sql, statement.params);
      }
      return;
    }
    for (const s of dialect.stepSettings?.(target.settings, "session") ?? []) await conn.query(s);
    try {
      await conn.query(statement.sql, statement.params);
    } finally {
      for (const s of dialect.resetStepSettings?.() ?? []) await conn.query(s).catch(() => undefined);
    }
  };

  /**
   * A statement that commits on its own (outside a transaction, or on a database
   * whose DDL commits at once), between a 'running' and a 'done' journal row, so
   * that a kill in between leaves a state kiln can tell. `retry`: it was running
   * when an earlier run stopped; an error saying its effect is there means it had
   * completed then.
   */
  const runDurable = async (statement: Statement, seq: number, retry: boolean) => {
    // In a transaction (MySQL): a DML statement commits with its journal rows; DDL commits the 'running' row before it runs.
    if (!inTransaction) {
      // The journal table alone (a schema change in a transaction of its own), then the 'running' row with the fence.
      const ddl = journal.tableSql();
      if (ddl) await conn.query(ddl);
    }
    await runAll([...fenceSqls(), ...journal.recordRunning(seq, statement)]);
    running = { seq, statement };
    try {
      if (inTransaction) await conn.query(statement.sql, statement.params);
      else await execAlone(statement);
    } catch (error) {
      if (!(retry && dialect.isAlreadyApplied?.(error))) throw error;
      reporter.warn(
        `${step.revision.revision}: statement ${seq} was running when an earlier kiln run stopped and had completed then (running it again says: ${databaseMessage(error)}); going on after it`,
      );
    }
    running = undefined;
    await runAll(inTransaction ? [journal.completedSql(seq, statement), "COMMIT"] : [journal.completedSql(seq, statement)]);
    if (inTransaction) {
      inTransaction = false;
      partlyCommitted = true;
    }
  };

  /** Drops what a failed attempt at `statement` left behind (an INVALID index); returns what it removed, if anything. */
  const removeLeftover = async (statement: Statement): Promise<string | undefined> => {
    const leftover = statement.recovery?.leftover;
    if (!leftover || (await conn.query(leftover.find)).rows.length === 0) return undefined;
    await execAlone({ sql: leftover.remove });
    return leftover.what;
  };

  /**
   * The statement was running when an earlier kiln run stopped. Removes what a
   * failed attempt left behind and tells whether it took effect (then it is
   * recorded as done and true is returned); else forgets its row, to run it again.
   */
  const settleUncertain = async (statement: Statement, seq: number): Promise<boolean> => {
    const removed = await removeLeftover(statement);
    if (removed) reporter.warn(`${step.revision.revision}: removed ${removed} (statement ${seq}, running when an earlier kiln run stopped)`);
    const recovery = statement.recovery;
    if (recovery && (await conn.query(recovery.applied)).rows.length > 0) {
      await conn.query(journal.completedSql(seq, statement));
      reporter.info(`${step.revision.revision}: statement ${seq} was running when an earlier kiln run stopped and had completed then; going on after it`);
      return true;
    }
    await conn.query(journal.failedSql(seq));
    return false;
  };

  /** A statement that failed under a 'running' row: remove what it left behind, forget the row. Returns what was done, for the message. */
  const forgetFailed = async ({ seq, statement }: { seq: number; statement: Statement }): Promise<string[]> => {
    try {
      const removed = await removeLeftover(statement);
      await conn.query(journal.failedSql(seq));
      return removed ? [`kiln removed ${removed}`] : [];
    } catch (error) {
      return [
        `kiln could not clean up after the failed statement (${databaseMessage(error)}): its journal marks it as possibly applied, and the next run checks it before going on`,
      ];
    }
  };

  /** `wait`: the statement may wait in the batch until the step's end (schema operations). */
  // Set when the step holds a statement whose effect is usable only once committed.
  let sawCommitBeforeUse = false;
  const exec = async (given: Statement, wait: boolean) => {
    sawCommitBeforeUse ||= given.commitBeforeUse === true;
    const statement: Statement = apart && given.commitBeforeUse ? { ...given, transactional: false } : given;
    const admission = journal.admit(statement);
    // Already durable from an earlier run (the same statement, checked by hash).
    if (admission.kind === "skip") return;
    const { seq } = admission;
    if (admission.kind === "run" && batch && inTransaction && batchable(statement)) {
      batch.add(statement.sql, statement.sql);
      executed.push(statement.sql);
      journal.ranInTransaction(seq, statement);
      if (!wait) await flush();
      return;
    }
    await flush();
    currentSql = statement.sql;
    const reopen = statement.transactional === false && inTransaction;
    if (reopen) {
      // The database refuses this statement inside a transaction: commit what came before, with its journal rows.
      await runAll([...fenceSqls(), ...journal.beforeEarlyCommit(), "COMMIT"]);
      inTransaction = false;
      partlyCommitted = true;
    }
    if (admission.kind === "uncertain" && (await settleUncertain(statement, seq))) {
      // It had completed before the earlier run stopped.
    } else if (!dialect.transactionalDDL && transactional) {
      // Each statement in a transaction of its own with its journal rows (see runDurable).
      const ddl = journal.tableSql();
      // Creating the journal table commits (MySQL): do it before the statement's own transaction.
      if (ddl) {
        if (inTransaction) await conn.query("COMMIT");
        inTransaction = false;
        await conn.query(ddl);
      }
      if (!inTransaction) await begin();
      await runDurable(statement, seq, admission.kind === "uncertain");
    } else if (ddlOutside && !inTransaction && statement.transactional !== false && isDataStatement(statement.sql)) {
      // A data statement commits together with its journal row: applied once, whatever stops the run.
      const ddl = journal.tableSql();
      if (ddl) await conn.query(ddl);
      await begin();
      await conn.query(statement.sql, statement.params);
      journal.ranInTransaction(seq, statement);
      await runAll([...fenceSqls(), ...journal.beforeEarlyCommit(), "COMMIT"]);
      inTransaction = false;
      partlyCommitted = true;
    } else if (!inTransaction) {
      await runDurable(statement, seq, admission.kind === "uncertain");
    } else {
      await conn.query(statement.sql, statement.params);
      journal.ranInTransaction(seq, statement);
    }
    if (reopen) await begin();
    executed.push(statement.sql);
    currentSql = undefined;
  };

  const started = Date.now();
  // The version table's rows at the step's start.
  let current: string[] = knownHeads ?? [];
  try {
    await dialect.beforeStep?.(conn);
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
    const clearJournal = journal.clearSql();
    const fence = fenceSqls();
    const bookkeeping = [
      ...fence.map((sql) => ({ sql })),
      ...headChange.filter((change) => change.replaces === undefined),
      ...(clearJournal ? [{ sql: clearJournal }] : []),
      historyInsertStatement(dialect, tables, {
        revision: loaded.revision,
        direction: step.direction,
        checksum: loaded.checksum,
        // Sent with the DDL, the step's duration can only be measured where it runs.
        durationMs: batch ? { sql: target.group && dialect.stepClock ? dialect.stepClock.elapsedMsSql : dialect.elapsedMsSql! } : durationMs,
        kilnVersion: KILN_VERSION,
        source: loaded.source,
      }),
    ].map((s) => s.sql);
    const closing = [...counted.map((change) => change.sql), ...bookkeeping].join("; ");
    // A lease fence the dialect cannot guard in SQL: sent alone, its row count checked.
    const countedFence = target.fence && fence.length === 0 ? target.fence : undefined;
    if (counted.length > 0 || countedFence) {
      await flush();
      currentSql = closing;
      if (countedFence && (await conn.query(countedFence.sql)).rowCount !== 1) throw new KilnError(countedFence.lost);
      for (const change of counted) {
        if ((await conn.query(change.sql)).rowCount !== 1) throw new KilnError(headMovedMessage(change.replaces!));
      }
    }
    if (batch && group && !batch.sentAny) {
      // The whole step waits (BEGIN ... COMMIT) to go with the next ones; the group reports it once it committed.
      group.defer(step, info, [...batch.take(), ...bookkeeping, "COMMIT"], Date.now() - started);
      inTransaction = false;
      target.journal = { tableExists: journal.tableExists };
      return { kind: "done", heads: after };
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
    target.journal = { tableExists: journal.tableExists };
    reporter.stepFinished(info, batch ? Date.now() - started : durationMs);
    return { kind: "done", heads: after };
  } catch (caught) {
    // Steps sent together before this one failed: nothing of this one was sent (runOnline goes on one step at a time).
    if (caught instanceof GroupFallback) throw caught;
    let error = caught;
    if (caught instanceof BatchFailure) {
      error = caught.error;
      currentSql = caught.reportAs;
    }
    // Nothing of a batched step sent: no transaction is open (steps waiting to be sent together must not be disturbed).
    if (inTransaction && !(batch && !batch.sentAny)) await conn.query("ROLLBACK").catch(() => undefined);
    journal.rolledBack();
    if (guardTripped) return { kind: "headsChanged" };
    if (!apart && sawCommitBeforeUse && !partlyCommitted && transactional && dialect.transactionalDDL && dialect.isUseBeforeCommit?.(error)) {
      return { kind: "useBeforeCommit" };
    }
    const notes = running ? await forgetFailed(running) : [];
    const failure = stepFailure(target, step, error, currentSql, journal, notes, current);
    // Only a step that left nothing behind can be tried again (without transactional DDL: none of its statements ran).
    const nothingApplied = transactional && !partlyCommitted && !journal.partial() && (dialect.transactionalDDL || executed.length === 0);
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
  journal: StepJournal,
  notes: string[],
  heads: string[],
): KilnError {
  const what = `${step.direction === "up" ? "upgrade" : "downgrade"} of revision ${step.revision.revision} (${step.revision.file})`;
  const details: string[] = [...databaseErrorLines(error)];
  if (failedSql) details.push(`failing statement: ${describeStatement(failedSql)}`);
  details.push(...notes);
  const partial = journal.partial();
  if (!partial) {
    details.push("the step was rolled back; the database and the version table are as they were before it");
  } else {
    const why = target.dialect.transactionalDDL
      ? "run outside a transaction, or committed before a statement that cannot run inside one"
      : `${target.dialect.name} commits each DDL statement at once`;
    const earlier = journal.doneEarlier;
    details.push(
      `${partial.done.length} statement(s) of this step stay applied (${why})` +
        (earlier > 0 ? `, ${earlier} of them by an earlier run` : "") +
        `; the rest of the step did not take effect, and the version table still names ${heads.join(", ") || "base"}. kiln's journal records this:`,
    );
    for (const row of partial.done) details.push(`  stays applied: ${row.statement}`);
    if (partial.running) details.push(`  may or may not have taken effect: ${partial.running.statement}`);
    details.push(...partialAdvice(partial, stepTargets(target.graph, heads, partial)));
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
          // A script cannot run a step again: what is usable only once committed is committed first.
          if ((statement.transactional === false || statement.commitBeforeUse) && inTransaction) {
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
