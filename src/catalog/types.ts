/**
 * The Catalog: a dialect-neutral, plain-data description of a database schema.
 *
 * Both sides of autogenerate produce one: the models (schema/) and the live
 * database (dialects/<name>/introspect). Compare works on two Catalogs only.
 *
 * Conventions that keep two Catalogs of the same schema equal:
 * - `schema` is omitted (undefined) for the dialect's default schema ("public" on PostgreSQL).
 * - `type` is a type string in kiln's neutral vocabulary (see TYPE VOCABULARY below).
 * - `default` and check `expression` are SQL text as the database itself prints it
 *   after normalization by the dialect (the dialect canonicalizes both sides).
 * - Arrays are sorted by name where order carries no meaning (tables, constraints,
 *   indexes); column order and index column order are kept.
 *
 * TYPE VOCABULARY (lower case): smallint, integer, bigint, real, double precision,
 * numeric, numeric(p), numeric(p,s), boolean, text, varchar, varchar(n), char(n),
 * date, time, timetz, timestamp, timestamptz, interval, uuid, json, jsonb, bytea,
 * `<type>[]` for arrays, and an enum type by name (`status` or `myschema.status`).
 * Anything else is passed through verbatim as the dialect spells it.
 */

export type FkAction = "cascade" | "restrict" | "set null" | "set default" | "no action";

export interface Column {
  name: string;
  type: string;
  nullable: boolean;
  /** SQL expression text, e.g. `'draft'`, `now()`, `0`. Undefined: no default. */
  default?: string;
  /** Identity column (PostgreSQL GENERATED ... AS IDENTITY; MySQL/SQLite auto increment maps here with always=false). */
  identity?: { always: boolean };
  /** serial/bigserial style auto increment backed by an owned sequence (PostgreSQL) or AUTO_INCREMENT (MySQL). */
  autoIncrement?: boolean;
  comment?: string;
}

export interface PrimaryKey {
  name?: string;
  columns: string[];
}

export interface UniqueConstraint {
  name?: string;
  columns: string[];
}

export interface ForeignKey {
  name?: string;
  columns: string[];
  refSchema?: string;
  refTable: string;
  refColumns: string[];
  onDelete?: FkAction;
  onUpdate?: FkAction;
}

export interface CheckConstraint {
  name?: string;
  expression: string;
}

/** One element of an index: a column name, or an SQL expression. */
export type IndexElement = string | { expression: string };

export interface Index {
  name?: string;
  columns: IndexElement[];
  unique?: boolean;
  /** Partial index predicate (SQL text). */
  where?: string;
  /** Access method, e.g. "gin", "gist", "hash"; undefined means the default (btree). */
  method?: string;
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
  comment?: string;
}

export interface EnumType {
  schema?: string;
  name: string;
  values: string[];
}

export interface Catalog {
  /** Non-default schemas that exist (or must exist) beyond the default one. */
  schemas: string[];
  tables: Table[];
  enums: EnumType[];
}

export function emptyCatalog(): Catalog {
  return { schemas: [], tables: [], enums: [] };
}

/** `schema.name` or `name`: the key used to match tables and enums across Catalogs. */
export function qualifiedName(o: { schema?: string; name: string }): string {
  return o.schema ? `${o.schema}.${o.name}` : o.name;
}
