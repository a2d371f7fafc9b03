/**
 * PostgreSQL SQL text: quoting identifiers and literals, placeholders.
 *
 * Literals are written so that they mean the same thing whatever the session's
 * `standard_conforming_strings` says: a string holding a backslash uses the
 * E'' form (where backslashes are always escapes) with backslashes doubled;
 * every other string is a plain '' literal.
 */
import { KilnError } from "../../errors.js";
import { fitsLimit, tooLongMessage } from "../identifier-limit.js";
import type { IdentifierLimit } from "../types.js";

/** NAMEDATALEN - 1 on a standard PostgreSQL build, in bytes of UTF-8 (not characters). */
export const POSTGRES_IDENTIFIER_LIMIT: IdentifierLimit = { max: 63, unit: "bytes", database: "PostgreSQL" };

/** Double-quotes a name, doubling embedded quotes. Case, spaces, unicode and punctuation are kept as given. */
export function quoteIdentifier(name: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new KilnError(`cannot quote an empty identifier for PostgreSQL: every table, column, constraint, index, type and schema needs a name`);
  }
  if (name.includes("\0")) {
    throw new KilnError(`the identifier ${JSON.stringify(name)} contains a NUL byte, which PostgreSQL does not allow in names; rename it`);
  }
  if (!fitsLimit(POSTGRES_IDENTIFIER_LIMIT, name)) {
    // PostgreSQL would truncate it with only a NOTICE, and the stored name would
    // then never match the one kiln compares against.
    throw new KilnError(`${tooLongMessage(POSTGRES_IDENTIFIER_LIMIT, name)} (or a shorter naming convention).`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"`, or `"name"` for the default schema. */
export function tableName(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(name)}` : quoteIdentifier(name);
}

/** The i-th (0-based) bound parameter: `$1`, `$2`, ... */
export function placeholder(index: number): string {
  if (!Number.isInteger(index) || index < 0) {
    throw new KilnError(`parameter index must be a non-negative integer, got ${String(index)}`);
  }
  return `$${index + 1}`;
}

/** An SQL string literal for arbitrary text. */
export function quoteString(text: string): string {
  if (text.includes("\0")) {
    throw new KilnError(`the string ${JSON.stringify(text)} contains a NUL byte, which PostgreSQL text cannot hold; use a bytea value (Buffer) instead`);
  }
  const doubledQuotes = text.replace(/'/g, "''");
  if (!text.includes("\\")) return `'${doubledQuotes}'`;
  return `E'${doubledQuotes.replace(/\\/g, "\\\\")}'`;
}

function quoteNumber(value: number): string {
  // Non-finite values exist as float/numeric input strings, not as bare words.
  if (Number.isNaN(value)) return "'NaN'";
  if (value === Infinity) return "'Infinity'";
  if (value === -Infinity) return "'-Infinity'";
  return String(value);
}

function quoteBytes(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  // E'' so that the \x hex prefix reaches bytea input unchanged in every string mode.
  return `E'\\\\x${hex}'::bytea`;
}

function quoteDate(value: Date): string {
  if (Number.isNaN(value.getTime())) {
    throw new KilnError(`cannot write an invalid Date as an SQL literal`);
  }
  return quoteString(value.toISOString());
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function toJsonText(value: unknown): string {
  // JSON has no bigint: keep the digits exactly by writing them as a string.
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** SQL literal for a JS value, as PostgreSQL reads it. */
export function quoteLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  switch (typeof value) {
    case "string":
      return quoteString(value);
    case "number":
      return quoteNumber(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "TRUE" : "FALSE";
    case "object":
      if (value instanceof Date) return quoteDate(value);
      if (value instanceof Uint8Array) return quoteBytes(value);
      if (Array.isArray(value) || isPlainObject(value)) return quoteString(toJsonText(value));
      break;
    default:
      break;
  }
  const description = typeof value === "object" ? `a ${value.constructor?.name ?? "object"} instance` : `a ${typeof value}`;
  throw new KilnError(`cannot write ${description} as a PostgreSQL literal; pass a string, number, bigint, boolean, null, Date, Buffer, array or plain object`);
}
