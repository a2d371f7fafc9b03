/**
 * Scratch databases on the local PostgreSQL server, all named kiln_bench_*, and
 * a way to run SQL in them. The server is KILN_BENCH_PG (default
 * postgres://postgres@127.0.0.1:5432/postgres, trust auth).
 */
import pg from "pg";

export const ADMIN_URL = process.env.KILN_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";

function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

export function databaseUrl(name) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs SQL text (several statements allowed) in the database at `url`. */
export function runSql(url, sql) {
  return withClient(url, (client) => client.query(sql));
}

/** A fresh empty database `kiln_bench_<suffix>` (dropped first if a past run left it). Returns its URL. */
export async function createScratchDatabase(suffix) {
  const name = `kiln_bench_${suffix}`;
  await withClient(ADMIN_URL, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  return { name, url: databaseUrl(name) };
}

export function dropScratchDatabase(name) {
  return withClient(ADMIN_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** Drops every kiln_bench_* database (a run interrupted before its clean-up leaves some). */
export async function dropAllScratchDatabases() {
  const names = await withClient(ADMIN_URL, async (client) => {
    const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'kiln\\_bench\\_%'");
    return rows.map((row) => row.datname);
  });
  for (const name of names) await dropScratchDatabase(name);
}

/** Server version string, e.g. "15.20". */
export function serverVersion() {
  return withClient(ADMIN_URL, async (client) => (await client.query("SHOW server_version")).rows[0].server_version);
}

/** Number of user tables in the public schema. */
export function countTables(url) {
  return withClient(
    url,
    async (client) => Number((await client.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n),
  );
}

/** Empties a database: drops and recreates the public schema (untimed set-up between runs). */
export function resetPublicSchema(url) {
  return runSql(url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
}
