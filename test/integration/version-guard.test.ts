/**
 * A step commits only if its version-table UPDATE/DELETE finds the row it
 * replaces: when something else moved the heads while the step ran (here the
 * revision's own SQL; another connection does the same), the step fails and
 * rolls back instead of committing a version table that lost track of it. On
 * every database and path: PostgreSQL's one-round-trip batch, PGlite's joined
 * statements, MariaDB's and SQLite's one statement at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { ALL_DATABASES, isAvailable, type ScratchTarget } from "./matrix/databases.js";

const FIRST = revisionSource({
  revision: "guard0000001",
  downRevision: null,
  upgrade: `await op.createTable("guard_first", { id: { type: "integer" } });`,
});

const MOVES_HEADS = revisionSource({
  revision: "guard0000002",
  downRevision: "guard0000001",
  upgrade: `await op.createTable("guard_second", { id: { type: "integer" } });
    await op.execute("UPDATE kiln_version SET version_num = 'elsewhere'");`,
});

for (const db of ALL_DATABASES) {
  describe.skipIf(!isAvailable(db))(`the version-table guard on ${db.name}`, () => {
    let target: ScratchTarget;
    let project: TestProject;

    beforeAll(async () => {
      target = await db.create();
      project = createProject({ url: target.url });
      project.write("migrations/0001_first.ts", FIRST);
      project.write("migrations/0002_moves_heads.ts", MOVES_HEADS);
    });
    afterAll(async () => {
      project.remove();
      await target.drop();
    });

    it("fails and rolls back a step whose version row was moved under it", async () => {
      const result = await project.kiln(["upgrade", "head"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("upgrade of revision guard0000002");
      expect(result.stderr).toContain("the version table no longer holds guard0000001");
      const heads = (await queryDb(target.url, "SELECT version_num FROM kiln_version")).map((r) => String(r.version_num));
      const tables = (await queryDb(target.url, db.tableNamesSql)).map((r) => String(r.name));
      if (db.transactionalDDL) {
        // All of the step is gone, the revision's own UPDATE with it.
        expect(heads).toEqual(["guard0000001"]);
        expect(tables).not.toContain("guard_second");
      } else {
        // DDL and the revision's own statements commit as they run on MariaDB; the step's version change never did.
        expect(heads).toEqual(["elsewhere"]);
      }
      expect(tables).toContain("guard_first");
    });
  });
}
