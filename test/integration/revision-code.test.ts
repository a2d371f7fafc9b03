/**
 * Revision code runs once per step, and whatever it does ends as a step kiln
 * reports, on every database:
 * - `upgrade` runs each upgrade() once (its lint warnings come from the
 *   operations the step applied, not from a second, recording run);
 * - an error or a rejected promise it did not await is the step's failure
 *   message (exit 1), never a raw stack trace;
 * - an upgrade() that waits for a promise nothing settles fails the step with a
 *   message naming the revision, exit 1, and leaves no migration lock behind.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { ALL_DATABASES, isAvailable, type ScratchTarget } from "./matrix/databases.js";

/** A revision whose upgrade() first appends its id to calls.log (a side effect that must happen once per run). */
function revisionFile(revision: string, down: string | null, body: string): string {
  return `import { appendFileSync } from "node:fs";
import type { Migration } from "kiln-migrate";

export default {
  revision: ${JSON.stringify(revision)},
  downRevision: ${JSON.stringify(down)},
  message: ${JSON.stringify(`step ${revision}`)},
  async upgrade(op) {
    appendFileSync("calls.log", ${JSON.stringify(revision)} + "\\n");
    ${body}
  },
} satisfies Migration;
`;
}

const CREATE = revisionFile(
  "rc00000000a1",
  null,
  `await op.createTable("things", { id: { type: "integer", primaryKey: true }, legacy: { type: "varchar(20)" } });
    await op.execute("INSERT INTO things (id, legacy) VALUES (1, 'x')");`,
);
// op.dropColumn is on line 11: the lint warning must point there.
const DROP = revisionFile(
  "rc00000000b2",
  "rc00000000a1",
  `const rows = await op.query("SELECT count(*) AS n FROM things");
    await op.dropColumn("things", "legacy");
    appendFileSync("calls.log", "rows " + String(Number(rows[0].n)) + "\\n");`,
);
const REJECTS = revisionFile(
  "rc00000000c3",
  "rc00000000b2",
  `await op.createTable("rejected1", { id: { type: "integer" } });
    await Promise.reject(new Error("boom from revision code"));`,
);
const FLOATING = revisionFile(
  "rc00000000c3",
  "rc00000000b2",
  `await op.createTable("rejected2", { id: { type: "integer" } });
    void Promise.reject(new Error("boom nobody awaited"));
    await new Promise((resolve) => setTimeout(resolve, 50));`,
);
const NEVER = revisionFile(
  "rc00000000c3",
  "rc00000000b2",
  `await op.createTable("stuck", { id: { type: "integer" } });
    await new Promise(() => {});`,
);

function calls(project: TestProject): string[] {
  return readFileSync(join(project.dir, "calls.log"), "utf8").trim().split("\n");
}

const STACK_LINE = /^\s+at /m;

for (const db of ALL_DATABASES) {
  describe.skipIf(!isAvailable(db))(`revision code on ${db.name}`, () => {
    let target: ScratchTarget;
    let project: TestProject;

    beforeAll(async () => {
      target = await db.create();
      project = createProject({ url: target.url });
      project.write("migrations/0001_create.ts", CREATE);
      project.write("migrations/0002_drop.ts", DROP);
    });
    afterAll(async () => {
      project.remove();
      await target.drop();
    });

    // Revision code runs the same way on every database: PGlite (slow to start) gets only the test it needs.
    const embeddedPostgres = db.server === undefined && !db.concurrentProcesses;
    if (!embeddedPostgres) it("runs each upgrade() once, and lints what the step applied", async () => {
      const result = await project.kiln(["upgrade", "head"]);
      expect(result.stderr).toContain("upgraded");
      expect(result.code).toBe(0);
      expect(calls(project)).toEqual(["rc00000000a1", "rc00000000b2", "rows 1"]);
      expect(result.stderr).toMatch(/revision rc00000000b2 \(migrations\/0002_drop\.ts:11\), table .?things.?: .*legacy/);
      expect(result.stderr).toContain("safe form:");
    });

    if (!embeddedPostgres) it("reports a rejected promise in upgrade() as the step's failure, without a stack trace", async () => {
      for (const [source, message, table] of [
        [REJECTS, "boom from revision code", "rejected1"],
        [FLOATING, "boom nobody awaited", "rejected2"],
      ] as const) {
        project.write("migrations/0003_more.ts", source);
        const before = calls(project).length;
        const result = await project.kiln(["upgrade", "head"]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("upgrade of revision rc00000000c3 (");
        expect(result.stderr).toContain(message);
        expect(result.stderr).not.toMatch(STACK_LINE);
        expect(calls(project).slice(before)).toEqual(["rc00000000c3"]);
        expect(await heads(db, target.url)).toEqual(["rc00000000b2"]);
        if (!db.transactionalDDL) {
          // The CREATE TABLE stays (journaled); undo it the documented way before the next file.
          await queryDb(target.url, `DROP TABLE ${table}`);
          expect((await project.kiln(["stamp", "rc00000000b2"])).code).toBe(0);
        }
      }
    });

    // A server connection keeps Node waiting (the run waits, holding the lock as a live process would);
    // without one, Node would find nothing left to wait for and exit.
    if (db.server === undefined) it("fails an upgrade() that never settles, names it, and releases the lock", async () => {
      project.write("migrations/0003_more.ts", NEVER);
      const result = await project.kiln(["upgrade", "head"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("upgrade of revision rc00000000c3 (");
      expect(result.stderr).toContain("never finished");
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(await heads(db, target.url)).toEqual(["rc00000000b2"]);
      // SQLite keeps its lock in a table that exists only while a run holds it.
      const tables = (await queryDb(target.url, db.tableNamesSql)).map((r) => String(r.name));
      expect(tables).not.toContain("kiln_lock");
      // The lock is free: a run with a fixed revision goes through at once.
      project.write("migrations/0003_more.ts", revisionFile("rc00000000c3", "rc00000000b2", ""));
      const again = await project.kiln(["upgrade", "head"]);
      expect(again.stderr).not.toContain("waiting");
      expect(again.code).toBe(0);
      expect(await heads(db, target.url)).toEqual(["rc00000000c3"]);
    });
  });
}

async function heads(db: (typeof ALL_DATABASES)[number], url: string): Promise<string[]> {
  const rows = await queryDb(url, "SELECT version_num FROM kiln_version ORDER BY version_num");
  return rows.map((r) => String(r.version_num));
}
