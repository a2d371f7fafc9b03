/**
 * table(name, columns, extras?, options?) and schema(name).table(...).
 *
 * The table object exposes its columns as properties (`users.email`, used in
 * references and sql`...`), the same map as `users.columns`, its database name
 * as `$name`/`$schema`, and the row types as `$inferSelect`/`$inferInsert`
 * (type-only: absent at run time). Column keys `columns` and keys starting with
 * `$` are reserved for these; give such a column another key and its database
 * name as the first argument, e.g. `cols: text("columns")`.
 */
import { KilnError } from "../errors.js";
import { SCHEMA, TABLE } from "./brand.js";
import type { Distribution, TableOptions as CatalogTableOptions } from "../catalog/types.js";
import { normalizeRowLevelSecurity, type RowLevelSecurity } from "../catalog/policies.js";
import { Column, optionName, type AnyColumn, type AnyColumnBuilder, type ColumnBuilder, type ColumnMeta, type TableIdentity } from "./column.js";
import type { TableExtra } from "./constraints.js";
import { enumType, type EnumOptions, type EnumType } from "./enum.js";
import type { InsertRow, SelectRow } from "./infer.js";
import { PARTITION_STRATEGIES, type PartitionBy } from "../catalog/partitions.js";

function checkedPartitionBy(by: PartitionBy, where: string): PartitionBy {
  if (typeof by !== "object" || by === null || !PARTITION_STRATEGIES.includes(by.strategy)) {
    throw new KilnError(`${where}: partitionBy needs { strategy: "range" | "list" | "hash", key: "..." }, got ${JSON.stringify(by)}.`);
  }
  if (typeof by.key !== "string" || by.key.trim() === "") {
    throw new KilnError(`${where}: partitionBy.key must be the partition key as SQL text, e.g. "created_at" or "lower(kind)".`);
  }
  return { strategy: by.strategy, key: by.key };
}

export interface TableOptions {
  /** Schema the table lives in; omitted means the database's default schema. */
  schema?: string;
  comment?: string;
  /** MySQL/MariaDB storage engine (default: the server's, usually InnoDB). */
  engine?: string;
  /** MySQL/MariaDB default character set and collation of the table (default: the database's). */
  charset?: string;
  collate?: string;
  /** MySQL/MariaDB ROW_FORMAT (DYNAMIC, COMPRESSED, ...). */
  rowFormat?: string;
  /** MySQL/MariaDB AUTO_INCREMENT start value (used when the table is created; never compared). */
  autoIncrement?: number;
  /** SQLite: a STRICT table (declared column types enforced). */
  strict?: boolean;
  /** SQLite: a WITHOUT ROWID table. */
  withoutRowid?: boolean;
  /**
   * A partitioned table (PostgreSQL): `{ strategy: "range", key: "created_at" }`. The key is SQL
   * text as PostgreSQL prints it between the parentheses of PARTITION BY (`lower(kind)`, `a, b`).
   * Its partitions are declared with partitionOf(...).
   */
  partitionBy?: PartitionBy;
  /**
   * PostgreSQL row-level security: `true` is ENABLE ROW LEVEL SECURITY, `"force"` also FORCE
   * (the owner is subject to the policies too); `{ enable, force }` says each switch (PostgreSQL keeps them
   * apart: FORCE alone does nothing until ENABLE). Declare the table's policies with policy(...).
   */
  rowLevelSecurity?: boolean | "force" | { enable?: boolean; force?: boolean };
  /** PostgreSQL: an UNLOGGED table (not written to the WAL: fast, emptied after a crash, not replicated). */
  unlogged?: boolean;
  /**
   * PostgreSQL storage parameters, `WITH (...)`: `{ fillfactor: 50, autovacuum_enabled: false }`; the TOAST
   * table's with the `toast.` prefix: `{ "toast.autovacuum_enabled": false }`. Values as PostgreSQL prints them.
   */
  with?: Record<string, string | number | boolean>;
  /** PostgreSQL: the index the table is clustered on (`ALTER TABLE ... CLUSTER ON`): an index or key constraint of the table, by name. */
  clusterOn?: string;
  /**
   * Citus (PostgreSQL with the citus extension): `{ column: "tenant_id" }` distributes the table's rows
   * by that column (`create_distributed_table`, optionally `colocateWith` a table and `shardCount`);
   * `"reference"` copies it to every node (`create_reference_table`). See docs/distributed-postgres.md.
   */
  distribution?: { column: string; colocateWith?: string; shardCount?: number } | "reference";
}

