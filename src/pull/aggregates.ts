/**
 * Aggregates -> `export const groupConcat = aggregate("group_concat", { args: ["text"], sfunc: groupConcatFn, stype: "text" });`
 * A support function pulled as a func() is named by its export (so the
 * aggregate comes after it); any other by its name.
 */
import { type Aggregate, aggregateSupportFunctions, type FunctionName } from "../catalog/aggregates.js";
import { inputArguments, routineTypeKey } from "../catalog/routines.js";
import { aggregateSpec } from "../operations/facade-aggregates.js";
import { code, options, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";
import { routineKey } from "./routines.js";

/** The key an aggregate's export is found by: name and input argument types. */
export function aggregateKey(a: Pick<Aggregate, "name" | "arguments">): string {
  return `${a.name}(${a.arguments.map((x) => x.type).join(", ")})`;
}

export function aggregateDeclaration(ctx: PullContext, a: Aggregate): Declaration {
  const key = { schema: a.schema, name: aggregateKey(a) };
  const d = declaration("aggregate", key, ctx.exportName("aggregate", key)!);
  d.imports.add("aggregate");
  // Each support function: its export when pulled, found by the argument types PostgreSQL looks it up by.
  const exports = new Map<string, string>();
  for (const { role, fn, types } of aggregateSupportFunctions(a)) {
    const wanted = types.map(routineTypeKey).join(", ");
    const routine = (ctx.catalog.routines ?? []).find(
      (r) => r.kind === "function" && r.name === fn.name && r.schema === fn.schema && inputArguments(r).map((x) => routineTypeKey(x.type)).join(", ") === wanted,
    );
    const exported = routine ? ctx.exportName("routine", { schema: routine.schema, name: routineKey(routine) }) : undefined;
    if (exported === undefined) continue;
    exports.set(role, exported);
    d.uses.add(exported);
    d.eager.add(exported);
  }
  const spec = aggregateSpec(a);
  const fnCode = (role: string, fn: FunctionName | undefined) => (fn === undefined ? undefined : exports.has(role) ? code(exports.get(role)!) : spec[role]);
  const opts = options({
    ...spec,
    sfunc: fnCode("sfunc", a.sfunc),
    finalfunc: fnCode("finalfunc", a.finalfunc),
    combinefunc: fnCode("combinefunc", a.combinefunc),
    serialfunc: fnCode("serialfunc", a.serialfunc),
    deserialfunc: fnCode("deserialfunc", a.deserialfunc),
    msfunc: fnCode("msfunc", a.msfunc),
    minvfunc: fnCode("minvfunc", a.minvfunc),
    mfinalfunc: fnCode("mfinalfunc", a.mfinalfunc),
  });
  d.code = `export const ${d.exportName} = aggregate(${str(a.name)}, ${opts});`;
  return d;
}
