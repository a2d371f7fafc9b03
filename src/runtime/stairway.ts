/**
 * The stairway check: walk the history one revision at a time and prove that
 * each downgrade undoes its upgrade exactly, and that the upgrade can run again
 * after it. For each revision R, in topological order:
 *
 *   snapshot (before) -> upgrade R -> snapshot (after up)
 *   -> downgrade R -> snapshot: must equal "before"
 *   -> upgrade R again -> snapshot: must equal "after up"
 *
 * It runs on a database it may freely change (the caller provides a scratch one)
 * and stops at the first revision that breaks the rule.
 */
import { compareCatalogs } from "../autogenerate/compare.js";
import { normalizeCatalog } from "../autogenerate/normalize.js";
import { summarizeOperations } from "../autogenerate/summary.js";
import type { Catalog, Table } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import type { LoadedRevision } from "../revisions/load.js";
import { planUpgrade, type Step } from "../revisions/resolve.js";
import type { Reporter } from "./reporter.js";
import { type OnlineTarget, runOnline } from "./runner.js";

/** The three timed steps of one revision, in milliseconds. */
export interface StairwayPass {
  revision: string;
  message: string;
  file: string;
  upgradeMs: number;
  downgradeMs: number;
  reupgradeMs: number;
}

/**
 * Why the walk stopped at a revision:
 * - `noDowngrade`: the file has no downgrade function;
 * - `stepFailed`: the upgrade, the downgrade or the second upgrade threw;
 * - `schemaDiffers`: the downgrade did not restore the schema from before the
 *   upgrade, or the second upgrade gave another schema than the first.
 */
export interface StairwayFailure {
  revision: string;
  message: string;
  file: string;
  kind: "noDowngrade" | "stepFailed" | "schemaDiffers";
  stage: "upgrade" | "downgrade" | "second upgrade";
  /** One complete sentence naming the revision and its file. */
  summary: string;
  /** The differences (`+ table x`, `- column t.c`, ...) or the failing statement and hints. */
  details: string[];
}

export interface StairwayOutcome {
  passed: StairwayPass[];
  failure?: StairwayFailure;
  /** The version table's rows when the walk ended. */
  heads: string[];
}

export interface StairwayInput {
  /** Where and how steps run; its reporter receives warnings only (the walk reports progress through onPass). */
  target: OnlineTarget;
  /** Reads the scratch database's schema. */
  snapshot(): Promise<Catalog>;
  /** The version table's rows at the start (normally none). */
  startHeads: string[];
  /** Called as soon as a revision passed, so long walks show progress. */
  onPass?(pass: StairwayPass): void;
}

