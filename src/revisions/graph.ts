/**
 * The revision graph: a DAG of revisions with several bases, branches, merges
 * (several parents), branch labels and `dependsOn` edges.
 *
 * Two kinds of edges exist, as in Alembic:
 * - parent edges (`downRevisions`) shape the history: heads, bases, branch points;
 * - dependency edges (`dependsOn`) only order things: a revision's ancestors are
 *   everything reachable through either kind, so upgrading to it applies its
 *   dependencies and downgrading a dependency unapplies its dependents.
 */
import { basename } from "node:path";
import { KilnError } from "../errors.js";
import type { RevisionNode } from "./types.js";

/** Words that name targets and therefore cannot be branch labels. */
const RESERVED_LABELS = new Set(["head", "heads", "base", "current"]);

export interface RevisionGraph<N extends RevisionNode = RevisionNode> {
  /** Every revision, in topological order (parents before children, ties by file name). */
  readonly revisions: readonly N[];
  /** Revisions without children (through parent edges), in topological order. */
  heads(): N[];
  /** Revisions without parents, in topological order. */
  bases(): N[];
  has(id: string): boolean;
  /** The revision with this exact id; a KilnError when there is none. */
  get(id: string): N;
  /** Children through parent edges only, in topological order. */
  children(id: string): N[];
  /** Revisions that list `id` in their `dependsOn`, in topological order. */
  dependents(id: string): N[];
  /** Every revision reachable through parents and dependsOn, excluding `id`. */
  ancestors(id: string): Set<string>;
  /** Every revision that has `id` among its ancestors, excluding `id`. */
  descendants(id: string): Set<string>;
  /** True when `ancestor` is among the ancestors of `id` (a cheaper question than `ancestors(id).has(ancestor)`). */
  isAncestor(ancestor: string, id: string): boolean;
  /** Position of the revision in `revisions` (for sorting). */
  order(id: string): number;
  /** Revisions with more than one child, in topological order (for `kiln branches`). */
  branchPoints(): N[];
  isHead(id: string): boolean;
  /** The revision that declares `label`, or undefined. */
  labelOwner(label: string): N | undefined;
  /** Every declared branch label, sorted. */
  labels(): string[];
  /**
   * The revisions a label covers: the revision that declares it, all its
   * descendants through parent edges, and its ancestors down to (not including)
   * the nearest branch point or merge. Topological order.
   */
  labelMembers(label: string): N[];
  /** Labels covering the revision (declared on it or inherited), sorted. */
  labelsOf(id: string): string[];
}

