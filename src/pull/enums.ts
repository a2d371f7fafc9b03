/** Enum types -> `export const status = enumType("status", ["draft", "active"], { schema, comment });` */
import type { EnumType } from "../catalog/types.js";
import { options, str, value } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

export function enumDeclaration(ctx: PullContext, e: EnumType): Declaration {
  const d = declaration("enum", e, ctx.exportName("type", e)!);
  d.imports.add("enumType");
  const opts = options({ schema: e.schema, comment: e.comment });
  d.code = `export const ${d.exportName} = enumType(${[str(e.name), value(e.values), ...(opts ? [opts] : [])].join(", ")});`;
  return d;
}
