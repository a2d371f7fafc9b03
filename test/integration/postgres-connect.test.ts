/**
 * Connecting (pg and PGlite), the migration lock and kiln's bookkeeping tables.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KilnError } from "../../src/errors.js";
import { postgresBookkeepingDDL } from "../../src/dialects/postgres/bookkeeping.js";
import { connectPglite, connectPostgres } from "../../src/dialects/postgres/connect.js";
import { introspectPostgres } from "../../src/dialects/postgres/introspect.js";
import { acquirePostgresLock, advisoryLockKey } from "../../src/dialects/postgres/lock.js";
import type { Connection } from "../../src/dialects/types.js";
import { createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { createProject } from "../helpers/project.js";
import { sleep, startKiln } from "./safety-fixtures.js";
import { databaseUrl, postgresTargets } from "./postgres-fixtures.js";

const serverUp = await serverAvailable("postgresql");

async function rejection(promise: Promise<unknown>): Promise<KilnError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KilnError);
  return error as KilnError;
}

describe("connecting to a PostgreSQL server", () => {
  it("reports a refused connection with the password masked", async () => {
    const error = await rejection(connectPostgres(databaseUrl("postgres://u:secret@127.0.0.1:1/db")));
    expect(error.message).toMatch(/^cannot connect to postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: .+; check that the server is running and the URL is right$/);
    expect(error.message).not.toContain("secret");
  });

  it.skipIf(!serverUp)("names itself kiln, returns int8 as text and lets go on close", async () => {
    const db = await createPgDatabase();
    try {
      const conn = await connectPostgres(databaseUrl(db.url));
      const { rows } = await conn.query(
        "SELECT current_setting('application_name') AS app, 9007199254740993::bigint AS big, $1::int + 1 AS next",
        [41],
      );
      expect(rows[0]).toEqual({ app: "kiln", big: "9007199254740993", next: 42 });
      const multi = await conn.query("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2); SELECT count(*)::int AS n FROM t");
      expect(multi.rows).toEqual([{ n: 2 }]);
      expect((await conn.query("UPDATE t SET x = x + 1")).rowCount).toBe(2);
      await conn.close();
      await conn.close(); // closing twice is harmless
    } finally {
      await db.drop();
    }
  });

  it.skipIf(!serverUp)("reports an unknown database", async () => {
    const error = await rejection(connectPostgres(databaseUrl("postgres://postgres:pw@127.0.0.1:5432/kiln_no_such_db")));
    expect(error.message).toContain("kiln_no_such_db");
    expect(error.message).not.toContain(":pw@");
  });
});

describe("opening PGlite", () => {
  let dir: { path: string; remove(): void };
  beforeEach(() => {
    dir = tempDir("kiln-pglite-");
  });
  afterEach(() => dir.remove());

  it("creates a directory database (relative to cwd) that keeps its data", async () => {
    const path = join(dir.path, "nested", "db");
    const url = databaseUrl(`pglite://${relative(process.cwd(), path)}`);
    const first = await connectPglite(url);
    await first.query("CREATE TABLE kept (x bigint)");
    const inserted = await first.query("INSERT INTO kept VALUES ($1), ($2)", ["1", "9007199254740993"]);
    expect(inserted.rowCount).toBe(2);
    expect(existsSync(join(path, "kiln.lock"))).toBe(true);
    await first.close();
    expect(existsSync(join(path, "kiln.lock"))).toBe(false);

    const second = await connectPglite(url);
    expect((await second.query("SELECT x FROM kept ORDER BY x")).rows).toEqual([{ x: "1" }, { x: "9007199254740993" }]);
    await second.close();
  });

  it("refuses a directory this process or another live process has open", async () => {
    const url = databaseUrl(`pglite://${dir.path}`);
    const conn = await connectPglite(url);
    try {
      const error = await rejection(connectPglite(url));
      expect(error.message).toContain("this process already has");
    } finally {
      await conn.close();
    }

    writeFileSync(join(dir.path, "kiln.lock"), JSON.stringify({ pid: process.ppid, host: hostname(), since: "2024-01-01T00:00:00Z" }));
    const error = await rejection(connectPglite(url));
    expect(error.message).toContain(`in use by process ${process.ppid}`);
    expect(error.message).toContain("kiln.lock");
  });

  it("starts afresh a database whose creation was killed (initdb cut short)", async () => {
    const path = join(dir.path, "db");
    const project = createProject({ url: `pglite://${path}` });
    try {
      // Without the template, creation is initdb: seconds of writing into the directory.
      const run = startKiln(project.dir, ["current"], { KILN_PGLITE_TEMPLATE: "off" });
      const deadline = Date.now() + 60_000;
      while (!existsSync(join(path, "base")) && Date.now() < deadline) await sleep(5);
      run.child.kill("SIGKILL");
      expect((await run.done).signal).toBe("SIGKILL");
      expect(existsSync(join(path, "kiln.creating")), "the kill landed after creation ended").toBe(true);
      const conn = await connectPglite(databaseUrl(`pglite://${path}`));
      expect((await conn.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      await conn.close();
      expect(existsSync(join(path, "kiln.creating"))).toBe(false);
      expect(readdirSync(path)).toContain("PG_VERSION");
    } finally {
      project.remove();
    }
  }, 120_000);

  it("takes over a lock file left by a process that is gone", async () => {
    writeFileSync(join(dir.path, "kiln.lock"), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: "2024-01-01T00:00:00Z" }));
    const conn = await connectPglite(databaseUrl(`pglite://${dir.path}`));
    expect((await conn.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await conn.close();
  });
});

describe("the advisory lock key", () => {
  it("is a stable signed 64-bit integer per key", () => {
    expect(advisoryLockKey("kiln:app")).toBe(advisoryLockKey("kiln:app"));
    expect(advisoryLockKey("kiln:app")).not.toBe(advisoryLockKey("kiln:other"));
    const n = BigInt(advisoryLockKey("kiln:app"));
    expect(n >= -(2n ** 63n) && n < 2n ** 63n).toBe(true);
  });
});

describe.each(postgresTargets)("the migration lock and bookkeeping on $name", (target) => {
  let conn: Connection;
  let dispose: () => Promise<void>;
  beforeEach(async (ctx) => {
    if (!target.available) ctx.skip();
    ({ conn, dispose } = await target.open());
  });
  afterEach(async () => {
    await dispose?.();
  });

  it("takes, releases and takes the lock again", async () => {
    const release = await acquirePostgresLock(conn, "kiln:test", { timeoutMs: 1000 });
    const held = await conn.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted",
    );
    expect(held.rows[0]!.n).toBe(1);
    await release();
    await release(); // releasing twice is harmless
    // Only this session's locks: other test files share the server and hold their own.
    const after = await conn.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted",
    );
    expect(after.rows[0]!.n).toBe(0);
    const again = await acquirePostgresLock(conn, "kiln:test", { timeoutMs: 1000 });
    await again();
  });

  it("creates the version and history tables idempotently", async () => {
    for (const names of [
      { versionTable: "kiln_version", historyTable: "kiln_history" },
      { schema: "kiln meta", versionTable: "versions", historyTable: "history" },
    ]) {
      for (const statement of [...postgresBookkeepingDDL(names), ...postgresBookkeepingDDL(names)]) {
        await conn.query(statement);
      }
    }
    await conn.query("INSERT INTO kiln_version (version_num) VALUES ('ae1027a6acf0')");
    await conn.query(
      "INSERT INTO kiln_history (revision, direction, checksum, started_at, duration_ms, kiln_version) VALUES ($1, $2, $3, now(), 12, '0.1.0')",
      ["ae1027a6acf0", "stamp", "a".repeat(64)],
    );
    await expect(conn.query("INSERT INTO kiln_version (version_num) VALUES ('ae1027a6acf0')")).rejects.toThrow();
    const catalog = await introspectPostgres(conn, { kilnTables: [] });
    expect(catalog.tables.find((t) => t.name === "kiln_version")).toStrictEqual({
      name: "kiln_version",
      columns: [{ name: "version_num", type: "varchar(32)", nullable: false }],
      primaryKey: { name: "kiln_version_pkc", columns: ["version_num"] },
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
    });
    expect(catalog.tables.find((t) => t.name === "kiln_history")!.columns).toStrictEqual([
      // The identity's sequence stands at the one history row written (restored if the table is ever recreated).
      { name: "id", type: "bigint", nullable: false, identity: { always: true }, sequence: { name: "kiln_history_id_seq", value: { last: "1", called: true } } },
      { name: "revision", type: "varchar(32)", nullable: false },
      { name: "direction", type: "varchar(5)", nullable: false },
      { name: "checksum", type: "varchar(64)", nullable: true },
      { name: "started_at", type: "timestamptz", nullable: false },
      { name: "duration_ms", type: "integer", nullable: true },
      { name: "kiln_version", type: "varchar(32)", nullable: true },
      { name: "source", type: "text", nullable: true },
    ]);
    expect(catalog.tables.map((t) => `${t.schema ?? ""}.${t.name}`)).toContain("kiln meta.versions");
    // By default kiln's tables are not part of the schema it manages.
    expect((await introspectPostgres(conn)).tables.map((t) => t.name)).toEqual(["history", "versions"]);
  });
});

describe.skipIf(!serverUp)("two sessions competing for the lock", () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  let first: Connection;
  let second: Connection;
  beforeEach(async () => {
    db = await createPgDatabase();
    first = await connectPostgres(databaseUrl(db.url));
    second = await connectPostgres(databaseUrl(db.url));
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    await db.drop();
  });

  it("makes the second wait, says who holds it, times out readably, then gets it after release", async () => {
    const release = await acquirePostgresLock(first, "kiln:deploy", { timeoutMs: 1000 });
    const holderPid = (await first.query("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;

    const waits: string[] = [];
    const started = Date.now();
    const error = await rejection(acquirePostgresLock(second, "kiln:deploy", { timeoutMs: 1200, onWait: (m) => waits.push(m) }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatch(new RegExp(`^waiting for the migration lock held by pid ${holderPid} \\(kiln, 127\\.0\\.0\\.1\\) since \\d{4}-`));
    expect(error.message).toMatch(
      new RegExp(
        `^timed out after 1\\.\\ds waiting for the migration lock held by pid ${holderPid} \\(kiln, 127\\.0\\.0\\.1\\) since .+; another deploy is migrating; retry later or raise migrationLockTimeoutMs$`,
      ),
    );

    // A different key is independent.
    const other = await acquirePostgresLock(second, "kiln:other-app", { timeoutMs: 500 });
    await other();

    // Released while the second waits: it gets the lock.
    const waiting = acquirePostgresLock(second, "kiln:deploy", { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    await release();
    const releaseSecond = await waiting;
    const held = await second.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted",
    );
    expect(held.rows[0]!.n).toBe(1);
    await releaseSecond();
  });
});
