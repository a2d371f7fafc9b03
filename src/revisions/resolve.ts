/**
 * Target resolution and planning over a revision graph. Pure: nothing here reads
 * files or talks to a database; the database's state is the list of its current
 * heads (the rows of the version table), possibly empty.
 *
 * Target forms: `head`, `heads`, `base`, a full id, a unique id prefix, a branch
 * label, `LABEL@head`, `LABEL@base`, `LABEL@REV`, `+N` / `-N` (relative to the
 * database), `LABEL@+N` / `LABEL@-N`, `REV+N` / `REV-N` (REV may also be `head`,
 * `base` or a label).
 */
import { KilnError, UsageError } from "../errors.js";
import type { RevisionGraph } from "./graph.js";
import type { RevisionNode } from "./types.js";

export interface Step<N extends RevisionNode = RevisionNode> {
  revision: N;
  direction: "up" | "down";
}

export interface ResolveOptions {
  /** The database's current heads; needed only for `+N`, `-N`, `LABEL@+N`, `LABEL@-N`. */
  currentHeads?: readonly string[];
}

/**
 * What a target names:
 * - `revision`: one revision; `above` is set when a downward walk (`-N`) reached it
 *   from that revision, so a downgrade removes only what the walk passed over
 *   (and what descends from it), not the landing revision's other branches;
 * - `heads`: every head of the graph;
 * - `base`: nothing applied;
 * - `below`: nothing of the chain that starts at `root` (a walk went past a base).
 */
export type ResolvedTarget =
  | { kind: "revision"; id: string; above?: string }
  | { kind: "heads"; ids: string[] }
  | { kind: "base" }
  | { kind: "below"; root: string };

/** The one revision a target names (`show`, `merge`, range ends). */
export function resolveRevision(graph: RevisionGraph, spec: string, options: ResolveOptions = {}): string {
  const target = resolveTarget(graph, spec, options);
  switch (target.kind) {
    case "revision":
      return target.id;
    case "heads":
      if (target.ids.length === 1) return target.ids[0]!;
      throw target.ids.length === 0 ? noRevisionsError() : severalHeadsError(graph, spec);
    case "base": {
      const bases = graph.bases();
      if (bases.length === 1) return bases[0]!.revision;
      if (bases.length === 0) throw noRevisionsError();
      throw new KilnError(`"${spec}" is ambiguous: the history has ${bases.length} bases.`, {
        details: bases.map(describeLine),
      });
    }
    case "below":
      throw new UsageError(
        `"${spec}" goes below the base revision ${describe(graph.get(target.root))}: there is no revision there.`,
      );
  }
}

/**
 * The heads a target names, as a version table would hold them: `heads` gives
 * every head, `base` (and a walk past a base) gives none. For `stamp` and for
 * the start of an offline range.
 */
export function resolveRevisions(graph: RevisionGraph, spec: string, options: ResolveOptions = {}): string[] {
  const target = resolveTarget(graph, spec, options);
  switch (target.kind) {
    case "revision":
      return [target.id];
    case "heads":
      return target.ids;
    case "base":
    case "below":
      return [];
  }
}

/** Every revision applied when the version table holds `heads`; checks each head exists. */
export function appliedRevisions(graph: RevisionGraph, heads: readonly string[]): Set<string> {
  const applied = new Set<string>();
  for (const head of heads) {
    if (!graph.has(head)) {
      throw new KilnError(
        `the database's version table lists revision "${head}", which is not in the migrations folder. ` +
          "Restore its file, or, if it was removed on purpose, fix the version table with `kiln stamp`.",
      );
    }
    applied.add(head);
    for (const id of graph.ancestors(head)) applied.add(id);
  }
  const problem = versionRowsProblem(graph, heads);
  if (problem) throw new KilnError(problem);
  return applied;
}

/**
 * The version table holds heads only: a row that is an ancestor of another row
 * was put there by hand (or by a broken tool), and planning from it would guess.
 * Returns the sentence to show, or undefined. Rows unknown to the graph are
 * left to appliedRevisions' own message.
 */
export function versionRowsProblem(graph: RevisionGraph, heads: readonly string[]): string | undefined {
  const known = heads.filter((head) => graph.has(head));
  for (const ancestor of known) {
    const descendant = known.find((other) => other !== ancestor && graph.isAncestor(ancestor, other));
    if (descendant === undefined) continue;
    const tips = known.filter((head) => !known.some((other) => other !== head && graph.isAncestor(head, other)));
    return (
      `the database's version table lists both revision ${descendant} and its ancestor ${ancestor}; it should hold only the tips (heads) of what is applied. ` +
      `If the database is at ${tips.join(" and ")}, run \`kiln stamp ${tips.join(" ")}\` to keep only ${tips.length === 1 ? "that row" : "those rows"}.`
    );
  }
  return undefined;
}

