/**
 * Real MariaDB schemas round-tripped through the CLI (issue 13): a schema of
 * our own (test/fixtures/mysql/own.sql) and the public Sakila sample
 * (test/fixtures/mysql/sakila). Loaded, then with models that hold nothing:
 * autogenerate, upgrade head, downgrade -1 must leave SHOW CREATE TABLE
 * identical for every table.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { loadSql, showCreateTables } from "../helpers/mysql.js";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";

const available = await serverAvailable("mysql");
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "mysql");

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function loaded(file: string): Promise<{ db: ScratchDatabase; project: TestProject; before: Record<string, string> }> {
  const db = await createMysqlDatabase();
  cleanups.push(() => db.drop());
  await loadSql(db.url, file);
  const project = createProject({ url: db.url, models: "export {};\n" });
  cleanups.push(() => project.remove());
  return { db, project, before: await showCreateTables(db.url) };
}

async function kilnOk(project: TestProject, args: string[]): Promise<string> {
  const result = await project.kiln(args);
  if (result.code !== 0) throw new Error(`kiln ${args.join(" ")} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result.stderr;
}

describe.skipIf(!available)("real MariaDB schemas: drop everything, then downgrade", () => {
  for (const fixture of ["sakila/schema.sql", "own.sql"]) {
    it(`${fixture}: SHOW CREATE TABLE is identical for every table after the round trip`, async () => {
      const { db, project, before } = await loaded(join(FIXTURES, fixture));
      expect(Object.keys(before).length).toBeGreaterThan(3);
      await kilnOk(project, ["revision", "--autogenerate", "-m", "drop everything"]);
      await kilnOk(project, ["upgrade", "head"]);
      expect(await showCreateTables(db.url)).toEqual({});
      await kilnOk(project, ["downgrade", "-1"]);
      expect(await showCreateTables(db.url)).toEqual(before);
    }, 120_000);
  }
});

describe.skipIf(!available)("MySQL notes in generated revisions", () => {
  it("generatedAlwaysAsIdentity() gets a note that MySQL makes it AUTO_INCREMENT", async () => {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({
      url: db.url,
      models: `import { table, integer, varchar } from "kiln-migrate/schema";
export const items = table("items", { id: integer().primaryKey().generatedAlwaysAsIdentity(), name: varchar(20) });
`,
    });
    cleanups.push(() => project.remove());
    const stderr = await kilnOk(project, ["revision", "--autogenerate", "-m", "items"]);
    expect(stderr).toMatch(/column items\.id is generatedAlwaysAsIdentity\(\) in the models; MySQL has no GENERATED ALWAYS identity, so it becomes AUTO_INCREMENT/);
    const file = project.read(join("migrations", project.revisionFiles()[0]!));
    expect(file).toMatch(/\/\/ NOTE: column items\.id is generatedAlwaysAsIdentity\(\)/);
    await kilnOk(project, ["upgrade", "head"]);
    expect((await showCreateTables(db.url)).items).toMatch(/`id` int\(11\) NOT NULL AUTO_INCREMENT/);
  }, 60_000);
});

describe.skipIf(!available)("one changed property: exactly that change, and its downgrade restores SHOW CREATE TABLE", () => {
  const model = (changes: { label?: string; updatedAt?: string; options?: string } = {}) => `import { table, integer, varchar, timestamp, datetime, sql } from "kiln-migrate/schema";
export const shelves = table("shelves", {
  id: integer().primaryKey(),
  label: ${changes.label ?? 'varchar(80).notNull().charset("utf8mb3")'},
  updatedAt: ${changes.updatedAt ?? 'timestamp("updated_at", { withTimezone: true, precision: 0 }).notNull().default(sql`CURRENT_TIMESTAMP`).onUpdate(sql`CURRENT_TIMESTAMP`)'},
  born: datetime(),
}, ${changes.options ?? '{ rowFormat: "DYNAMIC" }'});
`;

  it.each([
    ["a type change keeps the character set (MODIFY restates it)", { label: 'varchar(120).notNull().charset("utf8mb3")' }, /alterColumn\("shelves", "label", \{\s*type: "varchar\(120\)"/, /`label` varchar\(120\) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci NOT NULL/],
    ["a nullability change keeps ON UPDATE", { updatedAt: 'timestamp("updated_at", { withTimezone: true, precision: 0 }).default(sql`CURRENT_TIMESTAMP`).onUpdate(sql`CURRENT_TIMESTAMP`)' }, /alterColumn\("shelves", "updated_at", \{\s*nullable: true/, /`updated_at` timestamp NULL DEFAULT current_timestamp\(\) ON UPDATE current_timestamp\(\)/],
    ["ON UPDATE removed", { updatedAt: 'timestamp("updated_at", { withTimezone: true, precision: 0 }).notNull().default(sql`CURRENT_TIMESTAMP`)' }, /onUpdate: null/, /`updated_at` timestamp NOT NULL DEFAULT current_timestamp\(\),/],
    ["a collation", { label: 'varchar(80).notNull().charset("utf8mb3").collate("utf8mb3_bin")' }, /collation: "utf8mb3_bin"/, /`label` varchar\(80\) CHARACTER SET utf8mb3 COLLATE utf8mb3_bin NOT NULL/],
    ["the engine and row format", { options: '{ engine: "MyISAM", rowFormat: "FIXED" }' }, /setTableOptions\("shelves", \{ engine: "MyISAM", rowFormat: "FIXED" \}/, /ENGINE=MyISAM .*ROW_FORMAT=FIXED/],
  ])("%s", async (_name, changes, revisionText, changed) => {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({ url: db.url, models: model() });
    cleanups.push(() => project.remove());
    await kilnOk(project, ["revision", "--autogenerate", "-m", "v1"]);
    await kilnOk(project, ["upgrade", "head"]);
    expect((await project.kiln(["check"])).code).toBe(0);
    const before = await showCreateTables(db.url);

    project.write("schema.ts", model(changes));
    await kilnOk(project, ["revision", "--autogenerate", "-m", "v2"]);
    const file = project.read(join("migrations", project.revisionFiles()[1]!));
    const upgrade = file.slice(file.indexOf("async upgrade"), file.indexOf("async downgrade"));
    expect(upgrade.match(/await op\./g)).toHaveLength(1);
    expect(upgrade).toMatch(revisionText);
    await kilnOk(project, ["upgrade", "head"]);
    expect((await showCreateTables(db.url)).shelves).toMatch(changed);
    expect((await project.kiln(["check"])).code).toBe(0);
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await showCreateTables(db.url)).toEqual(before);
  }, 90_000);
});

describe.skipIf(!available)("nothing lost in silence: Sakila's views, triggers and routines", () => {
  it("autogenerate and check name every view, trigger, function and procedure a revision would break or lose", async () => {
    const { db, project } = await loaded(join(FIXTURES, "sakila", "schema.sql"));
    await loadSql(db.url, join(FIXTURES, "sakila", "objects.sql"));
    const check = await project.kiln(["check"]);
    expect(check.code).toBe(1);
    const stderr = await kilnOk(project, ["revision", "--autogenerate", "-m", "drop everything"]);
    for (const output of [check.stdout + check.stderr, stderr]) {
      const text = output.replace(/\s+/g, " ");
      for (const trigger of ["ins_film", "upd_film", "del_film"]) {
        expect(text).toContain(`trigger ${trigger} on table film`);
      }
      expect(text).toMatch(/Table film is dropped with trigger \w+ on table film, trigger \w+ on table film, trigger \w+ on table film, which kiln does not model: the downgrade recreates the table WITHOUT them/);
      for (const view of ["customer_list", "film_list", "nicer_but_slower_film_list", "staff_list", "sales_by_store", "sales_by_film_category", "actor_info"]) {
        expect(text).toContain(`view ${view}`);
      }
      for (const routine of ["function get_customer_balance", "function inventory_held_by_customer", "function inventory_in_stock", "procedure film_in_stock", "procedure film_not_in_stock", "procedure rewards_report"]) {
        expect(text).toContain(routine);
      }
    }
  }, 120_000);
});

describe.skipIf(!available)("MySQL indexes from the model DSL", () => {
  it("a prefix key part and a FULLTEXT index are created as declared, and check then finds nothing", async () => {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({
      url: db.url,
      models: `import { table, integer, varchar, text, sql, index } from "kiln-migrate/schema";
export const books = table("books", { id: integer().primaryKey(), title: varchar(200).notNull(), summary: text() },
  (t) => [index("ix_books_title").on(sql\`\${t.title}(20)\`), index("ft_books").on(t.title, t.summary).using("fulltext")]);
`,
    });
    cleanups.push(() => project.remove());
    await kilnOk(project, ["revision", "--autogenerate", "-m", "books"]);
    await kilnOk(project, ["upgrade", "head"]);
    const created = (await showCreateTables(db.url)).books!;
    expect(created).toContain("KEY `ix_books_title` (`title`(20))");
    expect(created).toContain("FULLTEXT KEY `ft_books` (`title`,`summary`)");
    expect((await project.kiln(["check"])).code).toBe(0);
  }, 60_000);
});
