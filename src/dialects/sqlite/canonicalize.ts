/**
 * Rewrite a model Catalog into the spelling introspect() reports, by text rules
 * alone: SQLite stores declared types, defaults, CHECK and index expressions as
 * written, so the rules mirror exactly what compile emits and introspect reads.
 */
import { mapIndexElement } from "../../catalog/index-elements.js";
import type { Catalog, Column, EnumType, Table } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import { sqliteDefault } from "./ddl.js";
import { isDefaultSchema } from "./quote.js";
import { canonicalType, isIntegerType } from "./type-map.js";

function enumLookup(enums: EnumType[]): (type: string, tableSchema?: string) => boolean {
  const names = new Set(enums.map((e) => qualifiedName(e)));
  return (type, tableSchema) => names.has(type) || (tableSchema !== undefined && names.has(`${tableSchema}.${type}`));
}

function canonicalColumn(column: Column, table: Table, isEnum: (t: string, s?: string) => boolean): Column {
  const out: Column = { name: column.name, type: column.type, nullable: column.nullable };
  // Enums are TEXT in SQLite (values not enforced).
  out.type = isEnum(column.type, table.schema) ? "text" : canonicalType(column.type);
  if (column.default !== undefined) out.default = sqliteDefault(column.default);
  const pk = table.primaryKey?.columns ?? [];
  if ((column.identity || column.autoIncrement) && pk.length === 1 && pk[0] === column.name && isIntegerType(column.type)) {
    // Both spellings become INTEGER PRIMARY KEY AUTOINCREMENT, read back as identity.
    out.type = "integer";
    out.identity = { always: false };
    out.nullable = false;
  } else {
    // Anything else compile() refuses with a message; keep it visible.
    if (column.identity) out.identity = { ...column.identity };
    if (column.autoIncrement) out.autoIncrement = true;
  }
  // SQLite has no comments: leave them out.
  return out;
}

function canonicalTable(table: Table, isEnum: (t: string, s?: string) => boolean): Table {
  const out: Table = {
    name: table.name,
    columns: table.columns.map((c) => canonicalColumn(c, table, isEnum)),
    uniques: table.uniques.map((u) => ({ ...u, columns: [...u.columns] })),
    foreignKeys: table.foreignKeys.map((fk) => {
      const copy = { ...fk, columns: [...fk.columns], refColumns: [...fk.refColumns] };
      if (copy.onDelete === "no action") delete copy.onDelete;
      if (copy.onUpdate === "no action") delete copy.onUpdate;
      if (isDefaultSchema(copy.refSchema)) delete copy.refSchema;
      return copy;
    }),
    checks: table.checks.map((ck) => ({ ...ck, expression: ck.expression.trim() })),
    indexes: table.indexes.map((ix) => {
      // SQLite has one index kind: no access method.
      const { method: _method, ...rest } = ix;
      const copy = { ...rest, columns: ix.columns.map((e) => mapIndexElement(e, { expression: (text) => text.trim() })) };
      if (copy.where !== undefined) copy.where = copy.where.trim();
      if (!copy.unique) delete copy.unique;
      return copy;
    }),
  };
  if (!isDefaultSchema(table.schema)) out.schema = table.schema;
  if (table.primaryKey) out.primaryKey = { ...table.primaryKey, columns: [...table.primaryKey.columns] };
  return out;
}

/** The model as introspect() would report it after compile() created it. */
export function canonicalizeCatalog(catalog: Catalog): Catalog {
  const isEnum = enumLookup(catalog.enums);
  return {
    schemas: catalog.schemas.filter((s) => !isDefaultSchema(s)),
    tables: catalog.tables.map((t) => canonicalTable(t, isEnum)),
    // No enum types in SQLite.
    enums: [],
  };
}
