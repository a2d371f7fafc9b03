/**
 * Nothing lost in silence: before a revision is written, name every object kiln
 * does not model (a view, a trigger) that uses a table the revision drops or
 * changes, and say what becomes of it. The facts come from the database side
 * of the comparison: `Catalog.dependencies` (which object uses which table) and
 * `Table.triggers` (triggers carried verbatim with their table).
 */
import { catalogObjects, describeRef, type ObjectRef, refKey } from "../catalog/objects.js";
import { type Catalog, qualifiedName, type Table } from "../catalog/types.js";
import type { Operation } from "../operations/types.js";
import type { DiffWarning } from "./types.js";

function tableOf(op: Operation): { schema?: string; table: string } | undefined {
  if (op.kind === "createTable" || !("table" in op) || typeof op.table !== "string") return undefined;
  return { schema: op.schema, table: op.table };
}

/** Kinds kiln does not model that use tables (MySQL's procedures and events among them). */
const UNMODELLED_KINDS = new Set(["view", "trigger", "materialized view", "rule", "policy", "function", "procedure", "event"]);

const list = (refs: ObjectRef[]) => refs.map(describeRef).join(", ");

export function unmodelledWarnings(operations: readonly Operation[], database: Catalog): DiffWarning[] {
  const dependencies = database.dependencies ?? [];
  if (dependencies.length === 0) return [];
  const tables = new Map(database.tables.map((t) => [qualifiedName(t), t]));
  const dropped = new Set<string>();
  const changed = new Set<string>();
  for (const op of operations) {
    const target = tableOf(op);
    if (!target) continue;
    const key = qualifiedName({ schema: target.schema, name: target.table });
    if (!tables.has(key)) continue;
    (op.kind === "dropTable" ? dropped : changed).add(key);
  }
  const warnings: DiffWarning[] = [];
  // Only what kiln does not model: a table's foreign keys, say, are compared and recreated by kiln itself.
  const modelled = new Set(catalogObjects(database).map(refKey));
  // The dependents of each table, gathered once (not a pass over every dependency per changed table).
  const dependents = new Map<string, ObjectRef[]>();
  for (const d of dependencies) {
    if (d.referenced.kind !== "table") continue;
    const key = qualifiedName({ schema: d.referenced.schema, name: d.referenced.name });
    if (!dropped.has(key) && !changed.has(key)) continue;
    let list = dependents.get(key);
    if (!list) dependents.set(key, (list = []));
    list.push(d.dependent);
  }
  const users = (key: string) => {
    const seen = new Set<string>();
    return (dependents.get(key) ?? []).filter((ref) => {
      const k = refKey(ref);
      if (!UNMODELLED_KINDS.has(ref.kind) || modelled.has(k) || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  const carried = (table: Table, ref: ObjectRef) => ref.kind === "trigger" && ref.table === table.name && (table.triggers ?? []).some((t) => t.name === ref.name);

  for (const key of [...dropped].sort()) {
    const table = tables.get(key)!;
    const using = users(key);
    const own = using.filter((r) => carried(table, r));
    // A trigger on the table that kiln does not carry (MySQL): it goes with the table and does not come back.
    const lost = using.filter((r) => !carried(table, r) && r.kind === "trigger" && r.table === table.name && r.schema === table.schema);
    const others = using.filter((r) => !carried(table, r) && !lost.includes(r));
    if (own.length > 0) {
      warnings.push({
        kind: "unmanaged",
        message: `Table ${key} is dropped with ${list(own)}, which kiln does not model; the downgrade recreates ${own.length > 1 ? "them" : "it"} from the text the database stored.`,
      });
    }
    if (lost.length > 0) {
      warnings.push({
        kind: "unmanaged",
        message: `Table ${key} is dropped with ${list(lost)}, which kiln does not model: the downgrade recreates the table WITHOUT ${lost.length > 1 ? "them" : "it"}; recreate ${lost.length > 1 ? "them" : "it"} by hand in the downgrade (op.execute()).`,
      });
    }
    if (others.length > 0) {
      warnings.push({
        kind: "unmanaged",
        message: `Table ${key} is dropped while ${list(others)} (not modelled by kiln) still use${others.length > 1 ? "" : "s"} it: ${others.length > 1 ? "they stay and fail" : "it stays and fails"} until the table is back; drop or change ${others.length > 1 ? "them" : "it"} with op.execute() if that is not what you want.`,
      });
    }
  }
  for (const key of [...changed].sort()) {
    if (dropped.has(key)) continue;
    const table = tables.get(key)!;
    const using = users(key);
    if (using.length === 0) continue;
    const own = using.filter((r) => carried(table, r));
    const kept = own.length > 0 ? ` (its ${list(own)} ${own.length > 1 ? "are" : "is"} recreated from the stored text when the table is rebuilt)` : "";
    warnings.push({
      kind: "unmanaged",
      message: `Table ${key} is changed while ${list(using)} (not modelled by kiln) use${using.length > 1 ? "" : "s"} it${kept}; one that names a dropped or renamed column fails afterwards.`,
    });
  }
  return warnings;
}

/**
 * SQLite's STRICT and WITHOUT ROWID are read and created but not changed by a
 * revision (that takes a table rebuild kiln does not write yet): a difference is said, not hidden.
 */
export function tableOptionWarnings(model: readonly Table[], database: readonly Table[]): DiffWarning[] {
  const existing = new Map(database.map((t) => [qualifiedName(t), t]));
  const warnings: DiffWarning[] = [];
  for (const table of model) {
    const other = existing.get(qualifiedName(table));
    if (!other) continue;
    for (const [key, words] of [["strict", "STRICT"], ["withoutRowid", "WITHOUT ROWID"]] as const) {
      const wanted = table.options?.[key] === true;
      if (wanted === (other.options?.[key] === true)) continue;
      warnings.push({
        kind: "manualStep",
        message: `Table ${qualifiedName(table)} is ${wanted ? "" : "not "}${words} in the models but ${wanted ? "not " : ""}in the database; kiln does not change ${words} on an existing table. Recreate the table by hand (op.execute()) to change it.`,
      });
    }
  }
  return warnings;
}
