/** Arguments of the routine and trigger operations in revision files (op.createFunction(...), ...) -> catalog objects. */
import type { ArgumentMode, Parallel, Routine, RoutineArgument, RoutineDataAccess, Volatility } from "../catalog/routines.js";
import type { Trigger, TriggerEvent, TriggerTiming } from "../catalog/triggers.js";
import type { Deferrable } from "../catalog/types.js";
import { KilnError } from "../errors.js";

export interface ArgumentSpec {
  name?: string;
  /** The type as SQL (`integer`, `text[]`, `app.status`). */
  type: string;
  /** Default `in`. */
  mode?: ArgumentMode;
  /** SQL text, e.g. `0`, `'none'::text`. */
  default?: string;
}

export interface RoutineSpec {
  schema?: string;
  /** Arguments in order: `[{ name: "id", type: "integer" }]`, or bare types: `["integer"]`. */
  args?: (ArgumentSpec | string)[];
  /** Functions: the result as SQL (`integer`, `trigger`, `SETOF film`, `TABLE(id integer, title text)`). */
  returns?: string;
  /** Default `sql`. */
  language?: string;
  /** The body exactly as PostgreSQL keeps it (what goes between the dollar quotes). */
  body: string;
  volatility?: Volatility;
  strict?: boolean;
  securityDefiner?: boolean;
  leakproof?: boolean;
  parallel?: Parallel;
  cost?: string | number;
  rows?: string | number;
  /** SET name = value, in order: `{ search_path: "public, pg_temp" }`. */
  set?: Record<string, string>;
  comment?: string;
  /** MySQL/MariaDB: DETERMINISTIC. */
  deterministic?: boolean;
  /** MySQL/MariaDB: "no sql", "reads sql data" or "modifies sql data" (absent: CONTAINS SQL). */
  dataAccess?: RoutineDataAccess;
  /** MySQL/MariaDB: SQL SECURITY INVOKER (absent: DEFINER). */
  securityInvoker?: boolean;
  /** MySQL/MariaDB: the parameter list the server kept, used word for word while it says the same arguments (downgrades). */
  parameterText?: string;
}

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new KilnError(`${what} must be a non-empty string, got ${JSON.stringify(value)}.`);
  return value;
}

const MODES = new Set(["in", "out", "inout", "variadic"]);

export function argumentFromSpec(spec: ArgumentSpec | string, where: string): RoutineArgument {
  if (typeof spec === "string") return { type: nonEmpty(spec, `${where}: an argument type`) };
  const argument: RoutineArgument = { type: nonEmpty(spec.type, `${where}: the type of argument ${spec.name ?? ""}`.trim()) };
  if (spec.name !== undefined) argument.name = nonEmpty(spec.name, `${where}: an argument name`);
  if (spec.mode !== undefined) {
    const mode = String(spec.mode).toLowerCase();
    if (!MODES.has(mode)) throw new KilnError(`${where}: argument mode must be in, out, inout or variadic, got ${JSON.stringify(spec.mode)}.`);
    if (mode !== "in") argument.mode = mode as RoutineArgument["mode"] & string;
  }
  if (spec.default !== undefined) argument.default = nonEmpty(spec.default, `${where}: the default of argument ${spec.name ?? ""}`.trim());
  return argument;
}

/** The routine a spec describes, with PostgreSQL's defaults left out (as introspection leaves them out). */
export function routineFromSpec(kind: Routine["kind"], name: string, spec: RoutineSpec): Routine {
  const where = `${kind} ${name}`;
  nonEmpty(name, `${kind}(name)`);
  if (typeof spec.body !== "string") throw new KilnError(`${where}: give the body as SQL text ("body").`);
  const routine: Routine = {
    kind,
    ...(spec.schema !== undefined ? { schema: nonEmpty(spec.schema, `${where}: schema`) } : {}),
    name,
    arguments: (spec.args ?? []).map((a) => argumentFromSpec(a, where)),
    language: (spec.language ?? "sql").toLowerCase(),
    body: spec.body,
  };
  if (kind === "function") routine.returns = nonEmpty(spec.returns, `${where}: returns`);
  else if (spec.returns !== undefined) throw new KilnError(`${where}: a procedure returns nothing; leave "returns" out (OUT arguments give results).`);
  if (spec.volatility !== undefined && spec.volatility !== "volatile") routine.volatility = spec.volatility;
  if (spec.strict) routine.strict = true;
  if (spec.securityDefiner) routine.securityDefiner = true;
  if (spec.leakproof) routine.leakproof = true;
  if (spec.deterministic) routine.deterministic = true;
  if (spec.dataAccess !== undefined) {
    const access = String(spec.dataAccess).toLowerCase();
    if (access !== "no sql" && access !== "reads sql data" && access !== "modifies sql data" && access !== "contains sql") {
      throw new KilnError(`${where}: dataAccess must be "no sql", "reads sql data", "modifies sql data" or "contains sql", got ${JSON.stringify(spec.dataAccess)}.`);
    }
    if (access !== "contains sql") routine.dataAccess = access as RoutineDataAccess;
  }
  if (spec.securityInvoker) routine.securityInvoker = true;
  if (spec.parameterText !== undefined) routine.parameterText = spec.parameterText;
  if (spec.parallel !== undefined && spec.parallel !== "unsafe") routine.parallel = spec.parallel;
  if (spec.cost !== undefined) routine.cost = String(spec.cost);
  if (spec.rows !== undefined) routine.rows = String(spec.rows);
  const config = Object.entries(spec.set ?? {});
  if (config.length > 0) routine.config = config.map(([key, value]) => [key, nonEmpty(value, `${where}: SET ${key}`)]);
  if (spec.comment !== undefined) routine.comment = spec.comment;
  return routine;
}

