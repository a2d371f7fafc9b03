/**
 * immutable-function-change: CREATE OR REPLACE of an IMMUTABLE function with
 * another volatility or body. Only immutable functions may be used by indexes
 * (and generated columns and partition keys); PostgreSQL lets the replacement
 * through, but an index keeps the values the old definition computed: lookups
 * through it then miss or return wrong rows until it is rebuilt.
 */
import { opCall } from "../code.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

export const immutableFunctionChange: LintRule = {
  id: "immutable-function-change",
  dialects: POSTGRES_ONLY,
  summary: "replaceFunction of an IMMUTABLE function (usable by indexes) with another volatility or body",
  check(op): Finding | undefined {
    if (op.kind !== "replaceFunction" || !op.old || op.old.volatility !== "immutable") return undefined;
    const volatility = op.routine.volatility ?? "volatile";
    const changes = [volatility !== "immutable" ? `its volatility (IMMUTABLE -> ${volatility.toUpperCase()})` : "", op.routine.body !== op.old.body ? "its body" : ""].filter(Boolean);
    if (changes.length === 0) return undefined;
    const name = `${op.routine.schema ? `${op.routine.schema}.` : ""}${op.routine.name}`;
    return {
      rule: "immutable-function-change",
      problem: `op.replaceFunction(${JSON.stringify(op.routine.name)}) changes ${changes.join(" and ")} of IMMUTABLE function ${name}: an index, generated column or partition key that uses it keeps what the old definition computed, so lookups through it return wrong rows until it is rebuilt${volatility !== "immutable" ? ", and a new index on it is refused" : ""}`,
      safeForm: [
        "// a new function under a new name, then a new index on it built concurrently, then drop the old index and function;",
        "// or, if the results do not change for existing rows, rebuild what uses it in the same deploy:",
        opCall("execute", `REINDEX INDEX CONCURRENTLY <each index using ${name}>`),
        "// (REINDEX ... CONCURRENTLY cannot run in a transaction: a revision with transactional: false)",
      ].join("\n"),
    };
  },
};
