/**
 * `kiln import` on MariaDB and SQLite, through the real CLI: the drizzle-kit
 * histories made by the real drizzle-kit (test/fixtures/import/drizzle-mysql,
 * drizzle-sqlite), applied by drizzle-orm's own migrator, are imported; the
 * database is stamped at head without running anything and `kiln test` passes
 * every revision. A Flyway folder for MariaDB (U file included) is imported and
 * verified on a scratch database of the server.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzleMysql } from "drizzle-orm/mysql2";
import { migrate as migrateMysql } from "drizzle-orm/mysql2/migrator";
import { importedRevisionId } from "../../src/import/index.js";
import { createMysqlDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "import");
const HEAD = importedRevisionId("drizzle", "0004_add_tags_drop_bio");

function passes(stdout: string): number {
  return stdout.split("\n").filter((line) => line.startsWith("✓")).length;
}

describe("kiln import on SQLite", () => {
  let project: TestProject | undefined;
  afterAll(() => project?.remove());

  it("imports the drizzle-kit history (table rebuilds included), stamps the drizzle-migrated file at head, kiln test passes", async () => {
    project = createProject({ url: "sqlite://./app.db" });
    const file = join(project.dir, "app.db");
    const sqlite = new Database(file);
    migrateSqlite(drizzleSqlite(sqlite), { migrationsFolder: join(FIXTURES, "drizzle-sqlite") });
    sqlite.close();

    const imported = await project.kiln(["import", "drizzle", join(FIXTURES, "drizzle-sqlite"), "--no-verify"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`stamped the database at ${HEAD} (0004_add_tags_drop_bio.sql), as main.__drizzle_migrations records 5 applied migration(s)`);
    expect((await project.kiln(["current"])).stdout).toContain(`${HEAD} (head)`);
    expect(await queryDb(`sqlite://${file}`, "SELECT count(*) AS n FROM __drizzle_migrations")).toEqual([{ n: 5 }]);
    const tested = await project.kiln(["test"]);
    expect(tested.code, tested.stderr).toBe(0);
    expect(passes(tested.stdout)).toBe(5);
  }, 120_000);
});

describe("kiln import of a Prisma folder on SQLite", () => {
  let project: TestProject | undefined;
  afterAll(() => project?.remove());

  it("a RedefineTables migration (table rebuild) gets a downgrade that restores the column; stamped from _prisma_migrations", async () => {
    project = createProject({ url: "sqlite://./app.db" });
    const file = join(project.dir, "app.db");
    const folder = join(FIXTURES, "prisma-sqlite");
    // What `prisma migrate deploy` leaves after the first two migrations.
    const sqlite = new Database(file);
    sqlite.exec(`CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
      "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    for (const name of ["20240110120000_init", "20240115093000_add_posts"]) {
      sqlite.exec(readFileSync(join(folder, name, "migration.sql"), "utf8"));
      sqlite.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name) VALUES (?, 'x', current_timestamp, ?)`).run(name, name);
    }
    sqlite.close();

    const imported = await project.kiln(["import", "prisma", folder]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`stamped the database at ${importedRevisionId("prisma", "20240115093000_add_posts")} (20240115093000_add_posts/migration.sql)`);
    expect(imported.stderr).toContain("kiln test: every imported revision upgrades, downgrades and upgrades again with identical schemas");
    // The rebuild's row copy is not a data change to undo.
    expect(imported.stderr).not.toContain("changes rows");
    const rebuilt = project.read(join("migrations", project.revisionFiles().find((f) => f.includes("post_author_required"))!));
    expect(rebuilt).toContain('await op.alterColumn("Post", "authorId", {');
    const upgraded = await project.kiln(["upgrade", "head"]);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(await queryDb(`sqlite://${file}`, `SELECT "notnull" AS n FROM pragma_table_info('Post') WHERE name = 'authorId'`)).toEqual([{ n: 1 }]);
  }, 120_000);
});

describe.runIf(await serverAvailable("mysql"))("kiln import on MariaDB", () => {
  const databases: ScratchDatabase[] = [];
  const projects: TestProject[] = [];
  afterAll(async () => {
    for (const p of projects) p.remove();
    for (const d of databases) await d.drop();
  });

  it("drizzle: the database drizzle-orm migrated is stamped at head; kiln test passes", async () => {
    const db = await createMysqlDatabase();
    databases.push(db);
    const project = createProject({ url: db.url });
    projects.push(project);
    const conn = await mysql.createConnection({ uri: db.url });
    await migrateMysql(drizzleMysql(conn), { migrationsFolder: join(FIXTURES, "drizzle-mysql") });
    await conn.end();

    const imported = await project.kiln(["import", "drizzle", join(FIXTURES, "drizzle-mysql"), "--no-verify"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`stamped the database at ${HEAD} (0004_add_tags_drop_bio.sql), as ${db.name}.__drizzle_migrations records 5 applied migration(s)`);
    expect((await project.kiln(["current"])).stdout).toContain(`${HEAD} (head)`);
    const tested = await project.kiln(["test"]);
    expect(tested.code, tested.stderr).toBe(0);
    expect(passes(tested.stdout)).toBe(5);
  }, 120_000);

  it("flyway: imported with the U file as V3's downgrade and verified; an empty database is not stamped", async () => {
    const db = await createMysqlDatabase();
    databases.push(db);
    const project = createProject({ url: db.url });
    projects.push(project);
    const imported = await project.kiln(["import", "flyway", join(FIXTURES, "flyway-mysql"), "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout);
    expect(result.revisions.map((r: { source: string; downgrade: string }) => `${r.source}:${r.downgrade}`)).toEqual([
      "V1__create_accounts.sql:derived",
      "V1_1__account_email.sql:derived",
      "V2__create_currencies_and_invoices.sql:derived",
      "V3__seed_currencies.sql:undo",
      "V10__invoice_status.sql:derived",
    ]);
    expect(result.verified).toEqual({ ok: true, details: [] });
    expect(result.stamp).toBeNull();
    expect((await project.kiln(["current"])).stderr).toContain("base");
  }, 120_000);
});

describe("kiln import: views and triggers get derived downgrades (SQLite)", () => {
  let project: TestProject | undefined;
  afterAll(() => project?.remove());

  it("a SQL folder that creates a view and a trigger, then changes the view: each downgrade undoes it; kiln test passes", async () => {
    project = createProject({ url: "sqlite://./app.db" });
    project.write("sql/1_init.sql", `CREATE TABLE "items" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "qty" INTEGER NOT NULL DEFAULT 0);
CREATE TABLE "item_log" ("msg" TEXT NOT NULL);
`);
    project.write("sql/2_objects.sql", `CREATE VIEW big_items AS SELECT id, name FROM items WHERE qty > 10;
CREATE TRIGGER items_added AFTER INSERT ON items
BEGIN
  INSERT INTO item_log (msg) VALUES ('added ' || NEW.name);
END;
`);
    project.write("sql/3_view.sql", `DROP VIEW big_items;
CREATE VIEW big_items AS SELECT id, name, qty FROM items WHERE qty > 100;
`);
    const downgrade = await importedDowngrade(project, 1);
    expect(downgrade).toContain('await op.dropTrigger("items_added", "items");');
    expect(downgrade).toContain('await op.dropView("big_items");');
    const changed = project.read(join("migrations", project.revisionFiles()[2]!));
    expect(changed.slice(changed.indexOf("async downgrade"))).toMatch(/op\.replaceView\(\s*"big_items",\s*"SELECT id, name FROM items WHERE qty > 10"/);
  }, 120_000);
});

describe.runIf(await serverAvailable("mysql"))("kiln import: views, triggers and routines get derived downgrades (MariaDB)", () => {
  const databases: ScratchDatabase[] = [];
  let project: TestProject | undefined;
  afterAll(async () => {
    project?.remove();
    for (const d of databases) await d.drop();
  });

  it("a SQL folder with a view, a trigger and a function: each downgrade undoes it; kiln test passes", async () => {
    const db = await createMysqlDatabase();
    databases.push(db);
    project = createProject({ url: db.url });
    project.write("sql/1_init.sql", "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL DEFAULT 0);\nCREATE TABLE item_log (msg VARCHAR(80) NOT NULL);\n");
    project.write(
      "sql/2_objects.sql",
      "CREATE VIEW big_items AS SELECT id, name FROM items WHERE qty > 10;\n" +
        "CREATE TRIGGER items_added AFTER INSERT ON items FOR EACH ROW BEGIN\n  INSERT INTO item_log (msg) VALUES (CONCAT('added ', NEW.name));\nEND;\n" +
        "CREATE FUNCTION in_stock(p_id INT) RETURNS BOOLEAN READS SQL DATA\nBEGIN\n  RETURN (SELECT qty > 0 FROM items WHERE id = p_id);\nEND;\n",
    );
    const downgrade = await importedDowngrade(project, 1);
    expect(downgrade).toContain('await op.dropTrigger("items_added", "items");');
    expect(downgrade).toContain('await op.dropView("big_items");');
    expect(downgrade).toMatch(/await op\.dropFunction\("in_stock"/);
  }, 180_000);
});

/** Imports the project's sql/ folder (kiln test passes inside the import) and returns revision `index`'s downgrade text. */
async function importedDowngrade(project: TestProject, index: number): Promise<string> {
  const imported = await project.kiln(["import", "sql", "sql"]);
  expect(imported.code, imported.stderr).toBe(0);
  expect(imported.stderr).not.toMatch(/which kiln does not read on this database/);
  expect(imported.stderr).toContain("kiln test: every imported revision upgrades, downgrades and upgrades again with identical schemas");
  const source = project.read(join("migrations", project.revisionFiles()[index]!));
  return source.slice(source.indexOf("async downgrade"));
}
