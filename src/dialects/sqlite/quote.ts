/** Identifier and literal quoting for SQLite. */

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** SQLite's default schema: `main` (undefined in a Catalog). */
export function isDefaultSchema(schema: string | undefined): boolean {
  return schema === undefined || schema === "" || schema === "main";
}

/** `"t"` in the main database, `"schema"."t"` in an attached one. */
export function tableName(schema: string | undefined, name: string): string {
  return isDefaultSchema(schema) ? quoteIdentifier(name) : `${quoteIdentifier(schema!)}.${quoteIdentifier(name)}`;
}

/**
 * A JS value as a value SQLite stores: booleans become 0/1 (SQLite has no boolean
 * storage class), Dates ISO-8601 text, plain objects and arrays JSON text.
 */
export function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return value;
}

export function quoteLiteral(value: unknown): string {
  const v = toSqliteValue(value);
  if (v === null) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError(`SQLite has no literal for ${v}`);
    return String(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return `X'${Buffer.from(v).toString("hex")}'`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** SQLite placeholders are positional `?`. */
export function placeholderFor(_index: number): string {
  return "?";
}
