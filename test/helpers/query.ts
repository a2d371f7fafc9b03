/** Ask a database directly (not through kiln) what it holds, to check what kiln did. */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import mysql from "mysql2/promise";
import Database from "better-sqlite3";

export async function queryDb(url: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (url.startsWith("pglite://")) {
    const db = new PGlite(url.slice("pglite://".length));
    try {
      return (await db.query<Record<string, unknown>>(sql, params)).rows;
    } finally {
      await db.close();
    }
  }
  if (url.startsWith("postgres")) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
  if (url.startsWith("mysql") || url.startsWith("mariadb")) {
    const conn = await mysql.createConnection({ uri: url.replace(/^mariadb:/, "mysql:") });
    try {
      const [rows] = await conn.query(sql, params);
      return rows as Record<string, unknown>[];
    } finally {
      await conn.end();
    }
  }
  if (url.startsWith("sqlite://")) {
    const db = new Database(url.slice("sqlite://".length));
    try {
      const stmt = db.prepare(sql);
      return stmt.reader ? (stmt.all(...params) as Record<string, unknown>[]) : (stmt.run(...params), []);
    } finally {
      db.close();
    }
  }
  throw new Error(`queryDb: unsupported url ${url}`);
}

/** Runs a statement and returns the error message, or undefined if it succeeded. */
export async function failureOf(url: string, sql: string): Promise<string | undefined> {
  try {
    await queryDb(url, sql);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
