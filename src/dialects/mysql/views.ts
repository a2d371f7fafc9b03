/**
 * Views on MySQL/MariaDB (catalog/views.ts).
 *
 * Read from information_schema.VIEWS: `definition` is the query as the server
 * rewrote and stored it, with the view's own database left out of its names
 * (what SHOW CREATE VIEW prints: `select \`t\`.\`id\` AS \`id\` from \`t\``),
 * the check option, SQL SECURITY and ALGORITHM beside it. A model's query is
 * spelled the same way by creating it in kiln's scratch database
 * (canonicalize.ts), so compare sees only real changes; a view kiln creates
 * from the server's text prints the same SHOW CREATE VIEW again.
 */
import { setCanonical } from "../../catalog/exact-text.js";
import type { View } from "../../catalog/views.js";
import { KilnError } from "../../errors.js";
import type { Statement } from "../../operations/types.js";
import type { ViewOperation } from "../../operations/views.js";
import type { Connection } from "../types.js";
import { quoteIdentifier, tableName } from "./quote.js";

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

/** The stored query with `database`'s own qualifier left out, as SHOW CREATE VIEW prints it. */
export function withoutOwnDatabase(definition: string, database: string): string {
  return definition.split(`${quoteIdentifier(database)}.`).join("");
}

/**
 * The rows of views in the databases listed (`?` each): KIND 'view', S(chema),
 * N(ame), A (check option), B (security), C (algorithm), D (stored query); in
 * G (the DEFINER, when not the user kiln connects as); in
 * the columns triggers.ts's query uses, so that introspect reads both at once.
 */
export function mysqlViewRowsSql(list: string): string {
  return `SELECT 'view' AS KIND, TABLE_SCHEMA AS S, TABLE_NAME AS N, NULL AS T, CHECK_OPTION AS A, SECURITY_TYPE AS B, ALGORITHM AS C, VIEW_DEFINITION AS D, NULL AS E, NULL AS F, IF(DEFINER = CURRENT_USER(), NULL, DEFINER) AS G
       FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN ${list}`;
}

/** The views of the databases read (`schemaOf`: database -> the schema it is in the Catalog), by name. */
export async function readMysqlViews(conn: Connection, schemaOf: Map<string, string | undefined>): Promise<View[]> {
  const databases = [...schemaOf.keys()];
  if (databases.length === 0) return [];
  const { rows } = await conn.query(mysqlViewRowsSql(`(${databases.map(() => "?").join(", ")})`), databases);
  return mysqlViewsFrom(conn, rows, schemaOf);
}

/** Views out of mysqlViewRowsSql's rows (others ignored), each with its query as SHOW CREATE VIEW prints it (one query per view). */
export async function mysqlViewsFrom(conn: Connection, rows: Record<string, unknown>[], schemaOf: Map<string, string | undefined>): Promise<View[]> {
  const views: View[] = [];
  const sorted = rows.filter((row) => text(row.KIND) === "view").sort((a, b) => `${text(a.S)}\u0000${text(a.N)}`.localeCompare(`${text(b.S)}\u0000${text(b.N)}`));
  for (const row of sorted) {
    const database = text(row.S);
    const schema = schemaOf.get(database);
    const name = text(row.N);
    const view: View = { ...(schema !== undefined ? { schema } : {}), name, definition: withoutOwnDatabase(text(row.D), database) };
    const check = text(row.A).toLowerCase();
    if (check === "local" || check === "cascaded") view.checkOption = check;
    if (text(row.B).toUpperCase() === "INVOKER") view.securityInvoker = true;
    const algorithm = text(row.C).toLowerCase();
    if (algorithm === "merge" || algorithm === "temptable") view.algorithm = algorithm;
    // SHOW CREATE VIEW keeps what information_schema leaves out (character set introducers: _utf8mb4' ').
    const shown = (await conn.query(`SHOW CREATE VIEW ${tableName(database, name)}`)).rows[0];
    const query = shown ? queryOf(text(shown["Create View"]), view.checkOption) : undefined;
    if (query !== undefined) view.definition = query;
    if (text(row.G) !== "") view.definer = text(row.G);
    views.push(view);
  }
  return views;
}

/** The query of a SHOW CREATE VIEW statement: after `VIEW name AS `, less its `WITH ... CHECK OPTION`. */
export function queryOf(statement: string, checkOption: View["checkOption"]): string | undefined {
  const head = /^CREATE\s.*?\sVIEW\s+`(?:[^`]|``)*`(?:\.`(?:[^`]|``)*`)?\s+AS\s+/s.exec(statement);
  if (!head) return undefined;
  let query = statement.slice(head[0].length);
  if (checkOption) query = query.replace(new RegExp(`\\s+WITH\\s+${checkOption}\\s+CHECK\\s+OPTION\\s*$`, "i"), "");
  return query;
}

/** A model view as the server spelled it in the scratch database: its query compares through that spelling. */
export function spelledMysqlView(model: View, scratch: View): View {
  const out = structuredClone(model);
  delete out.canonical;
  // MySQL has no view comments: COMMENT ON is PostgreSQL's.
  delete out.comment;
  delete out.columnComments;
  setCanonical(out, "definition", scratch.definition);
  return out;
}

function createViewSql(view: View, replace: boolean): string {
  const what = `view ${view.name}`;
  if (view.materialized) throw new KilnError(`${what}: MySQL has no materialized views; declare it with view(), or keep a table filled by triggers or events.`);
  if (view.securityBarrier) throw new KilnError(`${what}: security_barrier is PostgreSQL's; leave it out for MySQL.`);
  const definition = view.definition.replace(/[\s;]+$/, "");
  if (definition.trim() === "") throw new KilnError(`${what}: the query is empty.`);
  const columns = view.columnNames && view.columnNames.length > 0 ? ` (${view.columnNames.map(quoteIdentifier).join(", ")})` : "";
  const check = view.checkOption ? ` WITH ${view.checkOption.toUpperCase()} CHECK OPTION` : "";
  const algorithm = view.algorithm ? `ALGORITHM=${view.algorithm.toUpperCase()} ` : "";
  const security = view.securityInvoker ? "SQL SECURITY INVOKER " : "";
  return `CREATE ${replace ? "OR REPLACE " : ""}${algorithm}${security}VIEW ${tableName(view.schema, view.name)}${columns} AS ${definition.trimStart()}${check}`;
}

/** createView / replaceView (CREATE OR REPLACE: any columns) / dropView on MySQL. */
export function compileMysqlView(op: ViewOperation): Statement[] {
  switch (op.kind) {
    case "createView":
    case "createMaterializedView":
      return [{ sql: createViewSql(op.view, false) }];
    case "replaceView":
      // CREATE OR REPLACE keeps the same ALGORITHM/SECURITY only when said: every option is restated.
      return [{ sql: createViewSql(op.view, true) }];
    case "dropView":
      return [{ sql: `DROP VIEW ${tableName(op.schema, op.name)}` }];
    case "dropMaterializedView":
    case "refreshMaterializedView":
      throw new KilnError(`${op.kind} ${op.name}: MySQL has no materialized views.`);
  }
}
