/**
 * Drizzle tables read as drizzle-kit creates them (src/drizzle/): the names it
 * gives unnamed constraints and indexes, serial and identity columns, literal
 * defaults, enums. The databases themselves are compared in
 * test/integration/drizzle.test.ts; this is the Catalog, without a database.
 */
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { sqliteTable, text as sqliteText } from "drizzle-orm/sqlite-core";
import { mergeCatalogs, readDrizzleModels, type DrizzleExport } from "../../src/drizzle/index.js";
import { drizzleKind } from "../../src/drizzle/load.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
import { table, integer as kilnInteger } from "../../src/schema/index.js";
import { kilnErrorOfAsync } from "../helpers/errors.js";
import * as pgSchema from "../fixtures/drizzle/pg-schema.js";
import * as mysqlSchema from "../fixtures/drizzle/mysql-schema.js";
import * as sqliteSchema from "../fixtures/drizzle/sqlite-schema.js";

const exportsOf = (module: Record<string, unknown>): DrizzleExport[] => Object.entries(module).map(([key, value]) => ({ value, source: `export "${key}"` }));
const read = (module: Record<string, unknown>) => readDrizzleModels(exportsOf(module), []);

describe("Drizzle pg-core tables", () => {
  it("take drizzle-kit's names, PostgreSQL's key name, serial and identity columns, and drizzle-kit's default texts", async () => {
    const { catalog, notes } = await read(pgSchema);
    expect(notes).toEqual([]);
    expect(catalog.schemas).toEqual(["billing"]);
    expect(catalog.enums).toEqual([
      { schema: "billing", name: "invoice_state", values: ["open", "paid", "void"] },
      { name: "user_role", values: ["admin", "member", "guest"] },
    ]);
    expect(catalog.sequences).toEqual([{ name: "order_numbers", start: "1000", increment: "5" }]);
    expect(catalog.views).toEqual([{ name: "active_users", definition: `select "id", "email", "role" from "users" where "users"."deleted_at" is null` }]);
    const users = catalog.tables.find((t) => t.name === "users")!;
    expect(users.primaryKey).toEqual({ name: "users_pkey", columns: ["id"] });
    expect(users.columns.find((c) => c.name === "id")).toEqual({ name: "id", type: "integer", nullable: false, identity: { always: true } });
    expect(Object.fromEntries(users.columns.map((c) => [c.name, c.default]))).toEqual({
      id: undefined,
      email: undefined,
      display_name: undefined,
      role: "'member'",
      active: "true",
      score: "'0'",
      settings: `'{"theme":"dark"}'::jsonb`,
      created_at: "now()",
      deleted_at: undefined,
    });
    expect(users.columns.find((c) => c.name === "created_at")!.type).toBe("timestamptz");
    expect(users.uniques).toEqual([{ name: "users_email_unique", columns: ["email"] }]);
    expect(users.checks).toEqual([{ name: "users_score_positive", expression: `"score" >= 0` }]);
    expect(users.indexes).toEqual([
      { name: "users_active_created_idx", columns: [{ column: "created_at", descending: true, nulls: "last" }], where: `"deleted_at" is null` },
      { name: "users_lower_email_idx", columns: [{ expression: `lower("email")` }] },
    ]);
    const posts = catalog.tables.find((t) => t.name === "posts")!;
    expect(posts.columns[0]).toEqual({ name: "id", type: "integer", nullable: false, autoIncrement: true });
    expect(posts.uniques).toEqual([{ name: "posts_author_id_slug_unique", columns: ["author_id", "slug"] }]);
    expect(posts.foreignKeys).toEqual([{ name: "posts_author_id_users_id_fk", columns: ["author_id"], refTable: "users", refColumns: ["id"], onDelete: "cascade" }]);
    expect(posts.indexes.map((i) => i.name)).toEqual(["posts_author_id_index", "posts_public_id_key"]);
    expect(posts.rowLevelSecurity).toEqual({ enabled: true });
    expect(catalog.policies).toEqual([{ table: "posts", name: "posts_read_all", command: "select", using: "true" }]);
    const tags = catalog.tables.find((t) => t.name === "tags")!;
    expect(tags.primaryKey).toEqual({ name: "tags_post_id_tag_pk", columns: ["post_id", "tag"] });
    expect(tags.columns.find((c) => c.name === "weight")).toMatchObject({ identity: { always: false }, sequence: { name: "tags_weight_seq", start: "10", increment: "10" } });
    expect(tags.uniques).toEqual([{ name: "tags_weight_unique", columns: ["weight"], nullsNotDistinct: true }]);
    expect(tags.foreignKeys[0]).toMatchObject({ onDelete: "cascade", onUpdate: "restrict" });
    const invoices = catalog.tables.find((t) => t.name === "invoices")!;
    expect(invoices.schema).toBe("billing");
    expect(invoices.columns.find((c) => c.name === "state")!.type).toBe("billing.invoice_state");
    expect(invoices.foreignKeys[0]).toEqual({ name: "invoices_user_id_users_id_fk", columns: ["user_id"], refTable: "users", refColumns: ["id"] });
  });

  it("cut generated names to PostgreSQL's 63 bytes, as the server does", async () => {
    const long = "a_table_with_a_rather_long_name_for_its_own_good";
    const parent = pgTable(long, { id: integer().primaryKey() });
    const child = pgTable(`${long}_children`, { parentIdentifier: integer("parent_identifier").references(() => parent.id) });
    const { catalog } = await read({ parent, child });
    const fk = catalog.tables.find((t) => t.name.endsWith("_children"))!.foreignKeys[0]!;
    expect(Buffer.byteLength(fk.name!)).toBe(63);
    expect(`${long}_children_parent_identifier_${long}_id_fk`.startsWith(fk.name!)).toBe(true);
  });

  it("refuse an unnamed index on an expression, as drizzle-kit does, and a value interpolated into DDL", async () => {
    const { index } = await import("drizzle-orm/pg-core");
    const unnamed = pgTable("t2", { a: text() }, (t) => [index().on(sql`lower(${t.a})`)]);
    expect((await kilnErrorOfAsync(read({ unnamed }))).message).toMatch(/Drizzle table "t2": the index on the expression lower\("a"\) has no name/);
    const { check } = await import("drizzle-orm/pg-core");
    const bound = pgTable("t3", { a: integer() }, (t) => [check("t3_a", sql`${t.a} > ${5}`)]);
    expect((await kilnErrorOfAsync(read({ bound }))).message).toMatch(/Drizzle table "t3": check "t3_a": the sql`...` text interpolates a value \(5\)/);
  });
});

