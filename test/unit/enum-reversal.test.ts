/** The downgrade compare() works out for enum values it adds: recreate the type, keep every column. */
import { describe, expect, it } from "vitest";
import { applyOperations } from "../../src/autogenerate/apply.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { normalizeCatalog } from "../../src/autogenerate/normalize.js";
import { renderMigrationBodies } from "../../src/autogenerate/render.js";
import type { Catalog, Table } from "../../src/catalog/types.js";

function orders(schema?: string): Table {
  const status = schema ? `${schema}.status` : "status";
  return {
    ...(schema ? { schema } : {}),
    name: "orders",
    columns: [
      { name: "id", type: "integer", nullable: false },
      { name: "state", type: status, nullable: false, default: "'new'" },
      { name: "history", type: `${status}[]`, nullable: true },
    ],
    primaryKey: { name: "pk_orders", columns: ["id"] },
    uniques: [],
    foreignKeys: [],
    checks: [{ name: "ck_orders_state", expression: "state <> 'paid'::status" }],
    indexes: [
      { name: "ix_orders_open", columns: ["id"], where: "state = 'new'::status" },
      { name: "ix_orders_state", columns: ["state"] },
    ],
  };
}

function catalog(values: string[], schema?: string): Catalog {
  return { schemas: schema ? [schema] : [], tables: [orders(schema)], enums: [{ ...(schema ? { schema } : {}), name: "status", values }] };
}

describe("downgrade of added enum values", () => {
  const database = catalog(["new", "paid"]);
  const model = catalog(["draft", "new", "paid", "shipped"]);
  const diff = compareCatalogs(model, database);

  it("upgrades with ADD VALUE and undoes all additions with one recreation of the type", () => {
    expect(diff.operations).toEqual([
      { kind: "addEnumValue", name: "status", value: "draft", before: "new" },
      { kind: "addEnumValue", name: "status", value: "shipped", after: "paid" },
    ]);
    const [first, second] = diff.operations;
    expect(diff.reversals?.get(second!)).toEqual([]);
    const kinds = diff.reversals?.get(first!)?.map((op) => ("name" in op ? `${op.kind} ${op.name}` : op.kind));
    expect(kinds).toEqual([
      "dropConstraint ck_orders_state",
      "dropIndex ix_orders_open",
      "alterColumn",
      "alterColumn",
      "dropEnum status",
      "createEnum status",
      "alterColumn",
      "alterColumn",
      "createIndex",
      "createCheckConstraint",
    ]);
  });

  it("converts each column through text and back, restoring its default", () => {
    const ops = diff.reversals!.get(diff.operations[0]!)!;
    expect(ops.filter((op) => op.kind === "alterColumn")).toEqual([
      { kind: "alterColumn", table: "orders", column: "state", type: "text", using: `"state"::text`, default: null, existing: orders().columns[1] },
      { kind: "alterColumn", table: "orders", column: "history", type: "text[]", using: `"history"::text[]`, existing: orders().columns[2] },
      {
        kind: "alterColumn",
        table: "orders",
        column: "state",
        type: "status",
        using: `"state"::"status"`,
        default: "'new'",
        existing: { name: "state", type: "text", nullable: false },
      },
      {
        kind: "alterColumn",
        table: "orders",
        column: "history",
        type: "status[]",
        using: `"history"::"status"[]`,
        existing: { name: "history", type: "text[]", nullable: true },
      },
    ]);
  });

  it("the upgrade followed by the downgrade gives back the database's catalog (also in another schema)", () => {
    for (const schema of [undefined, "app"]) {
      const before = catalog(["new", "paid"], schema);
      const result = compareCatalogs(catalog(["draft", "new", "paid", "shipped"], schema), before);
      const upgraded = applyOperations(before, result.operations);
      const downgrade = [...result.operations].reverse().flatMap((op) => result.reversals!.get(op)!);
      expect(normalizeCatalog(applyOperations(upgraded, downgrade))).toEqual(normalizeCatalog(before));
    }
  });

  it("is written into the downgrade body instead of a TODO", () => {
    const bodies = renderMigrationBodies(diff.operations, { reversals: diff.reversals });
    expect(bodies.warnings).toEqual([]);
    expect(bodies.downgrade).not.toContain("TODO");
    expect(bodies.downgrade).toContain(`await op.dropEnum("status");`);
    expect(bodies.downgrade).toContain(`await op.createEnum("status", ["new", "paid"]);`);
    // Without the reversals the renderer can only leave a TODO.
    expect(renderMigrationBodies(diff.operations).downgrade).toContain("TODO");
  });
});

describe("downgrade of added enum values with functions on the type", () => {
  it("drops the functions whose arguments or result are of the type before it, and creates them after", async () => {
    const { enumValueRemoval } = await import("../../src/autogenerate/enum-reversal.js");
    const fn = (name: string, args: string[], returns: string) => ({ kind: "function" as const, schema: "app", name, arguments: args.map((type) => ({ type })), returns, language: "sql", body: "SELECT NULL" });
    const database: Catalog = {
      ...catalog(["new", "paid"], "app"),
      routines: [fn("is_open", ["app.status"], "boolean"), fn("all_of", ["app.status[]"], "integer"), fn("rows_of", ["integer"], "TABLE(id integer, state app.status)"), fn("unrelated", ["app.statuses"], "app.status_x")],
    };
    const ops = enumValueRemoval(database.enums[0]!, ["new", "paid", "shipped"], database);
    const kinds = ops.map((op) => `${op.kind}${"name" in op && typeof op.name === "string" ? ` ${op.name}` : "routine" in op ? ` ${op.routine.name}` : ""}`);
    const dropEnum = kinds.indexOf("dropEnum status");
    const createEnum = kinds.indexOf("createEnum status");
    for (const name of ["is_open", "all_of", "rows_of"]) {
      expect(kinds.indexOf(`dropFunction ${name}`), kinds.join("\n")).toBeGreaterThan(-1);
      expect(kinds.indexOf(`dropFunction ${name}`)).toBeLessThan(dropEnum);
      expect(kinds.indexOf(`createFunction ${name}`)).toBeGreaterThan(createEnum);
    }
    expect(kinds.filter((k) => k.includes("unrelated"))).toEqual([]);
  });
});
