/** The object of a grant as revision files and models name it -> catalog/grants.ts's GrantObject, checked. */
import { KilnError } from "../errors.js";
import { GRANT_TARGETS, sortPrivileges, type GrantObject, type GrantObjectKind } from "./grants.js";

/** `{ table: "t", schema: "app" }`, `{ table: "t", column: "email" }`, `{ sequence: "s" }`, `{ view: "v" }`, `{ function: "f(integer)" }`, `{ schema: "app" }`. */
export interface GrantTargetSpec {
  table?: string;
  view?: string;
  materializedView?: string;
  sequence?: string;
  function?: string;
  procedure?: string;
  /** The object's schema; alone: the schema itself (GRANT ... ON SCHEMA). */
  schema?: string;
  /** A column of the table or view: a column grant. */
  column?: string;
}

const NAMED: [keyof GrantTargetSpec, GrantObjectKind][] = [
  ["table", "table"],
  ["view", "view"],
  ["materializedView", "materialized view"],
  ["sequence", "sequence"],
  ["function", "function"],
  ["procedure", "procedure"],
];

export function grantObjectFromSpec(spec: GrantTargetSpec, where: string): GrantObject {
  const named = NAMED.filter(([key]) => spec[key] !== undefined);
  if (named.length > 1) throw new KilnError(`${where}: name one object (table, view, materializedView, sequence, function, procedure or schema), got ${JSON.stringify(spec)}.`);
  if (named.length === 0) {
    if (typeof spec.schema !== "string" || spec.schema === "" || spec.column !== undefined) throw new KilnError(`${where}: name the object, e.g. { table: "users" } or { schema: "app" }.`);
    return { kind: "schema", name: spec.schema };
  }
  const [key, kind] = named[0]!;
  const name = spec[key];
  if (typeof name !== "string" || name === "") throw new KilnError(`${where}: ${key} must be a non-empty string.`);
  const schema = spec.schema !== undefined ? { schema: spec.schema } : {};
  if (spec.column !== undefined) {
    if (kind !== "table" && kind !== "view" && kind !== "materialized view") throw new KilnError(`${where}: a column grant is on a table's or view's column.`);
    return { kind: "column", ...schema, name, column: spec.column };
  }
  return { kind, ...schema, name };
}

export function checkedPrivileges(privileges: string | string[], on: GrantObject, where: string): string[] {
  const list = sortPrivileges(typeof privileges === "string" ? [privileges] : privileges);
  const allowed = GRANT_TARGETS[on.kind].privileges;
  const expanded = list.includes("ALL") ? [...allowed] : list;
  const wrong = expanded.filter((p) => !allowed.includes(p));
  if (expanded.length === 0 || wrong.length > 0) {
    throw new KilnError(`${where}: ${wrong.length > 0 ? `${wrong.join(", ")} is not a privilege of a ${on.kind}` : "no privilege given"}; a ${on.kind} has ${allowed.join(", ")} (or "all").`);
  }
  return sortPrivileges(expanded);
}
