/**
 * Type spelling between kiln's neutral vocabulary (catalog/types.ts) and MySQL.
 *
 * The mapping is a bijection on what it covers, so that introspect(compile(x))
 * gives x back:
 *   boolean     <-> tinyint(1)          timestamp   <-> datetime(6)   timestamp(p)   <-> datetime(p)
 *   smallint    <-> smallint            timestamptz <-> timestamp(6)  timestamptz(p) <-> timestamp(p)
 *   integer     <-> int                 time        <-> time(6)       time(p)        <-> time(p)
 *   bigint      <-> bigint              date        <-> date
 *   real        <-> float               uuid         -> char(36) (reads back as char(36))
 *   double precision <-> double         json, jsonb  -> json (reads back as json)
 *   numeric     <-> decimal(65,30)      bytea       <-> longblob
 *   numeric(p)  <-> decimal(p,0)        text        <-> text
 *   numeric(p,s)<-> decimal(p,s)        varchar     -> varchar(255)
 * Temporal types keep microseconds, as PostgreSQL does; MySQL's precision-less
 * DATETIME, TIMESTAMP and TIME read back as `timestamp(0)`, `timestamptz(0)` and `time(0)`.
 * Integer display widths read back only where they are not the server's own.
 * Unsupported: interval, timetz and arrays (MySQL has no equivalent).
 * Anything else is MySQL's own spelling and passes through verbatim.
 */
import { KilnError } from "../../errors.js";
import { quoteLiteral } from "./quote.js";

/** The display width MySQL 5.7 and MariaDB give a signed integer type (one less when unsigned, except bigint). */
const DEFAULT_WIDTH: Record<string, number> = { tinyint: 4, smallint: 6, mediumint: 9, int: 11, bigint: 20 };

/** Looks up the values of a named enum type (MySQL inlines them as ENUM(...)). */
export type EnumLookup = (name: string) => string[] | undefined;

const TO_MYSQL: Record<string, string> = {
  smallint: "SMALLINT",
  integer: "INT",
  int: "INT",
  bigint: "BIGINT",
  real: "FLOAT",
  "double precision": "DOUBLE",
  numeric: "DECIMAL(65,30)",
  boolean: "TINYINT(1)",
  text: "TEXT",
  varchar: "VARCHAR(255)",
  date: "DATE",
  time: "TIME(6)",
  timestamp: "DATETIME(6)",
  timestamptz: "TIMESTAMP(6)",
  uuid: "CHAR(36)",
  json: "JSON",
  jsonb: "JSON",
  bytea: "LONGBLOB",
};

const UNSUPPORTED: Record<string, string> = {
  interval: "MySQL has no interval type; store a number of seconds (bigint) or an ISO 8601 duration (varchar)",
  timetz: "MySQL has no time-with-time-zone type; use time and keep the zone in its own column",
};

export function enumTypeSql(values: string[]): string {
  return `ENUM(${values.map((value) => quoteLiteral(value)).join(", ")})`;
}

/**
 * The MySQL spelling of a neutral type. `where` names the column in messages.
 */
