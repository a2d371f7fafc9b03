/**
 * Stored functions and procedures on MySQL/MariaDB (catalog/routines.ts).
 *
 * What SHOW CREATE FUNCTION|PROCEDURE prints is made anew by the server from
 * what it keeps: the parameter list and the body as written, the result type
 * in its own spelling (`decimal(5,2)`, `tinyint(1)` for BOOLEAN), and the
 * characteristics (DETERMINISTIC, SQL DATA ACCESS, SQL SECURITY, COMMENT).
 * So a routine kiln creates with the same parameter text, body and
 * characteristics prints the same statement. Parameters are written
 * `IN p_id INT` in procedures (the mode always said) and `p_id INT` in
 * functions; a downgrade reuses the list the server kept (parameterText).
 */
import { type Routine, type RoutineArgument } from "../../catalog/routines.js";
import { KilnError } from "../../errors.js";
import type { RoutineOperation } from "../../operations/routines.js";
import type { Statement } from "../../operations/types.js";
import type { Connection } from "../types.js";
import type { MysqlFlavor } from "./compile.js";
import { quoteIdentifier, quoteLiteral, tableName } from "./quote.js";

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

/**
 * The rows of routines in the databases listed: KIND function|procedure, S, N,
 * A (IS_DETERMINISTIC), B (SQL_DATA_ACCESS), C (SECURITY_TYPE), D (body),
 * E (result type), F (comment), G (the DEFINER, when not the user kiln connects as): the columns of the survey's other parts.
 */
export function mysqlRoutineRowsSql(list: string): string {
  return `SELECT LOWER(ROUTINE_TYPE) AS KIND, ROUTINE_SCHEMA AS S, ROUTINE_NAME AS N, NULL AS T, IS_DETERMINISTIC AS A, SQL_DATA_ACCESS AS B, SECURITY_TYPE AS C,
            ROUTINE_DEFINITION AS D, DTD_IDENTIFIER AS E, ROUTINE_COMMENT AS F, IF(DEFINER = CURRENT_USER(), NULL, DEFINER) AS G
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN ${list}`;
}

/** The parameter list of a SHOW CREATE FUNCTION|PROCEDURE statement, as written. */
export function parameterListOf(statement: string): string | undefined {
  const head = /^CREATE\s.*?\s(?:FUNCTION|PROCEDURE)\s+`(?:[^`]|``)*`(?:\.`(?:[^`]|``)*`)?\s*\(/s.exec(statement);
  if (!head) return undefined;
  let depth = 1;
  let quote = "";
  for (let i = head[0].length; i < statement.length; i++) {
    const ch = statement[i]!;
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return statement.slice(head[0].length, i);
  }
  return undefined;
}

/** `IN p_id INT, p_name VARCHAR(10)` -> arguments (types as written). */
export function parseParameters(list: string): RoutineArgument[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote = "";
  let current = "";
  for (const ch of list) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    if (!quote && depth === 0 && ch === ",") {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (current.trim() !== "") parts.push(current);
  const args: RoutineArgument[] = [];
  for (const part of parts) {
    const m = /^\s*(?:(IN|OUT|INOUT)\s+)?(`(?:[^`]|``)*`|[^\s`]+)\s+(.+?)\s*$/is.exec(part);
    if (!m) return undefined;
    const mode = m[1]?.toLowerCase();
    const name = m[2]!.startsWith("`") ? m[2]!.slice(1, -1).replace(/``/g, "`") : m[2]!;
    args.push({ name, type: m[3]!, ...(mode === "out" || mode === "inout" ? { mode } : {}) });
  }
  return args;
}

/** Routines out of mysqlRoutineRowsSql's rows (others ignored), each with its parameter list from SHOW CREATE (one query per routine). */
export async function mysqlRoutinesFrom(conn: Connection, rows: Record<string, unknown>[], schemaOf: Map<string, string | undefined>): Promise<Routine[]> {
  const routines: Routine[] = [];
  const key = (row: Record<string, unknown>) => `${text(row.S)}\u0000${text(row.N)}\u0000${text(row.KIND)}`;
  for (const row of rows.filter((r) => text(r.KIND) === "function" || text(r.KIND) === "procedure").sort((a, b) => key(a).localeCompare(key(b)))) {
    const kind = text(row.KIND) as Routine["kind"];
    const database = text(row.S);
    const schema = schemaOf.get(database);
    const name = text(row.N);
    const shown = (await conn.query(`SHOW CREATE ${kind.toUpperCase()} ${tableName(database, name)}`)).rows[0];
    const statement = shown ? text(shown[kind === "function" ? "Create Function" : "Create Procedure"]) : "";
    const parameterText = parameterListOf(statement);
    const args = parameterText === undefined ? undefined : parseParameters(parameterText);
    if (args === undefined) continue; // not readable (no privilege to see it): the survey still names it
    const routine: Routine = { kind, ...(schema !== undefined ? { schema } : {}), name, arguments: args, language: "sql", body: text(row.D) };
    if (kind === "function") routine.returns = text(row.E);
    if (text(row.A).toUpperCase() === "YES") routine.deterministic = true;
    const access = text(row.B).toLowerCase();
    if (access === "no sql" || access === "reads sql data" || access === "modifies sql data") routine.dataAccess = access;
    if (text(row.C).toUpperCase() === "INVOKER") routine.securityInvoker = true;
    if (text(row.F) !== "") routine.comment = text(row.F);
    routine.parameterText = parameterText!;
    if (text(row.G) !== "") routine.definer = text(row.G);
    routines.push(routine);
  }
  return routines;
}

