/**
 * Read a PostgreSQL schema into a Catalog with a fixed number of catalog
 * queries (six), however many tables there are: never a query per table.
 */
import type {
  CheckConstraint,
  Catalog,
  Column,
  EnumType,
  FkAction,
  ForeignKey,
  Index,
  IndexElement,
  Table,
  UniqueConstraint,
} from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import type { Connection, IntrospectOptions } from "../types.js";
import { neutralTypeName, normalizeCheckDefinition, normalizeDefault, normalizeExpression } from "./normalize.js";

export const DEFAULT_SCHEMA = "public";
export const DEFAULT_KILN_TABLES = ["kiln_version", "kiln_history"];

export interface PostgresIntrospectOptions extends IntrospectOptions {
  /** kiln's own tables, left out (bare names or schema.name). Default kiln_version and kiln_history. */
  kilnTables?: string[];
}

/** Read the schema. Without `schemas`, every non-system schema is read; name "public" to include the default one. */
export async function introspectPostgres(conn: Connection, options: PostgresIntrospectOptions = {}): Promise<Catalog> {
  return readCatalog(conn, {
    schemas: options.schemas,
    excludeTables: [...(options.kilnTables ?? DEFAULT_KILN_TABLES), ...(options.excludeTables ?? [])],
    includeTable: options.includeTable,
    schemaAlias: (schema) => (schema === DEFAULT_SCHEMA ? undefined : schema),
  });
}

/** How canonicalize re-uses the reader on scratch schemas: which schemas, and how to name them back. */
export interface CatalogScope {
  /** Schemas to read; undefined: every non-system schema. */
  schemas?: string[];
  /** Table names (bare or schema.name) to leave out. */
  excludeTables: string[];
  includeTable?: (schema: string | undefined, name: string) => boolean;
  /** The Catalog name of a database schema (undefined for the default one). */
  schemaAlias: (schema: string) => string | undefined;
  /** Applied to printed SQL text (types, defaults, expressions) after normalization. */
  rewriteText?: (text: string) => string;
}

const FK_ACTIONS: Record<string, FkAction | undefined> = {
  a: undefined, // NO ACTION is the default: left out, as a model that says nothing.
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};

// Schemas named pg_* are reserved for the system (pg_catalog, pg_toast, pg_temp_N, ...).
const USER_SCHEMA = `n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`;
const NOT_FROM_EXTENSION = (classTable: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '${classTable}'::regclass AND x.objid = ${oid} AND x.deptype = 'e')`;

const SCHEMAS_SQL = `
SELECT n.nspname AS name
  FROM pg_catalog.pg_namespace n
 WHERE ${USER_SCHEMA}
   AND CASE WHEN $1::text[] IS NULL THEN n.nspname !~ '^kiln_canon_' ELSE n.nspname = ANY($1::text[]) END
   AND ${NOT_FROM_EXTENSION("pg_namespace", "n.oid")}`;

const TABLES_SQL = `
SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name, d.description AS comment
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND n.nspname = ANY($1::text[])
   AND NOT (c.relname = ANY($2::text[]) OR (n.nspname || '.' || c.relname) = ANY($2::text[]))
   AND ${NOT_FROM_EXTENSION("pg_class", "c.oid")}`;

// A serial column: its default is nextval() of a sequence the column owns (pg_depend 'a').
const COLUMNS_SQL = `
SELECT a.attrelid::int8::text AS table_oid, a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS formatted_type,
       COALESCE(et.typtype, t.typtype) AS base_typtype,
       COALESCE(et.typname, t.typname) AS base_typname,
       COALESCE(etn.nspname, tn.nspname) AS base_typschema,
       (t.typcategory = 'A') AS is_array,
       a.attnotnull AS not_null, a.attidentity AS identity, a.attgenerated AS generated,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       d.description AS comment,
       EXISTS (
         SELECT 1
           FROM pg_catalog.pg_depend dep
           JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
          WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
            AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
            AND pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
                = 'nextval(' || pg_catalog.quote_literal(s.oid::regclass::text) || '::regclass)'
       ) AS serial
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem
  LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
 WHERE a.attrelid = ANY($1::int8[]::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum`;

// contype 'n' (NOT NULL, listed from PostgreSQL 18 on) and 'x', 't' are not Catalog constraints.
const CONSTRAINTS_SQL = `
SELECT con.conrelid::int8::text AS table_oid, con.conname AS name, con.contype AS type,
       ARRAY(SELECT a.attname::text
               FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text
               FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS ref_columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       con.confdeltype AS on_delete, con.confupdtype AS on_update,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid) END AS definition
  FROM pg_catalog.pg_constraint con
  LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE con.conrelid = ANY($1::int8[]::oid[]) AND con.contype IN ('p', 'u', 'f', 'c')`;

// Indexes that back a primary key, unique or exclusion constraint are the constraint's business.
const INDEXES_SQL = `
SELECT i.indrelid::int8::text AS table_oid, ic.relname AS name, i.indisunique AS is_unique,
       am.amname AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
       (SELECT json_agg(json_build_object(
                 'column', a.attname::text,
                 'expression', CASE WHEN k.attnum = 0
                                    THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, false) END)
                 ORDER BY k.ord)
          FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
          LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum <> 0
         WHERE k.ord <= i.indnkeyatts) AS elements
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_am am ON am.oid = ic.relam
 WHERE i.indrelid = ANY($1::int8[]::oid[])
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                    WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                      AND con.contype IN ('p', 'u', 'x'))`;

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       COALESCE(array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL),
                '{}'::text[]) AS labels
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
 WHERE t.typtype = 'e' AND n.nspname = ANY($1::text[])
   AND ${NOT_FROM_EXTENSION("pg_type", "t.oid")}
 GROUP BY n.nspname, t.typname`;

