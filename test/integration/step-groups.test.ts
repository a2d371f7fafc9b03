/**
 * On a PostgreSQL server, consecutive steps whose statements all wait until
 * their COMMIT go several in one round trip (runtime/step-group.ts), each
 * still its own transaction with its version-table guard. These tests hold a
 * group to what steps sent one by one guarantee: a failure in the middle
 * leaves exactly the earlier steps applied and names the failing revision and
 * statement, a lock timeout is retried, raw SQL sees what earlier steps did,
 * each step's duration is its own, and the run reports in the same order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { connectPostgres } from "../../src/dialects/postgres/connect.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import type { Connection } from "../../src/dialects/types.js";
import type { KilnError } from "../../src/errors.js";
import type { Reporter } from "../../src/runtime/reporter.js";
import type { OnlineTarget } from "../../src/runtime/runner.js";
import { GROUP_MAX_STEPS } from "../../src/runtime/step-group.js";
import { createPgDatabase, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";
import { chainFolders, countedConnection, postgresTarget, publicTables, stepId, upgradeToHead, versionRows } from "../helpers/step-runs.js";
import { queryDb } from "../helpers/query.js";

const available = await serverAvailable("postgresql");
const root = mkdtempSync(join(tmpdir(), "kiln-step-groups-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const id = stepId;
const history = chainFolders(root);
const counted = countedConnection;

describe.skipIf(!available)("consecutive steps in one round trip (PostgreSQL server)", () => {
  let db: ScratchDatabase;
  let raw: Connection;
  let skipped: string[];
  /** What the reporter was told, in order. */
  let told: string[];

  beforeAll(async () => {
    db = await createPgDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    raw = await connectPostgres(parseDatabaseUrl(db.url));
    await raw.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    skipped = [];
    told = [];
  });
  afterEach(async () => {
    await raw.close();
  });

  async function target(folder: string, conn: Connection): Promise<OnlineTarget> {
    const reporter: Reporter = {
      info: (message) => told.push(`info ${message}`),
      warn: (message) => told.push(`warn ${message}`),
      stepStarted: (step) => told.push(`started ${step.revision}`),
      stepFinished: (step) => told.push(`finished ${step.revision}`),
      stepSkipped: (step) => skipped.push(step.revision),
    };
    return postgresTarget(folder, conn, reporter);
  }

  const upgrade = upgradeToHead;
  const tables = () => publicTables(db.url);
  const versions = () => versionRows(db.url);
  const historyRows = async () => (await queryDb(db.url, "SELECT revision FROM kiln_history ORDER BY id")).map((r) => r.revision);
  const create = (table: string) => `await op.createTable("${table}", { id: { type: "integer" } });`;

  it("sends the steps after the first together, records each as before, and reports in the same order", async () => {
    const folder = history(["a", "b", "c", "d", "e"].map(create));
    const { conn, counts } = counted(raw);
    const t = await target(folder, conn);
    expect(await upgrade(t)).toEqual([id(5)]);
    // The first step (which creates kiln's tables) alone, then the other four in one round trip.
    expect(counts).toEqual({ queries: 0, batches: 2 });
    expect(await tables()).toEqual(["a", "b", "c", "d", "e", "kiln_history", "kiln_version"]);
    expect(await versions()).toEqual([id(5)]);
    expect(await historyRows()).toEqual([1, 2, 3, 4, 5].map(id));
    expect(told).toEqual([1, 2, 3, 4, 5].flatMap((n) => [`started ${id(n)}`, `finished ${id(n)}`]));
    expect(t.group).toBeUndefined();
  });

  it("sends at most GROUP_MAX_STEPS steps together", async () => {
    const count = GROUP_MAX_STEPS * 2 + 1;
    const folder = history(Array.from({ length: count }, (_, i) => create(`t${i + 1}`)));
    const { conn, counts } = counted(raw);
    const t = await target(folder, conn);
    expect(await upgrade(t)).toEqual([id(count)]);
    expect(counts).toEqual({ queries: 0, batches: 3 });
    expect((await historyRows()).length).toBe(count);
  });

  it("measures each step's duration from its own BEGIN, though the steps arrive in one query", async () => {
    const clock = postgresDialect.stepClock!;
    const [{ ms }] = (await raw.runBatch!([
      "BEGIN",
      clock.startSql,
      "SELECT pg_sleep(0.3)",
      "COMMIT",
      "BEGIN",
      clock.startSql,
      "SELECT pg_sleep(0.05)",
      `SELECT ${clock.elapsedMsSql} AS ms`,
    ]).then((outcome) => (outcome.ok ? outcome.result.rows : [{ ms: -1 }]))) as { ms: number }[];
    await raw.query("COMMIT");
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(ms).toBeLessThan(250);
  });

  it("leaves exactly the steps before a failing one applied, and names its revision and statement", async () => {
    const folder = history([create("a"), create("b"), create("c"), `${create("d")}\n    await op.addColumn("missing", "x", { type: "integer" });`, create("e")]);
    const { conn, counts } = counted(raw);
    const t = await target(folder, conn);
    const error = (await upgrade(t).catch((e: unknown) => e)) as KilnError;
    expect(error.message).toContain(`upgrade of revision ${id(4)}`);
    expect(error.message).toContain('relation "missing" does not exist');
    expect(error.details).toContain('failing statement: ALTER TABLE "missing" ADD COLUMN "x" integer');
    expect(error.details.join("\n")).toMatch(/rolled back/);
    expect(await tables()).toEqual(["a", "b", "c", "kiln_history", "kiln_version"]);
    expect(await versions()).toEqual([id(3)]);
    expect(await historyRows()).toEqual([1, 2, 3].map(id));
    // The first step alone, steps 2-5 together (failing at 4), then step 4 alone again to report it.
    expect(counts.batches).toBe(3);
    expect(told.filter((line) => line.startsWith("finished"))).toEqual([1, 2, 3].map((n) => `finished ${id(n)}`));
    expect(t.group).toBeUndefined();
  });

  it("fails a group on the wire while the next one is being made: the steps after the failing one are not applied", async () => {
    const count = GROUP_MAX_STEPS * 2 + 1;
    const bodies = Array.from({ length: count }, (_, i) => create(`t${i + 1}`));
    // Step 5 is in the first group sent together; the second group is made while the server runs it.
    bodies[4] = `await op.addColumn("missing", "x", { type: "integer" });`;
    const folder = history(bodies);
    const { conn, counts } = counted(raw);
    const t = await target(folder, conn);
    const error = (await upgrade(t).catch((e: unknown) => e)) as KilnError;
    expect(error.message).toContain(`upgrade of revision ${id(5)}`);
    expect(error.details).toContain('failing statement: ALTER TABLE "missing" ADD COLUMN "x" integer');
    expect(await tables()).toEqual(["kiln_history", "kiln_version", "t1", "t2", "t3", "t4"]);
    expect(await versions()).toEqual([id(4)]);
    expect(await historyRows()).toEqual([1, 2, 3, 4].map(id));
    // The first step alone, the first group (failing at step 5), step 5 alone; the second group was never sent.
    expect(counts.batches).toBe(3);
    expect(told.filter((line) => line.startsWith("finished"))).toEqual([1, 2, 3, 4].map((n) => `finished ${id(n)}`));
  });

  it("commits the waiting steps before reporting a revision that throws before sending anything", async () => {
    const folder = history([create("a"), create("b"), `throw new Error("not today");`, create("d")]);
    const t = await target(folder, raw);
    const error = (await upgrade(t).catch((e: unknown) => e)) as KilnError;
    expect(error.message).toContain(`upgrade of revision ${id(3)}`);
    expect(error.message).toContain("not today");
    expect(await tables()).toEqual(["a", "b", "kiln_history", "kiln_version"]);
    expect(await versions()).toEqual([id(2)]);
  });

  it("sends the waiting steps before a step's raw SQL, which sees what they did", async () => {
    const folder = history([create("a"), create("b"), `await op.execute("INSERT INTO b VALUES (1)");`, create("d")]);
    const t = await target(folder, raw);
    expect(await upgrade(t)).toEqual([id(4)]);
    expect(await queryDb(db.url, "SELECT count(*)::int AS n FROM b")).toEqual([{ n: 1 }]);
    expect(await historyRows()).toEqual([1, 2, 3, 4].map(id));
  });

  describe("a step of a group that waits for a table lock", () => {
    let locker: pg.Client;
    beforeEach(async () => {
      await raw.query("CREATE TABLE held (id integer)");
      locker = new pg.Client({ connectionString: db.url });
      await locker.connect();
      await locker.query("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE");
    });
    afterEach(async () => {
      await locker.end().catch(() => undefined);
    });

    const folder = () => history([create("a"), create("b"), `await op.addColumn("held", "x", { type: "integer" });`, create("d")]);

    it("is retried one step at a time after the steps before it committed", async () => {
      const t = await target(folder(), raw);
      t.settings = { lockTimeoutMs: 200, statementTimeoutMs: 0, lockRetries: 3 };
      setTimeout(() => void locker.query("COMMIT"), 800);
      expect(await upgrade(t)).toEqual([id(4)]);
      expect(told.filter((line) => line.startsWith("warn")).join("\n")).toContain(`${id(3)}: gave up waiting for a table lock after 200 ms`);
      expect(await tables()).toEqual(["a", "b", "d", "held", "kiln_history", "kiln_version"]);
      expect(await historyRows()).toEqual([1, 2, 3, 4].map(id));
    });

    it("fails naming the step once its retries are used up, the steps before it applied", async () => {
      const t = await target(folder(), raw);
      t.settings = { lockTimeoutMs: 100, statementTimeoutMs: 0, lockRetries: 0 };
      const error = (await upgrade(t).catch((e: unknown) => e)) as KilnError;
      expect(error.message).toContain(`upgrade of revision ${id(3)}`);
      expect(error.message).toContain("lock timeout");
      expect(error.details).toContain('failing statement: ALTER TABLE "held" ADD COLUMN "x" integer');
      await locker.query("COMMIT");
      expect(await tables()).toEqual(["a", "b", "held", "kiln_history", "kiln_version"]);
      expect(await versions()).toEqual([id(2)]);
    });
  });
});