export type TriggerEventSpec = TriggerEvent["event"] | { update: string[] };

export interface TriggerSpec {
  /** The table's schema. */
  schema?: string;
  timing: TriggerTiming;
  events: TriggerEventSpec[];
  /** Default `row`. */
  forEach?: "row" | "statement";
  /** WHEN condition as SQL text (`new.status IS DISTINCT FROM old.status`). */
  when?: string;
  /** PostgreSQL: the trigger function, its name or `{ schema, name }`. */
  function?: string | { schema?: string; name: string };
  /** SQLite, MySQL/MariaDB: the statements it runs (SQLite: what goes between BEGIN and END; MySQL: the action statement), exact text. */
  body?: string;
  /** Literal arguments for the function (TG_ARGV). */
  args?: string[];
  /** A constraint trigger: `{ deferrable: "deferred" }` (or `{}`: NOT DEFERRABLE). */
  constraint?: { deferrable?: Deferrable; from?: { schema?: string; table: string } };
  /** Transition tables of an AFTER trigger. */
  referencing?: { oldTable?: string; newTable?: string };
  enabled?: Trigger["enabled"];
  comment?: string;
  /** MySQL/MariaDB: the trigger of the same table, timing and event that fires just before this one (FOLLOWS). */
  follows?: string;
  /** SQLite, MySQL: the CREATE TRIGGER text the database kept, used word for word while it still describes this trigger (downgrades). */
  sql?: string;
}

const TIMINGS = new Set(["before", "after", "instead of"]);
const EVENTS = new Set(["insert", "update", "delete", "truncate"]);
const EVENT_ORDER = ["insert", "delete", "update", "truncate"];

export function triggerFromSpec(name: string, table: string, spec: TriggerSpec): Trigger {
  const where = `trigger ${name}`;
  nonEmpty(name, "trigger(name)");
  nonEmpty(table, `${where}: table`);
  const timing = String(spec.timing).toLowerCase();
  if (!TIMINGS.has(timing)) throw new KilnError(`${where}: timing must be "before", "after" or "instead of", got ${JSON.stringify(spec.timing)}.`);
  if (!Array.isArray(spec.events) || spec.events.length === 0) throw new KilnError(`${where}: give its events, e.g. events: ["insert", { update: ["status"] }].`);
  const events: TriggerEvent[] = spec.events.map((e) => {
    if (typeof e === "object" && e !== null && Array.isArray((e as { update?: unknown }).update)) {
      return { event: "update", columns: (e as { update: string[] }).update.map((c) => nonEmpty(c, `${where}: an UPDATE OF column`)) };
    }
    const event = String(e).toLowerCase();
    if (!EVENTS.has(event)) throw new KilnError(`${where}: an event must be insert, update, delete, truncate or { update: [columns] }, got ${JSON.stringify(e)}.`);
    return { event: event as TriggerEvent["event"] };
  });
  events.sort((a, b) => EVENT_ORDER.indexOf(a.event) - EVENT_ORDER.indexOf(b.event));
  const fn = typeof spec.function === "string" ? { name: spec.function } : spec.function;
  if (spec.body !== undefined && fn !== undefined) throw new KilnError(`${where}: give either "function" (PostgreSQL) or "body" (SQLite, MySQL), not both.`);
  if (spec.body !== undefined) nonEmpty(spec.body, `${where}: body`);
  else if (!fn || typeof fn.name !== "string" || fn.name === "") throw new KilnError(`${where}: give the function it executes ("function"; PostgreSQL) or the statements it runs ("body"; SQLite, MySQL).`);
  const trigger: Trigger = {
    ...(spec.schema !== undefined ? { schema: nonEmpty(spec.schema, `${where}: schema`) } : {}),
    table,
    name,
    timing: timing as TriggerTiming,
    events,
    forEach: spec.forEach ?? "row",
    ...(fn ? { function: { ...(fn.schema !== undefined ? { schema: fn.schema } : {}), name: fn.name } } : {}),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
  };
  if (spec.forEach !== undefined && spec.forEach !== "row" && spec.forEach !== "statement") throw new KilnError(`${where}: forEach must be "row" or "statement".`);
  if (spec.when !== undefined) trigger.when = nonEmpty(spec.when, `${where}: when`);
  if (spec.args !== undefined && spec.args.length > 0) trigger.args = spec.args.map(String);
  if (spec.constraint !== undefined) {
    trigger.constraint = {};
    if (spec.constraint.deferrable !== undefined) trigger.constraint.deferrable = spec.constraint.deferrable;
    if (spec.constraint.from !== undefined) trigger.constraint.from = { ...spec.constraint.from };
  }
  if (spec.referencing && (spec.referencing.oldTable !== undefined || spec.referencing.newTable !== undefined)) {
    trigger.referencing = {
      ...(spec.referencing.oldTable !== undefined ? { oldTable: spec.referencing.oldTable } : {}),
      ...(spec.referencing.newTable !== undefined ? { newTable: spec.referencing.newTable } : {}),
    };
  }
  if (spec.enabled !== undefined) trigger.enabled = spec.enabled;
  if (spec.comment !== undefined) trigger.comment = spec.comment;
  if (spec.follows !== undefined) trigger.follows = nonEmpty(spec.follows, `${where}: follows`);
  if (spec.sql !== undefined) trigger.sql = spec.sql;
  return trigger;
}
