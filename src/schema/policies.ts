/**
 * Row-level security policies in models (PostgreSQL):
 *
 *   export const documents = table("documents", { ... }, { rowLevelSecurity: true });   // or "force"
 *   export const tenantIsolation = policy("tenant_isolation", {
 *     table: documents,
 *     command: "all",                     // all | select | insert | update | delete
 *     to: ["app_user"],                   // default: PUBLIC
 *     using: sql`tenant_id = current_setting('app.tenant')::integer`,
 *     withCheck: sql`tenant_id = current_setting('app.tenant')::integer`,
 *     as: "permissive",                   // or "restrictive"
 *   });
 *
 * kiln does not create roles: the roles a policy names must exist.
 */
import type { Policy, PolicyCommand } from "../catalog/policies.js";
import { policyFromSpec } from "../catalog/policy-spec.js";
import { KilnError } from "../errors.js";
import { isSqlFragment, type SqlFragment } from "./sql.js";
import { isTable, tableDefinition, type AnyTable } from "./table.js";

export const POLICY = Symbol.for("kiln.schema.policy");

export interface PolicyOptions {
  /** The table object, or its name (`"documents"`, `"app.documents"`). */
  table: AnyTable | string;
  command?: PolicyCommand;
  /** Role names; `"public"` or left out: every role. */
  to?: string | string[];
  using?: SqlFragment | string;
  withCheck?: SqlFragment | string;
  as?: "permissive" | "restrictive";
  comment?: string;
}

export interface PolicyObject {
  readonly [POLICY]: Policy;
  readonly name: string;
}

function text(value: SqlFragment | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return isSqlFragment(value) ? value.toSql() : value;
}

export function policy(name: string, options: PolicyOptions): PolicyObject {
  const where = `policy("${name}")`;
  if (typeof options !== "object" || options === null) throw new KilnError(`${where}: give the options, at least { table }.`);
  let schema: string | undefined;
  let tableName: string;
  if (isTable(options.table)) {
    const definition = tableDefinition(options.table);
    schema = definition.schema;
    tableName = definition.name;
  } else if (typeof options.table === "string" && options.table !== "") {
    const dot = options.table.indexOf(".");
    schema = dot < 0 ? undefined : options.table.slice(0, dot);
    tableName = dot < 0 ? options.table : options.table.slice(dot + 1);
  } else {
    throw new KilnError(`${where}: table must be a table of the models (or its name), got ${JSON.stringify(options.table)}.`);
  }
  const value = policyFromSpec(
    name,
    tableName,
    {
      ...(schema !== undefined ? { schema } : {}),
      ...(options.command !== undefined ? { command: options.command } : {}),
      ...(options.as !== undefined ? { as: options.as } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...(options.using !== undefined ? { using: text(options.using)! } : {}),
      ...(options.withCheck !== undefined ? { withCheck: text(options.withCheck)! } : {}),
      ...(options.comment !== undefined ? { comment: options.comment } : {}),
    },
    where,
  );
  const object = { name };
  Object.defineProperty(object, POLICY, { value });
  return object as PolicyObject;
}

export function isPolicy(value: unknown): value is PolicyObject {
  return typeof value === "object" && value !== null && typeof (value as { [POLICY]?: unknown })[POLICY] === "object";
}

/** The policies the modules export, sorted by table and name; one name twice on a table with different definitions is refused. */
export function collectPolicies(modules: Record<string, unknown>[]): Policy[] {
  const found = new Map<string, Policy>();
  for (const module of modules) {
    for (const [key, value] of Object.entries(module ?? {})) {
      if (!isPolicy(value)) continue;
      const p = value[POLICY];
      const id = `${p.schema ?? ""}\u0000${p.table}\u0000${p.name}`;
      const other = found.get(id);
      if (other && JSON.stringify(other) !== JSON.stringify(p)) {
        throw new KilnError(`two model policies are both named "${p.name}" on table "${p.schema ? `${p.schema}.` : ""}${p.table}" with different definitions (export "${key}"); declare it once.`);
      }
      found.set(id, structuredClone(p));
    }
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}
