/**
 * Citus distribution (docs/distributed-postgres.md) as plain data: the model
 * option, compare, compile, reverse (undistribute_table), render (replayed
 * through the op facade). Pure: Citus cannot be installed on the test machines;
 * the introspection guard runs on the real server in test/integration/citus-guard.test.ts.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { createMysqlDialect } from "../../src/dialects/mysql/index.js";
import { reverseOperation } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { bigint, modelsToCatalog, table, text } from "../../src/schema/index.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (op: Operation) => compilePostgres(op).map((s) => s.sql);

function events(extra: Partial<Table> = {}): Table {
  return {
    schema: "app",
    name: "events",
    columns: [
      { name: "tenant_id", type: "bigint", nullable: false },
      { name: "id", type: "bigint", nullable: false },
    ],
    primaryKey: { name: "events_pkey", columns: ["tenant_id", "id"] },
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    ...extra,
  };
}
const catalog = (...tables: Table[]): Catalog => ({ schemas: ["app"], tables, enums: [] });

describe("Citus distribution: compile", () => {
  it("distributes, references and undistributes through Citus's functions, the table as a quoted regclass literal", () => {
    expect(sqlOf({ kind: "setDistribution", schema: "app", table: "events", distribution: { kind: "distributed", column: "tenant_id" }, existing: null })).toEqual([
      `SELECT create_distributed_table('"app"."events"', 'tenant_id')`,
    ]);
    expect(
      sqlOf({ kind: "setDistribution", table: "visits", distribution: { kind: "distributed", column: "tenant_id", colocateWith: "events", shardCount: 16 }, existing: null }),
    ).toEqual([`SELECT create_distributed_table('"visits"', 'tenant_id', colocate_with => 'events', shard_count => 16)`]);
    expect(sqlOf({ kind: "setDistribution", table: "countries", distribution: { kind: "reference" }, existing: null })).toEqual([`SELECT create_reference_table('"countries"')`]);
    expect(sqlOf({ kind: "setDistribution", table: "countries", distribution: null, existing: { kind: "reference" } })).toEqual([`SELECT undistribute_table('"countries"')`]);
    // From one distribution to another: undistribute first.
    expect(sqlOf({ kind: "setDistribution", table: "t", distribution: { kind: "reference" }, existing: { kind: "distributed", column: "a" } })).toEqual([
      `SELECT undistribute_table('"t"')`,
      `SELECT create_reference_table('"t"')`,
    ]);
    // Hostile names stay one literal.
    expect(sqlOf({ kind: "setDistribution", table: `we"ird'`, distribution: { kind: "distributed", column: `c'ol` }, existing: null })).toEqual([
      `SELECT create_distributed_table('"we""ird''"', 'c''ol')`,
    ]);
    expect(() => sqlOf({ kind: "setDistribution", table: "t", distribution: { kind: "distributed", column: "a", shardCount: 0 }, existing: null })).toThrow(/shardCount must be a positive whole number/);
  });

  it("creates a table with a distribution, then distributes it", () => {
    const statements = sqlOf({ kind: "createTable", table: events({ distribution: { kind: "distributed", column: "tenant_id" } }) });
    expect(statements[0]).toMatch(/^CREATE TABLE "app"\."events"/);
    expect(statements.at(-1)).toBe(`SELECT create_distributed_table('"app"."events"', 'tenant_id')`);
  });

  it("is refused by name on MySQL", () => {
    const mysql = createMysqlDialect();
    expect(() => mysql.compile({ kind: "setDistribution", table: "t", distribution: { kind: "reference" }, existing: null })).toThrow(
      /setDistribution t: table distribution is Citus's .* Remove it from the revision, or guard it with op\.dialect/,
    );
  });
});

describe("Citus distribution: reverse and render", () => {
  const distribute: Operation = { kind: "setDistribution", schema: "app", table: "events", distribution: { kind: "distributed", column: "tenant_id" }, existing: null };

  it("reverses distributing a local table with undistribute_table, and back", () => {
    const [back] = reverseOperation(distribute);
    expect(back).toEqual({ kind: "setDistribution", schema: "app", table: "events", distribution: null, existing: { kind: "distributed", column: "tenant_id" } });
    expect(sqlOf(back!)).toEqual([`SELECT undistribute_table('"app"."events"')`]);
    expect(reverseOperation(back!)).toEqual([distribute]);
    expect(() => reverseOperation({ kind: "setDistribution", table: "t", distribution: null })).toThrow(/distribution before the change is unknown/);
  });

  it("renders op.distributeTable, op.createReferenceTable and op.undistributeTable, which replay to the same operations", async () => {
    const ops: Operation[] = [
      distribute,
      { kind: "setDistribution", table: "visits", distribution: { kind: "distributed", column: "tenant_id", colocateWith: "events", shardCount: 8 }, existing: null },
      { kind: "setDistribution", table: "countries", distribution: { kind: "reference" }, existing: null },
      { kind: "setDistribution", table: "old", distribution: null, existing: { kind: "reference" } },
    ];
    const code = renderOperations(ops);
    expect(code).toContain(`await op.distributeTable("events", "tenant_id", { schema: "app" });`);
    expect(code).toContain(`await op.createReferenceTable("countries");`);
    expect(code).toContain(`await op.undistributeTable("old", { existing: { kind: "reference" } });`);
    expect(await replay(code)).toEqual(ops);
  });
});

describe("Citus distribution: models and compare", () => {
  it("reads table(..., { distribution }) into the catalog and checks it", () => {
    const t = table("events", { tenantId: bigint("tenant_id").notNull(), body: text("body") }, { distribution: { column: "tenant_id", shardCount: 32 } });
    const c = table("countries", { code: text("code") }, { distribution: "reference" });
    const built = modelsToCatalog([{ t, c }]);
    expect(built.tables.find((x) => x.name === "events")?.distribution).toEqual({ kind: "distributed", column: "tenant_id", shardCount: 32 });
    expect(built.tables.find((x) => x.name === "countries")?.distribution).toEqual({ kind: "reference" });
    expect(() => modelsToCatalog([{ x: table("x", { a: text("a") }, { distribution: { column: "" } }) }])).toThrow(/distribution must be "reference" or \{ column/);
    expect(() => modelsToCatalog([{ x: table("x", { a: text("a") }, { distribution: { column: "a", shards: 2 } as never }) }])).toThrow(/unknown option shards/);
  });

  it("distributes a table the database holds locally, undistributes one the models no longer distribute, and ignores creation-time hints", () => {
    const local = events();
    const distributed = events({ distribution: { kind: "distributed", column: "tenant_id", shardCount: 32 } });
    expect(compareCatalogs(catalog(distributed), catalog(local)).operations).toEqual([
      { kind: "setDistribution", schema: "app", table: "events", distribution: { kind: "distributed", column: "tenant_id", shardCount: 32 }, existing: null },
    ]);
    expect(compareCatalogs(catalog(local), catalog(events({ distribution: { kind: "reference" } }))).operations).toEqual([
      { kind: "setDistribution", schema: "app", table: "events", distribution: null, existing: { kind: "reference" } },
    ]);
    // Introspection reads kind and column only: the shard count does not make a difference.
    expect(compareCatalogs(catalog(distributed), catalog(events({ distribution: { kind: "distributed", column: "tenant_id" } }))).operations).toEqual([]);
    expect(compareCatalogs(catalog(local), catalog(local)).operations).toEqual([]);
  });
});
