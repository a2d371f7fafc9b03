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
  Deferrable,
  PrimaryKey,
  Table,
  UniqueConstraint,
} from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import type { Connection, IntrospectOptions } from "../types.js";
import {
  INHERITED_CONSTRAINT,
  InheritedItems,
  OWN_CONSTRAINT,
  OWN_INDEX,
  PARTITION_COLUMNS,
  PARTITION_JOINS,
  partitionFields,
} from "./introspect/partitions.js";
import {
  exclusionFrom,
  INDEX_COLUMN_FIELDS,
  INDEX_COLUMNS_SQL,
  INDEX_JOINS_SQL,
  indexColumnsSql,
  indexFrom,
  keyIndexExtras,
} from "./introspect/indexes.js";
import { notExtensionMember } from "./introspect/extension-members.js";
import { readObjects } from "./introspect/objects.js";
import { readCollations } from "./introspect/collations.js";
import { readViews } from "./introspect/views.js";
import { readPolicies } from "./introspect/policies.js";
import { readRoutines } from "./introspect/routines.js";
import { readAggregates } from "./introspect/aggregates.js";
import { readTriggers } from "./introspect/triggers.js";
import { readOperators } from "./introspect/operators.js";
import { readGrants } from "./introspect/grants.js";
import { readSchemaComments } from "./introspect/schema-comments.js";
import { TABLE_STORAGE_COLUMNS, tableStorageFields } from "./introspect/table-storage.js";
import { CITUS_CATALOG_COLUMN, readDistributions } from "./introspect/distribution.js";
import { setCanonical } from "../../catalog/exact-text.js";
import {
  checkDefinitionText,
  neutralTypeName,
  normalizeCheckDefinition,
  normalizeDefault,
  normalizeExpression,
  stripEnclosingParens,
} from "./normalize.js";

export { DEFAULT_KILN_TABLES, DEFAULT_SCHEMA } from "./defaults.js";
import { DEFAULT_KILN_TABLES, DEFAULT_SCHEMA } from "./defaults.js";

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
    ...(options.grants ? { grants: options.grants } : {}),
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
  /** Read the privileges granted (IntrospectOptions.grants). */
  grants?: true | string[];
  /** Applied to printed SQL text (types, defaults, expressions) after normalization. */
  rewriteText?: (text: string) => string;
  /**
   * Read the tables alone (columns, constraints, indexes): what reading back
   * scratch tables needs (spelling.ts). Every other kind's queries are left out,
   * a round trip each on the scratch transaction's one session.
   */
  tablesOnly?: true;
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
const NOT_FROM_EXTENSION = notExtensionMember;

const SCHEMAS_SQL = `
SELECT n.nspname AS name
  FROM pg_catalog.pg_namespace n
 WHERE ${USER_SCHEMA}
   AND CASE WHEN $1::text[] IS NULL THEN n.nspname !~ '^kiln_canon_' ELSE n.nspname = ANY($1::text[]) END
   AND ${NOT_FROM_EXTENSION("pg_namespace", "n.oid")}`;

const TABLES_SQL = `
SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name, d.description AS comment,
       ${PARTITION_COLUMNS},
       ${TABLE_STORAGE_COLUMNS},
       ${CITUS_CATALOG_COLUMN}
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
  ${PARTITION_JOINS}
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname = ANY($1::text[])
   AND NOT (c.relname = ANY($2::text[]) OR (n.nspname || '.' || c.relname) = ANY($2::text[]))
   AND ${NOT_FROM_EXTENSION("pg_class", "c.oid")}`;

// The per-table reads return their rows as one JSON text (see jsonRows).
// They start from the table oids (unnest, then index lookups): a
// filter `attrelid = ANY(oids)` scans all of pg_attribute, comparing each row
// with every oid, and PostgreSQL starts parallel workers for it. Column names of
// constraints and indexes are looked up in JS from the columns read here (by
// attnum), not by one subquery per constraint.

