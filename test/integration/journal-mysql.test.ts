/**
 * MariaDB commits every DDL statement at once, so a revision killed or failing
 * halfway leaves its earlier statements applied. kiln's step journal
 * (runtime/journal.ts) records each statement as it runs: `kiln current` names
 * the partial step, and `kiln upgrade head` continues after the statements that
 * ran (each applied exactly once), including a statement that was still running
 * on the server when kiln was killed.
 *
 * The kills are placed deterministically: the revision waits on locks the test
 * holds (a named lock, a table's metadata lock), and the test kills kiln while
 * the journal shows that statement running.
 */
import type { ChildProcess } from "node:child_process";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { errorLine, sleep, startKiln } from "./safety-fixtures.js";

const available = await serverAvailable("mysql");

const R1 = "myjr00000001";
const R2 = "myjr00000002";
const R3 = "myjr00000003";

describe.skipIf(!available)("MariaDB: a revision killed or failing halfway is journaled and continued", () => {
  let db: ScratchDatabase;
  let project: TestProject;
  /** The test's own session, holding the locks the revision waits for. */
  let gate: mysql.Connection;
  let gateName: string;

  const r2 = () =>
    revisionSource({
      revision: R2,
      downRevision: R1,
      message: "eight statements",
      upgrade: `await op.execute("CREATE TABLE a1 (id int)");
    await op.execute("INSERT INTO a1 VALUES (1)");
    await op.execute("CREATE TABLE a2 (id int)");
    await op.execute("SELECT GET_LOCK('${gateName}', 600)");
    await op.execute("INSERT INTO a2 VALUES (1)");
    await op.execute("ALTER TABLE gate ADD COLUMN c int");
    await op.execute("CREATE TABLE a3 (id int)");
    await op.execute("INSERT INTO a3 VALUES (1)");`,
    });

  beforeAll(async () => {
    db = await createMysqlDatabase();
    gateName = `kiln-test-gate-${db.name}`;
    project = createProject({ url: db.url, extraConfig: "migrationLockTimeoutMs: 120000," });
    project.write(
      `migrations/${R1}.ts`,
      revisionSource({
        revision: R1,
        downRevision: null,
        upgrade: `await op.execute("CREATE TABLE gate (id int)");
    await op.execute("CREATE TABLE dup (code varchar(10))");
    await op.execute("INSERT INTO dup VALUES ('a'), ('a')");`,
      }),
    );
    project.write(`migrations/${R2}.ts`, r2());
    gate = await mysql.createConnection({ uri: db.url });
  });
  afterAll(async () => {
    await gate?.end().catch(() => undefined);
    project?.remove();
    await db?.drop();
  });

  const journalState = async () =>
    (await queryDb(db.url, "SELECT seq, state FROM kiln_version_journal ORDER BY seq").catch(() => [])).map((r) => `${r.seq}:${r.state}`);
  const versions = async () => (await queryDb(db.url, "SELECT version_num FROM kiln_version")).map((r) => r.version_num);
  const count = async (table: string) => Number((await queryDb(db.url, `SELECT count(*) AS n FROM ${table}`))[0]!.n);

  /** Starts `kiln upgrade head` and kills it while `statement` runs on the server (it waits on a lock the test holds). */
  async function killWhileRunning(statement: string): Promise<void> {
    const run = startKiln(project.dir, ["upgrade", "head"]);
    let ended = false;
    void run.done.then(() => (ended = true));
    try {
      for (;;) {
        const [rows] = await gate.query("SELECT count(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND info = ? AND id <> CONNECTION_ID()", [
          statement,
        ]);
        if (Number((rows as { n: number }[])[0]!.n) > 0) break;
        if (ended) throw new Error(`kiln ended before \`${statement}\` ran:\n${(await run.done).stderr}`);
        await sleep(50);
      }
    } finally {
      (run.child as ChildProcess).kill("SIGKILL");
    }
    expect((await run.done).signal).toBe("SIGKILL");
  }

  it("names the partial step after a kill, and `kiln upgrade head` continues it with each statement applied once", async () => {
    expect((await project.kiln(["upgrade", R1])).code).toBe(0);

    // Kill 1: while statement 4 waits for the named lock.
    await gate.query("SELECT GET_LOCK(?, 10)", [gateName]);
    await killWhileRunning(`SELECT GET_LOCK('${gateName}', 600)`);
    const current = await project.kiln(["current"]);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stdout).toContain(R1);
    // Statement 4 changes no schema: it ran in a transaction with its journal row, which the kill rolled back.
    expect(current.stderr).toContain(`the upgrade of revision ${R2} is partly applied: 3 statement(s) ran and stay applied (last: CREATE TABLE a2 (id int))\n`);
    expect(await journalState()).toEqual(["0:started", "1:done", "2:done", "3:done"]);
    expect(current.stderr).toContain(`kiln upgrade ${R2}`);
    await gate.query("SELECT RELEASE_LOCK(?)", [gateName]);

    // Kill 2: while statement 6 (DDL) waits for the metadata lock of a table the test reads in an open transaction;
    // it goes on on the server after kiln died.
    await gate.query("START TRANSACTION");
    await gate.query("SELECT * FROM gate");
    await killWhileRunning("ALTER TABLE gate ADD COLUMN c int");
    // DDL commits the journal row saying it runs before it runs.
    expect((await project.kiln(["current"])).stderr).toContain(
      `the upgrade of revision ${R2} is partly applied: 5 statement(s) ran and stay applied (last: INSERT INTO a2 VALUES (1)); statement 6 (ALTER TABLE gate ADD COLUMN c int) was running when kiln stopped and may or may not have taken effect`,
    );
    await gate.query("COMMIT");

    const resumed = await project.kiln(["upgrade", "head"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await versions()).toEqual([R2]);
    for (const table of ["a1", "a2", "a3"]) expect(await count(table), table).toBe(1);
    const columns = await queryDb(db.url, "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'gate' ORDER BY ordinal_position");
    expect(columns.map((r) => r.c)).toEqual(["id", "c"]);
    expect(await journalState()).toEqual([]);
    const history = await queryDb(db.url, "SELECT revision FROM kiln_history WHERE direction = 'up' ORDER BY id");
    expect(history.map((r) => r.revision)).toEqual([R1, R2]);
    expect((await project.kiln(["current"])).stderr).not.toContain("partly applied");
  }, 120_000);

  it("a failing statement: names what stays applied, refuses a changed file, and continues once the cause is fixed", async () => {
    const r3 = revisionSource({
      revision: R3,
      downRevision: R2,
      upgrade: `await op.execute("CREATE TABLE b1 (id int)");
    await op.execute("INSERT INTO b1 VALUES (1)");
    await op.execute("ALTER TABLE dup ADD UNIQUE KEY ux_dup_code (code)");
    await op.execute("CREATE TABLE b2 (id int)");`,
    });
    project.write(`migrations/${R3}.ts`, r3);
    const failed = await project.kiln(["upgrade", "head"]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(errorLine(failed)).toContain(`upgrade of revision ${R3}`);
    expect(failed.stderr).toContain("Duplicate entry");
    expect(failed.stderr).toContain("2 statement(s) of this step stay applied (mysql commits each DDL statement at once)");
    expect(failed.stderr).toContain("stays applied: CREATE TABLE b1 (id int)");
    expect(failed.stderr).toContain("stays applied: INSERT INTO b1 VALUES (1)");
    expect(failed.stderr).toContain(`the version table still names ${R2}`);
    expect(await journalState()).toEqual(["0:started", "1:done", "2:done"]);

    // An edited file is not continued.
    project.write(`migrations/${R3}.ts`, r3.replace("CREATE TABLE b2", "CREATE TABLE b3"));
    const edited = await project.kiln(["upgrade", "head"]);
    expect(edited.code).toBe(1);
    expect(errorLine(edited)).toContain("its file changed since that run");
    project.write(`migrations/${R3}.ts`, r3);

    await queryDb(db.url, "DELETE FROM dup LIMIT 1");
    const retried = await project.kiln(["upgrade", "head"]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(await versions()).toEqual([R3]);
    expect(await count("b1")).toBe(1);
    expect(await count("b2")).toBe(0);
    expect(await journalState()).toEqual([]);
  }, 120_000);
});
