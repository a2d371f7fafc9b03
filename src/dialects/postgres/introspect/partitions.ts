/**
 * Declarative partitioning in PostgreSQL's catalog, for the table reader
 * (introspect.ts): the pieces of its queries that read partitioning, and which
 * indexes and constraints a partition owns itself.
 */
import { parsePartitionKeyDef, type PartitionBy, type PartitionInherited, type PartitionOf } from "../../../catalog/partitions.js";
import type { Table } from "../../../catalog/types.js";

/** Output columns of the tables query (`c`: the table's pg_class row). */
export const PARTITION_COLUMNS = `CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       pn.nspname AS parent_schema, pc.relname AS parent_name`;

/** A partition has exactly one parent (pg_inherits). */
export const PARTITION_JOINS = `LEFT JOIN pg_catalog.pg_inherits inh ON c.relispartition AND inh.inhrelid = c.oid
  LEFT JOIN pg_catalog.pg_class pc ON pc.oid = inh.inhparent
  LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace`;

/**
 * A constraint of the table itself (`con`), not one PostgreSQL made from a
 * parent's: a partition's copy of the parent's primary key, unique constraint
 * or foreign key has conparentid set, and so do the per-partition constraints
 * of a foreign key that references a partitioned table; an inherited CHECK is
 * not local.
 */
export const OWN_CONSTRAINT = `con.conparentid = 0 AND (con.contype <> 'c' OR con.conislocal)`;

/**
 * What a partition has from its parent: a copy of the parent's key, unique
 * constraint or foreign key (but not the per-partition rows of a foreign key
 * that references a partitioned table, which belong to the referencing
 * table's own constraint), and an inherited CHECK. A DETACH makes them the
 * table's own.
 */
export const INHERITED_CONSTRAINT = `((con.conparentid <> 0 AND (SELECT pc.conrelid FROM pg_catalog.pg_constraint pc WHERE pc.oid = con.conparentid) <> con.conrelid) OR (con.contype = 'c' AND NOT con.conislocal))`;

/** An index of the table itself (`ic`: the index's pg_class row), not a partition's index attached to a parent index. */
export const OWN_INDEX = `NOT ic.relispartition`;

type Row = Record<string, unknown>;

/** `partitionBy` and `partitionOf` of a table row, for spreading into the Table. */
export function partitionFields(
  r: Row,
  alias: (schema: string) => string | undefined,
): { partitionBy?: PartitionBy; partitionOf?: PartitionOf } {
  const fields: { partitionBy?: PartitionBy; partitionOf?: PartitionOf } = {};
  if (typeof r.partition_key === "string") {
    const by = parsePartitionKeyDef(r.partition_key);
    if (by) fields.partitionBy = by;
  }
  if (typeof r.partition_bound === "string" && typeof r.parent_name === "string") {
    const schema = alias(String(r.parent_schema));
    fields.partitionOf = { ...(schema !== undefined ? { schema } : {}), table: r.parent_name, bound: r.partition_bound };
  }
  return fields;
}

/**
 * Collects what partitions have from their parents apart from their own
 * indexes and constraints, into `partitionOf.inherited` (what a detach leaves
 * them with).
 */
export class InheritedItems {
  private readonly shadows = new Map<Table, Table>();

  /** Where an index or constraint row goes: the table, or (inherited) the partition's shadow; undefined to leave it out. */
  target(table: Table | undefined, inherited: boolean): Table | undefined {
    if (!table || !inherited) return table;
    if (!table.partitionOf) return undefined;
    let shadow = this.shadows.get(table);
    if (!shadow) {
      shadow = { name: table.name, columns: [], uniques: [], foreignKeys: [], checks: [], indexes: [] };
      this.shadows.set(table, shadow);
    }
    return shadow;
  }

  finish(byName: (a: { name?: string }, b: { name?: string }) => number): void {
    for (const [table, shadow] of this.shadows) {
      const items: PartitionInherited = {};
      if (shadow.primaryKey) items.primaryKey = shadow.primaryKey;
      if (shadow.uniques.length > 0) items.uniques = shadow.uniques.sort(byName);
      if (shadow.foreignKeys.length > 0) items.foreignKeys = shadow.foreignKeys.sort(byName);
      if (shadow.checks.length > 0) items.checks = shadow.checks.sort(byName);
      if (shadow.indexes.length > 0) items.indexes = shadow.indexes.sort(byName);
      if (Object.keys(items).length > 0) table.partitionOf = { ...table.partitionOf!, inherited: items };
    }
  }
}
