/**
 * Grants (read when the config asks: `grants: true` or a list of roles) ->
 * `export const documentsAppUserGrant = grant(["select", "insert"], documents, "app_user");`.
 * A table or view of the models is named by its export, anything else by a
 * spec (`{ schema: "app" }`, `{ sequence: "s" }`, `{ function: "f(integer)" }`);
 * a column grant says its column; privileges held WITH GRANT OPTION and those
 * without are two grant() calls (the models join them per object and role).
 * PostgreSQL's default EXECUTE for PUBLIC on a function, revoked, is
 * `revokePublic({ function: "f(integer)", schema: "app" })`.
 */
import { grantKey, isRevokedDefault, type Grant, type GrantObject } from "../catalog/grants.js";
import { code, options, str, value } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

/** The key under which PullContext names a grant's export (one per object, column and role). */
export function grantExportKey(g: Grant): { schema?: string; name: string } {
  return { ...(g.on.schema !== undefined ? { schema: g.on.schema } : {}), name: grantKey(g) };
}

/** Words for the export name: `documents_email_app_user`. */
export function grantWords(g: Grant): string {
  return [g.on.kind === "schema" ? `${g.on.name}_schema` : g.on.name.replace(/\(.*$/, ""), g.on.column ?? "", g.grantee].filter(Boolean).join("_");
}

const SPEC_KEY: Record<Exclude<GrantObject["kind"], "schema" | "column">, string> = {
  table: "table",
  view: "view",
  "materialized view": "materializedView",
  sequence: "sequence",
  function: "function",
  procedure: "procedure",
};

/** `on`: the export of a table or view of the models, else the spec naming the object. */
function target(ctx: PullContext, o: GrantObject, d: Declaration): string {
  if (o.kind === "schema") return value({ schema: o.name });
  const exported =
    o.kind === "table" || o.kind === "column"
      ? ctx.table(o.schema, o.name) && ctx.exportName("table", { schema: o.schema, name: o.name })
      : o.kind === "view" || o.kind === "materialized view"
        ? ctx.exportName("view", { schema: o.schema, name: o.name })
        : undefined;
  if (exported) {
    d.uses.add(exported);
    d.eager.add(exported);
    return exported;
  }
  // A column's table that is not pulled (left out by a filter) is named as a table.
  const key = o.kind === "column" ? "table" : SPEC_KEY[o.kind];
  return value({ [key]: o.name, ...(o.schema !== undefined ? { schema: o.schema } : {}) });
}

export function grantDeclaration(ctx: PullContext, g: Grant): Declaration {
  const d = declaration("grant", grantExportKey(g), ctx.exportName("grant", grantExportKey(g))!);
  const on = target(ctx, g.on, d);
  if (isRevokedDefault(g)) {
    d.imports.add("revokePublic");
    d.code = `export const ${d.exportName} = revokePublic(${on});`;
    return d;
  }
  d.imports.add("grant");
  const withOption = new Set(g.withGrantOption ?? []);
  const plain = g.privileges.filter((p) => !withOption.has(p));
  // All held WITH GRANT OPTION: one call.
  const held = g.privileges.filter((p) => withOption.has(p));
  const privileges = (list: string[]) => (list.length === 1 ? str(list[0]!.toLowerCase()) : value(list.map((p) => p.toLowerCase())));
  const columns = g.on.column !== undefined ? { columns: [g.on.column] } : {};
  const calls: string[] = [];
  if (plain.length > 0) calls.push(`grant(${[privileges(plain), on, str(g.grantee), options(columns)].filter(Boolean).join(", ")})`);
  if (held.length > 0) calls.push(`grant(${[privileges(held), on, str(g.grantee), options({ ...columns, withGrantOption: code("true") })].join(", ")})`);
  const second = calls.length > 1 ? `\nexport const ${ctx.exportName("grantOption", grantExportKey(g))!} = ${calls[1]};` : "";
  d.code = `export const ${d.exportName} = ${calls[0]};${second}`;
  return d;
}
