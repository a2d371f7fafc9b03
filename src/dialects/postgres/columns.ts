/**
 * Column clauses shared by compile and canonicalize: COLLATE and
 * GENERATED ALWAYS AS (...) STORED|VIRTUAL (pure).
 */
import type { Column } from "../../catalog/types.js";
import { KilnError } from "../../errors.js";
import { quoteIdentifier } from "./sql.js";

/**
 * `COLLATE "C"`. A Catalog collation is a bare name (`C`, `en_US.utf8`,
 * `de-x-icu`: pg_catalog or the default schema), or already SQL when
 * schema-qualified (`"app"."german"`, as introspection writes it).
 */
export function collationSql(collation: string): string {
  const name = collation.trim();
  if (name === "") throw new KilnError("a column collation is empty; give a collation name such as \"C\", or leave it out.");
  return `COLLATE ${/^"(?:[^"]|"")+"\."(?:[^"]|"")+"$/.test(name) ? name : quoteIdentifier(name)}`;
}

/** `GENERATED ALWAYS AS (expr) STORED` or `... VIRTUAL`. */
export function generatedSql(generated: NonNullable<Column["generated"]>, label: string): string {
  if (generated.expression.trim() === "") {
    throw new KilnError(`the generation expression of column ${label} is empty; give SQL text, or make it a plain column.`);
  }
  return `GENERATED ALWAYS AS (${generated.expression}) ${generated.stored ? "STORED" : "VIRTUAL"}`;
}
