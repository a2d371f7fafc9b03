/**
 * MySQL/MariaDB SQL text: identifiers in backticks, literals escaped for the
 * default sql_mode (NO_BACKSLASH_ESCAPES off, so a backslash must be doubled).
 */
import { KilnError } from "../../errors.js";
import { fitsLimit, tooLongMessage } from "../identifier-limit.js";
import type { IdentifierLimit } from "../types.js";

/** Tables, columns, indexes, constraints and databases: 64 characters (not bytes). */
export const MYSQL_IDENTIFIER_LIMIT: IdentifierLimit = { max: 64, unit: "characters", database: "MySQL/MariaDB" };

/**
 * Makes a backslash in a string literal an escape, as quoteLiteral writes it, even on a
 * server configured with NO_BACKSLASH_ESCAPES. Run by each kiln session and first in --sql scripts.
 */
export const BACKSLASH_ESCAPES_SQL = "SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')";

export function quoteIdentifier(name: string): string {
  if (name.includes("\u0000")) {
    throw new KilnError(`MySQL identifiers cannot contain a NUL character: ${JSON.stringify(name)}`);
  }
  const outside = supplementaryCharacter(name);
  if (outside) {
    throw new KilnError(
      `MySQL and MariaDB identifiers cannot contain ${outside} (a character outside the Basic Multilingual Plane, such as an emoji): ${JSON.stringify(name)}; rename it`,
    );
  }
  if (!fitsLimit(MYSQL_IDENTIFIER_LIMIT, name)) {
    // MySQL refuses it only when the statement runs; say it where the name is written.
    throw new KilnError(`${tooLongMessage(MYSQL_IDENTIFIER_LIMIT, name)} (or a shorter naming convention).`);
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
  if (Number.isNaN(date.getTime())) throw new KilnError("cannot write an invalid Date as a MySQL literal");
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

/** The first character above U+FFFF in `text`, as `U+1F642 "🙂"`; undefined if none. */
function supplementaryCharacter(text: string): string | undefined {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code > 0xffff) return `U+${code.toString(16).toUpperCase()} ${JSON.stringify(char)}`;
  }
  return undefined;
}

/**
 * A comment kept in the table definition. The server reports it (information_schema,
 * SHOW CREATE TABLE) in the utf8mb3 system character set, which prints a character
 * above U+FFFF as "?", and unlike enum values and defaults (exact-text.ts) no query
 * gives it back exactly: kiln could not tell it from a corrupted "?", so it refuses it.
 */
export function assertReadableMetadata(text: string, what: string): void {
  const outside = supplementaryCharacter(text);
  if (!outside) return;
  throw new KilnError(
    `${what} contains ${outside}: MySQL and MariaDB report comments in utf8mb3, which shows characters above U+FFFF (such as emoji) as "?", so kiln could not read it back or see it corrupted; use characters up to U+FFFF in comments`,
  );
}

/**
 * A default written as a standard SQL string literal (the models' spelling, where a
 * backslash is an ordinary character) in the server's spelling, where a backslash
 * escapes: 'a\b' must reach MariaDB as 'a\\b'. Other text (numbers, expressions) is returned as is.
 */
export function standardLiteralToMysql(text: string): string {
  const match = /^'((?:[^']|'')*)'$/s.exec(text);
  return match ? quoteString(match[1]!.replaceAll("''", "'")) : text;
}

export function placeholder(_index: number): string {
  return "?";
}
