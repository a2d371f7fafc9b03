/**
 * `kiln test` (the stairway check) through the real CLI on PGlite, the
 * PostgreSQL server, MariaDB and SQLite: a healthy history with a branch and a
 * merge passes; a downgrade that forgets a column, a downgrade that throws and a
 * revision without downgrade are each named; the user's database is never
 * touched and the scratch database is gone afterwards.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, MYSQL_ADMIN_URL, PG_ADMIN_URL, serverAvailable, tempDir } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

/** A history with a branch (c3a, c3b off b2) joined by a merge (d4), then one more step. */
const HEALTHY: Record<string, string> = {
  "0001_authors.ts": revisionSource({
    revision: "a1a1a1a1a1a1",
    downRevision: null,
    message: "create authors",
    upgrade: `await op.createTable("authors", {
      id: { type: "integer", nullable: false },
      name: { type: "varchar(100)", nullable: false },
    }, { primaryKey: { name: "pk_authors", columns: ["id"] } });`,
    downgrade: `await op.dropTable("authors");`,
  }),
  "0002_books.ts": revisionSource({
    revision: "b2b2b2b2b2b2",
    downRevision: "a1a1a1a1a1a1",
    message: "create books",
    upgrade: `await op.createTable("books", {
      id: { type: "integer", nullable: false },
      author_id: { type: "integer", nullable: false },
      title: { type: "varchar(200)", nullable: false },
    }, {
      primaryKey: { name: "pk_books", columns: ["id"] },
      foreignKeys: [{ name: "fk_books_author", columns: ["author_id"], refTable: "authors", refColumns: ["id"] }],
    });
    await op.createIndex("ix_books_title", "books", ["title"]);`,
    downgrade: `await op.dropIndex("ix_books_title", "books");
    await op.dropTable("books");`,
  }),
  "0003_author_bio.ts": revisionSource({
    revision: "c3a3a3a3a3a3",
    downRevision: "b2b2b2b2b2b2",
    message: "author bio",
    upgrade: `await op.addColumn("authors", "bio", { type: "text" });`,
    downgrade: `await op.dropColumn("authors", "bio");`,
  }),
  "0003_author_name_index.ts": revisionSource({
    revision: "c3b3b3b3b3b3",
    downRevision: "b2b2b2b2b2b2",
    message: "index author names",
    upgrade: `await op.createIndex("ix_authors_name", "authors", ["name"]);`,
    downgrade: `await op.dropIndex("ix_authors_name", "authors");`,
  }),
  "0004_merge.ts": revisionSource({
    revision: "d4d4d4d4d4d4",
    downRevision: ["c3a3a3a3a3a3", "c3b3b3b3b3b3"],
    message: "merge",
    upgrade: "// joins the two branches",
    downgrade: "// joins the two branches",
  }),
  "0005_book_pages.ts": revisionSource({
    revision: "e5e5e5e5e5e5",
    downRevision: "d4d4d4d4d4d4",
    message: "book pages and unique titles",
    upgrade: `await op.addColumn("books", "pages", { type: "integer", nullable: false, default: "0" });
    await op.createUniqueConstraint("uq_books_title", "books", ["title"]);`,
    downgrade: `await op.dropConstraint("uq_books_title", "books", { type: "unique" });
    await op.dropColumn("books", "pages");`,
  }),
};
const HEALTHY_IDS = ["a1a1a1a1a1a1", "b2b2b2b2b2b2", "c3a3a3a3a3a3", "c3b3b3b3b3b3", "d4d4d4d4d4d4", "e5e5e5e5e5e5"];

const FORGETS_COLUMN = revisionSource({
  revision: "f6f6f6f6f6f6",
  downRevision: "e5e5e5e5e5e5",
  message: "book isbn",
  upgrade: `await op.addColumn("books", "isbn", { type: "varchar(20)" });
    await op.createIndex("ix_books_isbn", "books", ["isbn"]);`,
  downgrade: `await op.dropIndex("ix_books_isbn", "books");`,
});

const THROWING_DOWNGRADE = revisionSource({
  revision: "f6f6f6f6f6f6",
  downRevision: "e5e5e5e5e5e5",
  message: "book isbn",
  upgrade: `await op.addColumn("books", "isbn", { type: "varchar(20)" });`,
  downgrade: `throw new Error("the isbn column cannot be removed");`,
});

const NO_DOWNGRADE = revisionSource({
  revision: "f6f6f6f6f6f6",
  downRevision: "e5e5e5e5e5e5",
  message: "book isbn",
  upgrade: `await op.addColumn("books", "isbn", { type: "varchar(20)" });`,
});

