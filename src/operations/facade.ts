/**
 * The `op` object that revision files call: camelCase of Alembic's `op`.
 *
 * Each call turns its arguments into one plain-data Operation and hands it to a
 * sink (online: compile and execute; offline: compile and print; tests: collect).
 * Calls may be awaited or not: the facade chains them so that their effects happen
 * in call order, and the runner awaits `settled()` after `upgrade`/`downgrade`.
 */
import { type Collation, normalizeCollation } from "../catalog/collations.js";
import type {
  CheckConstraint,
  Column,
  Deferrable,
  ExclusionConstraint,
  FkAction,
  ForeignKey,
  IndexElement,
  PrimaryKey,
  Table,
  TableOptions,
  UniqueConstraint,
} from "../catalog/types.js";
import type { Distribution } from "../catalog/types.js";
import type { PartitionBy, PartitionOf } from "../catalog/partitions.js";
import type { DialectName, QueryResult } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import { type BatchBuilder, buildBatch } from "./batch.js";
import type { AlterColumn, ConstraintType, DropConstraint, Operation, TableOptionChanges } from "./types.js";
import type { CompositeAttribute } from "../catalog/composite-types.js";
import type { IdentityOptionChanges, OwnedSequence } from "../catalog/sequences.js";
import type { CommentTarget } from "./comments.js";
import {
  alterSequenceFromSpec,
  createCompositeTypeFromSpec,
  createDomainFromSpec,
  createSequenceFromSpec,
  type DomainSpec,
  type SequenceChangeSpec,
  type SequenceSpec,
} from "./facade-objects.js";
import {
  createMaterializedViewFromSpec,
  createViewFromSpec,
  type MaterializedViewSpec,
  type RefreshSpec,
  refreshFromSpec,
  replaceViewFromSpec,
  type ReplaceViewSpec,
  type ViewSpec,
} from "./facade-views.js";
import { grantFromSpec, type GrantTargetSpec } from "./facade-grants.js";
import {
  alterOperatorFromSpec,
  createOperatorFromSpec,
  dropOperatorFromSpec,
  type OperatorChangeSpec,
  type OperatorNameSpec,
  type OperatorSpec,
} from "./facade-operators.js";
import { alterPolicyFromSpec, createPolicyFromSpec, type PolicyChangeSpec, type PolicySpec } from "./facade-policies.js";
import { routineFromSpec, type RoutineSpec, triggerFromSpec, type TriggerSpec } from "./facade-routines.js";
import { inputArguments } from "../catalog/routines.js";
import { aggregateFromSpec, aggregateSignatureFromSpec, type AggregateSignatureSpec, type AggregateSpec } from "./facade-aggregates.js";
import type { DropRoutine } from "./routines.js";

function dropRoutineOperation(kind: "function" | "procedure", name: string, options: { schema?: string; args?: string[]; old?: RoutineSpec }): DropRoutine {
  const old = options.old ? routineFromSpec(kind, name, { schema: options.schema, ...options.old }) : undefined;
  const argumentTypes = options.args ?? (old ? inputArguments(old).map((a) => a.type) : []);
  return {
    kind: kind === "function" ? "dropFunction" : "dropProcedure",
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    name,
    argumentTypes: [...argumentTypes],
    ...(old ? { old } : {}),
  };
}

/** A column as written in a revision file (createTable / addColumn). */
export interface ColumnSpec {
  type: string;
  /** Default true, as in SQL. */
  nullable?: boolean;
  /** SQL expression text: `"'draft'"`, `"now()"`, `"0"`. */
  default?: string;
  /** Shorthand for a single-column primary key (createTable only). */
  primaryKey?: boolean;
  identity?: "always" | "byDefault";
  autoIncrement?: boolean;
  /** PostgreSQL: the serial or identity column's sequence options and value, restored after creation. */
  sequence?: OwnedSequence;
  comment?: string;
  /** A generated column: `{ expression: "price * qty", stored: true }` (stored: false is VIRTUAL). */
  generated?: { expression: string; stored: boolean };
  /** MySQL: `ON UPDATE` expression, e.g. `"current_timestamp()"`. */
  onUpdate?: string;
  /** MySQL: the column's character set and collation, where they differ from the table's. */
  charset?: string;
  collation?: string;
  /** PostgreSQL: the column's statistics target (ALTER COLUMN ... SET STATISTICS n). */
  statistics?: number;
}

interface SchemaOption {
  schema?: string;
}

function schemaOption(options: SchemaOption): { schema?: string } {
  return options.schema !== undefined ? { schema: options.schema } : {};
}

