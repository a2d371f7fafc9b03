import { describe, expect, it } from "vitest";
import { readerPool } from "../../src/dialects/reader-pool.js";
import type { Connection, QueryResult } from "../../src/dialects/types.js";

/** A fake session: each statement takes `ms`; it records what ran on it and whether it was closed. */
function fakeSession(name: string, log: string[], ms = 5): Connection & { closed: boolean; busy: number; maxBusy: number } {
  const session = {
    closed: false,
    busy: 0,
    maxBusy: 0,
    async query(sql: string): Promise<QueryResult> {
      session.busy++;
      session.maxBusy = Math.max(session.maxBusy, session.busy);
      log.push(`${name}:${sql}`);
      await new Promise((r) => setTimeout(r, ms));
      session.busy--;
      return { rows: [{ name, sql }], rowCount: 1 };
    },
    async close() {
      session.closed = true;
    },
  };
  return session;
}

describe("readerPool", () => {
  it("without fork, runs every statement on the caller's session, in the order sent", async () => {
    const log: string[] = [];
    const main = fakeSession("main", log);
    const pool = readerPool(main);
    const results = await Promise.all(["a", "b", "c"].map((sql) => pool.query(sql)));
    expect(results.map((r) => r.rows[0]!.sql)).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["main:a", "main:b", "main:c"]);
    await pool.close();
    expect(main.closed).toBe(false);
  });

  it("spreads statements sent together over the helper sessions, one at a time each, and closes only the helpers", async () => {
    const log: string[] = [];
    const helpers: ReturnType<typeof fakeSession>[] = [];
    const main = Object.assign(fakeSession("main", log, 20), {
      async fork() {
        const helper = fakeSession(`helper${helpers.length}`, log, 20);
        helpers.push(helper);
        return helper;
      },
    });
    const pool = readerPool(main, 2);
    const results = await Promise.all(["a", "b", "c", "d", "e", "f"].map((sql) => pool.query(sql)));
    expect(results.map((r) => r.rows[0]!.sql)).toEqual(["a", "b", "c", "d", "e", "f"]);
    const sessions = new Set(results.map((r) => r.rows[0]!.name));
    expect(sessions).toEqual(new Set(["main", "helper0", "helper1"]));
    // Waiting for a helper rather than queueing behind a busy session: no session got more than its share.
    for (const s of [main, ...helpers]) expect(s.maxBusy).toBeLessThanOrEqual(2);
    for (const name of ["main", "helper0", "helper1"]) expect(log.filter((l) => l.startsWith(`${name}:`)).length).toBe(2);
    await pool.close();
    expect(helpers.map((h) => h.closed)).toEqual([true, true]);
    expect(main.closed).toBe(false);
  });

  it("reads on the sessions it has when a helper cannot connect", async () => {
    const log: string[] = [];
    const main = Object.assign(fakeSession("main", log), {
      fork: () => Promise.reject(new Error("too many connections")),
    });
    const pool = readerPool(main, 2);
    const results = await Promise.all(["a", "b"].map((sql) => pool.query(sql)));
    expect(results.map((r) => r.rows[0]!.name)).toEqual(["main", "main"]);
    await pool.close();
  });
  it("busy settles once every session has a statement (not before the helpers have connected), or when closed", async () => {
    const log: string[] = [];
    let connect!: () => void;
    const connected = new Promise<void>((resolve) => (connect = resolve));
    const main = Object.assign(fakeSession("main", log, 20), {
      async fork() {
        await connected;
        return fakeSession("helper", log, 20);
      },
    });
    const pool = readerPool(main, 1);
    let settled = false;
    void pool.busy.then(() => (settled = true));
    const first = pool.query("a");
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    connect();
    await new Promise((r) => setTimeout(r, 5));
    // The helper is idle: not busy yet.
    expect(settled).toBe(false);
    const second = pool.query("b");
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(true);
    await Promise.all([first, second]);
    await pool.close();

    const idle = readerPool(fakeSession("alone", []));
    let closed = false;
    void idle.busy.then(() => (closed = true));
    await idle.close();
    await new Promise((r) => setTimeout(r, 0));
    expect(closed).toBe(true);
  });
});
