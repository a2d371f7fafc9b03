/**
 * The fleet forms of `upgrade`, `downgrade`, `current`, `check` and `stamp`
 * (`--all`): the project is loaded once, and each target runs the same command
 * function a single database runs (commands/migrate.ts, status.ts, check.ts,
 * stamp.ts) with that target's config. So each target takes its own migration
 * lock, and two fleet runs at once still apply each step once per target.
 */
import { checkProject } from "../commands/autogenerate.js";
import { type CommonOptions, loadProject, type Project } from "../commands/context.js";
import { downgrade, upgrade } from "../commands/migrate.js";
import { refuseLogicalMembers } from "../commands/logical.js";
import { stamp } from "../commands/stamp.js";
import { current } from "../commands/status.js";
import { dialectFor } from "../dialects/index.js";
import { KilnError, UsageError } from "../errors.js";
import { planDowngrade, planUpgrade } from "../revisions/resolve.js";
import type { Reporter, StepInfo } from "../runtime/reporter.js";
import { type FleetOutcome, type FleetRun, type FleetRunOptions, type FleetStep, runFleet, withStepsDone } from "./run.js";
import { type FleetTarget, resolveTargets, targetConfig } from "./targets.js";

export interface FleetOptions extends CommonOptions, Omit<FleetRunOptions, "onStart" | "onFinish"> {
  /** Told about each target as it starts and ends (progress). */
  onStart?: FleetRunOptions["onStart"];
  onFinish?: FleetRunOptions["onFinish"];
  /** Told the fleet's size once the targets are known, before any starts. */
  onTargets?(targets: FleetTarget[]): void;
  /** Makes the reporter one target's events go to (warnings, lock waits, steps). */
  targetReporter?(target: FleetTarget): Reporter;
}

export interface FleetResult extends FleetRun {
  /** The revision ids of the graph's heads, for the matrix of `current --all`. */
  heads: string[];
}

async function onFleet(options: FleetOptions, work: (project: Project, target: FleetTarget) => Promise<FleetOutcome>, check?: (targets: FleetTarget[], config: Project["config"]) => void): Promise<FleetResult> {
  if (!Number.isInteger(options.parallel) || options.parallel < 1) throw new UsageError(`--parallel takes a whole number of 1 or more, got ${options.parallel}`);
  if (!Number.isInteger(options.canary) || options.canary < 0) throw new UsageError(`--canary takes a whole number of 0 or more, got ${options.canary}`);
  const project = await loadProject(options);
  const targets = await resolveTargets(project.config);
  check?.(targets, project.config);
  options.onTargets?.(targets);
  const run = await runFleet(targets, options, (target) =>
    work({ ...project, config: targetConfig(project.config, target), reporter: options.targetReporter?.(target) ?? project.reporter }, target),
  );
  return { ...run, heads: project.graph.heads().map((h) => h.revision) };
}

/** A reporter passing events on to `inner` and keeping the steps that finished. */
function recording(inner: Reporter): { reporter: Reporter; steps: FleetStep[] } {
  const steps: FleetStep[] = [];
  const step = (s: StepInfo): FleetStep => ({ revision: s.revision, message: s.message, direction: s.direction });
  return {
    steps,
    reporter: {
      info: (m) => inner.info(m),
      warn: (m) => inner.warn(m),
      stepStarted: (s) => inner.stepStarted(s),
      stepFinished: (s, ms) => (steps.push(step(s)), inner.stepFinished(s, ms)),
      stepSkipped: (s, reason) => inner.stepSkipped(s, reason),
    },
  };
}

export interface FleetMigrateOptions extends FleetOptions {
  /** head, <rev>, +N, base, -N, ... as for `kiln upgrade` / `kiln downgrade`, read on each target. */
  target: string;
  allowChanged?: boolean;
  lint?: boolean;
  /** As for `kiln upgrade --wait-for-replicas` / `--replica-timeout`, on each target. */
  waitForReplicas?: string;
  replicaTimeout?: string;
}

/**
 * `upgrade --all` / `downgrade --all`. A target first gets one read (no lock):
 * one already at the goal, with no partly applied step, is done there; the
 * others run the command itself, which locks, reads again and applies.
 */
