/** Lints one revision file: load it, collect its upgrade operations, run the rules. */
import type { DialectName } from "../dialects/types.js";
import type { Operation } from "../operations/types.js";
import type { LoadedRevision } from "../revisions/load.js";
import type { Migration } from "../revisions/types.js";
import { collectOperations } from "./collect.js";
import { analyzeOperations } from "./index.js";
import { readRevisionIgnore } from "./silence.js";
import type { LintWarning, RevisionIgnore, SilencedWarning } from "./types.js";

export interface RevisionLintResult {
  revision: string;
  message: string;
  /** The file as shown in messages (relative to the working directory when inside it). */
  file: string;
  /**
   * linted: the rules ran; skipped: the revision calls op.query (it needs a database
   * to know what it does); failed: its upgrade threw without a database.
   */
  status: "linted" | "skipped" | "failed";
  /** Why it was skipped or failed. */
  reason?: string;
  warnings: LintWarning[];
  silenced: SilencedWarning[];
}

export interface LintRevisionOptions {
  dialect: DialectName;
  /** How to show the file in messages. Default: its absolute path. */
  displayFile?: string;
  /** Upgrade operations of the revisions applied before this one, in order (see LintContext.before). */
  before?: readonly Operation[];
}

/** Lints a revision; also returns its operations (an empty list unless linted) for later revisions' context. */
export async function lintRevision(
  revision: LoadedRevision,
  options: LintRevisionOptions,
): Promise<{ result: RevisionLintResult; operations: Operation[] }> {
  const file = options.displayFile ?? revision.file;
  const base = { revision: revision.revision, message: revision.message, file, warnings: [], silenced: [] };
  const failed = (reason: string) => ({ result: { ...base, status: "failed" as const, reason }, operations: [] });

  const source = revision.source;
  let migration;
  try {
    migration = await revision.load();
  } catch (error) {
    return failed(`cannot load the revision: ${error instanceof Error ? error.message : String(error)}`);
  }
  const collected = await collectOperations(migration, { dialect: options.dialect, file: revision.file, source });
  if (collected.status === "failed") {
    const message = collected.error instanceof Error ? collected.error.message : String(collected.error);
    return failed(`its upgrade threw when run without a database: ${message}`);
  }
  if (collected.status === "uses-query") {
    return { result: { ...base, status: "skipped", reason: "uses op.query" }, operations: collected.operations };
  }

  return { result: analyzeRevision(revision, migration, collected.operations, collected.lineOf, { ...options, displayFile: file }), operations: collected.operations };
}

/** Runs the rules on a revision's operations (collected here, or as `upgrade` applied them). */
export function analyzeRevision(
  revision: LoadedRevision,
  migration: Migration,
  operations: readonly Operation[],
  lineOf: (index: number) => number | undefined,
  options: LintRevisionOptions,
): RevisionLintResult {
  const file = options.displayFile ?? revision.file;
  const base = { revision: revision.revision, message: revision.message, file };
  const ignore = readRevisionIgnore((migration as { lint?: unknown }).lint);
  const outcome = analyzeOperations(operations, {
    dialect: options.dialect,
    revision: revision.revision,
    file,
    lines: lineOf,
    source: revision.source,
    transactional: revision.transactional,
    ...(options.before ? { before: options.before } : {}),
    ...(typeof ignore === "object" ? { ignore } : {}),
  });
  if (typeof ignore === "string") {
    outcome.warnings.unshift(invalidLintField(revision.revision, file, ignore));
  }
  return { ...base, status: "linted", ...outcome };
}

function invalidLintField(revision: string, file: string, problem: string): LintWarning {
  const ignore: RevisionIgnore = { rules: ["rule-id"], reason: "why it is safe" };
  return {
    rule: "ignore-invalid",
    revision,
    file,
    problem,
    safeForm: `lint: ${JSON.stringify({ ignore: ignore.rules, reason: ignore.reason })}`,
    message: `revision ${revision} (${file}): ${problem}`,
  };
}
