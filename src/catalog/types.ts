/**
 * The Catalog: a dialect-neutral, plain-data description of a database schema.
 *
 * Both sides of autogenerate produce one: the models (schema/) and the live
 * database (dialects/<name>/introspect). Compare works on two Catalogs only.
 *
 * Conventions that keep two Catalogs of the same schema equal:
 * - `schema` is omitted (undefined) for the dialect's default schema ("public" on PostgreSQL).
 * - `type` is a type string in kiln's neutral vocabulary (see TYPE VOCABULARY below).
 * - SQL text (see EXACT TEXT below) is kept as its side wrote it; comparison uses
 *   the `canonical` form the dialect adds next to it.
 * - Arrays are sorted by name where order carries no meaning (tables, constraints,
 *   indexes); column order and index column order are kept.
 *
 * TYPE VOCABULARY (lower case): smallint, integer, bigint, real, double precision,
 * numeric, numeric(p), numeric(p,s), boolean, text, varchar, varchar(n), char(n),
 * date, time, timetz, timestamp, timestamptz, interval, uuid, json, jsonb, bytea,
 * `<type>[]` for arrays, and an enum type by name (`status` or `myschema.status`).
 * Anything else is passed through verbatim as the dialect spells it (PostgreSQL:
 * as format_type prints it, schema-qualified when not on the search path, e.g.
 * `tsvector`, `"char"`, `app.money_amount`, `public.cube[]`).
 *
 * EXACT TEXT: the SQL text fields (Column.default, GeneratedColumn.expression,
 * CheckConstraint.expression, index element expressions, Index.where) hold text
 * exactly as it was written: on the database side as the database prints it
 * (PostgreSQL: pg_get_expr, what pg_dump prints, without enclosing parentheses),
 * on the model side as the user wrote it. Operations carry that text, so a
 * revision's upgrade shows the model's text and its downgrade restores the
 * database's text verbatim. To compare, an object holding such a field may carry
 * `canonical: { <field>: text }`, the dialect's canonical form of that field
 * (PostgreSQL: the database's spelling of the model text, from canonicalize,
 * then normalized so that equivalent spellings such as now() and
 * CURRENT_TIMESTAMP agree). Absent, the text is its own canonical form. Compare
 * with `comparable(object, field)` (catalog/exact-text.ts), never with the raw
 * field; code that changes a text field drops its canonical entry.
 */

import type { Dependency } from "./objects.js";
import type { PartitionBy, PartitionOf } from "./partitions.js";

/** Canonical forms of an object's SQL text fields, for comparison only (see EXACT TEXT above). */
export type Canonical<F extends string> = { [K in F]?: string };
import type { CompositeType } from "./composite-types.js";
import type { Domain } from "./domains.js";
import type { Collation } from "./collations.js";
import type { Extension } from "./extensions.js";
import type { OwnedSequence, Sequence } from "./sequences.js";
import type { View } from "./views.js";

import type { Policy, RowLevelSecurity } from "./policies.js";
import type { Grant } from "./grants.js";

import type { SchemaComments } from "./schema-comments.js";
import type { Routine } from "./routines.js";
import type { Aggregate } from "./aggregates.js";
import type { Trigger } from "./triggers.js";
import type { Operator } from "./operators.js";

export type { Collation, CompositeType, Domain, Extension, Sequence, View, Policy, RowLevelSecurity, Grant, Routine, Trigger, Aggregate };

export type FkAction = "cascade" | "restrict" | "set null" | "set default" | "no action";