export function buildGraph<N extends RevisionNode>(nodes: readonly N[]): RevisionGraph<N> {
  const byId = indexById(nodes);
  checkReferences(nodes, byId);
  const labelOwners = indexLabels(nodes, byId);

  const children = new Map<string, N[]>();
  const dependents = new Map<string, N[]>();
  for (const node of nodes) {
    children.set(node.revision, []);
    dependents.set(node.revision, []);
  }
  for (const node of nodes) {
    for (const parent of unique(node.downRevisions)) children.get(parent)!.push(node);
    for (const dependency of unique(node.dependsOn)) dependents.get(dependency)!.push(node);
  }

  const sorted = topologicalOrder(nodes, byId);
  const position = new Map(sorted.map((node, index) => [node.revision, index]));
  const byPosition = (a: N, b: N) => position.get(a.revision)! - position.get(b.revision)!;
  for (const list of children.values()) list.sort(byPosition);
  for (const list of dependents.values()) list.sort(byPosition);

  const get = (id: string): N => {
    const node = byId.get(id);
    if (!node) {
      throw new KilnError(`unknown revision "${id}". Run \`kiln history\` to list the revisions.`);
    }
    return node;
  };

  /** Walks from `start` along `next`, collecting every revision reached (start excluded). */
  const reach = (start: string, next: (node: N) => Iterable<string>): Set<string> => {
    const seen = new Set<string>();
    const stack = [...next(get(start))];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...next(byId.get(id)!));
    }
    return seen;
  };

  /**
   * A walk down from `id` that skips every revision placed before `ancestor` in
   * topological order: ancestors come first, so none of those can lead to it.
   */
  const isAncestor = (ancestor: string, id: string): boolean => {
    const target = position.get(get(ancestor).revision)!;
    if (position.get(get(id).revision)! <= target) return false;
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const node = byId.get(stack.pop()!)!;
      for (const next of [...node.downRevisions, ...node.dependsOn]) {
        if (next === ancestor) return true;
        if (seen.has(next) || position.get(next)! < target) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    return false;
  };

  const labelMembersCache = new Map<string, N[]>();
  const labelMembers = (label: string): N[] => {
    const cached = labelMembersCache.get(label);
    if (cached) return cached;
    const owner = labelOwners.get(label);
    if (!owner) return [];
    const members = new Set<string>([owner.revision]);
    for (const id of reach(owner.revision, (node) => children.get(node.revision)!.map((c) => c.revision))) {
      members.add(id);
    }
    // Walk down a single-parent chain until the branch splits off its trunk.
    let current: N | undefined = owner;
    while (current && current.downRevisions.length === 1) {
      const parent: N = byId.get(current.downRevisions[0]!)!;
      if (children.get(parent.revision)!.length > 1) break;
      members.add(parent.revision);
      current = parent;
    }
    const result = sorted.filter((node) => members.has(node.revision));
    labelMembersCache.set(label, result);
    return result;
  };

  let labelsByRevision: Map<string, string[]> | undefined;
  const labelsOf = (id: string): string[] => {
    get(id);
    if (!labelsByRevision) {
      labelsByRevision = new Map();
      for (const label of [...labelOwners.keys()].sort()) {
        for (const member of labelMembers(label)) {
          const list = labelsByRevision.get(member.revision) ?? [];
          list.push(label);
          labelsByRevision.set(member.revision, list);
        }
      }
    }
    return labelsByRevision.get(id) ?? [];
  };

  return {
    revisions: sorted,
    heads: () => sorted.filter((node) => children.get(node.revision)!.length === 0),
    bases: () => sorted.filter((node) => node.downRevisions.length === 0),
    has: (id) => byId.has(id),
    get,
    children: (id) => [...children.get(get(id).revision)!],
    dependents: (id) => [...dependents.get(get(id).revision)!],
    ancestors: (id) => reach(id, (node) => [...node.downRevisions, ...node.dependsOn]),
    descendants: (id) =>
      reach(id, (node) => [
        ...children.get(node.revision)!.map((c) => c.revision),
        ...dependents.get(node.revision)!.map((d) => d.revision),
      ]),
    isAncestor,
    order: (id) => position.get(get(id).revision)!,
    branchPoints: () => sorted.filter((node) => children.get(node.revision)!.length > 1),
    isHead: (id) => children.get(get(id).revision)!.length === 0,
    labelOwner: (label) => labelOwners.get(label),
    labels: () => [...labelOwners.keys()].sort(),
    labelMembers: (label) => [...labelMembers(label)],
    labelsOf: (id) => [...labelsOf(id)],
  };
}

function indexById<N extends RevisionNode>(nodes: readonly N[]): Map<string, N> {
  const byId = new Map<string, N>();
  for (const node of nodes) {
    const existing = byId.get(node.revision);
    if (existing) {
      throw new KilnError(
        `revision id "${node.revision}" is used by two files: ${existing.file} and ${node.file}. ` +
          "Revision ids must be unique: give one of them a new id (and update the downRevision of its children).",
      );
    }
    byId.set(node.revision, node);
  }
  checkCaseCollisions(nodes);
  return byId;
}

/**
 * Ids that differ only in case (abc, ABC) are one row in a version table that
 * compares without case (MariaDB's default collation), so one project must not
 * hold both, whatever database it runs on today.
 */
function checkCaseCollisions<N extends RevisionNode>(nodes: readonly N[]): void {
  const byFolded = new Map<string, N>();
  for (const node of nodes) {
    const folded = node.revision.toLowerCase();
    const other = byFolded.get(folded);
    if (other) {
      throw new KilnError(
        `revision ids "${other.revision}" (${other.file}) and "${node.revision}" (${node.file}) differ only in case; ` +
          "a version table that ignores case (MariaDB, MySQL) cannot tell them apart. Give one of them a new id (and update the downRevision of its children).",
      );
    }
    byFolded.set(folded, node);
  }
}

function checkReferences<N extends RevisionNode>(nodes: readonly N[], byId: Map<string, N>): void {
  for (const node of nodes) {
    for (const parent of node.downRevisions) {
      if (parent === node.revision) {
        throw new KilnError(`revision ${node.revision} (${node.file}) lists itself as its downRevision.`);
      }
      if (!byId.has(parent)) {
        throw new KilnError(
          `revision ${node.revision} (${node.file}) has downRevision "${parent}", but no revision file has that id. ` +
            "Restore the missing file or fix the downRevision.",
        );
      }
    }
    for (const dependency of node.dependsOn) {
      if (dependency === node.revision) {
        throw new KilnError(`revision ${node.revision} (${node.file}) lists itself in dependsOn.`);
      }
      if (!byId.has(dependency)) {
        throw new KilnError(
          `revision ${node.revision} (${node.file}) depends on "${dependency}", but no revision file has that id. ` +
            "Restore the missing file or fix dependsOn.",
        );
      }
    }
  }
}

