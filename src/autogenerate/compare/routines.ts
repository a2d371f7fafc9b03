/**
 * Compare functions and procedures (catalog/routines.ts). A routine is matched
 * by schema, name and input argument types. The same signature with another
 * body or attributes is one CREATE OR REPLACE; another result or other argument
 * names, modes or defaults (which CREATE OR REPLACE cannot change) drop it and
 * create it again, its triggers with it (compare/triggers.ts).
 */
import { sameText } from "../../catalog/exact-text.js";
import { refKey } from "../../catalog/objects.js";
import { operatorSignature } from "../../catalog/operators.js";
import { inputArguments, type Routine, routineLabel, routineSignature, routineTypeKey, splitTopLevel } from "../../catalog/routines.js";
import type { Catalog } from "../../catalog/types.js";
import { routineOperationKind } from "../../operations/routines.js";
import type { Operation } from "../../operations/types.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";

function schemaOf(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

/** schema + signature: equal for the same routine on both sides. */
export function routineKey(routine: Pick<Routine, "schema" | "name" | "arguments">): string {
  return `${routine.schema ?? ""}\u0000${routineSignature(routine)}`;
}

/** Lower case and single spaces outside quotes: how two spellings of one SQL text are compared here. */
export function sqlTextKey(text: string): string {
  return text
    .split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.toLowerCase().replace(/\s+/g, " ").replace(/\s*([(),])\s*/g, "$1")))
    .join("")
    .trim();
}

/** A default as pg_get_function_arguments prints it (`'x'::text`), compared without a cast of a literal to the argument's own type. */
function defaultKey(text: string | undefined, type: string): string | undefined {
  if (text === undefined) return undefined;
  const cast = /^('(?:[^']|'')*'|NULL)::(.+)$/is.exec(text.trim());
  if (cast && routineTypeKey(cast[2]!) === routineTypeKey(type)) return cast[1]!;
  return sqlTextKey(text);
}

/** The result in one spelling: `SETOF film`, `TABLE(id integer, title text)` by column name and type key. */
export function resultKey(returns: string | undefined): string | undefined {
  if (returns === undefined) return undefined;
  const table = /^\s*TABLE\s*\((.*)\)\s*$/is.exec(returns);
  if (!table) return routineTypeKey(returns);
  const columns = splitTopLevel(table[1]!).map((column) => {
    const m = /^\s*("(?:[^"]|"")*"|[^\s]+)\s+(.*)$/s.exec(column)!;
    const name = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!.toLowerCase();
    return `${name} ${routineTypeKey(m[2]!)}`;
  });
  return `TABLE(${columns.join(", ")})`;
}


/** True when the arguments differ in a way CREATE OR REPLACE cannot change (names, modes, OUT types, defaults). */
function argumentsDiffer(a: Routine, b: Routine): boolean {
  if (a.arguments.length !== b.arguments.length) return true;
  return a.arguments.some((x, i) => {
    const y = b.arguments[i]!;
    return (
      (x.name ?? null) !== (y.name ?? null) ||
      (x.mode ?? "in") !== (y.mode ?? "in") ||
      routineTypeKey(x.type) !== routineTypeKey(y.type) ||
      (defaultKey(x.default, x.type) ?? null) !== (defaultKey(y.default, y.type) ?? null)
    );
  });
}

function configKey(routine: Routine): string {
  return JSON.stringify((routine.config ?? []).map(([name, value]) => [name.toLowerCase(), value.replace(/\s*,\s*/g, ", ").trim()]));
}

/** True when CREATE OR REPLACE would change something (body, language, attributes, settings). */
function definitionDiffers(a: Routine, b: Routine): boolean {
  return (
    a.body !== b.body ||
    a.language.toLowerCase() !== b.language.toLowerCase() ||
    (a.volatility ?? "volatile") !== (b.volatility ?? "volatile") ||
    !!a.strict !== !!b.strict ||
    !!a.securityDefiner !== !!b.securityDefiner ||
    !!a.leakproof !== !!b.leakproof ||
    (a.parallel ?? "unsafe") !== (b.parallel ?? "unsafe") ||
    Number(a.cost ?? 100) !== Number(b.cost ?? 100) ||
    (a.rows ?? null) !== (b.rows ?? null) ||
    configKey(a) !== configKey(b) ||
    !!a.deterministic !== !!b.deterministic ||
    (a.dataAccess ?? null) !== (b.dataAccess ?? null) ||
    !!a.securityInvoker !== !!b.securityInvoker
  );
}

