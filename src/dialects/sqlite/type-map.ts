/**
 * Column types. SQLite keeps a column's declared type as free text and only
 * derives an "affinity" from it. That text is what `.schema` shows, so kiln
 * keeps it: introspect reports it exactly as declared (`INT`, `NVARCHAR(120)`),
 * a type from the models is declared in upper case (`varchar(200)` ->
 * `VARCHAR(200)`, bytea -> `BLOB`), and canonicalize lets a model type take the
 * database's text when both mean the same (sameType: `integer` and `INT`,
 * `varchar(120)` and `NVARCHAR(120)`, `timestamp` and `DATETIME`).
 */
import { KilnError } from "../../errors.js";

/** Spellings of one type that mean the same to SQLite and to kiln's vocabulary (compared, never rewritten). */
const DECLARED_ALIASES: Record<string, string> = {
  int: "integer",
  blob: "bytea",
  "double": "double precision",
  datetime: "timestamp",
};

const NEUTRAL_TO_DECLARED: Record<string, string> = {
  bytea: "BLOB",
};

function tidy(type: string): string {
  return type
    .trim()
    .replace(/\s+/g, " ")
    .replace(/\s*\(\s*/g, "(")
    .replace(/\s*,\s*/g, ",")
    .replace(/\s*\)/g, ")");
}

// A type name SQLite accepts: words, optional (n) or (n,m), optional [] suffixes.
const DECLARABLE = /^[A-Za-z_][A-Za-z0-9_]*( [A-Za-z_][A-Za-z0-9_]*)*(\([+-]?\d+(,[+-]?\d+)?\))?(\[\])*$/;

/**
 * The declared type text for a column's type. A type in kiln's neutral
 * vocabulary (lower case, as models write it) is declared in upper case
 * (`varchar(200)` -> `VARCHAR(200)`, bytea -> BLOB); a type with capitals is the
 * database's own text (`NVARCHAR(120)`, `INT`) and is declared as it is. An
 * empty type is a column declared without one.
 */
export function declaredType(type: string, column?: string): string {
  if (type.trim() === "") return "";
  if (/[A-Z]/.test(type)) {
    if (DECLARABLE.test(tidy(type))) return type.trim();
  } else {
    const t = tidy(type);
    const mapped = NEUTRAL_TO_DECLARED[t] ?? t.toUpperCase();
    if (DECLARABLE.test(mapped)) return mapped;
  }
  throw new KilnError(
    `SQLite cannot declare type "${type}"${column ? ` for column "${column}"` : ""}: use a plain type name such as text, integer, numeric(10,2) or varchar(200)`,
  );
}

/** What a declared type means, for comparing: lower case, tidy spacing, one spelling per type (INT and INTEGER alike). */
export function neutralType(declared: string): string {
  const t = tidy(declared).toLowerCase();
  if (t === "") return "";
  const base = t.replace(/^n(varchar|char)\b/, "$1").replace(/^character varying\b/, "varchar");
  return DECLARED_ALIASES[base] ?? base;
}

/** True when two declared types mean the same (`INT` and `integer`, `NVARCHAR(40)` and `varchar(40)`). */
export function sameType(a: string, b: string): boolean {
  return neutralType(a) === neutralType(b);
}

/** The text introspect() will report for a model type created by kiln. */
export function canonicalType(type: string): string {
  return declaredType(type);
}

/** True for the types SQLite can turn into a rowid alias (INTEGER PRIMARY KEY). */
export function isIntegerType(type: string): boolean {
  return ["integer", "int", "bigint", "smallint"].includes(tidy(type).toLowerCase());
}

/**
 * The type a model writes for a declared type so that it is declared the same
 * again (Dialect.modelType): `INTEGER` -> `integer`, `VARCHAR(20)` ->
 * `varchar(20)`, `BLOB` -> `bytea`; any other text stays as it is (customType).
 */
export function modelTypeOf(declared: string): string {
  if (declared === "BLOB") return "bytea";
  const lower = declared.toLowerCase();
  if (lower === declared) return declared;
  try {
    return declaredType(lower) === declared ? lower : declared;
  } catch {
    return declared;
  }
}
