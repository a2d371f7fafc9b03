/**
 * Compare views and materialized views (catalog/views.ts).
 *
 * A view whose query (compared through its canonical form: PostgreSQL's own
 * spelling), options or column comments changed is replaced in place (CREATE OR
 * REPLACE VIEW) when PostgreSQL allows it both ways (upgrade and downgrade): the
 * same columns, names and types, in the same order. Otherwise (new columns at
 * the end too: CREATE OR REPLACE could add them but the downgrade could not
 * remove them), and for a
 * materialized view, it is dropped and created again, together with the
 * modelled views that depend on it (PostgreSQL refuses to drop a view in use):
 * the dependency order (dependency-order.ts) drops dependents first and
 * creates them last, from the database's pg_depend and the queries' mentions.
 */
import { type Dependency, type ObjectRef, refKey } from "../../catalog/objects.js";
import { operatorSignature } from "../../catalog/operators.js";
import type { Catalog } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import { sameText } from "../../catalog/exact-text.js";
import { replaceableColumns, viewKind, type View } from "../../catalog/views.js";
import type { Operation } from "../../operations/types.js";
import { sameIndex } from "../equality.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function selfRef(view: View): ObjectRef {
  return { kind: viewKind(view), ...inSchema(view.schema), name: view.name };
}

const WORD = /[\p{L}\p{N}_$]/u;

/** True when `name` occurs in `text` as a word of its own (case-insensitively); errs towards yes. */
function mentions(text: string, name: string): boolean {
  const haystack = text.toLowerCase();
  const needle = name.toLowerCase();
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = at > 0 ? haystack[at - 1]! : "";
    const after = haystack[at + needle.length] ?? "";
    if (!WORD.test(before) && !WORD.test(after)) return true;
  }
  return false;
}

/** What a model view uses, as far as its query shows: the modelled tables and views it names. */
function modelDependsOn(view: View, model: Catalog): ObjectRef[] {
  const relations: ObjectRef[] = [
    ...model.tables.map((t): ObjectRef => ({ kind: "table", ...inSchema(t.schema), name: t.name })),
    ...(model.views ?? []).filter((v) => v !== view).map(selfRef),
  ];
  return relations.filter((r) => !(r.name === view.name && r.schema === view.schema) && mentions(view.definition, r.name));
}

/** What a database view uses: pg_depend. */
function databaseDependsOn(view: View, dependencies: readonly Dependency[]): ObjectRef[] {
  const key = refKey(selfRef(view));
  return dependencies.filter((d) => refKey(d.dependent) === key).map((d) => d.referenced);
}

function sameOptions(a: View, b: View): boolean {
  return (
    (a.checkOption ?? null) === (b.checkOption ?? null) &&
    !!a.securityBarrier === !!b.securityBarrier &&
    !!a.securityInvoker === !!b.securityInvoker &&
    (a.algorithm ?? null) === (b.algorithm ?? null)
  );
}

