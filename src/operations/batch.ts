/**
 * Batch "copy and move": the explicit API for changes SQLite cannot make with
 * ALTER TABLE. `batchAlterTable(table, (batch) => { ... })` collects operations on
 * one table into a single BatchAlterTable group, which the SQLite dialect turns
 * into ONE table rebuild (see rebuild.ts). Other dialects can run the inner
 * operations one by one.
 */
import type { IndexElement } from "../catalog/types.js";
import type { AlterColumnOptions, ColumnSpec, ConstraintDefinition, ForeignKeyOptions } from "./facade.js";
import { alterColumnFromOptions, columnFromSpec, dropConstraintFromOptions } from "./facade.js";
import type { BatchAlterTable, ConstraintType, Operation } from "./types.js";

export type { BatchAlterTable } from "./types.js";

export function isBatchAlterTable(op: { kind: string }): op is BatchAlterTable {
  return op.kind === "batchAlterTable";
}

/** What the callback of `op.batchAlterTable(table, (batch) => ...)` receives. Table and schema are implied. */
export class BatchBuilder {
  readonly operations: Operation[] = [];

  constructor(
    readonly table: string,
    readonly schema?: string,
  ) {}

  private add(operation: Operation): this {
    this.operations.push(operation);
    return this;
  }

  addColumn(column: string, spec: ColumnSpec): this {
    return this.add({ kind: "addColumn", table: this.table, schema: this.schema, column: columnFromSpec(column, spec) });
  }

  dropColumn(column: string): this {
    return this.add({ kind: "dropColumn", table: this.table, schema: this.schema, column });
  }

  alterColumn(column: string, options: Omit<AlterColumnOptions, "schema">): this {
    return this.add(alterColumnFromOptions(this.table, column, { ...options, schema: this.schema }));
  }

  createIndex(name: string, columns: IndexElement[], options: { unique?: boolean; where?: string } = {}): this {
    return this.add({ kind: "createIndex", table: this.table, schema: this.schema, index: { name, columns, ...options } });
  }

  dropIndex(name: string): this {
    return this.add({ kind: "dropIndex", table: this.table, schema: this.schema, name });
  }

  createPrimaryKey(name: string, columns: string[]): this {
    return this.add({ kind: "createPrimaryKey", table: this.table, schema: this.schema, constraint: { name, columns } });
  }

  createUniqueConstraint(name: string, columns: string[]): this {
    return this.add({ kind: "createUniqueConstraint", table: this.table, schema: this.schema, constraint: { name, columns } });
  }

  createForeignKey(
    name: string,
    refTable: string,
    columns: string[],
    refColumns: string[],
    options: Omit<ForeignKeyOptions, "schema" | "notValid"> = {},
  ): this {
    return this.add({
      kind: "createForeignKey",
      table: this.table,
      schema: this.schema,
      constraint: { name, columns, refTable, refColumns, ...options },
    });
  }

  createCheckConstraint(name: string, expression: string): this {
    return this.add({ kind: "createCheckConstraint", table: this.table, schema: this.schema, constraint: { name, expression } });
  }

  /** `definition` finds a constraint declared without a name (SQLite; pass "" as the name). */
  dropConstraint(name: string, type: ConstraintType, definition?: ConstraintDefinition): this {
    return this.add(dropConstraintFromOptions(name, this.table, type, this.schema, definition));
  }
}

/** Build a BatchAlterTable group with the callback the revision author wrote. */
export function buildBatch(table: string, fn: (batch: BatchBuilder) => void, options: { schema?: string } = {}): BatchAlterTable {
  const builder = new BatchBuilder(table, options.schema);
  fn(builder);
  const group: BatchAlterTable = { kind: "batchAlterTable", table, operations: builder.operations };
  if (options.schema) group.schema = options.schema;
  return group;
}
