/** Collation operations -> `await op.createCollation(...)` calls of a revision file, and their one-line summaries (pure). */
import type { CollationOperation } from "../operations/collations.js";
import { formatCall, withOptions } from "./format.js";

function at(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

export function renderCollationCall(op: CollationOperation): string[] {
  if (op.kind === "dropCollation") return [formatCall("dropCollation", withOptions([op.name], { schema: op.schema }))];
  const c = op.collation;
  return [
    formatCall("createCollation", [
      c.name,
      Object.fromEntries(
        Object.entries({ schema: c.schema, provider: c.provider, locale: c.locale, lcCollate: c.lcCollate, lcCtype: c.lcCtype, deterministic: c.deterministic, rules: c.rules, comment: c.comment }).filter(
          ([, v]) => v !== undefined,
        ),
      ),
    ]),
  ];
}

export function summarizeCollationOperation(op: CollationOperation): string {
  if (op.kind === "dropCollation") return `- collation ${at(op.schema, op.name)}`;
  const c = op.collation;
  const locale = c.locale ?? `${c.lcCollate}/${c.lcCtype}`;
  return `+ collation ${at(c.schema, c.name)} (${c.provider}, ${locale}${c.deterministic === false ? ", nondeterministic" : ""})`;
}
