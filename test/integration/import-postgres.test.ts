/**
 * `kiln import` on the PostgreSQL server, through the real CLI (PGlite: import-pglite.test.ts):
 * the drizzle-kit history made by the real drizzle-kit (test/fixtures/import/drizzle-pg),
 * applied to a database by drizzle-orm's own migrator, is imported, the database is
 * stamped at head without running anything (drizzle's table left in place), models
 * pulled from it pass `kiln check`, and `kiln test` passes every imported revision. A Prisma Migrate
 * folder deployed up to its third migration is stamped there and upgraded by
 * kiln; a Flyway folder with an undo script is imported and verified.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { readFileSync } from "node:fs";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { importedRevisionId } from "../../src/import/index.js";
import { createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "import");
const DRIZZLE_PG = join(FIXTURES, "drizzle-pg");
const PRISMA_PG = join(FIXTURES, "prisma-pg");
const FLYWAY_PG = join(FIXTURES, "flyway-pg");
const DRIZZLE_TAGS = ["0000_create_users", "0001_create_posts", "0002_add_published_and_bio", "0003_add_comments_and_status", "0004_add_tags_drop_bio"];
const DRIZZLE_HEAD = importedRevisionId("drizzle", DRIZZLE_TAGS[4]!);

function passes(stdout: string): number {
  return stdout.split("\n").filter((line) => line.startsWith("✓")).length;
}

describe.runIf(await serverAvailable("postgresql"))("kiln import on the PostgreSQL server", () => {
  const databases: ScratchDatabase[] = [];
  const projects: TestProject[] = [];
  afterAll(async () => {
    for (const p of projects) p.remove();
    for (const d of databases) await d.drop();
  });
  async function setUp(): Promise<{ db: ScratchDatabase; project: TestProject }> {
    const db = await createPgDatabase();
    databases.push(db);
    const project = createProject({ url: db.url });
    projects.push(project);
    return { db, project };
  }

  it("drizzle: the database drizzle-orm migrated is stamped at head and passes kiln check against models pulled from it; kiln test passes on a scratch database of the server", async () => {
    const { db, project } = await setUp();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migratePg(drizzlePg(client), { migrationsFolder: DRIZZLE_PG });
    await client.end();

    const imported = await project.kiln(["import", "drizzle", DRIZZLE_PG, "--no-verify"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/replayed on postgres:\/\/postgres@127\.0\.0\.1:5432\/kiln_t_\w+_kiln_test_\w+/);
    expect(imported.stderr).toContain(`stamped the database at ${DRIZZLE_HEAD}`);
    // The stamped database and models pulled from it agree: kiln check finds nothing to do.
    const pulled = await project.kiln(["pull"]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const checked = await project.kiln(["check"]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stderr).toContain("the models match the database");
    const tested = await project.kiln(["test"]);
    expect(tested.code, tested.stderr).toBe(0);
    expect(passes(tested.stdout)).toBe(5);
  }, 120_000);

  it("prisma: a database deployed up to the third migration is stamped there, and kiln upgrades it to head", async () => {
    const { db, project } = await setUp();
    const folders = ["20240110120000_init", "20240115093000_add_posts", "20240201110000_post_published"];
    // What `prisma migrate deploy` leaves: the migrations' SQL and its bookkeeping table.
    await queryDb(db.url, `CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    for (const [i, folder] of folders.entries()) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(readFileSync(join(PRISMA_PG, folder, "migration.sql"), "utf8"));
      await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, 'x', now(), $2, 1)`, [`id-${i}`, folder]);
      await client.end();
    }
    const imported = await project.kiln(["import", "prisma", PRISMA_PG]);
    expect(imported.code, imported.stderr).toBe(0);
    const third = importedRevisionId("prisma", folders[2]!);
    expect(imported.stderr).toContain(`stamped the database at ${third} (20240201110000_post_published/migration.sql), as public._prisma_migrations records 3 applied migration(s)`);
    expect(imported.stderr).toContain("kiln test: every imported revision upgrades, downgrades and upgrades again with identical schemas");
    // The hand-edited rename is undone as a rename (the data stays), not as drop and add.
    const rename = project.revisionFiles().find((f) => f.includes("rename_user_name"))!;
    expect(project.read(join("migrations", rename))).toContain('await op.alterColumn("User", "displayName", { newName: "name", existing: { type: "text" } });');

    const upgraded = await project.kiln(["upgrade", "head"]);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    const columns = await queryDb(db.url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'User' ORDER BY ordinal_position`);
    expect(columns.map((c) => c.column_name)).toContain("displayName");
    const current = await project.kiln(["current"]);
    expect(current.stdout).toContain(`${importedRevisionId("prisma", "20240301080000_profiles")} (head)`);
  }, 120_000);

  it("sql: a value added to an enum and used in the same migration, and CREATE INDEX CONCURRENTLY, upgrade and downgrade", async () => {
    const { project } = await setUp();
    project.write("sql/1_init.sql", "CREATE TYPE mood AS ENUM ('happy', 'sad');\nCREATE TABLE people (id int PRIMARY KEY, mood mood NOT NULL);\n");
    project.write("sql/2_more.sql", "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'sad';\nALTER TABLE people ALTER COLUMN mood SET DEFAULT 'ok';\nCREATE INDEX CONCURRENTLY people_mood_idx ON people (mood);\n");
    const imported = await project.kiln(["import", "sql", "sql"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain("kiln test: every imported revision upgrades, downgrades and upgrades again with identical schemas");
    expect(imported.stderr).toContain("CREATE INDEX CONCURRENTLY people_mood_idx ON people (mood) cannot run in a transaction, so the revision says transactional: false");
    const more = project.read(join("migrations", project.revisionFiles()[1]!));
    expect(more).toContain('await op.addEnumValue("mood", "ok", { before: "sad" });');
    expect(more).toContain("transactional: false,");
    // The value cannot be dropped from the type: the downgrade recreates it without the value.
    expect(more).toContain('await op.createEnum("mood", ["happy", "sad"]);');
  }, 120_000);

  it("flyway: versions in numeric order, the U file as the downgrade, stamped from flyway_schema_history", async () => {
    const { db, project } = await setUp();
    await queryDb(db.url, `CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL,
      type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),
      execution_time INT NOT NULL, success BOOLEAN NOT NULL)`);
    const applied = ["V1__create_accounts.sql", "V1_1__account_email.sql", "V2__create_currencies_and_invoices.sql", "V3__seed_currencies.sql"];
    for (const [i, script] of applied.entries()) {
      await queryDb(db.url, readFileSync(join(FLYWAY_PG, script), "utf8"));
      const version = script.slice(1, script.indexOf("__")).replace("_", ".");
      await queryDb(db.url, `INSERT INTO flyway_schema_history VALUES ($1, $2, 'x', 'SQL', $3, 0, 'postgres', now(), 1, true)`, [i + 1, version, script]);
    }
    const imported = await project.kiln(["import", "flyway", FLYWAY_PG]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/V3 seed currencies .*undo script/);
    expect(imported.stdout.indexOf("V3 seed")).toBeLessThan(imported.stdout.indexOf("V10 invoice"));
    expect(imported.stderr).toContain(`stamped the database at ${importedRevisionId("flyway", "3")} (V3__seed_currencies.sql)`);
    expect(imported.stderr).toContain("kiln test: every imported revision");
    const v3 = project.revisionFiles().find((f) => f.includes("v3_seed"))!;
    expect(project.read(join("migrations", v3))).toContain(`await op.execute("DELETE FROM currencies WHERE code IN ('EUR', 'USD', 'JPY')");`);
    const upgraded = await project.kiln(["upgrade", "head"]);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(await queryDb(db.url, "SELECT count(*)::int AS n FROM flyway_schema_history")).toEqual([{ n: 4 }]);
  }, 120_000);
});
