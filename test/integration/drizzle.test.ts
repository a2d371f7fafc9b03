/**
 * Drizzle schemas as kiln models (issue 15), against the real drizzle-kit and drizzle-orm.
 *
 * For each database, one Drizzle schema file (test/fixtures/drizzle/*-schema.ts) is
 * migrated twice: by drizzle-kit (`drizzle-kit generate`, then drizzle-orm's
 * migrator) into database A, and by kiln (`kiln revision --autogenerate`,
 * `kiln upgrade head`) into database B. Then:
 * - A and B are identical (pg_dump --schema-only on the server; the Catalog kiln
 *   reads on PGlite; SHOW CREATE TABLE on MariaDB; on SQLite the PRAGMAs and the
 *   index, check, default and view query texts: SQLite stores each CREATE
 *   statement as it was typed, and drizzle-kit types backquotes, tabs and
 *   `"tags"."weight"` where kiln types double quotes, spaces and `"weight"`);
 * - `kiln check` on A (stamped at kiln's revision, as after adoption) exits 0;
 * - a change to the Drizzle schema gives a kiln revision whose upgrade kiln check
 *   accepts and whose downgrade restores B exactly, and downgrading to base leaves
 *   no table.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { PG_TARGETS, readCatalog, schemaDump } from "./autogenerate-pg-support.js";
import { createMysqlDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { createDrizzleProject, type DrizzleDialect, drizzleMigrate } from "../helpers/drizzle-project.js";
import { REPO_ROOT } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { sqliteSnapshot } from "../helpers/sqlite-roundtrip.js";

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "drizzle");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture text not found: ${from}`);
  return text.replace(from, to);
}

interface Target {
  name: string;
  /** Also revise the schema and check the downgrade (PGlite leaves it to the server: each PGlite CLI run starts a database, slow on a loaded machine). */
  revise: boolean;
  dialect: DrizzleDialect;
  migrator: DrizzleDialect | "pglite";
  schema: string;
  /** The schema after a change: a new column and index, a check removed. */
  changed: string;
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
  /** What the database holds, in a form where two equal schemas print the same. */
  snapshot(url: string): Promise<string>;
  /** Removes drizzle-orm's migrations table, so that the snapshots compare the app's schema only. */
  dropDrizzleTable(url: string): Promise<void>;
  /** The user tables left. */
  tables(url: string): Promise<string[]>;
}

const pgSchema = fixture("pg-schema.ts");
const pgChanged = replaceOnce(
  replaceOnce(pgSchema, `    deletedAt: timestamp("deleted_at"),\n`, `    deletedAt: timestamp("deleted_at"),\n    bio: text().notNull().default(""),\n`),
  `  (t) => [check("invoices_amount_check", sql\`\${t.amount} > 0\`)],`,
  `  (t) => [index("invoices_state_idx").on(t.state, t.amount)],`,
);

const pgTables = async (url: string) =>
  (await queryDb(url, "SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename NOT LIKE 'kiln\\_%' ORDER BY 1")).map((r) => String(r.t));

const targets: Target[] = PG_TARGETS.map((t) => ({
  name: t.server ? "PostgreSQL 15 server" : "PGlite",
  revise: t.server,
  dialect: "postgresql" as const,
  migrator: t.server ? ("postgresql" as const) : ("pglite" as const),
  schema: pgSchema,
  changed: pgChanged,
  setup: t.setup,
  // PGlite: the Catalog kiln reads, without where sequences stand (kiln never compares it).
  snapshot: t.server ? schemaDump : async (url: string) => JSON.stringify(await readCatalog(url), (key, value) => (key === "value" ? undefined : value), 1),
  dropDrizzleTable: async (url: string) => void (await queryDb(url, "DROP SCHEMA drizzle CASCADE")),
  tables: pgTables,
}));

