/**
 * Nothing lost in silence: warnings for every object of the compared schemas
 * that kiln does not model, for every object outside them that depends on (or
 * is needed by) a compared object, and for tables in schemas the config does
 * not list, each with what the revision does to it. Pure: works from the
 * dialect's survey (Dialect.surveyObjects), the database's Catalog and the
 * revision's operations.
 */
import { catalogObjects, type Dependency, describeRef, type ObjectRef, refKey } from "../catalog/objects.js";
import type { Catalog } from "../catalog/types.js";
import type { ObjectSurvey } from "../dialects/types.js";
import { operationRefs } from "../operations/refs.js";
import { missingRoleWarnings } from "./roles.js";
import type { Operation } from "../operations/types.js";

export interface UnmodelledWarning {
  message: string;
  /** True when the revision drops or changes something the object is tied to: the warning goes into the revision file too. */
  affected: boolean;
}

export interface UnmodelledContext {
  /** The compared schemas, as the Catalog spells them (the default one undefined, so not listed). */
  schemas: readonly string[];
  /** The config file, for the advice on `schemas`. */
  configFile?: string;
}

/** What the revision does to each object it drops or changes in place. */
function effects(operations: readonly Operation[]): { dropped: Set<string>; altered: Set<string> } {
  const dropped = new Set<string>();
  const created = new Set<string>();
  const altered = new Set<string>();
  for (const op of operations) {
    const refs = operationRefs(op);
    for (const ref of refs.drops) dropped.add(refKey(ref));
    for (const ref of refs.creates) created.add(refKey(ref));
    for (const ref of refs.alters) altered.add(refKey(ref));
  }
  // Dropped and created again under the same name (a rename back, a rebuild): changed, not gone.
  for (const key of [...dropped]) {
    if (created.has(key)) {
      dropped.delete(key);
      altered.add(key);
    }
  }
  return { dropped, altered };
}

function inScope(ref: ObjectRef, schemas: ReadonlySet<string>): boolean {
  return ref.schema === undefined || schemas.has(ref.schema);
}

/** `depends on table t, which this revision drops: ...` or undefined when the revision leaves `ref` alone. */
function consequence(user: ObjectRef, ref: ObjectRef, fx: ReturnType<typeof effects>): string | undefined {
  const what = describeRef(user);
  const onIt = user.table !== undefined && ref.kind === "table" && ref.name === user.table && ref.schema === user.schema;
  if (onIt && fx.dropped.has(refKey(ref))) {
    // Triggers, rules, policies and row-level security go with their table.
    return `it goes with ${describeRef(ref)}, which this revision drops; kiln's downgrade recreates the table without it`;
  }
  if (fx.dropped.has(refKey(ref))) {
    return `it depends on ${describeRef(ref)}, which this revision drops: the drop will fail while the ${user.kind} exists. Drop it first in the revision (op.execute()) and recreate it in the downgrade by hand: kiln's downgrade does not recreate ${what}`;
  }
  if (fx.altered.has(refKey(ref))) {
    return `it depends on ${describeRef(ref)}, which this revision changes: the change may fail, or change what the ${user.kind} sees; check it, and recreate the ${user.kind} in the revision by hand if needed`;
  }
  return undefined;
}

/** Switches on a table rather than objects (row-level security, REPLICA IDENTITY, column storage, ...): they go with the table. */
const SWITCHES = new Set(["row-level security", "table property"]);

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function unmodelledWarnings(
  survey: ObjectSurvey,
  database: Catalog,
  operations: readonly Operation[],
  context: UnmodelledContext,
): UnmodelledWarning[] {
  const schemas = new Set(context.schemas);
  const modelled = new Set(catalogObjects(database).map(refKey));
  const fx = effects(operations);
  const needs = new Map<string, Dependency[]>();
  for (const dependency of survey.dependencies) {
    const key = refKey(dependency.dependent);
    const list = needs.get(key);
    if (list) list.push(dependency);
    else needs.set(key, [dependency]);
  }
  const warnings: (UnmodelledWarning & { key: string })[] = [];

  // Objects of the compared schemas that the Catalog does not hold.
  const seen = new Set<string>();
  for (const object of survey.objects) {
    const key = refKey(object);
    if (modelled.has(key) || seen.has(key)) continue;
    seen.add(key);
    // A switch on a table, not an object: what kiln leaves alone is the switch itself.
    const onTable = SWITCHES.has(object.kind);
    const own = onTable ? [] : (needs.get(key) ?? []);
    const effect = own
      .map((d) => consequence(object, d.referenced, fx))
      .find((text): text is string => text !== undefined) ??
      (onTable && object.table !== undefined ? consequence(object, { kind: "table", ...(object.schema ? { schema: object.schema } : {}), name: object.table }, fx) : undefined);
    const head = `${describeRef(object)} is not modelled by kiln`;
    warnings.push({
      key: `1${key}`,
      message: effect ? `${head}: ${effect}.` : `${head}; this revision leaves it alone.`,
      affected: effect !== undefined,
    });
  }

  // Dependencies that cross the edge of the compared schemas.
  for (const { dependent, referenced } of survey.dependencies) {
    const dependentIn = inScope(dependent, schemas);
    const referencedIn = inScope(referenced, schemas);
    if (dependentIn === referencedIn) continue;
    const key = `2${refKey(dependent)}\u0001${refKey(referenced)}`;
    if (!dependentIn) {
      const effect = consequence(dependent, referenced, fx);
      const head = `${describeRef(dependent)}, outside the compared schemas, depends on ${describeRef(referenced)}`;
      warnings.push({
        key,
        message: effect
          ? `${head}, which this revision ${fx.dropped.has(refKey(referenced)) ? "drops: the drop will fail while it exists" : "changes: the change may fail or affect it"}. kiln does not compare schema ${dependent.schema}; list it in the config's \`schemas\` to manage it.`
          : `${head}; this revision leaves both alone. kiln does not compare schema ${dependent.schema}.`,
        affected: effect !== undefined,
      });
    } else {
      const recreated = fx.dropped.has(refKey(dependent));
      warnings.push({
        key,
        message: recreated
          ? `${describeRef(dependent)} depends on ${describeRef(referenced)}, outside the compared schemas: this revision drops ${describeRef(dependent)}, and its downgrade recreates it only while ${describeRef(referenced)} still exists.`
          : `${describeRef(dependent)} depends on ${describeRef(referenced)}, outside the compared schemas, which kiln does not compare; a revision that creates ${describeRef(dependent)} needs it to exist.`,
        affected: recreated,
      });
    }
  }

  if (survey.unlistedSchemas.length > 0) {
    const names = survey.unlistedSchemas.map((s) => s.schema);
    const listed = survey.unlistedSchemas.map((s) => `${s.schema} (${s.tables} table${s.tables === 1 ? "" : "s"})`).join(", ");
    const current = ["public", ...context.schemas];
    warnings.push({
      key: "3",
      message:
        `the database has tables in schemas kiln does not compare: ${listed}. kiln compares only ${current.join(", ")}; ` +
        `to compare them too, list them in the \`schemas\` setting of ${context.configFile ?? "the config"}: schemas: ${JSON.stringify([...context.schemas, ...names])}.`,
      affected: false,
    });
  }
  warnings.push(...missingRoleWarnings(operations, survey.roles).map((message) => ({ key: `4${message}`, message, affected: true })));
  return warnings.sort(byKey).map(({ message, affected }) => ({ message, affected }));
}
