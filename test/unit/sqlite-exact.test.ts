/**
 * Issue 13 on SQLite, the pure parts: constraints declared without a name are
 * matched and dropped by definition (compare, render, reverse), a rebuild edits
 * the stored CREATE TABLE text only where it changes (table-text.ts), and stored
 * text is used to recreate what a downgrade brings back.
 */
import { describe, expect, it } from "vitest";
import type { Table } from "../../src/catalog/types.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import { sqliteDialect } from "../../src/dialects/sqlite/index.js";
import { applyToTable } from "../../src/dialects/sqlite/rebuild.js";
import { rebuiltTableText } from "../../src/dialects/sqlite/table-text.js";
import { unmodelledWarnings } from "../../src/autogenerate/unmodelled.js";

const parent: Table = { name: "a", columns: [{ name: "id", type: "INTEGER", nullable: false }], primaryKey: { columns: ["id"] }, uniques: [], foreignKeys: [], checks: [], indexes: [] };
const child = (fk: { name?: string }): Table => ({
  name: "b",
  columns: [
    { name: "id", type: "INTEGER", nullable: false },
    { name: "a_id", type: "INTEGER", nullable: true },
  ],
  primaryKey: { columns: ["id"] },
  uniques: [],
  foreignKeys: [{ ...fk, columns: ["a_id"], refTable: "a", refColumns: ["id"] }],
  checks: [{ expression: "a_id > 0" }],
  indexes: [],
});
const catalog = (...tables: Table[]) => ({ schemas: [], enums: [], tables });

describe("constraints declared without a name", () => {
  it("match a named model constraint with the same definition: nothing to do, no warning", () => {
    const diff = compareCatalogs(catalog(parent, child({ name: "fk_b_a_id_a" })), catalog(parent, child({})), { dropUnnamedConstraints: true });
    expect(diff.operations).toEqual([]);
    expect(diff.warnings).toEqual([]);
  });

  it("gone from the models: dropped by definition where the dialect can (SQLite), warned about elsewhere", () => {
    const model = { ...child({}), foreignKeys: [], checks: [] };
    const sqlite = compareCatalogs(catalog(parent, model), catalog(parent, child({})), { dropUnnamedConstraints: true });
    expect(sqlite.operations).toEqual([
      { kind: "dropConstraint", table: "b", name: "", type: "foreignkey", old: { type: "foreignkey", constraint: { name: "", columns: ["a_id"], refTable: "a", refColumns: ["id"] } } },
      { kind: "dropConstraint", table: "b", name: "", type: "check", old: { type: "check", constraint: { name: "", expression: "a_id > 0" } } },
    ]);
    const text = renderOperations(sqlite.operations);
    expect(text.replace(/\s+/g, " ")).toContain('op.dropConstraint("", "b", { type: "foreignkey", definition: { columns: ["a_id"], refTable: "a", refColumns: ["id"] }, })');
    expect(reverseOperations(sqlite.operations).map((o) => o.kind)).toEqual(["createCheckConstraint", "createForeignKey"]);
    const other = compareCatalogs(catalog(parent, model), catalog(parent, child({})));
    expect(other.operations).toEqual([]);
    expect(other.warnings.map((w) => w.message).join("\n")).toMatch(/unnamed foreign key/);
  });

  it("the rebuild drops the one that matches the definition", () => {
    const rebuilt = applyToTable(child({}), [
      { kind: "dropConstraint", table: "b", name: "", type: "foreignkey", old: { type: "foreignkey", constraint: { name: "", columns: ["a_id"], refTable: "a", refColumns: ["id"] } } },
    ]);
    expect(rebuilt.table.foreignKeys).toEqual([]);
    expect(() =>
      applyToTable(child({}), [{ kind: "dropConstraint", table: "b", name: "", type: "foreignkey", old: { type: "foreignkey", constraint: { name: "", columns: ["a_id"], refTable: "x", refColumns: ["id"] } } }]),
    ).toThrow(/no foreignkey constraint/);
  });
});

