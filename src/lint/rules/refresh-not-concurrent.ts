/**
 * refresh-not-concurrent: REFRESH MATERIALIZED VIEW without CONCURRENTLY holds an
 * ACCESS EXCLUSIVE lock on the view while its query runs again: every read of the
 * view waits for the whole refresh. CONCURRENTLY (EXCLUSIVE: reads go on) needs a
 * unique index on plain columns of the view, and a view that has been populated.
 */
import { opCall, tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

export const refreshNotConcurrent: LintRule = {
  id: "refresh-not-concurrent",
  dialects: POSTGRES_ONLY,
  summary: "refreshMaterializedView of a view in use without { concurrently: true }",
  check(op, scope): Finding | undefined {
    if (op.kind !== "refreshMaterializedView" || op.concurrently) return undefined;
    const same = (other: { schema?: string; name: string }) => other.name === op.name && (other.schema ?? null) === (op.schema ?? null);
    // A view this revision creates is read by no one yet.
    if (scope.earlier.some((o) => o.kind === "createMaterializedView" && same(o.view))) return undefined;
    const view = tableLabel({ schema: op.schema, table: op.name });
    const schema = op.schema !== undefined ? { schema: op.schema } : {};
    return {
      rule: "refresh-not-concurrent",
      table: view,
      problem: `${op.withNoData ? "REFRESH ... WITH NO DATA empties" : "REFRESH MATERIALIZED VIEW runs the query of"} materialized view ${view} under an ACCESS EXCLUSIVE lock: every read of the view waits until it finishes${op.withNoData ? ", and then fails until the next refresh" : ""}`,
      safeForm: [
        "// CONCURRENTLY lets reads go on (it needs a unique index on plain columns of the view, and a populated view):",
        `// the view's unique index, if it has none yet: materializedView("${op.name}", ..., { indexes: (v) => [uniqueIndex(...).on(v.id)] })`,
        opCall("refreshMaterializedView", op.name, { ...schema, concurrently: true }),
      ].join("\n"),
    };
  },
};