export interface Column {
  name: string;
  type: string;
  nullable: boolean;
  /** SQL expression text, e.g. `'draft'`, `now()`, `0`. Undefined: no default. */
  default?: string;
  /** Generated column (`GENERATED ALWAYS AS (expr) STORED|VIRTUAL`): its value rule; such a column has no default. */
  generated?: GeneratedColumn;
  /**
   * Collation when it is not the type's default one (PostgreSQL `COLLATE "C"`):
   * the name as the database prints it, schema-qualified (`app.mycoll`) outside pg_catalog.
   * MySQL/MariaDB: when it differs from the table's default (as SHOW CREATE TABLE shows it).
   */
  collation?: string;
  /** Identity column (PostgreSQL GENERATED ... AS IDENTITY; MySQL/SQLite auto increment maps here with always=false). */
  identity?: { always: boolean };
  /** serial/bigserial style auto increment backed by an owned sequence (PostgreSQL) or AUTO_INCREMENT (MySQL). */
  autoIncrement?: boolean;
  /** PostgreSQL: the sequence behind a serial or identity column (options, current value), restored on re-creation; not compared. */
  sequence?: OwnedSequence;
  comment?: string;
  /** PostgreSQL `ALTER COLUMN ... SET STATISTICS n`: the column's statistics target, when set (absent: the server's default). */
  statistics?: number;
  canonical?: Canonical<"default">;
  /** MySQL/MariaDB `ON UPDATE` expression as the server prints it (`current_timestamp()`, `CURRENT_TIMESTAMP(3)`). */
  onUpdate?: string;
  /** Character set, only when it differs from the table's default (MySQL/MariaDB, as SHOW CREATE TABLE shows it). */
  charset?: string;
}

/**
 * MySQL/MariaDB table options, each only when it differs from what the database
 * gives a table created without it (so models name only what they set).
 */
export interface TableOptions {
  /** Storage engine (`InnoDB`, `MyISAM`, ...), when not the server's default. */
  engine?: string;
  /** DEFAULT CHARSET, when not the database's. */
  charset?: string;
  /** DEFAULT COLLATE, when not the database's. */
  collation?: string;
  /** ROW_FORMAT, when given explicitly (`DYNAMIC`, `COMPRESSED`, ...). */
  rowFormat?: string;
  /** AUTO_INCREMENT start value: kept when a table is recreated, never compared (it moves with the data). */
  autoIncrement?: number;
  /** SQLite STRICT table (column types enforced). */
  strict?: boolean;
  /** SQLite WITHOUT ROWID table (stored in its primary key's order). */
  withoutRowid?: boolean;
}

export interface GeneratedColumn {
  /** SQL expression text (exact text). */
  expression: string;
  /** True: STORED (computed on write); false: VIRTUAL (computed on read, where the dialect has it). */
  stored: boolean;
  canonical?: Canonical<"expression">;
}

/**
 * When a constraint is checked: undefined = NOT DEFERRABLE (the default);
 * "immediate" = DEFERRABLE INITIALLY IMMEDIATE; "deferred" = DEFERRABLE INITIALLY DEFERRED.
 */
export type Deferrable = "immediate" | "deferred";

/** The options of the index behind a primary key or unique constraint (PostgreSQL), named as on Index. */
export interface KeyIndexOptions {
  /** INCLUDE (...) non-key columns, in order. */
  include?: string[];
  /** WITH (...) storage parameters of the constraint's index, values as the database prints them. */
  with?: Record<string, string>;
  /** USING INDEX TABLESPACE, when not the database's default. */
  tablespace?: string;
}

export interface PrimaryKey extends KeyIndexOptions {
  name?: string;
  columns: string[];
  deferrable?: Deferrable;
  comment?: string;
}

export interface UniqueConstraint extends KeyIndexOptions {
  name?: string;
  columns: string[];
  /** NULLS NOT DISTINCT (PostgreSQL 15+): two NULLs count as equal. */
  nullsNotDistinct?: boolean;
  deferrable?: Deferrable;
  comment?: string;
}

export interface ForeignKey {
  name?: string;
  columns: string[];
  refSchema?: string;
  refTable: string;
  refColumns: string[];
  onDelete?: FkAction;
  onUpdate?: FkAction;
  /** MATCH FULL; undefined is MATCH SIMPLE (the default). */
  match?: "full";
  deferrable?: Deferrable;
  /** Added NOT VALID and not validated since: existing rows were never checked. */
  notValid?: boolean;
  comment?: string;
}

