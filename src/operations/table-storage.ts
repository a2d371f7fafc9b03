/**
 * PostgreSQL table storage properties, each changed in place by one operation:
 * persistence (`SET LOGGED / UNLOGGED`), storage parameters (`SET (...)` /
 * `RESET (...)`), the clustering index (`CLUSTER ON` / `SET WITHOUT CLUSTER`)
 * and statistics targets of columns and index columns (`SET STATISTICS`).
 * Each carries what it replaces, so that it is its own reverse.
 */
import type { Table } from "../catalog/types.js";

export interface SetLogged {
  kind: "setLogged";
  schema?: string;
  table: string;
  /** true: `SET LOGGED`; false: `SET UNLOGGED`. The reverse flips it. */
  logged: boolean;
}

export interface SetTableStorage {
  kind: "setTableStorage";
  schema?: string;
  table: string;
  /** Parameters to set (`fillfactor: "50"`, `"toast.autovacuum_enabled": "false"`), or `null` to reset to the default. */
  with: Record<string, string | null>;
  /** The table's parameters before (absent: none set), for reversal. */
  existing?: Record<string, string>;
}

export interface SetClusterOn {
  kind: "setClusterOn";
  schema?: string;
  table: string;
  /** The index to cluster on (`CLUSTER ON`), or `null` for `SET WITHOUT CLUSTER`. */
  index: string | null;
  /** The clustering index before (`null`: none), for reversal. */
  existing?: string | null;
}

export interface SetStatistics {
  kind: "setStatistics";
  schema?: string;
  table: string;
  column: string;
  /** The column's statistics target, or `null` for the server's default (`SET STATISTICS -1`). */
  statistics: number | null;
  existing?: number | null;
}

export interface SetIndexStatistics {
  kind: "setIndexStatistics";
  schema?: string;
  /** The index's table (for messages and ordering). */
  table: string;
  index: string;
  /** The index column number (1-based, as `ALTER INDEX ... ALTER COLUMN n` counts). */
  column: number;
  statistics: number | null;
  existing?: number | null;
}

export type TableStorageOperation = SetLogged | SetTableStorage | SetClusterOn | SetStatistics | SetIndexStatistics;

export const TABLE_STORAGE_OPERATION_KINDS = ["setLogged", "setTableStorage", "setClusterOn", "setStatistics", "setIndexStatistics"] as const;

/**
 * A table to create and the index to cluster it on: CREATE TABLE can say CLUSTER ON
 * only for the index of one of its own key constraints (created with it); another
 * index is created later, so its createIndex says `clusterOn: true`.
 */
export function splitClusterOn(table: Table): { table: Table; clusterIndex?: string } {
  const name = table.clusterOn;
  if (name === undefined) return { table };
  const keys = [table.primaryKey, ...table.uniques, ...(table.exclusions ?? [])].map((c) => c?.name);
  if (keys.includes(name)) return { table };
  const { clusterOn: _index, ...rest } = table;
  return { table: rest, clusterIndex: name };
}

function schemaOf(schema: string | undefined): { schema?: string } {
  return schema !== undefined ? { schema } : {};
}

/** Storage parameters after `changes` are applied to `existing`. */
export function parametersAfter(existing: Record<string, string> | undefined, changes: Record<string, string | null>): Record<string, string> | undefined {
  const after: Record<string, string> = { ...existing };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete after[key];
    else after[key] = value;
  }
  return Object.keys(after).length > 0 ? after : undefined;
}

/** The reverse of a table storage operation, or a reason why there is none. */
export function reverseTableStorageOperation(op: TableStorageOperation): TableStorageOperation | string {
  const where = { ...schemaOf(op.schema), table: op.table };
  switch (op.kind) {
    case "setLogged":
      return { kind: "setLogged", ...where, logged: !op.logged };
    case "setTableStorage": {
      if (op.existing === undefined) return 'the storage parameters before the change are unknown; give "existing"';
      const existing = op.existing;
      // PostgreSQL appends a parameter it sets to the end of the table's list: restating every one the
      // table had, in its order, gives the list back in that order (as pg_dump prints it).
      const back: Record<string, string | null> = { ...existing };
      for (const key of Object.keys(op.with)) if (!(key in existing)) back[key] = null;
      return { kind: "setTableStorage", ...where, with: back, existing: parametersAfter(existing, op.with) ?? {} };
    }
    case "setClusterOn":
      if (op.existing === undefined) return 'the clustering index before the change is unknown; give "existing" (null for none)';
      return { kind: "setClusterOn", ...where, index: op.existing, existing: op.index };
    case "setStatistics":
      if (op.existing === undefined) return 'the statistics target before the change is unknown; give "existing" (null for the default)';
      return { kind: "setStatistics", ...where, column: op.column, statistics: op.existing, existing: op.statistics };
    case "setIndexStatistics":
      if (op.existing === undefined) return 'the statistics target before the change is unknown; give "existing" (null for the default)';
      return { kind: "setIndexStatistics", ...where, index: op.index, column: op.column, statistics: op.existing, existing: op.statistics };
  }
}

function at(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

export function describeTableStorageOperation(op: TableStorageOperation): string {
  switch (op.kind) {
    case "setStatistics":
      return `setStatistics ${at(op.schema, op.table)}.${op.column}`;
    case "setIndexStatistics":
      return `setIndexStatistics ${at(op.schema, op.index)} column ${op.column}`;
    default:
      return `${op.kind} ${at(op.schema, op.table)}`;
  }
}

/** One short line (`kiln check`, autogenerate output). */
export function summarizeTableStorageOperation(op: TableStorageOperation): string {
  const table = at(op.schema, op.table);
  switch (op.kind) {
    case "setLogged":
      return `~ table ${table}: ${op.logged ? "logged" : "unlogged"}`;
    case "setTableStorage":
      return `~ table ${table}: ${Object.entries(op.with).map(([k, v]) => (v === null ? `reset ${k}` : `${k}=${v}`)).join(", ")}`;
    case "setClusterOn":
      return `~ table ${table}: ${op.index === null ? "without cluster" : `cluster on ${op.index}`}`;
    case "setStatistics":
      return `~ column ${table}.${op.column}: statistics ${op.statistics ?? "default"}`;
    case "setIndexStatistics":
      return `~ index ${at(op.schema, op.index)} column ${op.column}: statistics ${op.statistics ?? "default"}`;
  }
}
