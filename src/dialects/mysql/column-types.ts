/**
 * Type spelling between kiln's neutral vocabulary (catalog/types.ts) and MySQL.
 *
 * The mapping is a bijection on what it covers, so that introspect(compile(x))
 * gives x back:
 *   boolean     <-> tinyint(1)          timestamp   <-> datetime(6)
 *   smallint    <-> smallint            timestamptz <-> timestamp(6)
 *   integer     <-> int                 time        <-> time(6)
 *   bigint      <-> bigint              date        <-> date
 *   real        <-> float               uuid         -> char(36) (reads back as char(36))
 *   double precision <-> double         json, jsonb  -> json (reads back as json)
 *   numeric     <-> decimal(65,30)      bytea       <-> longblob
 *   numeric(p)  <-> decimal(p,0)        text        <-> text
 *   numeric(p,s)<-> decimal(p,s)        varchar     -> varchar(255)
 * Temporal types keep microseconds, as PostgreSQL does; MySQL's precision-less
 * spellings read back as `datetime`, `timestamp(0)` and `time(0)`.
 * Unsupported: interval, timetz and arrays (MySQL has no equivalent).
 * Anything else is MySQL's own spelling and passes through verbatim.
 */
import { KilnError } from "../../errors.js";
import { quoteLiteral } from "./quote.js";

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
  // Display widths (int(11)) mean nothing since MySQL 8; drop them for signed and unsigned ints.
  const integer = /^(tinyint|smallint|mediumint|int|bigint)(?:\(\d+\))?( unsigned)?( zerofill)?$/.exec(lower);
  if (integer) {
    const base = integer[1];
    const suffix = `${integer[2] ?? ""}${integer[3] ?? ""}`;
    if (suffix === "") {
      if (base === "int") return "integer";
      if (base === "smallint" || base === "bigint") return base;
    }
    return `${base}${suffix}`;
  }
  const decimal = /^decimal\((\d+),(\d+)\)( unsigned)?$/.exec(lower);
  if (decimal && !decimal[3]) {
    if (decimal[1] === "65" && decimal[2] === "30") return "numeric";
    return decimal[2] === "0" ? `numeric(${decimal[1]})` : `numeric(${decimal[1]},${decimal[2]})`;
  }
  if (lower === "float") return "real";
  if (lower === "double") return "double precision";
  if (lower === "datetime(6)") return "timestamp";
  if (lower === "timestamp(6)") return "timestamptz";
  if (lower === "time(6)") return "time";
  if (lower === "timestamp" || lower === "time") return `${lower}(0)`;
  if (lower === "longblob") return "bytea";
  if (lower === "json") return "json";
  return lower;
}