type Row = Record<string, unknown>;

/** The reader behind introspect() and canonicalize(). */
export async function readCatalog(conn: Connection, scope: CatalogScope): Promise<Catalog> {
  const rewrite = scope.rewriteText ?? ((text: string) => text);
  const alias = scope.schemaAlias;

  const schemaRows = (await conn.query(SCHEMAS_SQL, [scope.schemas ?? null])).rows;
  const schemaNames = schemaRows.map((r) => String(r.name));

  const tableRows = (await conn.query(TABLES_SQL, [schemaNames, scope.excludeTables])).rows.filter(
    (r) => !scope.includeTable || scope.includeTable(alias(String(r.schema)), String(r.name)),
  );
  const tablesByOid = new Map<string, Table>();
  for (const r of tableRows) {
    const table: Table = {
      ...optional("schema", alias(String(r.schema))),
      name: String(r.name),
      columns: [],
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
      ...optional("comment", nullable(r.comment)),
    };
    tablesByOid.set(String(r.oid), table);
  }
  const oids = [...tablesByOid.keys()];

  const [columnRows, constraintRows, indexRows, enumRows] = [
    (await conn.query(COLUMNS_SQL, [oids])).rows,
    (await conn.query(CONSTRAINTS_SQL, [oids])).rows,
    (await conn.query(INDEXES_SQL, [oids])).rows,
    (await conn.query(ENUMS_SQL, [schemaNames])).rows,
  ];

  for (const r of columnRows) {
    tablesByOid.get(String(r.table_oid))?.columns.push(columnFrom(r, alias, rewrite));
  }
  for (const r of constraintRows) {
    const table = tablesByOid.get(String(r.table_oid));
    if (table) addConstraint(table, r, alias, rewrite);
  }
  for (const r of indexRows) {
    tablesByOid.get(String(r.table_oid))?.indexes.push(indexFrom(r, rewrite));
  }

  const tables = [...tablesByOid.values()];
  for (const table of tables) {
    table.uniques.sort(byName);
    table.foreignKeys.sort(byName);
    table.checks.sort(byName);
    table.indexes.sort(byName);
  }
  tables.sort(byQualifiedName);

  const enums: EnumType[] = enumRows
    .map((r) => ({
      ...optional("schema", alias(String(r.schema))),
      name: String(r.name),
      values: (r.labels as string[]) ?? [],
    }))
    .sort(byQualifiedName);

  const schemas = schemaNames
    .map((s) => alias(s))
    .filter((s): s is string => s !== undefined)
    .sort(compareText);

  return { schemas, tables, enums };
}