export function toMysqlType(type: string, where: string, lookupEnum: EnumLookup = () => undefined): string {
  const neutral = type.trim().toLowerCase().replace(/\s+/g, " ");
  if (neutral.endsWith("[]")) {
    throw new KilnError(
      `column ${where} has the array type "${type}", which MySQL does not support. ` +
        "Use json instead, or a separate table with one row per element.",
    );
  }
  const unsupported = UNSUPPORTED[neutral];
  if (unsupported) throw new KilnError(`column ${where} has type "${type}": ${unsupported}.`);
  const mapped = TO_MYSQL[neutral];
  if (mapped) return mapped;

  // timestamp(p) is DATETIME(p): the same range as PostgreSQL's timestamp (MySQL's TIMESTAMP starts in 1970).
  const temporal = /^(timestamptz|timestamp|time)\s*\(\s*(\d+)\s*\)$/.exec(neutral);
  if (temporal) {
    const base = temporal[1] === "timestamptz" ? "TIMESTAMP" : temporal[1] === "timestamp" ? "DATETIME" : "TIME";
    return temporal[2] === "0" ? base : `${base}(${temporal[2]})`;
  }

  const numeric = /^(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(neutral);
  if (numeric) return `DECIMAL(${numeric[1]},${numeric[2] ?? "0"})`;
  const sized = /^(varchar|char|character varying|character)\s*\(\s*(\d+)\s*\)$/.exec(neutral);
  if (sized) return `${sized[1].startsWith("char") && !sized[1].includes("varying") ? "CHAR" : "VARCHAR"}(${sized[2]})`;
  if (neutral === "char" || neutral === "character") return "CHAR(1)";

  const values = lookupEnum(type.trim());
  if (values) return enumTypeSql(values);
  // MySQL's own spelling (e.g. "mediumtext", "int unsigned", "enum('a','b')").
  return type.trim();
}

/** Fractional-second precision of a MySQL temporal type, or undefined for other types. */
export function temporalPrecision(mysqlType: string): number | undefined {
  const match = /^(datetime|timestamp|time)(?:\s*\(\s*(\d)\s*\))?$/i.exec(mysqlType.trim());
  if (!match) return undefined;
  return match[2] === undefined ? 0 : Number(match[2]);
}

/** Types whose literal defaults MySQL 8 accepts only as a parenthesised expression. */
export function isBlobLike(mysqlType: string): boolean {
  return /^(tiny|medium|long)?(text|blob)\b|^json\b/i.test(mysqlType.trim());
}

/**
 * The neutral spelling of a column read from information_schema.
 * `columnType` is COLUMN_TYPE (e.g. "int(11)", "decimal(10,2)", "enum('a','b')").
 * `isJson` is set when the column is JSON (MySQL) or MariaDB's JSON alias
 * (longtext with an automatic json_valid check).
 */
export function fromMysqlType(columnType: string, isJson: boolean): string {
  if (isJson) return "json";
  const type = columnType.trim();
  const lower = type.toLowerCase();
  // Enum and set values are case-sensitive: keep them as the server prints them.
  if (lower.startsWith("enum(") || lower.startsWith("set(")) return type;

  if (lower === "tinyint(1)") return "boolean";
  // A display width is kept only where it is not the one the server gives by itself (MariaDB prints int(11)).
  const integer = /^(tinyint|smallint|mediumint|int|bigint)(?:\((\d+)\))?( unsigned)?( zerofill)?$/.exec(lower);
  if (integer) {
    const base = integer[1]!;
    const unsigned = Boolean(integer[3] || integer[4]);
    const width = integer[2] !== undefined && Number(integer[2]) !== DEFAULT_WIDTH[base]! - (unsigned && base !== "bigint" ? 1 : 0) ? `(${integer[2]})` : "";
    const suffix = `${integer[3] ?? ""}${integer[4] ?? ""}`;
    if (suffix === "" && width === "") {
      if (base === "int") return "integer";
      if (base === "smallint" || base === "bigint") return base;
    }
    return `${base}${width}${suffix}`;
  }
  const decimal = /^decimal\((\d+),(\d+)\)( unsigned)?$/.exec(lower);
  if (decimal && !decimal[3]) {
    if (decimal[1] === "65" && decimal[2] === "30") return "numeric";
    return decimal[2] === "0" ? `numeric(${decimal[1]})` : `numeric(${decimal[1]},${decimal[2]})`;
  }
  if (lower === "float") return "real";
  if (lower === "double") return "double precision";
  // DATETIME is timestamp, TIMESTAMP is timestamptz; precision 6 (PostgreSQL's) is left out.
  const temporal = /^(datetime|timestamp|time)(?:\((\d)\))?$/.exec(lower);
  if (temporal) {
    const base = temporal[1] === "datetime" ? "timestamp" : temporal[1] === "timestamp" ? "timestamptz" : "time";
    const precision = temporal[2] ?? "0";
    return precision === "6" ? base : `${base}(${precision})`;
  }
  if (lower === "longblob") return "bytea";
  if (lower === "json") return "json";
  return lower;
}
