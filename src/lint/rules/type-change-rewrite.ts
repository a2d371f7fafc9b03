/**
 * type-change-rewrite: ALTER COLUMN ... TYPE rewrites the table and rebuilds its
 * indexes under ACCESS EXCLUSIVE, except for binary-coercible widenings.
 */
import type { AlterColumn } from "../../operations/types.js";
import { columnLabel, opCall, schemaOption, tableLabel } from "../code.js";
import { trivialUsing, typeChangeRewrite } from "../type-change.js";
import type { Finding } from "../types.js";
import { type LintRule, POSTGRES_ONLY } from "./rule.js";

/** Why the change rewrites the table, or undefined when it does not. */
function rewriteReason(op: AlterColumn & { type: string }): string | undefined {
  const from = op.existing?.type;
  if (op.using !== undefined && !trivialUsing(op.using, op.column, op.type)) {
    return `the USING expression ${JSON.stringify(op.using)} computes a new value for every row`;
  }
  if (from === undefined) {
    return `kiln cannot tell whether the change to ${op.type} is binary coercible because the revision does not give the old type (add \`existing: { type: "..." }\`), and most type changes rewrite`;
  }
  return typeChangeRewrite(from, op.type);
}

export const typeChangeRewriteRule: LintRule = {
  id: "type-change-rewrite",
  dialects: POSTGRES_ONLY,
  summary: "alterColumn { type } that rewrites the table (anything but binary-coercible widenings)",
  check(op, scope): Finding | undefined {
    if (op.kind !== "alterColumn" || op.type === undefined || scope.facts.isNewTable(op)) return undefined;
    const reason = rewriteReason(op as AlterColumn & { type: string });
    if (reason === undefined) return undefined;
    const temporary = `${op.newName ?? op.column}_new`;
    return {
      rule: "type-change-rewrite",
      table: tableLabel(op),
      problem: `changing the type of ${columnLabel(op, op.column)} rewrites table ${tableLabel(op)} and rebuilds its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait until it finishes): ${reason}`,
      safeForm: [
        "// expand: a new column next to the old one",
        opCall("addColumn", op.table, temporary, { type: op.type }, schemaOption(op)),
        "// write both columns from the app (or a trigger), backfill old rows in small batches, switch reads to the new column;",
        "// contract, in a later revision once no running code uses the old column:",
        opCall("dropColumn", op.table, op.column, schemaOption(op)),
        "// (keep the new name: renaming it back would break the running code once more)",
      ].join("\n"),
    };
  },
};
