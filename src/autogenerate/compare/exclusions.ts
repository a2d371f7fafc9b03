/**
 * Exclusion constraints (PostgreSQL EXCLUDE): matched by name (an unnamed model
 * constraint by definition), dropped and created whole when they differ.
 */
import { comparable } from "../../catalog/exact-text.js";
import type { ExclusionConstraint, IndexElement, Table } from "../../catalog/types.js";
import type { Operation } from "../../operations/types.js";
import { sameIndexElement, sameParameters } from "../equality.js";

export function sameExclusion(a: ExclusionConstraint, b: ExclusionConstraint): boolean {
  return (
    a.method === b.method &&
    a.elements.length === b.elements.length &&
    a.elements.every((e, i) => e.operator === b.elements[i]!.operator && sameIndexElement(e.element, b.elements[i]!.element as IndexElement)) &&
    JSON.stringify(a.include ?? []) === JSON.stringify(b.include ?? []) &&
    comparable(a, "where") === comparable(b, "where") &&
    sameParameters(a.with, b.with) &&
    a.tablespace === b.tablespace &&
    a.deferrable === b.deferrable &&
    a.comment === b.comment
  );
}

export interface ExclusionChanges {
  drop: Operation[];
  create: Operation[];
  /** Database constraints without a name that the models do not define (cannot be dropped). */
  unnamed: ExclusionConstraint[];
  /** Comment-only changes, made in place (COMMENT ON CONSTRAINT) when `commentsInPlace`. */
  comments: Operation[];
}

/** What turns the database table's exclusion constraints into the model table's. */
export function compareExclusions(
  modelTable: Table,
  databaseTable: Table,
  nameFor: (constraint: ExclusionConstraint) => string,
  commentsInPlace = false,
): ExclusionChanges {
  const changes: ExclusionChanges = { drop: [], create: [], unnamed: [], comments: [] };
  // Most tables have none on either side.
  if (!modelTable.exclusions?.length && !databaseTable.exclusions?.length) return changes;
  const ref = { ...(modelTable.schema !== undefined ? { schema: modelTable.schema } : {}), table: modelTable.name };
  const remaining = [...(databaseTable.exclusions ?? [])];
  const take = (item: ExclusionConstraint) => remaining.splice(remaining.indexOf(item), 1);
  const drop = (existing: ExclusionConstraint & { name: string }) =>
    changes.drop.push({ kind: "dropConstraint", ...ref, name: existing.name, type: "exclusion", old: { type: "exclusion", constraint: { ...existing } } });
  const create = (wanted: ExclusionConstraint) =>
    changes.create.push({ kind: "createExclusionConstraint", ...ref, constraint: { ...wanted, name: wanted.name ?? nameFor(wanted) } });

  const model = modelTable.exclusions ?? [];
  for (const wanted of model.filter((m) => m.name !== undefined)) {
    const existing = remaining.find((d) => d.name === wanted.name);
    if (existing) take(existing);
    if (existing && sameExclusion(wanted, existing)) continue;
    if (existing && commentsInPlace && sameExclusion({ ...wanted, comment: existing.comment }, existing)) {
      changes.comments.push({ kind: "setComment", target: "constraint", ...(ref.schema !== undefined ? { schema: ref.schema } : {}), table: ref.table, name: wanted.name!, comment: wanted.comment ?? null, existing: existing.comment ?? null });
      continue;
    }
    if (existing) drop(existing as ExclusionConstraint & { name: string });
    create(wanted);
  }
  for (const wanted of model.filter((m) => m.name === undefined)) {
    const existing = remaining.find((d) => sameExclusion(wanted, d));
    if (existing) take(existing);
    else create(wanted);
  }
  for (const existing of remaining) {
    if (existing.name !== undefined) drop(existing as ExclusionConstraint & { name: string });
    else changes.unnamed.push(existing);
  }
  return changes;
}