export interface CreateTableOptions extends SchemaOption {
  primaryKey?: PrimaryKey;
  uniques?: UniqueConstraint[];
  foreignKeys?: ForeignKey[];
  checks?: CheckConstraint[];
  /** PostgreSQL EXCLUDE constraints. */
  exclusions?: ExclusionConstraint[];
  comment?: string;
  /** MySQL table options: engine, charset, collation, rowFormat, autoIncrement (start value). */
  options?: TableOptions;
  /** SQLite: the CREATE TABLE text as the database stored it; used verbatim when it describes the same table. */
  sql?: string;
  /** SQLite: CREATE TRIGGER statements recreated verbatim after the table. */
  triggers?: { name: string; sql: string }[];
  /** A partitioned table (PostgreSQL): `{ strategy: "range", key: "created_at" }`. */
  partitionBy?: PartitionBy;
  /** A partition (PostgreSQL): `{ table: "events", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" }`; the columns come from the parent. */
  partitionOf?: PartitionOf;
  /** PostgreSQL: CREATE UNLOGGED TABLE. */
  unlogged?: boolean;
  /** PostgreSQL: storage parameters WITH (...), e.g. `{ fillfactor: "50", "toast.autovacuum_enabled": "false" }`. */
  with?: Record<string, string>;
  /** PostgreSQL: ALTER TABLE ... CLUSTER ON this index (a key constraint of the table; for another index use op.setClusterOn after creating it). */
  clusterOn?: string;
}

export interface PartitionOptions extends SchemaOption {
  /** The partition's schema, when it is not the parent's `schema`. */
  partitionSchema?: string;
}

/** Options of createPrimaryKey / createUniqueConstraint. */
export interface KeyOptions extends SchemaOption {
  deferrable?: Deferrable;
  /** Unique constraints only: NULLS NOT DISTINCT (PostgreSQL 15+). */
  nullsNotDistinct?: boolean;
  comment?: string;
  /** PostgreSQL: INCLUDE columns, WITH (...) storage parameters and USING INDEX TABLESPACE of the key's index. */
  include?: string[];
  with?: Record<string, string>;
  tablespace?: string;
}

export interface AlterColumnOptions extends SchemaOption {
  type?: string;
  using?: string;
  nullable?: boolean;
  default?: string | null;
  newName?: string;
  comment?: string | null;
  /** Make it an identity column (MySQL: AUTO_INCREMENT), or `null` for a plain column again. */
  identity?: "always" | "byDefault" | null;
  /** PostgreSQL: new options of the identity's sequence, e.g. `{ increment: "5", start: "100" }` (`null`: the default). */
  identityOptions?: IdentityOptionChanges;
  /** MySQL: new `ON UPDATE` expression, `null` removes it. */
  onUpdate?: string | null;
  /** MySQL: a generated column's new expression, `{ expression: "UPPER(title)", stored: true }` (same storage as before). */
  generated?: { expression: string; stored: boolean };
  /** MySQL: new character set / collation, `null` for the table's default. */
  charset?: string | null;
  collation?: string | null;
  /** The column as it was (MySQL needs it to restate the column; reversal uses it). */
  existing?: ColumnSpec;
}

export interface CreateIndexOptions extends SchemaOption {
  unique?: boolean;
  where?: string;
  method?: string;
  concurrently?: boolean;
  /** Create it only when no index of that name exists. */
  ifNotExists?: boolean;
  /** SQLite: the CREATE INDEX text as the database stored it; used verbatim. */
  sql?: string;
  include?: string[];
  nullsNotDistinct?: boolean;
  with?: Record<string, string>;
  tablespace?: string;
  comment?: string;
  /** PostgreSQL: statistics targets of expression columns, by index column number (1-based): `{ 1: 3000 }`. */
  statistics?: Record<string, number>;
  /** PostgreSQL: cluster the table on this index once it is built (ALTER TABLE ... CLUSTER ON). */
  clusterOn?: boolean;
}

export interface ForeignKeyOptions extends SchemaOption {
  refSchema?: string;
  onDelete?: FkAction;
  onUpdate?: FkAction;
  notValid?: boolean;
  match?: "full";
  deferrable?: Deferrable;
  comment?: string;
}

/** Where operations go. `query` is absent in offline (--sql) mode. */
export interface OperationSink {
  dialect: DialectName;
  apply(operation: Operation): Promise<void>;
  query?(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** The target's name (fleet runs: the database or schema name; else the database's name). */
  target?: string;
}

