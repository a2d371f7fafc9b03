/**
 * View and materialized view operations (catalog/views.ts): their types, what
 * each creates, drops and needs (for the dependency order), their reverse and
 * description. Compile: dialects/postgres/compile/views.ts; render:
 * autogenerate/render-views.ts.
 */
import { type ObjectRef } from "../catalog/objects.js";
import { viewKind, type View } from "../catalog/views.js";
import type { OperationRefs } from "./refs.js";
import type { Operation } from "./types.js";

export interface CreateView {
  kind: "createView";
  view: View;
}

/** CREATE OR REPLACE VIEW: the same columns (new ones only at the end). */
export interface ReplaceView {
  kind: "replaceView";
  view: View;
  /** The view before, for reversal. */
  old?: View;
}

export interface DropView {
  kind: "dropView";
  schema?: string;
  name: string;
  old?: View;
}

export interface CreateMaterializedView {
  kind: "createMaterializedView";
  /** With its indexes (created after it) and comment. */
  view: View;
}

export interface DropMaterializedView {
  kind: "dropMaterializedView";
  schema?: string;
  name: string;
  old?: View;
}

/** REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH NO DATA]: data only, nothing to undo. */
export interface RefreshMaterializedView {
  kind: "refreshMaterializedView";
  schema?: string;
  name: string;
  /** CONCURRENTLY: readers are not blocked; needs a unique index on plain columns and a populated view. */
  concurrently?: boolean;
  /** WITH NO DATA: empties the view (unreadable until the next refresh). */
  withNoData?: boolean;
}

export type ViewOperation = CreateView | ReplaceView | DropView | CreateMaterializedView | DropMaterializedView | RefreshMaterializedView;

export const VIEW_OPERATION_KINDS = ["createView", "replaceView", "dropView", "createMaterializedView", "dropMaterializedView", "refreshMaterializedView"] as const;

const KINDS: ReadonlySet<string> = new Set(VIEW_OPERATION_KINDS);

export function isViewOperation(op: { kind: string }): op is ViewOperation {
  return KINDS.has(op.kind);
}

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function label(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

export function describeViewOperation(op: ViewOperation): string {
  switch (op.kind) {
    case "createView":
    case "replaceView":
    case "createMaterializedView":
      return `${op.kind} ${label(op.view.schema, op.view.name)}`;
    case "dropView":
    case "dropMaterializedView":
    case "refreshMaterializedView":
      return `${op.kind} ${label(op.schema, op.name)}`;
  }
}

/** The view without what only the operation it came from needs (canonical forms stay: they are for comparing). */
function withName(view: View, schema: string | undefined, name: string): View {
  const copy: View = { ...view, name };
  if (schema !== undefined) copy.schema = schema;
  else delete copy.schema;
  return copy;
}

/** Thrown by reverse.ts's NotReversibleError; passed in to keep this module free of a cycle. */
type Refuse = (op: Operation, reason: string) => never;

export function reverseViewOperation(op: ViewOperation, refuse: Refuse): Operation[] {
  switch (op.kind) {
    case "createView":
      return [{ kind: "dropView", ...inSchema(op.view.schema), name: op.view.name, old: op.view }];
    case "dropView":
      if (!op.old) refuse(op, "the old view definition is unknown");
      return [{ kind: "createView", view: withName(op.old, op.schema, op.name) }];
    case "replaceView":
      if (!op.old) refuse(op, "the old view definition is unknown");
      return [{ kind: "replaceView", view: withName(op.old, op.view.schema, op.view.name), old: op.view }];
    case "createMaterializedView":
      return [{ kind: "dropMaterializedView", ...inSchema(op.view.schema), name: op.view.name, old: op.view }];
    case "dropMaterializedView":
      if (!op.old) refuse(op, "the old materialized view definition is unknown");
      return [{ kind: "createMaterializedView", view: withName(op.old, op.schema, op.name) }];
    case "refreshMaterializedView":
      // Only the rows change: the downgrade has nothing to undo.
      return [];
  }
}

function selfRef(view: { materialized?: boolean }, schema: string | undefined, name: string): ObjectRef {
  return { kind: viewKind(view), ...inSchema(schema), name };
}

export function viewOperationRefs(op: ViewOperation, refs: OperationRefs): void {
  switch (op.kind) {
    case "createView":
    case "createMaterializedView":
      refs.creates.push(selfRef(op.view, op.view.schema, op.view.name));
      if (op.view.schema !== undefined) refs.needs.push({ kind: "schema", name: op.view.schema });
      refs.needs.push(...(op.view.dependsOn ?? []));
      break;
    case "replaceView": {
      const self = selfRef(op.view, op.view.schema, op.view.name);
      refs.needs.push(self, ...(op.view.dependsOn ?? []));
      refs.alters.push(self);
      break;
    }
    case "dropView":
    case "dropMaterializedView":
      refs.drops.push(selfRef({ materialized: op.kind === "dropMaterializedView" }, op.schema, op.name));
      // What it used is not a need here: that may be rebuilt in the same revision (dropped, then
      // created), and the view must go before both. The database's own dependencies (pg_depend)
      // put the drop before the drops of what the view uses.
      break;
    case "refreshMaterializedView":
      refs.needs.push(selfRef({ materialized: true }, op.schema, op.name));
      break;
  }
}
