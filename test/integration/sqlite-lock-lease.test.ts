/**
 * The SQLite migration lock is a lease, not "process N on this host": a row
 * whose lease ran out is taken over even when its pid is alive (this very
 * process's pid, or PID 1, as after a container restart), a row with this
 * process's pid and a token it does not hold is a previous life of it, and a
 * holder that keeps renewing its lease is waited for however short the lease.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { sqliteDialect } from "../../src/dialects/sqlite/index.js";
import * as lock from "../../src/dialects/sqlite/lock.js";
const { acquireSqliteLock, renewSqliteLease } = lock;
import type { Connection } from "../../src/dialects/types.js";
import { tempDir } from "../helpers/databases.js";
import { REPO_ROOT } from "../helpers/project.js";

const KEY = "main:kiln_version";

describe("SQLite migration lock lease", () => {
  let dir: { path: string; remove(): void };
  let n = 0;

  beforeAll(() => {
    dir = tempDir("kiln-lease-");
  });
  afterAll(() => dir.remove());

  /** A fresh database file with a lock row written as a holder would, and a connection to it. */
  async function withHolderRow(row: { owner: string; pid: number; scope: string; expiresInMs: number }): Promise<Connection> {
    const conn = await sqliteDialect.connect(parseDatabaseUrl(`sqlite://${join(dir.path, `lease-${++n}.db`)}`));
    await conn.query(
      `CREATE TABLE kiln_lock (lock_key TEXT NOT NULL PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, acquired_at TEXT NOT NULL, pid_scope TEXT NOT NULL DEFAULT '', expires_at INTEGER NOT NULL DEFAULT 0)`,
    );
    await conn.query(`INSERT INTO kiln_lock VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      KEY,
      row.owner,
      row.pid,
      hostname(),
      new Date().toISOString(),
      row.scope,
      Date.now() + row.expiresInMs,
    ]);
    return conn;
  }

  it.each([
    ["this process's own pid", process.pid],
    ["PID 1", 1],
  ])("takes over an expired lease held under %s", async (_, pid) => {
    const conn = await withHolderRow({ owner: "killed-run", pid, scope: "", expiresInMs: -1000 });
    try {
      const release = await sqliteDialect.acquireLock(conn, KEY, { timeoutMs: 2000 });
      expect((await conn.query("SELECT pid FROM kiln_lock")).rows).toEqual([{ pid: process.pid }]);
      await release();
    } finally {
      await conn.close();
    }
  });

  it("takes a live lease under this process's pid that this process does not hold for a previous life", async () => {
    const conn = await withHolderRow({ owner: "previous-life", pid: process.pid, scope: lock.pidScope(), expiresInMs: 600_000 });
    try {
      const release = await sqliteDialect.acquireLock(conn, KEY, { timeoutMs: 2000 });
      await release();
    } finally {
      await conn.close();
    }
  });

  it("waits for a lease that has not run out, whatever its pid, and says until when it runs", async () => {
    const conn = await withHolderRow({ owner: "elsewhere", pid: 1, scope: "another-container", expiresInMs: 600_000 });
    try {
      const waits: string[] = [];
      await expect(sqliteDialect.acquireLock(conn, KEY, { timeoutMs: 500, onWait: (m) => waits.push(m) })).rejects.toThrow(
        /timed out after 500 ms waiting for the migration lock "main:kiln_version", held by process 1 on .*its lease runs until \d{4}-/,
      );
      expect(waits[0]).toMatch(/waiting for the migration lock held by process 1 on /);
    } finally {
      await conn.close();
    }
  });

  it("waits for another process that keeps renewing a short lease, until it releases", async () => {
    const file = join(dir.path, "renewing.db");
    const script = join(dir.path, "holder.mjs");
    const dist = (path: string) => JSON.stringify(pathToFileURL(join(REPO_ROOT, "dist", path)).href);
    // Holds the lock for two lease terms of 4 s (renewing it every 1.33 s), then releases it.
    // The lease is long enough that a holder stalled by a busy CI machine still renews in time.
    writeFileSync(
      script,
      `import { sqliteDialect } from ${dist("dialects/sqlite/index.js")};
import { acquireSqliteLock } from ${dist("dialects/sqlite/lock.js")};
import { parseDatabaseUrl } from ${dist("config/url.js")};
const conn = await sqliteDialect.connect(parseDatabaseUrl(${JSON.stringify(`sqlite://${file}`)}));
const release = await acquireSqliteLock(conn, ${JSON.stringify(KEY)}, { timeoutMs: 10000 }, { leaseMs: 4000 });
console.log("held");
await new Promise((resolve) => setTimeout(resolve, 8000));
console.log("releasing");
await release();
await conn.close();
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("held")) resolve();
      });
      child.on("exit", () => reject(new Error(`the holder exited early: ${output}`)));
    });

    const conn = await sqliteDialect.connect(parseDatabaseUrl(`sqlite://${file}`));
    try {
      const waits: string[] = [];
      const release = await acquireSqliteLock(conn, KEY, { timeoutMs: 60_000, onWait: (m) => waits.push(m) }, { leaseMs: 4000 });
      // Got only once the holder let go, never by taking over a lease it kept renewing.
      expect(output).toContain("releasing");
      expect(waits[0]).toMatch(/waiting for the migration lock held by process \d+ on /);
      await release();
    } finally {
      await conn.close();
    }
    expect(await exited).toBe(0);
  });

  it("refuses to commit a step once the lease was taken over", async () => {
    const conn = await sqliteDialect.connect(parseDatabaseUrl(`sqlite://${join(dir.path, "lost.db")}`));
    try {
      const release = await acquireSqliteLock(conn, KEY, { timeoutMs: 1000 });
      await renewSqliteLease(conn);
      await conn.query("UPDATE kiln_lock SET owner = 'someone-else'");
      await expect(renewSqliteLease(conn)).rejects.toThrow(/lost the migration lock "main:kiln_version"/);
      await release();
    } finally {
      await conn.close();
    }
  });
});
