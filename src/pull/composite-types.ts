/** Composite types -> `export const moneyLine = compositeType("money_line", { amount: "numeric(12,2)" }, { schema, collations, comment });` */
import type { CompositeType } from "../catalog/composite-types.js";
import { options, str, value } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

export function compositeTypeDeclaration(ctx: PullContext, type: CompositeType): Declaration {
  const d = declaration("compositeType", type, ctx.exportName("type", type)!);
  d.imports.add("compositeType");
  const attributes = Object.fromEntries(type.attributes.map((a) => [a.name, a.type]));
  const collated = type.attributes.filter((a) => a.collation !== undefined);
  const opts = options({
    schema: type.schema,
    collations: collated.length > 0 ? Object.fromEntries(collated.map((a) => [a.name, a.collation])) : undefined,
    comment: type.comment,
  });
  d.code = `export const ${d.exportName} = compositeType(${[str(type.name), value(attributes), ...(opts ? [opts] : [])].join(", ")});`;
  return d;
}
