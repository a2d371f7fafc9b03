/**
 * Views and materialized views in models (PostgreSQL):
 *
 *   export const activeUsers = view("active_users", sql`SELECT id, name FROM users WHERE active`);
 *   export const userNames = view("user_names", { columns: { id: integer().notNull(), name: text() }, securityBarrier: true },
 *     sql`SELECT id, name FROM users`);            // typed: InferSelect<typeof userNames> is { id: number; name: string | null }
 *   export const totals = materializedView("totals", sql`SELECT user_id, count(*) AS n FROM orders GROUP BY user_id`,
 *     { withNoData: true, indexes: (v) => [uniqueIndex("totals_user_id").on(v.user_id)] });
 *
 * The query is kept exactly as written: a revision creates the view with it,
 * and compare reads it the way PostgreSQL stores it (canonicalize), so a
 * different spelling of the same query is no change. `columns` names the
 * view's columns (CREATE VIEW v (a, b)) and gives the row its TypeScript types.
 */
import type { View as CatalogView, ViewAlgorithm, ViewCheckOption } from "../catalog/views.js";
import { KilnError } from "../errors.js";
import { VIEW } from "./brand.js";
import { Column, type AnyColumn } from "./column.js";
import type { IndexBuilder } from "./constraints.js";
import type { SelectRow } from "./infer.js";
import { isSqlFragment, type SqlFragment } from "./sql.js";
import type { BoundColumns, ColumnBuilders, SchemaOf } from "./table.js";

export interface ViewOptions {
  schema?: string;
  /** WITH LOCAL | CASCADED CHECK OPTION. */
  checkOption?: ViewCheckOption;
  /** WITH (security_barrier = true). */
  securityBarrier?: boolean;
  /** WITH (security_invoker = true), PostgreSQL 15+; MySQL/MariaDB: SQL SECURITY INVOKER. */
  securityInvoker?: boolean;
  /** MySQL/MariaDB: ALGORITHM=MERGE or TEMPTABLE (absent: UNDEFINED). */
  algorithm?: ViewAlgorithm;
  comment?: string;
  /** COMMENT ON COLUMN, by the view's column name. */
  columnComments?: Record<string, string>;
}

/** The columns of a view to index: the declared ones, or any name (`v.user_id`) for a view declared without columns. */
type IndexColumns<C extends ColumnBuilders> = [keyof C] extends [never] ? Record<string, AnyColumn> : BoundColumns<C>;

export interface MaterializedViewOptions<C extends ColumnBuilders = Record<never, never>> {
  schema?: string;
  /** CREATE ... WITH NO DATA: empty (and unreadable) until the first REFRESH. */
  withNoData?: boolean;
  /** Its indexes: `(v) => [uniqueIndex("totals_user_id").on(v.user_id)]` (a unique index on plain columns allows REFRESH ... CONCURRENTLY). */
  indexes?: (columns: IndexColumns<C>) => IndexBuilder[];
  /** The index it is clustered on (ALTER MATERIALIZED VIEW ... CLUSTER ON), by name. */
  clusterOn?: string;
  comment?: string;
  columnComments?: Record<string, string>;
}

/** What modelsToCatalog reads from a view object (behind its brand). */
export interface ViewDefinition {
  readonly view: CatalogView;
  readonly identity: { readonly name: string; readonly schema?: string };
  /** The index builders of a materialized view (computed on first use). */
  indexes(): readonly IndexBuilder[];
}

type AnyRow = Record<string, unknown>;

export type ViewObject<C extends ColumnBuilders = Record<never, never>, N extends string = string, S extends string | undefined = string | undefined> = BoundColumns<C> & {
  /** The view's name (a literal type: `KyselyDatabase` keys the view by it). */
  readonly $name: N;
  /** Its schema, or undefined for the default schema. */
  readonly $schema: S;
  /** Type-only: the row type of SELECT * FROM the view (declare `columns` to type it). */
  readonly $inferSelect: [keyof C] extends [never] ? AnyRow : SelectRow<BoundColumns<C>>;
  readonly [VIEW]: ViewDefinition;
};

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") throw new KilnError(`${what} must be a non-empty string, got ${JSON.stringify(value)}.`);
  return value;
}

function queryText(query: unknown, what: string): string {
  const text = isSqlFragment(query) ? (query as SqlFragment).toSql() : query;
  if (typeof text !== "string" || text.trim() === "") throw new KilnError(`${what}: the query must be sql\`SELECT ...\` or a non-empty string.`);
  return text;
}

type Args<O> = [query: SqlFragment | string, options?: O] | [options: O & { columns: ColumnBuilders }, query: SqlFragment | string];

