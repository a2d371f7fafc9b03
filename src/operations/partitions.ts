/**
 * Partition operations: attach an existing table to a partitioned table as a
 * partition (ALTER TABLE parent ATTACH PARTITION child bound), and detach one
 * (ALTER TABLE parent DETACH PARTITION child), which leaves it a plain table.
 * Creating a partition is a createTable whose table has `partitionOf`.
 */
import type { TableRef } from "./types.js";

export interface AttachPartition extends TableRef {
  kind: "attachPartition";
  /** The partition (an existing table). */
  partition: TableRef;
  /** `FOR VALUES ...` or `DEFAULT`, as PostgreSQL prints it. */
  bound: string;
}

export interface DetachPartition extends TableRef {
  kind: "detachPartition";
  partition: TableRef;
  /** The bound before the detach, for reversal. */
  bound?: string;
}

/** `{ detachFrom }` for dropping a partition (see DropTable), `{}` for any other table. */
export function detachFromOf(table: { partitionOf?: { schema?: string; table: string } }): { detachFrom?: TableRef } {
  const of = table.partitionOf;
  return of ? { detachFrom: of.schema !== undefined ? { schema: of.schema, table: of.table } : { table: of.table } } : {};
}

function ref(r: TableRef): TableRef {
  return r.schema !== undefined ? { schema: r.schema, table: r.table } : { table: r.table };
}

/** `partitionName of parentName` for messages. */
export function describePartitionOperation(op: AttachPartition | DetachPartition): string {
  const name = (r: TableRef) => (r.schema ? `${r.schema}.${r.table}` : r.table);
  return `${op.kind} ${name(op.partition)} ${op.kind === "attachPartition" ? "to" : "from"} ${name(op)}`;
}

export function reverseAttachPartition(op: AttachPartition): DetachPartition {
  return { kind: "detachPartition", ...ref(op), partition: ref(op.partition), bound: op.bound };
}

/** undefined when the bound is unknown (the caller reports it). */
export function reverseDetachPartition(op: DetachPartition): AttachPartition | undefined {
  if (op.bound === undefined) return undefined;
  return { kind: "attachPartition", ...ref(op), partition: ref(op.partition), bound: op.bound };
}
