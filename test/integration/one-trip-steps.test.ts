/**
 * On a PostgreSQL server a transactional step goes in one round trip: BEGIN,
 * the limits, a guard on the version table, the DDL, the version and history
 * rows and COMMIT. These tests hold it to what a step sent statement by
 * statement guarantees: a failure names the statement that failed and leaves
 * nothing behind, a changed version table is noticed before anything runs,
 * and a revision sees the results and failures of its own raw SQL and queries
 * where it makes the call.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { connectPostgres } from "../../src/dialects/postgres/connect.js";
import type { Connection } from "../../src/dialects/types.js";
import type { KilnError } from "../../src/errors.js";
import type { Reporter } from "../../src/runtime/reporter.js";
import type { OnlineTarget } from "../../src/runtime/runner.js";
import { createPgDatabase, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";
import { revisionSource } from "../helpers/project.js";
import { chainFolders, countedConnection, postgresTarget, publicTables, stepId, upgradeToHead, versionRows } from "../helpers/step-runs.js";
import { queryDb } from "../helpers/query.js";

const available = await serverAvailable("postgresql");
const root = mkdtempSync(join(tmpdir(), "kiln-one-trip-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const id = stepId;
const history = chainFolders(root);
const counted = countedConnection;

describe.skipIf(!available)("one round trip per step (PostgreSQL server)", () => {
  let db: ScratchDatabase;
  let raw: Connection;
  let skipped: string[];

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
  });
  afterEach(async () => {
    await raw.close();
  });

  async function target(folder: string, conn: Connection): Promise<OnlineTarget> {
    const reporter: Reporter = {
      info() {},
      warn() {},
      stepStarted() {},
      stepFinished() {},
      stepSkipped: (step) => skipped.push(step.revision),
    };
    return postgresTarget(folder, conn, reporter);
  }

  const upgrade = upgradeToHead;
  const tables = () => publicTables(db.url);
  const versions = () => versionRows(db.url);

  it("sends each step of schema operations in one round trip, and records it as before", async () => {
    const folder = history([
      `await op.createTable("a", { id: { type: "integer", primaryKey: true } });\n    await op.addColumn("a", "note", { type: "text" });`,
      `await op.createTable("b", { id: { type: "integer" } });`,
    ]);
    const { conn, counts } = counted(raw);
    const t = await target(folder, conn);
    expect(await upgrade(t)).toEqual([id(2)]);
    expect(counts).toEqual({ queries: 0, batches: 2 });
    expect(await tables()).toEqual(["a", "b", "kiln_history", "kiln_version"]);
    expect(await versions()).toEqual([id(2)]);
    const history_ = await queryDb(db.url, "SELECT revision, direction, checksum, duration_ms, source FROM kiln_history ORDER BY id");
    expect(history_.map((r) => [r.revision, r.direction])).toEqual([
      [id(1), "up"],
      [id(2), "up"],
    ]);
    const first = t.revisions.get(id(1))!;
    expect(history_[0]).toMatchObject({ checksum: first.checksum, source: first.source });
    // Measured by the server, from the step's BEGIN to the history row.
    expect(Number.isInteger(history_[0]!.duration_ms) && (history_[0]!.duration_ms as number) >= 0).toBe(true);
  });

  it("names the schema operation that failed, and leaves nothing of its step behind", async () => {
    const folder = history([
      `await op.createTable("a", { id: { type: "integer" } });`,
      `await op.createTable("b", { id: { type: "integer" } });\n    await op.addColumn("missing", "x", { type: "integer" });\n    await op.createTable("c", { id: { type: "integer" } });`,
    ]);
    const t = await target(folder, raw);
    const error = (await upgrade(t).catch((e: unknown) => e)) as KilnError;
    expect(error.message).toContain(`upgrade of revision ${id(2)}`);
    expect(error.message).toContain('relation "missing" does not exist');
    expect(error.details).toContain('failing statement: ALTER TABLE "missing" ADD COLUMN "x" integer');
    expect(error.details.join("\n")).toMatch(/rolled back/);
    expect(await tables()).toEqual(["a", "kiln_history", "kiln_version"]);
    expect(await versions()).toEqual([id(1)]);
  });

  it("names the statement with a syntax error, though the server refuses the whole batch before running any of it", async () => {
    const folder = history([
      `await op.createTable("a", { id: { type: "integer" } });\n    await op.createCheckConstraint("ck_é😀", "a", "id >");\n    await op.createTable("b", { id: { type: "integer" } });`,
    ]);
    const t = await target(folder, raw);
    const error = (await upgrade(t).catch((e: unknown) => e)) as KilnError;
    expect(error.message).toContain("syntax error");
    expect(error.details[0]).toMatch(/^failing statement: ALTER TABLE "a" ADD CONSTRAINT "ck_é😀" CHECK \(id >\)/);
    // Nothing ran, kiln's own tables included.
    expect(await tables()).toEqual([]);
  });

  it("notices a version table changed behind its back before running anything, and reports the step as already applied", async () => {
    const folder = history([`await op.createTable("a", { id: { type: "integer" } });\n    await op.execute("INSERT INTO a VALUES (1)");`]);
    const t = await target(folder, raw);
    expect(await upgrade(t)).toEqual([id(1)]);
    // Another process applied it while this one still believes the database is empty.
    const stale = await target(folder, raw);
    stale.pendingBookkeeping = undefined;
    expect(await upgrade(stale, [])).toEqual([id(1)]);
    expect(skipped).toEqual([id(1)]);
    expect(await queryDb(db.url, "SELECT count(*)::int AS n FROM a")).toEqual([{ n: 1 }]);
    expect((await queryDb(db.url, "SELECT count(*)::int AS n FROM kiln_history"))[0]).toEqual({ n: 1 });
  });

  it("lets a revision see the failure of its raw SQL where it runs it", async () => {
    const folder = history([
      `await op.createTable("a", { id: { type: "integer" } });
    try {
      await op.execute("CREATE TABLE a (id integer)");
    } catch (error) {
      globalThis.kilnOneTripCaught = String(error.message);
      throw error;
    }`,
    ]);
    const t = await target(folder, raw);
    const error = (await upgrade(t).catch((e: unknown) => e)) as KilnError;
    expect((globalThis as { kilnOneTripCaught?: string }).kilnOneTripCaught).toBe('relation "a" already exists');
    expect(error.details).toContain("failing statement: CREATE TABLE a (id integer)");
    expect(await tables()).toEqual([]);
  });

  it("lets a revision query what its earlier operations did", async () => {
    const folder = history([
      `await op.createTable("a", { id: { type: "integer" } });
    await op.bulkInsert("a", [{ id: 1 }, { id: 2 }]);
    await op.execute("INSERT INTO a VALUES (7)");
    const rows = await op.query("SELECT count(*)::int AS n FROM a");
    await op.createTable(\`seen_\${rows[0].n}\`, { id: { type: "integer" } });`,
    ]);
    const t = await target(folder, raw);
    expect(await upgrade(t)).toEqual([id(1)]);
    expect(await tables()).toEqual(["a", "kiln_history", "kiln_version", "seen_3"]);
  });

  it("runs a revision outside a transaction statement by statement, as before", async () => {
    const dir = history([]);
    writeFileSync(
      join(dir, "1.ts"),
      revisionSource({ revision: id(1), downRevision: null, extra: "transactional: false,", upgrade: `await op.createTable("a", { id: { type: "integer" } });` }),
    );
    const { conn, counts } = counted(raw);
    const t = await target(dir, conn);
    expect(await upgrade(t)).toEqual([id(1)]);
    expect(counts.batches).toBe(0);
    // Its statements commit one by one, so kiln keeps its step journal (runtime/journal.ts) next to the version table.
    expect(await tables()).toEqual(["a", "kiln_history", "kiln_version", "kiln_version_journal"]);
  });
});

describe.skipIf(!available)("runBatch on a PostgreSQL server", () => {
  let db: ScratchDatabase;
  let conn: Connection;
  beforeAll(async () => {
    db = await createPgDatabase();
    conn = await connectPostgres(parseDatabaseUrl(db.url));
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it.each([
    ["an error without a position", ["BEGIN", "CREATE TABLE t (a int)", "CREATE TABLE t (a int)", "COMMIT"], 2],
    ["an error with a position", ["BEGIN", "SELECT 1", "SELECT nocol FROM pg_class", "COMMIT"], 2],
    ["a syntax error (nothing runs)", ["BEGIN", "SELECT 1", "SELEC 2", "COMMIT"], 2],
    ["a position after wide characters", ["BEGIN", "SELECT 'é😀'", "SELECT 'é😀' || nocol FROM pg_class", "COMMIT"], 2],
    ["a syntax error at the end of a statement", ["BEGIN", "SELECT (1", "SELECT 2", "COMMIT"], 1],
    ["the first statement", ["SELEC 1", "SELECT 2"], 0],
  ])("names the failing statement: %s", async (_case, sqls, failed) => {
    const outcome = await conn.runBatch!(sqls);
    await conn.query("ROLLBACK");
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.failed).toBe(failed);
  });

  it("gives the last statement's result", async () => {
    expect(await conn.runBatch!(["SELECT 1 AS a", "SELECT 2 AS b"])).toEqual({ ok: true, result: { rows: [{ b: 2 }], rowCount: 1 } });
  });
});