function sameComments(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const left = Object.entries(a ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const right = Object.entries(b ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify(left) === JSON.stringify(right);
}

function createOp(view: View): Operation {
  return view.materialized ? { kind: "createMaterializedView", view } : { kind: "createView", view };
}

function dropOp(view: View): Operation {
  return { kind: view.materialized ? "dropMaterializedView" : "dropView", ...inSchema(view.schema), name: view.name, old: view };
}

export function compareViews(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const dependencies = database.dependencies ?? [];
  const modelViews = (model.views ?? []).map((v) => ({ ...structuredClone(v), dependsOn: modelDependsOn(v, model) })).sort(byName(qualifiedName));
  const databaseViews = (database.views ?? []).map((v) => ({ ...structuredClone(v), dependsOn: databaseDependsOn(v, dependencies) })).sort(byName(qualifiedName));
  if (modelViews.length === 0 && databaseViews.length === 0) return;
  const inModel = new Map(modelViews.map((v) => [qualifiedName(v), v]));
  const inDatabase = new Map(databaseViews.map((v) => [qualifiedName(v), v]));

  const rebuild = new Set<string>();
  const replace = new Set<string>();
  for (const wanted of modelViews) {
    const key = qualifiedName(wanted);
    const existing = inDatabase.get(key);
    if (!existing) continue;
    const sameKind = !!wanted.materialized === !!existing.materialized;
    const sameQuery = sameKind && sameText(wanted, existing, "definition");
    if (sameQuery && sameOptions(wanted, existing) && sameComments(wanted.columnComments, existing.columnComments)) continue;
    // New columns at the end would be replaceable too, but not back: the downgrade's CREATE OR REPLACE
    // cannot drop them. Only the same columns are replaced in place; the rest is rebuilt.
    const sameColumns = diff.viewsReplacedWhole === true || (replaceableColumns(existing.columns, wanted.columns) && wanted.columns!.length === existing.columns!.length);
    if (sameKind && !wanted.materialized && (sameQuery || sameColumns)) replace.add(key);
    else rebuild.add(key);
  }

  // A view rebuilt takes the modelled views that use it along (dropped first, created after it).
  const users = viewUsers(dependencies, ["view", "materialized view"]);
  for (const user of closure([...rebuild], users, (key) => inModel.has(key) && inDatabase.has(key))) {
    rebuild.add(user);
    replace.delete(user);
  }

  for (const existing of databaseViews) {
    const key = qualifiedName(existing);
    if (!inModel.has(key) || rebuild.has(key)) diff.add("dropViews", dropOp(existing));
  }
  for (const wanted of modelViews) {
    const key = qualifiedName(wanted);
    const existing = inDatabase.get(key);
    if (!existing || rebuild.has(key)) {
      diff.add("createViews", createOp(wanted));
      continue;
    }
    if (replace.has(key)) {
      diff.add("createViews", { kind: "replaceView", view: wanted, old: existing });
      continue;
    }
    if ((wanted.comment ?? null) !== (existing.comment ?? null)) {
      diff.add("createViews", { kind: "setComment", target: viewKind(wanted), ...inSchema(wanted.schema), name: wanted.name, comment: wanted.comment ?? null, existing: existing.comment ?? null });
    }
    if (wanted.materialized) compareViewIndexes(wanted, existing, diff);
  }
}

const VIEW_KINDS = new Set(["view", "materialized view"]);

/** Relation key -> the keys of the views that use it (pg_depend), for the referenced kinds given. */
function viewUsers(dependencies: readonly Dependency[], referencedKinds: string[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const d of dependencies) {
    if (!VIEW_KINDS.has(d.dependent.kind) || !referencedKinds.includes(d.referenced.kind)) continue;
    const referenced = qualifiedName(d.referenced);
    users.set(referenced, [...(users.get(referenced) ?? []), qualifiedName(d.dependent)]);
  }
  return users;
}

/** Every view that uses one of `start` (directly or through other views), among those `keep` accepts. */
function closure(start: string[], users: Map<string, string[]>, keep: (key: string) => boolean): Set<string> {
  const found = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    for (const user of users.get(queue.pop()!) ?? []) {
      if (found.has(user) || start.includes(user) || !keep(user)) continue;
      found.add(user);
      queue.push(user);
    }
  }
  return found;
}

/**
 * What the operation changes in a way PostgreSQL refuses under a view that uses
 * it: a column's type or collation, or its drop (the table and the column), or
 * the operator it drops (dropped and created again when its function or
 * commutator changes: compare/operators.ts).
 */
function changeUnderViews(op: Operation, viewsKeepAlteredColumns: boolean): { relation: string; column?: string } | undefined {
  if (op.kind === "alterColumn" && !viewsKeepAlteredColumns && (op.type !== undefined || op.collation !== undefined)) {
    return { relation: qualifiedName({ schema: op.schema, name: op.table }), column: op.column };
  }
  if (op.kind === "dropColumn") return { relation: qualifiedName({ schema: op.schema, name: op.table }), column: op.column };
  if (op.kind === "dropOperator") return { relation: qualifiedName({ schema: op.schema, name: operatorSignature(op) }) };
  return undefined;
}

/**
 * PostgreSQL refuses to change the type of a column a view uses ("cannot alter
 * type of a column used by a view or rule") or to drop it: the modelled views
 * that use such a column (and the views on those) are dropped before and
 * created again after, as the models say. Which columns a view uses comes from
 * the database (Dependency.columns, pg_depend's column-level rows); where it
 * does not say, every view on the table goes round. So do the views on an
 * operator the revision drops (and creates again: compare/operators.ts).
 * `viewsKeepAlteredColumns` (MySQL: a view is its text, read again when used): only a dropped column does.
 */
export function rebuildViewsOverChangedColumns(
  operations: readonly Operation[],
  model: Catalog,
  database: Catalog,
  add: (phase: "dropViews" | "createViews", op: Operation) => void,
  viewsKeepAlteredColumns = false,
): void {
  const changes = operations.map((op) => changeUnderViews(op, viewsKeepAlteredColumns)).filter((c) => c !== undefined);
  if (changes.length === 0 || !database.views?.length || !model.views?.length) return;
  const handled = new Set(
    operations.flatMap((op) => (op.kind === "dropView" || op.kind === "dropMaterializedView" ? [qualifiedName(op)] : op.kind === "replaceView" ? [qualifiedName(op.view)] : [])),
  );
  const inModel = new Map(model.views.map((v) => [qualifiedName(v), v]));
  const inDatabase = new Map(database.views.map((v) => [qualifiedName(v), v]));
  const keep = (key: string) => inModel.has(key) && inDatabase.has(key) && !handled.has(key);
  const dependencies = database.dependencies ?? [];
  const users = viewUsers(dependencies, ["table", "view", "materialized view", "operator"]);
  // Relation -> its changed columns (null: the relation itself, an operator).
  const changed = new Map<string, Set<string> | null>();
  for (const c of changes) {
    const columns = changed.get(c.relation);
    if (c.column === undefined) changed.set(c.relation, null);
    else if (columns !== null) changed.set(c.relation, (columns ?? new Set<string>()).add(c.column));
  }
  // The views that use what changes, then the views on those.
  const direct = new Set<string>();
  for (const d of dependencies) {
    if (!VIEW_KINDS.has(d.dependent.kind)) continue;
    const columns = changed.get(qualifiedName(d.referenced));
    if (columns === undefined || !keep(qualifiedName(d.dependent))) continue;
    if (columns === null || d.columns === undefined || d.columns.some((c) => columns.has(c))) direct.add(qualifiedName(d.dependent));
  }
  const rebuilt = new Set([...direct, ...closure([...direct], users, keep)]);
  for (const key of [...rebuilt].sort()) {
    const wanted = inModel.get(key)!;
    add("dropViews", dropOp(inDatabase.get(key)!));
    add("createViews", createOp({ ...structuredClone(wanted), dependsOn: modelDependsOn(wanted, model) }));
  }
}

/**
 * Indexes of a materialized view kept as it is: dropped and created by name, as a
 * table's; a new index it is clustered on clusters it, a dropped one remembers it.
 */
function compareViewIndexes(wanted: View, existing: View, diff: ObjectDiff): void {
  const ref = { ...inSchema(wanted.schema), table: wanted.name };
  const existingByName = new Map((existing.indexes ?? []).map((i) => [i.name ?? "", i]));
  const wantedByName = new Map((wanted.indexes ?? []).map((i) => [i.name ?? "", i]));
  const created = new Set<string>();
  const dropped = new Set<string>();
  for (const index of existing.indexes ?? []) {
    const other = wantedByName.get(index.name ?? "");
    if (other && sameIndex(other, index)) continue;
    dropped.add(index.name ?? "");
    diff.add("dropViews", { kind: "dropIndex", ...ref, name: index.name ?? "", old: { ...index, name: index.name ?? "" }, ...(existing.clusterOn === index.name ? { clustered: true } : {}) });
  }
  for (const index of wanted.indexes ?? []) {
    const other = existingByName.get(index.name ?? "");
    if (other && sameIndex(index, other)) continue;
    created.add(index.name ?? "");
    diff.add("createViews", { kind: "createIndex", ...ref, index: { ...index, name: index.name ?? "" }, ...(wanted.clusterOn === index.name ? { clusterOn: true } : {}) });
  }
  // The clustering index, where no createIndex above says it.
  const want = wanted.clusterOn ?? null;
  const present = existing.clusterOn !== undefined && !dropped.has(existing.clusterOn) ? existing.clusterOn : null;
  if (want !== present && !(want !== null && created.has(want))) diff.add("createViews", { kind: "setClusterOn", ...ref, index: want, existing: present });
}

/**
 * The views over `tables` (and the views on those), as drops to run before a
 * column change PostgreSQL refuses under a view and creates to run after, in an
 * order PostgreSQL accepts: users dropped before what they use, created after
 * it. For reversals written as one list (the downgrade of an enum's added value
 * goes through text): what comes back is the database's views, as they were
 * before the revision; their users are read from the database's pg_depend.
 */
export function viewsAroundColumnChanges(tables: readonly string[], database: Catalog): { drops: Operation[]; creates: Operation[] } {
  if (tables.length === 0 || !database.views?.length) return { drops: [], creates: [] };
  const dependencies = database.dependencies ?? [];
  const inDatabase = new Map(database.views.map((v) => [qualifiedName(v), v]));
  const users = viewUsers(dependencies, ["table", "view", "materialized view"]);
  const rebuilt = closure([...tables], users, (key) => inDatabase.has(key));
  // Creation order: a view after the rebuilt views it uses.
  const order: string[] = [];
  const pending = [...rebuilt].sort();
  while (pending.length > 0) {
    const next = pending.findIndex((key) => !pending.some((other) => other !== key && (users.get(other) ?? []).includes(key)));
    order.push(...pending.splice(next === -1 ? 0 : next, 1));
  }
  const views = order.map((key) => ({ ...structuredClone(inDatabase.get(key)!), dependsOn: databaseDependsOn(inDatabase.get(key)!, dependencies) }));
  return { drops: [...views].reverse().map(dropOp), creates: views.map(createOp) };
}
