/** The model DSL's MySQL/MariaDB properties (issue 13): ON UPDATE, charset/collation, table options, datetime. */
import { describe, expect, it } from "vitest";
import { bigint, customType, datetime, doublePrecision, integer, modelsToCatalog, numeric, smallint, sql, table, text, timestamp, varchar } from "../../src/schema/index.js";

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

  it("unsigned() and zerofill(width) spell the type as MySQL does", () => {
    const t = table("t", {
      a: smallint().unsigned().primaryKey().generatedByDefaultAsIdentity(),
      b: integer().zerofill(4),
      c: bigint().unsigned(),
      d: numeric({ precision: 8, scale: 2 }).unsigned(),
      e: doublePrecision().zerofill(),
      f: customType("mediumint(7)").unsigned(),
    });
    const types = modelsToCatalog([{ t }]).tables[0]!.columns.map((c) => c.type);
    expect(types).toEqual(["smallint unsigned", "int(4) unsigned zerofill", "bigint unsigned", "decimal(8,2) unsigned", "double unsigned zerofill", "mediumint(7) unsigned"]);
    expect(() => text().unsigned()).toThrow(/\.unsigned\(\) applies once to a number type .* this column is text/);
    expect(() => integer().unsigned().unsigned()).toThrow(/applies once/);
    expect(() => integer().zerofill(0)).toThrow(/display width must be an integer from 1 to 255/);
  });

  it("refuses names that are not bare words", () => {
    expect(() => varchar(10).charset("utf8; DROP TABLE x")).toThrow(/not a valid name/);
    expect(() => table("t", { id: integer() }, { engine: "InnoDB ROW_FORMAT=x" })).toThrow(/not a valid name/);
  });
});
