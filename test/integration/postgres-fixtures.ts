/**
 * Shared setup for the PostgreSQL integration suites: every suite runs on
 * PGlite (PostgreSQL 18, in memory) and on the PostgreSQL server (a scratch
 * database), through the same `Connection` interface.
 */
import { connectPglite, connectPostgres } from "../../src/dialects/postgres/connect.js";
import type { Connection, DatabaseUrl } from "../../src/dialects/types.js";
import { createPgDatabase, serverAvailable } from "../helpers/databases.js";

export interface PostgresTarget {
  name: "pglite" | "postgresql";
  available: boolean;
  /** A fresh, empty database and a function that closes and removes it. */
  open(): Promise<{ conn: Connection; url: DatabaseUrl; dispose(): Promise<void> }>;
}

export function databaseUrl(raw: string): DatabaseUrl {
  let display = raw;
  try {
    const u = new URL(raw);
    if (u.password) {
      u.password = "***";
      display = u.toString();
    }
  } catch {
    // pglite:// paths need not be valid URLs.
  }
  return { raw, display, scheme: raw.slice(0, raw.indexOf(":")) };
}

const serverUp = await serverAvailable("postgresql");

let sharedPglite: Promise<Connection> | undefined;

/** Drop every user schema (and so everything in it) and start again with an empty public. */
async function wipe(conn: Connection): Promise<void> {
  await conn.query(`
    SELECT pg_advisory_unlock_all();
    DO $$
    DECLARE s text;
    BEGIN
      FOR s IN SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', s);
      END LOOP;
    END $$;
    CREATE SCHEMA public;`);
}

export const postgresTargets: PostgresTarget[] = [
  {
    name: "pglite",
    available: true,
    // Starting PGlite takes seconds: tests share one instance, wiped between tests.
    async open() {
      const url = databaseUrl("pglite://memory");
      sharedPglite ??= connectPglite(url);
      const conn = await sharedPglite;
      return { conn, url, dispose: () => wipe(conn) };
    },
  },
  {
    name: "postgresql",
    available: serverUp,
    async open() {
      const db = await createPgDatabase();
      const url = databaseUrl(db.url);
      const conn = await connectPostgres(url);
      return {
        conn,
        url,
        async dispose() {
          await conn.close();
          await db.drop();
        },
      };
    },
  },
];

/** A Connection that counts the queries sent through it. */
export function countingConnection(conn: Connection): Connection & { count: number } {
  const counting = {
    count: 0,
    query(sql: string, params?: unknown[]) {
      counting.count++;
      return conn.query(sql, params);
    },
    close: () => conn.close(),
  };
  return counting;
}
