/**
 * Compare operators (catalog/operators.ts), matched by schema, symbol and
 * argument types. RESTRICT, JOIN and the comment change in place (ALTER
 * OPERATOR ... SET, COMMENT ON OPERATOR: PostgreSQL 15 changes nothing else
 * so); any other change (function, commutator, negator, HASHES, MERGES) drops
 * the operator and creates it again, as does a function of it that the
 * revision drops and creates again. The modelled views on it go round it
 * (compare/views.ts); PostgreSQL refuses to drop an operator that another
 * view, an index or a constraint uses: those are named (manualStep).
 */
import { refKey } from "../../catalog/objects.js";
import { type Operator, operatorKey, operatorLabel, operatorSignature, type OperatorTarget } from "../../catalog/operators.js";
import type { Catalog } from "../../catalog/types.js";
import { operatorName, type OperatorChanges } from "../../operations/operators.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";
import { triggerFunctionKey } from "./routines.js";

function targetKey(t: OperatorTarget | undefined): string | null {
  return t === undefined ? null : `${t.schema ?? ""}\u0000${t.name}`;
}

/** What only a drop and create changes. */
function rebuildKey(o: Operator): string {
  return JSON.stringify([targetKey(o.function), targetKey(o.commutator), targetKey(o.negator), !!o.hashes, !!o.merges]);
}

function changesOf(model: Operator, database: Operator): OperatorChanges {
  const changes: OperatorChanges = {};
  if (targetKey(model.restrict) !== targetKey(database.restrict)) changes.restrict = model.restrict ?? null;
  if (targetKey(model.join) !== targetKey(database.join)) changes.join = model.join ?? null;
  if ((model.comment ?? null) !== (database.comment ?? null)) changes.comment = model.comment ?? null;
  return changes;
}

/**
 * Objects other than operators that use the operator: PostgreSQL refuses its drop while they do.
 * Views both sides keep go round it (compare/views.ts, rebuildViewsOverChangedColumns): not named.
 */
function warnAboutUsers(operator: Operator, model: Catalog, database: Catalog, diff: ObjectDiff, why: string): void {
  const self = refKey({ kind: "operator", ...(operator.schema !== undefined ? { schema: operator.schema } : {}), name: operatorSignature(operator) });
  const viewKey = (v: { schema?: string; name: string }) => `${v.schema ?? ""}\u0000${v.name}`;
  const modelViews = new Set((model.views ?? []).map(viewKey));
  const rebuiltView = (ref: { kind: string; schema?: string; name: string }) =>
    (ref.kind === "view" || ref.kind === "materialized view") && modelViews.has(viewKey(ref)) && (database.views ?? []).some((v) => viewKey(v) === viewKey(ref));
  const users = (database.dependencies ?? []).filter((d) => refKey(d.referenced) === self && d.dependent.kind !== "operator" && !rebuiltView(d.dependent));
  if (users.length === 0) return;
  const names = users.map((d) => `${d.dependent.kind} ${d.dependent.schema ? `${d.dependent.schema}.` : ""}${d.dependent.name}`);
  diff.warn(
    "manualStep",
    `operator ${operatorLabel(operator)} ${why}, so the revision drops it and creates it again; ${names.join(", ")} use${names.length === 1 ? "s" : ""} it, and PostgreSQL refuses the drop while they do. Drop and recreate them around it in the revision by hand (op.execute()).`,
  );
}

/** `rebuiltFunctions`: functions (triggerFunctionKey) the revision drops and creates again: their operators go and come back with them. */
export function compareOperators(model: Catalog, database: Catalog, diff: ObjectDiff, rebuiltFunctions: ReadonlySet<string>): void {
  const databaseByKey = new Map((database.operators ?? []).map((o) => [operatorKey(o), o]));
  const modelKeys = new Set((model.operators ?? []).map(operatorKey));
  const sorted = (items: readonly Operator[]) => [...items].sort(byName(operatorKey));
  const drop = (o: Operator) => ({ kind: "dropOperator" as const, ...operatorName(o), old: structuredClone(o) });
  const create = (o: Operator) => ({ kind: "createOperator" as const, operator: structuredClone(o) });
  for (const operator of sorted(model.operators ?? [])) {
    const existing = databaseByKey.get(operatorKey(operator));
    if (!existing) {
      diff.add("createFunctions", create(operator));
      continue;
    }
    const functionRebuilt = rebuiltFunctions.has(triggerFunctionKey(existing.function));
    if (functionRebuilt || rebuildKey(operator) !== rebuildKey(existing)) {
      // Dropped with the triggers that change (before their functions do), created again with the rebuilt
      // functions (a new function of it exists by then; a function dropped and created again, too).
      warnAboutUsers(existing, model, database, diff, functionRebuilt ? "uses a function the revision drops and creates again" : "changes what only CREATE OPERATOR sets");
      diff.add("dropTriggers", drop(existing));
      diff.add("rebuildFunctions", create(operator));
      continue;
    }
    const changes = changesOf(operator, existing);
    if (Object.keys(changes).length > 0) diff.add("createFunctions", { kind: "alterOperator", ...operatorName(existing), changes, existing: structuredClone(existing) });
  }
  for (const operator of sorted(database.operators ?? [])) if (!modelKeys.has(operatorKey(operator))) diff.add("dropFunctions", drop(operator));
}
