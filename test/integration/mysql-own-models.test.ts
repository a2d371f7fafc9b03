/**
 * Issue 13's "models that declare each fixture" on MariaDB: test/fixtures/mysql/own.models.ts,
 * written by hand with kiln-migrate/schema, declares everything own.sql holds (charset and
 * collation per column and table, ON UPDATE, DATETIME/TIMESTAMP precision, generated columns,
 * unsigned/zerofill, FULLTEXT/SPATIAL/prefix/DESC indexes, table options, checks, views,
 * triggers in their firing order, a function and a procedure).
 *   - `kiln check` exits 0 on the loaded fixture, and autogenerate finds nothing;
 *   - an empty database built from them has SHOW CREATE TABLE/VIEW/TRIGGER/FUNCTION/PROCEDURE
 *     identical to the loaded fixture's, and the same trigger order;
 *   - changing one property in them gives a revision with exactly that change, and its
 *     downgrade restores every SHOW CREATE text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { loadSql, showCreateObjects, showCreateTables, triggerOrder } from "../helpers/mysql.js";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";

const available = await serverAvailable("mysql");
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "mysql");
const MODELS = readFileSync(join(FIXTURES, "own.models.ts"), "utf8");

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The models with `from` (found exactly once) replaced by `to`. */
function changed(from: string, to: string): string {
  expect(MODELS.split(from)).toHaveLength(2);
  return MODELS.replace(from, to);
}

async function loadedProject(models = MODELS): Promise<{ db: ScratchDatabase; project: TestProject }> {
  const db = await createMysqlDatabase();
  cleanups.push(() => db.drop());
  await loadSql(db.url, join(FIXTURES, "own.sql"));
  const project = createProject({ url: db.url, models });
  cleanups.push(() => project.remove());
  return { db, project };
}

