/**
 * Grants in models (PostgreSQL), compared only when kiln.config.ts says `grants`:
 *
 *   export const appRead = grant(["select", "insert"], documents, "app_user");
 *   export const appEmail = grant("update", documents, ["app_user", "support"], { columns: ["email"] });
 *   export const appSeq = grant("usage", orderNo, "app_user");          // a sequence() object
 *   export const appSchema = grant("usage", { schema: "app" }, "app_user");
 *   export const byName = grant("select", { view: "active_users", schema: "app" }, "reporting");
 *   export const touchRun = grant("execute", touch, "app_user");          // a func() object, or { function: "touch(integer)" }
 *   export const touchPrivate = revokePublic(touch);                       // REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC
 *
 * PostgreSQL's default EXECUTE for PUBLIC on a function or procedure is not a
 * grant: `grant("execute", fn, "public")` restates it and adds nothing;
 * revokePublic(fn) says it is revoked.
 *
 * `on` is a table, view or sequence of the models, or names the object. kiln does
 * not create roles: the roles must exist.
 */
import { checkedPrivileges, grantObjectFromSpec, type GrantTargetSpec } from "../catalog/grant-spec.js";
import { grantKey, isDefaultGrant, normalizeGrant, type Grant, type GrantObject } from "../catalog/grants.js";
import { type Routine, routineSignature } from "../catalog/routines.js";
import { KilnError } from "../errors.js";
import { OBJECT } from "./brand.js";
import { isColumn } from "./column.js";
import { isTable, tableDefinition, type AnyTable } from "./table.js";
import { isView, viewDefinition } from "./views.js";

export const GRANT = Symbol.for("kiln.schema.grant");

export interface GrantOptions {
  /** Column grant: the columns (names or the table's columns). */
  columns?: (string | { name: string })[];
  withGrantOption?: boolean;
}

export interface GrantObjectModel {
  readonly [GRANT]: Grant[];
}

function objectOf(on: unknown, where: string): GrantObject {
  if (isTable(on as AnyTable)) {
    const d = tableDefinition(on as AnyTable);
    return { kind: "table", ...(d.schema !== undefined ? { schema: d.schema } : {}), name: d.name };
  }
  if (isView(on)) {
    const { view } = viewDefinition(on);
    return { kind: view.materialized ? "materialized view" : "view", ...(view.schema !== undefined ? { schema: view.schema } : {}), name: view.name };
  }
  const branded = (on as { [OBJECT]?: { kind: string; value: { schema?: string; name: string } } } | null)?.[OBJECT];
  if (branded && branded.kind === "routine") {
    const routine = branded.value as Routine;
    return { kind: routine.kind, ...(routine.schema !== undefined ? { schema: routine.schema } : {}), name: routineSignature(routine) };
  }
  if (branded && branded.kind === "sequence") {
    return { kind: "sequence", ...(branded.value.schema !== undefined ? { schema: branded.value.schema } : {}), name: branded.value.name };
  }
  if (typeof on === "object" && on !== null) return grantObjectFromSpec(on as GrantTargetSpec, where);
  throw new KilnError(`${where}: "on" must be a table, view or sequence of the models, or name the object ({ table: "t" }, { schema: "app" }).`);
}

export function grant(privileges: string | string[], on: unknown, to: string | string[], options: GrantOptions = {}): GrantObjectModel {
  const where = `grant(${JSON.stringify(privileges)})`;
  const object = objectOf(on, where);
  const roles = typeof to === "string" ? [to] : to;
  if (!Array.isArray(roles) || roles.length === 0 || roles.some((r) => typeof r !== "string" || r === "")) {
    throw new KilnError(`${where}: "to" must be a role name or a list of them (or "public").`);
  }
  const columns = (options.columns ?? []).map((c) => (typeof c === "string" ? c : isColumn(c) || typeof c?.name === "string" ? c.name : ""));
  if (columns.some((c) => c === "")) throw new KilnError(`${where}: columns must be column names or the table's columns.`);
  const targets: GrantObject[] = columns.length > 0 ? columns.map((column) => ({ ...object, kind: "column", column })) : [object];
  const grants = targets.flatMap((target) => {
    const list = checkedPrivileges(privileges, target, where);
    return roles.map((role) => normalizeGrant({ on: target, grantee: role, privileges: list, ...(options.withGrantOption ? { withGrantOption: list } : {}) }));
  });
  const value = {};
  Object.defineProperty(value, GRANT, { value: grants });
  return value as GrantObjectModel;
}

/**
 * PostgreSQL's default EXECUTE for PUBLIC on a function or procedure, revoked
 * (REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC): `on` is a func() or procedure()
 * of the models, or `{ function: "f(integer)", schema: "app" }`.
 */
export function revokePublic(on: unknown): GrantObjectModel {
  const where = "revokePublic(...)";
  const object = objectOf(on, where);
  if (object.kind !== "function" && object.kind !== "procedure") {
    throw new KilnError(`${where}: PUBLIC holds EXECUTE by default on functions and procedures only; got a ${object.kind}. Other privileges are granted or not (grant(...)).`);
  }
  const value = {};
  Object.defineProperty(value, GRANT, { value: [{ on: object, grantee: "public", privileges: [] } satisfies Grant] });
  return value as GrantObjectModel;
}

function isGrant(value: unknown): value is GrantObjectModel {
  return typeof value === "object" && value !== null && Array.isArray((value as { [GRANT]?: unknown })[GRANT]);
}

/** The grants the modules export, one per object and role (privileges of several grant() calls joined), sorted. */
export function collectGrants(modules: Record<string, unknown>[]): Grant[] | undefined {
  const found = new Map<string, Grant>();
  let any = false;
  for (const module of modules) {
    for (const value of Object.values(module ?? {})) {
      if (!isGrant(value)) continue;
      any = true;
      for (const g of value[GRANT]) {
        const key = grantKey(g);
        const other = found.get(key);
        found.set(
          key,
          other
            ? normalizeGrant({ on: g.on, grantee: g.grantee, privileges: [...other.privileges, ...g.privileges], withGrantOption: [...(other.withGrantOption ?? []), ...(g.withGrantOption ?? [])] })
            : structuredClone(g),
        );
      }
    }
  }
  if (!any) return undefined;
  // A grant that restates PostgreSQL's default (EXECUTE for PUBLIC on a function) is none.
  return [...found.entries()]
    .filter(([, g]) => !isDefaultGrant(g)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}
