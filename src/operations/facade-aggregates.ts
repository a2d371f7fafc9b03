/** Arguments of op.createAggregate / op.dropAggregate and of the models' aggregate() -> catalog objects (and back, for rendering). */
import type { Aggregate, AggregateKind, FinalModify, FunctionName, OperatorName } from "../catalog/aggregates.js";
import { KilnError, nonEmptyText } from "../errors.js";
import type { AggregateSignatureFields } from "./aggregates.js";

export interface AggregateArgumentSpec {
  name?: string;
  /** The type as SQL (`text`, `"any"`, `anyelement`). */
  type: string;
  /** VARIADIC (the last argument only). */
  mode?: "in" | "variadic";
}

/** What names an aggregate in DROP / COMMENT ON: op.dropAggregate(name, { schema, args, orderBy, kind }). */
export interface AggregateSignatureSpec {
  schema?: string;
  /** The input arguments (the direct ones of an ordered-set aggregate): `["text"]`, `[{ name: "sep", type: "text" }]`; none: `agg(*)`. */
  args?: (AggregateArgumentSpec | string)[];
  /** Ordered-set and hypothetical aggregates: the aggregated arguments (after ORDER BY). */
  orderBy?: (AggregateArgumentSpec | string)[];
  /** Default `normal`. */
  kind?: AggregateKind;
}

/** A support function: `"_group_concat"` (the default schema), `"app.concat_step"`, or `{ schema, name }`. */
export type FunctionNameSpec = string | { schema?: string; name: string };

export interface AggregateSpec extends AggregateSignatureSpec {
  sfunc: FunctionNameSpec;
  stype: string;
  sspace?: number;
  finalfunc?: FunctionNameSpec;
  finalfuncExtra?: boolean;
  finalfuncModify?: FinalModify;
  combinefunc?: FunctionNameSpec;
  serialfunc?: FunctionNameSpec;
  deserialfunc?: FunctionNameSpec;
  /** INITCOND: the state's initial value as text (`"0"`, `"{0,0}"`). */
  initcond?: string;
  msfunc?: FunctionNameSpec;
  minvfunc?: FunctionNameSpec;
  mstype?: string;
  msspace?: number;
  mfinalfunc?: FunctionNameSpec;
  mfinalfuncExtra?: boolean;
  mfinalfuncModify?: FinalModify;
  minitcond?: string;
  /** SORTOP: `"<"` (PostgreSQL's own, in pg_catalog), `"app.<<<"`, or `{ schema, name }`. */
  sortop?: string | OperatorName;
  parallel?: "safe" | "restricted" | "unsafe";
  comment?: string;
}

function functionName(spec: FunctionNameSpec, what: string): FunctionName {
  if (typeof spec === "object" && spec !== null) {
    return { ...(spec.schema !== undefined ? { schema: nonEmptyText(spec.schema, `${what}: schema`) } : {}), name: nonEmptyText(spec.name, what) };
  }
  const text = nonEmptyText(spec, what);
  const dot = text.indexOf(".");
  return dot < 0 ? { name: text } : { schema: text.slice(0, dot), name: nonEmptyText(text.slice(dot + 1), what) };
}

function operatorName(spec: string | OperatorName, what: string): OperatorName {
  if (typeof spec === "object" && spec !== null) {
    return { ...(spec.schema !== undefined ? { schema: nonEmptyText(spec.schema, `${what}: schema`) } : {}), name: nonEmptyText(spec.name, what) };
  }
  const text = nonEmptyText(spec, what).trim();
  // Operator names have no dots: the last one separates the schema. Unqualified: PostgreSQL's own.
  const dot = text.lastIndexOf(".");
  return dot < 0 ? { schema: "pg_catalog", name: text } : { schema: text.slice(0, dot), name: text.slice(dot + 1) };
}

function argument(spec: AggregateArgumentSpec | string, what: string): Aggregate["arguments"][number] {
  if (typeof spec === "string") return { type: nonEmptyText(spec, `${what}: an argument type`) };
  const out: Aggregate["arguments"][number] = { type: nonEmptyText(spec.type, `${what}: the type of argument ${spec.name ?? ""}`.trim()) };
  if (spec.name !== undefined) out.name = nonEmptyText(spec.name, `${what}: an argument name`);
  const mode = spec.mode === undefined ? "in" : String(spec.mode).toLowerCase();
  if (mode !== "in" && mode !== "variadic") throw new KilnError(`${what}: an aggregate's arguments are IN or VARIADIC, got ${JSON.stringify(spec.mode)}.`);
  if (mode === "variadic") out.mode = "variadic";
  return out;
}

const MODIFY = new Set(["read_only", "shareable", "read_write"]);

