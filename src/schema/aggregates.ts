/**
 * Aggregates in models (PostgreSQL). Export them from a model module like
 * tables, after the functions they use:
 *
 *   export const groupConcatStep = func("_group_concat", { args: ["text", "text"], returns: "text", volatility: "immutable", body: sql`...` });
 *   export const groupConcat = aggregate("group_concat", { args: ["text"], sfunc: groupConcatStep, stype: "text" });
 *
 * Support functions are func()s of the models or their names (`"app.step"`);
 * types compare as PostgreSQL prints them.
 */
import type { AggregateKind, FinalModify, OperatorName } from "../catalog/aggregates.js";
import { KilnError } from "../errors.js";
import { aggregateFromSpec, type AggregateSpec, type FunctionNameSpec } from "../operations/facade-aggregates.js";
import { OBJECT } from "./brand.js";
import { brandObject, type ModelObject } from "./objects.js";
import { typeText, type RoutineObject, type TypeRef } from "./routines.js";

export interface AggregateArgument {
  name?: string;
  type: TypeRef;
  mode?: "in" | "variadic";
}

/** A support function: a func() of the models, or its name (`"_group_concat"`, `"app.step"`, `{ schema, name }`). */
export type SupportFunction = RoutineObject | FunctionNameSpec;

export interface AggregateOptions {
  schema?: string;
  /** The input arguments (an ordered-set aggregate's direct ones); none: `agg(*)`. */
  args?: (AggregateArgument | TypeRef)[];
  /** Ordered-set and hypothetical aggregates: the aggregated arguments (after ORDER BY). */
  orderBy?: (AggregateArgument | TypeRef)[];
  /** Default `normal`. */
  kind?: AggregateKind;
  sfunc: SupportFunction;
  stype: TypeRef;
  sspace?: number;
  finalfunc?: SupportFunction;
  finalfuncExtra?: boolean;
  finalfuncModify?: FinalModify;
  combinefunc?: SupportFunction;
  serialfunc?: SupportFunction;
  deserialfunc?: SupportFunction;
  /** The state's initial value, as text (`"0"`, `"{0,0}"`). */
  initcond?: string;
  msfunc?: SupportFunction;
  minvfunc?: SupportFunction;
  mstype?: TypeRef;
  msspace?: number;
  mfinalfunc?: SupportFunction;
  mfinalfuncExtra?: boolean;
  mfinalfuncModify?: FinalModify;
  minitcond?: string;
  /** `"<"` (PostgreSQL's own), `"app.<<<"`, or `{ schema, name }`. */
  sortop?: string | OperatorName;
  parallel?: "safe" | "restricted" | "unsafe";
  comment?: string;
}

function supportFunction(fn: SupportFunction | undefined, what: string): FunctionNameSpec | undefined {
  if (fn === undefined || typeof fn === "string") return fn;
  if (typeof fn === "object" && fn !== null) {
    const definition = (fn as { [OBJECT]?: { kind: string } })[OBJECT];
    if (definition !== undefined && definition.kind !== "routine") throw new KilnError(`${what} must be a func() of the models or a function's name.`);
    const named = fn as { schema?: string; name: string };
    return { ...(named.schema !== undefined ? { schema: named.schema } : {}), name: named.name };
  }
  throw new KilnError(`${what} must be a func() of the models or a function's name.`);
}

function argumentsOf(list: (AggregateArgument | TypeRef)[] | undefined, what: string): AggregateSpec["args"] {
  return list?.map((a, i) => {
    if (typeof a === "object" && a !== null && "type" in a && !("typeName" in a) && !("$name" in a)) {
      const arg = a as AggregateArgument;
      return { ...(arg.name !== undefined ? { name: arg.name } : {}), type: typeText(arg.type, `${what}: the type of argument ${arg.name ?? i + 1}`), ...(arg.mode !== undefined ? { mode: arg.mode } : {}) };
    }
    return typeText(a as TypeRef, `${what}: the type of argument ${i + 1}`);
  });
}

/** CREATE AGGREGATE name(args) (SFUNC = ..., STYPE = ..., ...). */
export function aggregate(name: string, options: AggregateOptions): ModelObject & { readonly name: string; readonly schema?: string } {
  const what = `aggregate("${name}")`;
  if (typeof name !== "string" || name === "") throw new KilnError(`aggregate(name): the name must be a non-empty string.`);
  if (options?.sfunc === undefined || options.stype === undefined) throw new KilnError(`${what}: give its state function and type (sfunc, stype).`);
  const spec: AggregateSpec = {
    ...options,
    args: argumentsOf(options.args, what),
    orderBy: argumentsOf(options.orderBy, what),
    sfunc: supportFunction(options.sfunc, `${what}: sfunc`)!,
    stype: typeText(options.stype, `${what}: stype`),
    finalfunc: supportFunction(options.finalfunc, `${what}: finalfunc`),
    combinefunc: supportFunction(options.combinefunc, `${what}: combinefunc`),
    serialfunc: supportFunction(options.serialfunc, `${what}: serialfunc`),
    deserialfunc: supportFunction(options.deserialfunc, `${what}: deserialfunc`),
    msfunc: supportFunction(options.msfunc, `${what}: msfunc`),
    minvfunc: supportFunction(options.minvfunc, `${what}: minvfunc`),
    mfinalfunc: supportFunction(options.mfinalfunc, `${what}: mfinalfunc`),
    mstype: options.mstype === undefined ? undefined : typeText(options.mstype, `${what}: mstype`),
  };
  for (const key of Object.keys(spec) as (keyof AggregateSpec)[]) if (spec[key] === undefined) delete spec[key];
  const value = aggregateFromSpec(name, spec);
  return brandObject({ name, ...(value.schema !== undefined ? { schema: value.schema } : {}) }, { kind: "aggregate", value });
}