// A serial column: its default is nextval() of a sequence the column owns
// (pg_depend 'a'). serial_defaults lists that nextval() text for each owned
// sequence (looked up per column that has a default: a join with every
// sequence of the database costs each chunk of tables the same again); the
// column is serial when its default is one of them. Only defaults that call nextval()
// (oid 1574) anywhere in their expression tree are looked up: a serial's default is that
// call, under an implicit cast for an integer column; the others (most defaults) cannot match.
const COLUMNS_SQL = `
SELECT a.attrelid::int8::text AS table_oid, a.attnum AS attnum, a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS formatted_type,
       COALESCE(et.typtype, t.typtype) AS base_typtype,
       COALESCE(et.typname, t.typname) AS base_typname,
       COALESCE(etn.nspname, tn.nspname) AS base_typschema,
       (t.typcategory = 'A') AS is_array,
       a.attnotnull AS not_null, a.attidentity AS identity, a.attgenerated AS generated,
       NULLIF(a.attstattarget, -1) AS statistics,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       d.description AS comment,
       CASE WHEN ad.adbin::text LIKE '%:funcid 1574 %' THEN
         ARRAY(SELECT 'nextval(' || pg_catalog.quote_literal(s.oid::regclass::text) || '::regclass)'
                 FROM pg_catalog.pg_depend dep
                 JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
                WHERE dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
                  AND dep.classid = 'pg_class'::regclass AND dep.objsubid = 0 AND dep.deptype = 'a')
       END AS serial_defaults,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
         CASE WHEN con.nspname IN ('pg_catalog', '${DEFAULT_SCHEMA}') THEN co.collname::text
              ELSE '"' || replace(con.nspname, '"', '""') || '"."' || replace(co.collname, '"', '""') || '"' END
       END AS collation
  FROM unnest($1::int8[]::oid[]) AS r(oid)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem
  LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped`;

/** COLUMNS_SQL's output, in order (its rows are sent as arrays: see arrayText). */
const COLUMN_FIELDS = [
  "table_oid", "attnum", "name", "formatted_type", "base_typtype", "base_typname", "base_typschema", "is_array",
  "not_null", "identity", "generated", "statistics", "default_expr", "comment", "serial_defaults", "collation",
];

// contype 'n' (NOT NULL, listed from PostgreSQL 18 on) and 't' are not Catalog constraints.
// Referenced columns may belong to a table outside the schemas read: named here.
// An exclusion constraint ('x') also reads its index (introspect/indexes.ts).
const CONSTRAINTS_SQL = `
SELECT con.conrelid::int8::text AS table_oid, con.conname AS name, con.contype AS type,
       array_to_string(con.conkey, ',') AS conkey_numbers,
       con.condeferrable AS deferrable, con.condeferred AS deferred, con.confmatchtype AS match_type,
       con.convalidated AS validated, cd.description AS comment,
       ci.indnullsnotdistinct AS key_nulls_not_distinct,
       xi.*,
       CASE WHEN con.contype = 'f' THEN
         ARRAY(SELECT a.attname::text
                 FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                ORDER BY k.ord)
       END AS ref_columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       con.confdeltype AS on_delete, con.confupdtype AS on_update,
       CASE WHEN con.contype IN ('c', 'x') THEN pg_catalog.pg_get_constraintdef(con.oid) END AS definition,
       ${OWN_CONSTRAINT} AS own
  FROM unnest($1::int8[]::oid[]) AS r(oid)
  JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
  LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
  LEFT JOIN pg_catalog.pg_description cd
         ON cd.objoid = con.oid AND cd.classoid = 'pg_constraint'::regclass AND cd.objsubid = 0
  LEFT JOIN pg_catalog.pg_index ci ON con.contype IN ('p', 'u', 'x') AND ci.indexrelid = con.conindid
  LEFT JOIN LATERAL (
    SELECT ${indexColumnsSql("con.contype = 'x'")}
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid${INDEX_JOINS_SQL}
     WHERE con.contype IN ('p', 'u', 'x') AND i.indexrelid = con.conindid
  ) xi ON true
 WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND (${OWN_CONSTRAINT} OR ${INHERITED_CONSTRAINT})`;

