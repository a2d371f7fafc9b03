/**
 * A full garbage collection at a point where a large run has just let go of
 * much: V8 grows the heap to a multiple of what was live at its last full
 * collection, so a run whose reads left some 100 MB of garbage (10,000 tables:
 * the catalog texts, their parsed rows) would otherwise carry it, and grow
 * further, through compare. Only past `minimumBytes` of heap (small runs pay
 * nothing), and only where the engine lets kiln ask (Node's `gc`, exposed
 * for this process by its V8 flag); otherwise nothing happens.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | null | undefined;

export function collectGarbageIfLarge(minimumBytes = 150 * 1024 * 1024): void {
  if (process.memoryUsage().heapUsed < minimumBytes) return;
  if (collect === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      const gc: unknown = runInNewContext("typeof gc === 'function' ? gc : null");
      collect = typeof gc === "function" ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
