/**
 * Functions, procedures and triggers in models (PostgreSQL). Export them from a
 * model module like tables:
 *
 *   export const touch = func("touch_updated_at", {
 *     returns: "trigger",
 *     language: "plpgsql",
 *     body: sql`
 *   begin
 *     new.updated_at := now();
 *     return new;
 *   end`,
 *   });
 *   export const usersTouch = trigger("users_touch", {
 *     table: users, timing: "before", events: ["update"], function: touch,
 *   });
 *
 * The body is kept exactly as written (PostgreSQL stores it so); types,
 * defaults and WHEN conditions compare as PostgreSQL prints them.
 */
import type { ArgumentMode, Parallel, Routine, RoutineDataAccess, Volatility } from "../catalog/routines.js";
import type { Trigger, TriggerTiming } from "../catalog/triggers.js";
import type { Deferrable } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import { routineFromSpec, triggerFromSpec, type TriggerEventSpec } from "../operations/facade-routines.js";
import { ENUM, OBJECT, TABLE } from "./brand.js";
import { brandObject, type ModelObject } from "./objects.js";
import { isSqlFragment, type SqlFragment } from "./sql.js";

/** A type: SQL text (`integer`, `text[]`, `app.status`), an enum, domain or composite type of the models, or a table (its row type). */
export type TypeRef = string | { readonly typeName: string } | { readonly name: string; readonly schema?: string; readonly [ENUM]: unknown } | { readonly $name: string; readonly $schema: string | undefined };

export interface FunctionArgument {
  name?: string;
  type: TypeRef;
  mode?: ArgumentMode;
  /** SQL text: write it as PostgreSQL prints it (`'none'::text`), or it compares as changed. */
  default?: string | SqlFragment;
}

interface RoutineOptionsBase {
  schema?: string;
  args?: (FunctionArgument | TypeRef)[];
  /** Default `sql`. */
  language?: string;
  /** The body, exactly as PostgreSQL keeps it. */
  body: string | SqlFragment;
  securityDefiner?: boolean;
  /** SET search_path = ... for calls of the routine (`"public, pg_temp"` or `["public", "pg_temp"]`). */
  searchPath?: string | readonly string[];
  /** Other settings: SET name = value, e.g. `{ work_mem: "64MB" }`. */
  set?: Record<string, string>;
  comment?: string;
  /** MySQL/MariaDB: "no sql", "reads sql data" or "modifies sql data" (absent: CONTAINS SQL). */
  dataAccess?: RoutineDataAccess;
  /** MySQL/MariaDB: SQL SECURITY INVOKER (absent: DEFINER, MySQL's default). */
  securityInvoker?: boolean;
  /**
   * MySQL/MariaDB: the parameter list laid out exactly so (SHOW CREATE prints it
   * as written); it must say the same parameters as `args`. Absent: `IN p_id INT, ...`.
   */
  parameterText?: string;
}

export interface FunctionOptions extends RoutineOptionsBase {
  /** MySQL/MariaDB: DETERMINISTIC. */
  deterministic?: boolean;
  /** `"integer"`, `"trigger"`, `"setof film"`, `{ setof: films }`, `{ table: { id: "integer", title: "text" } }`. */
  returns: TypeRef | { setof: TypeRef } | { table: Record<string, TypeRef> };
  volatility?: Volatility;
  strict?: boolean;
  leakproof?: boolean;
  parallel?: Parallel;
  cost?: number;
  rows?: number;
}

export type ProcedureOptions = RoutineOptionsBase;

/** A function or procedure of the models: its definition, and what a trigger names. */
export interface RoutineObject extends ModelObject {
  readonly name: string;
  readonly schema?: string;
}

export function typeText(type: TypeRef, what: string): string {
  if (typeof type === "string") {
    if (type.trim() === "") throw new KilnError(`${what} is empty.`);
    return type;
  }
  if (type && typeof type === "object" && "$name" in type) return type.$schema ? `${type.$schema}.${type.$name}` : type.$name;
  if (type && (typeof type === "object" || typeof type === "function")) {
    if ("typeName" in type && typeof type.typeName === "string") return type.typeName;
    if (ENUM in type) {
      const e = type as { name: string; schema?: string };
      return e.schema ? `${e.schema}.${e.name}` : e.name;
    }
  }
  throw new KilnError(`${what} must be SQL text, an enum or type of the models, or a table.`);
}

function sqlText(value: string | SqlFragment): string {
  return isSqlFragment(value) ? value.toSql() : value;
}