/**
 * A view left behind by the downgrade. PostgreSQL models views (issue 12): the schema compared after
 * the downgrade shows it. MySQL and SQLite do not compare views: only the second upgrade notices.
 */
const LEAVES_VIEW = revisionSource({
  revision: "f6f6f6f6f6f6",
  downRevision: "e5e5e5e5e5e5",
  message: "book titles view",
  upgrade: `await op.execute("CREATE VIEW book_titles AS SELECT title FROM books");`,
  downgrade: "// forgets DROP VIEW book_titles",
});

interface Target {
  name: string;
  /** The project's configured (the "user's") database. */
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
  /** Tables in the configured database (to prove kiln test never touches it). */
  userTables(url: string): Promise<string[]>;
  /** True when a database of that name exists on the server (servers only). */
  databaseExists?(name: string): Promise<boolean>;
}

/** Each `kiln test` run starts a process and walks the whole history; shared CI machines are slow. */
const SLOW = 180_000;

const pgUp = await serverAvailable("postgresql");
const mysqlUp = await serverAvailable("mysql");

const targets: Target[] = [
  {
    name: "PGlite",
    async setup() {
      const dir = tempDir();
      return { url: `pglite://${join(dir.path, "db")}`, cleanup: async () => dir.remove() };
    },
    // The configured PGlite directory must not even be created.
    userTables: async (url) => (existsSync(url.slice("pglite://".length)) ? ["<directory created>"] : []),
  },
  {
    name: "SQLite",
    async setup() {
      const dir = tempDir();
      return { url: `sqlite://${join(dir.path, "app.db")}`, cleanup: async () => dir.remove() };
    },
    userTables: async (url) => (existsSync(url.slice("sqlite://".length)) ? ["<file created>"] : []),
  },
  ...(pgUp
    ? [
        {
          name: "PostgreSQL server",
          async setup() {
            const db = await createPgDatabase();
            return { url: db.url, cleanup: () => db.drop() };
          },
          userTables: async (url: string) =>
            (await queryDb(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).map((r) => String(r.table_name)),
          databaseExists: async (name: string) => (await queryDb(PG_ADMIN_URL, "SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0,
        },
      ]
    : []),
  ...(mysqlUp
    ? [
        {
          name: "MariaDB",
          async setup() {
            const db = await createMysqlDatabase();
            return { url: db.url, cleanup: () => db.drop() };
          },
          userTables: async (url: string) =>
            (await queryDb(url, "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")).map((r) => String(r.t)),
          databaseExists: async (name: string) =>
            (await queryDb(MYSQL_ADMIN_URL, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name])).length > 0,
        },
      ]
    : []),
];

/** The scratch database named in the first line, e.g. `testing 6 revision(s) on the scratch database postgres://…/app_kiln_test_1a2b3c4d`. */
function scratchName(stderr: string): string {
  const match = /^testing \d+ revision\(s\) on the scratch database [a-z]+:\/\/\S*\/([A-Za-z0-9_]+)/m.exec(stderr);
  if (!match) throw new Error(`no scratch database named in:\n${stderr}`);
  return match[1]!;
}

describe.each(targets)("kiln test on $name", (target) => {
  // --keep of a server scratch database applies to the server targets only (declared, not skipped).
  const itOnServers: typeof it = target.databaseExists !== undefined ? it : ((() => undefined) as unknown as typeof it);
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject;

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    project = createProject({ url });
    for (const [file, source] of Object.entries(HEALTHY)) project.write(`migrations/${file}`, source);
  });
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  it("passes a healthy history with a branch and a merge, on a scratch database it removes afterwards", async () => {
    const run = await project.kiln(["test"]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(HEALTHY_IDS.length);
    // Topological order, one ✓ line per revision with the three timings.
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^✓ ${HEALTHY_IDS[i]} .* \\(up \\d+ ms, down \\d+ ms, up again \\d+ ms\\)$`)));
    expect(run.stderr).toMatch(/all 6 revision\(s\) pass/);
    expect(await target.userTables(url)).toEqual([]);
    if (target.databaseExists) {
      const name = scratchName(run.stderr);
      expect(name).toMatch(/kiln_test_[0-9a-f]{8}$/);
      expect(await target.databaseExists(name)).toBe(false);
    }
  }, SLOW);

  it("names a revision whose downgrade forgets to drop a column, with the difference", async () => {
    const file = project.write("migrations/0006_isbn.ts", FORGETS_COLUMN);
    try {
      const run = await project.kiln(["test"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^✓ e5e5e5e5e5e5 /m);
      expect(run.stdout).toMatch(/^✗ f6f6f6f6f6f6 book isbn/m);
      expect(run.stdout).toContain(file);
      expect(run.stderr).toContain(`downgrade of revision f6f6f6f6f6f6 (${file}) does not restore the schema`);
      // SQLite shows the type as declared (VARCHAR(20)), the servers as they print it.
      expect(run.stderr).toMatch(/downgrade of f6f6f6f6f6f6 leaves:\n\s+\+ column books\.isbn varchar/i);
      // Only the forgotten column differs: the index the downgrade did drop is not reported.
      expect(run.stderr).not.toMatch(/ix_books_isbn/);
      expect(await target.userTables(url)).toEqual([]);
      if (target.databaseExists) expect(await target.databaseExists(scratchName(run.stderr))).toBe(false);
    } finally {
      rmSync(file);
    }
  }, SLOW);

  it("names a revision whose downgrade throws, and one without a downgrade", async () => {
    const file = project.write("migrations/0006_isbn.ts", THROWING_DOWNGRADE);
    try {
      const thrown = await project.kiln(["test"]);
      expect(thrown.code).toBe(1);
      expect(thrown.stdout).toMatch(/^✗ f6f6f6f6f6f6/m);
      expect(thrown.stderr).toContain(`downgrade of revision f6f6f6f6f6f6 (${file}) failed`);
      expect(thrown.stderr).toContain("the isbn column cannot be removed");

      project.write("migrations/0006_isbn.ts", NO_DOWNGRADE);
      const missing = await project.kiln(["test"]);
      expect(missing.code).toBe(1);
      expect(missing.stdout).toMatch(/^✗ f6f6f6f6f6f6/m);
      expect(missing.stderr).toContain(`revision f6f6f6f6f6f6 (${file}) has no downgrade function`);
      expect(await target.userTables(url)).toEqual([]);
    } finally {
      rmSync(file);
    }
  }, SLOW);

  it("names a revision whose upgrade cannot run again after its downgrade", async () => {
    const file = project.write("migrations/0006_view.ts", LEAVES_VIEW);
    try {
      const run = await project.kiln(["test"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^✗ f6f6f6f6f6f6 book titles view/m);
      // Views are modelled on every dialect, so the check after the downgrade sees the one it left.
      expect(run.stderr).toContain(`downgrade of revision f6f6f6f6f6f6 (${file}) does not restore the schema from before its upgrade`);
      expect(run.stderr).toContain("+ view book_titles");
    } finally {
      rmSync(file);
    }
  }, SLOW);

  itOnServers("keeps the scratch database with --keep", async () => {
    const run = await project.kiln(["test", "--keep"]);
    expect(run.code, run.stderr).toBe(0);
    const name = scratchName(run.stderr);
    expect(run.stderr).toContain(`the scratch database ${name}`);
    expect(await target.databaseExists!(name)).toBe(true);
    const admin = url.startsWith("postgres") ? PG_ADMIN_URL : MYSQL_ADMIN_URL;
    await queryDb(admin, url.startsWith("postgres") ? `DROP DATABASE "${name}"` : `DROP DATABASE \`${name}\``);
  }, SLOW);
});

