/** Finding tables by name in the URL's database (and a configured one) on MySQL/MariaDB, for the checks of kiln's own tables. */
import type { Connection, TableSurvey } from "../types.js";

export async function surveyMysqlTables(conn: Connection, names: string[], schema: string | undefined): Promise<TableSurvey> {
  const where = (
    await conn.query(
      "SELECT COALESCE(?, DATABASE()) AS target, EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = COALESCE(?, DATABASE())) AS present",
      [schema ?? null, schema ?? null],
    )
  ).rows[0]!;
  const target = String(where.target);
  const { rows } = await conn.query(
    `SELECT table_schema AS s, table_name AS n, column_name AS c FROM information_schema.columns
      WHERE table_schema IN (DATABASE(), ?) AND table_name IN (${names.map(() => "?").join(", ")})
      ORDER BY table_schema, table_name, ordinal_position`,
    [target, ...names],
  );
  const tables = new Map<string, TableSurvey["tables"][number]>();
  for (const row of rows) {
    // information_schema compares table names without case here; report the name asked for.
    const name = names.find((n) => n.toLowerCase() === String(row.n).toLowerCase()) ?? String(row.n);
    const key = `${row.s}.${row.n}`;
    const entry = tables.get(key) ?? { schema: String(row.s), name, columns: [], atTarget: row.s === target };
    entry.columns.push(String(row.c));
    tables.set(key, entry);
  }
  return { schema: target, schemaExists: Number(where.present) === 1, tables: [...tables.values()] };
}

/** Every base table of the URL's database. */
export async function listMysqlTables(conn: Connection): Promise<{ schema: string; name: string }[]> {
  const { rows } = await conn.query(
    "SELECT table_schema AS s, table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1, 2",
  );
  return rows.map((r) => ({ schema: String(r.s), name: String(r.n) }));
}
