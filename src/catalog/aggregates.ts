/**
 * Aggregates (CREATE AGGREGATE), PostgreSQL: what pg_aggregate holds, with the
 * aggregate's own pg_proc row (arguments, PARALLEL, comment).
 *
 * An aggregate is identified like a function, by schema, name and input
 * argument types (`group_concat(text)`): functions, procedures and aggregates
 * share one namespace. Its support functions are named by schema and name (the
 * aggregate's definition implies their argument types); types as format_type
 * prints them (database) or as written (model), compared through routineTypeKey.
 * Not modelled, named by the survey instead: the owner and privileges.
 */
import { KilnError } from "../errors.js";
import { routineSignature, routineTypeKey, type RoutineArgument } from "./routines.js";

export type AggregateKind = "normal" | "ordered-set" | "hypothetical";
/** FINALFUNC_MODIFY / MFINALFUNC_MODIFY. */
export type FinalModify = "read_only" | "shareable" | "read_write";

/** A function the aggregate calls, by schema and name (undefined schema: the default schema). */
export interface FunctionName {
  schema?: string;
  name: string;
}

/** An operator, by schema and name: `{ schema: "pg_catalog", name: "<" }` (undefined schema: the default schema). */
export interface OperatorName {
  schema?: string;
  name: string;
}

export interface Aggregate {
  schema?: string;
  name: string;
  /** Input arguments in order, the direct arguments of an ordered-set aggregate first; names and VARIADIC kept. No OUT or defaults. */
  arguments: Pick<RoutineArgument, "name" | "type" | "mode">[];
  /** Absent: normal. */
  kind?: Exclude<AggregateKind, "normal">;
  /**
   * Ordered-set and hypothetical aggregates: how many of `arguments` are direct
   * (aggnumdirectargs). Equal to the number of arguments when one VARIADIC
   * argument is both the last direct and the aggregated one (`VARIADIC "any" ORDER BY VARIADIC "any"`).
   */
  directArguments?: number;
  sfunc: FunctionName;
  stype: string;
  /** SSPACE, when not 0. */
  sspace?: number;
  finalfunc?: FunctionName;
  finalfuncExtra?: boolean;
  /** Absent: PostgreSQL's default (read_only; read_write for ordered-set and hypothetical aggregates). */
  finalfuncModify?: FinalModify;
  combinefunc?: FunctionName;
  serialfunc?: FunctionName;
  deserialfunc?: FunctionName;
  /** INITCOND, the text PostgreSQL keeps (agginitval); absent: NULL. */
  initcond?: string;
  /** Moving-aggregate mode (MSFUNC, MINVFUNC, MSTYPE, ...). */
  msfunc?: FunctionName;
  minvfunc?: FunctionName;
  mstype?: string;
  msspace?: number;
  mfinalfunc?: FunctionName;
  mfinalfuncExtra?: boolean;
  mfinalfuncModify?: FinalModify;
  minitcond?: string;
  sortop?: OperatorName;
  /** Absent: PARALLEL UNSAFE. */
  parallel?: "safe" | "restricted";
  comment?: string;
}

/** `group_concat(text)`: as object references name it (all input types, as proargtypes holds them). */
export function aggregateSignature(aggregate: Pick<Aggregate, "name" | "arguments">): string {
  return routineSignature({ name: aggregate.name, arguments: aggregate.arguments });
}

/** `app.group_concat(text)`: for messages. */
export function aggregateLabel(aggregate: Pick<Aggregate, "schema" | "name" | "arguments">): string {
  return `${aggregate.schema ? `${aggregate.schema}.` : ""}${aggregateSignature(aggregate)}`;
}

/** The default FINALFUNC_MODIFY of an aggregate of this kind. */
export function defaultFinalModify(kind: Aggregate["kind"]): FinalModify {
  return kind === undefined ? "read_only" : "read_write";
}

/**
 * The support functions with the argument types PostgreSQL looks them up by
 * (CREATE AGGREGATE's rules): the state functions take the state and every
 * input, a final function the state (and with FINALFUNC_EXTRA every input too),
 * a combine function two states, the (de)serial functions internal and bytea.
 */