export function fleetMigrate(direction: "up" | "down", options: FleetMigrateOptions): Promise<FleetResult> {
  return onFleet(options, async (project, target) => {
    const probe = await withSchemaCheck(target, () => current({ project }));
    const before = probe.current.map((c) => c.revision);
    const plan = direction === "up" ? planUpgrade(project.graph, before, options.target) : planDowngrade(project.graph, before, options.target);
    if (plan.length === 0 && !probe.partial) return { status: "unchanged", before, after: before, steps: [] };
    const recorder = recording(project.reporter);
    const run = direction === "up" ? upgrade : downgrade;
    try {
      const result = await run({
        project: { ...project, reporter: recorder.reporter },
        target: options.target,
        allowChanged: options.allowChanged,
        lint: options.lint,
        waitForReplicas: options.waitForReplicas,
        replicaTimeout: options.replicaTimeout,
      });
      return { status: result.steps.length > 0 ? "changed" : "unchanged", before: result.before, after: result.heads, steps: recorder.steps };
    } catch (error) {
      throw withStepsDone(error, recorder.steps, before);
    }
  }, refuseLogicalMembers);
}

/** Runs `work`; when it fails on a schema target, a missing schema is the error to report. */
async function withSchemaCheck<T>(target: FleetTarget, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await requireSchema(target);
    throw error;
  }
}

/**
 * A schema target's schema must exist. kiln migrates tenants, it does
 * not create them, and without this the first write would report a missing
 * versionSchema, which reads as a config mistake.
 */
async function requireSchema(target: FleetTarget): Promise<void> {
  if (target.schema === undefined) return;
  const dialect = await dialectFor(target.url);
  if (!dialect.listSchemas) return;
  const conn = await dialect.connect(target.url);
  try {
    if ((await dialect.listSchemas(conn)).includes(target.schema)) return;
  } finally {
    await conn.close();
  }
  throw new KilnError(`the schema ${JSON.stringify(target.schema)} does not exist in ${target.url.display}: create the tenant's schema first (kiln migrates tenant schemas, it does not create them), or take it out of \`targets\``);
}

export interface FleetCurrentOptions extends FleetOptions {
  /** Count a target that is not at the head(s) as failed (exit 1). */
  checkHeads?: boolean;
}

/** `current --all`: each target's heads, read without a lock. */
export function fleetCurrent(options: FleetCurrentOptions): Promise<FleetResult> {
  return onFleet(options, async (project, target) => {
    const result = await withSchemaCheck(target, () => current({ project, checkHeads: options.checkHeads }));
    const heads = result.current.map((c) => c.revision);
    return { status: "unchanged", before: heads, after: heads, steps: [], upToDate: result.upToDate, ...(result.partial ? { partial: true } : {}) };
  });
}

/** `check --all`: the models against each target (each must be at head, as for `kiln check`). */
export function fleetCheck(options: FleetOptions): Promise<FleetResult> {
  return onFleet(
    options,
    async (project) => {
      const result = await checkProject(project);
      for (const warning of result.warnings) project.reporter.warn(warning);
      return { status: "unchanged", steps: [], clean: result.clean, changes: result.changes };
    },
    (targets) => {
      const schemas = targets.filter((t) => t.schema !== undefined);
      if (schemas.length > 0) {
        throw new UsageError(
          `kiln check --all compares the models with databases; ${schemas.length} target(s) are schemas (${schemas.slice(0, 3).map((t) => t.name).join(", ")}${schemas.length > 3 ? ", ..." : ""}), which check does not compare: \`kiln current --all --check-heads\` tells which schemas are behind (docs/fleets.md)`,
        );
      }
    },
  );
}

export interface FleetStampOptions extends FleetOptions {
  revisions: string[];
  purge?: boolean;
}

/** `stamp --all`: sets every target's version table, running nothing. */
export function fleetStamp(options: FleetStampOptions): Promise<FleetResult> {
  return onFleet(options, async (project, target) => {
    const result = await withSchemaCheck(target, () => stamp({ project, revisions: options.revisions, purge: options.purge }));
    const same = result.before.length === result.heads.length && result.before.every((h) => result.heads.includes(h));
    return { status: same ? "unchanged" : "changed", before: result.before, after: result.heads, steps: [] };
  });
}
