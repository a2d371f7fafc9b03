/**
 * Functions and procedures of the schemas read (one query). Left out, and so
 * named by the survey of unmodelled objects instead: aggregates and window
 * functions, C and internal functions, SQL-standard bodies (BEGIN ATOMIC /
 * RETURN, whose text PostgreSQL does not keep), functions that an unmodelled
 * object uses (a cast's, an operator class's), and members of extensions.
 * An operator's function and an aggregate's support functions are read:
 * operators and aggregates are modelled (catalog/operators.ts, catalog/aggregates.ts).
 */
import type { Parallel, Routine, RoutineArgument, Volatility } from "../../../catalog/routines.js";
import type { Connection } from "../../types.js";
import { splitSqlSegments } from "../normalize.js";
import { notExtensionMember } from "./extension-members.js";

const ROUTINES_SQL = `
SELECT n.nspname AS schema, p.proname AS name, p.prokind AS kind, l.lanname AS language, p.prosrc AS body,
       p.provolatile AS volatility, p.proisstrict AS strict, p.prosecdef AS security_definer, p.proleakproof AS leakproof,
       p.proparallel AS parallel, p.procost::text AS cost, p.prorows::text AS rows, p.proretset AS returns_set,
       p.proconfig AS config, p.proargmodes::text[] AS modes, p.proargnames AS names,
       (SELECT pg_catalog.json_agg(pg_catalog.format_type(a.t, NULL) ORDER BY a.n)
          FROM pg_catalog.unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY a(t, n))::text AS types,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       d.description AS comment
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[]) AND p.prokind IN ('f', 'p')
   AND l.lanname NOT IN ('c', 'internal')
   AND p.prosqlbody IS NULL
   AND ${notExtensionMember("pg_proc", "p.oid")}
   -- A function that a cast, operator class, type, language or event trigger uses
   -- is part of that object, which kiln does not model: left alone with it (and named by the survey).
   -- An operator's or aggregate's function is read like any other (both are modelled: introspect/operators.ts, introspect/aggregates.ts).
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend u
                    WHERE u.refclassid = 'pg_catalog.pg_proc'::regclass AND u.refobjid = p.oid
                      AND u.classid IN ('pg_catalog.pg_cast'::regclass, 'pg_catalog.pg_amproc'::regclass,
                                        'pg_catalog.pg_type'::regclass, 'pg_catalog.pg_language'::regclass, 'pg_catalog.pg_event_trigger'::regclass,
                                        'pg_catalog.pg_ts_parser'::regclass, 'pg_catalog.pg_ts_template'::regclass, 'pg_catalog.pg_conversion'::regclass))
 ORDER BY n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)`;

type Row = Record<string, unknown>;

/** `a integer, b text DEFAULT 'x, y'::text` -> its parts, split at commas outside parentheses and quotes. */
export function splitArgumentList(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let depth = 0;
  for (const segment of splitSqlSegments(text)) {
    if (segment.kind !== "code") {
      current += segment.text;
      continue;
    }
    for (const ch of segment.text) {
      if (ch === "(" || ch === "[") depth++;
      else if (ch === ")" || ch === "]") depth--;
      if (ch === "," && depth === 0) {
        parts.push(current.trim());
        current = "";
      } else current += ch;
    }
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}

/** The text after ` DEFAULT ` (outside quotes) of one argument as pg_get_function_arguments prints it. */
export function argumentDefault(text: string): string | undefined {
  let offset = 0;
  for (const segment of splitSqlSegments(text)) {
    if (segment.kind === "code") {
      const at = segment.text.indexOf(" DEFAULT ");
      if (at >= 0) return text.slice(offset + at + " DEFAULT ".length).trim();
    }
    offset += segment.text.length;
  }
  return undefined;
}

const MODES: Record<string, RoutineArgument["mode"] | "in" | "table"> = { i: "in", o: "out", b: "inout", v: "variadic", t: "table" };
const VOLATILITY: Record<string, Volatility> = { i: "immutable", s: "stable", v: "volatile" };
const PARALLEL: Record<string, Parallel> = { s: "safe", r: "restricted", u: "unsafe" };

export function routineFrom(r: Row, alias: (schema: string) => string | undefined): Routine {
  const kind = r.kind === "p" ? "procedure" : "function";
  const types = JSON.parse(String(r.types ?? "null")) as string[] | null;
  const modes = (r.modes as string[] | null) ?? null;
  const names = (r.names as string[] | null) ?? null;
  const printed = splitArgumentList(String(r.arguments ?? ""));
  const args: RoutineArgument[] = [];
  (types ?? []).forEach((type, i) => {
    const mode = MODES[modes?.[i] ?? "i"] ?? "in";
    if (mode === "table") return;
    const argument: RoutineArgument = { type };
    const name = names?.[i];
    if (name) argument.name = name;
    if (mode !== "in") argument.mode = mode;
    const text = printed[args.length];
    const fallback = text === undefined ? undefined : argumentDefault(text);
    if (fallback !== undefined) argument.default = fallback;
    args.push(argument);
  });
  const schema = alias(String(r.schema));
  const routine: Routine = {
    kind,
    ...(schema !== undefined ? { schema } : {}),
    name: String(r.name),
    arguments: args,
    ...(kind === "function" ? { returns: String(r.result) } : {}),
    language: String(r.language),
    body: String(r.body ?? ""),
  };
  const volatility = VOLATILITY[String(r.volatility)];
  if (volatility && volatility !== "volatile") routine.volatility = volatility;
  if (r.strict === true) routine.strict = true;
  if (r.security_definer === true) routine.securityDefiner = true;
  if (r.leakproof === true) routine.leakproof = true;
  const parallel = PARALLEL[String(r.parallel)];
  if (parallel && parallel !== "unsafe") routine.parallel = parallel;
  if (Number(r.cost) !== 100) routine.cost = String(r.cost);
  const defaultRows = r.returns_set === true ? 1000 : 0;
  if (Number(r.rows) !== defaultRows) routine.rows = String(r.rows);
  const config = (r.config as string[] | null) ?? [];
  if (config.length > 0) {
    routine.config = config.map((entry) => {
      const at = entry.indexOf("=");
      return [entry.slice(0, at), entry.slice(at + 1)];
    });
  }
  if (r.comment !== null && r.comment !== undefined) routine.comment = String(r.comment);
  return routine;
}

export async function readRoutines(conn: Connection, schemaNames: string[], alias: (schema: string) => string | undefined): Promise<Routine[]> {
  const { rows } = await conn.query(ROUTINES_SQL, [schemaNames]);
  return rows.map((r) => routineFrom(r, alias));
}
