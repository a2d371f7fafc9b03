/**
 * Gets a revision's upgrade operations without a database: runs `upgrade` against
 * an `op` that collects instead of executing, and notes the source line of each
 * call. The facade applies operations asynchronously (after the call returns), so
 * the call site is taken when the revision calls the `op` method, not in the sink:
 * every facade method pushes exactly one operation, in call order.
 */
import type { DialectName } from "../dialects/types.js";
import { collectingSink, Op } from "../operations/facade.js";
import type { Operation } from "../operations/types.js";
import type { Migration } from "../revisions/types.js";
import { callSiteLine, captureStack } from "./locate.js";

export type Collected =
  /** `lineOf(i)`: the source line of operation i, worked out when asked (only warnings need one). */
  | { status: "collected"; operations: Operation[]; lineOf: (index: number) => number | undefined }
  /** The revision reads the database (op.query), so what it does cannot be known without one. */
  | { status: "uses-query"; operations: Operation[] }
  | { status: "failed"; error: unknown };

/** Members of Op that do not create an operation. */
const NOT_OPERATIONS = new Set<PropertyKey>(["constructor", "settled", "dialect"]);

class QueryNotAvailable extends Error {
  constructor() {
    super("op.query() reads the database; kiln lint runs revisions without one");
  }
}

/**
 * An `op` that notes the call stack of each operation call (formatted only when
 * a line is asked for). `query` replaces op.query when given.
 */
export function recordCallSites(real: Op, query?: () => Promise<never>): { op: Op; stacks: (() => string)[] } {
  const stacks: (() => string)[] = [];
  const op = new Proxy(real, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === "query" && query) return query;
      if (typeof value !== "function") return value;
      if (NOT_OPERATIONS.has(property) || property === "query") return value.bind(target);
      return (...args: unknown[]) => {
        const stack = captureStack();
        const result: unknown = value.apply(target, args);
        stacks.push(stack);
        return result;
      };
    },
  });
  return { op, stacks };
}

/** The source line of each operation, from the stacks recordCallSites noted for them. */
export function lineFinder(stacks: (() => string)[], operationCount: number, file: string, source: string): (index: number) => number | undefined {
  // A call that threw before pushing would shift the pairing: then no line is trusted.
  const paired = stacks.length === operationCount;
  return (index) => (paired && stacks[index] ? callSiteLine(stacks[index](), file, source) : undefined);
}

export async function collectOperations(
  migration: Migration,
  options: { dialect: DialectName; file: string; source: string },
): Promise<Collected> {
  const sink = collectingSink(options.dialect);
  const real = new Op(sink);
  let usedQuery = false;
  const { op, stacks } = recordCallSites(real, () => {
    usedQuery = true;
    return Promise.reject(new QueryNotAvailable());
  });

  try {
    await migration.upgrade.call(migration, op);
    await real.settled();
  } catch (error) {
    if (!usedQuery) return { status: "failed", error };
  }
  if (usedQuery) return { status: "uses-query", operations: sink.operations };
  return { status: "collected", operations: sink.operations, lineOf: lineFinder(stacks, sink.operations.length, options.file, options.source) };
}
