/**
 * Where every sequence of the user's schemas stands, as the lines pg_dump writes
 * for them in its data section (`SELECT pg_catalog.setval('s', 41, true);`):
 * `pg_dump --schema-only` leaves them out, so round-trip snapshots add them.
 */
import { parseDatabaseUrl } from "../../src/config/url.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";

const SQL = `
SELECT format('SELECT pg_catalog.setval(%L, %s, %s);', c.oid::regclass::text,
              substring(x.state from '<last_value>(-?[0-9]+)</last_value>'),
              substring(x.state from '<is_called>(true|false)</is_called>')) AS line
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL (SELECT query_to_xml(format('SELECT last_value, is_called FROM %s', c.oid::regclass), false, false, '')::text AS state) x
 WHERE c.relkind = 'S' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
   -- kiln's own tables (kiln_history's id) are not part of the schema under test.
   AND c.relname !~ '^kiln_'
 ORDER BY n.nspname, c.relname`;

export async function sequenceValueLines(url: string): Promise<string> {
  const conn = await postgresDialect.connect(parseDatabaseUrl(url));
  try {
    const { rows } = await conn.query(SQL);
    return rows.map((r) => String(r.line)).join("\n");
  } finally {
    await conn.close();
  }
}
