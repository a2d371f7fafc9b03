import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { KilnError } from "../../src/errors.js";
import type { Operation } from "../../src/operations/types.js";
import type { Connection } from "../../src/dialects/types.js";
import { buildBatch, sqliteDialect, type BatchAlterTable } from "../../src/dialects/sqlite/index.js";
import { declaredType } from "../../src/dialects/sqlite/type-map.js";
import { tempDir } from "../helpers/databases.js";

const url = (raw: string) => ({ raw, display: raw, scheme: "sqlite" });

/** One migration step the way the runner runs it on SQLite. */
async function step(conn: Connection, ops: (Operation | BatchAlterTable)[]): Promise<void> {
  await sqliteDialect.beforeStep(conn);
  await conn.query(sqliteDialect.beginSql);
  try {
    for (const op of ops) {
      for (const s of await sqliteDialect.compileOnline(conn, op)) await conn.query(s.sql, s.params);
    }
    await sqliteDialect.verifyStep(conn);
    await conn.query("COMMIT");
  } catch (error) {
    await conn.query("ROLLBACK");
    throw error;
  } finally {
    await sqliteDialect.afterStep(conn);
  }
}

const rows = async (conn: Connection, sql: string) => (await conn.query(sql)).rows;

const authors: Table = {
  name: "authors",
  columns: [
    { name: "id", type: "integer", nullable: false, identity: { always: false } },
    { name: "name", type: "varchar(100)", nullable: false },
    { name: "rating", type: "numeric(3,1)", nullable: true, default: "0" },
  ],
  primaryKey: { name: "pk_authors", columns: ["id"] },
  uniques: [{ name: "uq_authors_name", columns: ["name"] }],
  foreignKeys: [],
  checks: [{ name: "ck_authors_rating", expression: "rating >= 0" }],
  indexes: [],
};

const books: Table = {
  name: "books",
  columns: [
    { name: "id", type: "integer", nullable: false },
    { name: "author_id", type: "integer", nullable: false },
    { name: "title", type: "text", nullable: false, default: "'untitled'" },
    { name: "published", type: "timestamptz", nullable: true, default: "CURRENT_TIMESTAMP" },
    { name: "meta", type: "jsonb", nullable: true, default: "json_object()" },
    { name: "cover", type: "bytea", nullable: true },
    { name: "status", type: "text", nullable: false, default: "'draft'" },
  ],
  primaryKey: { name: "pk_books", columns: ["id"] },
  uniques: [],
  foreignKeys: [
    { name: "fk_books_author", columns: ["author_id"], refTable: "authors", refColumns: ["id"], onDelete: "cascade", onUpdate: "restrict" },
  ],
  checks: [
    { name: "ck_books_status", expression: "status IN ('draft', 'published')" },
    { name: "ck_books_title", expression: "length(title) > 0" },
  ],
  indexes: [
    { name: "ix_books_author", columns: ["author_id"] },
    { name: "ix_books_title_lower", columns: [{ expression: "lower(title)" }], unique: true, where: "status = 'published'" },
  ],
};

/** What introspect reports for a table kiln created: each type as declared (upper case). */
const asRead = (t: Table): Table => ({ ...t, columns: t.columns.map((c) => ({ ...c, type: declaredType(c.type) })) });
/** The structure of a Catalog, without the stored CREATE text introspect keeps beside it. */
const structure = (c: Catalog): Catalog => ({
  ...c,
  tables: c.tables.map(({ sql: _sql, triggers: _triggers, ...t }) => ({ ...t, indexes: t.indexes.map(({ sql: _s, ...i }) => i) })),
});
const structureOf = (t: Table | undefined): Table | undefined => (t ? structure({ schemas: [], enums: [], tables: [t] }).tables[0] : t);

function createOps(): Operation[] {
  return [
    { kind: "createTable", table: { ...authors, indexes: [] } },
    { kind: "createTable", table: { ...books, indexes: [] } },
    ...books.indexes.map((index) => ({ kind: "createIndex" as const, table: "books", index: { ...index, name: index.name! } })),
  ];
}

