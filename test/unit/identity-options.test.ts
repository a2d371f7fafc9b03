import { describe, expect, it } from "vitest";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { bigint, integer, modelsToCatalog, table, text } from "../../src/schema/index.js";

describe("identity sequence options in models", () => {
  it("carry START/INCREMENT/... into the column's sequence, which CREATE TABLE then sets", () => {
    const invoices = table("invoices", {
      id: bigint().primaryKey().generatedAlwaysAsIdentity({ start: 100, increment: 5, maxValue: 10n ** 12n, cycle: true }),
      note: text(),
    });
    const catalog = modelsToCatalog([{ invoices }]);
    const id = catalog.tables[0]!.columns[0]!;
    expect(id.identity).toEqual({ always: true });
    expect(id.sequence).toEqual({ name: "invoices_id_seq", start: "100", increment: "5", max: "1000000000000", cycle: true });
    const sql = compilePostgres({ kind: "createTable", table: catalog.tables[0]! }).map((s) => s.sql);
    expect(sql.some((s) => /ALTER TABLE "invoices" ALTER COLUMN "id" SET INCREMENT BY 5 SET MAXVALUE 1000000000000 SET START WITH 100 SET CYCLE$/.test(s)), sql.join("\n")).toBe(true);
  });

  it("without options the column has no sequence entry, as before", () => {
    const plain = table("plain", { id: integer().primaryKey().generatedByDefaultAsIdentity() });
    expect(modelsToCatalog([{ plain }]).tables[0]!.columns[0]!.sequence).toBeUndefined();
  });

  it("refuses an option that is not a whole number or not an option", () => {
    expect(() => integer().generatedAlwaysAsIdentity({ start: 1.5 })).toThrow("start must be a whole number");
    expect(() => integer().generatedAlwaysAsIdentity({ begin: 1 } as never)).toThrow("begin must be one of start, increment, minValue, maxValue, cache, cycle");
  });
});
