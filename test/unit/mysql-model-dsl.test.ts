/** The model DSL's MySQL/MariaDB properties (issue 13): ON UPDATE, charset/collation, table options, datetime. */
import { describe, expect, it } from "vitest";
import { datetime, integer, modelsToCatalog, sql, table, timestamp, varchar } from "../../src/schema/index.js";

describe("model DSL: MySQL properties", () => {
  it("carries ON UPDATE, character set, collation and table options into the Catalog", () => {
    const shelves = table(
      "shelves",
      {
        id: integer().primaryKey(),
        label: varchar(80).notNull().charset("utf8mb3").collate("utf8mb3_bin"),
        born: datetime(),
        checked: datetime({ precision: 3 }),
        updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 })
          .notNull()
          .default(sql`CURRENT_TIMESTAMP(3)`)
          .onUpdate(sql`CURRENT_TIMESTAMP(3)`),
      },
      { engine: "InnoDB", charset: "utf8mb3", collate: "utf8mb3_unicode_ci", rowFormat: "dynamic", autoIncrement: 100, comment: "c" },
    );
    const catalog = modelsToCatalog([{ shelves }]);
    const built = catalog.tables[0]!;
    expect(built.options).toEqual({ engine: "InnoDB", charset: "utf8mb3", collation: "utf8mb3_unicode_ci", rowFormat: "DYNAMIC", autoIncrement: 100 });
    expect(built.columns.find((c) => c.name === "label")).toMatchObject({ charset: "utf8mb3", collation: "utf8mb3_bin" });
    expect(built.columns.find((c) => c.name === "born")?.type).toBe("timestamp(0)");
    expect(built.columns.find((c) => c.name === "checked")?.type).toBe("timestamp(3)");
    expect(built.columns.find((c) => c.name === "updated_at")).toMatchObject({ type: "timestamptz(3)", onUpdate: "CURRENT_TIMESTAMP(3)" });
  });

  it("refuses names that are not bare words", () => {
    expect(() => varchar(10).charset("utf8; DROP TABLE x")).toThrow(/not a valid name/);
    expect(() => table("t", { id: integer() }, { engine: "InnoDB ROW_FORMAT=x" })).toThrow(/not a valid name/);
  });
});
