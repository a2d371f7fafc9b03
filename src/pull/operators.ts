/** Operators -> `export const reverseTextregexeqOperator = operator("~<<", { left: "text", right: "text", function: reverseTextregexeq });` */
import { type Operator, operatorSignature, type OperatorTarget } from "../catalog/operators.js";
import { code, options, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";
import { routineKey } from "./routines.js";

/** The key an operator's export is found by: schema, symbol and argument types. */
export function operatorExportKey(o: Operator): { schema?: string; name: string } {
  return { ...(o.schema !== undefined ? { schema: o.schema } : {}), name: operatorSignature(o) };
}

/** A function target: its name, or { schema, name }. */
function target(t: OperatorTarget | undefined): unknown {
  if (t === undefined) return undefined;
  return t.schema === undefined ? t.name : { schema: t.schema, name: t.name };
}

export function operatorDeclaration(ctx: PullContext, o: Operator): Declaration {
  const key = operatorExportKey(o);
  const d = declaration("operator", key, ctx.exportName("operator", key)!);
  d.imports.add("operator");
  // The function: its export when pulled (it takes the operator's argument types).
  const types = o.left === undefined ? [o.right] : [o.left, o.right];
  const routine = (ctx.catalog.routines ?? []).find(
    (r) => r.kind === "function" && r.name === o.function.name && r.schema === o.function.schema && routineKey(r) === routineKey({ name: r.name, arguments: types.map((type) => ({ type })) }),
  );
  const fnExport = routine ? ctx.exportName("routine", { schema: routine.schema, name: routineKey(routine) }) : undefined;
  if (fnExport) {
    d.uses.add(fnExport);
    d.eager.add(fnExport);
  }
  const opts = options({
    schema: o.schema,
    left: o.left,
    right: o.right,
    function: fnExport !== undefined ? code(fnExport) : target(o.function),
    commutator: target(o.commutator),
    negator: target(o.negator),
    restrict: target(o.restrict),
    join: target(o.join),
    hashes: o.hashes || undefined,
    merges: o.merges || undefined,
    comment: o.comment,
  });
  d.code = `export const ${d.exportName} = operator(${str(o.name)}, ${opts});`;
  return d;
}
