/**
 * Declarative partitioning in compare: in what order partitioned tables and
 * their partitions are created and dropped, and the attach/detach operations
 * for a table that exists on both sides but becomes (or stops being) a
 * partition.
 */
import { asDetached, parentKey, samePartitionBy, samePartitionOf } from "../../catalog/partitions.js";
import type { Table } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import type { Operation } from "../../operations/types.js";
import type { Phase } from "../order.js";
import type { DiffWarning } from "../types.js";

function key(t: { schema?: string; name: string }): string {
  return qualifiedName(t);
}

/**
 * For each table (by schema.name), the tables it must come after beyond its
 * foreign keys' targets: a partition after its parent, and a table whose
 * foreign key references a partitioned table after that table's partitions
 * (PostgreSQL refuses to drop a partition of a referenced table while the
 * reference exists).
 */
export function partitionPrerequisites(tables: readonly Table[]): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const t of tables) {
    if (!t.partitionOf) continue;
    const parent = parentKey(t.partitionOf);
    children.set(parent, [...(children.get(parent) ?? []), key(t)]);
  }
  const result = new Map<string, string[]>();
  if (children.size === 0) return result;
  const descendants = (root: string): string[] => {
    const out: string[] = [];
    const stack = [...(children.get(root) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (out.includes(next)) continue;
      out.push(next);
      stack.push(...(children.get(next) ?? []));
    }
    return out;
  };
  for (const t of tables) {
    const own = key(t);
    const waits = new Set<string>();
    if (t.partitionOf) waits.add(parentKey(t.partitionOf));
    for (const fk of t.foreignKeys) {
      const target = qualifiedName({ schema: fk.refSchema, name: fk.refTable });
      for (const partition of descendants(target)) if (partition !== own) waits.add(partition);
    }
    if (waits.size > 0) result.set(own, [...waits]);
  }
  return result;
}

/**
 * The database table whose indexes and constraints the models' table is
 * compared with: a partition that the models declare as a table of its own
 * keeps, once detached, what it had from its parent (its copy of the parent's
 * key, indexes and foreign keys), so that is what the models must match.
 */
export function constraintsAfterDetach(modelTable: Table, databaseTable: Table): Table {
  return databaseTable.partitionOf && !modelTable.partitionOf ? asDetached(databaseTable) : databaseTable;
}

/** A partition's columns are its parent's: compared on the parent only. */
export function columnsComparedOnParent(modelTable: Table, databaseTable: Table): boolean {
  return modelTable.partitionOf !== undefined && databaseTable.partitionOf !== undefined;
}

function ref(schema: string | undefined, table: string): { schema?: string; table: string } {
  return schema !== undefined ? { schema, table } : { table };
}

/**
 * Operations for a table on both sides whose partitioning differs: detach from
 * the old parent, attach to the new one (or with a new bound). A change of a
 * table's own PARTITION BY cannot be made in place: a warning says so.
 */
export function comparePartitioning(
  modelTable: Table,
  databaseTable: Table,
  add: (phase: Phase, op: Operation) => void,
  warn: (kind: DiffWarning["kind"], message: string) => void,
): void {
  const partition = ref(modelTable.schema, modelTable.name);
  if (!columnsComparedOnParent(modelTable, databaseTable)) {
    // Columns were compared like any table's; nothing else to do for the comment.
  } else if ((modelTable.comment ?? null) !== (databaseTable.comment ?? null)) {
    add("alterTables", { kind: "setTableComment", ...partition, comment: modelTable.comment ?? null, existing: databaseTable.comment ?? null });
  }
  if (!samePartitionOf(modelTable.partitionOf, databaseTable.partitionOf)) {
    const was = databaseTable.partitionOf;
    const will = modelTable.partitionOf;
    if (was) add("detachPartitions", { kind: "detachPartition", ...ref(was.schema, was.table), partition, bound: was.bound });
    if (will) add("attachPartitions", { kind: "attachPartition", ...ref(will.schema, will.table), partition, bound: will.bound });
  }
  if (!samePartitionBy(modelTable.partitionBy, databaseTable.partitionBy)) {
    const show = (t: Table) => (t.partitionBy ? `PARTITION BY ${t.partitionBy.strategy.toUpperCase()} (${t.partitionBy.key})` : "not partitioned");
    warn(
      "manualStep",
      `Table ${qualifiedName(modelTable)} is ${show(databaseTable)} in the database and ${show(modelTable)} in the models. PostgreSQL cannot change how an existing table is partitioned, so kiln writes no operation for it: create a new table with the wanted partitioning, move the rows, and swap the names (op.execute), or drop and recreate the table.`,
    );
  }
}

/**
 * A partition's column with its own default or NOT NULL (`PARTITION OF parent
 * (col DEFAULT ...)`): kiln compares and creates a partition's columns through
 * its parent only, so it says so instead of losing the difference in silence.
 */
export function partitionColumnWarnings(databaseTables: readonly Table[]): DiffWarning[] {
  const byKey = new Map(databaseTables.map((t) => [key(t), t]));
  const warnings: DiffWarning[] = [];
  for (const table of databaseTables) {
    if (!table.partitionOf) continue;
    const parent = byKey.get(parentKey(table.partitionOf));
    if (!parent) continue;
    const own = table.columns.filter((column) => {
      const inherited = parent.columns.find((c) => c.name === column.name);
      return inherited !== undefined && ((inherited.default ?? null) !== (column.default ?? null) || inherited.nullable !== column.nullable);
    });
    if (own.length === 0) continue;
    warnings.push({
      kind: "unmanaged",
      message: `Partition ${qualifiedName(table)} has its own default or NOT NULL on ${own.map((c) => c.name).join(", ")} (not its parent's). kiln does not model column properties per partition: it never changes them, and a revision that recreates the partition gives it the parent's; restore them with op.execute() (ALTER TABLE ... ALTER COLUMN ... SET DEFAULT / SET NOT NULL).`,
    });
  }
  return warnings;
}
