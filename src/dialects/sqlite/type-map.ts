/**
 * Column types. SQLite keeps a column's declared type as free text and only
 * derives an "affinity" from it, so kiln declares the neutral type in upper case
 * (`varchar(200)` -> `VARCHAR(200)`, `timestamptz` -> `TIMESTAMPTZ`) and reads it
 * back lower-cased: the round trip is exact. Two spellings differ on purpose:
 * `bytea` is declared `BLOB` (so binary values keep BLOB affinity) and reads back
 * as `bytea`; hand-written `INT` reads back as `integer`.
 */
import { KilnError } from "../../errors.js";

/** Declared types read back into a neutral spelling other than their own. */
const DECLARED_ALIASES: Record<string, string> = {
  int: "integer",
  blob: "bytea",
  "double": "double precision",
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

/** The declared type text for a neutral type. */
export function declaredType(neutral: string, column?: string): string {
  const t = tidy(neutral).toLowerCase();
  const mapped = NEUTRAL_TO_DECLARED[t] ?? t.toUpperCase();
  if (!DECLARABLE.test(mapped)) {
    throw new KilnError(
      `SQLite cannot declare type "${neutral}"${column ? ` for column "${column}"` : ""}: use a plain type name such as text, integer, numeric(10,2) or varchar(200)`,
    );
  }
  return mapped;
}

/** The neutral type for a declared type read from the database. */
export function neutralType(declared: string): string {
  const t = tidy(declared).toLowerCase();
  if (t === "") return "";
  return DECLARED_ALIASES[t] ?? t;
}

/** The spelling introspect() will report for a model type. */
export function canonicalType(neutral: string): string {
  return neutralType(declaredType(neutral));
}

/** True for the types SQLite can turn into a rowid alias (INTEGER PRIMARY KEY). */
export function isIntegerType(neutral: string): boolean {
  return ["integer", "int", "bigint", "smallint"].includes(tidy(neutral).toLowerCase());
}
