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
import { loadSql, showCreateObjects, showCreateTables, triggerOrder } from "../helpers/mysql.js";
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
      const objects = await showCreateObjects(db.url);
      const order = await triggerOrder(db.url);
      await kilnOk(project, ["revision", "--autogenerate", "-m", "drop everything"]);
      await kilnOk(project, ["upgrade", "head"]);
      expect(await showCreateTables(db.url)).toEqual({});
      await kilnOk(project, ["downgrade", "-1"]);
      expect(await showCreateTables(db.url)).toEqual(before);
      expect(await showCreateObjects(db.url)).toEqual(objects);
      expect(await triggerOrder(db.url)).toEqual(order);
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

describe.skipIf(!available)("Sakila's views, triggers, functions and procedures: dropped by the revision, recreated exactly by its downgrade", () => {
  it("SHOW CREATE TABLE, VIEW, TRIGGER, FUNCTION and PROCEDURE are identical after the round trip; nothing is left unmodelled", async () => {
    const { db, project, before } = await loaded(join(FIXTURES, "sakila", "schema.sql"));
    await loadSql(db.url, join(FIXTURES, "sakila", "objects.sql"));
    const objects = await showCreateObjects(db.url);
    const count = (prefix: string) => Object.keys(objects).filter((k) => k.startsWith(prefix)).length;
    expect([count("view "), count("trigger "), count("function "), count("procedure ")]).toEqual([7, 3, 3, 3]);
    const stderr = await kilnOk(project, ["revision", "--autogenerate", "-m", "drop everything"]);
    expect(stderr).not.toMatch(/not modelled|does not model/);
    const file = project.read(join("migrations", project.revisionFiles()[0]!));
    const upgrade = file.slice(file.indexOf("async upgrade"), file.indexOf("async downgrade"));
    expect(upgrade.match(/op\.dropView\(/g)).toHaveLength(7);
    expect(upgrade.match(/op\.dropTrigger\(/g)).toHaveLength(3);
    expect(upgrade.match(/op\.dropFunction\(/g)).toHaveLength(3);
    expect(upgrade.match(/op\.dropProcedure\(/g)).toHaveLength(3);
    await kilnOk(project, ["upgrade", "head"]);
    expect(await showCreateTables(db.url)).toEqual({});
    expect(await showCreateObjects(db.url)).toEqual({});
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await showCreateTables(db.url)).toEqual(before);
    expect(await showCreateObjects(db.url)).toEqual(objects);
  }, 180_000);
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

describe.skipIf(!available)("MariaDB views and triggers as models", () => {
  const model = (changes: { query?: string; viewOptions?: string; body?: string; fnBody?: string; fnOptions?: string; procArgs?: string } = {}) => `import { table, integer, varchar, view, trigger, func, procedure, sql } from "kiln-migrate/schema";
export const items = table("items", { id: integer().primaryKey(), name: varchar(40).notNull(), qty: integer().notNull().default(0) });
export const itemLog = table("item_log", { id: integer().primaryKey().generatedByDefaultAsIdentity(), msg: varchar(80).notNull() });
export const itemsAdded = trigger("items_added", {
  table: items, timing: "after", events: ["insert"],
  body: sql\`${changes.body ?? "INSERT INTO item_log (msg) VALUES (CONCAT('added ', NEW.name))"}\`,
});
export const bigItems = view("big_items", sql\`${changes.query ?? "SELECT id, name, 'big' AS size FROM items WHERE qty > 10"}\`${changes.viewOptions ? `, ${changes.viewOptions}` : ""});
export const inStock = func("in_stock", {
  args: [{ name: "p_id", type: "INT" }], returns: "BOOLEAN", dataAccess: "reads sql data",${changes.fnOptions ?? ""}
  body: sql\`${changes.fnBody ?? "BEGIN\n  RETURN (SELECT qty > 0 FROM items WHERE id = p_id);\nEND"}\`,
});
export const countItems = procedure("count_items", {
  args: [${changes.procArgs ?? '{ name: "p_min", type: "INT" }, { name: "p_count", type: "INT", mode: "out" }'}],
  body: sql\`BEGIN\n  SELECT COUNT(*) INTO p_count FROM items WHERE qty >= p_min;\nEND\`,
});
`;

  async function built(models: string): Promise<{ db: ScratchDatabase; project: TestProject }> {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({ url: db.url, models });
    cleanups.push(() => project.remove());
    await kilnOk(project, ["revision", "--autogenerate", "-m", "v1"]);
    await kilnOk(project, ["upgrade", "head"]);
    return { db, project };
  }

  it("built from empty models: the trigger as written, the view as the server spells it; check exits 0; the trigger fires", async () => {
    const { db, project } = await built(model());
    const check = await project.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).not.toMatch(/kiln_canon/);
    const objects = await showCreateObjects(db.url);
    expect(objects["trigger items_added"]).toMatch(/^CREATE DEFINER=\S+ TRIGGER `items_added` AFTER INSERT ON `items` FOR EACH ROW INSERT INTO item_log \(msg\) VALUES \(CONCAT\('added ', NEW\.name\)\)$/);
    expect(objects["view big_items"]).toMatch(/VIEW `big_items` AS select `items`\.`id` AS `id`,`items`\.`name` AS `name`,'big' AS `size` from `items` where `items`\.`qty` > 10$/);
    const conn = await (await import("mysql2/promise")).default.createConnection({ uri: db.url });
    await conn.query("INSERT INTO items (id, name, qty) VALUES (1, 'anvil', 20)");
    const [rows] = await conn.query("SELECT msg FROM item_log");
    const [big] = await conn.query("SELECT name, size FROM big_items");
    await conn.end();
    expect(rows).toEqual([{ msg: "added anvil" }]);
    expect(big).toEqual([{ name: "anvil", size: "big" }]);
  }, 90_000);

  it.each([
    ["a view's query", { query: "SELECT id, name, 'huge' AS size FROM items WHERE qty > 100" }, /op\.replaceView\("big_items", "SELECT id, name, 'huge'/, "view big_items", /'huge' AS `size` from `items` where `items`\.`qty` > 100/],
    ["a view's security and check option", { viewOptions: '{ securityInvoker: true, checkOption: "cascaded" }' }, /op\.replaceView\("big_items", "[^"]+", \{\s*checkOption: "cascaded",\s*securityInvoker: true,?\s*\}/, "view big_items", /SQL SECURITY INVOKER VIEW .* WITH CASCADED CHECK OPTION$/],
    ["a view's algorithm", { viewOptions: '{ algorithm: "temptable" }' }, /op\.replaceView\("big_items", "[^"]+", \{\s*algorithm: "temptable",?\s*\}/, "view big_items", /^CREATE ALGORITHM=TEMPTABLE /],
    ["a trigger's body", { body: "INSERT INTO item_log (msg) VALUES (CONCAT('new ', NEW.name))" }, /op\.createTrigger\("items_added", "items", \{[^]*'new '/, "trigger items_added", /VALUES \(CONCAT\('new ', NEW\.name\)\)$/],
    ["a function's body", { fnBody: "BEGIN\n  RETURN (SELECT qty > 1 FROM items WHERE id = p_id);\nEND" }, /op\.replaceFunction\("in_stock", \{[^]*qty > 1/, "function in_stock", /RETURN \(SELECT qty > 1 FROM/],
    ["a function's DETERMINISTIC", { fnOptions: " deterministic: true," }, /op\.replaceFunction\("in_stock", \{[^]*deterministic: true/, "function in_stock", /\n    DETERMINISTIC\n/],
    ["a procedure's parameter", { procArgs: '{ name: "p_min", type: "BIGINT" }, { name: "p_count", type: "INT", mode: "out" }' }, /op\.dropProcedure\("count_items"[^]*op\.createProcedure\("count_items"/, "procedure count_items", /PROCEDURE `count_items`\(IN p_min BIGINT, OUT p_count INT\)/],
  ])("one changed property (%s): exactly that change; its downgrade restores SHOW CREATE", async (_name, changes, revisionText, object, changed) => {
    const { db, project } = await built(model());
    const before = await showCreateObjects(db.url);
    const tablesBefore = await showCreateTables(db.url);
    project.write("schema.ts", model(changes));
    await kilnOk(project, ["revision", "--autogenerate", "-m", "v2"]);
    const file = project.read(join("migrations", project.revisionFiles()[1]!));
    const upgrade = file.slice(file.indexOf("async upgrade"), file.indexOf("async downgrade"));
    // A trigger changes by drop and create (MySQL has no ALTER TRIGGER), as do a routine's parameters; a view or a
    // routine's body and characteristics by one CREATE OR REPLACE.
    expect(upgrade.match(/await op\./g)).toHaveLength(object.startsWith("trigger") || object.startsWith("procedure") ? 2 : 1);
    expect(upgrade).toMatch(revisionText);
    await kilnOk(project, ["upgrade", "head"]);
    expect((await showCreateObjects(db.url))[object]).toMatch(changed);
    const check = await project.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    await kilnOk(project, ["downgrade", "-1"]);
    expect(await showCreateObjects(db.url)).toEqual(before);
    expect(await showCreateTables(db.url)).toEqual(tablesBefore);
  }, 120_000);

  it("a view the server refuses is named as the user's view, never by kiln's scratch database", async () => {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({ url: db.url, models: model({ query: "SELECT nope FROM items" }) });
    cleanups.push(() => project.remove());
    const result = await project.kiln(["revision", "--autogenerate", "-m", "bad"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/the model's view big_items cannot be created on this server.*Unknown column 'nope'/);
    expect(result.stderr).not.toMatch(/kiln_canon/);
  }, 60_000);
});