/**
 * `appliedRevisions(graph, heads).has(id)` without building the whole set: a
 * step through a long history asks only about itself and its parents.
 */
function appliedCheck(graph: RevisionGraph, heads: readonly string[]): { has(id: string): boolean } {
  for (const head of heads) if (!graph.has(head)) appliedRevisions(graph, [head]);
  return { has: (id) => heads.includes(id) || (graph.has(id) && heads.some((head) => graph.isAncestor(id, head))) };
}

/** Steps that bring a database at `currentHeads` up to `target`: parents before children. */
export function planUpgrade<N extends RevisionNode>(
  graph: RevisionGraph<N>,
  currentHeads: readonly string[],
  target: string,
): Step<N>[] {
  const applied = appliedRevisions(graph, currentHeads);
  refuseRelativeAgainst("up", target);
  // A project without revisions yet is up to date.
  if (graph.revisions.length === 0 && (target.trim() === "head" || target.trim() === "heads")) return [];
  const resolved = resolveTarget(graph, target, { currentHeads });
  let targets: string[];
  switch (resolved.kind) {
    case "revision":
      targets = [resolved.id];
      break;
    case "heads":
      targets = resolved.ids;
      break;
    case "base":
    case "below":
      throw new UsageError(`"${target}" is not an upgrade target: it is below the applied revisions. Use \`kiln downgrade ${target}\`.`);
  }
  const wanted = new Set<string>();
  for (const id of targets) {
    wanted.add(id);
    for (const ancestor of graph.ancestors(id)) wanted.add(ancestor);
  }
  return graph.revisions
    .filter((node) => wanted.has(node.revision) && !applied.has(node.revision))
    .map((revision) => ({ revision, direction: "up" as const }));
}

/**
 * Steps that bring a database at `currentHeads` down to `target`: every applied
 * revision that descends from the target is unapplied, children before parents.
 * Revisions on other branches (not descending from the target) stay.
 */
export function planDowngrade<N extends RevisionNode>(
  graph: RevisionGraph<N>,
  currentHeads: readonly string[],
  target: string,
): Step<N>[] {
  const applied = appliedRevisions(graph, currentHeads);
  refuseRelativeAgainst("down", target);
  const resolved = resolveTarget(graph, target, { currentHeads });
  let remove: (id: string) => boolean;
  switch (resolved.kind) {
    case "base":
      remove = () => true;
      break;
    case "below": {
      const doomed = graph.descendants(resolved.root);
      doomed.add(resolved.root);
      remove = (id) => doomed.has(id);
      break;
    }
    case "revision": {
      if (!applied.has(resolved.id)) {
        throw new KilnError(
          `cannot downgrade to ${describe(graph.get(resolved.id))}: it is not applied, so the database is not above it. ` +
            `The database is at ${describeHeads(currentHeads)}. A downgrade target must be an applied revision: run \`kiln current\` and \`kiln history\`.`,
        );
      }
      const doomed = graph.descendants(resolved.above ?? resolved.id);
      if (resolved.above !== undefined) doomed.add(resolved.above);
      remove = (id) => doomed.has(id);
      break;
    }
    case "heads":
      throw new UsageError(`"${target}" is not a downgrade target. Use \`kiln upgrade ${target}\`, or downgrade to a revision id or \`base\`.`);
  }
  return graph.revisions
    .filter((node) => applied.has(node.revision) && remove(node.revision))
    .reverse()
    .map((revision) => ({ revision, direction: "down" as const }));
}

/**
 * The version table's rows after `step`, given its rows `heads` before it. The
 * rows are the applied revisions that no other applied revision descends from.
 * Sorted in graph order.
 */
