/**
 * Views and materialized views (CREATE [MATERIALIZED] VIEW ... AS query).
 *
 * `definition` is exact text (EXACT TEXT in catalog/types.ts): the model's query
 * as the user wrote it, the database's as pg_get_viewdef prints it (what
 * pg_dump prints, without the trailing semicolon). Compare goes through
 * `canonical.definition`: PostgreSQL's own spelling of the model's query,
 * obtained by creating the view in a scratch schema (canonicalize).
 */
import type { ObjectRef } from "./objects.js";
import type { Canonical, Index } from "./types.js";

/** A column of a view as the database has it (name and type as format_type prints it). */
export interface ViewColumn {
  name: string;
  type: string;
}

export type ViewCheckOption = "local" | "cascaded";

export type ViewAlgorithm = "merge" | "temptable";

export interface View {
  schema?: string;
  name: string;
  /** The query (exact text). */
  definition: string;
  /** A materialized view (CREATE MATERIALIZED VIEW). */
  materialized?: boolean;
  /** `CREATE VIEW v (a, b) AS ...`: names given to the query's columns (models only; the database folds them into the query). */
  columnNames?: string[];
  /**
   * The view's columns, in order: read from the database, or spelled by it for
   * a model. Not compared (the query decides them); they tell whether CREATE OR
   * REPLACE VIEW can change the view in place.
   */
  columns?: ViewColumn[];
  /** WITH LOCAL | CASCADED CHECK OPTION (views). */
  checkOption?: ViewCheckOption;
  /** WITH (security_barrier = true) (views). */
  securityBarrier?: boolean;
  /** WITH (security_invoker = true) (views, PostgreSQL 15+); MySQL/MariaDB: SQL SECURITY INVOKER. */
  securityInvoker?: boolean;
  /** MySQL/MariaDB: ALGORITHM=MERGE | TEMPTABLE; absent: UNDEFINED (the server chooses). */
  algorithm?: ViewAlgorithm;
  /**
   * Materialized views: created WITH NO DATA. On the database side: not
   * populated (relispopulated). Not compared: a REFRESH changes it.
   */
  withNoData?: boolean;
  /** Materialized views: their indexes (sorted by name). */
  indexes?: Index[];
  /** Materialized views: the index it is clustered on (`ALTER MATERIALIZED VIEW ... CLUSTER ON`). */
  clusterOn?: string;
  comment?: string;
  /** Comments on the view's columns, by column name. */
  columnComments?: Record<string, string>;
  canonical?: Canonical<"definition">;
  /**
   * SQLite, MySQL/MariaDB: the CREATE VIEW statement as the database keeps it
   * (sqlite_schema.sql; SHOW CREATE VIEW), for recreating it word for word in a
   * downgrade: used only while it still describes this view. Never compared.
   */
  sql?: string;
  /**
   * What the view uses (tables, views, ...), for the order of operations only:
   * never compared, never rendered.
   */
  dependsOn?: ObjectRef[];
  /**
   * MySQL/MariaDB: the DEFINER, read only when it is not the user kiln connects as
   * (who becomes the DEFINER of what kiln creates). Never compared: autogenerate
   * names it before a revision or its downgrade recreates the object.
   */
  definer?: string;
}

export function viewKind(view: { materialized?: boolean }): "view" | "materialized view" {
  return view.materialized ? "materialized view" : "view";
}

/** The query without the trailing semicolon(s) and surrounding blank space a user or pg_get_viewdef may leave. */
export function viewQuery(text: string): string {
  return text.replace(/[\s;]+$/, "").replace(/^\s*\n/, "");
}

/**
 * True when CREATE OR REPLACE VIEW can turn a view with columns `before` into
 * one with columns `after`: the same columns (names and types) in the same
 * order, new ones only at the end. Unknown columns: false.
 */
export function replaceableColumns(before: readonly ViewColumn[] | undefined, after: readonly ViewColumn[] | undefined): boolean {
  if (!before || !after || after.length < before.length) return false;
  return before.every((c, i) => after[i]!.name === c.name && after[i]!.type === c.type);
}