function rowLevelSecurityOption(value: TableOptions["rowLevelSecurity"], where: string): { rowLevelSecurity: RowLevelSecurity } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { rowLevelSecurity: { enabled: true } };
  if (value === "force") return { rowLevelSecurity: { enabled: true, forced: true } };
  if (typeof value === "object" && value !== null && Object.keys(value).every((k) => k === "enable" || k === "force")) {
    const rls = normalizeRowLevelSecurity({ enabled: value.enable === true, forced: value.force === true });
    return rls ? { rowLevelSecurity: rls } : undefined;
  }
  throw new KilnError(`${where}: rowLevelSecurity must be true, false, "force" or { enable, force }, got ${JSON.stringify(value)}.`);
}

/** What partitionOf() passes on to table(). */
interface InternalTableOptions extends TableOptions {
  partitionOf?: { parent: TableIdentity; bound: string };
}

/** distribution of table(..., {...}), checked. */
function distributionOption(value: TableOptions["distribution"], where: string): Distribution {
  if (value === "reference") return { kind: "reference" };
  if (typeof value !== "object" || value === null || typeof value.column !== "string" || value.column === "") {
    throw new KilnError(`${where}: distribution must be "reference" or { column: "...", colocateWith?, shardCount? }, got ${JSON.stringify(value)}.`);
  }
  const unknown = Object.keys(value).filter((k) => !["column", "colocateWith", "shardCount"].includes(k));
  if (unknown.length > 0) throw new KilnError(`${where}: distribution: unknown option ${unknown.join(", ")} (column, colocateWith, shardCount).`);
  if (value.shardCount !== undefined && (!Number.isInteger(value.shardCount) || value.shardCount < 1)) {
    throw new KilnError(`${where}: distribution.shardCount must be a positive whole number, got ${JSON.stringify(value.shardCount)}.`);
  }
  if (value.colocateWith !== undefined) nonEmpty(value.colocateWith, `${where}: distribution.colocateWith`);
  return {
    kind: "distributed",
    column: value.column,
    ...(value.colocateWith !== undefined ? { colocateWith: value.colocateWith } : {}),
    ...(value.shardCount !== undefined ? { shardCount: value.shardCount } : {}),
  };
}

/** unlogged, with and clusterOn of table(..., {...}), checked. */
function tableStorage(opts: TableOptions, where: string): { storage?: NonNullable<TableDefinition["storage"]> } {
  const storage: NonNullable<TableDefinition["storage"]> = {};
  if (opts.unlogged === true) storage.unlogged = true;
  if (opts.with !== undefined) {
    const parameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(opts.with)) {
      if (!/^(?:toast\.)?[a-z_][a-z0-9_]*$/.test(name)) throw new KilnError(`${where}: with: ${JSON.stringify(name)} is not a storage parameter name (fillfactor, autovacuum_enabled, toast.autovacuum_enabled, ...).`);
      if (!["string", "number", "boolean"].includes(typeof value)) throw new KilnError(`${where}: with.${name} must be a string, number or boolean.`);
      parameters[name] = String(value);
    }
    if (Object.keys(parameters).length > 0) storage.with = parameters;
  }
  if (opts.clusterOn !== undefined) {
    nonEmpty(opts.clusterOn, `${where}: clusterOn`);
    storage.clusterOn = opts.clusterOn;
  }
  if (opts.distribution !== undefined) storage.distribution = distributionOption(opts.distribution, where);
  return Object.keys(storage).length > 0 ? { storage } : {};
}

/** The table options of table(..., { engine, charset, collate, rowFormat, autoIncrement, strict, withoutRowid }), checked. */
function catalogTableOptions(opts: TableOptions, where: string): CatalogTableOptions | undefined {
  const options: CatalogTableOptions = {};
  if (opts.engine !== undefined) options.engine = optionName(opts.engine, `${where}: engine`);
  if (opts.charset !== undefined) options.charset = optionName(opts.charset, `${where}: charset`);
  if (opts.collate !== undefined) options.collation = optionName(opts.collate, `${where}: collate`);
  if (opts.rowFormat !== undefined) options.rowFormat = optionName(opts.rowFormat, `${where}: rowFormat`).toUpperCase();
  if (opts.autoIncrement !== undefined) {
    if (!Number.isSafeInteger(opts.autoIncrement) || opts.autoIncrement < 1) {
      throw new KilnError(`${where}: autoIncrement must be a positive integer, got ${JSON.stringify(opts.autoIncrement)}.`);
    }
    options.autoIncrement = opts.autoIncrement;
  }
  if (opts.strict === true) options.strict = true;
  if (opts.withoutRowid === true) options.withoutRowid = true;
  return Object.keys(options).length > 0 ? options : undefined;
}