export function nextHeads(graph: RevisionGraph, heads: readonly string[], step: Step): string[] {
  const id = step.revision.revision;
  const node = graph.get(id);
  const prerequisites = [...new Set([...node.downRevisions, ...node.dependsOn])];
  let next: string[];
  if (step.direction === "up") {
    const applied = appliedCheck(graph, heads);
    if (applied.has(id)) {
      throw new KilnError(`cannot apply ${describe(node)}: it is already applied (the database is at ${describeHeads(heads)}).`);
    }
    const missing = prerequisites.filter((p) => !applied.has(p));
    if (missing.length > 0) {
      throw new KilnError(
        `cannot apply ${describe(node)}: ${missing.join(", ")} must be applied first (the database is at ${describeHeads(heads)}).`,
      );
    }
    next = [...heads.filter((h) => !prerequisites.includes(h)), id];
  } else {
    if (!heads.includes(id)) {
      throw new KilnError(
        `cannot unapply ${describe(node)}: it is not one of the database's heads (${describeHeads(heads)}). Unapply the revisions above it first.`,
      );
    }
    const candidates = [...new Set([...heads.filter((h) => h !== id), ...prerequisites])];
    const covered = new Set<string>();
    for (const candidate of candidates) for (const ancestor of graph.ancestors(candidate)) covered.add(ancestor);
    next = candidates.filter((candidate) => !covered.has(candidate));
  }
  return [...new Set(next)].sort((a, b) => graph.order(a) - graph.order(b));
}

export interface RevisionRange {
  /** null when the range starts from the database's state (or from base, for offline SQL). */
  start: string | null;
  /** null when the range is open at the top. */
  end: string | null;
}

/** `START:END` for `--sql` ranges and `history -r`; either side may be empty. */
export function parseRange(spec: string): RevisionRange {
  const parts = spec.split(":");
  if (parts.length !== 2) {
    throw new UsageError(
      `"${spec}" is not a range: write START:END, for example base:head, ae10:head or :ae10 (either side may be empty).`,
    );
  }
  const [start, end] = parts.map((part) => part.trim());
  return { start: start ? start : null, end: end ? end : null };
}

// ---------------------------------------------------------------------------

const RELATIVE = /^(.*?)([+-])(\d+)$/;
/** `+N`, `-N`, `LABEL@+N`, `LABEL@-N`: counted from the database's own position. */
const DATABASE_RELATIVE = /^(?:[^@]*@)?([+-])\d+$/;

/**
 * A count from the database that goes against the command (`upgrade -1`,
 * `downgrade +1`) is a usage error, whatever the database's state: at head,
 * `upgrade -1` would otherwise "succeed" with nothing to do.
 */
function refuseRelativeAgainst(direction: "up" | "down", target: string): void {
  const sign = DATABASE_RELATIVE.exec(target.trim())?.[1];
  if (direction === "up" && sign === "-") {
    throw new UsageError(`"${target.trim()}" counts down from the database's revision: relative downward targets are for downgrade. Use \`kiln downgrade ${target.trim()}\`.`);
  }
  if (direction === "down" && sign === "+") {
    throw new UsageError(`"${target.trim()}" counts up from the database's revision: relative upward targets are for upgrade. Use \`kiln upgrade ${target.trim()}\`.`);
  }
}

/** `head+-1`, `abc-+2`: a count with two signs, refused quoting the whole argument (not the part before the count). */
function refuseDoubleSign(spec: string, anchor: string): void {
  if (/[+-]$/.test(anchor)) {
    throw new UsageError(`"${spec}" is not a target: a count takes one sign, as in REV+N or REV-N (e.g. head-1, +2).`);
  }
}

/** Resolves any target form to what it names. */
export function resolveTarget(graph: RevisionGraph, spec: string, options: ResolveOptions = {}): ResolvedTarget {
  const text = spec.trim();
  if (text === "") throw new UsageError("empty revision target. Use head, base, a revision id or prefix, or a branch label.");
  if (text === "base") return { kind: "base" };
  if (text === "heads") return { kind: "heads", ids: graph.heads().map((node) => node.revision) };
  if (text === "head") {
    const heads = graph.heads();
    if (heads.length === 0) throw noRevisionsError();
    if (heads.length > 1) throw severalHeadsError(graph, "head");
    return { kind: "revision", id: heads[0]!.revision };
  }

  const at = text.indexOf("@");
  if (at >= 0) return resolveInBranch(graph, text, text.slice(0, at), text.slice(at + 1), options);

  if (graph.has(text)) return { kind: "revision", id: text };
  const owner = graph.labelOwner(text);
  if (owner) return { kind: "revision", id: owner.revision };

  const relative = RELATIVE.exec(text);
  if (relative) {
    const [, anchor, sign, count] = relative;
    refuseDoubleSign(text, anchor!);
    const steps = Number(count) * (sign === "+" ? 1 : -1);
    if (anchor === "") return walkFromDatabase(graph, text, steps, undefined, options);
    if (anchor === "base") return walk(graph, text, null, steps, undefined, "base");
    const start = resolveTarget(graph, anchor!, options);
    if (start.kind !== "revision") {
      throw new UsageError(`"${text}": ${anchor} does not name one revision, so there is nothing to count from.`);
    }
    return walk(graph, text, start.id, steps, undefined, start.id);
  }

  return { kind: "revision", id: matchPrefix(graph, text, graph.revisions) };
}