const mysqlSchema = fixture("mysql-schema.ts");
if (await serverAvailable("mysql")) {
  targets.push({
    name: "MariaDB",
    revise: true,
    dialect: "mysql",
    migrator: "mysql",
    schema: mysqlSchema,
    changed: replaceOnce(
      replaceOnce(mysqlSchema, `    lastSeen: datetime("last_seen", { fsp: 3 }),\n`, `    lastSeen: datetime("last_seen", { fsp: 3 }),\n    bio: varchar({ length: 500 }).notNull().default(""),\n`),
      `    check("tags_weight_check", sql\`\${t.weight} between 1 and 100\`),\n`,
      `    index("tags_weight_idx").on(t.weight),\n`,
    ),
    async setup() {
      const db = await createMysqlDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
    async snapshot(url) {
      const lines: string[] = [];
      for (const table of await this.tables(url)) {
        // A view answers SHOW CREATE TABLE with its CREATE VIEW (the server's print of the query, ALGORITHM, SQL SECURITY).
        const [row] = await queryDb(url, `SHOW CREATE TABLE \`${table}\``);
        lines.push(String(row!["Create Table"] ?? row!["Create View"]));
      }
      return lines.join("\n");
    },
    dropDrizzleTable: async (url) => void (await queryDb(url, "DROP TABLE __drizzle_migrations")),
    tables: async (url) =>
      (await queryDb(url, "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'kiln\\_%' ORDER BY 1")).map((r) => String(r.t)),
  });
}

const sqliteSchema = fixture("sqlite-schema.ts");
targets.push({
  name: "SQLite",
  revise: true,
  dialect: "sqlite",
  migrator: "sqlite",
  schema: sqliteSchema,
  changed: replaceOnce(
    replaceOnce(sqliteSchema, `    deletedAt: integer("deleted_at", { mode: "timestamp" }),\n`, `    deletedAt: integer("deleted_at", { mode: "timestamp" }),\n    bio: text().notNull().default(""),\n`),
    `    check("tags_weight_check", sql\`\${t.weight} between 1 and 100\`),\n`,
    `    index("tags_weight_idx").on(t.weight),\n`,
  ),
  async setup() {
    const dir = tempDir("kiln-drizzle-sqlite-");
    return { url: `sqlite://${join(dir.path, "app.db")}`, cleanup: async () => dir.remove() };
  },
  snapshot: async (url) => sqliteStructure(url.slice("sqlite://".length)),
  dropDrizzleTable: async (url) => void (await queryDb(url, "DROP TABLE __drizzle_migrations")),
  tables: async (url) =>
    (await queryDb(url, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'kiln\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1")).map((r) => String(r.name)),
});

/** SQL text with quoting and spacing made uniform (backquotes and double quotes alike, one space, no space before `(`). */
function tidySql(text: string): string {
  return text.replace(/[`"]/g, "").replace(/\s+/g, " ").replace(/\s*\(\s*/g, "(").replace(/\s*\)/g, ")").replace(/\s*,\s*/g, ",").trim();
}

/** What SQLite enforces (PRAGMAs) and the texts it evaluates (defaults, checks, index elements and predicates), spelled uniformly. */
function sqliteStructure(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const lines: string[] = [];
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'kiln\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string; sql: string }[];
    for (const t of tables) {
      // A declared type is free text to SQLite: drizzle-kit types `text(200)`, kiln `TEXT(200)` (the same affinity and meaning).
      const rows = (sql: string) => db.prepare(sql).all(t.name).map((r) => JSON.stringify(r).replace(/"type":"([^"]*)"/, (_m, type: string) => `"type":"${type.toLowerCase()}"`));
      lines.push(`table ${t.name}`, ...rows("SELECT * FROM pragma_table_xinfo(?)"), ...rows("SELECT * FROM pragma_foreign_key_list(?)"));
      // drizzle-kit qualifies a column with its own table (`"tags"."weight"`), kiln writes it bare: the same expression to SQLite.
      const bare = (text: string) => text.replace(new RegExp(`\\b${t.name}\\.`, "g"), "");
      for (const check of t.sql.matchAll(/CONSTRAINT\s+["`]?(\w+)["`]?\s+CHECK\s*\((.*)\)/g)) lines.push(`check ${check[1]}: ${bare(tidySql(check[2]!))}`);
      lines.push(`autoincrement: ${/AUTOINCREMENT/i.test(t.sql)}`);
      const indexes = db.prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) ORDER BY name").all(t.name) as { name: string }[];
      for (const index of indexes) {
        const sql = (db.prepare("SELECT sql FROM sqlite_schema WHERE name = ?").get(index.name) as { sql: string | null }).sql;
        lines.push(`index ${JSON.stringify(index)} ${sql ? bare(tidySql(sql)) : "(automatic)"}`);
        lines.push(...db.prepare("SELECT * FROM pragma_index_xinfo(?)").all(index.name).map((r) => `  ${JSON.stringify(r)}`));
      }
    }
    // A view: its query as SQLite evaluates it (drizzle-kit types `\`live_users\``, kiln `"live_users"`).
    const views = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY name").all() as { name: string; sql: string }[];
    for (const v of views) lines.push(`view ${v.name}: ${tidySql(v.sql.replace(/^[\s\S]*?\bAS\b/i, "")).replace(/;$/, "")}`);
    return lines.join("\n");
  } finally {
    db.close();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.each(targets)("Drizzle schema on $name: drizzle-kit and kiln build the same database", (target) => {
  it("builds identical schemas, passes kiln check on drizzle-kit's database, and revises with a working downgrade", { timeout: 180_000 }, async () => {
    const a = await target.setup();
    const b = await target.setup();
    cleanups.push(a.cleanup, b.cleanup);
    const project = createDrizzleProject({ url: b.url, dialect: target.dialect, schema: target.schema, extraConfig: `excludeTables: ["__drizzle_migrations"],` });
    cleanups.push(async () => project.remove());

    const generated = await project.drizzleKit(["generate"]);
    expect(generated.code, generated.stdout + generated.stderr).toBe(0);
    await drizzleMigrate(target.migrator, a.url, join(project.dir, "drizzle"));

    const revision = await project.kiln(["revision", "--autogenerate", "-m", "from drizzle"]);
    expect(revision.code, revision.stderr).toBe(0);
    const upgrade = await project.kiln(["upgrade", "head"]);
    expect(upgrade.code, upgrade.stderr).toBe(0);

    // Adoption: the database drizzle-kit built is stamped at kiln's revision and matches the models.
    const onA = { DATABASE_URL: a.url };
    expect((await project.kiln(["stamp", "head"], onA)).code).toBe(0);
    const check = await project.kiln(["check"], onA);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    await target.dropDrizzleTable(a.url);
    const kilnBuilt = await target.snapshot(b.url);
    expect(kilnBuilt).toBe(await target.snapshot(a.url));
    expect(await target.tables(b.url)).not.toEqual([]);
    // The view is in both (every snapshot lists views).
    if (target.dialect === "sqlite") expect(kilnBuilt).toMatch(/^view live_users: select/m);
    if (target.dialect === "mysql") expect(kilnBuilt).toMatch(/ALGORITHM=MERGE .*SQL SECURITY INVOKER VIEW `active_users` AS \(?select/);
    if (!target.revise) return;

    // A change to the Drizzle schema: kiln writes the revision, its downgrade restores the schema exactly.
    const exact = target.dialect === "sqlite" ? () => sqliteSnapshot(b.url.slice("sqlite://".length)) : () => target.snapshot(b.url);
    const before = await exact();
    project.write("schema.ts", target.changed);
    const second = await project.kiln(["revision", "--autogenerate", "-m", "bio and index"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/\+ column (users\.)?bio|bio/);
    expect((await project.kiln(["upgrade", "head"])).code).toBe(0);
    const after = await project.kiln(["check"]);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    const down = await project.kiln(["downgrade", "-1"]);
    expect(down.code, down.stderr).toBe(0);
    expect(await exact()).toBe(before);
    const base = await project.kiln(["downgrade", "base"]);
    expect(base.code, base.stderr).toBe(0);
    expect(await target.tables(b.url)).toEqual([]);
  });
});

/**
 * Adoption on SQLite, then a change that rebuilds a table: drizzle-kit writes a
 * CHECK with the column qualified by its own table (`CHECK("tags"."weight" ...)`),
 * and the rebuild must neither fail on it nor change its text.
 */
describe("Drizzle schema on SQLite: a drizzle-kit database adopted by kiln", () => {
  it("rebuilds a table whose CHECK drizzle-kit qualified with the table's name, keeping its text and rows, and downgrades exactly", { timeout: 180_000 }, async () => {
    const dir = tempDir("kiln-drizzle-sqlite-adopt-");
    cleanups.push(async () => dir.remove());
    const drizzleBuilt = join(dir.path, "drizzle.db");
    const project = createDrizzleProject({ url: `sqlite://${join(dir.path, "empty.db")}`, dialect: "sqlite", schema: sqliteSchema, extraConfig: `excludeTables: ["__drizzle_migrations"],` });
    cleanups.push(async () => project.remove());
    const generated = await project.drizzleKit(["generate"]);
    expect(generated.code, generated.stdout + generated.stderr).toBe(0);
    await drizzleMigrate("sqlite", `sqlite://${drizzleBuilt}`, join(project.dir, "drizzle"));
    const tagsSql = async () => String((await queryDb(`sqlite://${drizzleBuilt}`, "SELECT sql FROM sqlite_schema WHERE name = 'tags'"))[0]!.sql);
    expect(await tagsSql()).toContain(`CHECK("tags"."weight" between 1 and 100)`);

    // The first revision from an empty database; the drizzle-kit database is stamped at it (adoption).
    expect((await project.kiln(["revision", "--autogenerate", "-m", "from drizzle"])).code).toBe(0);
    const onA = { DATABASE_URL: `sqlite://${drizzleBuilt}` };
    expect((await project.kiln(["stamp", "head"], onA)).code).toBe(0);
    const db = new Database(drizzleBuilt);
    db.exec(`INSERT INTO users (id, email) VALUES (1, 'a@example.com');
      INSERT INTO posts (id, author_id, slug, title) VALUES (10, 1, 'hello', 'Hello');
      INSERT INTO tags (post_id, tag, weight) VALUES (10, 'intro', 7), (10, 'news', 100);`);
    db.close();
    const before = sqliteSnapshot(drizzleBuilt);

    // A new check on tags: SQLite has no ALTER TABLE ADD CONSTRAINT, so the table is rebuilt, up and down.
    project.write(
      "schema.ts",
      replaceOnce(sqliteSchema, `    check("tags_weight_check", sql\`\${t.weight} between 1 and 100\`),\n`, `    check("tags_weight_check", sql\`\${t.weight} between 1 and 100\`),\n    check("tags_tag_check", sql\`length(\${t.tag}) > 0\`),\n`),
    );
    const revision = await project.kiln(["revision", "--autogenerate", "-m", "tag check"], onA);
    expect(revision.code, revision.stderr).toBe(0);
    const upgrade = await project.kiln(["upgrade", "head"], onA);
    expect(upgrade.code, upgrade.stdout + upgrade.stderr).toBe(0);
    expect(await tagsSql()).toContain(`CHECK("tags"."weight" between 1 and 100)`);
    expect(await tagsSql()).toMatch(/CONSTRAINT "tags_tag_check" CHECK/);
    const check = await project.kiln(["check"], onA);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(await queryDb(`sqlite://${drizzleBuilt}`, "SELECT post_id, tag, weight FROM tags ORDER BY tag")).toEqual([
      { post_id: 10, tag: "intro", weight: 7 },
      { post_id: 10, tag: "news", weight: 100 },
    ]);

    const down = await project.kiln(["downgrade", "-1"], onA);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(sqliteSnapshot(drizzleBuilt)).toBe(before);
    expect((await queryDb(`sqlite://${drizzleBuilt}`, "SELECT count(*) AS n FROM tags"))[0]!.n).toBe(2);
  });
});
