/**
 * The lease lock and the ddl-outside transaction strategy on the real
 * PostgreSQL server, forced by the config as CockroachDB and YugabyteDB get
 * them by detection (docs/distributed-postgres.md):
 * - a holder SIGKILLed in the middle of a step keeps the lock until its lease
 *   runs out; the next run waits, names it, takes over and applies the step
 *   exactly once (per-step: the killed step rolled back; ddl-outside: the
 *   statements it committed stay, journaled, and the next run runs the rest);
 * - under ddl-outside a step that fails midway leaves its committed statements
 *   in the journal, and the rerun after the fix completes it without running
 *   them again.
 * Each step counts itself in applied_steps, which has no unique key.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { sleep, startKiln } from "./safety-fixtures.js";

const LEASE_MS = 8000;
const id = (n: number) => `lease000000${n}`;

/**
 * Step 2 adds a table, counts itself, and (with KILN_TEST_HANG set to a file
 * path) writes that file and hangs, so the test can kill it there; then it adds
 * a second table and counts its second half.
 */
function revisions(project: TestProject): void {
  project.write(
    "migrations/001_first.ts",
    revisionSource({
      revision: id(1),
      downRevision: null,
      upgrade: `await op.execute("CREATE TABLE applied_steps (step integer)");
    await op.execute("INSERT INTO applied_steps (step) VALUES (1)");`,
    }),
  );
  project.write(
    "migrations/002_second.ts",
    revisionSource({
      revision: id(2),
      downRevision: id(1),
      upgrade: `await op.execute("CREATE TABLE second_a (id integer)");
    await op.execute("INSERT INTO applied_steps (step) VALUES (2)");
    if (process.env.KILN_TEST_HANG) {
      (await import("node:fs")).writeFileSync(process.env.KILN_TEST_HANG, "hanging");
      await new Promise((resolve) => setTimeout(resolve, 120000));
    }
    await op.execute("CREATE TABLE second_b (id integer)");
    await op.execute("INSERT INTO applied_steps (step) VALUES (20)");`,
    }),
  );
  project.write(
    "migrations/003_third.ts",
    revisionSource({
      revision: id(3),
      downRevision: id(2),
      upgrade: `await op.execute("CREATE TABLE third (id integer)");
    await op.execute("INSERT INTO applied_steps (step) VALUES (3)");
    await op.execute("INSERT INTO needed_by_third (id) VALUES (1)");
    await op.addColumn("third", "note", { type: "text" });`,
    }),
  );
}

const available = await serverAvailable("postgresql");

