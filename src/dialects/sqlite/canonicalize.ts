/**
 * Rewrite a model Catalog into the spelling introspect() reports, by text rules
 * alone: SQLite stores declared types, defaults, CHECK and index expressions as
 * written, so the rules mirror exactly what compile emits and introspect reads.
 * Two rules look at the database: a model type that means what the database's
 * declared type means (integer and INT) takes the database's text, so that text
 * stays; and an enum column (TEXT in SQLite) gets a named CHECK that enforces its values.
 */
import { mapIndexElement } from "../../catalog/index-elements.js";
import type { Catalog, CheckConstraint, Column, EnumType, Table } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import { sqliteDefault } from "./ddl.js";
import { canonicalSqliteTrigger } from "./triggers.js";
import { triggersWithBody } from "../../catalog/triggers.js";
import { canonicalSqliteView } from "./views.js";
import { isDefaultSchema, quoteIdentifier, quoteLiteral } from "./quote.js";
import { canonicalType, isIntegerType, sameType } from "./type-map.js";

function enumLookup(enums: EnumType[]): (type: string, tableSchema?: string) => boolean {
  const names = new Set(enums.map((e) => qualifiedName(e)));
  return (type, tableSchema) => names.has(type) || (tableSchema !== undefined && names.has(`${tableSchema}.${type}`));
}

/** Declared types of the database's columns, by table key and lower-case column name. */
export type DeclaredTypes = Map<string, Map<string, string>>;

export function declaredTypesOf(catalog: Catalog): DeclaredTypes {
  return new Map(catalog.tables.map((t) => [qualifiedName(t), new Map(t.columns.map((c) => [c.name.toLowerCase(), c.type]))]));
}

function canonicalColumn(column: Column, table: Table, isEnum: (t: string, s?: string) => boolean, declared: DeclaredTypes): Column {
  const out: Column = { name: column.name, type: column.type, nullable: column.nullable };
  // Enums are TEXT in SQLite, their values enforced by a CHECK (enumChecks).
  out.type = canonicalType(isEnum(column.type, table.schema) ? "text" : column.type);
  const existing = declared.get(qualifiedName(table))?.get(column.name.toLowerCase());
  if (existing !== undefined && sameType(existing, out.type)) out.type = existing;
  if (column.generated) out.generated = { expression: column.generated.expression.trim(), stored: column.generated.stored };
  if (column.collation !== undefined) out.collation = column.collation;
  if (column.default !== undefined) out.default = sqliteDefault(column.default);
  const pk = table.primaryKey?.columns ?? [];
  if ((column.identity || column.autoIncrement) && pk.length === 1 && pk[0] === column.name && isIntegerType(column.type)) {
    // Both spellings become INTEGER PRIMARY KEY AUTOINCREMENT, read back as identity.
    out.type = "INTEGER";
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

/** `CONSTRAINT "ck_<table>_<column>_enum" CHECK ("column" IN ('a', 'b'))` for each enum column. */
function enumChecks(table: Table, enums: EnumType[]): CheckConstraint[] {
  const checks: CheckConstraint[] = [];
  for (const column of table.columns) {
    const type = enums.find((e) => qualifiedName(e) === column.type || (table.schema !== undefined && qualifiedName(e) === `${table.schema}.${column.type}`));
    if (!type) continue;
    checks.push({ name: `ck_${table.name}_${column.name}_enum`, expression: `${quoteIdentifier(column.name)} IN (${type.values.map(quoteLiteral).join(", ")})` });
  }
  return checks;
}

function canonicalTable(table: Table, isEnum: (t: string, s?: string) => boolean, enums: EnumType[], declared: DeclaredTypes): Table {
  const out: Table = {
    name: table.name,
    columns: table.columns.map((c) => canonicalColumn(c, table, isEnum, declared)),
    uniques: table.uniques.map((u) => ({ ...u, columns: [...u.columns] })),
    foreignKeys: table.foreignKeys.map((fk) => {
      const copy = { ...fk, columns: [...fk.columns], refColumns: [...fk.refColumns] };
      if (copy.onDelete === "no action") delete copy.onDelete;
      if (copy.onUpdate === "no action") delete copy.onUpdate;
      if (isDefaultSchema(copy.refSchema)) delete copy.refSchema;
      return copy;
    }),
    checks: [...table.checks.map((ck) => ({ ...ck, expression: ck.expression.trim() })), ...enumChecks(table, enums)].sort((a, b) =>
      (a.name ?? "").localeCompare(b.name ?? ""),
    ),
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
  // SQLite's own table options only (MySQL's engine and charset mean nothing here).
  if (table.options?.strict || table.options?.withoutRowid) {
    out.options = { ...(table.options.strict ? { strict: true } : {}), ...(table.options.withoutRowid ? { withoutRowid: true } : {}) };
  }
  if (table.primaryKey) out.primaryKey = { ...table.primaryKey, columns: [...table.primaryKey.columns] };
  return out;
}

/** The model as introspect() would report it after compile() created it. */
export function canonicalizeCatalog(catalog: Catalog, declared: DeclaredTypes = new Map()): Catalog {
  const isEnum = enumLookup(catalog.enums);
  return {
    schemas: catalog.schemas.filter((s) => !isDefaultSchema(s)),
    tables: catalog.tables.map((t) => canonicalTable(t, isEnum, catalog.enums, declared)),
    // No enum types in SQLite.
    enums: [],
    ...(catalog.views?.length ? { views: catalog.views.map(canonicalSqliteView) } : {}),
    ...(triggersWithBody(catalog.triggers).length ? { triggers: triggersWithBody(catalog.triggers).map(canonicalSqliteTrigger) } : {}),
  };
}