/** A model routine as the server keeps it: body without blank space at its ends, SQL SECURITY DEFINER as the default it is. */
export function canonicalMysqlRoutine(routine: Routine): Routine {
  const out = structuredClone(routine);
  out.body = out.body.trim();
  out.language = out.language.toLowerCase();
  delete out.securityDefiner;
  return out;
}

function parameterText(routine: Routine): string {
  if (routine.parameterText !== undefined) {
    const stored = parseParameters(routine.parameterText);
    const same = (a: RoutineArgument[], b: RoutineArgument[]) =>
      a.length === b.length && a.every((x, i) => x.name === b[i]!.name && (x.mode ?? "in") === (b[i]!.mode ?? "in") && x.type === b[i]!.type && b[i]!.default === undefined);
    if (stored && same(stored, routine.arguments)) return routine.parameterText;
  }
  return routine.arguments
    .map((a) => {
      const name = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(a.name ?? "") ? a.name! : quoteIdentifier(a.name ?? "");
      return `${routine.kind === "procedure" ? `${(a.mode ?? "in").toUpperCase()} ` : ""}${name} ${a.type.trim()}`;
    })
    .join(", ");
}

function refuseOthers(routine: Routine): void {
  const what = `${routine.kind} ${routine.name}`;
  if (routine.language.toLowerCase() !== "sql") throw new KilnError(`${what}: MySQL routines are written in SQL; language ${routine.language} is PostgreSQL's.`);
  const pgOnly = [
    routine.volatility && "volatility",
    routine.strict && "strict",
    routine.leakproof && "leakproof",
    routine.parallel && "parallel",
    routine.cost !== undefined && "cost",
    routine.rows !== undefined && "rows",
    routine.config?.length && "searchPath/set",
  ].filter(Boolean);
  if (pgOnly.length > 0) throw new KilnError(`${what}: ${pgOnly.join(", ")} ${pgOnly.length === 1 ? "is" : "are"} PostgreSQL's; leave ${pgOnly.length === 1 ? "it" : "them"} out for MySQL (deterministic, dataAccess and securityInvoker are MySQL's).`);
  for (const a of routine.arguments) {
    if (!a.name) throw new KilnError(`${what}: MySQL parameters need names.`);
    if (a.default !== undefined) throw new KilnError(`${what}: MySQL parameters have no defaults (${a.name}).`);
    if (a.mode === "variadic") throw new KilnError(`${what}: MySQL has no VARIADIC parameters.`);
    if (routine.kind === "function" && a.mode !== undefined) throw new KilnError(`${what}: a MySQL function's parameters are IN only (${a.name} is ${a.mode.toUpperCase()}); use a procedure.`);
  }
}

export function createMysqlRoutineSql(routine: Routine, replace = false): string {
  refuseOthers(routine);
  const lines = [
    `CREATE ${replace ? "OR REPLACE " : ""}${routine.kind.toUpperCase()} ${tableName(routine.schema, routine.name)}(${parameterText(routine)})${routine.kind === "function" ? ` RETURNS ${routine.returns ?? ""}` : ""}`,
  ];
  if (routine.dataAccess) lines.push(`    ${routine.dataAccess.toUpperCase()}`);
  if (routine.deterministic) lines.push("    DETERMINISTIC");
  if (routine.securityInvoker) lines.push("    SQL SECURITY INVOKER");
  if (routine.comment !== undefined && routine.comment !== "") lines.push(`    COMMENT ${quoteLiteral(routine.comment)}`);
  lines.push(routine.body);
  return lines.join("\n");
}

function dropSql(kind: Routine["kind"], schema: string | undefined, name: string, ifExists = false): string {
  return `DROP ${kind.toUpperCase()} ${ifExists ? "IF EXISTS " : ""}${tableName(schema, name)}`;
}

/** Routine operations on MySQL: MariaDB replaces in place (CREATE OR REPLACE); MySQL drops and creates. */
export function compileMysqlRoutine(op: RoutineOperation, flavor: MysqlFlavor): Statement[] {
  switch (op.kind) {
    case "createFunction":
    case "createProcedure":
      return [{ sql: createMysqlRoutineSql(op.routine) }];
    case "replaceFunction":
    case "replaceProcedure":
      if (flavor === "mariadb") return [{ sql: createMysqlRoutineSql(op.routine, true) }];
      return [{ sql: dropSql(op.routine.kind, op.routine.schema, op.routine.name, true) }, { sql: createMysqlRoutineSql(op.routine) }];
    case "dropFunction":
    case "dropProcedure":
      return [{ sql: dropSql(op.kind === "dropFunction" ? "function" : "procedure", op.schema, op.name) }];
  }
}


