/**
 * The functions part of canonicalize's scratch schemas (canonicalize-each-table.ts):
 * a model view that calls a model function is spelled beside a scratch copy of
 * that function, as it is beside scratch copies of the tables and enums it
 * reads. The live function would take the live enum, not the scratch copy a
 * scratch table's column has (PostgreSQL refuses the view: no such function),
 * and a live object beside a scratch one of the same name prints qualified
 * (`'open'::public.ticket_status`): the view would show as changed on every check.
 *
 * Only the functions the views name are built, each as the model writes it in
 * the scratch schema of its own, with the types of its signature pointed at
 * the scratch copies of the model's enums and tables; bodies are not checked
 * (check_function_bodies off): they are never run here. Pure planning.
 */
import { qualifiedName, type Catalog } from "../../catalog/types.js";
import type { Routine } from "../../catalog/routines.js";
import { viewQuery } from "../../catalog/views.js";
import { routineDefinitionSql } from "./compile/routines.js";
import { requalify } from "./canonicalize-views.js";
import { mentionsName } from "./shapes.js";
import { quoteIdentifier } from "./sql.js";
import { DEFAULT_SCHEMA } from "./introspect.js";

/** The model functions a view may call (by name). */
export function routinesUsedByViews(catalog: Catalog): Routine[] {
  const views = catalog.views ?? [];
  if (views.length === 0) return [];
  return (catalog.routines ?? []).filter((r) => r.kind === "function" && views.some((v) => mentionsName(viewQuery(v.definition), r.name)));
}

/**
 * CREATE FUNCTION statements for the scratch copies (after the enums and tables, before the views);
 * `scratchTypes` are the model's enums and tables built in the scratch schemas (qualified names).
 * A function kiln cannot write (an invalid model) is left out: the views calling it keep their text.
 */
export function scratchRoutineStatements(
  routines: readonly Routine[],
  scratchFor: (schema: string | undefined) => string,
  scratchTypes: ReadonlySet<string>,
): string[] {
  if (routines.length === 0) return [];
  const target = (schema: string, name: string): string | undefined => {
    const modelSchema = schema === DEFAULT_SCHEMA ? undefined : schema;
    return scratchTypes.has(qualifiedName({ schema: modelSchema, name })) ? quoteIdentifier(scratchFor(modelSchema)) : undefined;
  };
  const statements: string[] = [];
  for (const routine of routines) {
    const scratch: Routine = {
      ...routine,
      schema: scratchFor(routine.schema),
      arguments: routine.arguments.map((a) => ({ ...a, type: requalify(a.type, target) })),
    };
    if (routine.returns !== undefined) scratch.returns = requalify(routine.returns, target);
    delete scratch.comment;
    try {
      statements.push(routineDefinitionSql(scratch, false));
    } catch {
      // Not valid as the model writes it: compile reports it where it matters (the revision).
    }
  }
  return statements.length === 0 ? [] : ["SET LOCAL check_function_bodies = off", ...statements];
}
