/**
 * MySQL/MariaDB SQL text: identifiers in backticks, literals escaped for the
 * default sql_mode (NO_BACKSLASH_ESCAPES off, so a backslash must be doubled).
 */
import { KilnError } from "../../errors.js";

export function quoteIdentifier(name: string): string {
  if (name.includes("\u0000")) {
    throw new KilnError(`MySQL identifiers cannot contain a NUL character: ${JSON.stringify(name)}`);
  }
  return "`" + name.replaceAll("`", "``") + "`";
}

/** A possibly database-qualified table name: MySQL's "schema" is a database. */
export function tableName(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(name)}` : quoteIdentifier(name);
}

function quoteString(text: string): string {
  // Backslash first, then the characters the server or a terminal could misread.
  const escaped = text
    .replaceAll("\\", "\\\\")
    .replaceAll("'", "''")
    .replaceAll("\u0000", "\\0")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\u001a", "\\Z");
  return `'${escaped}'`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Dates are written in UTC: kiln's sessions run with time_zone '+00:00'. */
function quoteDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new KilnError("Cannot write an invalid Date as a MySQL literal");
  const text =
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
  return `'${text}'`;
}

export function quoteLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return quoteString(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new KilnError(`MySQL has no literal for ${value}; store it as NULL or a string`);
    return String(value);
  }
  if (value instanceof Date) return quoteDate(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return `X'${Buffer.from(value).toString("hex")}'`;
  }
  return quoteString(JSON.stringify(value));
}

export function placeholder(_index: number): string {
  return "?";
}
