/**
 * Issue 13 on SQLite: real schemas kept exactly, nothing lost in silence.
 *
 * Two public sample databases (Chinook, Sakila: 30 triggers, 5 views) and kiln's
 * own fixture (unnamed constraints, declared types, an enum CHECK, generated
 * columns, STRICT, WITHOUT ROWID, triggers, a view) go through the round trip
 * of test/helpers/sqlite-roundtrip.ts: with models that declare nothing,
 * autogenerate, upgrade head, downgrade -1 leave every sqlite_schema text and
 * PRAGMA foreign_key_list / index_list / table_xinfo identical. Models that
 * declare the own fixture match it (`kiln check` exit 0); changing one property
 * gives a revision with exactly that change, whose downgrade restores the schema.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createProject, type TestProject } from "../helpers/project.js";
import { describeRoundTrip, sqliteRoundTrip, sqliteSnapshot, type SqliteRoundTrip } from "../helpers/sqlite-roundtrip.js";

const fixture = (name: string) => readFileSync(join(__dirname, "..", "fixtures", "sqlite", `${name}.sql`), "utf8");

/** Models that declare own.sql (generated columns are carried as stored: see docs/sqlite-objects.md). */
function ownModels(
  change: { nameCollate?: string; authorIndexOn?: string; slugExpression?: string; priceNotNull?: boolean; tagsForeignKey?: boolean; ledgerStrict?: boolean; tagsWithoutRowid?: boolean; auditOptions?: string; viewQuery?: string; auditWhen?: string; auditBody?: string } = {},
): string {
  return `import { table, enumType, integer, varchar, text, numeric, sql, check, index, unique, primaryKey, foreignKey, view, trigger } from "kiln-migrate/schema";

export const mood = enumType("mood", ["calm", "busy"]);
export const authors = table("authors", {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  name: varchar(120).notNull()${change.nameCollate ? `.collate("${change.nameCollate}")` : ""},
  born: integer(),
  mood: mood().notNull().default("calm"),
}, (t) => [unique().on(t.name), check(sql\`"born" > 1000\`)]);
export const books = table("books", {
  id: integer().primaryKey(),
  authorId: integer("author_id").notNull().references(() => authors.id, { onDelete: "cascade" }),
  title: text().notNull(),
  price: numeric({ precision: 10, scale: 2 })${change.priceNotNull ? ".notNull()" : ""},
  slug: text().generatedAlwaysAs(sql\`${change.slugExpression ?? 'lower("title")'}\`, { stored: false }),
  priceCents: integer("price_cents").generatedAlwaysAs(sql\`CAST("price" * 100 AS INTEGER)\`, { stored: true }),
}, (t) => [
  check("ck_books_price", sql\`"price" >= 0\`),
  index("ix_books_author_id").on(${change.authorIndexOn ?? "t.authorId"}),
  index("ix_books_slug").unique().on(t.slug).where(sql\`"slug" IS NOT NULL\`),
]);
export const tags = table("tags", {
  bookId: integer("book_id").notNull(),
  tag: text().notNull(),
}, (t) => [primaryKey({ columns: [t.bookId, t.tag] })${change.tagsForeignKey === false ? "" : ", foreignKey({ columns: [t.bookId], foreignColumns: [books.id] })"}], { withoutRowid: ${change.tagsWithoutRowid ?? true} });
export const ledger = table("ledger", {
  id: integer().primaryKey(),
  amount: integer().notNull(),
  note: text(),
}, undefined, { strict: ${change.ledgerStrict ?? true} });
export const audit = table("audit", {
  id: integer().primaryKey(),
  msg: text().notNull(),
}${change.auditOptions ? `, undefined, ${change.auditOptions}` : ""});
export const booksAudit = trigger("books_audit", {
  table: books, timing: "after", events: ["insert"],${change.auditWhen !== undefined ? ` when: sql\`${change.auditWhen}\`,` : ""}
  body: sql\`${change.auditBody ?? `
  INSERT INTO "audit" ("msg") VALUES ('book ' || NEW."title");
`}\`,
});
export const authorsNoDelete = trigger("authors_no_delete", {
  table: authors, timing: "before", events: ["delete"], when: sql\`OLD."mood" = 'busy'\`,
  body: sql\`
  SELECT RAISE(ABORT, 'busy authors stay');
\`,
});
export const bookList = view("book_list", sql\`${change.viewQuery ?? `
  SELECT b."id", b."title", a."name" AS "author"
  FROM "books" AS b JOIN "authors" AS a ON a."id" = b."author_id"`}\`);
`;
}

let project: TestProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

