/**
 * Runs rendered revision code (the body of `upgrade(op)`) against the real `op`
 * facade and returns the operations it produced: render's output, replayed,
 * must give back the operations it was rendered from.
 */
import { collectingSink, Op } from "../../src/operations/facade.js";
import type { Operation } from "../../src/operations/types.js";

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (op: Op) => Promise<void>;

export async function replay(body: string): Promise<Operation[]> {
  const sink = collectingSink("postgresql");
  const op = new Op(sink);
  await new AsyncFunction("op", body)(op);
  await op.settled();
  return sink.operations;
}
