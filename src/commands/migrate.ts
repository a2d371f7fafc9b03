/** `kiln upgrade`, `kiln downgrade`: plan the steps, then run them online or print them (--sql). */
import { relative } from "node:path";
import type { DialectName } from "../dialects/types.js";
import { UsageError } from "../errors.js";
import { sqlLineComment } from "../neutralize.js";
import type { LoadedRevision } from "../revisions/load.js";
import { appliedRevisions, parseRange, planDowngrade, planUpgrade, resolveRevision, resolveRevisions, type Step } from "../revisions/resolve.js";
import { checkAppliedFiles } from "../runtime/applied-files.js";
import { checkPlanFinishes, stepTargets } from "../runtime/journal.js";
import { type OnlineTarget, preloadPlan, type RunJournal, runOffline, runOnline } from "../runtime/runner.js";
import { parseDuration, parseReplicaLag, ReplicaWait } from "../runtime/replica-wait.js";
import type { WatchStep } from "../runtime/step-watch.js";
import type { Reporter } from "../runtime/reporter.js";
import { bookkeepingTables, dialectOf, openSession, type Session, stepSettings } from "../runtime/session.js";
import type { ResolvedConfig } from "../config/load.js";
import { type CommonOptions, loadProject, type Project } from "./context.js";
import { targetName } from "../fleet/targets.js";

export interface MigrateOptions extends CommonOptions {
  target: string;
  /** Print the SQL script instead of running it. With --sql the target may be FROM:TO. */
  sql?: boolean;
  /** Lint the revisions about to be applied and print the warnings first (default true; never blocks). */
  lint?: boolean;
  /** Go on even when an applied revision's file was edited since (it is reported either way). */
  allowChanged?: boolean;
  /** Receives the --sql script line by line. Default: stdout. */
  write?: (line: string) => void;
  /**
   * After each step, wait until every streaming standby has replayed to within
   * this lag: bytes (0, "16MB") or a duration ("5s") (runtime/replica-wait.ts).
   * Default: the config's waitForReplicas; absent there, no wait.
   */
  waitForReplicas?: string;
  /** How long to wait for the replicas after a step: "10min", "30s" or ms. Default: the config's replicaTimeoutMs. */
  replicaTimeout?: string;
}

export interface MigrateResult {
  /** Steps applied (online) or written (offline). */
  steps: { revision: string; direction: "up" | "down"; message: string }[];
  /** Heads before the run (online; offline: the script's starting point). */
  before: string[];
  /** Heads after the run. */
  heads: string[];
  /** The database (password masked), so a message can say which one it was. */
  database: string;
}

export type Direction = "up" | "down";

export function plan(project: Project, direction: Direction, heads: string[], target: string): Step<LoadedRevision>[] {
  return direction === "up" ? planUpgrade(project.graph, heads, target) : planDowngrade(project.graph, heads, target);
}

/** True for `FROM:TO` (revision ids and labels never hold ":"). */
function isRange(target: string): boolean {
  return target.includes(":");
}

/** For --sql: "FROM:TO" gives the starting point; a plain target starts from base (upgrade). */
function offlineStart(project: Project, direction: Direction, target: string): { heads: string[]; target: string; range: boolean } {
  if (isRange(target)) {
    const range = parseRange(target);
    const from = range.start;
    const to = range.end;
    if (!to) throw new UsageError(`the range ${JSON.stringify(target)} needs an end, e.g. ${from ?? "base"}:head`);
    const heads = !from || from === "base" ? [] : [resolveRevision(project.graph, from)];
    return { heads, target: to, range: true };
  }
  if (direction === "down") {
    throw new UsageError(
      `offline downgrade needs a starting point: use FROM:TO, e.g. \`kiln downgrade head:base --sql\` or \`kiln downgrade <rev>:<rev> --sql\``,
    );
  }
  if (/^[+-]\d+$/.test(target)) {
    throw new UsageError(`relative targets (${target}) need the current revision, which --sql does not read; use FROM:TO`);
  }
  return { heads: [], target, range: false };
}

/** For `downgrade FROM:TO --sql`: TO must be applied when the database is at FROM. */
function rangeEndBelowStart(project: Project, start: { heads: string[]; target: string }): boolean {
  const applied = appliedRevisions(project.graph, start.heads);
  return resolveRevisions(project.graph, start.target).every((id) => applied.has(id));
}

/** A range whose end is not beyond its start (`upgrade head:REV`) would print an empty script: say which way it goes. */
function refuseEmptyRange(direction: Direction, target: string): never {
  const command = direction === "up" ? "upgrade" : "downgrade";
  const other = direction === "up" ? "downgrade" : "upgrade";
  throw new UsageError(
    `the range ${JSON.stringify(target)} has nothing to ${command}: its end is not ${direction === "up" ? "above" : "below"} its start. ` +
      `For the other direction use \`kiln ${other} ${target} --sql\`.`,
  );
}

/**
 * Warnings about operations that lock or rewrite a table for long, printed as
 * each step's revision function finishes (from what it applied: revision code
 * runs once). Advice only: the run goes on (`kiln lint` is the CI gate).
 */
async function lintWhileRunning(project: Project, dialect: DialectName, reporter: () => Reporter = () => project.reporter): Promise<WatchStep> {
  const { lintWhileRunning: watch } = await import("../lint/while-running.js");
  return watch({
    dialect,
    displayFile: (file) => relative(process.cwd(), file),
    warn: (warning) => reporter().warn(`${warning.message}; safe form: ${warning.safeForm}`),
  });
}

function summarize(steps: Step[]): MigrateResult["steps"] {
  return steps.map((s) => ({ revision: s.revision.revision, direction: s.direction, message: s.revision.message }));
}

