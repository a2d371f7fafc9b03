/**
 * What a derived downgrade cannot undo is named, never dropped: the replay on
 * SQLite (in memory) and on the PostgreSQL server notes rows a statement changes,
 * permissions, and objects kiln does not read (PostgreSQL's object survey names
 * them; SQLite's views and triggers are read and undone), while the row copy of a table rebuild is not a data
 * change. A statement that fails names its file and statement; a folder for
 * another database is refused before anything is written.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { dialectFor } from "../../src/dialects/index.js";
import { replayHistory } from "../../src/import/replay.js";
import type { SourceMigration } from "../../src/import/types.js";
import { createPgDatabase, serverAvailable } from "../helpers/databases.js";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";

const PG_SERVER = await serverAvailable("postgresql");

function migration(file: string, statements: string[]): SourceMigration {
  return { key: file, name: file, file, statements };
}

async function replay(url: string, migrations: SourceMigration[]) {
  const parsed = parseDatabaseUrl(url);
  const dialect = await dialectFor(parsed);
  const conn = await dialect.connect(parsed);
  try {
    return await replayHistory({ dialect, conn, migrations, schemas: [] });
  } finally {
    await conn.close();
  }
}

describe("notes in derived downgrades", () => {
  it("SQLite: a seed is named; a trigger and a view (read on SQLite) are undone; a table rebuild's copy is not a data change", async () => {
    const done = await replay("sqlite::memory:", [
      migration("1_init.sql", [
        "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)",
        "INSERT INTO users (id, email) VALUES (1, 'admin@example.com')",
        "CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN SELECT 1; END",
        "CREATE VIEW admins AS SELECT * FROM users WHERE id = 1",
      ]),
      migration("2_rebuild.sql", [
        "CREATE TABLE __new_users (id integer PRIMARY KEY, email text NOT NULL UNIQUE)",
        "INSERT INTO __new_users (id, email) SELECT id, email FROM users",
        "DROP VIEW admins",
        "DROP TABLE users",
        "ALTER TABLE __new_users RENAME TO users",
      ]),
    ]);
    expect(done[0]!.downgrade.notes).toEqual([
      "statement 2 (INSERT INTO users (id, email) VALUES (1, 'admin@example.com')) changes rows, which the downgrade does not undo; undo it by hand if it matters",
    ]);
    expect(done[0]!.downgrade.notes.some((n) => n.includes("changes rows") && n.includes("__new_users"))).toBe(false);
    expect(done[0]!.downgrade.operations.map((op) => op.kind).sort()).toEqual(["dropTable", "dropTrigger", "dropView"]);
    // The rebuild dropped the view and, with the old table, its trigger: the downgrade puts both back.
    expect(done[1]!.downgrade.operations.map((op) => op.kind)).toEqual(expect.arrayContaining(["createView", "createTrigger"]));
    expect(done[1]!.downgrade.notes.some((n) => n.includes("changes rows") || n.includes("does not read"))).toBe(false);
  });

  it.runIf(PG_SERVER)("PostgreSQL: an object kind kiln does not model is named from the survey, as is a GRANT", async () => {
    const db = await createPgDatabase();
    let done;
    try {
      done = await replay(db.url, [
        migration("V1__init.sql", ["CREATE TABLE t (id int PRIMARY KEY)", "CREATE TEXT SEARCH CONFIGURATION my_search (COPY = simple)", "GRANT SELECT ON t TO PUBLIC"]),
      ]);
    } finally {
      await db.drop();
    }
    const notes = done[0]!.downgrade.notes;
    expect(notes).toContain("statement 3 (GRANT SELECT ON t TO PUBLIC) changes permissions, which kiln does not compare: the downgrade does not undo it; add the opposite REVOKE by hand");
    expect(notes.some((n) => /my_search.*created by this migration, is not modelled by kiln: the downgrade does not drop it/.test(n))).toBe(true);
    expect(done[0]!.downgrade.operations.map((op) => op.kind)).toEqual(["dropTable"]);
  }, 60_000);
});

describe("kiln import refuses bad input before writing anything", () => {
  let project: TestProject;
  afterAll(() => project?.remove());

  it("names the file and statement that fail, and a folder for another database", async () => {
    project = createProject({ url: "sqlite://./app.db" });
    project.write("history/1_ok.sql", "CREATE TABLE a (id integer PRIMARY KEY);\n");
    project.write("history/2_broken.sql", "CREATE TABLE b (id integer PRIMARY KEY);\nALTER TABLE missing ADD COLUMN x int;\n");
    const broken = await project.kiln(["import", "sql", "history"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("2_broken.sql, statement 2 of 2 (ALTER TABLE missing ADD COLUMN x int), fails on the scratch database: no such table: missing");
    expect(project.revisionFiles()).toEqual([]);

    const other = await project.kiln(["import", "drizzle", join(REPO_ROOT, "test", "fixtures", "import", "drizzle-pg")]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("is a drizzle history for postgresql, but the project's database is sqlite");
    expect(project.revisionFiles()).toEqual([]);

    const unknown = await project.kiln(["import", "liquibase", "history"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown tool "liquibase": kiln import reads drizzle, prisma, flyway, sql');
  }, 60_000);
});
