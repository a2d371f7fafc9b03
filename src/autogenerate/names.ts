/**
 * Names for model constraints and indexes that have none but must be created by a
 * separate operation (createIndex, createCheckConstraint, ... all need a name).
 * They follow PostgreSQL's own defaults, so the database ends up with the name it
 * would have chosen itself; the next compare matches the unnamed model object by
 * definition, so the exact spelling never causes a diff.
 */
import { elementColumn } from "../catalog/index-elements.js";
import type { IndexElement } from "../catalog/types.js";

export type NamedKind = "pkey" | "key" | "fkey" | "check" | "idx" | "excl";

function elementLabel(element: IndexElement): string {
  return elementColumn(element) ?? "expr";
}

export function defaultName(table: string, kind: NamedKind, columns: readonly IndexElement[], taken: ReadonlySet<string>): string {
  const stem = kind === "pkey" || columns.length === 0 ? `${table}_${kind}` : `${table}_${columns.map(elementLabel).join("_")}_${kind}`;
  let name = stem;
  for (let n = 1; taken.has(name); n++) name = `${stem}${n}`;
  return name;
}
