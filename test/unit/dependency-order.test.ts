import { describe, expect, it } from "vitest";
import type { Dependency } from "../../src/catalog/objects.js";
import { describeRef, refKey, typeRef } from "../../src/catalog/objects.js";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { orderingEdges, orderOperations, stableTopologicalOrder } from "../../src/autogenerate/dependency-order.js";
import { columnNeeds, type OperationRefs } from "../../src/operations/refs.js";
import type { Operation } from "../../src/operations/types.js";

function table(name: string, extra: Partial<Table> = {}): Table {
  return { name, columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [], ...extra };
}

const label = (op: Operation) => `${op.kind} ${"name" in op ? op.name : "table" in op ? (typeof op.table === "string" ? op.table : op.table.name) : ""}`;

describe("stableTopologicalOrder", () => {
  it("keeps the base order when nothing forces a move", () => {
    expect(stableTopologicalOrder(4, [])).toEqual([0, 1, 2, 3]);
    expect(stableTopologicalOrder(4, [[0, 3], [1, 2]])).toEqual([0, 1, 2, 3]);
  });

  it("moves only what must move, the rest keeps its place", () => {
    expect(stableTopologicalOrder(4, [[3, 1]])).toEqual([0, 2, 3, 1]);
  });

  it("breaks a cycle by the base order and still emits every operation once", () => {
    expect(stableTopologicalOrder(3, [[0, 1], [1, 2], [2, 0]])).toEqual([0, 1, 2]);
    expect(stableTopologicalOrder(4, [[1, 2], [2, 1], [3, 0]])).toEqual([3, 0, 1, 2]);
  });
});

describe("orderOperations", () => {
  it("creates a type before the table whose column uses it, and drops it after", () => {
    const create: Operation[] = [
      { kind: "createTable", table: table("t", { schema: "app", columns: [{ name: "s", type: "app.mood[]", nullable: true }] }) },
      { kind: "createEnum", schema: "app", name: "mood", values: ["a"] },
      { kind: "createSchema", name: "app" },
    ];
    expect(orderOperations(create).map(label)).toEqual(["createSchema app", "createEnum mood", "createTable t"]);
    const drop: Operation[] = [
      { kind: "dropEnum", schema: "app", name: "mood", old: ["a"] },
      { kind: "dropColumn", schema: "app", table: "t", column: "s", old: { name: "s", type: "app.mood", nullable: true } },
    ];
    expect(orderOperations(drop).map(label)).toEqual(["dropColumn t", "dropEnum mood"]);
  });

  it("drops a partition before its parent from the database's dependencies alone", () => {
    const ops: Operation[] = [
      { kind: "dropTable", table: "measurements", old: table("measurements") },
      { kind: "dropTable", table: "measurements_2024", old: table("measurements_2024") },
    ];
    const dependencies: Dependency[] = [
      { dependent: { kind: "table", name: "measurements_2024" }, referenced: { kind: "table", name: "measurements" } },
    ];
    expect(orderOperations(ops).map(label)).toEqual(["dropTable measurements", "dropTable measurements_2024"]);
    expect(orderOperations(ops, dependencies).map(label)).toEqual(["dropTable measurements_2024", "dropTable measurements"]);
  });

  it("creates a sequence before a default that draws from it, and drops it after the column", () => {
    expect(columnNeeds({ name: "id", type: "bigint", nullable: false, default: `nextval('app."Seq"'::regclass)` }, undefined)).toContainEqual({
      kind: "sequence",
      schema: "app",
      name: "Seq",
    });
    expect(columnNeeds({ name: "id", type: "bigint", nullable: false, default: "nextval('s'::regclass)" }, "app")).toContainEqual({ kind: "sequence", schema: "app", name: "s" });
    // A sequence operation as a future kind declares it: refs only.
    const refs: OperationRefs[] = [
      { creates: [{ kind: "table", name: "t" }], drops: [], needs: columnNeeds({ name: "id", type: "bigint", nullable: false, default: "nextval('s'::regclass)" }, undefined), alters: [] },
      { creates: [{ kind: "sequence", name: "s" }], drops: [], needs: [], alters: [] },
    ];
    expect(stableTopologicalOrder(2, orderingEdges(refs))).toEqual([1, 0]);
  });

  it("drops every table of a foreign-key cycle after the keys that close it, and adds those keys last", () => {
    const a = table("a", { columns: [{ name: "id", type: "integer", nullable: false }, { name: "b_id", type: "integer", nullable: true }], foreignKeys: [{ name: "a_b_fkey", columns: ["b_id"], refTable: "b", refColumns: ["id"] }] });
    const b = table("b", { columns: [{ name: "id", type: "integer", nullable: false }, { name: "a_id", type: "integer", nullable: true }], foreignKeys: [{ name: "b_a_fkey", columns: ["a_id"], refTable: "a", refColumns: ["id"] }] });
    const c = table("c", { foreignKeys: [{ name: "c_a_fkey", columns: ["id"], refTable: "a", refColumns: ["id"] }] });
    const empty: Catalog = { schemas: [], tables: [], enums: [] };
    const full: Catalog = { schemas: [], tables: [a, b, c], enums: [] };
    expect(compareCatalogs(empty, full).operations.map(label)).toEqual(["dropConstraint a_b_fkey", "dropTable c", "dropTable b", "dropTable a"]);
    expect(compareCatalogs(full, empty).operations.map(label)).toEqual(["createTable a", "createTable b", "createTable c", "createForeignKey a"]);
  });

  it("names objects the same way on both sides, whatever sort of relation", () => {
    expect(refKey({ kind: "view", name: "v" })).toBe(refKey({ kind: "table", name: "v" }));
    expect(refKey({ kind: "type", name: "v" })).not.toBe(refKey({ kind: "table", name: "v" }));
    expect(typeRef("varchar(20)[]")).toEqual({ kind: "type", name: "varchar" });
    expect(describeRef({ kind: "trigger", schema: "app", table: "t", name: "trg" })).toBe("trigger trg on table app.t");
    expect(describeRef({ kind: "function", name: "f(integer)" })).toBe("function f(integer)");
  });
});
