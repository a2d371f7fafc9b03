/** Collations -> `export const bytewise = collation("bytewise", { schema, provider: "libc", locale: "C" });` */
import type { Collation } from "../catalog/collations.js";
import { options, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

export function collationDeclaration(ctx: PullContext, c: Collation): Declaration {
  const d = declaration("collation", c, ctx.exportName("collation", c)!);
  d.imports.add("collation");
  const opts = options({
    schema: c.schema,
    provider: c.provider,
    locale: c.locale,
    lcCollate: c.lcCollate,
    lcCtype: c.lcCtype,
    deterministic: c.deterministic,
    rules: c.rules,
    comment: c.comment,
  });
  d.code = `export const ${d.exportName} = collation(${str(c.name)}, ${opts});`;
  return d;
}