/** What modelsToCatalog reads from a table object (behind its brand). */
export interface TableDefinition extends TableIdentity {
  /** The frozen { name, schema } object every column of the table returns as `.table`. */
  readonly identity: TableIdentity;
  readonly comment?: string;
  readonly options?: CatalogTableOptions;
  readonly partitionBy?: PartitionBy;
  readonly rowLevelSecurity?: RowLevelSecurity;
  /** PostgreSQL storage: UNLOGGED, WITH (...), CLUSTER ON (the Catalog's Table fields). */
  readonly storage?: { unlogged?: boolean; with?: Record<string, string>; clusterOn?: string; distribution?: Distribution };
  /** Set for a partition (see partitionOf()). */
  readonly partitionOf?: { readonly parent: TableIdentity; readonly bound: string };
  /** Columns in declaration order. */
  readonly columns: readonly AnyColumn[];
  /** The extras callback's result, computed on first use (so it may mention tables declared later). */
  extras(): readonly TableExtra[];
}

export type ColumnBuilders = Record<string, AnyColumnBuilder>;

export type BoundColumns<TCols extends ColumnBuilders> = {
  readonly [K in keyof TCols]: TCols[K] extends ColumnBuilder<infer D, infer N extends boolean, infer H extends boolean, infer M extends ColumnMeta>
    ? Column<D, N, H, M>
    : never;
};

/** The schema a table's options name, as a type (undefined: the default schema). */
export type SchemaOf<O> = O extends { readonly schema: infer S extends string } ? S : undefined;

export type Table<TCols extends ColumnBuilders = ColumnBuilders, TName extends string = string, TSchema extends string | undefined = string | undefined> = BoundColumns<TCols> & {
  readonly columns: BoundColumns<TCols>;
  /** Database table name. */
  readonly $name: TName;
  /** Schema, or undefined for the default schema. */
  readonly $schema: TSchema;
  /** Type-only: the selected row type. */
  readonly $inferSelect: SelectRow<BoundColumns<TCols>>;
  /** Type-only: the insert row type. */
  readonly $inferInsert: InsertRow<BoundColumns<TCols>>;
  readonly [TABLE]: TableDefinition;
};

export type AnyTable = Table<any, string, string | undefined>;

export type ExtrasCallback<TCols extends ColumnBuilders> = (columns: BoundColumns<TCols>) => TableExtra[];

function isColumnBuilder(value: unknown): value is AnyColumnBuilder {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { state?: unknown }).state === "object" &&
    typeof (value as { notNull?: unknown }).notNull === "function"
  );
}

function nonEmpty(value: unknown, what: string): void {
  if (typeof value !== "string" || value === "") {
    throw new KilnError(`${what} must be a non-empty string, got ${JSON.stringify(value)}.`);
  }
}

export function table<const TName extends string, TCols extends ColumnBuilders, const TOptions extends TableOptions = {}>(
  name: TName,
  columns: TCols,
  extrasOrOptions?: ExtrasCallback<TCols> | TOptions,
  options?: TOptions,
): Table<TCols, TName, SchemaOf<TOptions>> {
  nonEmpty(name, "table(name, ...): the table name");
  const [extrasCallback, opts = {}]: [ExtrasCallback<TCols> | undefined, InternalTableOptions | undefined] =
    typeof extrasOrOptions === "function" ? [extrasOrOptions, options] : [undefined, extrasOrOptions ?? options];
  if (opts.schema !== undefined) nonEmpty(opts.schema, `table "${name}": schema`);
  const where = opts.schema ? `table "${opts.schema}.${name}"` : `table "${name}"`;
  if (typeof columns !== "object" || columns === null || Object.keys(columns).length === 0) {
    throw new KilnError(`${where} has no columns; pass an object such as { id: integer().primaryKey() }.`);
  }

  const tableOptions = catalogTableOptions(opts, where);
  let extras: readonly TableExtra[] | undefined;
  const boundColumns: AnyColumn[] = [];
  const identity: TableIdentity = Object.freeze({ name, ...(opts.schema !== undefined ? { schema: opts.schema } : {}) });
  const definition: TableDefinition = {
    ...identity,
    identity,
    ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
    ...(tableOptions !== undefined ? { options: tableOptions } : {}),
    ...(opts.partitionBy !== undefined ? { partitionBy: checkedPartitionBy(opts.partitionBy, where) } : {}),
    ...(opts.partitionOf !== undefined ? { partitionOf: opts.partitionOf } : {}),
    ...(rowLevelSecurityOption(opts.rowLevelSecurity, where) ?? {}),
    ...tableStorage(opts, where),
    columns: boundColumns,
    extras() {
      if (extras === undefined) {
        const result = extrasCallback ? extrasCallback(bound as BoundColumns<TCols>) : [];
        if (!Array.isArray(result)) {
          throw new KilnError(`${where}: the extras callback must return an array, e.g. (t) => [index().on(t.name)].`);
        }
        extras = Object.freeze([...result]);
      }
      return extras;
    },
  };

  const bound: Record<string, AnyColumn> = {};
  const byName = new Map<string, string>();
  for (const [key, builder] of Object.entries(columns)) {
    if (!isColumnBuilder(builder)) {
      throw new KilnError(`${where}: property "${key}" is not a column; use a column type such as text() or integer().`);
    }
    if (key === "columns" || key.startsWith("$")) {
      throw new KilnError(
        `${where}: the property key "${key}" is reserved on table objects. Use another key and pass the database name, e.g. ${key.replace(/^\$/, "") || "col"}X: text("${key}").`,
      );
    }
    const column = new Column(key, builder.state, () => identity);
    const previous = byName.get(column.name);
    if (previous !== undefined) {
      throw new KilnError(`${where}: properties "${previous}" and "${key}" both map to the database column "${column.name}".`);
    }
    byName.set(column.name, key);
    bound[key] = column;
    boundColumns.push(column);
  }
  Object.freeze(boundColumns);
  Object.freeze(bound);

  const tableObject = {
    ...bound,
    columns: bound,
    $name: name,
    $schema: opts.schema,
    [TABLE]: definition,
  };
  return Object.freeze(tableObject) as unknown as Table<TCols, TName, SchemaOf<TOptions>>;
}

