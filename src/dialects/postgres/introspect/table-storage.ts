/**
 * A table's storage properties (PostgreSQL), read with the table itself:
 * persistence (UNLOGGED), storage parameters (its own reloptions and its TOAST
 * table's, with the `toast.` prefix as pg_dump prints them) and the index it is
 * clustered on. Columns of TABLES_SQL (`c` is the table's pg_class row).
 */
import type { Table } from "../../../catalog/types.js";
import { storageParameters } from "./indexes.js";

export const TABLE_STORAGE_COLUMNS = `
       c.relpersistence AS persistence,
       COALESCE(c.reloptions, '{}') || COALESCE((SELECT pg_catalog.array_agg('toast.' || o) FROM pg_catalog.pg_class t, pg_catalog.unnest(t.reloptions) o
                                                  WHERE t.oid = c.reltoastrelid), '{}') AS storage_parameters,
       (SELECT ic.relname FROM pg_catalog.pg_index ci JOIN pg_catalog.pg_class ic ON ic.oid = ci.indexrelid
         WHERE ci.indrelid = c.oid AND ci.indisclustered LIMIT 1) AS cluster_on`;

export function tableStorageFields(r: Record<string, unknown>): Pick<Table, "unlogged" | "with" | "clusterOn"> {
  const fields: Pick<Table, "unlogged" | "with" | "clusterOn"> = {};
  if (r.persistence === "u") fields.unlogged = true;
  const parameters = storageParameters(r.storage_parameters);
  if (parameters) fields.with = parameters;
  if (r.cluster_on !== null && r.cluster_on !== undefined) fields.clusterOn = String(r.cluster_on);
  return fields;
}
