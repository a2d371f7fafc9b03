/**
 * `kiln import` on embedded PostgreSQL (PGlite), through the real CLI: the drizzle-kit
 * history made by the real drizzle-kit (test/fixtures/import/drizzle-pg), applied to a
 * PGlite database by drizzle-orm's own migrator, is imported and verified (the import
 * runs kiln test), and the database is stamped at head without running anything,
 * drizzle's table left in place. (The server: import-postgres.test.ts.)
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { importedRevisionId } from "../../src/import/index.js";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const DRIZZLE_PG = join(REPO_ROOT, "test", "fixtures", "import", "drizzle-pg");
const DRIZZLE_TAGS = ["0000_create_users", "0001_create_posts", "0002_add_published_and_bio", "0003_add_comments_and_status", "0004_add_tags_drop_bio"];
const DRIZZLE_HEAD = importedRevisionId("drizzle", DRIZZLE_TAGS[4]!);

describe("kiln import on PGlite", () => {
  let project: TestProject;
  beforeAll(async () => {
    project = createProject({ url: "pglite://./db" });
    const client = new PGlite(join(project.dir, "db"));
    await migratePglite(drizzlePglite(client), { migrationsFolder: DRIZZLE_PG });
    await client.close();
  }, 60_000);
  afterAll(() => project?.remove());

  it("imports the drizzle-kit history, stamps the drizzle-migrated database at head, and every revision passes kiln test", async () => {
    // The import runs kiln test itself (the stairway on a scratch PGlite) unless told --no-verify.
    const imported = await project.kiln(["import", "drizzle", DRIZZLE_PG]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain("kiln test: every imported revision upgrades, downgrades and upgrades again with identical schemas");
    expect(project.revisionFiles()).toHaveLength(5);
    expect(imported.stderr).toContain(`stamped the database at ${DRIZZLE_HEAD} (0004_add_tags_drop_bio.sql), as drizzle.__drizzle_migrations records 5 applied migration(s)`);
    // Each revision names its original file and the chain follows the journal.
    const files = project.revisionFiles().map((f) => project.read(join("migrations", f)));
    DRIZZLE_TAGS.forEach((tag, i) => {
      expect(files[i]).toContain(`// imported from drizzle-kit: ${tag}.sql`);
      expect(files[i]).toContain(`revision: "${importedRevisionId("drizzle", tag)}"`);
      expect(files[i]).toContain(`downRevision: ${i === 0 ? "null" : JSON.stringify(importedRevisionId("drizzle", DRIZZLE_TAGS[i - 1]!))}`);
    });
    expect(files[3]).toContain('await op.dropEnum("post_status");');

    const current = await project.kiln(["current"]);
    expect(current.stdout).toContain(`${DRIZZLE_HEAD} (head)`);
    // drizzle's own table stays as it was.
    const rows = await queryDb(`pglite://${join(project.dir, "db")}`, `SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
    expect(rows[0]!.n).toBe(5);
    // Nothing ran: kiln's history has one stamp row and no step.
    const history = await queryDb(`pglite://${join(project.dir, "db")}`, `SELECT direction FROM kiln_history`);
    expect(history.map((r) => r.direction)).toEqual(["stamp"]);
  }, 120_000);

  it("refuses a second import into a folder that holds revisions, naming it", async () => {
    const again = await project.kiln(["import", "drizzle", DRIZZLE_PG]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already holds 5 revision(s)");
  });
});

