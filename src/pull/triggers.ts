/** Triggers -> `export const filmFulltextTrigger = trigger("film_fulltext_trigger", { table: film, timing: "before", ... });` */
import type { Trigger } from "../catalog/triggers.js";
import { qualifiedName } from "../catalog/types.js";
import { code, options, sqlCode, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";
import { routineKey } from "./routines.js";

export function triggerDeclaration(ctx: PullContext, t: Trigger): Declaration {
  const key = { schema: t.schema, name: `${t.table}.${t.name}` };
  const d = declaration("trigger", key, ctx.exportName("trigger", key)!);
  d.imports.add("trigger");
  const table = ctx.table(t.schema, t.table);
  const tableExport = table ? ctx.exportName("table", table) : undefined;
  if (tableExport) {
    d.uses.add(tableExport);
    d.eager.add(tableExport);
  }
  // The trigger function: its export when pulled (a trigger function takes no declared arguments).
  const fn = t.function;
  const routine = fn ? (ctx.catalog.routines ?? []).find((r) => r.kind === "function" && r.name === fn.name && r.schema === fn.schema && r.arguments.length === 0) : undefined;
  const fnExport = routine ? ctx.exportName("routine", { schema: routine.schema, name: routineKey(routine) }) : undefined;
  if (fnExport) {
    d.uses.add(fnExport);
    d.eager.add(fnExport);
  }
  if (t.when !== undefined || t.body !== undefined) d.imports.add("sql");
  if (t.constraint?.from) ctx.notes.push(`trigger ${t.name} on table ${qualifiedName({ schema: t.schema, name: t.table })}: its FROM table cannot be said in the models; it is left out`);
  const opts = options({
    table: tableExport !== undefined ? code(tableExport) : t.table,
    schema: tableExport === undefined ? t.schema : undefined,
    timing: t.timing,
    events: t.events.map((e) => (e.columns && e.columns.length > 0 ? { update: e.columns } : e.event)),
    forEach: t.forEach === "row" ? undefined : t.forEach,
    when: t.when !== undefined ? code(sqlCode(t.when)) : undefined,
    function: fnExport !== undefined ? code(fnExport) : fn === undefined ? undefined : fn.schema !== undefined ? { schema: fn.schema, name: fn.name } : fn.name,
    body: t.body !== undefined ? code(sqlCode(t.body)) : undefined,
    args: t.args && t.args.length > 0 ? t.args : undefined,
    constraint: t.constraint ? (t.constraint.deferrable !== undefined ? { deferrable: t.constraint.deferrable } : {}) : undefined,
    referencing: t.referencing,
    enabled: t.enabled,
    comment: t.comment,
    follows: t.follows,
  });
  d.code = `export const ${d.exportName} = trigger(${str(t.name)}, ${opts});`;
  return d;
}
