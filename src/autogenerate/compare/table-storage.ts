/**
 * A table's storage properties (PostgreSQL), compared on a table that both sides
 * have: persistence, storage parameters, the clustering index, and statistics
 * targets of its columns and of its indexes' columns. Each change is one
 * operation of operations/table-storage.ts, which carries what it replaces.
 */
import type { Index, Table } from "../../catalog/types.js";
import type { Operation } from "../../operations/types.js";
import type { TableStorageOperation } from "../../operations/table-storage.js";
import { sameParameters } from "../equality.js";

type Phase = "alterTables" | "createConstraintsAndIndexes";

function where(table: Table): { schema?: string; table: string } {
  return table.schema === undefined ? { table: table.name } : { schema: table.schema, table: table.name };
}

/**
 * `created`: names of the table's indexes and key constraints this revision
 * creates (a createIndex clusters by itself, see compare.ts); `dropped`: those it drops.
 */
export function compareTableStorage(
  model: Table,
  database: Table,
  names: { createdIndexes: ReadonlySet<string>; createdKeys: ReadonlySet<string>; dropped: ReadonlySet<string> },
  add: (phase: Phase, op: TableStorageOperation) => void,
): void {
  const ref = where(model);
  if (!!model.unlogged !== !!database.unlogged) add("alterTables", { kind: "setLogged", ...ref, logged: !model.unlogged });
  if (!sameParameters(model.with, database.with)) {
    const wanted = model.with ?? {};
    const present = database.with ?? {};
    const changes: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(wanted)) if (present[key] !== value) changes[key] = value;
    for (const key of Object.keys(present)) if (!(key in wanted)) changes[key] = null;
    add("alterTables", { kind: "setTableStorage", ...ref, with: changes, existing: { ...present } });
  }
  // A partition's columns are its parent's (compared there).
  const columns = new Map((model.partitionOf ? [] : database.columns).map((c) => [c.name, c]));
  for (const column of model.columns) {
    const existing = columns.get(column.name);
    if (!existing || (column.statistics ?? null) === (existing.statistics ?? null)) continue;
    add("alterTables", { kind: "setStatistics", ...ref, column: column.name, statistics: column.statistics ?? null, existing: existing.statistics ?? null });
  }
  // The clustering index: a new index clusters itself (createIndex clusterOn); a dropped one takes the mark with it.
  const wanted = model.clusterOn ?? null;
  const present = database.clusterOn !== undefined && !names.dropped.has(database.clusterOn) ? database.clusterOn : null;
  if (wanted !== null && names.createdIndexes.has(wanted)) return;
  if (wanted !== present || (wanted !== null && names.createdKeys.has(wanted))) {
    add("createConstraintsAndIndexes", { kind: "setClusterOn", ...ref, index: wanted, existing: present });
  }
}

/** SET STATISTICS on the columns of an index that both sides have, where the targets differ. */
export function indexStatisticsChanges(table: Table, model: Index & { name: string }, database: Index): Operation[] {
  const wanted = model.statistics ?? {};
  const present = database.statistics ?? {};
  const columns = [...new Set([...Object.keys(wanted), ...Object.keys(present)])].sort((a, b) => Number(a) - Number(b));
  return columns
    .filter((column) => (wanted[column] ?? null) !== (present[column] ?? null))
    .map((column) => ({
      kind: "setIndexStatistics" as const,
      ...where(table),
      index: model.name,
      column: Number(column),
      statistics: wanted[column] ?? null,
      existing: present[column] ?? null,
    }));
}
