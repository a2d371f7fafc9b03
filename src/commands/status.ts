/** Read-only commands: `current`, `history`, `heads`, `branches`, `show`. */
import { KilnError } from "../errors.js";
import { parseRange, resolveRevision, versionRowsProblem } from "../revisions/resolve.js";
import type { RevisionNode } from "../revisions/types.js";
import { describePartial, type PartialStep, partialAdvice, stepTargets } from "../runtime/journal.js";
import { openSession } from "../runtime/session.js";
import { type CommonOptions, loadProject, type Project } from "./context.js";

export interface RevisionSummary {
  revision: string;
  message: string;
  downRevisions: string[];
  branchLabels: string[];
  dependsOn: string[];
  file: string;
  isHead: boolean;
  isBranchPoint: boolean;
  isMergePoint: boolean;
  isCurrent?: boolean;
}

function summary(project: Project, node: RevisionNode, current?: Set<string>): RevisionSummary {
  const children = project.graph.children(node.revision).map((c) => c.revision);
  return {
    revision: node.revision,
    message: node.message,
    downRevisions: node.downRevisions,
    branchLabels: node.branchLabels,
    dependsOn: node.dependsOn,
    file: node.file,
    isHead: project.graph.isHead(node.revision),
    isBranchPoint: children.length > 1,
    isMergePoint: node.downRevisions.length > 1,
    ...(current ? { isCurrent: current.has(node.revision) } : {}),
  };
}

export interface CurrentOptions extends CommonOptions {
  /** Fail (exit 1) unless the database is at every head. */
  checkHeads?: boolean;
}

export interface CurrentResult {
  /** The database's heads; each known one with its summary. */
  current: { revision: string; known?: RevisionSummary }[];
  upToDate: boolean;
  /** The database asked (password masked). */
  database: string;
  /** A step an earlier run left partly applied (kiln's journal), with what to do about it. */
  partial?: PartialStep & { message: string; advice: string[] };
}

export async function current(options: CurrentOptions = {}): Promise<CurrentResult> {
  const project = await loadProject(options);
  const session = await openSession(project.config, { write: false, reporter: project.reporter });
  try {
    const heads = await session.heads();
    const rowsProblem = versionRowsProblem(project.graph, heads);
    if (rowsProblem) project.reporter.warn(rowsProblem);
    const { partial } = await session.journal();
    const result: CurrentResult = {
      current: heads.map((revision) => {
        return project.graph.has(revision) ? { revision, known: summary(project, project.graph.get(revision)) } : { revision };
      }),
      upToDate: sameSet(heads, headIds(project)) && !partial,
      database: project.config.url?.display ?? "",
      ...(partial
        ? { partial: { ...partial, message: describePartial(partial), advice: partialAdvice(partial, stepTargets(project.graph, heads, partial)) } }
        : {}),
    };
    if (options.checkHeads && result.partial) throw new KilnError(result.partial.message, { details: result.partial.advice });
    if (options.checkHeads && !result.upToDate) {
      throw new KilnError(
        `the database is not up to date: it is at ${heads.join(", ") || "base"}, the heads are ${headIds(project).join(", ") || "none"}`,
        { details: [`database: ${result.database}`, "run `kiln upgrade head` (or `kiln upgrade heads`)"] },
      );
    }
    return result;
  } finally {
    await session.close();
  }
}

function headIds(project: Project): string[] {
  return project.graph.heads().map((h) => h.revision);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export interface HistoryOptions extends CommonOptions {
  /** START:END, either side optional. */
  range?: string;
  /** Mark the revisions the database is at (connects to the database). */
  indicateCurrent?: boolean;
}

/** Revisions newest first (children before parents). */
export async function history(options: HistoryOptions = {}): Promise<RevisionSummary[]> {
  const project = await loadProject(options);
  const { graph } = project;
  let order = graph.revisions.slice().reverse();
  if (options.range) {
    const range = parseRange(options.range);
    const end = range.end && range.end !== "heads" ? resolveRevision(graph, range.end) : undefined;
    const start = range.start && range.start !== "base" ? resolveRevision(graph, range.start) : undefined;
    const keep = new Set<string>();
    for (const node of order) {
      const id = node.revision;
      const upToEnd = !end || id === end || graph.ancestors(end).has(id);
      const fromStart = !start || id === start || graph.descendants(start).has(id);
      if (upToEnd && fromStart) keep.add(id);
    }
    order = order.filter((n) => keep.has(n.revision));
  }
  let currentSet: Set<string> | undefined;
  if (options.indicateCurrent) {
    const session = await openSession(project.config, { write: false, reporter: project.reporter });
    try {
      currentSet = new Set(await session.heads());
    } finally {
      await session.close();
    }
  }
  return order.map((node) => summary(project, node, currentSet));
}

export async function heads(options: CommonOptions = {}): Promise<RevisionSummary[]> {
  const project = await loadProject(options);
  return project.graph.heads().map((node) => summary(project, node));
}

export async function branches(options: CommonOptions = {}): Promise<(RevisionSummary & { children: string[] })[]> {
  const project = await loadProject(options);
  return project.graph
    .branchPoints()
    .map((n) => ({ ...summary(project, n), children: project.graph.children(n.revision).map((c) => c.revision) }));
}

export async function show(options: CommonOptions & { revision: string }): Promise<RevisionSummary> {
  const project = await loadProject(options);
  const id = resolveRevision(project.graph, options.revision);
  return summary(project, project.graph.get(id));
}
