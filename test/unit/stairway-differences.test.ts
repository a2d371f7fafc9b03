/** schemaDifferences: the readable difference between two snapshots that the stairway check reports. */
import { describe, expect, it } from "vitest";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { schemaDifferences } from "../../src/runtime/stairway.js";

function table(name: string, overrides: Partial<Table> = {}): Table {
  return {
    name,
    columns: [
      { name: "id", type: "integer", nullable: false },
      { name: "title", type: "varchar(200)", nullable: false },
    ],
    primaryKey: { name: `pk_${name}`, columns: ["id"] },
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    ...overrides,
  };
}

function catalog(...tables: Table[]): Catalog {
  return { schemas: [], tables, enums: [] };
}

describe("schemaDifferences", () => {
  it("is empty for equal schemas, whatever the column order", () => {
    const reordered = table("books", { columns: [...table("books").columns].reverse() });
    expect(schemaDifferences(catalog(table("books")), catalog(reordered))).toEqual([]);
  });

  it("shows what the actual schema has in excess with +, and what it lacks with -", () => {
    const withIsbn = table("books", { columns: [...table("books").columns, { name: "isbn", type: "varchar(20)", nullable: true }] });
    expect(schemaDifferences(catalog(table("books")), catalog(withIsbn, table("authors")))).toEqual(
      expect.arrayContaining(["+ table authors", "+ column books.isbn varchar(20)"]),
    );
    expect(schemaDifferences(catalog(table("books"), table("authors")), catalog(table("books")))).toEqual(["- table authors"]);
  });

  it("reports a changed column", () => {
    const nullable = table("books", { columns: [{ name: "id", type: "integer", nullable: false }, { name: "title", type: "varchar(200)", nullable: true }] });
    const lines = schemaDifferences(catalog(table("books")), catalog(nullable));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^~ column books\.title: .*nullable/);
  });

  it("reports an index that came back under another name", () => {
    const before = table("books", { indexes: [{ name: "ix_books_title", columns: ["title"] }] });
    const after = table("books", { indexes: [{ name: "books_title_idx", columns: ["title"] }] });
    const lines = schemaDifferences(catalog(before), catalog(after));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).toMatch(/books_title_idx/);
  });

  it("reports enum values that differ", () => {
    const a: Catalog = { schemas: [], tables: [], enums: [{ name: "status", values: ["draft", "active"] }] };
    const b: Catalog = { schemas: [], tables: [], enums: [{ name: "status", values: ["draft", "active", "retired"] }] };
    expect(schemaDifferences(a, b).join("\n")).toMatch(/status.*retired/);
    expect(schemaDifferences(a, a)).toEqual([]);
  });
});
