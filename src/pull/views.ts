/**
 * Views and materialized views -> `export const staffList = view("staff_list", sql`...`, { ... });`
 * and `materializedView("x", sql`...`, { withNoData, indexes: (v) => [...] })`.
 * The query is written exactly as the database prints it (pg_get_viewdef).
 */
import type { View } from "../catalog/views.js";
import { code, options, sqlCode, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";
import { indexExtra } from "./tables.js";

export function viewDeclaration(ctx: PullContext, v: View): Declaration {
  const d = declaration("view", v, ctx.exportName("view", v)!);
  d.imports.add("sql");
  const fn = v.materialized ? "materializedView" : "view";
  d.imports.add(fn);
  let indexes: string | undefined;
  if (v.materialized && v.indexes && v.indexes.length > 0) {
    const w = { ctx, table: { schema: v.schema, name: v.name, columns: [], uniques: [], foreignKeys: [], checks: [], indexes: v.indexes }, d, cyclic: new Set<string>(), alias: "v" };
    indexes = `(v) => [${v.indexes.map((ix) => indexExtra(w, ix)).join(", ")}]`;
  }
  const opts = options({
    schema: v.schema,
    checkOption: v.checkOption,
    securityBarrier: v.securityBarrier || undefined,
    securityInvoker: v.securityInvoker || undefined,
    algorithm: v.algorithm,
    withNoData: v.materialized && v.withNoData ? true : undefined,
    indexes: indexes !== undefined ? code(indexes) : undefined,
    clusterOn: v.materialized ? v.clusterOn : undefined,
    comment: v.comment,
    columnComments: v.columnComments && Object.keys(v.columnComments).length > 0 ? v.columnComments : undefined,
  });
  d.code = `export const ${d.exportName} = ${fn}(${[str(v.name), sqlCode(v.definition), ...(opts ? [opts] : [])].join(", ")});`;
  return d;
}
