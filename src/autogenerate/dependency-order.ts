/**
 * The last word on the order of a revision's operations: the phases of
 * order.ts give a base order, and this pass moves an operation only where an
 * object it needs would otherwise not exist yet (or be gone already):
 * - an object is created before every operation that needs it;
 * - an object is dropped after every operation that needs it (including the
 *   drops of objects that use it), and before it is created again;
 * - for two dropped objects, the database's own dependencies (PostgreSQL's
 *   pg_depend, in `Catalog.dependencies`) say which goes first, for what the
 *   operations' definitions do not show.
 * An order valid forwards is valid backwards (the downgrade runs the reversed
 * operations in reverse order). Where the rules contradict each other (a
 * cycle), the base order decides. Pure.
 */
import { type Dependency, type ObjectRef, refKey } from "../catalog/objects.js";
import { operationRefs, type OperationRefs } from "../operations/refs.js";
import type { Operation } from "../operations/types.js";
import { MinHeap } from "./min-heap.js";

/** Operation indexes by object key. */
class RefIndex {
  private readonly map = new Map<string, number[]>();

  add(ref: ObjectRef, index: number): void {
    const key = refKey(ref);
    const list = this.map.get(key);
    if (list) list.push(index);
    else this.map.set(key, [index]);
  }

  get(ref: ObjectRef): number[] {
    return this.map.get(refKey(ref)) ?? [];
  }
}

/** Edges `before -> after` between operation indexes. */
export function orderingEdges(refs: readonly OperationRefs[], dependencies: readonly Dependency[] = []): [number, number][] {
  const creators = new RefIndex();
  const droppers = new RefIndex();
  refs.forEach((r, i) => {
    for (const ref of r.creates) creators.add(ref, i);
    for (const ref of r.drops) droppers.add(ref, i);
  });
  const edges: [number, number][] = [];
  refs.forEach((r, i) => {
    const own = new Set([...r.creates, ...r.drops].map(refKey));
    for (const ref of r.needs) {
      if (own.has(refKey(ref))) continue;
      const created = creators.get(ref);
      for (const c of created) edges.push([c, i]);
      // An object dropped and created again (a view rebuilt): what creates or changes
      // something with it needs the new one, so it waits for the creation only.
      if (created.length > 0 && r.drops.length === 0) continue;
      for (const d of droppers.get(ref)) edges.push([i, d]);
    }
    for (const ref of r.creates) for (const d of droppers.get(ref)) if (d !== i) edges.push([d, i]);
  });
  // The database's dependencies between objects that both go: the dependent one first.
  for (const { dependent, referenced } of dependencies) {
    for (const a of droppers.get(dependent)) for (const b of droppers.get(referenced)) if (a !== b) edges.push([a, b]);
  }
  return edges;
}

/**
 * Kahn's algorithm, taking the ready operation that comes first in `length`'s
 * base order; when none is ready (a cycle), the first remaining one.
 */
export function stableTopologicalOrder(length: number, edges: readonly [number, number][]): number[] {
  const after: number[][] = Array.from({ length }, () => []);
  const waiting = new Array<number>(length).fill(0);
  for (const [a, b] of edges) {
    after[a]!.push(b);
    waiting[b]!++;
  }
  const heap = new MinHeap();
  for (let i = 0; i < length; i++) if (waiting[i] === 0) heap.push(i);
  const done = new Array<boolean>(length).fill(false);
  const order: number[] = [];
  let cursor = 0;
  while (order.length < length) {
    let next = heap.pop();
    if (next === undefined) {
      while (done[cursor]) cursor++;
      next = cursor;
    }
    if (done[next]) continue;
    done[next] = true;
    order.push(next);
    for (const b of after[next]!) if (--waiting[b]! === 0 && !done[b]) heap.push(b);
  }
  return order;
}

/** The operations in an order where each finds what it needs (see the file comment). */
export function orderOperations(operations: readonly Operation[], dependencies: readonly Dependency[] = []): Operation[] {
  if (operations.length < 2) return [...operations];
  const refs = operations.map(operationRefs);
  return stableTopologicalOrder(operations.length, orderingEdges(refs, dependencies)).map((i) => operations[i]!);
}

