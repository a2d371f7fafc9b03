/** Arguments of the view operations in revision files (op.createView(...), ...) -> Operations. */
import type { View, ViewAlgorithm, ViewCheckOption } from "../catalog/views.js";
import { KilnError } from "../errors.js";
import type { CreateMaterializedView, CreateView, RefreshMaterializedView, ReplaceView } from "./views.js";

export interface ViewSpec {
  schema?: string;
  /** Names for the query's columns: CREATE VIEW v (a, b) AS ... */
  columns?: string[];
  checkOption?: ViewCheckOption;
  securityBarrier?: boolean;
  securityInvoker?: boolean;
  /** MySQL/MariaDB: ALGORITHM=MERGE | TEMPTABLE. */
  algorithm?: ViewAlgorithm;
  comment?: string;
  /** COMMENT ON COLUMN, by column name. */
  columnComments?: Record<string, string>;
  /** SQLite, MySQL: the CREATE VIEW text the database kept, used word for word while it still describes this view (downgrades). */
  sql?: string;
}

export interface ReplaceViewSpec extends ViewSpec {
  /** The view as it was (its query and options), so that the step can be reversed. */
  old?: Omit<ViewSpec, "schema"> & { definition: string };
}

export interface MaterializedViewSpec {
  schema?: string;
  columns?: string[];
  /** CREATE ... WITH NO DATA: empty (and unreadable) until the first REFRESH. */
  withNoData?: boolean;
  comment?: string;
  columnComments?: Record<string, string>;
}

export interface RefreshSpec {
  schema?: string;
  /** REFRESH ... CONCURRENTLY: readers are not blocked; the view needs a unique index on plain columns and must be populated. */
  concurrently?: boolean;
  withNoData?: boolean;
}

function definitionText(definition: unknown, what: string): string {
  if (typeof definition !== "string" || definition.trim() === "") throw new KilnError(`${what}: the query must be non-empty SQL text, got ${JSON.stringify(definition)}.`);
  return definition;
}

function viewFrom(name: string, definition: string, spec: ViewSpec & { withNoData?: boolean }, materialized: boolean): View {
  const what = `${materialized ? "createMaterializedView" : "createView"}("${name}")`;
  if (spec.checkOption !== undefined && spec.checkOption !== "local" && spec.checkOption !== "cascaded") {
    throw new KilnError(`${what}: checkOption must be "local" or "cascaded", got ${JSON.stringify(spec.checkOption)}.`);
  }
  const view: View = { name, definition: definitionText(definition, what) };
  if (spec.schema !== undefined) view.schema = spec.schema;
  if (materialized) view.materialized = true;
  if (spec.columns && spec.columns.length > 0) view.columnNames = [...spec.columns];
  if (spec.checkOption !== undefined) view.checkOption = spec.checkOption;
  if (spec.securityBarrier) view.securityBarrier = true;
  if (spec.securityInvoker) view.securityInvoker = true;
  if (spec.algorithm !== undefined) view.algorithm = spec.algorithm;
  if (materialized && spec.withNoData) view.withNoData = true;
  if (spec.comment !== undefined) view.comment = spec.comment;
  if (spec.columnComments && Object.keys(spec.columnComments).length > 0) view.columnComments = { ...spec.columnComments };
  if (!materialized && spec.sql !== undefined) view.sql = spec.sql;
  return view;
}

export function createViewFromSpec(name: string, definition: string, spec: ViewSpec): CreateView {
  return { kind: "createView", view: viewFrom(name, definition, spec, false) };
}

export function replaceViewFromSpec(name: string, definition: string, spec: ReplaceViewSpec): ReplaceView {
  const { old, ...rest } = spec;
  return {
    kind: "replaceView",
    view: viewFrom(name, definition, rest, false),
    ...(old ? { old: viewFrom(name, old.definition, { ...old, schema: spec.schema }, false) } : {}),
  };
}

export function createMaterializedViewFromSpec(name: string, definition: string, spec: MaterializedViewSpec): CreateMaterializedView {
  return { kind: "createMaterializedView", view: viewFrom(name, definition, spec, true) };
}

export function refreshFromSpec(name: string, spec: RefreshSpec): RefreshMaterializedView {
  return {
    kind: "refreshMaterializedView",
    name,
    ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
    ...(spec.concurrently ? { concurrently: true } : {}),
    ...(spec.withNoData ? { withNoData: true } : {}),
  };
}