/** `TABLE(id integer, "Title" text)`: names quoted where PostgreSQL quotes them. */
function tableResult(columns: Record<string, TypeRef>, what: string): string {
  const entries = Object.entries(columns);
  if (entries.length === 0) throw new KilnError(`${what}: returns { table } needs at least one column.`);
  const name = (n: string) => (/^[a-z_][a-z0-9_$]*$/.test(n) ? n : `"${n.replace(/"/g, '""')}"`);
  return `TABLE(${entries.map(([n, t]) => `${name(n)} ${typeText(t, `${what}: the type of result column ${n}`)}`).join(", ")})`;
}

function resultText(returns: FunctionOptions["returns"], what: string): string {
  if (returns && typeof returns === "object" && "table" in returns && !("$name" in returns)) return tableResult(returns.table as Record<string, TypeRef>, what);
  if (returns && typeof returns === "object" && "setof" in returns) return `SETOF ${typeText(returns.setof as TypeRef, `${what}: returns.setof`)}`;
  return typeText(returns as TypeRef, `${what}: returns`);
}

function routineOf(kind: Routine["kind"], name: string, options: FunctionOptions | ProcedureOptions): Routine {
  const what = `${kind === "function" ? "func" : "procedure"}("${name}")`;
  if (typeof name !== "string" || name === "") throw new KilnError(`${kind === "function" ? "func" : "procedure"}(name): the name must be a non-empty string.`);
  if (options.body === undefined) throw new KilnError(`${what}: give its body (body: sql\`...\`).`);
  if (kind === "procedure" && "returns" in options) throw new KilnError(`${what}: a procedure returns nothing; leave "returns" out (OUT arguments give results).`);
  const set: Record<string, string> = {};
  if (options.searchPath !== undefined) set.search_path = typeof options.searchPath === "string" ? options.searchPath : options.searchPath.join(", ");
  Object.assign(set, options.set ?? {});
  const f = options as FunctionOptions;
  return routineFromSpec(kind, name, {
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    args: (options.args ?? []).map((a, i) => {
      if (typeof a === "object" && a !== null && "type" in a && !("typeName" in a) && !("$name" in a)) {
        const arg = a as FunctionArgument;
        return {
          ...(arg.name !== undefined ? { name: arg.name } : {}),
          type: typeText(arg.type, `${what}: the type of argument ${arg.name ?? i + 1}`),
          ...(arg.mode !== undefined ? { mode: arg.mode } : {}),
          ...(arg.default !== undefined ? { default: sqlText(arg.default) } : {}),
        };
      }
      return typeText(a as TypeRef, `${what}: the type of argument ${i + 1}`);
    }),
    ...(kind === "function" ? { returns: resultText(f.returns, what) } : {}),
    language: options.language ?? "sql",
    body: sqlText(options.body),
    ...(f.volatility !== undefined ? { volatility: f.volatility } : {}),
    ...(f.strict ? { strict: true } : {}),
    ...(options.securityDefiner ? { securityDefiner: true } : {}),
    ...(f.leakproof ? { leakproof: true } : {}),
    ...(f.parallel !== undefined ? { parallel: f.parallel } : {}),
    ...(f.cost !== undefined ? { cost: f.cost } : {}),
    ...(f.rows !== undefined ? { rows: f.rows } : {}),
    ...(Object.keys(set).length > 0 ? { set } : {}),
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
    ...((options as FunctionOptions).deterministic ? { deterministic: true } : {}),
    ...(options.dataAccess !== undefined ? { dataAccess: options.dataAccess } : {}),
    ...(options.securityInvoker ? { securityInvoker: true } : {}),
    ...(options.parameterText !== undefined ? { parameterText: options.parameterText } : {}),
  });
}

function routineObject(routine: Routine): RoutineObject {
  const target = { name: routine.name, ...(routine.schema !== undefined ? { schema: routine.schema } : {}) };
  return brandObject(target, { kind: "routine", value: routine }) as RoutineObject;
}

/** CREATE FUNCTION (`func`: `function` is a JavaScript keyword). */
export function func(name: string, options: FunctionOptions): RoutineObject {
  return routineObject(routineOf("function", name, options));
}

/** CREATE PROCEDURE. */
export function procedure(name: string, options: ProcedureOptions): RoutineObject {
  return routineObject(routineOf("procedure", name, options));
}

