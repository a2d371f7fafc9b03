/**
 * Privileges (GRANT) on the objects kiln models, for the roles the config
 * names (`grants` in kiln.config.ts). Roles themselves are not created by kiln.
 *
 * One grant is one (object, grantee) pair with its privileges. What PostgreSQL
 * grants by default is not a grant: EXECUTE for PUBLIC on a function or
 * procedure. Revoked, it is a grant to `public` with no privileges (PUBLIC holds
 * nothing: REVOKE EXECUTE ... FROM PUBLIC), so that it round trips. A kind of
 * object plugs in with one entry in GRANT_TARGETS (how GRANT names it, which
 * privileges it has) and one part in the reader (introspect/grants.ts).
 */

/** Kinds a grant can be on. `column` is a column of a table (or view): `name` is the table, `column` the column. */
export type GrantObjectKind = "table" | "column" | "sequence" | "schema" | "view" | "materialized view" | "function" | "procedure";

export interface GrantObject {
  kind: GrantObjectKind;
  /** The object's schema (undefined: the default schema; a schema grant has none). */
  schema?: string;
  /** The object's name; a function's or procedure's with its argument types: `touch(integer)`. */
  name: string;
  column?: string;
}

export interface Grant {
  on: GrantObject;
  /** A role name, or `public`. */
  grantee: string;
  /** Upper case, in PRIVILEGE_ORDER. */
  privileges: string[];
  /** Those of `privileges` held WITH GRANT OPTION. */
  withGrantOption?: string[];
}

interface GrantTarget {
  /** The word GRANT ... ON <word> uses. */
  keyword: string;
  /** The privileges the object kind has, in the order PostgreSQL prints them. */
  privileges: readonly string[];
}

/** How each kind is named in GRANT, and what it can be granted. */
export const GRANT_TARGETS: Record<GrantObjectKind, GrantTarget> = {
  table: { keyword: "TABLE", privileges: ["INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] },
  view: { keyword: "TABLE", privileges: ["INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] },
  "materialized view": { keyword: "TABLE", privileges: ["SELECT"] },
  column: { keyword: "TABLE", privileges: ["INSERT", "SELECT", "UPDATE", "REFERENCES"] },
  sequence: { keyword: "SEQUENCE", privileges: ["SELECT", "UPDATE", "USAGE"] },
  schema: { keyword: "SCHEMA", privileges: ["USAGE", "CREATE"] },
  function: { keyword: "FUNCTION", privileges: ["EXECUTE"] },
  procedure: { keyword: "PROCEDURE", privileges: ["EXECUTE"] },
};

const ORDER = ["INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "USAGE", "CREATE", "EXECUTE"];

export function sortPrivileges(list: readonly string[]): string[] {
  return [...new Set(list.map((p) => p.toUpperCase()))].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

export function grantObjectLabel(o: GrantObject): string {
  const name = o.kind === "schema" ? o.name : o.schema ? `${o.schema}.${o.name}` : o.name;
  return o.column !== undefined ? `column ${name}.${o.column}` : `${o.kind} ${name}`;
}

/** The key that matches a grant across Catalogs: its object and grantee. */
export function grantKey(g: { on: GrantObject; grantee: string }): string {
  return [g.on.kind, g.on.schema ?? "", g.on.name, g.on.column ?? "", g.grantee].join("\u0000");
}

/** What `grantee` holds on `on` without any GRANT: EXECUTE for PUBLIC on a function or procedure, else nothing. */
export function defaultPrivileges(on: GrantObject, grantee: string): string[] {
  return (on.kind === "function" || on.kind === "procedure") && grantee === "public" ? ["EXECUTE"] : [];
}

/** True when the grant only restates PostgreSQL's default (so it is not one: never listed). */
export function isDefaultGrant(g: Grant): boolean {
  const byDefault = defaultPrivileges(g.on, g.grantee);
  return byDefault.length > 0 && (g.withGrantOption ?? []).length === 0 && g.privileges.length === byDefault.length && byDefault.every((p) => g.privileges.includes(p));
}

/** True for PostgreSQL's default revoked: PUBLIC holds nothing on a function or procedure. */
export function isRevokedDefault(g: Grant): boolean {
  return g.privileges.length === 0 && defaultPrivileges(g.on, g.grantee).length > 0;
}

export function normalizeGrant(g: Grant): Grant {
  const privileges = sortPrivileges(g.privileges);
  const option = sortPrivileges(g.withGrantOption ?? []).filter((p) => privileges.includes(p));
  return { on: { ...g.on }, grantee: g.grantee.toLowerCase() === "public" ? "public" : g.grantee, privileges, ...(option.length > 0 ? { withGrantOption: option } : {}) };
}