describe("kiln test --url", () => {
  let project: TestProject;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(() => {
    dir = tempDir();
    project = createProject({ url: `sqlite://${join(dir.path, "app.db")}` });
    for (const [file, source] of Object.entries(HEALTHY)) project.write(`migrations/${file}`, source);
  });
  afterAll(() => {
    project.remove();
    dir.remove();
  });

  it("runs on the given empty database and hands it back empty, so it can run again", async () => {
    const given = `sqlite://${join(dir.path, "ci.db")}`;
    for (let round = 0; round < 2; round++) {
      const run = await project.kiln(["test", "--url", given]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim().split("\n")).toHaveLength(HEALTHY_IDS.length);
    }
    const tables = await queryDb(given, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kiln_%' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    expect(tables).toEqual([]);
    expect(await queryDb(given, "SELECT version_num FROM kiln_version")).toEqual([]);
  }, SLOW);

  it("refuses a database that holds tables, and changes nothing in it", async () => {
    const given = `sqlite://${join(dir.path, "busy.db")}`;
    await queryDb(given, "CREATE TABLE customers (id integer primary key)");
    const run = await project.kiln(["test", "--url", given]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refusing to run kiln test on .*busy\.db: it holds 1 table\(s\): main\.customers/);
    expect(run.stdout).toBe("");
    const tables = await queryDb(given, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(["customers"]);
  }, SLOW);
});
