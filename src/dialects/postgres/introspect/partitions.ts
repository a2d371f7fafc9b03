/**
 * Declarative partitioning in PostgreSQL's catalog, for the table reader
 * (introspect.ts): the pieces of its queries that read partitioning, and which
 * indexes and constraints a partition owns itself.
 */
import { parsePartitionKeyDef, type PartitionBy, type PartitionOf } from "../../../catalog/partitions.js";

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
