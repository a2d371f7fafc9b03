/**
 * Identifier length limits, measured the way each database measures them (see
 * Dialect.identifierLimit): PostgreSQL counts bytes of UTF-8, MySQL characters.
 * Used wherever kiln checks or generates a name.
 */
import { KilnError } from "../errors.js";
import type { IdentifierLimit } from "./types.js";

/** The length of `name` in the limit's unit. */
export function identifierLength(limit: IdentifierLimit, name: string): number {
  return limit.unit === "bytes" ? Buffer.byteLength(name, "utf8") : [...name].length;
}

/** True when `name` fits (always, without a limit). */
export function fitsLimit(limit: IdentifierLimit | undefined, name: string): boolean {
  if (!limit) return true;
  // At most 3 bytes of UTF-8 (and one character) per UTF-16 code unit: short names need no counting.
  if (name.length * 3 <= limit.max) return true;
  return identifierLength(limit, name) <= limit.max;
}

/** `the name "…" is N bytes long; PostgreSQL keeps only 63 bytes of a name`, for messages. */
export function tooLongMessage(limit: IdentifierLimit, name: string, start = "the name"): string {
  return `${start} "${name}" is ${identifierLength(limit, name)} ${limit.unit} long; ${limit.database} allows at most ${limit.max} ${limit.unit} in a name. Choose a shorter name`;
}

/** Throws a KilnError, prefixed by `where`, when `name` is too long for the limit. */
export function checkIdentifierLength(limit: IdentifierLimit | undefined, name: string, where: string | (() => string)): void {
  if (fitsLimit(limit, name)) return;
  throw new KilnError(`${typeof where === "function" ? where() : where}: ${tooLongMessage(limit!, name)}.`);
}