export function columnFromSpec(name: string, spec: ColumnSpec): Column {
  const column: Column = { name, type: spec.type, nullable: spec.nullable ?? !spec.primaryKey };
  if (spec.default !== undefined) column.default = spec.default;
  if (spec.identity) column.identity = { always: spec.identity === "always" };
  if (spec.autoIncrement) column.autoIncrement = true;
  if (spec.sequence) column.sequence = structuredClone(spec.sequence);
  if (spec.comment !== undefined) column.comment = spec.comment;
  if (spec.generated) column.generated = { expression: spec.generated.expression, stored: spec.generated.stored };
  if (spec.onUpdate !== undefined) column.onUpdate = spec.onUpdate;
  if (spec.charset !== undefined) column.charset = spec.charset;
  if (spec.collation !== undefined) column.collation = spec.collation;
  if (spec.statistics !== undefined) column.statistics = spec.statistics;
  if (spec.identity) column.nullable = false;
  return column;
}

/** The alterColumn operation for `op.alterColumn(...)` and `batch.alterColumn(...)`. */
export function alterColumnFromOptions(table: string, column: string, options: AlterColumnOptions): AlterColumn {
  const { schema, existing, identity, ...changes } = options;
  return {
    kind: "alterColumn",
    table,
    column,
    schema,
    ...changes,
    ...(identity !== undefined ? { identity: identity === null ? null : { always: identity === "always" } } : {}),
    ...(existing ? { existing: columnFromSpec(column, existing) } : {}),
  };
}

/** An unnamed constraint as `op.dropConstraint("", table, { type, definition })` names it. */
export type ConstraintDefinition =
  | { columns: string[] }
  | { expression: string }
  | { columns: string[]; refTable: string; refColumns: string[]; refSchema?: string; onDelete?: FkAction; onUpdate?: FkAction };

/** The dropConstraint operation for `op.dropConstraint(...)` and `batch.dropConstraint(...)`. */
export function dropConstraintFromOptions(name: string, table: string, type: ConstraintType, schema: string | undefined, definition?: ConstraintDefinition): DropConstraint {
  const op: DropConstraint = { kind: "dropConstraint", name, table, type, schema };
  if (definition) op.old = { type, constraint: { ...definition, name } } as NonNullable<DropConstraint["old"]>;
  return op;
}

export function tableFromSpec(name: string, columns: Record<string, ColumnSpec>, options: CreateTableOptions = {}): Table {
  const pkColumns = Object.entries(columns)
    .filter(([, spec]) => spec.primaryKey)
    .map(([columnName]) => columnName);
  const table: Table = {
    name,
    columns: Object.entries(columns).map(([columnName, spec]) => columnFromSpec(columnName, spec)),
    uniques: options.uniques ?? [],
    foreignKeys: options.foreignKeys ?? [],
    checks: options.checks ?? [],
    indexes: [],
  };
  if (options.exclusions && options.exclusions.length > 0) table.exclusions = options.exclusions;
  if (options.schema) table.schema = options.schema;
  if (options.primaryKey) table.primaryKey = options.primaryKey;
  else if (pkColumns.length > 0) table.primaryKey = { columns: pkColumns };
  if (options.comment !== undefined) table.comment = options.comment;
  if (options.options !== undefined) table.options = { ...options.options };
  if (options.sql !== undefined) table.sql = options.sql;
  if (options.triggers !== undefined) table.triggers = options.triggers.map((t) => ({ name: t.name, sql: t.sql }));
  if (options.partitionBy) table.partitionBy = { ...options.partitionBy };
  if (options.partitionOf) table.partitionOf = { ...options.partitionOf };
  if (options.unlogged) table.unlogged = true;
  if (options.with && Object.keys(options.with).length > 0) table.with = { ...options.with };
  if (options.clusterOn !== undefined) table.clusterOn = options.clusterOn;
  return table;
}

