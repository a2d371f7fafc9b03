/**
 * Through PgBouncer in transaction-pooling mode (a process of the test's own,
 * in front of the local PostgreSQL), where a session advisory lock does not
 * hold: kiln finds the pooler, says it takes a lease row instead, refuses a
 * config that forces the advisory lock, and sixteen concurrent `kiln upgrade
 * head` processes apply every step exactly once. Through a session-pooling
 * PgBouncer kiln cannot rule out a transaction pooler, so it takes the lease
 * too (and says why), while a config naming the advisory lock is accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";
import { pgbouncerBinary, type PgBouncer, startPgBouncer } from "../helpers/pgbouncer.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const PROCESSES = 16;
const REVISIONS = 4;
const STEP_SLEEP_MS = 300;
const id = (n: number) => `bounce00000${n}`;

/** Each step adds a table and one row to applied_steps, which has no unique key: a step run twice shows as two rows. */
function stepRevision(n: number): string {
  return revisionSource({
    revision: id(n),
    downRevision: n === 1 ? null : id(n - 1),
    message: `pooled step ${n}`,
    upgrade: `${n === 1 ? 'await op.execute("CREATE TABLE applied_steps (step integer, backend integer)");\n    ' : ""}await op.execute("CREATE TABLE pooled_${n} (id integer)");
    await op.execute("INSERT INTO applied_steps (step, backend) VALUES (${n}, pg_backend_pid())");
    await new Promise((resolve) => setTimeout(resolve, ${STEP_SLEEP_MS}));`,
    downgrade: `await op.execute("DROP TABLE pooled_${n}");`,
  });
}

const ready = (await serverAvailable("postgresql")) && pgbouncerBinary() !== undefined;

describe.skipIf(!ready)("PgBouncer in transaction-pooling mode", () => {
  let bouncer: PgBouncer;
  let db: ScratchDatabase;
  let url: string;
  let project: TestProject;
  let forced: CliResult;
  let afterForced: Record<string, unknown>[];
  let runs: CliResult[];

  beforeAll(async () => {
    bouncer = await startPgBouncer({ poolMode: "transaction", poolSize: 4 });
    db = await createPgDatabase();
    url = bouncer.url(db.name);
    // The advisory lock forced: refused before anything is written.
    const advisory = createProject({ url, extraConfig: 'lock: "advisory",' });
    advisory.write("migrations/001_step.ts", stepRevision(1));
    forced = await advisory.kiln(["upgrade", "head"]);
    advisory.remove();
    afterForced = await queryDb(url, "SELECT to_regclass('kiln_version') IS NULL AS no_version, to_regclass('kiln_version_lock') IS NULL AS no_lock, to_regclass('applied_steps') IS NULL AS no_steps");
    project = createProject({ url, extraConfig: "migrationLockTimeoutMs: 600000," });
    for (let n = 1; n <= REVISIONS; n++) project.write(`migrations/00${n}_step.ts`, stepRevision(n));
    runs = await Promise.all(Array.from({ length: PROCESSES }, () => project.kiln(["upgrade", "head"])));
  }, 600_000);

  afterAll(async () => {
    project?.remove();
    await bouncer?.stop();
    await db?.drop();
  });

  it("refuses lock: \"advisory\" through the pooler, saying why and what to set, and writes nothing", async () => {
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/`lock: "advisory"` cannot protect this database: the connection goes through a transaction pooler/);
    expect(forced.stderr).toMatch(/set `lock: "lease"`/);
    expect(afterForced).toEqual([{ no_version: true, no_lock: true, no_steps: true }]);
  });

  it("ends every process with exit 0 and has each say it takes a lease row", () => {
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/takes its migration lock as a lease row, since the connection (goes through a transaction pooler|does not reach the server directly)/);
    }
  });

  it("applies every step exactly once and ends at head", async () => {
    const counts = await queryDb(url, "SELECT step, count(*)::int AS n FROM applied_steps GROUP BY step ORDER BY step");
    expect(counts).toEqual(Array.from({ length: REVISIONS }, (_, i) => ({ step: i + 1, n: 1 })));
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(REVISIONS) }]);
    const history = await queryDb(url, "SELECT revision FROM kiln_history WHERE direction = 'up' ORDER BY id");
    expect(history).toEqual(Array.from({ length: REVISIONS }, (_, i) => ({ revision: id(i + 1) })));
    const applied = runs.flatMap((r) => r.stderr.split("\n").filter((line) => /^upgraded\s/.test(line)));
    expect(applied).toHaveLength(REVISIONS);
    // Released at the end: no lease row is left.
    expect(await queryDb(url, "SELECT count(*)::int AS n FROM kiln_version_lock")).toEqual([{ n: 0 }]);
  });

  it("downgrades and stamps through the pooler under the lease too", async () => {
    const down = await project.kiln(["downgrade", id(1)]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/takes its migration lock as a lease row/);
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(1) }]);
    expect(await queryDb(url, "SELECT to_regclass('pooled_2') IS NULL AS gone")).toEqual([{ gone: true }]);
    const stamp = await project.kiln(["stamp", "head"]);
    expect(stamp.code, stamp.stderr).toBe(0);
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(REVISIONS) }]);
    expect(await queryDb(url, "SELECT count(*)::int AS n FROM kiln_version_lock")).toEqual([{ n: 0 }]);
  });

  it("has the waiting processes name the holder of the lease", () => {
    const waiting = runs.filter((r) => r.stderr.includes("waiting for the migration lock"));
    expect(waiting.length).toBeGreaterThan(0);
    for (const run of waiting) expect(run.stderr).toMatch(/waiting for the migration lock held by kiln \S+, pid \d+ on \S+ since \d{4}-/);
  });
});

describe.skipIf(!ready)("PgBouncer in session-pooling mode", () => {
  let bouncer: PgBouncer;
  let db: ScratchDatabase;

  beforeAll(async () => {
    bouncer = await startPgBouncer({ poolMode: "session", poolSize: 4 });
    db = await createPgDatabase();
  }, 60_000);
  afterAll(async () => {
    await bouncer?.stop();
    await db?.drop();
  });

  it("takes the lease by default, saying it cannot rule out a transaction pooler, and accepts lock: \"advisory\"", async () => {
    const url = bouncer.url(db.name);
    const auto = createProject({ url });
    const advisory = createProject({ url, extraConfig: 'lock: "advisory",' });
    try {
      auto.write("migrations/001_step.ts", stepRevision(1));
      const first = await auto.kiln(["upgrade", "head"]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/as a lease row, since the connection does not reach the server directly \(the server sees its client at 127\.0\.0\.1:\d+, this end is 127\.0\.0\.1:\d+\).*kiln cannot rule one out/);
      advisory.write("migrations/001_step.ts", stepRevision(1));
      advisory.write("migrations/002_step.ts", stepRevision(2));
      const second = await advisory.kiln(["upgrade", "head"]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).not.toMatch(/lease row/);
      expect(await queryDb(url, "SELECT step, count(*)::int AS n FROM applied_steps GROUP BY step ORDER BY step")).toEqual([
        { step: 1, n: 1 },
        { step: 2, n: 1 },
      ]);
    } finally {
      auto.remove();
      advisory.remove();
    }
  }, 60_000);
});
