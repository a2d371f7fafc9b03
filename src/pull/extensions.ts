/** Extensions -> `export const pgTrgm = extension("pg_trgm", { schema });` */
import type { Extension } from "../catalog/extensions.js";
import { options, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

export function extensionDeclaration(ctx: PullContext, x: Extension): Declaration {
  const d = declaration("extension", { name: x.name }, ctx.exportName("extension", { name: x.name })!);
  if (x.schema !== undefined) d.schema = x.schema;
  d.imports.add("extension");
  const opts = options({ schema: x.schema });
  d.code = `export const ${d.exportName} = extension(${[str(x.name), ...(opts ? [opts] : [])].join(", ")});`;
  return d;
}
