/**
 * `kiln lint [REV|START:END] [--pending]`: warns about operations that lock or
 * rewrite a table for long, break running code, or fail on existing rows. Reads
 * only the revision files, unless --pending asks the database what is applied.
 */
import { isAbsolute, relative } from "node:path";
import type { DialectName } from "../dialects/types.js";
import { UsageError } from "../errors.js";
import { countLint } from "../lint/format.js";
import type { LintWarning, SilencedWarning } from "../lint/index.js";
import { lintRevision, type RevisionLintResult } from "../lint/revision.js";
import type { Operation } from "../operations/types.js";
import type { LoadedRevision } from "../revisions/load.js";
import { appliedRevisions, parseRange, resolveRevision } from "../revisions/resolve.js";
import { dialectOf, openSession } from "../runtime/session.js";
import { type CommonOptions, loadProject, type Project } from "./context.js";

export interface LintOptions extends CommonOptions {
  /** One revision (id, prefix, head, label) or an inclusive START:END range (either side optional). Default: every revision. */
  target?: string;
  /** Connect and lint only the revisions the database has not applied yet. */
  pending?: boolean;
  /** Lint for this database; default: the one the config's URL names (PostgreSQL when there is no URL). */
  dialect?: DialectName;
}

export interface LintResult {
  dialect: DialectName;
  /** Linted revisions in history order (parents first). */
  revisions: RevisionLintResult[];
  warnings: LintWarning[];
  silenced: SilencedWarning[];
  /** No warnings and every revision could be linted (or was skipped for op.query). */
  clean: boolean;
}

const DIALECTS: readonly DialectName[] = ["postgresql", "mysql", "sqlite"];

async function lintDialect(project: Project, options: LintOptions): Promise<DialectName> {
  if (options.dialect !== undefined) {
    if (!DIALECTS.includes(options.dialect)) {
      throw new UsageError(`unknown dialect ${JSON.stringify(options.dialect)}: use one of ${DIALECTS.join(", ")}`);
    }
    return options.dialect;
  }
  if (!project.config.url) return "postgresql";
  return (await dialectOf(project.config)).name;
}

/** The revisions the target names, in history order. */
function selectRevisions(project: Project, target: string | undefined): LoadedRevision[] {
  const { graph } = project;
  const all = graph.revisions;
  if (target === undefined || target.trim() === "") return [...all];
  if (!target.includes(":")) {
    const id = resolveRevision(graph, target);
    return all.filter((r) => r.revision === id);
  }
  const range = parseRange(target);
  const start = range.start && range.start !== "base" ? resolveRevision(graph, range.start) : undefined;
  const end = range.end && range.end !== "heads" ? resolveRevision(graph, range.end) : undefined;
  return all.filter((r) => {
    const id = r.revision;
    const fromStart = !start || id === start || graph.descendants(start).has(id);
    const upToEnd = !end || id === end || graph.ancestors(end).has(id);
    return fromStart && upToEnd;
  });
}

async function pendingOnly(project: Project, revisions: LoadedRevision[]): Promise<LoadedRevision[]> {
  const session = await openSession(project.config, { write: false, reporter: project.reporter });
  try {
    const applied = appliedRevisions(project.graph, await session.heads());
    return revisions.filter((r) => !applied.has(r.revision));
  } finally {
    await session.close();
  }
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

export async function lint(options: LintOptions = {}): Promise<LintResult> {
  const project = await loadProject(options);
  const dialect = await lintDialect(project, options);
  let selected = selectRevisions(project, options.target);
  if (options.pending) selected = await pendingOnly(project, selected);
  const cwd = options.cwd ?? process.cwd();

  // Operations per revision, collected once: a revision's ancestors give context to it.
  const operations = new Map<string, Operation[]>();
  const lintOne = async (revision: LoadedRevision, before?: Operation[]) => {
    const { result, operations: ops } = await lintRevision(revision, {
      dialect,
      displayFile: displayPath(revision.file, cwd),
      ...(before ? { before } : {}),
    });
    operations.set(revision.revision, ops);
    return result;
  };
  const ancestorOperations = async (revision: LoadedRevision): Promise<Operation[]> => {
    const ancestors = project.graph.ancestors(revision.revision);
    const ops: Operation[] = [];
    for (const node of project.graph.revisions) {
      if (!ancestors.has(node.revision)) continue;
      if (!operations.has(node.revision)) await lintOne(node);
      ops.push(...operations.get(node.revision)!);
    }
    return ops;
  };

  const results: RevisionLintResult[] = [];
  for (const revision of selected) {
    let result = await lintOne(revision);
    // Only SET NOT NULL depends on earlier revisions (a check validated there makes it safe):
    // read the ancestors only when it matters.
    if ([...result.warnings, ...result.silenced].some((w) => w.rule === "set-not-null")) {
      result = await lintOne(revision, await ancestorOperations(revision));
    }
    results.push(result);
  }

  const counts = countLint({ dialect, revisions: results });
  return {
    dialect,
    revisions: results,
    warnings: results.flatMap((r) => r.warnings),
    silenced: results.flatMap((r) => r.silenced),
    clean: counts.warnings === 0 && counts.failed === 0,
  };
}