export function isTable(value: unknown): value is AnyTable {
  return typeof value === "object" && value !== null && typeof (value as { [TABLE]?: unknown })[TABLE] === "object";
}

export function tableDefinition(value: AnyTable): TableDefinition {
  return value[TABLE];
}

/** schema("app"): tables and enums declared through it live in that schema. */
export interface SchemaBuilder<TSchema extends string = string> {
  readonly name: TSchema;
  /** COMMENT ON SCHEMA (PostgreSQL), when schema(name, { comment }) says one. */
  readonly comment?: string;
  table<const TName extends string, TCols extends ColumnBuilders>(
    name: TName,
    columns: TCols,
    extrasOrOptions?: ExtrasCallback<TCols> | Omit<TableOptions, "schema">,
    options?: Omit<TableOptions, "schema">,
  ): Table<TCols, TName, TSchema>;
  enumType<const V extends readonly [string, ...string[]]>(
    name: string,
    values: V,
    options?: Omit<EnumOptions, "schema">,
  ): EnumType<V[number]>;
}

export interface SchemaOptions {
  /** COMMENT ON SCHEMA (PostgreSQL). Without it, the schema has no comment. */
  comment?: string;
}

export function schema<const TSchema extends string>(name: TSchema, options: SchemaOptions = {}): SchemaBuilder<TSchema> {
  nonEmpty(name, "schema(name)");
  if (options.comment !== undefined && typeof options.comment !== "string") throw new KilnError(`schema("${name}"): comment must be a string.`);
  const refuseSchema = (o: { schema?: string } | undefined, where: string) => {
    if (o?.schema !== undefined) {
      throw new KilnError(`schema("${name}").${where}: do not pass { schema } here; the schema is already "${name}".`);
    }
  };
  return Object.freeze({
    name,
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
    // An exported schema(...) declares the schema even when no table of the models lives in it.
    [SCHEMA]: name,
    table(tableName: string, columns: ColumnBuilders, extrasOrOptions?: unknown, options?: TableOptions) {
      if (typeof extrasOrOptions === "function") {
        refuseSchema(options, `table("${tableName}")`);
        return table(tableName, columns, extrasOrOptions as ExtrasCallback<ColumnBuilders>, { ...options, schema: name });
      }
      const opts = (extrasOrOptions ?? options) as TableOptions | undefined;
      refuseSchema(opts, `table("${tableName}")`);
      return table(tableName, columns, { ...opts, schema: name });
    },
    enumType(enumName: string, values: readonly [string, ...string[]], options?: EnumOptions) {
      refuseSchema(options, `enumType("${enumName}")`);
      return enumType(enumName, values, { ...options, schema: name });
    },
  }) as SchemaBuilder<TSchema>;
}

/** The comment of an exported schema("name", { comment }), or undefined. */
export function schemaCommentDeclared(value: unknown): string | undefined {
  if (schemaDeclared(value) === undefined) return undefined;
  const comment = (value as { comment?: unknown }).comment;
  return typeof comment === "string" ? comment : undefined;
}

/** The schema name of an exported schema("name"), or undefined for anything else. */
export function schemaDeclared(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const name = (value as { [SCHEMA]?: unknown })[SCHEMA];
  return typeof name === "string" ? name : undefined;
}