export function aggregateSupportFunctions(aggregate: Aggregate): { role: string; fn: FunctionName; types: string[] }[] {
  const inputs = aggregateInputTypes(aggregate);
  const out: { role: string; fn: FunctionName; types: string[] }[] = [];
  const add = (role: string, fn: FunctionName | undefined, types: string[]) => {
    if (fn) out.push({ role, fn, types });
  };
  add("sfunc", aggregate.sfunc, [aggregate.stype, ...inputs]);
  add("finalfunc", aggregate.finalfunc, [aggregate.stype, ...(aggregate.finalfuncExtra ? inputs : [])]);
  add("combinefunc", aggregate.combinefunc, [aggregate.stype, aggregate.stype]);
  add("serialfunc", aggregate.serialfunc, ["internal"]);
  add("deserialfunc", aggregate.deserialfunc, ["bytea", "internal"]);
  if (aggregate.mstype !== undefined) {
    add("msfunc", aggregate.msfunc, [aggregate.mstype, ...inputs]);
    add("minvfunc", aggregate.minvfunc, [aggregate.mstype, ...inputs]);
    add("mfinalfunc", aggregate.mfinalfunc, [aggregate.mstype, ...(aggregate.mfinalfuncExtra ? inputs : [])]);
  }
  return out;
}

/** The input types a state function receives: every argument (a shared VARIADIC one counted once, as proargtypes holds it). */
function aggregateInputTypes(aggregate: Aggregate): string[] {
  return aggregate.arguments.map((a) => a.type);
}

/** One spelling of a function name for comparing (the default schema as undefined). */
export function functionNameKey(fn: FunctionName | undefined): string | null {
  return fn === undefined ? null : `${fn.schema ?? ""}\u0000${fn.name}`;
}

/** Everything CREATE AGGREGATE sets, in one spelling, for comparing two definitions (the comment apart). */
export function aggregateDefinitionKey(a: Aggregate): string {
  const modify = (value: FinalModify | undefined) => value ?? defaultFinalModify(a.kind);
  return JSON.stringify({
    arguments: a.arguments.map((x) => [x.name ?? null, x.mode ?? "in", routineTypeKey(x.type)]),
    kind: a.kind ?? "normal",
    directArguments: a.kind === undefined ? null : (a.directArguments ?? 0),
    sfunc: functionNameKey(a.sfunc),
    stype: routineTypeKey(a.stype),
    sspace: a.sspace ?? 0,
    finalfunc: functionNameKey(a.finalfunc),
    finalfuncExtra: !!a.finalfuncExtra,
    finalfuncModify: modify(a.finalfuncModify),
    combinefunc: functionNameKey(a.combinefunc),
    serialfunc: functionNameKey(a.serialfunc),
    deserialfunc: functionNameKey(a.deserialfunc),
    initcond: a.initcond ?? null,
    msfunc: functionNameKey(a.msfunc),
    minvfunc: functionNameKey(a.minvfunc),
    mstype: a.mstype === undefined ? null : routineTypeKey(a.mstype),
    msspace: a.msspace ?? 0,
    mfinalfunc: functionNameKey(a.mfinalfunc),
    mfinalfuncExtra: !!a.mfinalfuncExtra,
    // Without a moving-aggregate mode the modify flag means nothing (PostgreSQL stores the default).
    mfinalfuncModify: a.mstype === undefined ? null : modify(a.mfinalfuncModify),
    minitcond: a.minitcond ?? null,
    sortop: a.sortop === undefined ? null : `${a.sortop.schema ?? ""}\u0000${a.sortop.name}`,
    parallel: a.parallel ?? "unsafe",
  });
}

/** For a database without CREATE AGGREGATE (MySQL/MariaDB, SQLite): the models' aggregates, named. */
export function aggregatesUnsupported(database: string, aggregates: readonly Aggregate[]): KilnError {
  const names = aggregates.map(aggregateLabel);
  return new KilnError(
    `the models declare ${names.length === 1 ? `aggregate ${names[0]}` : `aggregates ${names.join(", ")}`}, but kiln supports user-defined aggregates (CREATE AGGREGATE) only on PostgreSQL, not on ${database}. Remove ${names.length === 1 ? "it" : "them"} from the models for this database.`,
  );
}
