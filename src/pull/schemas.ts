/**
 * Schemas that hold nothing the models declare (only views, functions, or
 * nothing yet) -> `export const hr = schema("hr");`, so the models still
 * create them and `kiln check` does not report them; and schemas with a
 * comment -> `export const hr = schema("hr", { comment: "..." });`.
 */
import type { Catalog } from "../catalog/types.js";
import { schemaComment } from "../catalog/schema-comments.js";
import { options, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

/** The schemas pull declares: those none of the Catalog's objects live in, and those with a comment. */
export function declaredSchemas(catalog: Catalog): string[] {
  const commented = Object.keys(catalog.schemaComments ?? {});
  return [...new Set([...emptySchemas(catalog), ...commented])].sort();
}

/** The Catalog's schemas that none of its objects live in. */
export function emptySchemas(catalog: Catalog): string[] {
  const used = new Set<string>();
  for (const o of [...catalog.tables, ...catalog.enums, ...(catalog.domains ?? []), ...(catalog.collations ?? []), ...(catalog.compositeTypes ?? []), ...(catalog.sequences ?? []), ...(catalog.extensions ?? []), ...(catalog.views ?? []), ...(catalog.routines ?? []), ...(catalog.aggregates ?? [])]) {
    if (o.schema !== undefined) used.add(o.schema);
  }
  return catalog.schemas.filter((s) => !used.has(s));
}

export function schemaDeclaration(ctx: PullContext, name: string): Declaration {
  const d = declaration("schema", { name, schema: name }, ctx.exportName("schema", { name })!);
  d.imports.add("schema");
  const comment = schemaComment(ctx.catalog.schemaComments, name);
  d.code = `export const ${d.exportName} = schema(${str(name)}${comment !== null ? `, ${options({ comment })}` : ""});`;
  return d;
}
