/** Function and procedure operations -> PostgreSQL statements (pure). */
import { inputArguments, routineLabel, type Routine, type RoutineArgument } from "../../../catalog/routines.js";
import { KilnError } from "../../../errors.js";
import type { CreateRoutine, DropRoutine, ReplaceRoutine } from "../../../operations/routines.js";
import { sameRoutineDefinition } from "../../../operations/routines.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

function nonEmpty(value: string, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new KilnError(`${what} is empty; give SQL text.`);
  return value;
}

/** `$function$`, or another tag that does not occur in the body (so the body needs no escaping). */
export function dollarQuote(body: string, base: string): string {
  for (let i = 0; ; i++) {
    const tag = `$${base}${i === 0 ? "" : i}$`;
    if (!body.includes(tag)) return `${tag}${body}${tag}`;
  }
}

function argumentSql(argument: RoutineArgument, where: string): string {
  const parts: string[] = [];
  if (argument.mode !== undefined) parts.push(argument.mode.toUpperCase());
  if (argument.name !== undefined) parts.push(quoteIdentifier(argument.name));
  parts.push(nonEmpty(argument.type, `the type of an argument of ${where}`));
  if (argument.default !== undefined) parts.push(`DEFAULT ${nonEmpty(argument.default, `the default of an argument of ${where}`)}`);
  return parts.join(" ");
}

/** Settings whose value is a list of names (`SET search_path TO app, public`). */
const LIST_SETTINGS = new Set(["search_path", "temp_tablespaces"]);
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
const NAME_ELEMENT = /^(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")$/;

/** `SET search_path TO public, pg_temp`: a value as proconfig stores it, written so that PostgreSQL stores it the same. */
export function settingSql(name: string, value: string, where: string): string {
  if (!SETTING_NAME.test(name)) throw new KilnError(`${where}: ${JSON.stringify(name)} is not a setting name (SET name TO value).`);
  if (LIST_SETTINGS.has(name.toLowerCase())) {
    const elements = value.split(",").map((e) => e.trim());
    return `SET ${name} TO ${elements.map((e) => (NAME_ELEMENT.test(e) ? e : quoteLiteral(e))).join(", ")}`;
  }
  return `SET ${name} TO ${quoteLiteral(value)}`;
}

/** `"app"."f"(integer, text)`: how DROP and COMMENT name a routine. */
export function routineName(schema: string | undefined, name: string, argumentTypes: readonly string[]): string {
  return `${tableName(schema, name)}(${argumentTypes.join(", ")})`;
}

function routineComment(routine: Routine, comment: string | null): Statement {
  const what = routine.kind === "procedure" ? "PROCEDURE" : "FUNCTION";
  return { sql: `COMMENT ON ${what} ${routineName(routine.schema, routine.name, inputArguments(routine).map((a) => a.type))} IS ${quoteLiteral(comment)}` };
}

/** CREATE [OR REPLACE] FUNCTION/PROCEDURE, the text as the routine gives it (pure). */
export function routineDefinitionSql(routine: Routine, orReplace: boolean): string {
  const where = `${routine.kind} ${routineLabel(routine)}`;
  const isProcedure = routine.kind === "procedure";
  const lines = [
    `CREATE ${orReplace ? "OR REPLACE " : ""}${isProcedure ? "PROCEDURE" : "FUNCTION"} ${tableName(routine.schema, routine.name)}(${routine.arguments.map((a) => argumentSql(a, where)).join(", ")})`,
  ];
  if (!isProcedure) lines.push(` RETURNS ${nonEmpty(routine.returns ?? "", `the result type of ${where}`)}`);
  else if (routine.returns !== undefined) throw new KilnError(`${where}: a procedure returns nothing; leave "returns" out (OUT arguments give results).`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(routine.language)) throw new KilnError(`${where}: ${JSON.stringify(routine.language)} is not a language name.`);
  lines.push(` LANGUAGE ${routine.language}`);
  const attributes: string[] = [];
  if (routine.volatility !== undefined) attributes.push(routine.volatility.toUpperCase());
  if (routine.leakproof) attributes.push("LEAKPROOF");
  if (routine.strict) attributes.push("STRICT");
  if (routine.securityDefiner) attributes.push("SECURITY DEFINER");
  if (routine.parallel !== undefined) attributes.push(`PARALLEL ${routine.parallel.toUpperCase()}`);
  if (routine.cost !== undefined) attributes.push(`COST ${number(routine.cost, `the cost of ${where}`)}`);
  if (routine.rows !== undefined) attributes.push(`ROWS ${number(routine.rows, `the rows of ${where}`)}`);
  if (isProcedure && attributes.some((a) => a !== "SECURITY DEFINER")) {
    throw new KilnError(`${where}: a procedure takes no ${attributes.filter((a) => a !== "SECURITY DEFINER").join(", ")}; PostgreSQL refuses them.`);
  }
  if (attributes.length > 0) lines.push(` ${attributes.join(" ")}`);
  for (const [name, value] of routine.config ?? []) lines.push(` ${settingSql(name, value, where)}`);
  lines.push(`AS ${dollarQuote(routine.body, isProcedure ? "procedure" : "function")}`);
  return lines.join("\n");
}

function number(value: string, what: string): string {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new KilnError(`${what} must be a number, got ${JSON.stringify(value)}.`);
  return value;
}

/**
 * SQL functions are checked against the tables they read when they are created;
 * a revision creates functions before the tables (defaults and checks call them),
 * so the check waits for the first call, as in pg_dump's output.
 */
function bodyCheckOff(routine: Routine): Statement[] {
  return routine.language.toLowerCase() === "sql" ? [{ sql: "SET LOCAL check_function_bodies = off" }] : [];
}

export function createRoutine({ routine }: CreateRoutine): Statement[] {
  const statements: Statement[] = [...bodyCheckOff(routine), { sql: routineDefinitionSql(routine, false) }];
  if (routine.comment !== undefined) statements.push(routineComment(routine, routine.comment));
  return statements;
}

export function replaceRoutine({ routine, old }: ReplaceRoutine): Statement[] {
  const statements: Statement[] = [];
  if (!old || !sameRoutineDefinition(routine, old)) statements.push(...bodyCheckOff(routine), { sql: routineDefinitionSql(routine, true) });
  if (old ? (old.comment ?? null) !== (routine.comment ?? null) : routine.comment !== undefined) statements.push(routineComment(routine, routine.comment ?? null));
  return statements;
}

export function dropRoutine(op: DropRoutine): Statement[] {
  return [{ sql: `DROP ${op.kind === "dropProcedure" ? "PROCEDURE" : "FUNCTION"} ${routineName(op.schema, op.name, op.argumentTypes)}` }];
}