describe("sqlite dialect against a database", () => {
  let conn: Connection;
  beforeEach(async () => {
    conn = await sqliteDialect.connect(url("sqlite::memory:"));
  });
  afterEach(async () => {
    await conn.close();
  });

  it("introspects a schema built from compiled operations exactly, and canonicalize agrees", async () => {
    await step(conn, createOps());
    const catalog = await sqliteDialect.introspect(conn);
    expect(structure(catalog)).toEqual({ schemas: [], enums: [], tables: [asRead(authors), asRead(books)] } satisfies Catalog);
    const model: Catalog = {
      schemas: [],
      enums: [{ name: "book_status", values: ["draft", "published"] }],
      tables: [
        { ...authors, comment: "writers", columns: authors.columns.map((c) => (c.name === "id" ? { ...c, type: "bigint", identity: { always: true } } : c)) },
        { ...books, columns: books.columns.map((c) => (c.name === "status" ? { ...c, type: "book_status", comment: "state" } : c)) },
      ],
    };
    // The enum column gains the CHECK that enforces its values; everything else reads as the database has it.
    const enumCheck = { name: "ck_books_status_enum", expression: `"status" IN ('draft', 'published')` };
    expect(await sqliteDialect.canonicalize(conn, model)).toEqual({
      ...structure(catalog),
      tables: [asRead(authors), { ...asRead(books), checks: [books.checks[0]!, enumCheck, books.checks[1]!] }],
    });
  });

  it("leaves kiln's own tables and rebuild leftovers out", async () => {
    for (const ddl of sqliteDialect.bookkeepingDDL({ versionTable: "kiln_version", historyTable: "kiln_history" })) await conn.query(ddl);
    await conn.query('CREATE TABLE "_kiln_new_x" (a)');
    await conn.query('CREATE TABLE "keep" (a TEXT)');
    await conn.query('CREATE TABLE "skip" (a TEXT)');
    const catalog = await sqliteDialect.introspect(conn, { excludeTables: ["skip"] });
    expect(catalog.tables.map((t) => t.name)).toEqual(["keep"]);
  });

  it("reads the schema in a fixed number of queries", async () => {
    const counted = (): { conn: Connection; count: () => number } => {
      let n = 0;
      return { conn: { query: (sql, params) => (n++, conn.query(sql, params)), close: async () => {} }, count: () => n };
    };
    await step(conn, createOps());
    const few = counted();
    await sqliteDialect.introspect(few.conn);
    for (let i = 0; i < 25; i++) {
      await conn.query(`CREATE TABLE "t${i}" (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES authors(id), CONSTRAINT "u${i}" UNIQUE (ref))`);
      await conn.query(`CREATE INDEX "ix${i}" ON "t${i}" (ref)`);
    }
    const many = counted();
    const catalog = await sqliteDialect.introspect(many.conn);
    expect(catalog.tables).toHaveLength(27);
    expect(many.count()).toBe(few.count());
    expect(catalog.tables.find((t) => t.name === "t3")).toMatchObject({
      uniques: [{ name: "u3", columns: ["ref"] }],
      foreignKeys: [{ columns: ["ref"], refTable: "authors", refColumns: ["id"] }],
      indexes: [{ name: "ix3", columns: ["ref"] }],
    });
  });

  it("rebuilds a referenced table: every row, the FK, indexes and triggers survive", async () => {
    await step(conn, createOps());
    await conn.query(`CREATE TABLE audit (msg TEXT)`);
    await conn.query(`CREATE TRIGGER trg_authors AFTER INSERT ON authors BEGIN INSERT INTO audit VALUES ('new ' || NEW.name); END`);
    await conn.query(`CREATE VIEW v_authors AS SELECT name FROM authors`);
    await conn.query(`INSERT INTO authors (name, rating) VALUES ('Ann', 4.5), ('Bob', 3)`);
    await conn.query(`INSERT INTO books (id, author_id, title, status) VALUES (1, 1, 'A', 'published'), (2, 2, 'B', 'draft'), (3, 2, 'C', 'draft')`);
    await conn.query(`DELETE FROM audit`);

    await step(conn, [
      buildBatch("authors", (b) => {
        b.alterColumn("name", { type: "text" });
        b.dropConstraint("ck_authors_rating", "check");
      }),
    ]);

    expect(await rows(conn, "SELECT id, author_id, title FROM books ORDER BY id")).toEqual([
      { id: 1, author_id: 1, title: "A" },
      { id: 2, author_id: 2, title: "B" },
      { id: 3, author_id: 2, title: "C" },
    ]);
    expect(await rows(conn, "SELECT id, name, rating FROM authors ORDER BY id")).toEqual([
      { id: 1, name: "Ann", rating: 4.5 },
      { id: 2, name: "Bob", rating: 3 },
    ]);
    expect(await rows(conn, "PRAGMA foreign_key_check")).toEqual([]);
    const catalog = await sqliteDialect.introspect(conn);
    expect(structureOf(catalog.tables.find((t) => t.name === "books"))).toEqual(asRead(books));
    expect(structureOf(catalog.tables.find((t) => t.name === "authors"))).toEqual({
      ...asRead(authors),
      columns: asRead(authors).columns.map((c) => (c.name === "name" ? { ...c, type: "TEXT" } : c)),
      checks: [],
    });
    // The FK still works (enforcement is back on), the trigger and view too, and AUTOINCREMENT continues.
    await expect(conn.query(`INSERT INTO books (id, author_id) VALUES (9, 99)`)).rejects.toThrow(/FOREIGN KEY/);
    await conn.query(`INSERT INTO authors (name) VALUES ('Cy')`);
    expect(await rows(conn, "SELECT id FROM authors WHERE name = 'Cy'")).toEqual([{ id: 3 }]);
    expect(await rows(conn, "SELECT msg FROM audit")).toEqual([{ msg: "new Cy" }]);
    expect(await rows(conn, "SELECT count(*) AS n FROM v_authors")).toEqual([{ n: 3 }]);
    await conn.query(`DELETE FROM authors WHERE id = 2`);
    expect(await rows(conn, "SELECT id FROM books ORDER BY id")).toEqual([{ id: 1 }]);
  });

  it("keeps AUTOINCREMENT from reusing deleted ids across a rebuild", async () => {
    await step(conn, [{ kind: "createTable", table: { ...authors, checks: [], uniques: [] } }]);
    await conn.query(`INSERT INTO authors (name) VALUES ('a'), ('b'), ('c')`);
    await conn.query(`DELETE FROM authors WHERE id = 3`);
    await step(conn, [{ kind: "alterColumn", table: "authors", column: "rating", nullable: false, default: "1" }]);
    await conn.query(`INSERT INTO authors (name) VALUES ('d')`);
    expect(await rows(conn, "SELECT id FROM authors WHERE name = 'd'")).toEqual([{ id: 4 }]);
  });

  it("adds NOT NULL columns: directly with a constant default, by rebuild otherwise", async () => {
    await step(conn, createOps());
    await conn.query(`INSERT INTO authors (name) VALUES ('Ann')`);
    const direct: Operation = { kind: "addColumn", table: "authors", column: { name: "country", type: "char(2)", nullable: false, default: "'NZ'" } };
    expect(await sqliteDialect.compileOnline(conn, direct)).toEqual([{ sql: `ALTER TABLE "authors" ADD COLUMN "country" CHAR(2) NOT NULL DEFAULT 'NZ'` }]);
    await step(conn, [direct]);
    await step(conn, [{ kind: "addColumn", table: "authors", column: { name: "joined", type: "text", nullable: false, default: "CURRENT_TIMESTAMP" } }]);
    const [row] = await rows(conn, "SELECT name, country, joined FROM authors");
    expect(row).toMatchObject({ name: "Ann", country: "NZ" });
    expect(String(row!.joined)).toMatch(/^\d{4}-\d\d-\d\d /);
    const table = (await sqliteDialect.introspect(conn)).tables.find((t) => t.name === "authors")!;
    expect(table.columns.slice(-2)).toEqual([
      { name: "country", type: "CHAR(2)", nullable: false, default: "'NZ'" },
      { name: "joined", type: "TEXT", nullable: false, default: "CURRENT_TIMESTAMP" },
    ]);
  });

  it("drops a plain column with DROP COLUMN and an indexed one by rebuild, with its index", async () => {
    await step(conn, createOps());
    await conn.query(`INSERT INTO authors (name) VALUES ('Ann')`);
    await conn.query(`INSERT INTO books (id, author_id, cover) VALUES (1, 1, x'00ff')`);
    expect(await sqliteDialect.compileOnline(conn, { kind: "dropColumn", table: "books", column: "cover" })).toEqual([
      { sql: 'ALTER TABLE "books" DROP COLUMN "cover"' },
    ]);
    const rebuild = await sqliteDialect.compileOnline(conn, { kind: "dropColumn", table: "books", column: "author_id" });
    expect(rebuild.map((s) => s.sql)).toContain('DROP TABLE "_kiln_new_books"');
    await step(conn, [{ kind: "dropColumn", table: "books", column: "author_id" }]);
    const table = (await sqliteDialect.introspect(conn)).tables.find((t) => t.name === "books")!;
    expect(table.columns.map((c) => c.name)).toEqual(["id", "title", "published", "meta", "cover", "status"]);
    expect(table.foreignKeys).toEqual([]);
    expect(table.indexes.map((i) => i.name)).toEqual(["ix_books_title_lower"]);
    expect(await rows(conn, "SELECT id, hex(cover) AS cover FROM books")).toEqual([{ id: 1, cover: "00FF" }]);
  });

  it("rolls a failing batch back completely", async () => {
    await step(conn, createOps());
    await conn.query(`INSERT INTO authors (name) VALUES ('Ann'), ('Bob')`);
    const before = await sqliteDialect.introspect(conn);
    await expect(
      step(conn, [
        buildBatch("authors", (b) => {
          b.alterColumn("name", { type: "text", newName: "full_name" });
          b.createCheckConstraint("ck_short", "length(full_name) < 3");
        }),
      ]),
    ).rejects.toThrow(/CHECK constraint failed/);
    expect(await sqliteDialect.introspect(conn)).toEqual(before);
    expect(await rows(conn, "SELECT name FROM authors ORDER BY id")).toEqual([{ name: "Ann" }, { name: "Bob" }]);
    expect(await rows(conn, "PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1 }]);
  });

  it("refuses a new foreign key that existing rows violate, naming the rows", async () => {
    await step(conn, [{ kind: "createTable", table: { ...authors, checks: [], uniques: [] } }]);
    await conn.query(`CREATE TABLE notes (id INTEGER PRIMARY KEY, author_id INTEGER)`);
    await conn.query(`INSERT INTO notes VALUES (1, 42)`);
    const error = await step(conn, [
      { kind: "createForeignKey", table: "notes", constraint: { name: "fk_notes_author", columns: ["author_id"], refTable: "authors", refColumns: ["id"] } },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).message).toMatch(/foreign key check failed/);
    expect((error as KilnError).details).toEqual([`table "notes" rowid 1 references a missing row in "authors"`]);
    expect((await sqliteDialect.introspect(conn)).tables.find((t) => t.name === "notes")!.foreignKeys).toEqual([]);
  });

  it("refuses to rebuild a referenced table while foreign keys are enforced", async () => {
    await step(conn, createOps());
    await expect(sqliteDialect.compileOnline(conn, { kind: "alterColumn", table: "authors", column: "name", type: "text" })).rejects.toThrow(
      /foreign key enforcement is on/,
    );
  });

  it("adds and drops named constraints and a primary key by rebuild", async () => {
    await conn.query(`CREATE TABLE tags (name TEXT NOT NULL, slug TEXT)`);
    await step(conn, [
      { kind: "createPrimaryKey", table: "tags", constraint: { name: "pk_tags", columns: ["name"] } },
      { kind: "createUniqueConstraint", table: "tags", constraint: { name: "uq_tags_slug", columns: ["slug"] } },
    ]);
    let table = (await sqliteDialect.introspect(conn)).tables[0]!;
    expect(table.primaryKey).toEqual({ name: "pk_tags", columns: ["name"] });
    expect(table.uniques).toEqual([{ name: "uq_tags_slug", columns: ["slug"] }]);
    await step(conn, [{ kind: "dropConstraint", table: "tags", name: "uq_tags_slug", type: "unique" }]);
    table = (await sqliteDialect.introspect(conn)).tables[0]!;
    expect(table.uniques).toEqual([]);
  });
});

describe("sqlite connections and lock", () => {
  let dir: { path: string; remove(): void };
  beforeEach(() => {
    dir = tempDir("kiln-sqlite-");
  });
  afterEach(() => dir.remove());

  it("explains a missing folder and a file that is not a database", async () => {
    await expect(sqliteDialect.connect(url(`sqlite://${dir.path}/missing/app.db`))).rejects.toThrow(
      new KilnError(`cannot open SQLite database sqlite://${dir.path}/missing/app.db: folder "${dir.path}/missing" does not exist. Create it first, or fix the path in the URL.`),
    );
    const junk = join(dir.path, "junk.db");
    writeFileSync(junk, "this is not a database, just some text that is long enough to have a header".repeat(20));
    const error = await sqliteDialect.connect(url(`sqlite://${junk}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as Error).message).toContain(`cannot use "${junk}"`);
    expect((error as Error).message).toContain("not a database");
  });

  it("opens a file database and persists", async () => {
    const file = join(dir.path, "app.db");
    const a = await sqliteDialect.connect(url(`sqlite://${file}`));
    await a.query("CREATE TABLE t (x INTEGER)");
    await a.close();
    const b = await sqliteDialect.connect(url(`sqlite:///${file.replace(/^\//, "")}`));
    expect((await sqliteDialect.introspect(b)).tables.map((t) => t.name)).toEqual(["t"]);
    await b.close();
  });

  it("serializes two processes' runs and names the holder while waiting", async () => {
    const file = join(dir.path, "lock.db");
    const a = await sqliteDialect.connect(url(`sqlite://${file}`));
    const b = await sqliteDialect.connect(url(`sqlite://${file}`));
    const releaseA = await sqliteDialect.acquireLock(a, "kiln", { timeoutMs: 5000 });
    await expect(sqliteDialect.acquireLock(b, "kiln", { timeoutMs: 300 })).rejects.toThrow(
      new RegExp(`timed out after 300 ms waiting for the migration lock "kiln", held by process ${process.pid}`),
    );
    const waits: string[] = [];
    const pending = sqliteDialect.acquireLock(b, "kiln", { timeoutMs: 5000, onWait: (m) => waits.push(m) });
    await new Promise((r) => setTimeout(r, 300));
    await releaseA();
    const releaseB = await pending;
    expect(waits[0]).toMatch(/held by process \d+/);
    await releaseB();
    expect((await sqliteDialect.introspect(a)).tables).toEqual([]);
    await a.close();
    await b.close();
  });

  it("takes over a lock whose process is gone", async () => {
    const file = join(dir.path, "stale.db");
    const a = await sqliteDialect.connect(url(`sqlite://${file}`));
    const release = await sqliteDialect.acquireLock(a, "kiln", { timeoutMs: 1000 });
    await a.query(`UPDATE kiln_lock SET pid = 2147483646`);
    const b = await sqliteDialect.connect(url(`sqlite://${file}`));
    const releaseB = await sqliteDialect.acquireLock(b, "kiln", { timeoutMs: 1000 });
    await releaseB();
    await release();
    await a.close();
    await b.close();
  });
});
