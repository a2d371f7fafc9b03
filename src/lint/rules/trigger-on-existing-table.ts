/**
 * trigger-on-existing-table: CREATE TRIGGER on a table in use takes a SHARE ROW
 * EXCLUSIVE lock (writes wait, and so does everything queued behind it while it
 * waits for running transactions), and from the commit on every write of the
 * table runs the trigger's function inside the writing transaction.
 */
import { tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

export const triggerOnExistingTable: LintRule = {
  id: "trigger-on-existing-table",
  dialects: POSTGRES_ONLY,
  summary: "createTrigger on an existing (busy) table",
  check(op, scope): Finding | undefined {
    if (op.kind !== "createTrigger") return undefined;
    const t = op.trigger;
    const ref = { ...(t.schema !== undefined ? { schema: t.schema } : {}), table: t.table };
    if (scope.facts.isNewTable(ref)) return undefined;
    const rowLevel = t.forEach !== "statement";
    return {
      rule: "trigger-on-existing-table",
      table: tableLabel(ref),
      problem: `op.createTrigger(${JSON.stringify(t.name)}) takes a SHARE ROW EXCLUSIVE lock on table ${tableLabel(ref)}: it waits for every running transaction on the table and every write queues behind it; from the commit on, ${rowLevel ? "each written row" : "each writing statement"} also runs ${t.function ? `${t.function.name}()` : "its statements"} in the writer's transaction`,
      safeForm: [
        "// a revision of its own for the trigger (the lock is then held for this one statement only), with the function",
        "// created in an earlier revision; kiln's lockTimeoutMs gives up (and retries) instead of queueing every write;",
        "// a WHEN condition keeps the function from running for rows it does not concern",
      ].join("\n"),
    };
  },
};
