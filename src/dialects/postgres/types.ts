/**
 * kiln's neutral type vocabulary (src/catalog/types.ts) -> PostgreSQL type SQL.
 *
 * Besides the vocabulary, the spellings people hand-write in revision files are
 * accepted (int, int4, bool, float8, character varying(n), timestamp with time
 * zone, serial, ...). A type that is not a built-in is an enum or another custom
 * type named by `name` or `schema.name`, and is quoted as an identifier; text
 * that already looks like SQL (parentheses, as in `geometry(Point,4326)`, or a
 * name already quoted, as in `app."My Type"`) is passed through verbatim.
 */
import { KilnError } from "../../errors.js";
import { quoteIdentifier } from "./sql.js";

/** Built-in names (and their synonyms) -> the spelling kiln emits. */
const BUILTIN_NAMES: Record<string, string> = {
  smallint: "smallint",
  int2: "smallint",
  integer: "integer",
  int: "integer",
  int4: "integer",
  bigint: "bigint",
  int8: "bigint",
  real: "real",
  float4: "real",
  "double precision": "double precision",
  float8: "double precision",
  float: "float",
  numeric: "numeric",
  decimal: "numeric",
  boolean: "boolean",
  bool: "boolean",
  text: "text",
  varchar: "varchar",
  "character varying": "varchar",
  char: "char",
  character: "char",
  bpchar: "bpchar",
  date: "date",
  time: "time",
  timetz: "timetz",
  timestamp: "timestamp",
  timestamptz: "timestamptz",
  uuid: "uuid",
  json: "json",
  jsonb: "jsonb",
  jsonpath: "jsonpath",
  bytea: "bytea",
  serial: "serial",
  serial4: "serial",
  bigserial: "bigserial",
  serial8: "bigserial",
  smallserial: "smallserial",
  serial2: "smallserial",
  money: "money",
  inet: "inet",
  cidr: "cidr",
  macaddr: "macaddr",
  macaddr8: "macaddr8",
  xml: "xml",
  tsvector: "tsvector",
  tsquery: "tsquery",
  point: "point",
  line: "line",
  lseg: "lseg",
  box: "box",
  path: "path",
  polygon: "polygon",
  circle: "circle",
  bit: "bit",
  varbit: "varbit",
  "bit varying": "varbit",
  int4range: "int4range",
  int8range: "int8range",
  numrange: "numrange",
  tsrange: "tsrange",
  tstzrange: "tstzrange",
  daterange: "daterange",
  int4multirange: "int4multirange",
  int8multirange: "int8multirange",
  nummultirange: "nummultirange",
  tsmultirange: "tsmultirange",
  tstzmultirange: "tstzmultirange",
  datemultirange: "datemultirange",
  oid: "oid",
  regclass: "regclass",
  regtype: "regtype",
  regproc: "regproc",
  name: "name",
  pg_lsn: "pg_lsn",
  pg_snapshot: "pg_snapshot",
  txid_snapshot: "txid_snapshot",
};

/** Built-ins that take a parenthesized modifier, with how many numbers it may hold. */
const MODIFIER_ARITY: Record<string, number> = {
  numeric: 2,
  varchar: 1,
  char: 1,
  bpchar: 1,
  time: 1,
  timetz: 1,
  timestamp: 1,
  timestamptz: 1,
  bit: 1,
  varbit: 1,
  float: 1,
};

const INTERVAL = /^interval(?: (?:year to month|day to (?:hour|minute|second)|hour to (?:minute|second)|minute to second|year|month|day|hour|minute|second))?(?:\(\d+\))?$/;

/** `name`, `name(1)`, `name(10,2)`, each optionally followed by `with[out] time zone`. */
const SIMPLE = /^([a-z][a-z0-9_]*(?: [a-z][a-z0-9_]*)*?)(?:\((-?\d+(?:,-?\d+)?)\))?(?: (with|without) time zone)?$/;

/** A name already written as SQL with quotes, as format_type prints it: `"My Type"`, `app."My Type"`. */
const SQL_NAME_PART = String.raw`(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`;
const QUOTED_SQL_NAME = new RegExp(`^(?=.*")${SQL_NAME_PART}(?:\\.${SQL_NAME_PART})?$`);

