/**
 * Citus table distribution, read from pg_dist_partition where that catalog
 * exists (the citus extension on a coordinator); elsewhere nothing is read and
 * no table has a distribution. partmethod 'h' is a hash-distributed table
 * (its column from column_to_column_name), 'n' with replication model 't' a
 * reference table; Citus local tables ('n', 's') and the old append/range
 * methods are left as local tables. Co-location and shard counts are not read
 * (see catalog/types.ts, Distribution).
 *
 * Untested here: Citus cannot be installed on kiln's test machines; the guard
 * (the catalog's absence on plain PostgreSQL) is what the tests exercise.
 */
import type { Distribution } from "../../../catalog/types.js";
import type { Connection } from "../../types.js";

/** True when the table rows said pg_dist_partition exists (the citus_catalog column of TABLES_SQL). */
export const CITUS_CATALOG_COLUMN = "pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL AS citus_catalog";

const DISTRIBUTION_SQL = `
SELECT p.logicalrelid::oid::int8::text AS oid, p.partmethod::text AS method, p.repmodel::text AS repmodel,
       CASE WHEN p.partmethod = 'h' THEN pg_catalog.column_to_column_name(p.logicalrelid, p.partkey) END AS column_name
  FROM pg_catalog.pg_dist_partition p
 WHERE p.logicalrelid::oid::int8::text = ANY($1::text[])`;

/** The distribution of each table (by oid) that has one. */
export async function readDistributions(conn: Connection, oids: string[]): Promise<Map<string, Distribution>> {
  const found = new Map<string, Distribution>();
  if (oids.length === 0) return found;
  for (const r of (await conn.query(DISTRIBUTION_SQL, [oids])).rows) {
    if (r.method === "h" && typeof r.column_name === "string") found.set(String(r.oid), { kind: "distributed", column: r.column_name });
    else if (r.method === "n" && r.repmodel === "t") found.set(String(r.oid), { kind: "reference" });
  }
  return found;
}
