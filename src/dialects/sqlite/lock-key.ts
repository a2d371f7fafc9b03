/** The SQLite migration lock's key: which version table a config means, however it spells it. */
import { realpathSync } from "node:fs";
import type { BookkeepingNames, Connection } from "../types.js";
import { quoteIdentifier } from "./quote.js";

/**
 * The version table's identity. The lock row lives in the main database file,
 * so a table there is `main:<name>` however the config spells it (no schema,
 * "main", "MAIN"); a table in another attached file is named by that file's
 * real path. SQLite compares table names case-insensitively (ASCII only).
 */
export async function sqliteLockKey(conn: Connection, names: BookkeepingNames): Promise<string> {
  const schemas = (await conn.query("PRAGMA database_list")).rows.map((r) => ({ name: String(r.name), file: String(r.file ?? "") }));
  const table = names.versionTable.replace(/[A-Z]+/g, (c) => c.toLowerCase());
  let schema = names.schema === undefined || names.schema === "" ? undefined : schemas.find((s) => s.name.toLowerCase() === names.schema!.toLowerCase());
  if (names.schema && !schema) return `${names.schema}:${table}`; // not attached: every statement on it will say so
  if (!schema) {
    // An unqualified name means the first of temp, main, then the attached files that has the table; else main.
    const order = [...schemas.filter((s) => s.name === "temp"), ...schemas.filter((s) => s.name !== "temp")];
    for (const candidate of order) {
      const found = await conn.query(`SELECT 1 FROM ${quoteIdentifier(candidate.name)}.sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE`, [table]);
      if (found.rows.length > 0) {
        schema = candidate;
        break;
      }
    }
  }
  const main = schemas.find((s) => s.name === "main");
  if (!schema || schema.name === "main" || (schema.file !== "" && schema.file === main?.file)) return `main:${table}`;
  return `${schema.file === "" ? schema.name : realFile(schema.file)}:${table}`;
}

function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
