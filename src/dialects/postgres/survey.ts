/** Finding tables by name in every schema of a PostgreSQL database (for the checks of kiln's own tables). */
import type { Connection, TableSurvey } from "../types.js";

/**
 * One round trip, from pg_catalog: information_schema.columns answers the same
 * (tables, views, foreign and partitioned tables; the columns the user may use)
 * but costs about 20 ms more on a fresh session, a command's only kind, than
 * these catalogs with the view's own conditions (docs/benchmarks.md,
 * "Upgrading through long histories").
 */
export async function surveyPostgresTables(conn: Connection, names: string[], schema: string | undefined): Promise<TableSurvey> {
  const placeholders = names.map((_, i) => `$${i + 2}`).join(", ");
  // Other schemas matter only when the target schema is missing (a misspelt versionSchema
  // whose tables are elsewhere): a database of many tenant schemas is not read whole per tenant.
  const { rows } = await conn.query(
    `WITH place AS (
       SELECT coalesce($1::text, current_schema(), 'public') AS target,
              EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = coalesce($1::text, current_schema())) AS present
     )
     SELECT place.target, place.present, found.s, found.n, found.c
       FROM place LEFT JOIN LATERAL (
         SELECT n.nspname AS s, c.relname AS n, a.attname AS c, a.attnum
           FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          WHERE c.relname IN (${placeholders}) AND c.relkind IN ('r', 'v', 'f', 'p')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT pg_catalog.pg_is_other_temp_schema(n.oid)
            AND (pg_catalog.pg_has_role(c.relowner, 'USAGE') OR pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))
            AND (NOT place.present OR n.nspname = place.target)
       ) found ON true
      ORDER BY found.s, found.n, found.attnum`,
    [schema ?? null, ...names],
  );
  const target = String(rows[0]!.target);
  const present = rows[0]!.present === true;
  const tables = new Map<string, TableSurvey["tables"][number]>();
  for (const row of rows) {
    if (row.s === null) continue;
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