function define(kind: "view" | "materializedView", name: string, args: Args<ViewOptions | MaterializedViewOptions<any>>): ViewObject<any> {
  const what = `${kind}("${name}")`;
  nonEmpty(name, `${kind}(name)`);
  const [first, second] = args;
  const withColumns = typeof first === "object" && first !== null && !isSqlFragment(first);
  const options = ((withColumns ? first : second) ?? {}) as (ViewOptions & MaterializedViewOptions<any>) & { columns?: ColumnBuilders };
  const definition = queryText(withColumns ? second : first, what);
  if (options.schema !== undefined) nonEmpty(options.schema, `${what}: schema`);
  if (options.checkOption !== undefined && options.checkOption !== "local" && options.checkOption !== "cascaded") {
    throw new KilnError(`${what}: checkOption must be "local" or "cascaded", got ${JSON.stringify(options.checkOption)}.`);
  }
  const identity = Object.freeze({ name, ...(options.schema !== undefined ? { schema: options.schema } : {}) });
  const bound: Record<string, AnyColumn> = {};
  for (const [key, builder] of Object.entries(options.columns ?? {})) {
    if (typeof builder !== "object" || builder === null || typeof (builder as { state?: unknown }).state !== "object") {
      throw new KilnError(`${what}: column "${key}" is not a column; use a column type such as integer() or text().`);
    }
    bound[key] = new Column(key, builder.state, () => identity);
  }
  const view: CatalogView = { ...identity, definition };
  if (kind === "materializedView") view.materialized = true;
  const columnNames = Object.values(bound).map((c) => c.name);
  if (columnNames.length > 0) view.columnNames = columnNames;
  if (options.checkOption !== undefined) view.checkOption = options.checkOption;
  if (options.securityBarrier) view.securityBarrier = true;
  if (options.securityInvoker) view.securityInvoker = true;
  if (options.algorithm !== undefined) {
    if (options.algorithm !== "merge" && options.algorithm !== "temptable") throw new KilnError(`${what}: algorithm must be "merge" or "temptable", got ${JSON.stringify(options.algorithm)}.`);
    view.algorithm = options.algorithm;
  }
  if (kind === "materializedView" && options.withNoData) view.withNoData = true;
  if (kind === "materializedView" && options.clusterOn !== undefined) view.clusterOn = options.clusterOn;
  if (options.comment !== undefined) view.comment = options.comment;
  if (options.columnComments && Object.keys(options.columnComments).length > 0) view.columnComments = { ...options.columnComments };
  if (kind === "view" && options.indexes !== undefined) throw new KilnError(`${what}: only a materialized view has indexes.`);

  // Without declared columns, any name is a column of the view (for its indexes).
  const indexColumns = columnNames.length > 0
    ? bound
    : new Proxy({} as Record<string, AnyColumn>, {
        get: (_target, key) => (typeof key === "string" ? new Column(key, { name: key } as never, () => identity) : undefined),
      });
  let indexes: readonly IndexBuilder[] | undefined;
  const viewDefinition: ViewDefinition = {
    view,
    identity,
    indexes() {
      if (indexes === undefined) {
        const result = options.indexes ? options.indexes(indexColumns) : [];
        if (!Array.isArray(result)) throw new KilnError(`${what}: indexes must return an array, e.g. (v) => [uniqueIndex("name").on(v.id)].`);
        indexes = Object.freeze([...result]);
      }
      return indexes;
    },
  };
  const object = { ...bound, $name: name, $schema: options.schema, [VIEW]: viewDefinition };
  return Object.freeze(object) as unknown as ViewObject<any>;
}

/** CREATE VIEW name AS query. With `{ columns }` first, the view's columns are named and typed. */
export function view<const N extends string, const O extends ViewOptions = {}>(name: N, query: SqlFragment | string, options?: O): ViewObject<Record<never, never>, N, SchemaOf<O>>;
export function view<const N extends string, C extends ColumnBuilders, const O extends ViewOptions = {}>(
  name: N,
  options: O & { columns: C },
  query: SqlFragment | string,
): ViewObject<C, N, SchemaOf<O>>;
export function view(name: string, ...args: Args<ViewOptions>): ViewObject<any> {
  return define("view", name, args);
}

/** CREATE MATERIALIZED VIEW name AS query WITH [NO] DATA, with its indexes. */
export function materializedView<const N extends string, const S extends string | undefined = undefined>(
  name: N,
  query: SqlFragment | string,
  options?: MaterializedViewOptions & { schema?: S },
): ViewObject<Record<never, never>, N, S>;
export function materializedView<const N extends string, C extends ColumnBuilders, const S extends string | undefined = undefined>(
  name: N,
  options: MaterializedViewOptions<C> & { columns: C; schema?: S },
  query: SqlFragment | string,
): ViewObject<C, N, S>;
export function materializedView(name: string, ...args: Args<MaterializedViewOptions<any>>): ViewObject<any> {
  return define("materializedView", name, args);
}

export function isView(value: unknown): value is ViewObject<any> {
  return typeof value === "object" && value !== null && typeof (value as { [VIEW]?: unknown })[VIEW] === "object";
}

export function viewDefinition(value: ViewObject<any>): ViewDefinition {
  return value[VIEW];
}
