/**
 * Runs one piece of work on every target of a fleet: `parallel` targets at a
 * time, the first `canary` targets first (stopping there if any fails), and,
 * unless `continueOnError`, no new target started after the first failure.
 * Each target's outcome becomes one FleetRecord; the work itself is a kiln
 * command run on that target (fleet/commands.ts), so a target gets exactly
 * what `kiln upgrade` etc. would do to it alone, its migration lock included.
 */
import { KilnError } from "../errors.js";
import type { FleetTarget } from "./targets.js";

/**
 * What became of a target: "changed" (steps ran, or stamp wrote), "unchanged"
 * (already there, or a read-only command that succeeded), "failed", or
 * "not-run" (the run stopped before it, after a failure).
 */
export type FleetStatus = "changed" | "unchanged" | "failed" | "not-run";

export interface FleetStep {
  revision: string;
  message: string;
  direction: "up" | "down";
}

export interface FleetRecord {
  /** The target's name (database or schema). */
  name: string;
  /** The database's URL as kiln prints it (password as ***). */
  database: string;
  /** The schema of a schema-per-tenant target. */
  schema?: string;
  status: FleetStatus;
  /** Heads before the command (undefined when not known: unreachable, not run). */
  before?: string[];
  /** Heads after the command. */
  after?: string[];
  steps: FleetStep[];
  durationMs: number;
  error?: { message: string; details: string[] };
  /** `current --all`: the target is at the head(s) with no partly applied step. */
  upToDate?: boolean;
  /** `current --all`: an earlier run left a step partly applied (databases without transactional DDL). */
  partial?: boolean;
  /** `check --all`: the models match the target (undefined: not compared). */
  clean?: boolean;
  /** `check --all`: the differences found. */
  changes?: string[];
}

/** What a piece of work reports for one target; the runner adds name, database, status on failure and duration. */
export type FleetOutcome = Omit<FleetRecord, "name" | "database" | "schema" | "durationMs" | "error"> & { error?: FleetRecord["error"] };

export interface FleetRunOptions {
  /** Targets at a time (connections at a time): at least 1. */
  parallel: number;
  /** Run these first targets first, and stop if any of them fails. 0: no canary. */
  canary: number;
  /** Start every target even after failures (default: start no new target after the first one). */
  continueOnError: boolean;
  onStart?(target: FleetTarget): void;
  onFinish?(record: FleetRecord): void;
}

export interface FleetRun {
  records: FleetRecord[];
  /** Why targets were left unstarted, if any were. */
  stopped?: string;
  durationMs: number;
}

export async function runFleet(targets: FleetTarget[], options: FleetRunOptions, work: (target: FleetTarget) => Promise<FleetOutcome>): Promise<FleetRun> {
  const started = Date.now();
  const records: (FleetRecord | undefined)[] = targets.map(() => undefined);
  let stopped: string | undefined;

  const runOne = async (index: number): Promise<void> => {
    const target = targets[index]!;
    options.onStart?.(target);
    const t0 = Date.now();
    let record: FleetRecord;
    try {
      const outcome = await work(target);
      record = { ...identity(target), ...outcome, durationMs: Date.now() - t0 };
    } catch (error) {
      record = {
        ...identity(target),
        status: "failed",
        ...doneBeforeFailing(error),
        durationMs: Date.now() - t0,
        error: { message: error instanceof Error ? error.message : String(error), details: error instanceof KilnError ? [...error.details] : [] },
      };
    }
    records[index] = record;
    if (record.status === "failed" && !options.continueOnError && stopped === undefined) {
      stopped = `stopped after ${record.name} failed: no new target was started (--continue-on-error goes on)`;
    }
    options.onFinish?.(record);
  };

  const pool = async (from: number, to: number): Promise<void> => {
    let next = from;
    const worker = async () => {
      while (stopped === undefined && next < to) await runOne(next++);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, to - from)) }, worker));
  };

  const canary = Math.min(options.canary, targets.length);
  if (canary > 0) {
    await pool(0, canary);
    const failed = records.slice(0, canary).filter((r) => r?.status === "failed");
    if (failed.length > 0) {
      stopped = `the canary failed (${failed.map((r) => r!.name).join(", ")}): the other ${targets.length - canary} target(s) were not started`;
    }
  }
  if (stopped === undefined) await pool(canary, targets.length);

  return {
    records: records.map((r, i) => r ?? { ...identity(targets[i]!), status: "not-run", steps: [], durationMs: 0 }),
    ...(stopped !== undefined ? { stopped } : {}),
    durationMs: Date.now() - started,
  };
}

function identity(target: FleetTarget): Pick<FleetRecord, "name" | "database" | "schema"> {
  return { name: target.name, database: target.url.display, ...(target.schema !== undefined ? { schema: target.schema } : {}) };
}

/** What a failed command knew: the heads before it and the steps it finished (they stay applied), attached by fleet/commands.ts. */
const finishedSteps = new WeakMap<object, { before: string[]; steps: FleetStep[] }>();

export function withStepsDone(error: unknown, steps: FleetStep[], before: string[]): unknown {
  if (typeof error === "object" && error !== null) finishedSteps.set(error, { before, steps });
  return error;
}

function doneBeforeFailing(error: unknown): Pick<FleetRecord, "before" | "steps"> {
  const known = typeof error === "object" && error !== null ? finishedSteps.get(error) : undefined;
  return known ? { before: known.before, steps: known.steps } : { steps: [] };
}
