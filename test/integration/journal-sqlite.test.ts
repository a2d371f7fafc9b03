/**
 * SQLite rolls DDL back with the step's transaction, but a `transactional: false`
 * revision commits statement by statement: when one fails, the earlier ones stay.
 * kiln's step journal (runtime/journal.ts) says exactly which, and running the
 * upgrade again after fixing the cause continues after them (each once).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { errorLine } from "./safety-fixtures.js";

const R1 = "sqjr00000001";

describe("SQLite: a failing `transactional: false` revision is journaled and continued", () => {
  let dir: { path: string; remove(): void };
  let url: string;
  let project: TestProject;

  beforeAll(() => {
    dir = tempDir("kiln-journal-sqlite-");
    url = `sqlite://${join(dir.path, "db.sqlite")}`;
    project = createProject({ url });
    project.write(
      `migrations/${R1}.ts`,
      revisionSource({
        revision: R1,
        downRevision: null,
        extra: "transactional: false,",
        upgrade: `await op.execute("CREATE TABLE s1 (id integer)");
    await op.execute("INSERT INTO s1 VALUES (1)");
    await op.execute("INSERT INTO gate SELECT 1");
    await op.execute("CREATE TABLE s2 (id integer)");`,
      }),
    );
  });
  afterAll(() => {
    project?.remove();
    dir?.remove();
  });

  it("names the statements that stay applied, and a retry after the fix runs only the rest", async () => {
    const failed = await project.kiln(["upgrade", "head"]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(errorLine(failed)).toContain(`upgrade of revision ${R1}`);
    expect(failed.stderr).toContain("no such table: gate");
    expect(failed.stderr).toContain("2 statement(s) of this step stay applied");
    expect(failed.stderr).toContain("stays applied: CREATE TABLE s1 (id integer)");
    expect(failed.stderr).toContain("stays applied: INSERT INTO s1 VALUES (1)");
    expect(failed.stderr).toContain("the version table still names base");
    const current = await project.kiln(["current"]);
    expect(current.stderr).toContain(`the upgrade of revision ${R1} is partly applied: 2 statement(s) ran and stay applied (last: INSERT INTO s1 VALUES (1))`);

    await queryDb(url, "CREATE TABLE gate (id integer)");
    const retried = await project.kiln(["upgrade", "head"]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: R1 }]);
    expect(await queryDb(url, "SELECT count(*) AS n FROM s1")).toEqual([{ n: 1 }]);
    expect(await queryDb(url, "SELECT count(*) AS n FROM gate")).toEqual([{ n: 1 }]);
    expect(await queryDb(url, "SELECT count(*) AS n FROM s2")).toEqual([{ n: 0 }]);
    expect(await queryDb(url, "SELECT count(*) AS n FROM kiln_version_journal")).toEqual([{ n: 0 }]);
  });
});
