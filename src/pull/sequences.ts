/** Sequences -> `export const orderNo = sequence("order_no", { schema, as, start, ... });` */
import type { Sequence } from "../catalog/sequences.js";
import { code, options, str } from "./code.js";
import { declaration, type Declaration, type PullContext } from "./context.js";

/** A whole number as source: a number where it is exact, else a bigint literal. */
function whole(text: string | undefined) {
  if (text === undefined) return undefined;
  return code(Number.isSafeInteger(Number(text)) ? text : `${text}n`);
}

export function sequenceDeclaration(ctx: PullContext, s: Sequence): Declaration {
  const d = declaration("sequence", s, ctx.exportName("sequence", s)!);
  d.imports.add("sequence");
  const opts = options({
    schema: s.schema,
    as: s.type,
    start: whole(s.start),
    increment: whole(s.increment),
    minValue: whole(s.min),
    maxValue: whole(s.max),
    cache: whole(s.cache),
    cycle: s.cycle || undefined,
    ownedBy: s.ownedBy ? `${s.ownedBy.table}.${s.ownedBy.column}` : undefined,
    unlogged: s.unlogged || undefined,
    comment: s.comment,
  });
  d.code = `export const ${d.exportName} = sequence(${[str(s.name), ...(opts ? [opts] : [])].join(", ")});`;
  return d;
}