function modify(value: string | undefined, what: string): FinalModify | undefined {
  if (value === undefined) return undefined;
  const text = value.toLowerCase();
  if (!MODIFY.has(text)) throw new KilnError(`${what} must be read_only, shareable or read_write, got ${JSON.stringify(value)}.`);
  return text as FinalModify;
}

function space(value: number | undefined, what: string): number | undefined {
  if (value === undefined || value === 0) return undefined;
  if (!Number.isInteger(value) || value < 0) throw new KilnError(`${what} must be a whole number of bytes, got ${JSON.stringify(value)}.`);
  return value;
}


function argumentsFromSpec(kind: AggregateKind, spec: AggregateSignatureSpec, where: string): { args: Aggregate["arguments"]; directArguments?: number } {
  const direct = (spec.args ?? []).map((a) => argument(a, where));
  const ordered = (spec.orderBy ?? []).map((a) => argument(a, where));
  if (kind === "normal" && spec.orderBy !== undefined) throw new KilnError(`${where}: orderBy is for ordered-set and hypothetical aggregates (kind: "ordered-set").`);
  if (kind === "normal") return { args: direct };
  if (ordered.length === 0) throw new KilnError(`${where}: an ${kind} aggregate needs its aggregated arguments (orderBy).`);
  // `VARIADIC "any" ORDER BY VARIADIC "any"`: one argument, both the last direct and the aggregated one (as PostgreSQL keeps it).
  const last = direct[direct.length - 1];
  const only = ordered.length === 1 ? ordered[0]! : undefined;
  if (last?.mode === "variadic" && only?.mode === "variadic" && only.type === last.type && only.name === undefined) return { args: direct, directArguments: direct.length };
  return { args: [...direct, ...ordered], directArguments: direct.length };
}

function kindOf(spec: { kind?: AggregateKind }, where: string): AggregateKind {
  const kind = spec.kind ?? "normal";
  if (kind !== "normal" && kind !== "ordered-set" && kind !== "hypothetical") {
    throw new KilnError(`${where}: kind must be normal, ordered-set or hypothetical, got ${JSON.stringify(spec.kind)}.`);
  }
  return kind;
}

/** The signature fields of op.dropAggregate / op.commentAggregate. */
export function aggregateSignatureFromSpec(name: string, spec: AggregateSignatureSpec): AggregateSignatureFields {
  nonEmptyText(name, "aggregate(name)");
  const where = `aggregate ${name}`;
  const kind = kindOf(spec, where);
  const { args, directArguments } = argumentsFromSpec(kind, spec, where);
  return {
    ...(spec.schema !== undefined ? { schema: nonEmptyText(spec.schema, `${where}: schema`) } : {}),
    name,
    arguments: args,
    ...(kind !== "normal" ? { directArguments: directArguments ?? 0, aggregateKind: kind } : {}),
  };
}

/** The signature of an aggregate as the spec of op.dropAggregate / op.commentAggregate. */
export function aggregateSignatureSpec(fields: AggregateSignatureFields): Record<string, unknown> {
  const aggregate: Aggregate = {
    ...(fields.schema !== undefined ? { schema: fields.schema } : {}),
    name: fields.name,
    arguments: fields.arguments,
    ...(fields.aggregateKind !== undefined ? { kind: fields.aggregateKind, directArguments: fields.directArguments ?? 0 } : {}),
    sfunc: { name: "-" },
    stype: "-",
  };
  const { schema, args, orderBy, kind } = aggregateSpec(aggregate);
  return { schema, args, orderBy, kind };
}