/** CONSTRAINTS_SQL's output, in order. */
const CONSTRAINT_FIELDS = [
  "table_oid", "name", "type", "conkey_numbers", "deferrable", "deferred", "match_type", "validated", "comment",
  "key_nulls_not_distinct", ...INDEX_COLUMN_FIELDS, "ref_columns", "ref_schema", "ref_table", "on_delete", "on_update", "definition", "own",
];

// Indexes that back a primary key, unique or exclusion constraint are the constraint's business.
// Columns are attnums (indkey, its first indnkeyatts are the key; 0: an expression, printed by
// pg_get_indexdef, which is asked only when there is one).
const INDEXES_SQL = `
SELECT i.indrelid::int8::text AS table_oid, ic.relname AS name, i.indisunique AS is_unique,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, d.description AS comment,
       ${OWN_INDEX} AS own,${INDEX_COLUMNS_SQL}
  FROM unnest($1::int8[]::oid[]) AS r(oid)
  JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid${INDEX_JOINS_SQL}
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
 WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                    WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid
                      AND con.contype IN ('p', 'u', 'x'))`;

/** INDEXES_SQL's output, in order. */
const INDEX_FIELDS = ["table_oid", "name", "is_unique", "definition", "comment", "own", ...INDEX_COLUMN_FIELDS];

/** The large reads (taking `$1`, table oids) and their field lists: a test checks that each list names its read's output, in order. */
export const LARGE_READS: { sql: string; fields: readonly string[] }[] = [
  { sql: COLUMNS_SQL, fields: COLUMN_FIELDS },
  { sql: CONSTRAINTS_SQL, fields: CONSTRAINT_FIELDS },
  { sql: INDEXES_SQL, fields: INDEX_FIELDS },
];

