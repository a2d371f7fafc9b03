/**
 * Object references: one way to name any database object (modelled by kiln or
 * not), so that operations, dependency edges from the database (PostgreSQL's
 * pg_depend) and warnings about unmodelled objects talk about the same thing.
 *
 * A new object kind plugs in with one line in `catalogObjects` (what the
 * Catalog holds) and one case in operations/refs.ts (what its operations
 * create, drop and need).
 */
import { impliedOperators, operatorSignature } from "./operators.js";
import { isRevokedDefault } from "./grants.js";
import { aggregateSignature } from "./aggregates.js";
import { routineSignature } from "./routines.js";
import type { Catalog } from "./types.js";
import { viewKind } from "./views.js";

/**
 * Kinds in PostgreSQL's words. Types (enums, domains, composite and range
 * types, base types of extensions) share one kind, as they share one namespace:
 * a column names a type without saying which sort it is.
 */
export type ObjectKind =
  | "schema"
  | "table"
  | "type"
  | "sequence"
  | "extension"
  | "view"
  | "materialized view"
  | "foreign table"
  | "function"
  | "procedure"
  | "aggregate"
  | "trigger"
  | "rule"
  | "policy"
  | "row-level security"
  | "table property"
  | "statistics object"
  | "text search configuration"
  | "text search dictionary"
  | "operator"
  | "operator class"
  | "operator family"
  | "collation"
  | "conversion"
  | "cast"
  | "event trigger"
  | "publication"
  | (string & {});

export interface ObjectRef {
  kind: ObjectKind;
  /** undefined: the default schema (as in the Catalog), or an object that lives in no schema. */
  schema?: string;
  /** The object's name; a function's includes its argument types: `f(integer)`. */
  name: string;
  /** For objects that live on a table (trigger, rule, policy): the table's name, in `schema`. */
  table?: string;
}

/** `dependent` needs `referenced`: the database refuses to drop `referenced` while `dependent` exists. */
export interface Dependency {
  dependent: ObjectRef;
  referenced: ObjectRef;
  /**
   * A view on a table (or view): the columns of `referenced` it uses, where the
   * database records them (PostgreSQL's pg_depend). Absent: the whole relation
   * (a whole-row reference, or a database that does not say).
   */
  columns?: string[];
}

/** Kinds that share one namespace in the database: a key that tells them apart would miss a dependency. */
const KEY_KIND: Record<string, string> = {
  table: "relation",
  view: "relation",
  "materialized view": "relation",
  "foreign table": "relation",
  sequence: "relation",
  // Functions, procedures and aggregates share one namespace (by name and argument types).
  function: "routine",
  procedure: "routine",
  aggregate: "routine",
};

/** A map key for the object: equal for two references to the same object. */
export function refKey(ref: ObjectRef): string {
  const kind = KEY_KIND[ref.kind] ?? ref.kind;
  return `${kind}\u0000${ref.schema ?? ""}\u0000${ref.table ?? ""}\u0000${ref.name}`;
}

/** `view sales.v`, `trigger trg on table t`, `function f(integer)`: for messages. */
export function describeRef(ref: ObjectRef): string {
  const qualified = (name: string) => (ref.schema ? `${ref.schema}.${name}` : name);
  if (ref.kind === "row-level security") return `row-level security on table ${qualified(ref.table ?? ref.name)}`;
  // REPLICA IDENTITY, access method, a column's storage or compression: the name says what it is.
  if (ref.kind === "table property") return `${ref.name} of table ${qualified(ref.table ?? "")}`;
  if (ref.table !== undefined) return `${ref.kind} ${ref.name} on table ${qualified(ref.table)}`;
  return `${ref.kind} ${qualified(ref.name)}`;
}

/**
 * The type a column type string names (`status`, `app.status[]`, `varchar(20)`):
 * arrays and type modifiers left out, schema split off. Built-in types come
 * back too; they match no object kiln creates or drops.
 */
export function typeRef(type: string): ObjectRef {
  const bare = type.replace(/(\[\])+$/, "").replace(/\(.*\)$/, "").trim();
  const dot = bare.lastIndexOf(".");
  return dot < 0 ? { kind: "type", name: bare } : { kind: "type", schema: bare.slice(0, dot), name: bare.slice(dot + 1) };
}

