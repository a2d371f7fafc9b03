/**
 * User collations (PostgreSQL's CREATE COLLATION), without a database: the DSL,
 * compare, compile, reverse, render, pull's declaration, the reading of a
 * pg_collation row, and the refusal on MySQL/SQLite.
 */
import { describe, expect, it } from "vitest";
import type { Collation } from "../../src/catalog/collations.js";
import { collationRef } from "../../src/catalog/collations.js";
import { catalogObjects } from "../../src/catalog/objects.js";
import { emptyCatalog, type Catalog } from "../../src/catalog/types.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderMigrationBodies } from "../../src/autogenerate/render.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { collationFromRow } from "../../src/dialects/postgres/introspect/collations.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { compileOperation as compileMysql } from "../../src/dialects/mysql/compile.js";
import { EnumRegistry } from "../../src/dialects/mysql/enums.js";
import { operationRefs } from "../../src/operations/refs.js";
import { reverseOperation, reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { renderModels } from "../../src/pull/index.js";
import { collation, modelsToCatalog, table, text } from "../../src/schema/index.js";

const sql = (op: Operation) => compilePostgres(op).map((s) => s.sql);
const bytewise: Collation = { schema: "app", name: "bytewise", provider: "libc", locale: "C" };

describe("compile and reverse", () => {
  it("compiles CREATE COLLATION in pg_dump's spelling, quoting names and values", () => {
    expect(sql({ kind: "createCollation", collation: bytewise })).toEqual([`CREATE COLLATION "app"."bytewise" (provider = libc, locale = 'C')`]);
    expect(sql({ kind: "createCollation", collation: { name: "ci", provider: "icu", locale: "und-u-ks-level2", deterministic: false, rules: "&a < b", comment: "it's" } })).toEqual([
      `CREATE COLLATION "ci" (provider = icu, deterministic = false, locale = 'und-u-ks-level2', rules = '&a < b')`,
      `COMMENT ON COLLATION "ci" IS 'it''s'`,
    ]);
    expect(sql({ kind: "createCollation", collation: { schema: "a b", name: 'x"y', provider: "libc", lcCollate: "C", lcCtype: "it's" } })).toEqual([
      `CREATE COLLATION "a b"."x""y" (provider = libc, lc_collate = 'C', lc_ctype = 'it''s')`,
    ]);
    expect(sql({ kind: "dropCollation", schema: "app", name: "bytewise" })).toEqual([`DROP COLLATION "app"."bytewise"`]);
    expect(sql({ kind: "setComment", target: "collation", schema: "app", name: "bytewise", comment: null })).toEqual([`COMMENT ON COLLATION "app"."bytewise" IS NULL`]);
  });

  it("refuses a collation without a locale, or libc's two locales on another provider", () => {
    expect(() => sql({ kind: "createCollation", collation: { name: "x", provider: "libc" } })).toThrow(/collation x: no locale/);
    expect(() => sql({ kind: "createCollation", collation: { name: "x", provider: "icu", lcCollate: "C", lcCtype: "C" } })).toThrow(/libc's/);
  });

  it("create and drop reverse each other; a drop without its definition is not reversible", () => {
    const create: Operation = { kind: "createCollation", collation: bytewise };
    const [drop] = reverseOperation(create);
    expect(drop).toEqual({ kind: "dropCollation", schema: "app", name: "bytewise", old: bytewise });
    expect(reverseOperation(drop!)).toEqual([create]);
    expect(() => reverseOperation({ kind: "dropCollation", name: "x" })).toThrow(/old collation definition is unknown/);
  });

  it("names what it creates and drops; a column needs its collation", () => {
    expect(operationRefs({ kind: "createCollation", collation: bytewise })).toMatchObject({ creates: [{ kind: "collation", schema: "app", name: "bytewise" }], needs: [{ kind: "schema", name: "app" }] });
    expect(operationRefs({ kind: "addColumn", table: "t", column: { name: "c", type: "text", nullable: true, collation: "app.bytewise" } }).needs).toContainEqual({ kind: "collation", schema: "app", name: "bytewise" });
    expect(collationRef("en_US.utf8")).toEqual({ kind: "collation", name: "en_US.utf8" });
    expect(catalogObjects({ ...emptyCatalog(), collations: [bytewise] })).toContainEqual({ kind: "collation", schema: "app", name: "bytewise" });
  });

  it("MySQL and SQLite refuse collation operations, naming the collation", () => {
    expect(() => compileSqlite({ kind: "createCollation", collation: bytewise })).toThrow(/createCollation app\.bytewise: SQLite has no user collations/);
    expect(() => compileMysql({ kind: "dropCollation", schema: "app", name: "bytewise" }, { enums: new EnumRegistry(), flavor: "mysql" })).toThrow(/dropCollation app\.bytewise: MySQL has no user collations/);
  });
});

describe("compare and render", () => {
  const database: Catalog = { ...emptyCatalog(), schemas: ["app"], collations: [bytewise] };

  it("creates a new collation before everything else and drops a gone one last", () => {
    const model: Catalog = { ...emptyCatalog(), schemas: ["app"], enums: [{ name: "e", values: ["a"] }], collations: [bytewise] };
    expect(compareCatalogs(model, emptyCatalog()).operations.map((op) => op.kind)).toEqual(["createSchema", "createCollation", "createEnum"]);
    const drops = compareCatalogs(emptyCatalog(), { ...model, schemas: [] });
    expect(drops.operations.map((op) => op.kind)).toEqual(["dropEnum", "dropCollation"]);
    expect(reverseOperations(drops.operations).map((op) => op.kind)).toEqual(["createCollation", "createEnum"]);
    expect(compareCatalogs(structuredClone(database), database).operations).toEqual([]);
  });

  it("a changed locale drops and creates it again; a comment alone is set in place", () => {
    const changed: Catalog = { ...database, collations: [{ ...bytewise, locale: "POSIX" }] };
    const ops = compareCatalogs(changed, database).operations;
    expect(ops).toEqual([
      { kind: "dropCollation", schema: "app", name: "bytewise", old: bytewise },
      { kind: "createCollation", collation: { ...bytewise, locale: "POSIX" } },
    ]);
    const { upgrade, downgrade } = renderMigrationBodies(ops);
    expect(upgrade).toBe(`await op.dropCollation("bytewise", { schema: "app" });\nawait op.createCollation("bytewise", { schema: "app", provider: "libc", locale: "POSIX" });`);
    expect(downgrade).toBe(`await op.dropCollation("bytewise", { schema: "app" });\nawait op.createCollation("bytewise", { schema: "app", provider: "libc", locale: "C" });`);
    const commented = compareCatalogs({ ...database, collations: [{ ...bytewise, comment: "bytes" }] }, database).operations;
    expect(commented).toEqual([{ kind: "setComment", target: "collation", schema: "app", name: "bytewise", comment: "bytes", existing: null }]);
  });
});

describe("models and pull", () => {
  it("collation() builds the Catalog's collation; libc's two equal locales are one", () => {
    const catalog = modelsToCatalog([
      {
        b: collation("bytewise", { schema: "app", provider: "libc", lcCollate: "C", lcCtype: "C" }),
        ci: collation("ci", { provider: "icu", locale: "und-u-ks-level2", deterministic: false, comment: "case-insensitive" }),
        t: table("t", { label: text().collate("bytewise", { schema: "app" }) }, { schema: "app" }),
      },
    ]);
    expect(catalog.collations).toEqual([{ name: "ci", provider: "icu", locale: "und-u-ks-level2", deterministic: false, comment: "case-insensitive" }, bytewise]);
    expect(catalog.schemas).toEqual(["app"]);
    expect(() => collation("x", { provider: "icu", lcCollate: "C", lcCtype: "C" })).toThrow(/libc/);
    expect(() => collation("x", { provider: "libc" })).toThrow(/locale/);
    expect(() => collation("x", { provider: "glibc" as "libc", locale: "C" })).toThrow(/provider must be one of/);
  });

  it("pull writes collation(...) declarations", () => {
    const { files } = renderModels({ ...emptyCatalog(), schemas: ["app"], collations: [bytewise, { name: "two", provider: "libc", lcCollate: "C", lcCtype: "POSIX" }] }, { limit: null, naming: {} });
    const content = files.map((f) => f.content).join("\n");
    expect(content).toContain(`export const bytewise = collation("bytewise", { schema: "app", provider: "libc", locale: "C" });`);
    expect(content).toContain(`export const two = collation("two", { provider: "libc", lcCollate: "C", lcCtype: "POSIX" });`);
    expect(content).toMatch(/import \{[^}]*\bcollation\b[^}]*\} from/);
  });

  it("reads pg_collation rows of PostgreSQL 15 and 17+; leaves out what it cannot say exactly", () => {
    expect(collationFromRow("app", "bytewise", { collprovider: "c", collcollate: "C", collctype: "C", colliculocale: null, collisdeterministic: true }, null, true)).toEqual(bytewise);
    expect(collationFromRow(undefined, "ci", { collprovider: "i", colliculocale: "de-DE", collisdeterministic: false }, "x", true)).toEqual({ name: "ci", provider: "icu", locale: "de-DE", deterministic: false, comment: "x" });
    expect(collationFromRow(undefined, "u", { collprovider: "b", colllocale: "C.UTF-8", collicurules: null, collisdeterministic: true }, null, true)).toEqual({ name: "u", provider: "builtin", locale: "C.UTF-8" });
    expect(collationFromRow(undefined, "d", { collprovider: "d" }, null, true)).toBeUndefined();
    expect(collationFromRow(undefined, "old", { collprovider: "i", colliculocale: "de-DE" }, null, false)).toBeUndefined();
  });
});