function expectExact(r: SqliteRoundTrip): void {
  project = r.project;
  expect(r.failedStep, describeRoundTrip(r)).toBeUndefined();
  expect(r.diff, describeRoundTrip(r)).toBe("");
}

describe("SQLite round trip with empty models: the schema comes back exactly", () => {
  it("Chinook (MIT): 11 tables, unnamed foreign keys, NVARCHAR types, 12 indexes", async () => {
    const r = await sqliteRoundTrip({ sql: fixture("chinook") });
    expectExact(r);
    expect(r.before).toContain("[Name] NVARCHAR(120)");
    expect(r.revision).toContain('op.dropTable("Album")');
  }, 120_000);

  it("Sakila (BSD): 16 tables, 30 triggers, 5 views; the revision drops every trigger and view, and its downgrade recreates their stored text", async () => {
    const r = await sqliteRoundTrip({ sql: fixture("sakila") });
    expectExact(r);
    expect(r.before.match(/^trigger /gm)).toHaveLength(30);
    expect(r.after!.match(/^trigger /gm)).toHaveLength(30);
    const output = r.steps[0]!.stdout + r.steps[0]!.stderr;
    expect(output).not.toMatch(/not modelled|does not model/);
    const upgrade = r.revision!.slice(r.revision!.indexOf("async upgrade"), r.revision!.indexOf("async downgrade"));
    const downgrade = r.revision!.slice(r.revision!.indexOf("async downgrade"));
    expect(upgrade.match(/op\.dropTrigger\(/g)).toHaveLength(30);
    expect(upgrade.match(/op\.dropView\(/g)).toHaveLength(5);
    expect(upgrade).toContain('op.dropTrigger("actor_trigger_ai", "actor")');
    expect(downgrade.match(/op\.createTrigger\(/g)).toHaveLength(30);
    expect(downgrade.match(/op\.createView\(/g)).toHaveLength(5);
    // The trigger before its table is gone; back after it.
    expect(upgrade.indexOf('dropTrigger("actor_trigger_ai"')).toBeLessThan(upgrade.indexOf('dropTable("actor")'));
  }, 120_000);

  it("kiln's own fixture: generated columns, STRICT, WITHOUT ROWID, unnamed constraints, triggers and a view", async () => {
    const r = await sqliteRoundTrip({ sql: fixture("own") });
    expectExact(r);
    expect(r.before).toContain(") STRICT");
    expect(r.before).toContain(") WITHOUT ROWID");
    expect(r.before).toContain('"hidden":3');
  }, 120_000);
});

/** A project on a database loaded with own.sql, with the models given. */
function ownProject(models: string): { project: TestProject; file: string } {
  const p = createProject({ url: "sqlite://./app.db", models });
  const file = join(p.dir, "app.db");
  const db = new Database(file);
  db.exec(fixture("own"));
  db.close();
  project = p;
  return { project: p, file };
}

const upgradeLines = (revision: string) => {
  const body = revision.slice(revision.indexOf("async upgrade"), revision.indexOf("async downgrade"));
  return body.split("\n").filter((l) => /await op\./.test(l) || /^\s+op\./.test(l));
};

describe("SQLite: models that declare the own fixture", () => {
  it("match it: kiln check exits 0 (unnamed constraints found by definition, INT and NVARCHAR(120) kept, the enum's CHECK found)", async () => {
    const { project: p } = ownProject(ownModels());
    const result = await p.kiln(["check"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/unnamed|STRICT|ROWID/);
    const auto = await p.kiln(["revision", "--autogenerate", "-m", "nothing"]);
    expect(auto.stdout + auto.stderr).toMatch(/no changes|no migration needed|nothing to/i);
  }, 120_000);

  it.each([
    ["STRICT on (audit)", { auditOptions: "{ strict: true }" }, "audit", `op.setTableOptions("audit", { strict: true }`, /\n\) STRICT$/],
    ["STRICT off (ledger)", { ledgerStrict: false }, "ledger", `op.setTableOptions("ledger", { strict: null }`, /PRIMARY KEY \("id"\)\n\)$/],
    ["WITHOUT ROWID on (audit)", { auditOptions: "{ withoutRowid: true }" }, "audit", `op.setTableOptions("audit", { withoutRowid: true }`, /\n\) WITHOUT ROWID$/],
    ["WITHOUT ROWID off (tags)", { tagsWithoutRowid: false }, "tags", `op.setTableOptions("tags", { withoutRowid: null }`, /REFERENCES "books" \("id"\)\n\)$/],
  ])("%s gives exactly that change; the rebuild keeps the rows; the downgrade restores the schema", async (_name, change, table, expected, text) => {
    const { project: p, file } = ownProject(ownModels(change));
    const db = new Database(file);
    db.exec(`INSERT INTO authors (name, born) VALUES ('Ann', 1970); INSERT INTO books (id, author_id, title, price) VALUES (1, 1, 'Hello', 2.5);
      INSERT INTO tags (book_id, tag) VALUES (1, 'a'), (1, 'b'); INSERT INTO ledger (id, amount, note) VALUES (1, 10, 'x'), (2, 20, NULL);
      INSERT INTO audit (id, msg) VALUES (7, 'by hand')`);
    const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).all();
    db.close();
    const before = sqliteSnapshot(file);
    const auto = await p.kiln(["revision", "--autogenerate", "-m", "table option"]);
    expect(auto.code, auto.stdout + auto.stderr).toBe(0);
    expect(auto.stdout + auto.stderr).not.toMatch(/kiln does not change/);
    const revision = p.read(join("migrations", p.revisionFiles()[0]!));
    expect(upgradeLines(revision), revision).toEqual([expect.stringContaining(expected)]);
    const up = await p.kiln(["upgrade", "head"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const after = new Database(file, { readonly: true });
    // Only the text after the column list changed; every definition keeps its text.
    expect((after.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).get(table) as { sql: string }).sql).toMatch(text);
    expect(after.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).all()).toEqual(rows);
    // The trigger and the view on books are kept; the books rebuilt or not, the index list stays.
    expect(after.prepare(`SELECT name FROM sqlite_schema WHERE type IN ('trigger', 'view') ORDER BY name`).all()).toEqual([
      { name: "authors_no_delete" },
      { name: "book_list" },
      { name: "books_audit" },
    ]);
    after.close();
    const check = await p.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const down = await p.kiln(["downgrade", "-1"]);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(sqliteSnapshot(file)).toBe(before);
  }, 120_000);

  it("one changed property (books.price NOT NULL) gives exactly that change; the rebuild keeps triggers, the view and generated columns; the downgrade restores the schema", async () => {
    const { project: p, file } = ownProject(ownModels({ priceNotNull: true }));
    const db = new Database(file);
    db.exec(`INSERT INTO authors (name, born) VALUES ('Ann', 1970); INSERT INTO books (id, author_id, title, price) VALUES (1, 1, 'Hello', 2.5)`);
    db.close();
    const before = sqliteSnapshot(file);
    const auto = await p.kiln(["revision", "--autogenerate", "-m", "price required"]);
    expect(auto.code, auto.stdout + auto.stderr).toBe(0);
    const revision = p.read(join("migrations", p.revisionFiles()[0]!));
    expect(upgradeLines(revision)).toEqual([expect.stringContaining('op.alterColumn("books", "price", { nullable: false')]);
    // The trigger and the view on books are modelled: nothing to warn about, and the rebuild keeps them.
    expect(auto.stderr + auto.stdout).not.toMatch(/not modelled/);
    const up = await p.kiln(["upgrade", "head"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const changed = sqliteSnapshot(file);
    expect(changed).toContain('"price" NUMERIC(10,2) NOT NULL');
    // Everything else of the table keeps its text; the rows, the generated values, the trigger and the view work.
    expect(changed).toContain(`"slug" TEXT GENERATED ALWAYS AS (lower("title")) VIRTUAL`);
    const check = new Database(file);
    check.exec(`INSERT INTO books (id, author_id, title, price) VALUES (2, 1, 'World', 1)`);
    expect(check.prepare(`SELECT slug, price_cents FROM books ORDER BY id`).all()).toEqual([
      { slug: "hello", price_cents: 250 },
      { slug: "world", price_cents: 100 },
    ]);
    expect(check.prepare(`SELECT msg FROM audit`).all()).toEqual([{ msg: "book Hello" }, { msg: "book World" }]);
    expect(check.prepare(`SELECT count(*) AS n FROM book_list`).get()).toEqual({ n: 2 });
    check.exec(`DELETE FROM books WHERE id = 2; DELETE FROM audit WHERE msg = 'book World'`);
    check.close();
    const down = await p.kiln(["downgrade", "-1"]);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(sqliteSnapshot(file)).toBe(before);
  }, 120_000);

  it("dropping an unnamed foreign key from the models drops it from the database; the downgrade puts it back", async () => {
    const { project: p, file } = ownProject(ownModels({ tagsForeignKey: false }));
    const before = sqliteSnapshot(file);
    const auto = await p.kiln(["revision", "--autogenerate", "-m", "tags free"]);
    expect(auto.code, auto.stdout + auto.stderr).toBe(0);
    const revision = p.read(join("migrations", p.revisionFiles()[0]!));
    const upgrade = revision.slice(revision.indexOf("async upgrade"), revision.indexOf("async downgrade"));
    expect(upgradeLines(revision)).toHaveLength(1);
    expect(upgrade).toMatch(/op\.dropConstraint\("", "tags", \{\s*type: "foreignkey",\s*definition: \{[^}]*refTable: "books"/);
    expect((await p.kiln(["upgrade", "head"])).code).toBe(0);
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT * FROM pragma_foreign_key_list('tags')`).all()).toEqual([]);
    db.close();
    const check = await p.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect((await p.kiln(["downgrade", "-1"])).code).toBe(0);
    expect(sqliteSnapshot(file)).toBe(before);
  }, 120_000);
});

describe("SQLite: views and triggers as models", () => {
  it.each([
    ["a view's query", { viewQuery: `\n  SELECT b."id", b."title"\n  FROM "books" AS b` }, /op\.replaceView\(\s*"book_list"/],
    ["a trigger's WHEN", { auditWhen: `NEW."title" <> ''` }, /op\.createTrigger\("books_audit", "books", \{[^]*when: "NEW\.\\"title\\" <> ''"/],
    ["a trigger's body", { auditBody: `\n  INSERT INTO "audit" ("msg") VALUES ('new book ' || NEW."title");\n` }, /op\.createTrigger\("books_audit", "books", \{[^]*new book/],
    ["a column's collation", { nameCollate: "NOCASE" }, /op\.alterColumn\("authors", "name", \{[^]*collation: "NOCASE"/],
    ["an index's columns", { authorIndexOn: "t.authorId, t.title" }, /op\.createIndex\("ix_books_author_id", "books", \["author_id", "title"\]/],
    ["a generated column's expression", { slugExpression: 'upper("title")' }, /upper\(\\"title\\"\)/],
  ])("one changed property (%s) gives exactly that change; the downgrade restores sqlite_schema", async (_name, change, expected) => {
    const { project: p, file } = ownProject(ownModels(change));
    const before = sqliteSnapshot(file);
    const auto = await p.kiln(["revision", "--autogenerate", "-m", "one change"]);
    expect(auto.code, auto.stdout + auto.stderr).toBe(0);
    const revision = p.read(join("migrations", p.revisionFiles()[0]!));
    const upgrade = revision.slice(revision.indexOf("async upgrade"), revision.indexOf("async downgrade"));
    const lines = upgradeLines(revision);
    // A trigger or an index changes by drop and create; the rest by one operation.
    expect(lines, upgrade).toHaveLength(/createTrigger|createIndex/.test(String(expected)) ? 2 : 1);
    expect(upgrade).toMatch(expected);
    expect((await p.kiln(["upgrade", "head"])).code).toBe(0);
    const check = await p.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(sqliteSnapshot(file)).not.toBe(before);
    const down = await p.kiln(["downgrade", "-1"]);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(sqliteSnapshot(file)).toBe(before);
  }, 120_000);

  it("the models build an empty database whose views and triggers are stored word for word as own.sql has them", async () => {
    const p = createProject({ url: "sqlite://./app.db", models: ownModels() });
    project = p;
    expect((await p.kiln(["revision", "--autogenerate", "-m", "build"])).code).toBe(0);
    const up = await p.kiln(["upgrade", "head"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const loaded = new Database(":memory:");
    loaded.exec(fixture("own"));
    const built = new Database(join(p.dir, "app.db"), { readonly: true });
    const objects = (db: Database.Database) => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY name").all();
    expect(objects(built)).toEqual(objects(loaded));
    expect(objects(built)).toHaveLength(3);
    loaded.close();
    built.close();
    expect((await p.kiln(["check"])).code).toBe(0);
  }, 120_000);

  it("a PostgreSQL-style trigger (a function, no body) is named and left out for SQLite, before a revision is written", async () => {
    const p = createProject({
      url: "sqlite://./app.db",
      models: `import { table, integer, trigger } from "kiln-migrate/schema";
export const t = table("t", { id: integer().primaryKey() });
export const tr = trigger("t_touch", { table: t, timing: "before", events: ["update"], function: "touch" });
`,
    });
    project = p;
    const revision = await p.kiln(["revision", "--autogenerate", "-m", "t"]);
    expect(revision.code, revision.stderr).toBe(0);
    expect(revision.stderr).toMatch(/the models declare trigger t\.t_touch, which .* does not have: kiln leaves it out/);
    const file = p.revisionFiles()[0]!;
    expect(p.read(`migrations/${file}`)).not.toContain("createTrigger");
    const up = await p.kiln(["upgrade", "head"]);
    expect(up.code, up.stderr).toBe(0);
  }, 60_000);
});