export interface TriggerOptions {
  /** The table: a table of the models, or its name (then `schema` gives its schema). */
  table: { readonly $name: string; readonly $schema: string | undefined } | string;
  schema?: string;
  timing: TriggerTiming;
  /** `["insert", "update", "delete", "truncate"]`; `{ update: ["status"] }` is UPDATE OF status. */
  events: (TriggerEventSpec | { update: readonly (string | { readonly name: string })[] })[];
  /** Default `row`. */
  forEach?: "row" | "statement";
  /** WHEN condition (`OLD.status IS DISTINCT FROM NEW.status`): compared as PostgreSQL spells it. */
  when?: string | SqlFragment;
  /** PostgreSQL: the trigger function, a func() of the models or its name. */
  function?: RoutineObject | string | { schema?: string; name: string };
  /**
   * SQLite, MySQL/MariaDB: the statements the trigger runs, kept exactly as written.
   * SQLite: what goes between BEGIN and END (sql`\n  UPDATE t SET n = n + 1;\n`);
   * MySQL: the action statement (sql`SET NEW.total = NEW.price * NEW.qty` or sql`BEGIN ... END`).
   */
  body?: string | SqlFragment;
  /** Literal arguments for the function (TG_ARGV). */
  args?: string[];
  /** A constraint trigger (AFTER ... FOR EACH ROW): `{ deferrable: "deferred" }`, or `{}` for NOT DEFERRABLE. */
  constraint?: { deferrable?: Deferrable };
  /** Transition tables (AFTER triggers): `{ newTable: "inserted" }`. */
  referencing?: { oldTable?: string; newTable?: string };
  enabled?: Trigger["enabled"];
  comment?: string;
  /**
   * MySQL/MariaDB: the trigger of the same table, timing and event that fires just
   * before this one (a trigger() of the models or its name). Triggers of one group
   * that name none fire in name order, after those placed by `follows`.
   */
  follows?: ModelObject | string;
}

/** The name of the trigger `follows` names: a trigger() of the models or a name. */
function followedName(what: string, follows: ModelObject | string): string {
  if (typeof follows === "string") return follows;
  const definition = (follows as { [OBJECT]?: { kind: string; value: { name: string } } })[OBJECT];
  if (definition?.kind !== "trigger") throw new KilnError(`${what}: follows must be a trigger() of the models or a trigger's name.`);
  return definition.value.name;
}

/** CREATE [CONSTRAINT] TRIGGER name ... ON table ... EXECUTE FUNCTION fn(args). */
export function trigger(name: string, options: TriggerOptions): ModelObject {
  const what = `trigger("${name}")`;
  if (typeof name !== "string" || name === "") throw new KilnError(`trigger(name): the name must be a non-empty string.`);
  const table = options.table;
  if (table === undefined) throw new KilnError(`${what}: give its table.`);
  const tableName = typeof table === "string" ? table : table.$name;
  const schema = typeof table === "string" ? options.schema : (table.$schema ?? options.schema);
  if (typeof table === "object" && !(TABLE in table)) throw new KilnError(`${what}: table must be a table of the models or its name.`);
  const fn = options.function;
  const fnRef =
    fn === undefined || typeof fn === "string"
      ? fn
      : OBJECT in (fn as object)
        ? { ...((fn as RoutineObject).schema !== undefined ? { schema: (fn as RoutineObject).schema } : {}), name: (fn as RoutineObject).name }
        : (fn as { schema?: string; name: string });
  const value = triggerFromSpec(name, tableName, {
    ...(schema !== undefined ? { schema } : {}),
    timing: options.timing,
    events: options.events.map((e) =>
      typeof e === "object" && e !== null && "update" in e ? { update: e.update.map((c) => (typeof c === "string" ? c : c.name)) } : (e as TriggerEventSpec),
    ),
    ...(options.forEach !== undefined ? { forEach: options.forEach } : {}),
    ...(options.when !== undefined ? { when: sqlText(options.when) } : {}),
    ...(fnRef !== undefined ? { function: fnRef } : {}),
    ...(options.body !== undefined ? { body: sqlText(options.body) } : {}),
    ...(options.args !== undefined ? { args: options.args } : {}),
    ...(options.constraint !== undefined ? { constraint: options.constraint } : {}),
    ...(options.referencing !== undefined ? { referencing: options.referencing } : {}),
    ...(options.enabled !== undefined ? { enabled: options.enabled } : {}),
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
    ...(options.follows !== undefined ? { follows: followedName(what, options.follows) } : {}),
  });
  return brandObject({}, { kind: "trigger", value });
}