describe("a rebuild keeps the stored text of what it does not change", () => {
  const stored = `CREATE TABLE [b]\n(\n    [id] INTEGER  NOT NULL,\n    [a_id] INT, -- the parent\n    CONSTRAINT [PK_b] PRIMARY KEY  ([id]),\n    FOREIGN KEY ([a_id]) REFERENCES [a] ([id])\n\t\tON DELETE NO ACTION,\n    CHECK (a_id > 0)\n) WITHOUT ROWID`;
  const table: Table = {
    ...child({}),
    columns: [
      { name: "id", type: "INTEGER", nullable: false },
      { name: "a_id", type: "INT", nullable: true },
    ],
    primaryKey: { name: "PK_b", columns: ["id"] },
  };

  it("unchanged: the text as stored", () => {
    expect(rebuiltTableText(stored, table, structuredClone(table))).toBe(stored);
  });

  it("one column changed: only that definition is rewritten, in kiln's spelling", () => {
    const after = applyToTable(table, [{ kind: "alterColumn", table: "b", column: "a_id", nullable: false, existing: table.columns[1]! }]).table;
    expect(rebuiltTableText(stored, table, after)).toBe(stored.replace("[a_id] INT", `"a_id" INT NOT NULL`));
  });

  it("a dropped constraint leaves, a new one is added in kiln's spelling", () => {
    const after = applyToTable(table, [
      { kind: "dropConstraint", table: "b", name: "", type: "check", old: { type: "check", constraint: { name: "", expression: "a_id > 0" } } },
      { kind: "createUniqueConstraint", table: "b", constraint: { name: "uq_b_a_id", columns: ["a_id"] } },
    ]).table;
    expect(rebuiltTableText(stored, table, after)).toBe(stored.replace("CHECK (a_id > 0)", `CONSTRAINT "uq_b_a_id" UNIQUE ("a_id")`));
  });
});

describe("stored text recreates what a downgrade brings back", () => {
  it("createTable uses the table's stored text and recreates its triggers; createIndex its own", () => {
    const sql = `CREATE TABLE b ( id INTEGER NOT NULL, a_id INT , PRIMARY KEY (id), FOREIGN KEY (a_id) REFERENCES a (id), CHECK (a_id > 0) )`;
    const trigger = { name: "b_ai", sql: "CREATE TRIGGER b_ai AFTER INSERT ON b BEGIN SELECT 1; END" };
    const statements = sqliteDialect.compile({ kind: "createTable", table: { ...child({}), sql, triggers: [trigger] } }).map((s) => s.sql);
    expect(statements).toEqual([sql, trigger.sql]);
    // A definition that no longer fits the text (a column added by hand) is written anew.
    const edited = { ...child({}), sql, columns: [...child({}).columns, { name: "x", type: "text", nullable: true }] };
    expect(sqliteDialect.compile({ kind: "createTable", table: edited })[0]!.sql).toMatch(/^CREATE TABLE "b" \(/);
    const index = { name: "ix_b", columns: ["a_id"], sql: "CREATE INDEX ix_b ON b(a_id)" };
    expect(sqliteDialect.compile({ kind: "createIndex", table: "b", index })[0]!.sql).toBe(index.sql);
  });
});

describe("nothing lost in silence", () => {
  const t: Table = { ...parent, name: "t", triggers: [{ name: "t_ai", sql: "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN SELECT 1; END" }] };
  const database = {
    ...catalog(t, parent),
    dependencies: [
      { dependent: { kind: "trigger", name: "t_ai", table: "t" }, referenced: { kind: "table", name: "t" } },
      { dependent: { kind: "view", name: "v" }, referenced: { kind: "table", name: "t" } },
      // Modelled objects are kiln's own business: no warning for them.
      { dependent: { kind: "table", name: "a" }, referenced: { kind: "table", name: "t" } },
    ],
  };

  it("names the triggers and views of a table a revision drops, and what becomes of them", () => {
    const messages = unmodelledWarnings([{ kind: "dropTable", table: "t", old: t }], database).map((w) => w.message);
    expect(messages).toEqual([
      "Table t is dropped with trigger t_ai on table t, which kiln does not model; the downgrade recreates it from the text the database stored.",
      "Table t is dropped while view v (not modelled by kiln) still uses it: it stays and fails until the table is back; drop or change it with op.execute() if that is not what you want.",
    ]);
  });

  it("names them for a table a revision changes, and says nothing for tables nothing uses", () => {
    const changed = unmodelledWarnings([{ kind: "alterColumn", table: "t", column: "id", nullable: true }], database).map((w) => w.message);
    expect(changed).toEqual([
      "Table t is changed while trigger t_ai on table t, view v (not modelled by kiln) use it (its trigger t_ai on table t is recreated from the stored text when the table is rebuilt); one that names a dropped or renamed column fails afterwards.",
    ]);
    expect(unmodelledWarnings([{ kind: "dropTable", table: "a" }], database)).toEqual([]);
  });
});