function columnFrom(r: Row, alias: (schema: string) => string | undefined, rewrite: (text: string) => string): Column {
  const formatted = String(r.formatted_type);
  const identity = r.identity === "a" || r.identity === "d" ? { always: r.identity === "a" } : undefined;
  const serial = r.serial === true;
  const generated = r.generated !== "" && r.generated !== null && r.generated !== undefined;
  const rawDefault = nullable(r.default_expr);
  // Identity, serial and generated columns carry their own value rule; it is not a default.
  const defaultText =
    rawDefault !== undefined && !serial && !identity && !generated
      ? rewrite(normalizeDefault(rawDefault, formatted))
      : undefined;
  return {
    name: String(r.name),
    type: columnType(r, formatted, alias, rewrite),
    nullable: r.not_null !== true,
    ...optional("default", defaultText),
    ...optional("identity", identity),
    ...(serial ? { autoIncrement: true } : {}),
    ...optional("comment", nullable(r.comment)),
  };
}

/** Enums are named by schema and name (not as format_type quotes them); other types via the vocabulary. */
function columnType(
  r: Row,
  formatted: string,
  alias: (schema: string) => string | undefined,
  rewrite: (text: string) => string,
): string {
  if (r.base_typtype === "e") {
    const schema = alias(String(r.base_typschema));
    const name = schema ? `${schema}.${String(r.base_typname)}` : String(r.base_typname);
    return r.is_array === true ? `${name}[]` : name;
  }
  return rewrite(neutralTypeName(formatted));
}

function addConstraint(
  table: Table,
  r: Row,
  alias: (schema: string) => string | undefined,
  rewrite: (text: string) => string,
): void {
  const name = String(r.name);
  const columns = (r.columns as string[]) ?? [];
  switch (r.type) {
    case "p":
      table.primaryKey = { name, columns };
      break;
    case "u":
      table.uniques.push({ name, columns } satisfies UniqueConstraint);
      break;
    case "f": {
      const fk: ForeignKey = {
        name,
        columns,
        ...optional("refSchema", alias(String(r.ref_schema))),
        refTable: String(r.ref_table),
        refColumns: (r.ref_columns as string[]) ?? [],
        ...optional("onDelete", FK_ACTIONS[String(r.on_delete)]),
        ...optional("onUpdate", FK_ACTIONS[String(r.on_update)]),
      };
      table.foreignKeys.push(fk);
      break;
    }
    case "c":
      table.checks.push({ name, expression: rewrite(normalizeCheckDefinition(String(r.definition))) } satisfies CheckConstraint);
      break;
  }
}

function indexFrom(r: Row, rewrite: (text: string) => string): Index {
  const elements = (r.elements as { column: string | null; expression: string | null }[] | null) ?? [];
  const columns: IndexElement[] = elements.map((e) =>
    e.column !== null ? e.column : { expression: rewrite(normalizeExpression(String(e.expression))) },
  );
  const method = String(r.method);
  const predicate = nullable(r.predicate);
  return {
    name: String(r.name),
    columns,
    ...(r.is_unique === true ? { unique: true } : {}),
    ...optional("where", predicate === undefined ? undefined : rewrite(normalizeExpression(predicate))),
    ...optional("method", method === "btree" ? undefined : method),
  };
}

/** `{ key: value }`, or nothing when value is undefined, so Catalog objects carry no undefined keys. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function nullable(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: { name?: string }, b: { name?: string }): number {
  return compareText(a.name ?? "", b.name ?? "");
}

function byQualifiedName(a: { schema?: string; name: string }, b: { schema?: string; name: string }): number {
  return compareText(qualifiedName(a), qualifiedName(b));
}
