/**
 * A canonical form of a Catalog for equality checks: arrays without meaningful
 * order sorted, "absent means the default" folded (unique: false, FK action
 * "no action", btree), undefined fields removed. Column order is kept.
 */
import type { Catalog, ForeignKey, Index, Table } from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import { normalizeIndexElement } from "../catalog/index-elements.js";
import { byName } from "./order.js";

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Named items first by name, unnamed ones after them by definition. */
function sortItems<T extends { name?: string }>(items: readonly T[]): T[] {
  return [...items].sort(byName((item) => (item.name !== undefined ? `0${item.name}` : `1${JSON.stringify(item)}`)));
}

function normalizeForeignKey(fk: ForeignKey): ForeignKey {
  return clean({
    ...fk,
    onDelete: fk.onDelete === "no action" ? undefined : fk.onDelete,
    onUpdate: fk.onUpdate === "no action" ? undefined : fk.onUpdate,
  });
}

function normalizeIndex(index: Index): Index {
  return clean({
    ...index,
    columns: index.columns.map(normalizeIndexElement),
    unique: index.unique ? true : undefined,
    method: index.method === "btree" ? undefined : index.method,
    nullsNotDistinct: index.nullsNotDistinct ? true : undefined,
    include: index.include && index.include.length > 0 ? index.include : undefined,
  });
}

export function normalizeTable(table: Table): Table {
  return clean({
    ...table,
    columns: table.columns.map((c) => clean({ ...c, autoIncrement: c.autoIncrement ? true : undefined, identity: c.identity ? { always: c.identity.always } : undefined })),
    primaryKey: table.primaryKey ? clean({ ...table.primaryKey }) : undefined,
    uniques: sortItems(table.uniques.map((u) => clean({ ...u }))),
    foreignKeys: sortItems(table.foreignKeys.map(normalizeForeignKey)),
    checks: sortItems(table.checks.map((c) => clean({ ...c }))),
    indexes: sortItems(table.indexes.map(normalizeIndex)),
    exclusions: table.exclusions && table.exclusions.length > 0 ? sortItems(table.exclusions.map((x) => clean({ ...x }))) : undefined,
  });
}

export function normalizeCatalog(catalog: Catalog): Catalog {
  return {
    schemas: [...new Set(catalog.schemas)].sort(),
    tables: catalog.tables.map(normalizeTable).sort(byName(qualifiedName)),
    enums: catalog.enums.map((e) => clean({ ...e, values: [...e.values] })).sort(byName(qualifiedName)),
  };
}