async function kilnOk(project: TestProject, args: string[]): Promise<string> {
  const result = await project.kiln(args);
  if (result.code !== 0) throw new Error(`kiln ${args.join(" ")} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout + result.stderr;
}

async function everything(url: string): Promise<{ tables: Record<string, string>; objects: Record<string, string>; order: string[] }> {
  return { tables: await showCreateTables(url), objects: await showCreateObjects(url), order: await triggerOrder(url) };
}

describe.skipIf(!available)("MariaDB: hand-written models of the own fixture", () => {
  it("kiln check exits 0 on the loaded fixture, and autogenerate finds nothing to do", async () => {
    const { project } = await loadedProject();
    const check = await project.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).not.toMatch(/kiln_canon|not modelled/);
    const auto = await project.kiln(["revision", "--autogenerate", "-m", "nothing"]);
    expect(auto.stdout + auto.stderr).toMatch(/no changes|nothing to/i);
  }, 120_000);

  it("an empty database built from them has every SHOW CREATE text and the trigger order of the loaded fixture", async () => {
    const loaded = await createMysqlDatabase();
    cleanups.push(() => loaded.drop());
    await loadSql(loaded.url, join(FIXTURES, "own.sql"));
    const built = await createMysqlDatabase();
    cleanups.push(() => built.drop());
    const project = createProject({ url: built.url, models: MODELS });
    cleanups.push(() => project.remove());
    await kilnOk(project, ["revision", "--autogenerate", "-m", "build"]);
    await kilnOk(project, ["upgrade", "head"]);
    const [want, got] = [await everything(loaded.url), await everything(built.url)];
    // The loaded AUTO_INCREMENT start is the models' too: the tables are empty on both sides.
    expect(got.tables).toEqual(want.tables);
    expect(got.objects).toEqual(want.objects);
    expect(got.order).toEqual(want.order);
    expect(Object.keys(got.objects)).toHaveLength(8);
    expect((await project.kiln(["check"])).code).toBe(0);
  }, 120_000);

  const CHANGES: [name: string, from: string, to: string, revision: RegExp, object: string, text: RegExp][] = [
    ["a column's character set", 'label: varchar(80).notNull().charset("utf8mb3")', 'label: varchar(80).notNull().charset("latin1")', /alterColumn\("shelves", "label", \{[^]*charset: "latin1"/, "shelves", /`label` varchar\(80\) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL/],
    ["a column's collation", 'note: varchar(200).collate("utf8mb4_bin")', 'note: varchar(200).collate("utf8mb4_general_ci")', /alterColumn\("shelves", "note", \{[^]*collation: "utf8mb4_general_ci"/, "shelves", /`note` varchar\(200\) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL/],
    ["ON UPDATE added", 'openedAt: datetime("opened_at").notNull().default(sql`\'1962-02-18 00:00:00\'`)', 'openedAt: datetime("opened_at").notNull().default(sql`\'1962-02-18 00:00:00\'`).onUpdate(sql`CURRENT_TIMESTAMP`)', /alterColumn\("shelves", "opened_at", \{[^]*onUpdate: "current_timestamp\(\)"/, "shelves", /`opened_at` datetime NOT NULL DEFAULT '1962-02-18 00:00:00' ON UPDATE current_timestamp\(\),/],
    ["a DATETIME precision", 'checkedAt: datetime("checked_at", { precision: 3 })', 'checkedAt: datetime("checked_at", { precision: 6 })', /alterColumn\("shelves", "checked_at", \{[^]*type: "timestamp"/, "shelves", /`checked_at` datetime\(6\) DEFAULT NULL/],
    ["a generated expression", "generatedAlwaysAs(sql`UPPER(title)`, { stored: true })", "generatedAlwaysAs(sql`LOWER(title)`, { stored: true })", /lcase\(`title`\)/, "books", /`title_upper` varchar\(200\) GENERATED ALWAYS AS \(lcase\(`title`\)\) STORED/],
    ["an index prefix length", 'on(sql`${t.title}(20)`, sql`${t.subtitle}(10)`)', 'on(sql`${t.title}(30)`, sql`${t.subtitle}(10)`)', /createIndex\("ix_books_title_prefix", "books"/, "books", /KEY `ix_books_title_prefix` \(`title`\(30\),`subtitle`\(10\)\)/],
    ["an index key part's DESC", "on(desc(t.pages))", "on(t.pages)", /createIndex\("ix_books_pages", "books", \["pages"\]/, "books", /KEY `ix_books_pages` \(`pages`\),/],
    ["a table option (comment)", 'comment: "where the books stand"', 'comment: "where books stand"', /setTableComment\("shelves", "where books stand"|comment: "where books stand"/, "shelves", /COMMENT='where books stand'$/],
    ["a table option (row format)", 'rowFormat: "DYNAMIC"', 'rowFormat: "COMPACT"', /setTableOptions\("shelves", \{ rowFormat: "COMPACT" \}/, "shelves", /ROW_FORMAT=COMPACT/],
    ["a view's query", "WHERE price < 10`", "WHERE price < 20`", /op\.replaceView\("cheap_books"/, "view cheap_books", /`books`\.`price` < 20$/],
    ["a trigger's body", "SET NEW.title = TRIM(NEW.title)", "SET NEW.title = LTRIM(NEW.title)", /op\.createTrigger\("books_title_trim"[^]*LTRIM/, "trigger books_title_trim", /SET NEW\.title = LTRIM\(NEW\.title\)$/],
  ];

  it.each(CHANGES)("one changed property (%s): exactly that change; its downgrade restores every SHOW CREATE text", async (_name, from, to, revisionText, object, text) => {
    const { db, project } = await loadedProject(changed(from, to));
    const before = await everything(db.url);
    await kilnOk(project, ["revision", "--autogenerate", "-m", "one change"]);
    const file = project.read(join("migrations", project.revisionFiles()[0]!));
    const upgrade = file.slice(file.indexOf("async upgrade"), file.indexOf("async downgrade"));
    const ops = upgrade.match(/await op\.\w+/g) ?? [];
    // An index or a trigger changes by drop and create (neither has an ALTER); a trigger's followers
    // go and come back with it, in order.
    if (object.startsWith("trigger")) {
      expect(ops, upgrade).toEqual(["await op.dropTrigger", "await op.dropTrigger", "await op.createTrigger", "await op.createTrigger"]);
    } else if (/index/.test(_name)) {
      // MariaDB lists keys in creation order: the indexes after the changed one go (last first) and come
      // back in order, with the foreign key's index kept meanwhile (docs/mysql-objects.md).
      const drops = ops.filter((o) => o === "await op.dropIndex").length;
      expect(ops.slice(0, drops).every((o) => o === "await op.dropIndex" || o === "await op.createIndex"), upgrade).toBe(true);
      expect(upgrade.match(/dropIndex\("(\w+)"/g), upgrade).toEqual(expect.arrayContaining([expect.stringContaining(upgrade.match(/createIndex\("(\w+)"/)![1]!)]));
    }
    else expect(ops, upgrade).toHaveLength(1);
    expect(upgrade).toMatch(revisionText);
    await kilnOk(project, ["upgrade", "head"]);
    const after = await everything(db.url);
    const shown = object.includes(" ") ? after.objects[object] : after.tables[object];
    expect(shown).toMatch(text);
    expect(after.order).toEqual(before.order);
    const check = await project.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await everything(db.url)).toEqual(before);
  }, 120_000);

  it("the firing order changed in the models: the triggers after the first change go and come back in the new order; the downgrade restores the old", async () => {
    // books_a_subtitle moves before books_title_trim (named by a string: it is declared after).
    const models = changed("follows: booksPagesFloor,", 'follows: "books_a_subtitle",').replace("follows: booksTitleTrim,", "follows: booksPagesFloor,");
    const { db, project } = await loadedProject(models);
    const before = await everything(db.url);
    expect(before.order).toContain("books BEFORE INSERT: books_pages_floor, books_title_trim, books_a_subtitle");
    await kilnOk(project, ["revision", "--autogenerate", "-m", "reorder"]);
    const file = project.read(join("migrations", project.revisionFiles()[0]!));
    const upgrade = file.slice(file.indexOf("async upgrade"), file.indexOf("async downgrade"));
    expect(upgrade.match(/await op\.\w+\("\w+"/g)).toEqual([
      'await op.dropTrigger("books_a_subtitle"',
      'await op.dropTrigger("books_title_trim"',
      'await op.createTrigger("books_a_subtitle"',
      'await op.createTrigger("books_title_trim"',
    ]);
    await kilnOk(project, ["upgrade", "head"]);
    const after = await everything(db.url);
    expect(after.order).toContain("books BEFORE INSERT: books_pages_floor, books_a_subtitle, books_title_trim");
    expect(after.objects).toEqual(before.objects);
    expect((await project.kiln(["check"])).code).toBe(0);
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await everything(db.url)).toEqual(before);
  }, 120_000);
});

describe.skipIf(!available)("MariaDB DEFINERs: not modelled, named before a revision recreates them", () => {
  it("check exits 0 whatever an object's DEFINER; a revision that drops or replaces one under another DEFINER names it", async () => {
    const { db, project } = await loadedProject(changed("WHERE price < 10`", "WHERE price < 20`"));
    const mysql = (await import("mysql2/promise")).default;
    const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true });
    await conn.query(
      "CREATE DEFINER=`kiln_other`@`localhost` SQL SECURITY INVOKER VIEW cheap_books_2 AS SELECT book_id FROM books;" +
        "ALTER ALGORITHM=MERGE DEFINER=`kiln_other`@`localhost` VIEW cheap_books AS SELECT book_id, title FROM books WHERE price < 10;",
    );
    await conn.end();
    const auto = await kilnOk(project, ["revision", "--autogenerate", "-m", "definers"]);
    expect(auto).toMatch(/View cheap_books has DEFINER kiln_other@localhost, not the user kiln connects as: the revision creates it again \(and so does its downgrade\)/);
    expect(auto).toMatch(/View cheap_books_2 has DEFINER kiln_other@localhost, not the user kiln connects as: the downgrade creates it again/);
    const file = project.read(join("migrations", project.revisionFiles()[0]!));
    expect(file).not.toMatch(/definer:|DEFINER=/);
    // The models agree on everything kiln models: the DEFINER is not compared.
    await kilnOk(project, ["upgrade", "head"]);
    const check = await project.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  }, 120_000);
});
