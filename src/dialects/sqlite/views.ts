/**
 * Views on SQLite (catalog/views.ts): read from the CREATE VIEW text SQLite
 * keeps in sqlite_schema, written back in the same layout, so a view kiln
 * creates reads back exactly as the models wrote it.
 *
 * SQLite stores the statement as written (less `IF NOT EXISTS`, `TEMP` and a
 * schema qualifier), so the query needs no asking: `definition` is the text
 * after `AS` (one space after it dropped; a line break kept), and compare
 * reads it with the blank space and semicolons at its ends left out, and with
 * the column names of `CREATE VIEW v (a, b)` in front.
 */
import { setCanonical } from "../../catalog/exact-text.js";
import { viewQuery, type View } from "../../catalog/views.js";
import { KilnError } from "../../errors.js";
import type { ViewOperation } from "../../operations/views.js";
import type { Statement } from "../../operations/types.js";
import { isDefaultSchema, quoteIdentifier, tableName } from "./quote.js";
import { inSchema } from "./triggers.js";
import { identifierName, isKeyword, matchingParen, splitTopLevel, tokenize } from "./tokens.js";

/** The view a stored `CREATE VIEW` text describes, or undefined when the text is not one kiln can read. */
export function parseSqliteView(sql: string, schema: string | undefined): View | undefined {
  const tokens = tokenize(sql);
  let i = 0;
  if (!isKeyword(tokens[i], "CREATE")) return undefined;
  i++;
  if (isKeyword(tokens[i], "TEMP") || isKeyword(tokens[i], "TEMPORARY")) i++;
  if (!isKeyword(tokens[i], "VIEW")) return undefined;
  i++;
  if (isKeyword(tokens[i], "IF") && isKeyword(tokens[i + 1], "NOT") && isKeyword(tokens[i + 2], "EXISTS")) i += 3;
  let nameToken = tokens[i];
  if (tokens[i + 1]?.text === ".") {
    nameToken = tokens[i + 2];
    i += 2;
  }
  if (!nameToken || (nameToken.kind !== "word" && nameToken.kind !== "quoted")) return undefined;
  i++;
  let columnNames: string[] | undefined;
  if (tokens[i]?.text === "(") {
    const close = matchingParen(tokens, i);
    columnNames = splitTopLevel(tokens, i + 1, close).map((part) => identifierName(part[0]!));
    i = close + 1;
  }
  if (!isKeyword(tokens[i], "AS")) return undefined;
  const rest = sql.slice(tokens[i]!.end);
  const definition = rest.startsWith(" ") && !/^\s/.test(rest.slice(1)) ? rest.slice(1) : rest;
  const view: View = { ...(schema !== undefined ? { schema } : {}), name: identifierName(nameToken), definition };
  if (columnNames && columnNames.length > 0) view.columnNames = columnNames;
  view.sql = sql;
  spellSqliteView(view);
  return view;
}

/** What compare reads: `(a, b) query` with the query's surrounding blank space left out. */
export function spellSqliteView(view: View): void {
  const columns = view.columnNames && view.columnNames.length > 0 ? `(${view.columnNames.join(", ")}) ` : "";
  setCanonical(view, "definition", `${columns}${viewQuery(view.definition).trim()}`);
}

/** Model views as SQLite keeps them: what it cannot hold is refused by compile, named. */
export function canonicalSqliteView(view: View): View {
  const out = structuredClone(view);
  delete out.canonical;
  // SQLite has no comments (tables' are left out alike).
  delete out.comment;
  delete out.columnComments;
  if (isDefaultSchema(out.schema)) delete out.schema;
  spellSqliteView(out);
  return out;
}

/** CREATE VIEW: the text the database stored while it still says this view, else kiln's layout. */
function createViewSql(view: View): string {
  if (view.sql !== undefined) {
    const stored = parseSqliteView(view.sql, view.schema);
    const canonical = (v: View) => v.canonical?.definition ?? v.definition;
    const wanted = structuredClone(view);
    spellSqliteView(wanted);
    if (stored && stored.name.toLowerCase() === view.name.toLowerCase() && canonical(stored) === canonical(wanted)) return inSchema(view.sql, view.schema, view.name);
  }
  return kilnViewSql(view);
}

function kilnViewSql(view: View): string {
  const what = `view ${view.name}`;
  if (view.materialized) throw new KilnError(`${what}: SQLite has no materialized views; declare it with view(), or keep a table filled by triggers.`);
  if (view.checkOption !== undefined || view.securityBarrier || view.securityInvoker) {
    throw new KilnError(`${what}: SQLite views have no CHECK OPTION, security_barrier or security_invoker; leave those options out for SQLite.`);
  }
  if (viewQuery(view.definition).trim() === "") throw new KilnError(`${what}: the query is empty.`);
  const columns = view.columnNames && view.columnNames.length > 0 ? ` (${view.columnNames.map(quoteIdentifier).join(", ")})` : "";
  return `CREATE VIEW ${tableName(view.schema, view.name)}${columns} AS${/^\s/.test(view.definition) ? "" : " "}${view.definition}`;
}

/** createView / replaceView / dropView on SQLite (no CREATE OR REPLACE: a replace drops and creates). */
export function compileSqliteView(op: ViewOperation): Statement[] {
  switch (op.kind) {
    case "createView":
    case "createMaterializedView":
      return [{ sql: createViewSql(op.view) }];
    case "replaceView":
      return [{ sql: `DROP VIEW ${tableName(op.view.schema, op.view.name)}` }, { sql: createViewSql(op.view) }];
    case "dropView":
      return [{ sql: `DROP VIEW ${tableName(op.schema, op.name)}` }];
    case "dropMaterializedView":
    case "refreshMaterializedView":
      throw new KilnError(`${op.kind} ${op.name}: SQLite has no materialized views.`);
  }
}