export interface CheckConstraint {
  name?: string;
  expression: string;
  /** Added NOT VALID and not validated since: existing rows were never checked. */
  notValid?: boolean;
  comment?: string;
  canonical?: Canonical<"expression">;
  /** MariaDB: a column-level check (written in the column's definition, named after it). */
  column?: string;
}

/**
 * Options of one index key element; each one omitted means the default.
 * See catalog/index-elements.ts for the helpers that read and normalize them.
 */
export interface IndexElementOptions {
  /** COLLATE, as the database prints the collation's name (e.g. `"C"`, `"de-x-icu"`). */
  collation?: string;
  /** Operator class, e.g. `text_pattern_ops`, schema-qualified where the database prints it so. */
  opclass?: string;
  /** The operator class's parameters, the text inside `opclass(...)` verbatim, e.g. `siglen='32'`. */
  opclassParams?: string;
  /** DESC (default ASC). */
  descending?: boolean;
  /** NULLS FIRST/LAST, only when it differs from the direction's default (ASC: last, DESC: first). */
  nulls?: "first" | "last";
}

export interface IndexColumnElement extends IndexElementOptions {
  column: string;
}

export interface IndexExpressionElement extends IndexElementOptions {
  expression: string;
  canonical?: Canonical<"expression">;
}

/**
 * One element of an index: a column name (a plain string when it has no options:
 * the canonical form), a column with options, or an SQL expression.
 */
export type IndexElement = string | IndexColumnElement | IndexExpressionElement;

export interface Index {
  name?: string;
  columns: IndexElement[];
  unique?: boolean;
  /** Partial index predicate (SQL text). */
  where?: string;
  /** Access method, e.g. "gin", "gist", "hash"; undefined means the default (btree). */
  method?: string;
  canonical?: Canonical<"where">;
  /** INCLUDE (...) non-key columns, in order. */
  include?: string[];
  /** NULLS NOT DISTINCT on a unique index (PostgreSQL 15+). */
  nullsNotDistinct?: boolean;
  /** Storage parameters WITH (name = value, ...), values as the database prints them, in its order. */
  with?: Record<string, string>;
  /** Tablespace, when not the database's default. */
  tablespace?: string;
  comment?: string;
  /**
   * `ALTER INDEX ... ALTER COLUMN n SET STATISTICS m` (PostgreSQL, expression columns only):
   * statistics targets by index column number (1-based, as text), when set.
   */
  statistics?: Record<string, number>;
  /** The CREATE INDEX text exactly as the database stored it (SQLite), used to recreate it word for word; compare ignores it. */
  sql?: string;
}

/** One element of an exclusion constraint: an index element and the operator it is compared with. */
export interface ExclusionElement {
  element: IndexElement;
  /** The operator as the database prints it, e.g. `=`, `&&`, `OPERATOR(myschema.=)`. */
  operator: string;
}

/** EXCLUDE USING method (element WITH operator, ...) [INCLUDE ...] [WITH (...)] [WHERE (...)] (PostgreSQL). */
export interface ExclusionConstraint {
  name?: string;
  /** Access method, e.g. "gist" (PostgreSQL's default is btree). */
  method: string;
  elements: ExclusionElement[];
  include?: string[];
  where?: string;
  with?: Record<string, string>;
  tablespace?: string;
  deferrable?: Deferrable;
  comment?: string;
  canonical?: Canonical<"where">;
}

/** An object kiln does not model, carried verbatim: its CREATE statement exactly as the database stored it. */
export interface VerbatimObject {
  name: string;
  sql: string;
}