const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       COALESCE(array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL),
                '{}'::text[]) AS labels,
       (SELECT d.description FROM pg_catalog.pg_description d
         WHERE d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0) AS comment
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
 WHERE t.typtype = 'e' AND n.nspname = ANY($1::text[])
   AND ${NOT_FROM_EXTENSION("pg_type", "t.oid")}
 GROUP BY n.nspname, t.typname, t.oid`;

type Row = Record<string, unknown>;

/**
 * Runs `sql` (its output columns are `fields`, in order) and returns its rows,
 * sent as one JSON text of arrays: a schema of 1,000 tables has some 10,000
 * column rows, and one JSON.parse reads them several times faster than the
 * drivers decode that many rows one by one (both drivers alike: the text is
 * parsed here). Arrays, not objects: the field names are not repeated in every
 * row, which made the text 2.5 times longer (more for the server to build, the
 * driver to buffer and kiln to parse).
 */
async function jsonRows(conn: Connection, sql: string, fields: readonly string[], params: unknown[]): Promise<Row[]> {
  return rowsFrom(await arrayText(conn, sql, fields, params), fields);
}

/** jsonRows' text, not parsed yet: a text holds less memory than its rows, while other reads are still arriving. */
async function arrayText(conn: Connection, sql: string, fields: readonly string[], params: unknown[]): Promise<string> {
  const row = `json_build_array(${fields.map((f) => `q."${f}"`).join(", ")})`;
  const { rows } = await conn.query(`SELECT COALESCE(json_agg(${row}), '[]')::text AS rows FROM (${sql}) q`, params);
  return String(rows[0]!.rows);
}

/** The rows of an arrayText, as objects keyed by `fields`. */
function rowsFrom(text: string, fields: readonly string[]): Row[] {
  const arrays = JSON.parse(text) as unknown[][];
  const toRow = rowBuilder(fields);
  const rows: Row[] = new Array(arrays.length);
  for (let i = 0; i < arrays.length; i++) rows[i] = toRow(arrays[i]!);
  return rows;
}

const rowBuilders = new Map<readonly string[], (values: unknown[]) => Row>();

/**
 * `values => ({ [fields[0]]: values[0], ... })` as one object literal: every row gets
 * its shape at once, where a key-by-key loop looks up each key's transition per row
 * (a fifth of the time of decoding 10,000 column rows). The fields are this module's
 * own constants (LARGE_READS), never data.
 */
function rowBuilder(fields: readonly string[]): (values: unknown[]) => Row {
  let build = rowBuilders.get(fields);
  if (build === undefined) {
    const body = fields.map((f, i) => `${JSON.stringify(f)}: v[${i}]`).join(", ");
    build = new Function("v", `return { ${body} };`) as (values: unknown[]) => Row;
    rowBuilders.set(fields, build);
  }
  return build;
}

/**
 * Tables per statement of the three large reads: a large schema's columns are
 * read in several texts, so that neither the driver (which buffers a row whole,
 * doubling its buffer as it grows) nor kiln holds one text of all of them, and
 * kiln decodes a part while the server reads the next.
 */
const TABLES_PER_READ = 500;

/** The reader behind introspect() and canonicalize(). */
export async function readCatalog(conn: Connection, scope: CatalogScope): Promise<Catalog> {
  const spell = new Spellings(scope.rewriteText ?? ((text: string) => text));
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
      ...partitionFields(r, alias),
      ...tableStorageFields(r),
    };
    tablesByOid.set(String(r.oid), table);
  }
  const oids = [...tablesByOid.keys()];
  // Citus: only where its catalog exists (the query would not parse elsewhere).
  if (tableRows.some((r) => r.citus_catalog === true)) {
    for (const [oid, distribution] of await readDistributions(conn, oids)) tablesByOid.get(oid)!.distribution = distribution;
  }

  // Sent together: a connection that reads in parallel (dialects/reader-pool.ts) runs them side by side.
  // Each text is parsed only when its turn comes, so that at most one part's rows are held at once.
  const parts: Promise<string>[][] = [];
  for (let at = 0; at === 0 || at < oids.length; at += TABLES_PER_READ) {
    const part = [oids.slice(at, at + TABLES_PER_READ)];
    parts.push([
      arrayText(conn, COLUMNS_SQL, COLUMN_FIELDS, part),
      arrayText(conn, CONSTRAINTS_SQL, CONSTRAINT_FIELDS, part),
      arrayText(conn, INDEXES_SQL, INDEX_FIELDS, part),
    ]);
  }
  // Awaited in order below; a failure of a later part meanwhile must not count as unhandled.
  for (const part of parts) for (const read of part) read.catch(() => undefined);
  /** Decodes the parts in order into the tables, each text let go once decoded. */
  const decodeTables = async (): Promise<Table[]> => {
    // Column names by table and attnum, for the constraints' and indexes' column numbers.
    const columnNames = new Map<string, Map<number, string>>();
    const nameOf = (oid: string) => (attnum: number) => columnNames.get(oid)?.get(attnum);
    const inherited = new InheritedItems();
    for (let p = 0; p < parts.length; p++) {
      // A part covers whole tables: its constraints and indexes need only its own columns.
      const [columnsText, constraintsText, indexesText] = parts[p]!;
      parts[p] = [];
      readColumns(rowsFrom(await columnsText!, COLUMN_FIELDS));
      for (const r of rowsFrom(await constraintsText!, CONSTRAINT_FIELDS)) {
        const oid = String(r.table_oid);
        const table = inherited.target(tablesByOid.get(oid), r.own === false);
        const columns = attnums(r.conkey_numbers).map(nameOf(oid)).filter((n): n is string => n !== undefined);
        if (table) addConstraint(table, r, columns, alias, spell, nameOf(oid));
      }
      for (const r of rowsFrom(await indexesText!, INDEX_FIELDS)) {
        const oid = String(r.table_oid);
        inherited.target(tablesByOid.get(oid), r.own === false)?.indexes.push(indexFrom(r, nameOf(oid), spell.canonicalOnly));
      }
    }

    function readColumns(rows: Row[]): void {
      // Columns in attnum order: each table's own columns come in order (tables are sorted below). Sorted
      // here, not by json_agg(... ORDER BY): the server sorts the wide rows on disk past work_mem.
      for (const r of byAttnum(rows)) {
        const oid = String(r.table_oid);
        const table = tablesByOid.get(oid);
        if (!table) continue;
        const column = columnFrom(r, alias, spell);
        table.columns.push(column);
        let names = columnNames.get(oid);
        if (!names) columnNames.set(oid, (names = new Map()));
        names.set(Number(r.attnum), column.name);
      }
    }

    const tables = [...tablesByOid.values()];
    for (const table of tables) {
      table.uniques.sort(byName);
      table.foreignKeys.sort(byName);
      table.checks.sort(byName);
      table.indexes.sort(byName);
      table.exclusions?.sort(byName);
    }
    inherited.finish(byName);
    tables.sort(byQualifiedName);
    return tables;
  };
  const schemas = schemaNames
    .map((s) => alias(s))
    .filter((s): s is string => s !== undefined)
    .sort(compareText);
  if (scope.tablesOnly) return { schemas, tables: await decodeTables(), enums: [] };

  const enumsRead = conn.query(ENUMS_SQL, [schemaNames]);
  enumsRead.catch(() => undefined);
  // The other readers' first statements go out now too, queued behind the large reads, so that the
  // server answers them while kiln decodes the large ones; each reader gets its rows only once the
  // tables are built (it changes its own part of them: sequences, row-level security).
  let tablesBuilt!: () => void;
  const built = new Promise<void>((resolve) => (tablesBuilt = resolve));
  const afterTables: Connection = {
    query: async (sql, params) => {
      try {
        return await conn.query(sql, params);
      } finally {
        await built;
      }
    },
    close: () => conn.close(),
  };
  const others = Promise.all([
    readObjects(afterTables, schemaNames, alias, tablesByOid),
    readViews(afterTables, schemaNames, {
      alias,
      rewrite: scope.rewriteText ?? ((text: string) => text),
      readIndexes: async (viewOids, nameOf) => {
        const byView = new Map<string, Index[]>();
        for (const r of await jsonRows(conn, INDEXES_SQL, INDEX_FIELDS, [viewOids])) {
          const oid = String(r.table_oid);
          const list = byView.get(oid) ?? [];
          list.push(indexFrom(r, nameOf(oid), spell.canonicalOnly));
          byView.set(oid, list);
        }
        return byView;
      },
    }),
    readPolicies(afterTables, tablesByOid, (text) => spell.expression(text)),
    readRoutines(afterTables, schemaNames, alias),
    readTriggers(afterTables, tablesByOid, alias),
    readSchemaComments(afterTables, schemaNames, alias),
    scope.grants ? readGrants(afterTables, schemaNames, scope.excludeTables, alias, scope.grants) : undefined,
    readCollations(afterTables, schemaNames, alias),
    readOperators(afterTables, schemaNames, alias),
    readAggregates(afterTables, schemaNames, alias),
  ]);
  // Awaited below; a failure before then must not count as unhandled.
  others.catch(() => undefined);
  const tables = await decodeTables();
  const enumResult = await enumsRead;

  const enums: EnumType[] = enumResult.rows
    .map((r) => ({
      ...optional("schema", alias(String(r.schema))),
      name: String(r.name),
      values: (r.labels as string[]) ?? [],
      ...optional("comment", nullable(r.comment)),
    }))
    .sort(byQualifiedName);

  tablesBuilt();
  const [objects, views, policies, routines, triggers, schemaComments, grants, collations, operators, aggregates] = await others;
  // Only the kinds the database has: a Catalog without them reads as before.
  return {
    schemas,
    tables,
    enums,
    ...objects,
    ...(collations.length > 0 ? { collations } : {}),
    ...(views.length > 0 ? { views } : {}),
    ...(policies.length > 0 ? { policies } : {}),
    ...(routines.length > 0 ? { routines } : {}),
    ...(aggregates.length > 0 ? { aggregates } : {}),
    ...(triggers.length > 0 ? { triggers } : {}),
    ...(operators.length > 0 ? { operators } : {}),
    ...(Object.keys(schemaComments).length > 0 ? { schemaComments } : {}),
    // Only when the config asks: an empty list then means "no grants" (compared), absent means "not compared".
    ...(grants ? { grants } : {}),
  };
}

/**
 * The text rules (normalize.ts) followed by the scope's rewrite, remembered per
 * input: a large schema repeats a handful of types, defaults and expressions
 * thousands of times. The rules are pure, so remembering changes nothing else.
 */
class Spellings {
  // One map per rule, keyed by the input itself: no key text is built per column.
  private readonly types = new Map<string, string>();
  private readonly defaultTexts = new Map<string, string>();
  /** Canonical defaults by type, then by text (normalizeDefault reads both). */
  private readonly defaults = new Map<string, Map<string, string>>();
  private readonly checkTexts = new Map<string, string>();
  private readonly checks = new Map<string, string>();
  private readonly expressionTexts = new Map<string, string>();
  private readonly expressions = new Map<string, string>();

  constructor(private readonly rewrite: (text: string) => string) {}

  private remember(known: Map<string, string>, key: string, compute: (key: string) => string): string {
    let text = known.get(key);
    if (text === undefined) {
      text = this.rewrite(compute(key));
      known.set(key, text);
    }
    return text;
  }

  type(formatted: string): string {
    return this.remember(this.types, formatted, neutralTypeName);
  }

  /** A default: the text as PostgreSQL prints it, and its canonical form. */
  default(raw: string, formatted: string): Spelled {
    let byText = this.defaults.get(formatted);
    if (byText === undefined) this.defaults.set(formatted, (byText = new Map()));
    return {
      text: this.remember(this.defaultTexts, raw, (text) => text.trim()),
      canonical: this.remember(byText, raw, (text) => normalizeDefault(text, formatted)),
    };
  }

  check(definition: string): Spelled {
    return {
      text: this.remember(this.checkTexts, definition, checkDefinitionText),
      canonical: this.remember(this.checks, definition, normalizeCheckDefinition),
    };
  }

  /**
   * For readers that take one spelling (introspect/indexes.ts): index expressions
   * and predicates in canonical form. (PostgreSQL accepts only immutable functions
   * there, so the canonical form differs from the printed text only by the
   * enclosing parentheses, which it does not keep.)
   */
  readonly canonicalOnly = { expression: (text: string): string => this.expression(text).canonical };

  /** An expression (index element, predicate, generated column): without enclosing parentheses, which PostgreSQL does not keep. */
  expression(text: string): Spelled {
    return {
      text: this.remember(this.expressionTexts, text, stripEnclosingParens),
      canonical: this.remember(this.expressions, text, normalizeExpression),
    };
  }
}

/** Exact text and canonical form (see EXACT TEXT in catalog/types.ts). */
interface Spelled {
  text: string;
  canonical: string;
}

/** `{ [field]: text }` with the canonical form beside it when it differs. */
function spelled<K extends string>(field: K, s: Spelled): { [P in K]: string } & { canonical?: { [P in K]?: string } } {
  const item = { [field]: s.text } as { [P in K]: string } & { canonical?: { [P in K]?: string } };
  setCanonical(item, field, s.canonical);
  return item;
}

function columnFrom(r: Row, alias: (schema: string) => string | undefined, spell: Spellings): Column {
  const formatted = String(r.formatted_type);
  const identity = r.identity === "a" || r.identity === "d" ? { always: r.identity === "a" } : undefined;
  const rawDefault = nullable(r.default_expr);
  const serial = rawDefault !== undefined && ((r.serial_defaults as string[] | null) ?? []).includes(rawDefault);
  const generated = r.generated === "s" || r.generated === "v";
  // Identity, serial and generated columns carry their own value rule; it is not a default.
  const defaultText = rawDefault !== undefined && !serial && !identity && !generated ? spell.default(rawDefault, formatted) : undefined;
  // Key by key, in this order (one object per column of every table: no conditional spreads).
  const column: Column = { name: String(r.name), type: columnType(r, formatted, alias, spell), nullable: r.not_null !== true };
  if (defaultText !== undefined) {
    column.default = defaultText.text;
    if (defaultText.canonical !== defaultText.text) column.canonical = { default: defaultText.canonical };
  }
  if (generated && rawDefault !== undefined) {
    column.generated = { ...spelled("expression", spell.expression(rawDefault)), stored: r.generated === "s" };
  }
  const collation = nullable(r.collation);
  if (collation !== undefined) column.collation = collation;
  if (identity !== undefined) column.identity = identity;
  if (serial) column.autoIncrement = true;
  const comment = nullable(r.comment);
  if (comment !== undefined) column.comment = comment;
  if (r.statistics !== null && r.statistics !== undefined) column.statistics = Number(r.statistics);
  return column;
}

/** Enums are named by schema and name (not as format_type quotes them); other types via the vocabulary. */
function columnType(r: Row, formatted: string, alias: (schema: string) => string | undefined, spell: Spellings): string {
  if (r.base_typtype === "e") {
    const schema = alias(String(r.base_typschema));
    const name = schema ? `${schema}.${String(r.base_typname)}` : String(r.base_typname);
    return r.is_array === true ? `${name}[]` : name;
  }
  return spell.type(formatted);
}

/**
 * The column rows in attnum order, rows of the same attnum in the order they came (what a stable
 * sort gives): bucketed by attnum, a small number (at most 1,600 columns a table), not compared
 * some 100,000 times for 10,000 rows.
 */
function byAttnum(rows: Row[]): Row[] {
  const buckets: Row[][] = [];
  for (const r of rows) {
    const attnum = Number(r.attnum);
    if (!Number.isInteger(attnum) || attnum < 0 || attnum > 65535) return [...rows].sort((a, b) => Number(a.attnum) - Number(b.attnum));
    (buckets[attnum] ??= []).push(r);
  }
  const sorted: Row[] = [];
  for (const bucket of buckets) if (bucket !== undefined) for (const r of bucket) sorted.push(r);
  return sorted;
}

/** Attnums printed as `1,2,3` (array_to_string) or `1 2 3` (int2vector) -> [1, 2, 3]. */
function attnums(text: unknown): number[] {
  if (typeof text !== "string" || text === "") return [];
  return text.split(text.includes(",") ? "," : " ").map(Number);
}

function addConstraint(
  table: Table,
  r: Row,
  columns: string[],
  alias: (schema: string) => string | undefined,
  spell: Spellings,
  nameOf: (attnum: number) => string | undefined,
): void {
  const name = String(r.name);
  switch (r.type) {
    case "p":
      table.primaryKey = constraintExtras<PrimaryKey>(r, { name, columns, ...keyIndexExtras(r, nameOf) });
      break;
    case "u": {
      const unique: UniqueConstraint = { name, columns, ...keyIndexExtras(r, nameOf) };
      if (r.key_nulls_not_distinct === true) unique.nullsNotDistinct = true;
      table.uniques.push(constraintExtras(r, unique));
      break;
    }
    case "x":
      (table.exclusions ??= []).push(constraintExtras(r, exclusionFrom(r, nameOf, spell.canonicalOnly)));
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
      if (r.match_type === "f") fk.match = "full";
      table.foreignKeys.push(constraintExtras(r, fk));
      break;
    }
    case "c":
      table.checks.push(constraintExtras<CheckConstraint>(r, { name, ...spelled("expression", spell.check(String(r.definition))) }));
      break;
  }
}

/** DEFERRABLE, NOT VALID and the comment, which every kind of constraint may have, added to `constraint`. */
function constraintExtras<C extends { deferrable?: Deferrable; notValid?: boolean; comment?: string }>(r: Row, constraint: C): C {
  if (r.deferrable === true) constraint.deferrable = r.deferred === true ? "deferred" : "immediate";
  if (r.validated === false) constraint.notValid = true;
  const comment = nullable(r.comment);
  if (comment !== undefined) constraint.comment = comment;
  return constraint;
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