async function migrate(direction: Direction, options: MigrateOptions): Promise<MigrateResult> {
  const project = await loadProject(options);
  const { config, graph, revisions, reporter } = project;
  const database = config.url?.display ?? "";
  if (options.sql) {
    const start = offlineStart(project, direction, options.target);
    if (start.range && direction === "down" && !rangeEndBelowStart(project, start)) refuseEmptyRange(direction, options.target);
    const steps = plan(project, direction, start.heads, start.target);
    if (start.range && steps.length === 0) refuseEmptyRange(direction, options.target);
    const dialect = await dialectOf(config);
    const write = options.write ?? ((line: string) => process.stdout.write(line + "\n"));
    const tables = bookkeepingTables(config);
    write(`-- ${sqlLineComment(`kiln ${direction === "up" ? "upgrade" : "downgrade"} ${options.target} (${dialect.name})`)}`);
    for (const sql of dialect.scriptPreamble ?? []) write(`${sql};`);
    if (direction === "up" && start.heads.length === 0) {
      for (const sql of dialect.bookkeepingDDL(tables)) write(`${sql};`);
    }
    const heads = await runOffline(
      {
        dialect,
        tables,
        graph,
        revisions,
        reporter,
        settings: stepSettings(config),
        name: targetName(config),
        write,
        ...(options.lint !== false ? { watchStep: await lintWhileRunning(project, dialect.name) } : {}),
      },
      steps,
      start.heads,
    );
    return { steps: summarize(steps), before: start.heads, heads, database };
  }

  if (isRange(options.target)) {
    const end = options.target.slice(options.target.indexOf(":") + 1).trim() || "head";
    throw new UsageError(
      `ranges (${options.target}) are for offline scripts: add --sql to print the SQL, or ${direction === "up" ? "upgrade" : "downgrade"} the database to a target, e.g. \`kiln ${direction === "up" ? "upgrade" : "downgrade"} ${end}\`.`,
    );
  }
  const lag = options.waitForReplicas ?? config.waitForReplicas;
  const replicaWait =
    lag === undefined
      ? undefined
      : { lag: parseReplicaLag(lag), timeoutMs: options.replicaTimeout !== undefined ? parseDuration(options.replicaTimeout, "--replica-timeout") : config.replicaTimeoutMs };
  const opened = await openOnline(project, config, options, direction);
  const { session, current } = opened;
  try {
    const steps = plan(project, direction, current, options.target);
    if (steps.length === 0) {
      if (opened.journal.partial) checkPlanFinishes(opened.journal.partial, steps, stepTargets(graph, current, opened.journal.partial));
      reporter.info(`nothing to do: the database ${database} is already at ${options.target} (${current.join(", ") || "base"})`);
      return { steps: [], before: current, heads: current, database };
    }
    const target = await opened.prepare(steps);
    if (replicaWait) {
      const wait = new ReplicaWait(session.dialect, session.conn, config.url!, reporter, replicaWait);
      target.stepHooks = { before: () => wait.beforeStep(), after: (step) => wait.afterStep(step.revision.revision) };
    }
    const heads = await runOnline(target, steps, current);
    return { steps: summarize(steps), before: current, heads, database };
  } finally {
    await session.close();
  }
}

/** A write session on one database, read and checked, ready to run a plan (shared with the logical-replication run). */
export interface OpenedTarget {
  session: Session;
  current: string[];
  journal: RunJournal;
  /** Loads every file of the plan (nothing written before), and returns the target to run it on. */
  prepare(steps: Step<LoadedRevision>[]): Promise<OnlineTarget>;
}

export async function openOnline(project: Project, config: ResolvedConfig, options: MigrateOptions, direction: Direction): Promise<OpenedTarget> {
  const { graph, revisions, reporter } = project;
  const session = await openSession(config, { write: true, reporter, command: direction === "up" ? "upgrade" : "downgrade" });
  try {
    const current = await session.heads();
    const applied = await session.appliedFiles();
    const journal = await session.journal();
    checkAppliedFiles(graph, current, applied, {
      folder: config.migrationsDir,
      allowChanged: options.allowChanged ?? false,
      warn: (message) => reporter.warn(message),
    });
    return {
      session,
      current,
      journal,
      async prepare(steps) {
        if (!session.dialect.transactionalDDL) {
          reporter.warn(
            `${session.dialect.name} cannot roll back schema changes: if a revision fails or is stopped halfway, its earlier statements stay applied. kiln records each in its journal, lists them, keeps the version table at the last completed revision, and continues after them on the next run (docs/migrations-guide.md, "Recovering from a failed revision on MySQL")`,
          );
        }
        const target: OnlineTarget = {
          dialect: session.dialect,
          conn: session.conn,
          tables: session.tables,
          graph,
          revisions,
          reporter,
          settings: session.settings,
          journal,
          name: targetName(config),
          ...(session.strategies ? { transactions: session.strategies.transactions, sessionState: session.strategies.sessionState } : {}),
          ...(session.fence ? { fence: session.fence } : {}),
        };
        // Every file of the plan must load before anything is written.
        await preloadPlan(target, steps);
        // Through the run's reporter, which holds messages back while steps wait to be sent together (runtime/step-group.ts).
        if (options.lint !== false) target.watchStep = await lintWhileRunning(project, session.dialect.name, () => target.reporter);
        // kiln's tables are created with the first step, and vanish with it if it fails.
        if (session.dialect.transactionalDDL && target.transactions !== "ddl-outside") target.pendingBookkeeping = session.dialect.bookkeepingDDL(session.tables);
        else await session.ensureBookkeeping();
        return target;
      },
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

export function upgrade(options: MigrateOptions): Promise<MigrateResult> {
  return migrate("up", options);
}

export function downgrade(options: MigrateOptions): Promise<MigrateResult> {
  return migrate("down", options);
}