function dropOf(routine: Routine): Operation {
  return {
    kind: routineOperationKind("drop", routine.kind),
    ...schemaOf(routine.schema),
    name: routine.name,
    argumentTypes: inputArguments(routine).map((a) => a.type),
    old: structuredClone(routine),
  };
}

function createOf(routine: Routine): Operation {
  return { kind: routineOperationKind("create", routine.kind), routine: structuredClone(routine) };
}

/**
 * Adds the routine operations; returns the keys of the routines dropped and
 * created again under the same signature (their triggers are rebuilt too).
 */
export function compareRoutines(model: Catalog, database: Catalog, diff: ObjectDiff): Set<string> {
  const rebuilt = new Set<string>();
  // Without overloading (MySQL) a routine is its name: other parameters are the same routine, dropped and created again.
  const key = diff.routinesByName ? (r: Routine) => `${r.schema ?? ""}\u0000${r.kind}\u0000${r.name}` : routineKey;
  const databaseByKey = new Map((database.routines ?? []).map((r) => [key(r), r]));
  const modelKeys = new Set((model.routines ?? []).map(key));
  const sorted = (items: readonly Routine[]) => [...items].sort(byName(key));
  for (const routine of sorted(model.routines ?? [])) {
    const existing = databaseByKey.get(key(routine));
    if (!existing) {
      diff.add("createFunctions", createOf(routine));
      continue;
    }
    if (routine.kind !== existing.kind || resultKey(routine.returns) !== resultKey(existing.returns) || argumentsDiffer(routine, existing)) {
      // CREATE OR REPLACE cannot change these: drop and create, in that order, in one phase (after their triggers went).
      const handled = rebuildCallers(existing, model, database, diff);
      warnAboutUsers(existing, model, database, diff, handled);
      diff.add("rebuildFunctions", dropOf(existing), createOf(routine));
      rebuilt.add(triggerFunctionKey(existing));
      continue;
    }
    if (definitionDiffers(routine, existing)) {
      diff.add("createFunctions", { kind: routineOperationKind("replace", routine.kind), routine: structuredClone(routine), old: structuredClone(existing) });
    } else if ((routine.comment ?? null) !== (existing.comment ?? null)) {
      // The database's definition with the model's comment: only COMMENT ON runs.
      const commented = structuredClone(existing);
      if (routine.comment === undefined) delete commented.comment;
      else commented.comment = routine.comment;
      diff.add("createFunctions", { kind: routineOperationKind("replace", routine.kind), routine: commented, old: structuredClone(existing) });
    }
  }
  for (const routine of sorted(database.routines ?? [])) {
    if (modelKeys.has(key(routine))) continue;
    const keepers = unmodelledUsers(routine, database);
    if (keepers.length > 0) {
      diff.warn(
        "manualStep",
        `${routine.kind} ${routineLabel(routine)} is not in the models, but ${keepers.join(", ")}, which kiln does not model, use${keepers.length === 1 ? "s" : ""} it: the revision leaves it in place. Drop them together by hand (op.execute()) if they should go.`,
      );
      continue;
    }
    diff.add("dropFunctions", dropOf(routine));
  }
  return rebuilt;
}

/** Kinds kiln never creates or drops: a routine they use stays (a cast's, an operator class's). */
const NEVER_MODELLED = new Set(["cast", "operator class", "operator family", "text search configuration", "text search dictionary", "event trigger", "conversion", "collation", "publication"]);

function unmodelledUsers(routine: Routine, database: Catalog): string[] {
  const self = refKey({ kind: routine.kind, ...schemaOf(routine.schema), name: routineSignature(routine) });
  return (database.dependencies ?? [])
    .filter((d) => refKey(d.referenced) === self && NEVER_MODELLED.has(d.dependent.kind))
    .map((d) => `${d.dependent.kind} ${d.dependent.schema ? `${d.dependent.schema}.` : ""}${d.dependent.name}`)
    .sort();
}