const ARRAY_SUFFIX = /^(.*?)((?:\s*\[\s*\d*\s*\])+)$/;

/** Lower case, single spaces, no spaces inside or before parentheses. */
function normalizeSpelling(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/\s*\(\s*/g, "(")
    .replace(/\s*,\s*/g, ",")
    .replace(/\s*\)/g, ")");
}

/** The PostgreSQL spelling of a built-in type, or undefined when `type` is not one. */
function builtinType(original: string): string | undefined {
  const spelling = normalizeSpelling(original);
  if (INTERVAL.test(spelling)) return spelling;
  const match = SIMPLE.exec(spelling);
  if (!match) return undefined;
  const [, rawBase, modifier, zone] = match;
  const base = BUILTIN_NAMES[rawBase!];
  if (!base) return undefined;

  if (modifier !== undefined) {
    const arity = MODIFIER_ARITY[base];
    const count = modifier.split(",").length;
    if (arity === undefined || count > arity) {
      throw new KilnError(
        `the type "${original}" is not valid on PostgreSQL: ${base} takes ${arity === undefined ? "no" : `at most ${arity}`} modifier${arity === 1 ? "" : "s"} in parentheses; write it as ${arity === undefined ? base : `${base}(...)`}`,
      );
    }
  }
  const mod = modifier !== undefined ? `(${modifier})` : "";

  const isTime = base === "time" || base === "timetz";
  const isTimestamp = base === "timestamp" || base === "timestamptz";
  if (zone !== undefined && !(base === "time" || base === "timestamp")) {
    throw new KilnError(`the type "${original}" is not valid on PostgreSQL: only time and timestamp take "with/without time zone"`);
  }
  if (isTime || isTimestamp) {
    const withZone = zone === "with" || base === "timetz" || base === "timestamptz";
    return `${isTime ? "time" : "timestamp"}${mod}${withZone ? " with time zone" : ""}`;
  }
  if (base === "float" && modifier !== undefined) {
    // float(p) is real up to 24 bits of precision and double precision above.
    const precision = Number(modifier);
    if (precision >= 1 && precision <= 24) return "real";
    if (precision >= 25 && precision <= 53) return "double precision";
    return `float${mod}`;
  }
  if (base === "float") return "double precision";
  return `${base}${mod}`;
}

/** True for PostgreSQL's own types (after any array suffix is removed); false for enums, domains and extension types. */
export function isBuiltinType(type: string): boolean {
  return builtinType(type.trim().replace(/(\s*\[\s*\d*\s*\])+$/, "")) !== undefined;
}

/** A custom (enum, domain, extension) type named `name` or `schema.name`. */
function namedType(name: string): string {
  const dot = name.indexOf(".");
  if (dot <= 0 || dot === name.length - 1) return quoteIdentifier(name);
  return `${quoteIdentifier(name.slice(0, dot))}.${quoteIdentifier(name.slice(dot + 1))}`;
}

/** Type SQL for a column of `type` (neutral vocabulary, common synonym, enum name or raw SQL). */
export function postgresType(type: string): string {
  if (typeof type !== "string" || type.trim() === "") {
    throw new KilnError(`a column type is empty; give a type such as "integer", "text" or "varchar(255)"`);
  }
  const array = ARRAY_SUFFIX.exec(type.trim());
  if (array && array[1]!.trim() !== "") {
    const dimensions = (array[2]!.match(/\[/g) ?? []).length;
    return `${postgresType(array[1]!)}${"[]".repeat(dimensions)}`;
  }
  const builtin = builtinType(type);
  if (builtin !== undefined) return builtin;
  const trimmed = type.trim();
  if (trimmed.includes("(") || QUOTED_SQL_NAME.test(trimmed)) return trimmed;
  return namedType(trimmed);
}

/** The serial pseudo-type for an auto-increment column of `type`, or undefined if `type` cannot auto-increment. */
export function serialType(type: string): string | undefined {
  const builtin = builtinType(type.trim());
  switch (builtin) {
    case "smallint":
    case "smallserial":
      return "smallserial";
    case "integer":
    case "serial":
      return "serial";
    case "bigint":
    case "bigserial":
      return "bigserial";
    default:
      return undefined;
  }
}
