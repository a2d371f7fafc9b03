/** Finding tables by name in every schema of a PostgreSQL database (for the checks of kiln's own tables). */
import type { Connection, TableSurvey } from "../types.js";

export async function surveyPostgresTables(conn: Connection, names: string[], schema: string | undefined): Promise<TableSurvey> {
  const where = (
    await conn.query(
      `SELECT coalesce($1::text, current_schema(), 'public') AS target, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = coalesce($1::text, current_schema())) AS present`,
      [schema ?? null],
    )
  ).rows[0]!;
  const target = String(where.target);
  const present = where.present === true;
  // Other schemas matter only when the target schema is missing (a misspelt versionSchema
  // whose tables are elsewhere): a database of many tenant schemas is not read whole per tenant.
  const placeholders = names.map((_, i) => `$${i + 2}`).join(", ");
  const { rows } = await conn.query(
    `SELECT table_schema AS s, table_name AS n, column_name AS c FROM information_schema.columns
      WHERE table_name IN (${placeholders}) AND table_schema NOT IN ('pg_catalog', 'information_schema')
        AND ($1::text IS NULL OR table_schema = $1::text)
      ORDER BY table_schema, table_name, ordinal_position`,
    [present ? target : null, ...names],
  );
  const tables = new Map<string, TableSurvey["tables"][number]>();
  for (const row of rows) {
    const key = `${row.s}.${row.n}`;
    const entry = tables.get(key) ?? { schema: String(row.s), name: String(row.n), columns: [], atTarget: row.s === target };
    entry.columns.push(String(row.c));
    tables.set(key, entry);
  }
  return { schema: target, schemaExists: present, tables: [...tables.values()] };
}

/** Every table (plain, partitioned, foreign) in every schema but PostgreSQL's own. */
export async function listPostgresTables(conn: Connection): Promise<{ schema: string; name: string }[]> {
  const { rows } = await conn.query(
    `SELECT n.nspname AS s, c.relname AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ schema: String(r.s), name: String(r.n) }));
}

/** The schemas a user made: not the system's, not one an extension created (Dialect.listSchemas). */
export async function listPostgresSchemas(conn: Connection): Promise<string[]> {
  const { rows } = await conn.query(
    `SELECT n.nspname AS name FROM pg_namespace n
      WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  return rows.map((r) => String(r.name));
}
