/**
 * Declarative partitioning on PostgreSQL (pure).
 *
 * A partition is created with `CREATE TABLE child PARTITION OF parent (...) bound`:
 * PostgreSQL gives it the parent's columns, and creates (or attaches) the
 * parent's indexes, primary key, unique constraints and foreign keys on it, so
 * only what the partition declares itself goes into the statement.
 */
import { partitionByClause, type PartitionBy, type PartitionOf } from "../../../catalog/partitions.js";
import { KilnError } from "../../../errors.js";
import type { AttachPartition, DetachPartition, DropTable, Statement } from "../../../operations/types.js";
import { tableName } from "../sql.js";

function text(value: string, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new KilnError(`${what} is empty; give it as PostgreSQL prints it.`);
  return value;
}

/** ` PARTITION BY RANGE (key)`, or "" for a table that is not partitioned. */
export function partitionByPart(by: PartitionBy | undefined, where: string): string {
  if (!by) return "";
  if (!["range", "list", "hash"].includes(by.strategy)) {
    throw new KilnError(`table ${where}: partition strategy "${String(by.strategy)}" is not one of range, list, hash.`);
  }
  text(by.key, `the partition key of table ${where}`);
  return ` ${partitionByClause(by)}`;
}

/** `CREATE TABLE child PARTITION OF parent [(elements)] bound [PARTITION BY ...]`. */
export function createPartitionSql(
  schema: string | undefined,
  name: string,
  of: PartitionOf,
  elements: string[],
  by: PartitionBy | undefined,
  where: string,
  head = "CREATE TABLE",
  storage = "",
): string {
  const body = elements.length > 0 ? ` (\n  ${elements.join(",\n  ")}\n)` : "";
  const bound = text(of.bound, `the partition bound of table ${where}`);
  return `${head} ${tableName(schema, name)} PARTITION OF ${tableName(of.schema, of.table)}${body} ${bound}${partitionByPart(by, where)}${storage}`;
}

export function compileAttachPartition(op: AttachPartition): Statement[] {
  const where = `${tableName(op.partition.schema, op.partition.table)}`;
  const bound = text(op.bound, `the bound of partition ${where}`);
  return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} ATTACH PARTITION ${tableName(op.partition.schema, op.partition.table)} ${bound}` }];
}

export function compileDetachPartition(op: DetachPartition): Statement[] {
  return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} DETACH PARTITION ${tableName(op.partition.schema, op.partition.table)}` }];
}

/**
 * A partition is detached before it is dropped: PostgreSQL refuses to drop a
 * partition of a table that a foreign key references ("other objects depend on
 * it"), but detaches it once no row of it is referenced.
 */
export function detachBeforeDrop(op: DropTable): Statement[] {
  const of = op.detachFrom ?? (op.old?.partitionOf ? { schema: op.old.partitionOf.schema, table: op.old.partitionOf.table } : undefined);
  if (!of) return [];
  return compileDetachPartition({ kind: "detachPartition", ...(of.schema !== undefined ? { schema: of.schema } : {}), table: of.table, partition: { ...(op.schema !== undefined ? { schema: op.schema } : {}), table: op.table } });
}
