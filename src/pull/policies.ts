/** Row-level security policies -> `export const tenantIsolation = policy("tenant_isolation", { table: documents, ... });` */
import type { Policy } from "../catalog/policies.js";
import { code, options, sqlCode, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

export function policyDeclaration(ctx: PullContext, p: Policy): Declaration {
  const d = declaration("policy", { schema: p.schema, name: `${p.table}.${p.name}` }, ctx.exportName("policy", { schema: p.schema, name: `${p.table}.${p.name}` })!);
  d.imports.add("policy");
  const table = ctx.table(p.schema, p.table);
  const tableExport = table ? ctx.exportName("table", table) : undefined;
  if (tableExport) {
    d.uses.add(tableExport);
    d.eager.add(tableExport);
  }
  if (p.using !== undefined || p.withCheck !== undefined) d.imports.add("sql");
  const roles = p.roles ?? [];
  const opts = options({
    table: tableExport !== undefined ? code(tableExport) : p.schema ? `${p.schema}.${p.table}` : p.table,
    command: p.command,
    to: roles.length === 0 ? undefined : roles.length === 1 ? roles[0] : roles,
    using: p.using !== undefined ? code(sqlCode(p.using)) : undefined,
    withCheck: p.withCheck !== undefined ? code(sqlCode(p.withCheck)) : undefined,
    as: p.restrictive ? "restrictive" : undefined,
    comment: p.comment,
  });
  d.code = `export const ${d.exportName} = policy(${str(p.name)}, ${opts});`;
  return d;
}
