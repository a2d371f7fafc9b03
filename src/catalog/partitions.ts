/**
 * Declarative partitioning (PostgreSQL): what a partitioned table and a
 * partition carry in the Catalog.
 *
 * A partitioned table is a Table with `partitionBy`. A partition is a Table with
 * `partitionOf`: its columns are its parent's (PostgreSQL copies them), and its
 * indexes and constraints are only those declared on the partition itself: the
 * ones PostgreSQL creates or attaches from the parent (a partition's index
 * attached to a parent index, a cloned foreign key, the primary key's partition)
 * are the parent's business and never appear twice.
 */

import type { Table } from "./types.js";

export type PartitionStrategy = "range" | "list" | "hash";

export interface PartitionBy {
  strategy: PartitionStrategy;
  /** The key as PostgreSQL prints it inside the parentheses of `PARTITION BY RANGE (...)`: `created_at`, `lower(name), id`. */
  key: string;
}

/** What a partition has from its parent (read from the database; a DETACH makes it the table's own). Never compared or created. */
export interface PartitionInherited {
  primaryKey?: Table["primaryKey"];
  uniques?: Table["uniques"];
  foreignKeys?: Table["foreignKeys"];
  checks?: Table["checks"];
  indexes?: Table["indexes"];
}

export interface PartitionOf {
  /** The parent's schema; undefined: the default schema. */
  schema?: string;
  table: string;
  /** The bound as PostgreSQL prints it: `FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')`, `FOR VALUES IN (1, 2)`, `FOR VALUES WITH (modulus 4, remainder 0)`, `DEFAULT`. */
  bound: string;
  /** Read from the database only: the indexes and constraints the partition has from its parent. */
  inherited?: PartitionInherited;
}

/** partitionOf without what is only read (`inherited`): what creating or rendering a partition needs. */
export function partitionOfSpec(of: PartitionOf): PartitionOf {
  return { ...(of.schema !== undefined ? { schema: of.schema } : {}), table: of.table, bound: of.bound };
}

/**
 * The database table as it will be once detached from its parent: what it had
 * from the parent becomes its own.
 */
export function asDetached(table: Table): Table {
  const inherited = table.partitionOf?.inherited;
  const { partitionOf: _of, ...rest } = table;
  if (!inherited) return rest;
  const byName = (a: { name?: string }, b: { name?: string }) => ((a.name ?? "") < (b.name ?? "") ? -1 : (a.name ?? "") > (b.name ?? "") ? 1 : 0);
  return {
    ...rest,
    ...(table.primaryKey ?? inherited.primaryKey ? { primaryKey: table.primaryKey ?? inherited.primaryKey } : {}),
    uniques: [...table.uniques, ...(inherited.uniques ?? [])].sort(byName),
    foreignKeys: [...table.foreignKeys, ...(inherited.foreignKeys ?? [])].sort(byName),
    checks: [...table.checks, ...(inherited.checks ?? [])].sort(byName),
    indexes: [...table.indexes, ...(inherited.indexes ?? [])].sort(byName),
  };
}

export const PARTITION_STRATEGIES: readonly PartitionStrategy[] = ["range", "list", "hash"];

/** `PARTITION BY RANGE (key)` */
export function partitionByClause(by: PartitionBy): string {
  return `PARTITION BY ${by.strategy.toUpperCase()} (${by.key})`;
}

/** Parse what pg_get_partkeydef prints (`RANGE (logdate)`). */
export function parsePartitionKeyDef(text: string): PartitionBy | undefined {
  const m = /^\s*(RANGE|LIST|HASH)\s*\(([\s\S]*)\)\s*$/i.exec(text);
  if (!m) return undefined;
  return { strategy: m[1]!.toLowerCase() as PartitionStrategy, key: m[2]!.trim() };
}

/**
 * Bound and key text compared the way PostgreSQL would print them from what a
 * model wrote: outer spacing and runs of white space, and keyword case outside
 * quotes. The text itself is never rewritten in a revision.
 */
export function samePartitionText(a: string, b: string): boolean {
  return comparableText(a) === comparableText(b);
}

function comparableText(text: string): string {
  // Split on single-quoted literals and double-quoted identifiers: only the parts between them are folded.
  return text
    .trim()
    .split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, " ").replace(/\s*([(),])\s*/g, "$1").toLowerCase()))
    .join("");
}

export function samePartitionBy(a: PartitionBy | undefined, b: PartitionBy | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.strategy === b.strategy && samePartitionText(a.key, b.key);
}

export function samePartitionOf(a: PartitionOf | undefined, b: PartitionOf | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.schema === b.schema && a.table === b.table && samePartitionText(a.bound, b.bound);
}

/** `schema.table` of a partition's parent. */
export function parentKey(of: PartitionOf): string {
  return of.schema ? `${of.schema}.${of.table}` : of.table;
}