/**
 * Why a branch label cannot be used, or undefined when it can. The same rule
 * applies when a revision file is loaded and when `kiln revision --branch-label`
 * writes one, so kiln never writes a file it would then refuse.
 */
export function branchLabelProblem(label: string): string | undefined {
  if (RESERVED_LABELS.has(label)) return "it is a reserved word (head, heads, base, current). Choose another label.";
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(label)) {
    return 'labels use letters, digits, "_", "." and "-" (not first) and cannot contain "@", "+", ":" or spaces.';
  }
  return undefined;
}

function indexLabels<N extends RevisionNode>(nodes: readonly N[], byId: Map<string, N>): Map<string, N> {
  const owners = new Map<string, N>();
  for (const node of nodes) {
    for (const label of node.branchLabels) {
      const problem = branchLabelProblem(label);
      if (problem) throw new KilnError(`revision ${node.revision} (${node.file}) has the branch label "${label}": ${problem}`);
      const previous = owners.get(label);
      if (previous) {
        throw new KilnError(
          `branch label "${label}" is declared twice: by ${previous.revision} (${previous.file}) and by ${node.revision} (${node.file}). ` +
            "A label names one branch; remove it from one of them.",
        );
      }
      const sameId = byId.get(label);
      if (sameId) {
        throw new KilnError(
          `branch label "${label}" of revision ${node.revision} (${node.file}) is also the id of revision ${sameId.revision} (${sameId.file}). Choose another label.`,
        );
      }
      owners.set(label, node);
    }
  }
  return owners;
}

/**
 * Kahn's algorithm; among revisions ready at the same time the one whose file
 * name sorts first goes first (kiln's file names start with a timestamp), so the
 * order is deterministic and usually chronological. Reports a cycle when one remains.
 */
function topologicalOrder<N extends RevisionNode>(nodes: readonly N[], byId: Map<string, N>): N[] {
  const key = (node: N) => `${basename(node.file)}\u0000${node.revision}`;
  const waitingOn = new Map<string, number>();
  const unlocks = new Map<string, N[]>();
  for (const node of nodes) {
    const prerequisites = unique([...node.downRevisions, ...node.dependsOn]);
    waitingOn.set(node.revision, prerequisites.length);
    for (const prerequisite of prerequisites) {
      const list = unlocks.get(prerequisite) ?? [];
      list.push(node);
      unlocks.set(prerequisite, list);
    }
  }
  const ready = new MinHeap<N>((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  for (const node of nodes) if (waitingOn.get(node.revision) === 0) ready.push(node);
  const sorted: N[] = [];
  while (ready.size > 0) {
    const node = ready.pop();
    sorted.push(node);
    for (const next of unlocks.get(node.revision) ?? []) {
      const remaining = waitingOn.get(next.revision)! - 1;
      waitingOn.set(next.revision, remaining);
      if (remaining === 0) ready.push(next);
    }
  }
  if (sorted.length < nodes.length) {
    const cycle = findCycle(nodes.filter((node) => waitingOn.get(node.revision)! > 0), byId);
    throw new KilnError(
      `the revisions form a cycle: ${cycle.map((node) => node.revision).join(" -> ")} -> ${cycle[0]!.revision}. ` +
        "A revision cannot be its own ancestor; fix the downRevision or dependsOn of one of them.",
      { details: cycle.map((node) => `${node.revision}  ${node.file}`) },
    );
  }
  return sorted;
}

/** A cycle among the revisions Kahn's algorithm could not place, in parent order. */
function findCycle<N extends RevisionNode>(stuck: N[], byId: Map<string, N>): N[] {
  const stuckIds = new Set(stuck.map((node) => node.revision));
  const prerequisites = (node: N) =>
    unique([...node.downRevisions, ...node.dependsOn]).filter((id) => stuckIds.has(id));
  // Every stuck revision waits on a stuck prerequisite, so walking prerequisites must revisit one.
  const path: N[] = [];
  const onPath = new Map<string, number>();
  let current = stuck[0]!;
  while (!onPath.has(current.revision)) {
    onPath.set(current.revision, path.length);
    path.push(current);
    current = byId.get(prerequisites(current)[0]!)!;
  }
  return path.slice(onPath.get(current.revision)!).reverse();
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(items[index]!, items[parent]!) >= 0) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }

  pop(): T {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === index) break;
        [items[index], items[smallest]] = [items[smallest]!, items[index]!];
        index = smallest;
      }
    }
    return top;
  }
}
