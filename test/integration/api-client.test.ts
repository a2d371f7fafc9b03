/**
 * kiln from code without a config file: `upgrade({ url, migrations })`, and
 * `upgrade/current/downgrade({ client })` with the application's own pg.Pool,
 * pg.Client, PGlite instance, mysql2 pool and better-sqlite3 Database. The
 * folder holds only a migrations folder; the caller's client still works after.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { current, downgrade, upgrade } from "../../src/index.js";
import { createMysqlDatabase, createPgDatabase, serverAvailable, tempDir, type ScratchDatabase } from "../helpers/databases.js";
import { revisionSource } from "../helpers/project.js";

const FIRST = "a00000000001";
const SECOND = "a00000000002";

/** A folder with only migrations/: two revisions creating widgets, then gadgets. */
function projectFolder(): { path: string; remove(): void } {
  const dir = tempDir("kiln-api-");
  mkdirSync(join(dir.path, "migrations"));
  const table = (name: string) => ({
    upgrade: `op.createTable(${JSON.stringify(name)}, { id: { type: "integer", primaryKey: true } });`,
    downgrade: `op.dropTable(${JSON.stringify(name)});`,
  });
  writeFileSync(join(dir.path, "migrations", `20260101000001_${FIRST}.ts`), revisionSource({ revision: FIRST, downRevision: null, message: "widgets", ...table("widgets") }));
  writeFileSync(join(dir.path, "migrations", `20260101000002_${SECOND}.ts`), revisionSource({ revision: SECOND, downRevision: FIRST, message: "gadgets", ...table("gadgets") }));
  return dir;
}

let folder: { path: string; remove(): void };
beforeAll(() => {
  folder = projectFolder();
});
afterAll(() => folder?.remove());

/** upgrade, current, downgrade -1 through the client; `tables()` lists the user tables as the caller sees them. */
async function roundTrip(client: unknown, tables: () => Promise<string[]>): Promise<void> {
  expect(existsSync(join(folder.path, "kiln.config.ts"))).toBe(false);
  const up = await upgrade({ cwd: folder.path, client });
  expect(up.steps.map((s) => s.revision)).toEqual([FIRST, SECOND]);
  expect(up.heads).toEqual([SECOND]);
  expect(up.database).toMatch(/given as client/);
  expect(await tables()).toEqual(expect.arrayContaining(["gadgets", "widgets"]));

  const now = await current({ cwd: folder.path, client });
  expect(now.upToDate).toBe(true);
  expect(now.current.map((c) => c.revision)).toEqual([SECOND]);

  const down = await downgrade({ cwd: folder.path, client, target: "-1" });
  expect(down.heads).toEqual([FIRST]);
  const after = await tables();
  expect(after).toContain("widgets");
  expect(after).not.toContain("gadgets");
}