/** `LABEL@head`, `LABEL@base`, `LABEL@+N`, `LABEL@-N`, `LABEL@REV`, `LABEL@REV+N`. */
function resolveInBranch(
  graph: RevisionGraph,
  spec: string,
  label: string,
  rest: string,
  options: ResolveOptions,
): ResolvedTarget {
  const members = graph.labelMembers(label);
  if (members.length === 0) {
    const labels = graph.labels();
    throw new UsageError(
      `"${spec}": there is no branch label "${label}". ` +
        (labels.length > 0 ? `Known labels: ${labels.join(", ")}.` : "No revision declares a branch label (branchLabels)."),
    );
  }
  const memberIds = new Set(members.map((node) => node.revision));
  if (rest === "head" || rest === "heads") {
    const heads = members.filter((node) => graph.isHead(node.revision));
    if (heads.length !== 1) {
      throw new KilnError(`branch "${label}" has ${heads.length} heads, so "${spec}" is ambiguous. Name one by its id, or merge them with \`kiln merge\`.`, {
        details: heads.map(describeLine),
      });
    }
    return { kind: "revision", id: heads[0]!.revision };
  }
  if (rest === "base") {
    const roots = members.filter((node) => !node.downRevisions.some((parent) => memberIds.has(parent)));
    if (roots.length !== 1) {
      throw new KilnError(`branch "${label}" starts at ${roots.length} revisions, so "${spec}" is ambiguous.`, {
        details: roots.map(describeLine),
      });
    }
    return { kind: "revision", id: roots[0]!.revision };
  }
  if (memberIds.has(rest)) return { kind: "revision", id: rest };
  const relative = RELATIVE.exec(rest);
  if (relative) {
    const [, anchor, sign, count] = relative;
    refuseDoubleSign(spec, anchor!);
    const steps = Number(count) * (sign === "+" ? 1 : -1);
    if (anchor === "") return walkFromDatabase(graph, spec, steps, label, options);
    const start = resolveInBranch(graph, spec, label, anchor!, options);
    if (start.kind !== "revision") throw new UsageError(`"${spec}": ${label}@${anchor} does not name one revision.`);
    return walk(graph, spec, start.id, steps, label, start.id);
  }
  return { kind: "revision", id: matchPrefix(graph, rest, members, label) };
}

/** `+N` / `-N` (optionally within a branch) counted from the database's current heads. */
function walkFromDatabase(
  graph: RevisionGraph,
  spec: string,
  steps: number,
  label: string | undefined,
  options: ResolveOptions,
): ResolvedTarget {
  if (!options.currentHeads) {
    throw new UsageError(`"${spec}" counts from the database's current revision; it is only valid for upgrade and downgrade.`);
  }
  const heads = options.currentHeads;
  let start: string | null;
  if (label === undefined) {
    if (heads.length > 1) {
      throw new KilnError(
        `"${spec}" is ambiguous: the database has several heads (${heads.join(", ")}). ` +
          "Count within one branch with LABEL@" + (steps > 0 ? "+" : "-") + `${Math.abs(steps)}, or count from a revision: REV${steps > 0 ? "+" : "-"}${Math.abs(steps)}.`,
      );
    }
    start = heads[0] ?? null;
  } else {
    const members = new Set(graph.labelMembers(label).map((node) => node.revision));
    const applied = appliedRevisions(graph, heads);
    const appliedMembers = [...members].filter((id) => applied.has(id));
    // The applied member no other applied member descends from: where this branch stands.
    const frontier = appliedMembers.filter(
      (id) => !graph.children(id).some((child) => members.has(child.revision) && applied.has(child.revision)),
    );
    if (frontier.length > 1) {
      throw new KilnError(`"${spec}" is ambiguous: branch "${label}" has several applied heads (${frontier.join(", ")}). Name a revision instead.`);
    }
    start = frontier[0] ?? null;
  }
  if (start === null && steps < 0) {
    throw new KilnError(`cannot go ${-steps} steps back: nothing is applied${label ? ` on branch "${label}"` : ""}.`);
  }
  return walk(graph, spec, start, steps, label, start ?? "base", true);
}

