/** View and materialized view operations -> PostgreSQL statements (pure). */
import { viewQuery, type View } from "../../../catalog/views.js";
import { KilnError } from "../../../errors.js";
import type { ViewOperation } from "../../../operations/views.js";
import type { Statement } from "../../../operations/types.js";
import { createIndexStatements } from "../compile.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

function label(view: { schema?: string; name: string }): string {
  return view.schema ? `${view.schema}.${view.name}` : view.name;
}

/** The query as written, without a trailing semicolon; it must say something. */
function query(view: View): string {
  const text = viewQuery(view.definition);
  if (text.trim() === "") throw new KilnError(`the query of ${view.materialized ? "materialized view" : "view"} ${label(view)} is empty; give the SELECT it stands for.`);
  return text;
}

function columnNames(view: View): string {
  return view.columnNames && view.columnNames.length > 0 ? ` (${view.columnNames.map(quoteIdentifier).join(", ")})` : "";
}

/** WITH (security_barrier = true, ...) of a view. */
function viewOptions(view: View): string {
  const options = [
    ...(view.securityBarrier ? ["security_barrier = true"] : []),
    ...(view.securityInvoker ? ["security_invoker = true"] : []),
  ];
  return options.length > 0 ? ` WITH (${options.join(", ")})` : "";
}

function checkOption(view: View): string {
  if (view.checkOption === undefined) return "";
  if (view.checkOption !== "local" && view.checkOption !== "cascaded") {
    throw new KilnError(`view ${label(view)}: checkOption must be "local" or "cascaded", got ${JSON.stringify(view.checkOption)}.`);
  }
  return `\n  WITH ${view.checkOption.toUpperCase()} CHECK OPTION`;
}

function relationComment(what: "VIEW" | "MATERIALIZED VIEW", view: View, comment: string | null): Statement {
  return { sql: `COMMENT ON ${what} ${tableName(view.schema, view.name)} IS ${quoteLiteral(comment)}` };
}

/** COMMENT ON the view and its columns, as pg_dump restores them. */
function comments(what: "VIEW" | "MATERIALIZED VIEW", view: View): Statement[] {
  const statements: Statement[] = [];
  if (view.comment !== undefined) statements.push(relationComment(what, view, view.comment));
  for (const [column, comment] of Object.entries(view.columnComments ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    statements.push({ sql: `COMMENT ON COLUMN ${tableName(view.schema, view.name)}.${quoteIdentifier(column)} IS ${quoteLiteral(comment)}` });
  }
  return statements;
}

function createView(view: View, replace: boolean, old?: View): Statement[] {
  if (view.materialized) throw new KilnError(`${label(view)} is a materialized view: use createMaterializedView.`);
  const head = `CREATE ${replace ? "OR REPLACE " : ""}VIEW ${tableName(view.schema, view.name)}${columnNames(view)}${viewOptions(view)} AS\n`;
  const statements: Statement[] = [{ sql: `${head}${query(view)}${checkOption(view)}` }];
  if (!replace) return [...statements, ...comments("VIEW", view)];
  // CREATE OR REPLACE keeps the comments: set those that changed.
  if ((old?.comment ?? null) !== (view.comment ?? null)) statements.push(relationComment("VIEW", view, view.comment ?? null));
  const before = old?.columnComments ?? {};
  const after = view.columnComments ?? {};
  for (const column of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if ((before[column] ?? null) === (after[column] ?? null)) continue;
    statements.push({ sql: `COMMENT ON COLUMN ${tableName(view.schema, view.name)}.${quoteIdentifier(column)} IS ${quoteLiteral(after[column] ?? null)}` });
  }
  return statements;
}

function createMaterializedView(view: View): Statement[] {
  const head = `CREATE MATERIALIZED VIEW ${tableName(view.schema, view.name)}${columnNames(view)} AS\n`;
  const statements: Statement[] = [{ sql: `${head}${query(view)}\n  WITH ${view.withNoData ? "NO " : ""}DATA` }];
  for (const index of view.indexes ?? []) {
    if (!index.name) throw new KilnError(`an index of materialized view ${label(view)} has no name; give it one.`);
    statements.push(
      ...createIndexStatements({
        kind: "createIndex",
        ...(view.schema !== undefined ? { schema: view.schema } : {}),
        table: view.name,
        index: { ...index, name: index.name },
        ...(index.name === view.clusterOn ? { clusterOn: true } : {}),
      }),
    );
  }
  return [...statements, ...comments("MATERIALIZED VIEW", view)];
}

export function compileViewOperation(op: ViewOperation): Statement[] {
  switch (op.kind) {
    case "createView":
      return createView(op.view, false);
    case "replaceView":
      return createView(op.view, true, op.old);
    case "dropView":
      return [{ sql: `DROP VIEW ${tableName(op.schema, op.name)}` }];
    case "createMaterializedView":
      return createMaterializedView({ ...op.view, materialized: true });
    case "dropMaterializedView":
      return [{ sql: `DROP MATERIALIZED VIEW ${tableName(op.schema, op.name)}` }];
    case "refreshMaterializedView":
      if (op.concurrently && op.withNoData) throw new KilnError(`refreshMaterializedView ${op.schema ? `${op.schema}.` : ""}${op.name}: CONCURRENTLY and WITH NO DATA cannot go together.`);
      return [{ sql: `REFRESH MATERIALIZED VIEW ${op.concurrently ? "CONCURRENTLY " : ""}${tableName(op.schema, op.name)}${op.withNoData ? " WITH NO DATA" : ""}` }];
  }
}