const pgTables = async (query: (sql: string) => Promise<{ rows: { name: string }[] }>) =>
  (await query("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.name);

describe("PostgreSQL server", () => {
  let db: ScratchDatabase | undefined;
  beforeAll(async () => {
    if (await serverAvailable("postgresql")) db = await createPgDatabase();
  });
  afterAll(async () => db?.drop());

  it("migrates with the application's pg.Pool, gives its client back, and leaves the pool working", async () => {
    if (!db) return expect.fail("PostgreSQL server not available");
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      await roundTrip(pool, () => pgTables((sql) => pool.query(sql)));
      expect(pool.totalCount - pool.idleCount).toBe(0);
      const locks = await pool.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      expect(locks.rows[0].n).toBe(0);
      // kiln's session-scoped migration lock went with its session: another run can take it.
      expect((await upgrade({ cwd: folder.path, client: pool })).heads).toEqual([SECOND]);
      expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it("drops the pool's client when a step fails, so the pool never reuses a broken session", async () => {
    if (!db) return expect.fail("PostgreSQL server not available");
    const failing = projectFolder();
    writeFileSync(
      join(failing.path, "migrations", "20260101000003_a00000000003.ts"),
      revisionSource({ revision: "a00000000003", downRevision: SECOND, message: "fails", upgrade: 'await op.execute("SELECT * FROM no_such_table");' }),
    );
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const created: unknown[] = [];
    pool.on("connect", (client) => created.push(client));
    try {
      await downgrade({ cwd: failing.path, client: pool, target: "base" });
      await expect(upgrade({ cwd: failing.path, client: pool })).rejects.toThrow(/no_such_table/);
      expect(pool.totalCount - pool.idleCount).toBe(0);
      const before = created.length;
      // The next query needs a new client: the one kiln used was dropped, not given back.
      expect((await pool.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).rows).toEqual([{ n: 0 }]);
      expect(created.length).toBe(before + 1);
      expect((await current({ cwd: failing.path, client: pool })).current.map((c) => c.revision)).toEqual([SECOND]);
    } finally {
      await pool.end();
      failing.remove();
    }
  });

  it("migrates with a connected pg.Client and leaves it open", async () => {
    if (!db) return expect.fail("PostgreSQL server not available");
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await downgrade({ cwd: folder.path, client, target: "base" });
      await roundTrip(client, () => pgTables((sql) => client.query(sql)));
      expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });

  it("migrates from a url and a migrations folder given in code, no config file", async () => {
    if (!db) return expect.fail("PostgreSQL server not available");
    const result = await upgrade({ cwd: folder.path, url: db.url, migrations: "migrations" });
    expect(result.heads).toEqual([SECOND]);
    expect(result.database).not.toMatch(/given as client/);
  });
});

describe("PGlite", () => {
  it("migrates with the application's PGlite instance and leaves it open", async () => {
    const pglite = new PGlite();
    try {
      await roundTrip(pglite, () => pgTables((sql) => pglite.query<{ name: string }>(sql)));
      expect(pglite.closed).toBe(false);
      expect((await pglite.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await pglite.close();
    }
  });
});

describe("SQLite", () => {
  it("migrates with the application's better-sqlite3 Database and leaves it open", async () => {
    const sqlite = new Database(join(folder.path, "app.db"));
    try {
      const tables = async () =>
        (sqlite.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'kiln_%'").all() as { name: string }[]).map((r) => r.name);
      await roundTrip(sqlite, tables);
      expect(sqlite.open).toBe(true);
      expect(sqlite.prepare("SELECT 1 AS one").get()).toEqual({ one: 1 });
    } finally {
      sqlite.close();
    }
  });
});

describe("MariaDB", () => {
  let db: ScratchDatabase | undefined;
  beforeAll(async () => {
    if (await serverAvailable("mysql")) db = await createMysqlDatabase();
  });
  afterAll(async () => db?.drop());

  it("migrates with the application's mysql2 pool and leaves the pool working", async () => {
    if (!db) return expect.fail("MariaDB server not available");
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 2 });
    try {
      const tables = async () => ((await pool.query("SHOW TABLES"))[0] as Record<string, string>[]).map((r) => Object.values(r)[0]!).filter((n) => !n.startsWith("kiln_"));
      await roundTrip(pool, tables);
      const [rows] = await pool.query("SELECT @@session.time_zone AS tz");
      expect((rows as { tz: string }[])[0]!.tz).toBe("SYSTEM");
    } finally {
      await pool.end();
    }
  });
});

describe("MariaDB, one connection", () => {
  let db: ScratchDatabase | undefined;
  beforeAll(async () => {
    if (await serverAvailable("mysql")) db = await createMysqlDatabase();
  });
  afterAll(async () => db?.drop());

  it("migrates with the application's mysql2 connection, leaves it open and gives back its session settings", async () => {
    if (!db) return expect.fail("MariaDB server not available");
    const connection = await mysql.createConnection({ uri: db.url });
    try {
      await connection.query("SET time_zone = '+02:00', lock_wait_timeout = 77");
      const tables = async () => ((await connection.query("SHOW TABLES"))[0] as Record<string, string>[]).map((r) => Object.values(r)[0]!).filter((n) => !n.startsWith("kiln_"));
      await roundTrip(connection, tables);
      const [rows] = await connection.query("SELECT @@session.time_zone AS tz, @@session.lock_wait_timeout AS lw");
      expect((rows as { tz: string; lw: number }[])[0]).toEqual({ tz: "+02:00", lw: 77 });
    } finally {
      await connection.end();
    }
  });
});

describe("bad client", () => {
  it("names what it accepts (usage error)", async () => {
    await expect(upgrade({ cwd: folder.path, client: { hello: 1 } })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/pg\.Pool.*PGlite.*better-sqlite3/) });
  });
});
