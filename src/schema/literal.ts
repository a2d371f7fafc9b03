/**
 * JS default values -> plain SQL literal text (`'draft'`, `0`, `true`, `NULL`).
 * Dialects canonicalize the text later (casts, quoting style); this module only
 * writes standard SQL that every supported database reads the same way.
 */
import { KilnError } from "../errors.js";

/** What the renderer needs to know about the column the default belongs to. */
export interface LiteralTarget {
  /** For messages, e.g. `integer[]`. */
  type: string;
  /** json/jsonb: any JS value is written as JSON text. */
  json: boolean;
  /** Array column: JS arrays become array literals `'{...}'`. */
  array: boolean;
  /** date (not timestamp): Date values keep only the calendar day. */
  dateOnly: boolean;
}

/** Standard SQL string literal: single quotes, embedded quotes doubled. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function fail(target: LiteralTarget, value: unknown, why: string): never {
  throw new KilnError(
    `.default(${preview(value)}) on a ${target.type} column: ${why}. ` +
      "Pass a value of the column's type, or write the expression with sql`...`.",
  );
}

function preview(value: unknown): string {
  try {
    const text = typeof value === "bigint" ? `${value}n` : JSON.stringify(value) ?? String(value);
    return text.length > 40 ? `${text.slice(0, 40)}...` : text;
  } catch {
    return String(value);
  }
}

function dateText(value: Date, target: LiteralTarget): string {
  if (Number.isNaN(value.getTime())) fail(target, value, "the Date is invalid");
  const iso = value.toISOString();
  return target.dateOnly ? iso.slice(0, 10) : iso;
}

/** Element text inside a PostgreSQL array literal; strings are double-quoted with `\` escapes. */
function arrayElement(value: unknown, target: LiteralTarget): string {
  if (value === null) return "NULL";
  if (Array.isArray(value)) return `{${value.map((v) => arrayElement(v, target)).join(",")}}`;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(target, value, "array elements must be finite numbers");
    return String(value);
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  let text: string;
  if (typeof value === "string") text = value;
  else if (value instanceof Date) text = dateText(value, target);
  else fail(target, value, "array elements must be strings, numbers, booleans, Dates or null");
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

export function renderLiteral(value: unknown, target: LiteralTarget): string {
  if (value === null) return "NULL";
  if (target.json) {
    const text = JSON.stringify(value);
    if (text === undefined) fail(target, value, "the value cannot be written as JSON");
    return quoteString(text);
  }
  if (target.array) {
    if (!Array.isArray(value)) fail(target, value, "an array column needs an array default");
    return quoteString(arrayElement(value, target));
  }
  switch (typeof value) {
    case "string":
      return quoteString(value);
    case "number":
      if (!Number.isFinite(value)) fail(target, value, "numbers must be finite");
      return String(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
  }
  if (value instanceof Date) return quoteString(dateText(value, target));
  if (value instanceof Uint8Array) return quoteString(`\\x${Buffer.from(value).toString("hex")}`);
  return fail(target, value, "this kind of value has no SQL literal form here");
}
