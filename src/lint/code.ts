/**
 * Revision code for the "safe form" of a finding: `await op.method(args);` lines
 * with the operation's own names, so the user can paste them.
 */
import type { IndexElement } from "../catalog/types.js";
import type { TableRef } from "../operations/types.js";

/** A JavaScript string literal, double-quoted unless the text holds double quotes. */
export function jsString(text: string): string {
  if (!text.includes('"')) return JSON.stringify(text);
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

/** JavaScript source for plain data: strings, numbers, booleans, arrays and objects with identifier keys. */
export function jsValue(value: unknown): string {
  if (typeof value === "string") return jsString(value);
  if (Array.isArray(value)) return `[${value.map(jsValue).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : jsString(k)}: ${jsValue(v)}`).join(", ")} }`;
  }
  return String(value);
}

/** `await op.method(arg, ...);` with undefined trailing arguments and empty option objects left out. */
export function opCall(method: string, ...args: unknown[]): string {
  const kept = [...args];
  while (kept.length > 0) {
    const last = kept[kept.length - 1];
    const emptyObject = last !== null && typeof last === "object" && !Array.isArray(last) && Object.values(last).every((v) => v === undefined);
    if (last === undefined || emptyObject) kept.pop();
    else break;
  }
  return `await op.${method}(${kept.map(jsValue).join(", ")});`;
}

/** The `{ schema }` option of an op call, or undefined for the default schema. */
export function schemaOption(ref: TableRef): { schema?: string } {
  return ref.schema ? { schema: ref.schema } : {};
}

export function indexColumns(columns: IndexElement[]): unknown[] {
  return columns.map((c) => (typeof c === "string" ? c : { ...c }));
}

/** A PostgreSQL identifier in double quotes, embedded quotes doubled. */
export function pgIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function pgTable(ref: TableRef): string {
  return ref.schema ? `${pgIdentifier(ref.schema)}.${pgIdentifier(ref.table)}` : pgIdentifier(ref.table);
}

/** How messages name a table: `"users"`, `"billing"."invoices"`. */
export function tableLabel(ref: TableRef): string {
  return pgTable(ref);
}

/** How messages name a column: `"users"."email"`. */
export function columnLabel(ref: TableRef, column: string): string {
  return `${pgTable(ref)}.${pgIdentifier(column)}`;
}

/** A name derived from others, kept within PostgreSQL's 63 bytes. */
export function derivedName(...parts: string[]): string {
  let name = parts.join("_");
  while (Buffer.byteLength(name, "utf8") > 63) name = name.slice(0, -1);
  return name;
}