describe("Drizzle mysql-core and sqlite-core tables", () => {
  it("MySQL: types in MySQL's meaning, inline enums, named uniques, explicit NO ACTION", async () => {
    const { catalog } = await read(mysqlSchema);
    const users = catalog.tables.find((t) => t.name === "users")!;
    const type = (name: string) => users.columns.find((c) => c.name === name)!.type;
    expect([type("role"), type("created_at"), type("last_seen"), type("active")]).toEqual(["enum('admin','member','guest')", "timestamptz(0)", "timestamp(3)", "boolean"]);
    expect(users.columns.find((c) => c.name === "updated_at")).toMatchObject({ default: "(now())", onUpdate: "CURRENT_TIMESTAMP" });
    expect(users.columns.find((c) => c.name === "id")).toMatchObject({ autoIncrement: true, nullable: false });
    const posts = catalog.tables.find((t) => t.name === "posts")!;
    expect(posts.uniques.map((u) => u.name)).toEqual(["posts_author_id_slug_unique", "posts_title_key"]);
    expect(posts.foreignKeys[0]).toMatchObject({ name: "posts_author_id_users_id_fk", onDelete: "cascade", onUpdate: "no action" });
    // mysqlView: the query in drizzle-kit's parentheses, ALGORITHM and SQL SECURITY as options.
    expect(catalog.views).toEqual([
      { name: "active_users", definition: "(select `id`, `email`, `role` from `users` where `users`.`active` = true)", algorithm: "merge", securityInvoker: true },
    ]);
  });

  it("SQLite: unique constraints as unique indexes, unnamed inline foreign keys, AUTOINCREMENT, the default's own parentheses left to kiln", async () => {
    const { catalog } = await read(sqliteSchema);
    const users = catalog.tables.find((t) => t.name === "users")!;
    expect(users.columns[0]).toEqual({ name: "id", type: "integer", nullable: false, autoIncrement: true });
    expect(users.columns.find((c) => c.name === "created_at")!.default).toBe("unixepoch()");
    expect(users.columns.find((c) => c.name === "settings")!.default).toBe(`'{"theme":"dark"}'`);
    expect(users.indexes.find((i) => i.name === "users_email_unique")).toEqual({ name: "users_email_unique", columns: ["email"], unique: true });
    const posts = catalog.tables.find((t) => t.name === "posts")!;
    expect(posts.foreignKeys).toEqual([{ columns: ["author_id"], refTable: "users", refColumns: ["id"], onDelete: "cascade" }]);
    expect(posts.primaryKey).toEqual({ columns: ["id"] });
    expect(catalog.views).toEqual([{ name: "live_users", definition: `select "id", "email", "role" from "users" where "users"."deleted_at" is null` }]);
  });
});

describe("Drizzle next to kiln/schema", () => {
  it("recognizes Drizzle objects without loading drizzle-orm, merges them with kiln tables, and refuses a table declared twice or mixed databases", async () => {
    const notes = pgTable("notes", { body: text() });
    expect(drizzleKind(notes)).toBe("PgTable");
    expect(drizzleKind(pgSchema.userRole)).toBe("PgEnum");
    expect(drizzleKind({ a: 1 })).toBeUndefined();
    const kiln = modelsToCatalog([{ audit: table("audit", { id: kilnInteger().primaryKey() }) }]);
    const drizzle = (await read({ notes })).catalog;
    expect(mergeCatalogs(kiln, drizzle).tables.map((t) => t.name)).toEqual(["audit", "notes"]);
    const twice = modelsToCatalog([{ notes: table("notes", { id: kilnInteger() }) }]);
    expect(() => mergeCatalogs(twice, drizzle)).toThrow(/table "notes" is declared twice/);
    const lite = sqliteTable("lite", { a: sqliteText() });
    expect((await kilnErrorOfAsync(read({ notes, lite }))).message).toMatch(/mix Drizzle objects for different databases/);
    expect((await kilnErrorOfAsync(readDrizzleModels(exportsOf({ notes }), [], { dialect: "sqlite" }))).message).toMatch(/pg-core objects .* but the database is sqlite/);
  });
});
