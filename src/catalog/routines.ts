/**
 * Functions and procedures (CREATE FUNCTION / CREATE PROCEDURE), PostgreSQL.
 *
 * Text fields keep what their side wrote (EXACT TEXT in types.ts): the database
 * side as PostgreSQL stores or prints it (the body exactly as `prosrc` holds it,
 * types as format_type prints them, defaults as pg_get_function_arguments prints
 * them), the model side as the user wrote it. compare/routines.ts compares them
 * through `routineTypeKey` and the same default rule as column defaults.
 *
 * A routine is identified by its schema, name and input argument types (its
 * signature): `f(integer, text)`. Two routines of one name with other argument
 * types are two objects, as in PostgreSQL.
 */

export type ArgumentMode = "in" | "out" | "inout" | "variadic";

export interface RoutineArgument {
  /** Absent for an unnamed argument. */
  name?: string;
  /** As format_type prints it (database) or as written (model); PostgreSQL drops type modifiers of arguments. */
  type: string;
  /** Absent: IN. */
  mode?: Exclude<ArgumentMode, "in">;
  /** DEFAULT expression text. */
  default?: string;
}

export type Volatility = "immutable" | "stable" | "volatile";
export type RoutineDataAccess = "no sql" | "reads sql data" | "modifies sql data";
export type Parallel = "safe" | "restricted" | "unsafe";

export interface Routine {
  kind: "function" | "procedure";
  schema?: string;
  name: string;
  /** In declaration order, OUT arguments included; RETURNS TABLE columns are in `returns`. */
  arguments: RoutineArgument[];
  /**
   * Functions: the result as pg_get_function_result prints it (`integer`, `SETOF film`,
   * `trigger`, `TABLE(id integer, title text)`). Procedures: absent.
   */
  returns?: string;
  /** plpgsql, sql, ... */
  language: string;
  /** The body exactly as stored (`prosrc`): what goes between the dollar quotes. */
  body: string;
  /** Absent: VOLATILE. */
  volatility?: Exclude<Volatility, "volatile">;
  strict?: boolean;
  securityDefiner?: boolean;
  leakproof?: boolean;
  /** Absent: PARALLEL UNSAFE. */
  parallel?: Exclude<Parallel, "unsafe">;
  /** COST, when not PostgreSQL's default (100; 1 for C and internal functions). */
  cost?: string;
  /** ROWS, when not PostgreSQL's default (1000 for set-returning functions). */
  rows?: string;
  /** MySQL/MariaDB: DETERMINISTIC. */
  deterministic?: boolean;
  /** MySQL/MariaDB: NO SQL | READS SQL DATA | MODIFIES SQL DATA; absent: CONTAINS SQL (the default). */
  dataAccess?: RoutineDataAccess;
  /** MySQL/MariaDB: SQL SECURITY INVOKER; absent: DEFINER (MySQL's default). */
  securityInvoker?: boolean;
  /**
   * MySQL/MariaDB: the parameter list as the server keeps it (SHOW CREATE prints
   * it as written), for recreating it word for word in a downgrade: used only
   * while it still says the same arguments. Never compared.
   */
  parameterText?: string;
  /** SET name = value settings (`search_path` -> `public, pg_temp`), as proconfig stores them, in order. */
  config?: [string, string][];
  comment?: string;
  /**
   * MySQL/MariaDB: the DEFINER, read only when it is not the user kiln connects as
   * (who becomes the DEFINER of what kiln creates). Never compared: autogenerate
   * names it before a revision or its downgrade recreates the object.
   */
  definer?: string;
}

/** The input arguments, which make the signature (OUT arguments are not part of it). */
export function inputArguments(routine: Pick<Routine, "arguments">): RoutineArgument[] {
  return routine.arguments.filter((a) => a.mode !== "out");
}

const TYPE_SYNONYMS: Record<string, string> = {
  int: "integer",
  int4: "integer",
  int8: "bigint",
  int2: "smallint",
  bool: "boolean",
  float8: "double precision",
  float: "double precision",
  float4: "real",
  decimal: "numeric",
  varchar: "character varying",
  "char varying": "character varying",
  char: "character",
  bpchar: "character",
  timestamptz: "timestamp with time zone",
  timestamp: "timestamp without time zone",
  timetz: "time with time zone",
  time: "time without time zone",
  varbit: "bit varying",
};

/**
 * One spelling per type for comparing signatures and results: lower case outside
 * quotes, type modifiers dropped (PostgreSQL does not keep them on arguments),
 * synonyms as format_type prints them (`int` -> `integer`, `timestamptz` ->
 * `timestamp with time zone`), `public.` left out.
 */
export function routineTypeKey(type: string): string {
  let text = type.trim().replace(/\s+/g, " ");
  const arrays = /((?:\s*\[\s*\d*\s*\])*)$/.exec(text)![1]!;
  text = text.slice(0, text.length - arrays.length).trim();
  const brackets = "[]".repeat((arrays.match(/\[/g) ?? []).length);
  let setof = "";
  const setMatch = /^setof\s+(.*)$/i.exec(text);
  if (setMatch) {
    setof = "SETOF ";
    text = setMatch[1]!;
  }
  // Lower case and typmods removed outside double quotes.
  text = text
    .split(/("(?:[^"]|"")*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.toLowerCase().replace(/\([^)]*\)/g, "")))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  text = text.replace(/^public\./, "");
  text = TYPE_SYNONYMS[text] ?? text;
  // Quoted plain names read as unquoted (`"st"` is st).
  text = text.replace(/"([a-z_][a-z0-9_$]*)"/g, "$1");
  return `${setof}${text}${brackets}`;
}

/** `f(integer, text)`: the signature in the spelling of routineTypeKey, as object references name a routine. */
export function routineSignature(routine: Pick<Routine, "name" | "arguments">): string {
  return `${routine.name}(${inputArguments(routine).map((a) => routineTypeKey(a.type)).join(", ")})`;
}

/** `app.f(integer, text)`: for messages. */
export function routineLabel(routine: Pick<Routine, "schema" | "name" | "arguments">): string {
  return `${routine.schema ? `${routine.schema}.` : ""}${routineSignature(routine)}`;
}

/** `a integer, b numeric(10,2)` -> its parts, commas inside parentheses and quotes kept. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === "(") depth++;
    if (!quoted && ch === ")") depth--;
    if (!quoted && depth === 0 && ch === ",") {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (current.trim() !== "") parts.push(current);
  return parts;
}
