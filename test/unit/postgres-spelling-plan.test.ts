/**
 * How the batched spelling path (src/dialects/postgres/spelling.ts) groups
 * requests into scratch tables: pure planning, no database.
 */
import { describe, expect, it } from "vitest";
import { planUnits, type SpellRequest } from "../../src/dialects/postgres/spelling.js";

const check = (columns: [string, string][], text: string, table?: string): SpellRequest => ({
  kind: "check",
  schema: "",
  ...(table ? { table } : {}),
  columns: columns.map(([name, type]) => ({ name, type })),
  text,
});

describe("planUnits", () => {
  it("puts every type and default in one value table", () => {
    const units = planUnits([
      { kind: "type", type: "varchar(20)" },
      { kind: "default", type: "numeric", text: "0" },
      { kind: "default", type: "mood", text: "'happy'" },
    ]);
    expect(units).toHaveLength(1);
    expect(units[0]!.values.map((v) => v.request)).toEqual([0, 1, 2]);
    expect(units[0]!.columns.size).toBe(0);
  });

  it("shares a scratch table among expressions whose columns agree, and splits where a column's type differs", () => {
    const units = planUnits([
      check([["id", "integer"], ["amount", "numeric"]], "amount >= 0"),
      check([["id", "integer"], ["price", "numeric"]], "price > 0"),
      check([["amount", "integer"]], "amount > 1"),
    ]);
    expect(units).toHaveLength(2);
    expect([...units[0]!.columns.keys()]).toEqual(["id", "amount", "price"]);
    expect(units[0]!.checks.map((c) => c.request)).toEqual([0, 1]);
    expect(units[1]!.checks.map((c) => c.request)).toEqual([2]);
  });

  it("gives text that names its own table a table of that name, alone, and keeps schemas apart", () => {
    const units = planUnits([
      check([["a", "integer"]], "a > 0"),
      check([["a", "integer"]], "t.a > 0", "t"),
      { ...check([["a", "integer"]], "a > 0"), schema: "billing" } as SpellRequest,
    ]);
    expect(units.map((u) => [u.schema, u.name, u.shared])).toEqual([
      ["", "kiln:t:0", true],
      ["", "t", false],
      ["billing", "kiln:t:2", true],
    ]);
  });

  it("bounds the columns and items of a shared table", () => {
    const many = Array.from({ length: 250 }, (_v, i) => check([[`c${i}`, "integer"]], `c${i} > 0`));
    const units = planUnits(many);
    expect(units.length).toBeGreaterThanOrEqual(3);
    for (const unit of units) expect(unit.checks.length).toBeLessThanOrEqual(100);
    expect(units.flatMap((u) => u.checks.map((c) => c.request)).sort((a, b) => a - b)).toEqual(many.map((_r, i) => i));
  });
});
