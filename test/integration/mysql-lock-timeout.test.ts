/**
 * lockTimeoutMs on MariaDB: while another session keeps a transaction open on a
 * table, kiln's ALTER TABLE gives up after the lock timeout (lock_wait_timeout),
 * rolls the step back, retries lockRetries times and then fails with the lock
 * message, changing nothing. The app's reads, which queue behind a waiting
 * ALTER, get through while that transaction is still open.
 */
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { mysqlDialect } from "../../src/dialects/mysql/index.js";

const mysqlUp = await serverAvailable("mysql");

/** Polls `check` until it holds; a bound on the wait so that a broken build fails instead of hanging. */
async function until(check: () => Promise<boolean>, what: string, boundMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > boundMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(mysqlUp)("MariaDB: a step's lock timeout", () => {
  let db: ScratchDatabase;
  let project: TestProject;

  beforeAll(async () => {
    db = await createMysqlDatabase();
    await queryDb(db.url, "CREATE TABLE busy (id INT PRIMARY KEY)");
    await queryDb(db.url, "INSERT INTO busy (id) VALUES (1), (2)");
    project = createProject({ url: db.url, extraConfig: "lockTimeoutMs: 1000, lockRetries: 2," });
    project.write(
      "migrations/001_extra.ts",
      revisionSource({ revision: "lockwait0001", downRevision: null, upgrade: `await op.addColumn("busy", "extra", { type: "integer", nullable: true });` }),
    );
  });
  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it("gives up, retries, fails with the lock message, and never holds the app's reads behind an open transaction", async () => {
    const uri = db.url;
    const holder = await mysql.createConnection({ uri });
    const app = await mysql.createConnection({ uri });
    const watcher = await mysql.createConnection({ uri });
    let holderReleased = false;
    let appReadWhileHeld: boolean | undefined;
    let upgrade: CliResult;
    try {
      // An open transaction that has read the table: it holds the table's metadata lock until it ends.
      await holder.query("START TRANSACTION");
      await holder.query("SELECT * FROM busy");

      const running = project.kiln(["upgrade", "head"]);
      // Once kiln's ALTER waits for the lock, the app's next read queues behind it.
      await until(async () => {
        const [rows] = await watcher.query(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'ALTER TABLE%busy%' AND STATE LIKE 'Waiting for table metadata lock'",
          [db.name],
        );
        return Number((rows as { n: number }[])[0]!.n) > 0;
      }, "kiln's ALTER TABLE to wait for the table lock");
      const read = app.query("SELECT COUNT(*) AS n FROM busy").then(() => {
        appReadWhileHeld = !holderReleased;
      });

      // Without a lock timeout kiln would wait for a day: end the transaction once kiln exits, or at the latest after a bound.
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((resolve) => (bound = setTimeout(resolve, 30_000)))]);
      clearTimeout(bound);
      holderReleased = true;
      await holder.query("COMMIT");
      upgrade = await running;
      await read;
    } finally {
      holderReleased = true;
      await holder.end().catch(() => undefined);
      await app.end().catch(() => undefined);
      await watcher.end().catch(() => undefined);
    }

    expect(appReadWhileHeld).toBe(true);
    expect(upgrade.code, upgrade.stderr).toBe(1);
    const retries = upgrade.stderr.match(/gave up waiting for a table lock after 1000 ms \(ALTER TABLE `busy` ADD/g) ?? [];
    expect(retries).toHaveLength(2);
    expect(upgrade.stderr).toMatch(/retry 2 of 2/);
    expect(upgrade.stderr).toMatch(/upgrade of revision lockwait0001 \(.*001_extra\.ts\) failed: Lock wait timeout exceeded/);
    expect(upgrade.stderr).toMatch(/the step was rolled back; the database and the version table are as they were before it/);
    // Nothing changed.
    const columns = await queryDb(db.url, "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'busy'", [db.name]);
    expect(columns).toEqual([{ name: "id" }]);
    expect(await queryDb(db.url, "SELECT version_num FROM kiln_version")).toEqual([]);
  });

  it("does not retry a step once one of its statements ran (MariaDB cannot roll DDL back), and says what ran", async () => {
    const other = createProject({ url: db.url, extraConfig: "lockTimeoutMs: 1000, lockRetries: 2," });
    other.write(
      "migrations/001_two.ts",
      revisionSource({
        revision: "lockwait0002",
        downRevision: null,
        upgrade: `await op.createTable("fresh", { id: { type: "integer", primaryKey: true } });
    await op.addColumn("busy", "extra", { type: "integer", nullable: true });`,
      }),
    );
    const holder = await mysql.createConnection({ uri: db.url });
    let upgrade: CliResult;
    try {
      await holder.query("START TRANSACTION");
      await holder.query("SELECT * FROM busy");
      upgrade = await other.kiln(["upgrade", "head"]);
      await holder.query("COMMIT");
    } finally {
      await holder.end().catch(() => undefined);
      other.remove();
    }
    expect(upgrade.code, upgrade.stderr).toBe(1);
    expect(upgrade.stderr).not.toMatch(/gave up waiting for a table lock/);
    expect(upgrade.stderr).toMatch(/failed: Lock wait timeout exceeded/);
    expect(upgrade.stderr).toMatch(/1 statement\(s\) of this step stay applied/);
    expect(await queryDb(db.url, "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'fresh'", [db.name])).toEqual([{ n: 1 }]);
  });

  it("puts the limits in force in seconds, and 0 as no limit", () => {
    expect(mysqlDialect.stepSettings!({ lockTimeoutMs: 1500, statementTimeoutMs: 2500, lockRetries: 1 }, "transaction")).toEqual([
      "SET SESSION lock_wait_timeout = 2, innodb_lock_wait_timeout = 2 /*M!, max_statement_time = 2.5*/",
    ]);
    expect(mysqlDialect.stepSettings!({ lockTimeoutMs: 0, statementTimeoutMs: 0, lockRetries: 1 }, "session")).toEqual([
      "SET SESSION lock_wait_timeout = 31536000, innodb_lock_wait_timeout = 100000000 /*M!, max_statement_time = 0*/",
    ]);
  });
});
