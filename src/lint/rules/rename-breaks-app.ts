/**
 * rename-breaks-app: renaming or dropping a table or column that exists breaks the
 * application code running against the database (the version deployed now, other
 * services, queued jobs) the moment the migration commits, on every database.
 * A rename followed by a view under the old name (in the same revision) is fine.
 */
import type { DialectName } from "../../dialects/types.js";
import type { Operation, RenameTable } from "../../operations/types.js";
import { columnLabel, opCall, schemaOption, tableLabel } from "../code.js";
import type { Finding } from "../types.js";
import { ALL_DIALECTS, type LintRule } from "./rule.js";

const CONTRACT_LATER = [
  "// expand and contract: first deploy code that no longer uses it; drop it in a later revision, and say so:",
  "// kiln-lint-ignore rename-breaks-app: <release that stopped using it>",
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when a later op.execute creates a view with the table's old name (keeps old code working). */
function keepsOldNameAsView(op: RenameTable, later: readonly Operation[]): boolean {
  const name = `(?:"${escapeRegExp(op.table.replace(/"/g, '""'))}"|\`${escapeRegExp(op.table)}\`|${escapeRegExp(op.table)}\\b)`;
  const schema = op.schema ? `(?:(?:"${escapeRegExp(op.schema)}"|\`${escapeRegExp(op.schema)}\`|${escapeRegExp(op.schema)})\\s*\\.\\s*)` : "(?:[\\w\"`]+\\s*\\.\\s*)?";
  const pattern = new RegExp(`CREATE\\s+(?:OR\\s+REPLACE\\s+)?VIEW\\s+${schema}${name}`, "i");
  return later.some((e) => e.kind === "execute" && pattern.test(e.sql));
}

function quoted(dialect: DialectName, schema: string | undefined, table: string): string {
  if (dialect !== "mysql") return tableLabel({ schema, table });
  const tick = (name: string) => `\`${name.replace(/`/g, "``")}\``;
  return schema ? `${tick(schema)}.${tick(table)}` : tick(table);
}

function renameTableSafeForm(op: RenameTable, dialect: DialectName): string {
  if (dialect === "sqlite") {
    // SQLite views are read-only: old code that writes would still break.
    return [
      "// expand and contract: create the new table, write to both from the app, backfill, switch reads,",
      "// and drop the old table in a later revision once no running code uses it",
    ].join("\n");
  }
  return [
    opCall("renameTable", op.table, op.newName, schemaOption(op)),
    "// keep the old name working until no running code uses it (a simple view is updatable):",
    opCall("execute", `CREATE VIEW ${quoted(dialect, op.schema, op.table)} AS SELECT * FROM ${quoted(dialect, op.schema, op.newName)}`),
    "// then drop the view in a later revision",
  ].join("\n");
}

export const renameBreaksApp: LintRule = {
  id: "rename-breaks-app",
  dialects: ALL_DIALECTS,
  summary: "renameTable / alterColumn { newName } / dropColumn / dropTable of an existing table or column",
  check(op, scope): Finding | undefined {
    const { facts } = scope;
    switch (op.kind) {
      case "renameTable": {
        if (facts.isNewTable(op) || keepsOldNameAsView(op, scope.later)) return undefined;
        return {
          rule: "rename-breaks-app",
          table: tableLabel(op),
          problem: `renaming table ${tableLabel(op)} to ${JSON.stringify(op.newName)} breaks every running query that still names ${tableLabel(op)} the moment the migration commits`,
          safeForm: renameTableSafeForm(op, scope.dialect),
        };
      }
      case "alterColumn": {
        if (op.newName === undefined || op.newName === op.column || facts.isNewColumn(op, op.column)) return undefined;
        return {
          rule: "rename-breaks-app",
          table: tableLabel(op),
          problem: `renaming column ${columnLabel(op, op.column)} to ${JSON.stringify(op.newName)} breaks every running query that reads or writes ${JSON.stringify(op.column)} the moment the migration commits`,
          safeForm: [
            "// expand: add the new column",
            opCall("addColumn", op.table, op.newName, { type: op.existing?.type ?? op.type ?? "<type>" }, schemaOption(op)),
            "// write both columns from the app (or a trigger), backfill in batches, switch reads to the new column;",
            "// contract, in a later revision once no running code uses the old one:",
            opCall("dropColumn", op.table, op.column, schemaOption(op)),
          ].join("\n"),
        };
      }
      case "dropColumn": {
        if (facts.isNewColumn(op, op.column)) return undefined;
        return {
          rule: "rename-breaks-app",
          table: tableLabel(op),
          problem: `dropping column ${columnLabel(op, op.column)} breaks every running query that still selects or inserts it (ORMs often list every column) the moment the migration commits`,
          safeForm: [...CONTRACT_LATER, opCall("dropColumn", op.table, op.column, schemaOption(op))].join("\n"),
        };
      }
      case "dropTable": {
        if (facts.isNewTable(op)) return undefined;
        return {
          rule: "rename-breaks-app",
          table: tableLabel(op),
          problem: `dropping table ${tableLabel(op)} breaks every running query that still uses it the moment the migration commits`,
          safeForm: [...CONTRACT_LATER, opCall("dropTable", op.table, schemaOption(op))].join("\n"),
        };
      }
      default:
        return undefined;
    }
  },
};
