/**
 * Shape grouping for PostgreSQL canonicalize (pure): which tables may share one
 * scratch copy, and which must be built on their own.
 */
import { describe, expect, it } from "vitest";
import type { Table } from "../../src/catalog/types.js";
import { planScratch } from "../../src/dialects/postgres/canonicalize.js";
import { groupByShape, indexNeedsSpelling, mentionsName, shapeKey } from "../../src/dialects/postgres/shapes.js";

/** A table like the benchmark's: every name in it carries the table's name. */
function ledger(name: string, patch: (t: Table) => void = () => {}): Table {
  const table: Table = {
    name,
    columns: [
      { name: "id", type: "integer", nullable: false, identity: { always: true } },
      { name: "amount", type: "numeric(12,2)", nullable: false, default: "0" },
      { name: "note", type: "text", nullable: true, comment: `note of ${name}` },
      { name: "created_at", type: "timestamptz", nullable: false, default: "now()" },
    ],
    primaryKey: { name: `pk_${name}`, columns: ["id"] },
    uniques: [{ name: `uq_${name}_note`, columns: ["note"] }],
    foreignKeys: [{ name: `fk_${name}_id`, columns: ["id"], refTable: "other", refColumns: ["id"] }],
    checks: [{ name: `ck_${name}_amount`, expression: `"amount" >= 0` }],
    indexes: [
      { name: `ix_${name}_created_at`, columns: ["created_at"] },
      { name: `ix_${name}_lower_note`, columns: [{ expression: `lower("note")` }], where: `"amount" > 0` },
    ],
  };
  patch(table);
  return table;
}

const names = (groups: ReturnType<typeof groupByShape>) => groups.map((g) => g.members.map((t) => t.name));

describe("PostgreSQL canonicalize: table shapes", () => {
  it("puts tables that differ only in names, nullability and comments in one shape", () => {
    const tables = [
      ledger("a"),
      ledger("b", (t) => {
        t.columns[2]!.nullable = false;
        delete t.columns[2]!.comment;
        t.comment = "another comment";
      }),
      ledger("c"),
    ];
    const groups = groupByShape(tables);
    expect(names(groups)).toEqual([["a", "b", "c"]]);
    expect(groups[0]!.representative.name).toBe("a");
    expect(shapeKey(tables[0]!)).toBe(shapeKey(tables[1]!));
  });

  it("ignores keys and foreign keys, which the scratch copy does not build", () => {
    const other = ledger("b", (t) => {
      delete t.primaryKey;
      t.uniques = [];
      t.foreignKeys = [];
    });
    expect(shapeKey(other)).toBe(shapeKey(ledger("a")));
  });

  it("separates tables that differ in anything PostgreSQL spells", () => {
    const variants: [string, (t: Table) => void][] = [
      ["type", (t) => (t.columns[1]!.type = "numeric(10,2)")],
      ["default", (t) => (t.columns[1]!.default = "1")],
      ["no default", (t) => delete t.columns[1]!.default],
      ["column name", (t) => (t.columns[2]!.name = "memo")],
      ["column order", (t) => t.columns.reverse()],
      ["extra column", (t) => t.columns.push({ name: "x", type: "text", nullable: true })],
      ["identity kind", (t) => (t.columns[0]!.identity = { always: false })],
      ["serial", (t) => (t.columns[0] = { name: "id", type: "serial", nullable: false, autoIncrement: true })],
      ["check", (t) => (t.checks[0]!.expression = `"amount" > 0`)],
      ["check order", (t) => t.checks.push({ name: "ck_2", expression: "true" })],
      ["index expression", (t) => (t.indexes[1]!.columns = [{ expression: `upper("note")` }])],
      ["index predicate", (t) => delete t.indexes[1]!.where],
      ["index method", (t) => (t.indexes[1]!.method = "hash")],
      ["unique index", (t) => (t.indexes[1]!.unique = true)],
      ["plain index becomes spelled", (t) => (t.indexes[0]!.method = "brin")],
      ["schema", (t) => (t.schema = "billing")],
    ];
    const base = shapeKey(ledger("a"));
    for (const [what, patch] of variants) {
      expect(shapeKey(ledger("b", patch)), what).not.toBe(base);
    }
    const groups = groupByShape([ledger("a"), ...variants.map(([what, patch]) => ledger(`t_${what.replace(/ /g, "_")}`, patch))]);
    expect(groups).toHaveLength(variants.length + 1);
  });

  it("does not let plain column indexes (not built) split shapes", () => {
    const withMore = ledger("b", (t) => t.indexes.unshift({ name: "ix_b_amount", columns: ["amount", "id"], unique: true }));
    expect(shapeKey(withMore)).toBe(shapeKey(ledger("a")));
  });

  it("gives a table whose SQL text mentions its own name a shape of its own", () => {
    const sequence = (name: string) =>
      ledger(name, (t) => t.columns.push({ name: "seq", type: "bigint", nullable: false, default: `nextval('${name}_seq_seq'::regclass)` }));
    expect(shapeKey(sequence("orders"))).toBeUndefined();
    expect(names(groupByShape([sequence("orders"), sequence("orders")]))).toEqual([["orders"], ["orders"]]);

    const qualified = ledger("Items", (t) => (t.checks[0]!.expression = `"items"."amount" >= 0`));
    expect(shapeKey(qualified)).toBeUndefined();
    // A table named like an enum type it uses (CREATE TABLE makes a type of that name too).
    const status = ledger("status", (t) => (t.columns[2]!.type = "status"));
    expect(shapeKey(status)).toBeUndefined();
    // Identity columns keep no default text, so their sequence names never reach the shape.
    expect(shapeKey(ledger("orders"))).toBeDefined();
  });

  it("finds a name as a word of its own, with _ . quotes as breaks", () => {
    expect(mentionsName(`nextval('t_id_seq'::regclass)`, "t")).toBe(true);
    expect(mentionsName(`"T".amount > 0`, "t")).toBe(true);
    expect(mentionsName(`public.orders.total`, "ORDERS")).toBe(true);
    expect(mentionsName(`"amount" >= 0`, "t")).toBe(false);
    expect(mentionsName(`"amount" >= 0`, "amount2")).toBe(false);
    expect(mentionsName(`'draft'`, "t")).toBe(false);
    expect(mentionsName(`reorders > 0`, "orders")).toBe(false);
    expect(mentionsName(`x`, "")).toBe(false);
  });

  it("builds only the indexes that need spelling", () => {
    expect(indexNeedsSpelling({ columns: ["a", "b"], unique: true })).toBe(false);
    expect(indexNeedsSpelling({ columns: ["a"], where: "a > 0" })).toBe(true);
    expect(indexNeedsSpelling({ columns: ["a"], method: "gin" })).toBe(true);
    expect(indexNeedsSpelling({ columns: ["a", { expression: "lower(b)" }] })).toBe(true);

    const catalog = { schemas: [], enums: [], tables: [ledger("a")] };
    const fast = planScratch(catalog, "kiln_canon_x").tables[0]!;
    expect(fast.indexNames).toEqual(["kiln_ix_0"]);
    expect(fast.whole.join("\n")).not.toContain(`("created_at")`);
    expect(fast.whole.join("\n")).toContain(`((lower("note"))) WHERE ("amount" > 0)`);
    const all = planScratch(catalog, "kiln_canon_x", { allIndexes: true }).tables[0]!;
    expect(all.indexNames).toEqual(["kiln_ix_0", "kiln_ix_1"]);
    expect(all.whole.join("\n")).toContain(`("created_at")`);
  });
});
