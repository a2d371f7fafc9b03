/**
 * Scratch databases for integration tests. Each call makes a fresh, uniquely
 * named database and returns its URL and a drop function.
 *
 * Servers: PostgreSQL at KILN_TEST_PG (default postgres://postgres@127.0.0.1:5432/postgres),
 * MariaDB/MySQL at KILN_TEST_MYSQL (default mysql://root@127.0.0.1:3306/test).
 * When a server is unreachable the suite is skipped locally, but under CI=true
 * `serverAvailable` throws: CI must run every suite.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import mysql from "mysql2/promise";

export const PG_ADMIN_URL = process.env.KILN_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const MYSQL_ADMIN_URL = process.env.KILN_TEST_MYSQL ?? "mysql://root@127.0.0.1:3306/test";

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function scratchName(): string {
  return `kiln_t_${randomBytes(5).toString("hex")}`;
}

async function pgReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function mysqlReachable(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, connectTimeout: 3000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/** True when the server answers. Under CI=true an unreachable server is an error, not a skip. */
export async function serverAvailable(kind: "postgresql" | "mysql"): Promise<boolean> {
  const ok = kind === "postgresql" ? await pgReachable() : await mysqlReachable();
  if (!ok && process.env.CI === "true") {
    throw new Error(`${kind} server is not reachable (${kind === "postgresql" ? PG_ADMIN_URL : MYSQL_ADMIN_URL}); CI must run this suite. Start it as .ci/run does.`);
  }
  return ok;
}

export async function createPgDatabase(): Promise<ScratchDatabase> {
  const name = scratchName();
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createMysqlDatabase(): Promise<ScratchDatabase> {
  const name = scratchName();
  const admin = await mysql.createConnection({ uri: MYSQL_ADMIN_URL });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const url = new URL(MYSQL_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = await mysql.createConnection({ uri: MYSQL_ADMIN_URL });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix = "kiln-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