/** A reporter that passes messages and warnings on but keeps the runner's per-step lines out of the stairway's output. */
export function quietSteps(reporter: Reporter): Reporter {
  return { info: (m) => reporter.info(m), warn: (m) => reporter.warn(m), stepStarted() {}, stepFinished() {}, stepSkipped() {} };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

/** A timed step, or the outcome that ends the walk. */
type StepRun = { ms: number; error?: undefined } | { ms?: undefined; error: StairwayOutcome };

function errorDetails(error: unknown): { message: string; details: string[] } {
  if (error instanceof KilnError) return { message: error.message, details: error.details };
  return { message: error instanceof Error ? error.message : String(error), details: [] };
}

export async function walkStairway(input: StairwayInput): Promise<StairwayOutcome> {
  const target: OnlineTarget = { ...input.target, reporter: quietSteps(input.target.reporter) };
  const { graph, revisions } = target;
  const passed: StairwayPass[] = [];
  let heads = input.startHeads;
  let previous: Catalog | undefined;

  for (const node of graph.revisions) {
    const loaded = revisions.get(node.revision);
    if (!loaded) throw new KilnError(`revision ${node.revision} is in the graph but was not loaded`);
    const fail = (kind: StairwayFailure["kind"], stage: StairwayFailure["stage"], summary: string, details: string[]): StairwayOutcome => ({
      passed,
      heads,
      failure: { revision: loaded.revision, message: loaded.message, file: loaded.file, kind, stage, summary, details },
    });
    const runStep = async (stage: StairwayFailure["stage"], steps: Step<LoadedRevision>[]): Promise<StepRun> => {
      try {
        const { value, ms } = await timed(() => runOnline(target, steps, heads));
        heads = value;
        return { ms };
      } catch (error) {
        const { message, details } = errorDetails(error);
        return { error: fail("stepFailed", stage, `${stage} of revision ${loaded.revision} (${loaded.file}) failed: ${message}`, details) };
      }
    };

    const migration = await loaded.load();
    if (typeof migration.downgrade !== "function") {
      return fail("noDowngrade", "downgrade", `revision ${loaded.revision} (${loaded.file}) has no downgrade function, so it cannot be undone`, [
        "add `async downgrade(op) { ... }` that reverses its upgrade",
      ]);
    }

    // Nothing ran since the previous revision's last snapshot.
    const before = previous ?? (await input.snapshot());
    // Every earlier revision (all branches) is applied, so this is exactly this revision.
    const upSteps = planUpgrade(graph, heads, loaded.revision);
    const up = await runStep("upgrade", upSteps);
    if (up.error) return up.error;
    const afterUp = await input.snapshot();

    // Undo just this revision: it is a head now (nothing above it is applied yet);
    // planDowngrade to its parent would also undo sibling branches applied before it.
    const down = await runStep("downgrade", [{ revision: loaded, direction: "down" }]);
    if (down.error) return down.error;
    const afterDown = await input.snapshot();
    const leftovers = schemaDifferences(before, afterDown);
    if (leftovers.length > 0) {
      return fail(
        "schemaDiffers",
        "downgrade",
        `downgrade of revision ${loaded.revision} (${loaded.file}) does not restore the schema from before its upgrade`,
        [
          `downgrade of ${loaded.revision} leaves:`,
          ...leftovers.map((line) => `  ${line}`),
          "make its downgrade undo every change its upgrade makes (+ is left behind, - is missing, ~ is changed)",
        ],
      );
    }

    const again = await runStep("second upgrade", upSteps);
    if (again.error) return again.error;
    const afterAgain = await input.snapshot();
    const drift = schemaDifferences(afterUp, afterAgain);
    if (drift.length > 0) {
      return fail(
        "schemaDiffers",
        "second upgrade",
        `upgrading revision ${loaded.revision} (${loaded.file}) a second time, after its downgrade, gives another schema than the first time`,
        [
          `second upgrade of ${loaded.revision}, compared with the first:`,
          ...drift.map((line) => `  ${line}`),
          "the upgrade depends on something the downgrade leaves behind that the schema does not show (a sequence, a type, data); make the downgrade undo all of it",
        ],
      );
    }

    const pass: StairwayPass = {
      revision: loaded.revision,
      message: loaded.message,
      file: loaded.file,
      upgradeMs: up.ms,
      downgradeMs: down.ms,
      reupgradeMs: again.ms,
    };
    previous = afterAgain;
    passed.push(pass);
    input.onPass?.(pass);
  }
  return { passed, heads };
}

/**
 * What `actual` has that `expected` has not, as readable lines: `+` something
 * extra in `actual`, `-` something missing from it, `~` something changed.
 * Empty when the schemas are equal. Column order is not compared: a column
 * dropped and added back lands at the end of its table, which is the same schema
 * for every purpose kiln cares about.
 */
export function schemaDifferences(expected: Catalog, actual: Catalog): string[] {
  // compare(model, database) lists the operations that turn the database into the model.
  const lines = summarizeOperations(compareCatalogs(actual, expected).operations);
  if (lines.length > 0) return lines;
  // compare() matches some things by definition rather than by name (and leaves
  // unnamed objects alone); a structural comparison catches what it lets through.
  return structuralDifferences(comparable(expected), comparable(actual));
}

function comparable(catalog: Catalog): Catalog {
  const normal = normalizeCatalog(catalog);
  return {
    ...normal,
    tables: normal.tables.map((table) => ({ ...table, columns: [...table.columns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) })),
  };
}

const TABLE_PARTS = ["columns", "primaryKey", "uniques", "foreignKeys", "checks", "indexes", "comment"] as const;

function shortJson(value: unknown): string {
  const text = value === undefined ? "none" : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function structuralDifferences(expected: Catalog, actual: Catalog): string[] {
  const lines: string[] = [];
  for (const schema of actual.schemas) if (!expected.schemas.includes(schema)) lines.push(`+ schema ${schema}`);
  for (const schema of expected.schemas) if (!actual.schemas.includes(schema)) lines.push(`- schema ${schema}`);

  const expectedEnums = new Map(expected.enums.map((e) => [qualifiedName(e), e]));
  const actualEnums = new Map(actual.enums.map((e) => [qualifiedName(e), e]));
  for (const [name, e] of actualEnums) {
    const was = expectedEnums.get(name);
    if (!was) lines.push(`+ enum ${name} (${e.values.join(", ")})`);
    else if (JSON.stringify(was.values) !== JSON.stringify(e.values)) lines.push(`~ enum ${name}: (${was.values.join(", ")}) -> (${e.values.join(", ")})`);
  }
  for (const name of expectedEnums.keys()) if (!actualEnums.has(name)) lines.push(`- enum ${name}`);

  const expectedTables = new Map(expected.tables.map((t) => [qualifiedName(t), t]));
  const actualTables = new Map(actual.tables.map((t) => [qualifiedName(t), t]));
  for (const [name, table] of actualTables) {
    const was = expectedTables.get(name);
    if (!was) {
      lines.push(`+ table ${name}`);
      continue;
    }
    for (const part of TABLE_PARTS) {
      const before = (was as Table)[part];
      const after = table[part];
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        lines.push(`~ table ${name}: ${part} ${shortJson(before)} -> ${shortJson(after)}`);
      }
    }
  }
  for (const name of expectedTables.keys()) if (!actualTables.has(name)) lines.push(`- table ${name}`);
  return lines;
}