export class Op {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly sink: OperationSink) {}

  /** The database kind this revision runs against ("postgresql", "mysql", "sqlite"). */
  get dialect(): DialectName {
    return this.sink.dialect;
  }

  /**
   * The name of the target this run migrates: in a fleet (`--all`) the target's
   * name (its database, or its schema for schema-per-tenant), else the
   * database's name. For the rare tenant-specific step (docs/fleets.md).
   */
  get target(): string | undefined {
    return this.sink.target;
  }

  /** Resolves when every operation called so far has been applied; rejects with the first failure. */
  settled(): Promise<void> {
    return this.chain;
  }

  private push(operation: Operation): Promise<void> {
    this.chain = this.chain.then(() => this.sink.apply(operation));
    // A call the revision did not await must not become an unhandled rejection:
    // its failure is reported by settled(), which the runner always awaits.
    this.chain.catch(() => undefined);
    return this.chain;
  }

  createTable(name: string, columns: Record<string, ColumnSpec>, options: CreateTableOptions = {}): Promise<void> {
    return this.push({ kind: "createTable", table: tableFromSpec(name, columns, options) });
  }

  /** ALTER TABLE table ATTACH PARTITION partition bound (PostgreSQL). */
  attachPartition(table: string, partition: string, bound: string, options: PartitionOptions = {}): Promise<void> {
    const { schema, partitionSchema } = options;
    return this.push({ kind: "attachPartition", table, schema, partition: { table: partition, schema: partitionSchema }, bound });
  }

  /** ALTER TABLE table DETACH PARTITION partition (PostgreSQL); `bound` lets the downgrade attach it again. */
  detachPartition(table: string, partition: string, options: PartitionOptions & { bound?: string } = {}): Promise<void> {
    const { schema, partitionSchema, bound } = options;
    return this.push({ kind: "detachPartition", table, schema, partition: { table: partition, schema: partitionSchema }, ...(bound !== undefined ? { bound } : {}) });
  }

  /** `detachFrom`: the table is a partition of that table, detached first (PostgreSQL). */
  dropTable(table: string, options: SchemaOption & { detachFrom?: { table: string; schema?: string } } = {}): Promise<void> {
    return this.push({ kind: "dropTable", table, schema: options.schema, ...(options.detachFrom ? { detachFrom: { ...options.detachFrom } } : {}) });
  }

  renameTable(table: string, newName: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "renameTable", table, newName, schema: options.schema });
  }

  addColumn(table: string, column: string, spec: ColumnSpec, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "addColumn", table, column: columnFromSpec(column, spec), schema: options.schema });
  }

  dropColumn(table: string, column: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropColumn", table, column, schema: options.schema });
  }

  alterColumn(table: string, column: string, options: AlterColumnOptions): Promise<void> {
    return this.push(alterColumnFromOptions(table, column, options));
  }

  createIndex(name: string, table: string, columns: IndexElement[], options: CreateIndexOptions = {}): Promise<void> {
    const { schema, concurrently, clusterOn, ifNotExists, ...rest } = options;
    return this.push({ kind: "createIndex", table, schema, concurrently, index: { name, columns, ...rest }, ...(clusterOn ? { clusterOn } : {}), ...(ifNotExists ? { ifNotExists } : {}) });
  }

  /** `clustered: true` says the table was clustered on it (its reverse clusters it again); `ifExists`: only when it is there. */
  dropIndex(name: string, table: string, options: SchemaOption & { concurrently?: boolean; clustered?: boolean; ifExists?: boolean } = {}): Promise<void> {
    return this.push({ kind: "dropIndex", name, table, schema: options.schema, concurrently: options.concurrently, ...(options.clustered ? { clustered: true } : {}), ...(options.ifExists ? { ifExists: true } : {}) });
  }

  createPrimaryKey(name: string, table: string, columns: string[], options: Omit<KeyOptions, "nullsNotDistinct"> = {}): Promise<void> {
    const { schema, ...rest } = options;
    return this.push({ kind: "createPrimaryKey", table, schema, constraint: { name, columns, ...rest } });
  }

  createUniqueConstraint(name: string, table: string, columns: string[], options: KeyOptions = {}): Promise<void> {
    const { schema, ...rest } = options;
    return this.push({ kind: "createUniqueConstraint", table, schema, constraint: { name, columns, ...rest } });
  }

  /** PostgreSQL: `EXCLUDE USING method (element WITH operator, ...)`. */
  createExclusionConstraint(name: string, table: string, spec: Omit<ExclusionConstraint, "name">, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "createExclusionConstraint", table, schema: options.schema, constraint: { ...spec, name } });
  }

  createForeignKey(
    name: string,
    table: string,
    refTable: string,
    columns: string[],
    refColumns: string[],
    options: ForeignKeyOptions = {},
  ): Promise<void> {
    const { schema, notValid, ...rest } = options;
    return this.push({
      kind: "createForeignKey",
      table,
      schema,
      notValid,
      constraint: { name, columns, refTable, refColumns, ...rest },
    });
  }

  createCheckConstraint(
    name: string,
    table: string,
    expression: string,
    options: SchemaOption & { notValid?: boolean; comment?: string } = {},
  ): Promise<void> {
    return this.push({
      kind: "createCheckConstraint",
      table,
      schema: options.schema,
      notValid: options.notValid,
      constraint: { name, expression, ...(options.comment !== undefined ? { comment: options.comment } : {}) },
    });
  }

  /**
   * Drops a constraint by name. SQLite keeps constraints declared without a name: pass "" as
   * the name and the constraint as `definition` (its columns, or its expression) to drop one of those.
   */
  dropConstraint(name: string, table: string, options: SchemaOption & { type: ConstraintType; definition?: ConstraintDefinition }): Promise<void> {
    if (!options?.type) {
      throw new KilnError(
        `op.dropConstraint("${name}", "${table}") needs { type: "check" | "unique" | "foreignkey" | "primary" }`,
      );
    }
    return this.push(dropConstraintFromOptions(name, table, options.type, options.schema, options.definition));
  }

  validateConstraint(name: string, table: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "validateConstraint", name, table, schema: options.schema });
  }

  createEnum(name: string, values: string[], options: SchemaOption & { comment?: string } = {}): Promise<void> {
    return this.push({ kind: "createEnum", name, values, schema: options.schema, ...(options.comment !== undefined ? { comment: options.comment } : {}) });
  }

  dropEnum(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropEnum", name, schema: options.schema });
  }

  addEnumValue(name: string, value: string, options: SchemaOption & { before?: string; after?: string } = {}): Promise<void> {
    const { schema, ...position } = options;
    return this.push({ kind: "addEnumValue", name, value, schema, ...position });
  }

  setTableComment(table: string, comment: string | null, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "setTableComment", table, comment, schema: options.schema });
  }

  /**
   * MySQL: ENGINE, DEFAULT CHARSET/COLLATE, ROW_FORMAT (null: back to the default).
   * Existing columns keep their character set (use CONVERT TO CHARACTER SET with op.execute to convert them).
   */
  setTableOptions(table: string, options: TableOptionChanges, extra: SchemaOption & { existing?: TableOptions } = {}): Promise<void> {
    return this.push({ kind: "setTableOptions", table, options: { ...options }, schema: extra.schema, ...(extra.existing ? { existing: { ...extra.existing } } : {}) });
  }

  // ---- PostgreSQL functions, procedures and triggers (operations/routines.ts, operations/triggers.ts) ----

  /** CREATE FUNCTION: `op.createFunction("touch", { returns: "trigger", language: "plpgsql", body: "begin ... end" })`. */
  createFunction(name: string, spec: RoutineSpec): Promise<void> {
    return this.push({ kind: "createFunction", routine: routineFromSpec("function", name, spec) });
  }

  /** CREATE OR REPLACE FUNCTION with the same signature and result; `old` (the definition it replaces) makes it reversible. */
  replaceFunction(name: string, spec: RoutineSpec & { old?: RoutineSpec }): Promise<void> {
    const { old, ...rest } = spec;
    return this.push({ kind: "replaceFunction", routine: routineFromSpec("function", name, rest), ...(old ? { old: routineFromSpec("function", name, { schema: rest.schema, ...old }) } : {}) });
  }

  /** DROP FUNCTION name(argument types); `old` (its definition) makes it reversible. */
  dropFunction(name: string, options: SchemaOption & { args?: string[]; old?: RoutineSpec } = {}): Promise<void> {
    return this.push(dropRoutineOperation("function", name, options));
  }

  createProcedure(name: string, spec: RoutineSpec): Promise<void> {
    return this.push({ kind: "createProcedure", routine: routineFromSpec("procedure", name, spec) });
  }

  replaceProcedure(name: string, spec: RoutineSpec & { old?: RoutineSpec }): Promise<void> {
    const { old, ...rest } = spec;
    return this.push({ kind: "replaceProcedure", routine: routineFromSpec("procedure", name, rest), ...(old ? { old: routineFromSpec("procedure", name, { schema: rest.schema, ...old }) } : {}) });
  }

  dropProcedure(name: string, options: SchemaOption & { args?: string[]; old?: RoutineSpec } = {}): Promise<void> {
    return this.push(dropRoutineOperation("procedure", name, options));
  }

  /** CREATE [CONSTRAINT] TRIGGER: `op.createTrigger("touch", "users", { timing: "before", events: ["update"], function: "touch" })`. */
  createTrigger(name: string, table: string, spec: TriggerSpec): Promise<void> {
    return this.push({ kind: "createTrigger", trigger: triggerFromSpec(name, table, spec) });
  }

  /** DROP TRIGGER name ON table; `old` (its definition) makes it reversible. */
  dropTrigger(name: string, table: string, options: SchemaOption & { old?: TriggerSpec } = {}): Promise<void> {
    const { old, ...rest } = options;
    return this.push({ kind: "dropTrigger", name, table, ...schemaOption(rest), ...(old ? { old: triggerFromSpec(name, table, { schema: rest.schema, ...old }) } : {}) });
  }

  // ---- PostgreSQL operators (operations/operators.ts) ----

  /** CREATE OPERATOR: `op.createOperator("~<<", { left: "text", right: "text", function: "reverse_textregexeq" })`. */
  createOperator(name: string, spec: OperatorSpec): Promise<void> {
    return this.push(createOperatorFromSpec(name, spec));
  }

  /** DROP OPERATOR name (left, right); `old` (its definition) makes it reversible. */
  dropOperator(name: string, spec: OperatorNameSpec & { old?: Omit<OperatorSpec, "schema" | "left" | "right"> }): Promise<void> {
    return this.push(dropOperatorFromSpec(name, spec));
  }

  /** ALTER OPERATOR ... SET (RESTRICT, JOIN) and/or COMMENT ON OPERATOR; `existing` makes it reversible. */
  alterOperator(name: string, spec: OperatorChangeSpec): Promise<void> {
    return this.push(alterOperatorFromSpec(name, spec));
  }

  // ---- PostgreSQL aggregates (operations/aggregates.ts) ----

  /** CREATE AGGREGATE: `op.createAggregate("group_concat", { args: ["text"], sfunc: "_group_concat", stype: "text" })`. */
  createAggregate(name: string, spec: AggregateSpec): Promise<void> {
    return this.push({ kind: "createAggregate", aggregate: aggregateFromSpec(name, spec) });
  }

  /** DROP AGGREGATE name(argument types); `old` (its definition) makes it reversible. */
  dropAggregate(name: string, options: AggregateSignatureSpec & { old?: AggregateSpec } = {}): Promise<void> {
    const { old, ...signature } = options;
    return this.push({
      kind: "dropAggregate",
      ...aggregateSignatureFromSpec(name, signature),
      ...(old ? { old: aggregateFromSpec(name, { schema: signature.schema, ...old }) } : {}),
    });
  }

  /** COMMENT ON AGGREGATE; `existing` (the comment it replaces) makes it reversible. */
  commentAggregate(name: string, comment: string | null, options: AggregateSignatureSpec & { existing?: string | null } = {}): Promise<void> {
    const { existing, ...signature } = options;
    return this.push({ kind: "commentAggregate", ...aggregateSignatureFromSpec(name, signature), comment, ...(existing !== undefined ? { existing } : {}) });
  }

  // ---- PostgreSQL objects: sequences, domains, composite types, extensions (operations/objects.ts) ----

  createSequence(name: string, options: SequenceSpec = {}): Promise<void> {
    return this.push(createSequenceFromSpec(name, options));
  }

  alterSequence(name: string, changes: SequenceChangeSpec): Promise<void> {
    return this.push(alterSequenceFromSpec(name, changes));
  }

  dropSequence(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropSequence", name, ...schemaOption(options) });
  }

  createDomain(name: string, type: string, options: DomainSpec = {}): Promise<void> {
    return this.push(createDomainFromSpec(name, type, options));
  }

  alterDomain(name: string, options: SchemaOption & { default?: string | null; notNull?: boolean }): Promise<void> {
    const { schema, ...changes } = options;
    return this.push({ kind: "alterDomain", name, ...schemaOption({ schema }), ...changes });
  }

  dropDomain(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropDomain", name, ...schemaOption(options) });
  }

  addDomainConstraint(domain: string, constraint: string, expression: string, options: SchemaOption & { notValid?: boolean } = {}): Promise<void> {
    const { schema, ...rest } = options;
    return this.push({ kind: "addDomainConstraint", name: domain, constraint: { name: constraint, expression }, ...schemaOption({ schema }), ...rest });
  }

  dropDomainConstraint(domain: string, constraint: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropDomainConstraint", name: domain, constraint, ...schemaOption(options) });
  }

  createCompositeType(name: string, attributes: CompositeAttribute[], options: SchemaOption & { comment?: string } = {}): Promise<void> {
    return this.push(createCompositeTypeFromSpec(name, attributes, options));
  }

  dropCompositeType(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropCompositeType", name, ...schemaOption(options) });
  }

  addCompositeAttribute(type: string, attribute: string, attributeType: string, options: SchemaOption & { collation?: string } = {}): Promise<void> {
    const { schema, collation } = options;
    return this.push({ kind: "addCompositeAttribute", name: type, attribute: { name: attribute, type: attributeType, ...(collation !== undefined ? { collation } : {}) }, ...schemaOption({ schema }) });
  }

  dropCompositeAttribute(type: string, attribute: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropCompositeAttribute", name: type, attribute, ...schemaOption(options) });
  }

  /** CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA schema (default: public). */
  createExtension(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "createExtension", extension: { name, ...schemaOption(options) } });
  }

  dropExtension(name: string): Promise<void> {
    return this.push({ kind: "dropExtension", name });
  }

  /** CREATE COLLATION (PostgreSQL): `{ provider: "libc", locale: "C" }`, or libc's `lcCollate` and `lcCtype` apart. */
  createCollation(name: string, options: Omit<Collation, "name">): Promise<void> {
    return this.push({ kind: "createCollation", collation: normalizeCollation({ ...options, name }) });
  }

  dropCollation(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropCollation", name, ...schemaOption(options) });
  }

  // ---- PostgreSQL row-level security (operations/policies.ts) ----

  /** ALTER TABLE ... ENABLE ROW LEVEL SECURITY: with no policy, nobody but the owner sees a row. */
  enableRowLevelSecurity(table: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "enableRowLevelSecurity", table, ...schemaOption(options) });
  }

  disableRowLevelSecurity(table: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "disableRowLevelSecurity", table, ...schemaOption(options) });
  }

  /** ALTER TABLE ... FORCE ROW LEVEL SECURITY: the table's owner is subject to the policies too. */
  forceRowLevelSecurity(table: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "forceRowLevelSecurity", table, ...schemaOption(options) });
  }

  noForceRowLevelSecurity(table: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "noForceRowLevelSecurity", table, ...schemaOption(options) });
  }

  /** CREATE POLICY name ON table [AS RESTRICTIVE] [FOR command] TO roles [USING (...)] [WITH CHECK (...)]. */
  createPolicy(name: string, table: string, options: PolicySpec = {}): Promise<void> {
    return this.push(createPolicyFromSpec(name, table, options));
  }

  /** ALTER POLICY: new roles, USING or WITH CHECK (give `existing` to make it reversible). */
  alterPolicy(name: string, table: string, changes: PolicyChangeSpec): Promise<void> {
    return this.push(alterPolicyFromSpec(name, table, changes));
  }

  dropPolicy(name: string, table: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropPolicy", name, table, ...schemaOption(options) });
  }

  /**
   * GRANT privileges ON object TO role (PostgreSQL): `op.grant(["select", "insert"], { table: "documents", schema: "app" }, "app_user")`,
   * `{ table, column }` for a column, `{ sequence }`, `{ view }`, `{ schema }`; "all" for every privilege of the object. kiln does not create roles.
   */
  grant(privileges: string | string[], on: GrantTargetSpec, to: string, options: { withGrantOption?: boolean } = {}): Promise<void> {
    return this.push(grantFromSpec("grant", privileges, on, to, options));
  }

  /** REVOKE privileges ON object FROM role; `withGrantOption` says they were held with it, so that the downgrade grants them back so. */
  revoke(privileges: string | string[], on: GrantTargetSpec, from: string, options: { withGrantOption?: boolean } = {}): Promise<void> {
    return this.push(grantFromSpec("revoke", privileges, on, from, options));
  }

  /** COMMENT ON SEQUENCE | DOMAIN | TYPE (enums and composite types) | INDEX | CONSTRAINT (give `table`); `null` removes it. */
  setComment(target: CommentTarget, name: string, comment: string | null, options: SchemaOption & { table?: string } = {}): Promise<void> {
    return this.push({ kind: "setComment", target, name, ...(options.table !== undefined ? { table: options.table } : {}), comment, ...schemaOption(options) });
  }

  /** PostgreSQL: ALTER TABLE ... SET LOGGED (true) or SET UNLOGGED (false). */
  setLogged(table: string, logged: boolean, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "setLogged", ...schemaOption(options), table, logged });
  }

  /** PostgreSQL: ALTER TABLE ... SET (name = value) / RESET (name) for `null`; `existing` (the parameters before) makes it reversible. */
  setTableStorage(table: string, parameters: Record<string, string | null>, options: SchemaOption & { existing?: Record<string, string> } = {}): Promise<void> {
    return this.push({ kind: "setTableStorage", ...schemaOption(options), table, with: { ...parameters }, ...(options.existing !== undefined ? { existing: { ...options.existing } } : {}) });
  }

  /**
   * Citus: `create_distributed_table(table, column)`, hash-distributing the table's rows
   * by `column` across the workers (run through the coordinator), co-located with
   * `colocateWith` and in `shardCount` shards when given. `existing` is the table's
   * distribution before (default `null`: a local table, so the reverse is undistribute_table).
   */
  distributeTable(
    table: string,
    column: string,
    options: SchemaOption & { colocateWith?: string; shardCount?: number; existing?: Distribution | null } = {},
  ): Promise<void> {
    const distribution: Distribution = {
      kind: "distributed",
      column,
      ...(options.colocateWith !== undefined ? { colocateWith: options.colocateWith } : {}),
      ...(options.shardCount !== undefined ? { shardCount: options.shardCount } : {}),
    };
    return this.push({ kind: "setDistribution", ...schemaOption(options), table, distribution, existing: options.existing ?? null });
  }

  /** Citus: `create_reference_table(table)`, a copy of the table on every node; `existing` as for distributeTable. */
  createReferenceTable(table: string, options: SchemaOption & { existing?: Distribution | null } = {}): Promise<void> {
    return this.push({ kind: "setDistribution", ...schemaOption(options), table, distribution: { kind: "reference" }, existing: options.existing ?? null });
  }

  /** Citus: `undistribute_table(table)`, a local table on the coordinator again; `existing` (its distribution before) makes it reversible. */
  undistributeTable(table: string, options: SchemaOption & { existing?: Distribution } = {}): Promise<void> {
    return this.push({ kind: "setDistribution", ...schemaOption(options), table, distribution: null, ...(options.existing !== undefined ? { existing: options.existing } : {}) });
  }

  /** PostgreSQL: ALTER TABLE ... CLUSTER ON index, or SET WITHOUT CLUSTER for `null`; `existing` (null: none) makes it reversible. */
  setClusterOn(table: string, index: string | null, options: SchemaOption & { existing?: string | null } = {}): Promise<void> {
    return this.push({ kind: "setClusterOn", ...schemaOption(options), table, index, ...(options.existing !== undefined ? { existing: options.existing } : {}) });
  }

  /** PostgreSQL: ALTER TABLE ... ALTER COLUMN ... SET STATISTICS n (`null`: the default); `existing` makes it reversible. */
  setStatistics(table: string, column: string, statistics: number | null, options: SchemaOption & { existing?: number | null } = {}): Promise<void> {
    return this.push({ kind: "setStatistics", ...schemaOption(options), table, column, statistics, ...(options.existing !== undefined ? { existing: options.existing } : {}) });
  }

  /** PostgreSQL: ALTER INDEX ... ALTER COLUMN n SET STATISTICS m (`null`: the default). */
  setIndexStatistics(index: string, column: number, statistics: number | null, options: SchemaOption & { table: string; existing?: number | null }): Promise<void> {
    return this.push({ kind: "setIndexStatistics", ...schemaOption(options), table: options.table, index, column, statistics, ...(options.existing !== undefined ? { existing: options.existing } : {}) });
  }

  // ---- Views and materialized views (operations/views.ts) ----

  /** CREATE VIEW name AS query (the query exactly as given). */
  createView(name: string, query: string, options: ViewSpec = {}): Promise<void> {
    return this.push(createViewFromSpec(name, query, options));
  }

  /** CREATE OR REPLACE VIEW: the same columns in the same order (new ones only at the end); give `old` to make it reversible. */
  replaceView(name: string, query: string, options: ReplaceViewSpec = {}): Promise<void> {
    return this.push(replaceViewFromSpec(name, query, options));
  }

  dropView(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropView", name, ...schemaOption(options) });
  }

  /** CREATE MATERIALIZED VIEW name AS query WITH [NO] DATA; its indexes with op.createIndex(index, view, ...). */
  createMaterializedView(name: string, query: string, options: MaterializedViewSpec = {}): Promise<void> {
    return this.push(createMaterializedViewFromSpec(name, query, options));
  }

  dropMaterializedView(name: string, options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "dropMaterializedView", name, ...schemaOption(options) });
  }

  /** REFRESH MATERIALIZED VIEW [CONCURRENTLY] (concurrently: needs a unique index on plain columns and a populated view). */
  refreshMaterializedView(name: string, options: RefreshSpec = {}): Promise<void> {
    return this.push(refreshFromSpec(name, options));
  }

  createSchema(name: string): Promise<void> {
    return this.push({ kind: "createSchema", name });
  }

  dropSchema(name: string): Promise<void> {
    return this.push({ kind: "dropSchema", name });
  }

  /**
   * Several changes to one table at once. On SQLite this is one "copy and move"
   * rebuild (for what ALTER TABLE cannot do); elsewhere the changes run in order.
   */
  batchAlterTable(table: string, fn: (batch: BatchBuilder) => void, options: SchemaOption = {}): Promise<void> {
    return this.push(buildBatch(table, fn, options));
  }

  /** Run raw SQL (parameters in the dialect's placeholder style). */
  execute(sql: string, params?: unknown[]): Promise<void> {
    return this.push({ kind: "execute", sql, params });
  }

  bulkInsert(table: string, rows: Record<string, unknown>[], options: SchemaOption = {}): Promise<void> {
    return this.push({ kind: "bulkInsert", table, rows, schema: options.schema });
  }

  /**
   * Query on the migration's own connection and transaction, for data migrations.
   * Not available with --sql (there is no database to ask).
   */
  async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> {
    await this.chain;
    if (!this.sink.query) {
      throw new KilnError("op.query() needs a database connection and cannot run in offline (--sql) mode; use op.execute() for SQL that the script should contain");
    }
    const result = await this.sink.query(sql, params);
    return result.rows as Row[];
  }
}

/** Collects operations instead of running them (autogenerate, lint, tests). */
export function collectingSink(dialect: DialectName): OperationSink & { operations: Operation[] } {
  const operations: Operation[] = [];
  return {
    dialect,
    operations,
    async apply(operation) {
      operations.push(operation);
    },
  };
}
