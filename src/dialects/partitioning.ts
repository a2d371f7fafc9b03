/**
 * For dialects without declarative partitioning (MySQL/MariaDB and SQLite in
 * kiln: MySQL's own PARTITION BY is a different feature that kiln does not model).
 */
import type { Table } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import type { Operation } from "../operations/types.js";

function label(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

/** The error for a partitioned table or a partition that `database` cannot create. */
export function partitioningUnsupported(database: string, table: Pick<Table, "schema" | "name" | "partitionBy" | "partitionOf">): KilnError {
  const what = table.partitionOf ? `is a partition of ${label(table.partitionOf.schema, table.partitionOf.table)}` : "is partitioned (partitionBy)";
  return new KilnError(
    `table ${label(table.schema, table.name)} ${what}, but kiln supports declarative partitioning only on PostgreSQL, not on ${database}. Remove partitionBy/partitionOf from the model for this database.`,
  );
}

/** Throws for an operation that needs partitioning; returns otherwise. */
export function refusePartitioning(database: string, op: Operation): void {
  if (op.kind === "createTable" && (op.table.partitionBy || op.table.partitionOf)) throw partitioningUnsupported(database, op.table);
  if (op.kind === "attachPartition" || op.kind === "detachPartition") {
    throw new KilnError(`${op.kind} ${label(op.partition.schema, op.partition.table)}: kiln supports declarative partitioning only on PostgreSQL, not on ${database}.`);
  }
}