/** The aggregate a spec describes, with PostgreSQL's defaults left out (as introspection leaves them out). */
export function aggregateFromSpec(name: string, spec: AggregateSpec): Aggregate {
  nonEmptyText(name, "aggregate(name)");
  const where = `aggregate ${name}`;
  const kind = kindOf(spec, where);
  const { args, directArguments } = argumentsFromSpec(kind, spec, where);
  const aggregate: Aggregate = {
    ...(spec.schema !== undefined ? { schema: nonEmptyText(spec.schema, `${where}: schema`) } : {}),
    name,
    arguments: args,
    ...(kind !== "normal" ? { kind, directArguments } : {}),
    sfunc: functionName(spec.sfunc, `${where}: sfunc`),
    stype: nonEmptyText(spec.stype, `${where}: stype`),
  };
  const set = <K extends keyof Aggregate>(key: K, value: Aggregate[K] | undefined) => {
    if (value !== undefined && value !== false) aggregate[key] = value;
  };
  set("sspace", space(spec.sspace, `${where}: sspace`));
  if (spec.finalfunc !== undefined) set("finalfunc", functionName(spec.finalfunc, `${where}: finalfunc`));
  set("finalfuncExtra", spec.finalfuncExtra === true ? true : undefined);
  const finalModify = modify(spec.finalfuncModify, `${where}: finalfuncModify`);
  if (finalModify !== undefined && finalModify !== (kind === "normal" ? "read_only" : "read_write")) aggregate.finalfuncModify = finalModify;
  for (const key of ["combinefunc", "serialfunc", "deserialfunc", "msfunc", "minvfunc", "mfinalfunc"] as const) {
    if (spec[key] !== undefined) aggregate[key] = functionName(spec[key]!, `${where}: ${key}`);
  }
  if (spec.initcond !== undefined) aggregate.initcond = String(spec.initcond);
  if (spec.mstype !== undefined) aggregate.mstype = nonEmptyText(spec.mstype, `${where}: mstype`);
  set("msspace", space(spec.msspace, `${where}: msspace`));
  set("mfinalfuncExtra", spec.mfinalfuncExtra === true ? true : undefined);
  const mModify = modify(spec.mfinalfuncModify, `${where}: mfinalfuncModify`);
  if (mModify !== undefined && mModify !== (kind === "normal" ? "read_only" : "read_write")) aggregate.mfinalfuncModify = mModify;
  if (spec.minitcond !== undefined) aggregate.minitcond = String(spec.minitcond);
  if (spec.sortop !== undefined) aggregate.sortop = operatorName(spec.sortop, `${where}: sortop`);
  if (spec.parallel !== undefined && spec.parallel !== "unsafe") {
    if (spec.parallel !== "safe" && spec.parallel !== "restricted") throw new KilnError(`${where}: parallel must be safe, restricted or unsafe, got ${JSON.stringify(spec.parallel)}.`);
    aggregate.parallel = spec.parallel;
  }
  if (spec.comment !== undefined) aggregate.comment = spec.comment;
  const moving = [aggregate.msfunc, aggregate.minvfunc, aggregate.mstype];
  if (moving.some((x) => x !== undefined) && moving.some((x) => x === undefined)) {
    throw new KilnError(`${where}: a moving-aggregate mode needs msfunc, minvfunc and mstype together.`);
  }
  return aggregate;
}

function functionSpec(fn: FunctionName | undefined): FunctionNameSpec | undefined {
  if (fn === undefined) return undefined;
  return fn.schema === undefined && !fn.name.includes(".") ? fn.name : { ...(fn.schema !== undefined ? { schema: fn.schema } : {}), name: fn.name };
}

function argumentSpec(a: Aggregate["arguments"][number]): AggregateArgumentSpec | string {
  return a.name === undefined && a.mode === undefined ? a.type : { ...(a.name !== undefined ? { name: a.name } : {}), type: a.type, ...(a.mode === "variadic" ? { mode: "variadic" as const } : {}) };
}

/** The spec that gives `aggregate` back through aggregateFromSpec (rendering revision files and models). */
export function aggregateSpec(aggregate: Aggregate): Record<string, unknown> {
  const direct = aggregate.kind === undefined ? aggregate.arguments : aggregate.arguments.slice(0, aggregate.directArguments ?? 0);
  let ordered = aggregate.kind === undefined ? [] : aggregate.arguments.slice(aggregate.directArguments ?? 0);
  const last = aggregate.arguments[aggregate.arguments.length - 1];
  if (aggregate.kind !== undefined && ordered.length === 0 && last !== undefined) ordered = [{ type: last.type, mode: "variadic" }];
  const sortop = aggregate.sortop === undefined ? undefined : aggregate.sortop.schema === "pg_catalog" ? aggregate.sortop.name : { ...aggregate.sortop };
  return {
    schema: aggregate.schema,
    args: direct.length > 0 ? direct.map(argumentSpec) : undefined,
    orderBy: ordered.length > 0 ? ordered.map(argumentSpec) : undefined,
    kind: aggregate.kind,
    sfunc: functionSpec(aggregate.sfunc),
    stype: aggregate.stype,
    sspace: aggregate.sspace,
    finalfunc: functionSpec(aggregate.finalfunc),
    finalfuncExtra: aggregate.finalfuncExtra,
    finalfuncModify: aggregate.finalfuncModify,
    combinefunc: functionSpec(aggregate.combinefunc),
    serialfunc: functionSpec(aggregate.serialfunc),
    deserialfunc: functionSpec(aggregate.deserialfunc),
    initcond: aggregate.initcond,
    msfunc: functionSpec(aggregate.msfunc),
    minvfunc: functionSpec(aggregate.minvfunc),
    mstype: aggregate.mstype,
    msspace: aggregate.msspace,
    mfinalfunc: functionSpec(aggregate.mfinalfunc),
    mfinalfuncExtra: aggregate.mfinalfuncExtra,
    mfinalfuncModify: aggregate.mfinalfuncModify,
    minitcond: aggregate.minitcond,
    sortop,
    parallel: aggregate.parallel,
    comment: aggregate.comment,
  };
}