/** Every object a Catalog models, as references (so the rest of the database is what kiln does not model). */
export function catalogObjects(catalog: Catalog): ObjectRef[] {
  return [
    ...catalog.schemas.map((name): ObjectRef => ({ kind: "schema", name })),
    ...catalog.tables.map((t): ObjectRef => ({ kind: "table", ...(t.schema ? { schema: t.schema } : {}), name: t.name })),
    ...catalog.enums.map((e): ObjectRef => ({ kind: "type", ...(e.schema ? { schema: e.schema } : {}), name: e.name })),
    ...[...(catalog.domains ?? []), ...(catalog.compositeTypes ?? [])].map((t): ObjectRef => ({ kind: "type", ...(t.schema ? { schema: t.schema } : {}), name: t.name })),
    ...(catalog.collations ?? []).map((c): ObjectRef => ({ kind: "collation", ...(c.schema ? { schema: c.schema } : {}), name: c.name })),
    ...(catalog.sequences ?? []).map((q): ObjectRef => ({ kind: "sequence", ...(q.schema ? { schema: q.schema } : {}), name: q.name })),
    // Named in the schema its objects live in, as the database's dependency survey names it.
    ...(catalog.extensions ?? []).map((e): ObjectRef => ({ kind: "extension", ...(e.schema ? { schema: e.schema } : {}), name: e.name })),
    ...(catalog.views ?? []).map((v): ObjectRef => ({ kind: viewKind(v), ...(v.schema ? { schema: v.schema } : {}), name: v.name })),
    ...(catalog.policies ?? []).map((p): ObjectRef => ({ kind: "policy", ...(p.schema ? { schema: p.schema } : {}), name: p.name, table: p.table })),
    // Row-level security is a switch on a table; the survey names it after its table.
    ...catalog.tables
      .filter((t) => t.rowLevelSecurity?.enabled)
      .map((t): ObjectRef => ({ kind: "row-level security", ...(t.schema ? { schema: t.schema } : {}), name: t.name, table: t.name })),
    ...(catalog.routines ?? []).map((r): ObjectRef => ({ kind: r.kind, ...(r.schema ? { schema: r.schema } : {}), name: routineSignature(r) })),
    ...(catalog.aggregates ?? []).map((a): ObjectRef => ({ kind: "aggregate", ...(a.schema ? { schema: a.schema } : {}), name: aggregateSignature(a) })),
    ...(catalog.triggers ?? []).map((t): ObjectRef => ({ kind: "trigger", ...(t.schema ? { schema: t.schema } : {}), name: t.name, table: t.table })),
    // An operator, and the commutator and negator it names: PostgreSQL creates those as shells when they do not exist.
    ...(catalog.operators ?? []).flatMap((o) => [o, ...impliedOperators(o)]).map((o): ObjectRef => ({ kind: "operator", ...(o.schema ? { schema: o.schema } : {}), name: operatorSignature(o) })),
    // PostgreSQL's default EXECUTE for PUBLIC, revoked (catalog/grants.ts), as pull's left-out query names it.
    ...(catalog.grants ?? [])
      .filter(isRevokedDefault)
      .map((g): ObjectRef => ({ kind: `EXECUTE revoked from PUBLIC on ${g.on.kind}`, ...(g.on.schema ? { schema: g.on.schema } : {}), name: g.on.name })),
    // Managed grants, named as the survey names a relation's privileges ("table property").
    ...(catalog.grants ?? [])
      .filter((g) => g.on.kind !== "schema" && g.on.kind !== "function" && g.on.kind !== "procedure")
      .map((g): ObjectRef => {
        const role = g.grantee === "public" ? "PUBLIC" : g.grantee;
        const name = g.on.column !== undefined ? `privileges on column ${g.on.column} granted to ${role}` : `privileges granted to ${role}`;
        return { kind: "table property", ...(g.on.schema ? { schema: g.on.schema } : {}), name, table: g.on.name };
      }),
  ];
}