describe.skipIf(!available).each([
  { transactions: "per-step", survivors: [1] },
  { transactions: "ddl-outside", survivors: [1, 2] },
])("lock: \"lease\", transactions: \"$transactions\": a holder killed mid-step", ({ transactions, survivors }) => {
  let db: ScratchDatabase;
  let project: TestProject;
  let holderAfterKill: Record<string, unknown>[];
  let stepsAfterKill: Record<string, unknown>[];
  let killedPid: number;
  let rerun: { code: number; stderr: string };

  beforeAll(async () => {
    db = await createPgDatabase();
    project = createProject({ url: db.url, extraConfig: `lock: "lease", transactions: ${JSON.stringify(transactions)}, lockLeaseMs: ${LEASE_MS},` });
    revisions(project);
    // Step 3 needs this table (the ddl-outside failure case below creates it later).
    await queryDb(db.url, "CREATE TABLE needed_by_third (id integer)");
    const marker = join(project.dir, "hanging");
    const first = startKiln(project.dir, ["upgrade", "head"], { KILN_TEST_HANG: marker });
    for (let i = 0; !existsSync(marker); i++) {
      if (i > 600 || first.child.exitCode !== null) throw new Error(`the first run did not reach the hang: ${(await first.done).stderr}`);
      await sleep(50);
    }
    killedPid = first.child.pid!;
    first.child.kill("SIGKILL");
    await first.done;
    holderAfterKill = await queryDb(db.url, "SELECT holder, expires_at > clock_timestamp() AS live FROM kiln_version_lock");
    stepsAfterKill = await queryDb(db.url, "SELECT step FROM applied_steps ORDER BY step");
    rerun = await project.kiln(["upgrade", "head"]);
  }, 120_000);

  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it("leaves the killed run's lease in the lock table until it runs out", () => {
    expect(holderAfterKill).toHaveLength(1);
    expect(String(holderAfterKill[0]!.holder)).toContain(`pid ${killedPid} on `);
    expect(holderAfterKill[0]!.live).toBe(true);
  });

  it("has the next run wait for the lease, naming the dead holder, then take over and reach head", async () => {
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(new RegExp(`waiting for the migration lock held by kiln \\S+, pid ${killedPid} on \\S+ since \\d{4}-`));
    expect(await queryDb(db.url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(3) }]);
    expect(await queryDb(db.url, "SELECT count(*)::int AS n FROM kiln_version_lock")).toEqual([{ n: 0 }]);
  });

  it("applies every step exactly once", async () => {
    const counts = await queryDb(db.url, "SELECT step, count(*)::int AS n FROM applied_steps GROUP BY step ORDER BY step");
    expect(counts).toEqual([1, 2, 3, 20].map((step) => ({ step, n: 1 })));
    expect(await queryDb(db.url, "SELECT revision FROM kiln_history WHERE direction = 'up' ORDER BY id")).toEqual([1, 2, 3].map((n) => ({ revision: id(n) })));
  });

  it(transactions === "ddl-outside" ? "continues the killed step after the statements it committed" : "runs the killed step again from its start (it was rolled back)", () => {
    if (transactions === "ddl-outside") {
      expect(rerun.stderr).toMatch(new RegExp(`continuing the partly applied upgrade of ${id(2)} after the 2 statement\\(s\\) an earlier run applied`));
    } else {
      expect(rerun.stderr).not.toMatch(/continuing the partly applied/);
    }
    // What the killed run left: step 1, and under ddl-outside the first half of step 2.
    expect(stepsAfterKill).toEqual(survivors.map((step) => ({ step })));
  });
});

describe.skipIf(!available)('transactions: "ddl-outside": a step that fails midway', () => {
  let db: ScratchDatabase;
  let project: TestProject;

  beforeAll(async () => {
    db = await createPgDatabase();
    project = createProject({ url: db.url, extraConfig: 'transactions: "ddl-outside",' });
    revisions(project);
  }, 60_000);

  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it("keeps the committed statements in the journal, says so, and the rerun after the fix completes the step once", async () => {
    const failed = await project.kiln(["upgrade", "head"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/upgrade of revision lease0000003 \(.*003_third\.ts\) failed: relation "needed_by_third" does not exist/);
    expect(failed.stderr).toMatch(/2 statement\(s\) of this step stay applied/);
    expect(failed.stderr).toMatch(/stays applied: CREATE TABLE third \(id integer\)/);
    expect(failed.stderr).toMatch(/stays applied: INSERT INTO applied_steps \(step\) VALUES \(3\)/);
    expect(await queryDb(db.url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(2) }]);
    expect(await queryDb(db.url, "SELECT seq, state FROM kiln_version_journal WHERE seq > 0 ORDER BY seq")).toEqual([
      { seq: 1, state: "done" },
      { seq: 2, state: "done" },
    ]);
    const current = await project.kiln(["current"]);
    expect(current.stdout + current.stderr).toMatch(/partly applied/);

    await queryDb(db.url, "CREATE TABLE needed_by_third (id integer)");
    const rerun = await project.kiln(["upgrade", "head"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/continuing the partly applied upgrade of lease0000003 after the 2 statement\(s\)/);
    expect(await queryDb(db.url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(3) }]);
    const counts = await queryDb(db.url, "SELECT step, count(*)::int AS n FROM applied_steps GROUP BY step ORDER BY step");
    expect(counts).toEqual([1, 2, 3, 20].map((step) => ({ step, n: 1 })));
    expect(await queryDb(db.url, "SELECT count(*)::int AS n FROM kiln_version_journal")).toEqual([{ n: 0 }]);
    expect(await queryDb(db.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'third' ORDER BY ordinal_position")).toEqual([
      { column_name: "id" },
      { column_name: "note" },
    ]);
    // Direct connection, no lease asked for: the advisory lock, so no lock table.
    expect(await queryDb(db.url, "SELECT to_regclass('kiln_version_lock') IS NULL AS absent")).toEqual([{ absent: true }]);
  }, 60_000);
});
