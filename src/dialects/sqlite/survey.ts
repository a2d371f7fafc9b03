/** Finding tables by name in the main and attached SQLite files (for the checks of kiln's own tables). */
import type { Connection, TableSurvey } from "../types.js";
import { LOCK_TABLE } from "./lock.js";
import { quoteIdentifier } from "./quote.js";

export async function surveySqliteTables(conn: Connection, names: string[], schema: string | undefined): Promise<TableSurvey> {
  const databases = (await conn.query("SELECT name FROM pragma_database_list")).rows.map((r) => String(r.name));
  // SQLite compares schema and table names without case.
  const target = databases.find((d) => d.toLowerCase() === (schema ?? "main").toLowerCase()) ?? schema ?? "main";
  const tables: TableSurvey["tables"] = [];
  for (const database of databases) {
    const { rows } = await conn.query(`SELECT name FROM ${quoteIdentifier(database)}.sqlite_master WHERE type = 'table'`);
    for (const row of rows) {
      const name = names.find((n) => n.toLowerCase() === String(row.name).toLowerCase());
      if (name === undefined) continue;
      const columns = (await conn.query("SELECT name FROM pragma_table_info(?, ?)", [String(row.name), database])).rows.map((c) => String(c.name));
      tables.push({ schema: database, name, columns, atTarget: database === target });
    }
  }
  return { schema: target, schemaExists: databases.includes(target), tables };
}

/** Every table of the main, temp and attached files, but SQLite's own and kiln's lock table. */
export async function listSqliteTables(conn: Connection): Promise<{ schema: string; name: string }[]> {
  const databases = (await conn.query("SELECT name FROM pragma_database_list")).rows.map((r) => String(r.name));
  const tables: { schema: string; name: string }[] = [];
  for (const database of databases) {
    const { rows } = await conn.query(`SELECT name FROM ${quoteIdentifier(database)}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`);
    for (const row of rows) if (String(row.name) !== LOCK_TABLE) tables.push({ schema: database, name: String(row.name) });
  }
  return tables;
}