/** How a trigger names the function it runs (trigger functions take no arguments): schema + name. */
export function triggerFunctionKey(fn: { schema?: string; name: string }): string {
  return `${fn.schema ?? ""}\u0000${fn.name}`;
}

/** A call of the routine in SQL text: `name(`, `schema.name(`, quoted or not. */
function callPattern(routine: Routine): RegExp {
  const word = (w: string) => `"?${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?`;
  const schema = routine.schema === undefined ? `(?:${word("public")}\\.)?` : `${word(routine.schema)}\\.`;
  const qualified = routine.schema === undefined ? schema : `(?:${schema})?`;
  return new RegExp(`(?<![\\w$."])${qualified}${word(routine.name)}\\s*\\(`, "i");
}

/**
 * Column defaults and checks of tables both sides keep that call a routine about
 * to be dropped and created again: removed before (phase dropTriggers) and put
 * back after (phase createTriggers), as the models write them. Returns the
 * tables handled (refKey), which need no warning.
 */
function rebuildCallers(routine: Routine, model: Catalog, database: Catalog, diff: ObjectDiff): Set<string> {
  const handled = new Set<string>();
  const calls = callPattern(routine);
  const modelTables = new Map(model.tables.map((t) => [`${t.schema ?? ""}\u0000${t.name}`, t]));
  for (const table of database.tables) {
    const wanted = modelTables.get(`${table.schema ?? ""}\u0000${table.name}`);
    if (!wanted) continue;
    const ref = { ...schemaOf(table.schema), table: table.name };
    for (const check of table.checks) {
      const other = wanted.checks.find((c) => c.name === check.name);
      if (!check.name || !calls.test(check.expression) || !other || !sameText(other, check, "expression")) continue;
      const name = check.name;
      diff.add("dropTriggers", { kind: "dropConstraint", ...ref, name, type: "check", old: { type: "check", constraint: { ...structuredClone(check), name } } });
      diff.add("createTriggers", { kind: "createCheckConstraint", ...ref, constraint: { ...structuredClone(other), name } });
      handled.add(refKey({ kind: "table", ...schemaOf(table.schema), name: table.name }));
    }
    for (const column of table.columns) {
      const other = wanted.columns.find((c) => c.name === column.name);
      if (column.default === undefined || !calls.test(column.default) || !other?.default || !sameText(other, column, "default")) continue;
      const without = structuredClone(column);
      delete without.default;
      delete without.canonical;
      diff.add("dropTriggers", { kind: "alterColumn", ...ref, column: column.name, default: null, existing: structuredClone(column) });
      diff.add("createTriggers", { kind: "alterColumn", ...ref, column: column.name, default: other.default, existing: without });
      handled.add(refKey({ kind: "table", ...schemaOf(table.schema), name: table.name }));
    }
  }
  return handled;
}

/** Objects other than triggers that use a routine about to be dropped and created again: PostgreSQL refuses the drop. */
function warnAboutUsers(routine: Routine, model: Catalog, database: Catalog, diff: ObjectDiff, handled: ReadonlySet<string>): void {
  const self = refKey({ kind: routine.kind, ...schemaOf(routine.schema), name: routineSignature(routine) });
  // Triggers and the operators of the models go and come back with it (compare/triggers.ts, compare/operators.ts).
  const modelOperators = new Set((model.operators ?? []).map((o) => refKey({ kind: "operator", ...schemaOf(o.schema), name: operatorSignature(o) })));
  const users = (database.dependencies ?? []).filter(
    (d) => refKey(d.referenced) === self && d.dependent.kind !== "trigger" && !modelOperators.has(refKey(d.dependent)) && !handled.has(refKey(d.dependent)),
  );
  if (users.length === 0) return;
  const names = users.map((d) => `${d.dependent.kind} ${d.dependent.schema ? `${d.dependent.schema}.` : ""}${d.dependent.name}`);
  diff.warn(
    "manualStep",
    `${routine.kind} ${routineLabel(routine)} changes its result or arguments, so the revision drops it and creates it again; ${names.join(", ")} use${names.length === 1 ? "s" : ""} it, and PostgreSQL refuses the drop while they do. Drop and recreate them around it in the revision by hand (op.execute()).`,
  );
}