/**
 * Walks `steps` revisions from `start` (null: below every base) along parent
 * edges: up through children (restricted to the branch when labelled), down
 * through parents. Returns the revision reached, or `below` when a downward
 * walk leaves the chain through its base.
 */
function walk(
  graph: RevisionGraph,
  spec: string,
  start: string | null,
  steps: number,
  label: string | undefined,
  from: string,
  fromDatabase = false,
): ResolvedTarget {
  const members = label === undefined ? undefined : new Set(graph.labelMembers(label).map((node) => node.revision));
  let current: string | null = start;
  let lastSeen: string | null = start;
  for (let taken = 0; taken < Math.abs(steps); taken++) {
    if (steps > 0) {
      let next = current === null ? graph.bases() : graph.children(current);
      if (members) {
        next = next.filter((node) => members.has(node.revision));
        if (current === null && next.length === 0) {
          next = graph.labelMembers(label!).filter((node) => !node.downRevisions.some((p) => members.has(p)));
        }
      }
      if (next.length === 0) {
        throw new KilnError(
          `cannot go ${steps} steps forward from ${from}: only ${taken} revision${taken === 1 ? "" : "s"} above it${label ? ` on branch "${label}"` : ""}.`,
        );
      }
      if (next.length > 1) {
        throw new KilnError(
          `"${spec}" is ambiguous: ${current === null ? "the history starts at several bases" : `${describe(graph.get(current))} has several children`}. ` +
            "Name the revision, or count within one branch with LABEL@+N.",
          { details: next.map(describeLine) },
        );
      }
      current = next[0]!.revision;
    } else {
      if (current === null) {
        const what = fromDatabase ? "applied" : `revision${taken === 1 ? "" : "s"} down to the base`;
        throw new KilnError(`cannot go ${-steps} steps back from ${from}: only ${taken} ${what}.`);
      }
      const parents = graph.get(current).downRevisions;
      if (parents.length > 1) {
        throw new KilnError(
          `"${spec}" is ambiguous: ${describe(graph.get(current))} is a merge of ${parents.join(", ")}. Name the revision to go to instead.`,
        );
      }
      lastSeen = current;
      current = parents[0] ?? null;
    }
  }
  if (current !== null) {
    return steps < 0 && lastSeen !== null ? { kind: "revision", id: current, above: lastSeen } : { kind: "revision", id: current };
  }
  return lastSeen === null ? { kind: "base" } : { kind: "below", root: lastSeen };
}

function matchPrefix(graph: RevisionGraph, prefix: string, scope: readonly RevisionNode[], label?: string): string {
  const matches = scope.filter((node) => node.revision.startsWith(prefix));
  if (matches.length === 1) return matches[0]!.revision;
  if (matches.length > 1) {
    throw new UsageError(`revision prefix "${prefix}" is ambiguous: it matches ${matches.length} revisions. Type more characters.`, matches.map(describeLine));
  }
  if (label !== undefined && graph.revisions.some((node) => node.revision.startsWith(prefix))) {
    throw new UsageError(`"${label}@${prefix}": that revision is not on branch "${label}". Run \`kiln history\` to see the branches.`);
  }
  throw new UsageError(`no revision matches "${prefix}". Run \`kiln history\` to list the revisions.`);
}

function noRevisionsError(): KilnError {
  return new KilnError("the migrations folder has no revisions yet: create one with `kiln revision -m MESSAGE`.");
}

function severalHeadsError(graph: RevisionGraph, spec: string): KilnError {
  const heads = graph.heads();
  return new KilnError(
    `"${spec}" is ambiguous: there are several heads (${heads.map((node) => node.revision).join(", ")}). ` +
      'Run `kiln heads` to see them; target one with LABEL@head or its id, upgrade all of them with "heads", ' +
      'or join them with `kiln merge heads -m MSG`.',
    { details: heads.map(describeLine) },
  );
}

function describe(node: RevisionNode): string {
  return node.message ? `${node.revision} (${node.message})` : node.revision;
}

function describeLine(node: RevisionNode): string {
  return `${node.revision}  ${node.message || "(no message)"}`;
}

function describeHeads(heads: readonly string[]): string {
  return heads.length === 0 ? "base (nothing applied)" : heads.join(", ");
}