export interface Table {
  schema?: string;
  name: string;
  columns: Column[];
  primaryKey?: PrimaryKey;
  uniques: UniqueConstraint[];
  foreignKeys: ForeignKey[];
  checks: CheckConstraint[];
  indexes: Index[];
  /** Exclusion constraints (PostgreSQL); absent = none. */
  exclusions?: ExclusionConstraint[];
  comment?: string;
  /** MySQL/MariaDB table options (engine, charset, row format, ...). */
  options?: TableOptions;
  /** The CREATE TABLE text exactly as the database stored it (SQLite), used to recreate the table word for word; compare ignores it. */
  sql?: string;
  /** Triggers on the table that kiln does not model, recreated verbatim with the table (SQLite drops them with it). */
  triggers?: VerbatimObject[];
  /** A partitioned table: `PARTITION BY ...` (see partitions.ts). */
  partitionBy?: PartitionBy;
  /** A partition: `PARTITION OF parent bound`; its columns are the parent's (see partitions.ts). */
  partitionOf?: PartitionOf;
  /** PostgreSQL ENABLE / FORCE ROW LEVEL SECURITY (see policies.ts); absent: both off. */
  rowLevelSecurity?: RowLevelSecurity;
  /** PostgreSQL `CREATE UNLOGGED TABLE` (pg_class.relpersistence 'u'); absent: a logged table. */
  unlogged?: boolean;
  /**
   * PostgreSQL storage parameters `WITH (fillfactor=50, autovacuum_enabled=false, toast.autovacuum_enabled=false)`:
   * values as the database prints them (reloptions), the TOAST table's with the `toast.` prefix, as pg_dump prints them.
   */
  with?: Record<string, string>;
  /** PostgreSQL `ALTER TABLE ... CLUSTER ON index`: the index (or key constraint's index) the table is clustered on. */
  clusterOn?: string;
  /** Citus: the table is distributed by a column, or a reference table copied to every node (see operations/distribution.ts). */
  distribution?: Distribution;
}

/**
 * How Citus places a table's rows: `create_distributed_table(table, column)`
 * (hash-distributed by `column`, optionally co-located with another table and
 * with a shard count), or `create_reference_table(table)` (on every node).
 * `colocateWith` and `shardCount` are creation-time choices: compare and
 * introspection look at the kind and the column only.
 */
export type Distribution = { kind: "distributed"; column: string; colocateWith?: string; shardCount?: number } | { kind: "reference" };

export interface EnumType {
  schema?: string;
  name: string;
  values: string[];
  comment?: string;
}

export interface Catalog {
  /** Non-default schemas that exist (or must exist) beyond the default one. */
  schemas: string[];
  /** COMMENT ON SCHEMA, by schema name (catalog/schema-comments.ts); PostgreSQL only. */
  schemaComments?: SchemaComments;
  tables: Table[];
  enums: EnumType[];
  /**
   * The database side only: which objects need which (PostgreSQL's pg_depend),
   * read by autogenerate (Dialect.surveyObjects) for ordering drops. Never compared.
   */
  dependencies?: Dependency[];
  /** PostgreSQL object kinds (catalog/<kind>.ts); absent: none. */
  sequences?: Sequence[];
  domains?: Domain[];
  /** User collations (catalog/collations.ts), sorted by schema (the default one first) and name; PostgreSQL only (Dialect.userCollations). */
  collations?: Collation[];
  compositeTypes?: CompositeType[];
  extensions?: Extension[];
  /** Views and materialized views (catalog/views.ts), sorted by qualified name. */
  views?: View[];
  /** Row-level security policies (catalog/policies.ts), sorted by table and name. */
  policies?: Policy[];
  /** Privileges granted to the roles kiln manages (catalog/grants.ts); read and compared only when the config asks. */
  grants?: Grant[];
  /** Functions and procedures (catalog/routines.ts), sorted by schema, name and signature. */
  routines?: Routine[];
  /** Aggregates (catalog/aggregates.ts), sorted by schema, name and signature; PostgreSQL only. */
  aggregates?: Aggregate[];
  /** Triggers (catalog/triggers.ts), sorted by schema, table and name. */
  triggers?: Trigger[];
  /** User operators (catalog/operators.ts), sorted by schema and signature; PostgreSQL only. */
  operators?: Operator[];
}

export function emptyCatalog(): Catalog {
  return { schemas: [], tables: [], enums: [] };
}

/** `schema.name` or `name`: the key used to match tables and enums across Catalogs. */
export function qualifiedName(o: { schema?: string; name: string }): string {
  return o.schema ? `${o.schema}.${o.name}` : o.name;
}
