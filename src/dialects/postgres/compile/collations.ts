/** Collation operations -> PostgreSQL statements (pure). */
import type { Collation } from "../../../catalog/collations.js";
import { KilnError } from "../../../errors.js";
import type { CollationOperation } from "../../../operations/collations.js";
import type { Statement } from "../../../operations/types.js";
import { quoteLiteral, tableName } from "../sql.js";

export function collationComment(schema: string | undefined, name: string, comment: string | null): Statement {
  return { sql: `COMMENT ON COLLATION ${tableName(schema, name)} IS ${quoteLiteral(comment)}` };
}

/** The CREATE COLLATION options, in pg_dump's order. */
function collationOptions(c: Collation): string[] {
  const where = c.schema ? `${c.schema}.${c.name}` : c.name;
  const options = [`provider = ${c.provider}`];
  if (c.deterministic === false) options.push("deterministic = false");
  if (c.locale !== undefined) {
    if (c.lcCollate !== undefined || c.lcCtype !== undefined) throw new KilnError(`collation ${where}: give either locale or lcCollate and lcCtype, not both.`);
    options.push(`locale = ${quoteLiteral(c.locale)}`);
  } else if (c.lcCollate !== undefined && c.lcCtype !== undefined) {
    if (c.provider !== "libc") throw new KilnError(`collation ${where}: lcCollate and lcCtype are libc's; the ${c.provider} provider takes one locale.`);
    options.push(`lc_collate = ${quoteLiteral(c.lcCollate)}`, `lc_ctype = ${quoteLiteral(c.lcCtype)}`);
  } else throw new KilnError(`collation ${where}: no locale (give locale, or lcCollate and lcCtype for libc).`);
  if (c.rules !== undefined) options.push(`rules = ${quoteLiteral(c.rules)}`);
  return options;
}

export function compileCollationOperation(op: CollationOperation): Statement[] {
  if (op.kind === "dropCollation") return [{ sql: `DROP COLLATION ${tableName(op.schema, op.name)}` }];
  const c = op.collation;
  const statements: Statement[] = [{ sql: `CREATE COLLATION ${tableName(c.schema, c.name)} (${collationOptions(c).join(", ")})` }];
  if (c.comment !== undefined) statements.push(collationComment(c.schema, c.name, c.comment));
  return statements;
}
