import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { canonicalizeCatalog } from "../../src/dialects/sqlite/canonicalize.js";
import { compileOperation } from "../../src/dialects/sqlite/compile.js";
import type { Table } from "../../src/catalog/types.js";

const table = (defaultText: string): Table => ({
  name: "events",
  columns: [
    { name: "id", type: "integer", nullable: false },
    { name: "at", type: "timestamptz", nullable: false, default: defaultText },
  ],
  primaryKey: { name: "pk_events", columns: ["id"] },
  uniques: [],
  foreignKeys: [],
  checks: [],
  indexes: [],
});

describe("sqlite defaults for the current time", () => {
  it.each(["now()", "NOW ( )", "current_timestamp(6)"])("%s becomes CURRENT_TIMESTAMP, which SQLite can evaluate", (text) => {
    const [create] = compileOperation({ kind: "createTable", table: table(text) });
    expect(create!.sql).toContain("DEFAULT CURRENT_TIMESTAMP");
    const db = new Database(":memory:");
    try {
      db.exec(create!.sql);
      db.exec("INSERT INTO events (id) VALUES (1)");
      expect(db.prepare("SELECT at FROM events").get()).toEqual({ at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
    } finally {
      db.close();
    }
    const canonical = canonicalizeCatalog({ schemas: [], tables: [table(text)], enums: [] });
    expect(canonical.tables[0]!.columns[1]!.default).toBe("CURRENT_TIMESTAMP");
  });

  it("leaves other defaults as written", () => {
    const canonical = canonicalizeCatalog({ schemas: [], tables: [table("'2020-01-01'")], enums: [] });
    expect(canonical.tables[0]!.columns[1]!.default).toBe("'2020-01-01'");
    const [create] = compileOperation({ kind: "createTable", table: table("(datetime('now'))") });
    expect(create!.sql).toContain("DEFAULT ((datetime('now')))");
  });
});
