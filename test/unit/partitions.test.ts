/**
 * Declarative partitioning without a database: compile, reverse, render (and
 * back through the op facade), compare, creation order, the model DSL, and
 * MySQL/SQLite refusing it.
 */
import { describe, expect, it } from "vitest";
import { applyOperations } from "../../src/autogenerate/apply.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { creationOrder } from "../../src/autogenerate/order.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import { parsePartitionKeyDef, samePartitionText } from "../../src/catalog/partitions.js";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { createMysqlDialect } from "../../src/dialects/mysql/index.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { date, index, integer, modelsToCatalog, partitionOf, primaryKey, table as modelTable, text } from "../../src/schema/index.js";
import { replay } from "../helpers/replay.js";

const sqls = (op: Operation) => compilePostgres(op).map((s) => s.sql);

function t(name: string, extra: Partial<Table> = {}): Table {
  return {
    name,
    columns: [
      { name: "id", type: "integer", nullable: false },
      { name: "day", type: "date", nullable: false },
    ],
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    ...extra,
  };
}

const parent = t("events", { primaryKey: { name: "events_pkey", columns: ["id", "day"] }, partitionBy: { strategy: "range", key: "day" } });
const p2024 = t("events_2024", { partitionOf: { table: "events", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" } });
const pOld = t("events_old", { schema: "archive", partitionOf: { table: "events", bound: "DEFAULT" }, comment: "old rows" });


describe("partition compile (PostgreSQL)", () => {
  it("creates a partitioned table with its key, and a partition from its parent without columns", () => {
    expect(sqls({ kind: "createTable", table: parent })).toEqual([
      `CREATE TABLE "events" (\n  "id" integer NOT NULL,\n  "day" date NOT NULL,\n  CONSTRAINT "events_pkey" PRIMARY KEY ("id", "day")\n) PARTITION BY RANGE (day)`,
    ]);
    expect(sqls({ kind: "createTable", table: p2024 })).toEqual([
      `CREATE TABLE "events_2024" PARTITION OF "events" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
    ]);
    expect(sqls({ kind: "createTable", table: pOld })).toEqual([
      `CREATE TABLE "archive"."events_old" PARTITION OF "events" DEFAULT`,
      `COMMENT ON TABLE "archive"."events_old" IS 'old rows'`,
    ]);
  });

  it("puts a partition's own constraints in the statement and sub-partitions it", () => {
    const sub = t("events_2025", {
      partitionOf: { table: "events", bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" },
      partitionBy: { strategy: "list", key: "lower(kind)" },
      checks: [{ name: "events_2025_id_check", expression: "id > 0" }],
    });
    expect(sqls({ kind: "createTable", table: sub })).toEqual([
      `CREATE TABLE "events_2025" PARTITION OF "events" (\n  CONSTRAINT "events_2025_id_check" CHECK (id > 0)\n) FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (lower(kind))`,
    ]);
  });

  it("attaches, detaches, and detaches a partition before dropping it", () => {
    expect(sqls({ kind: "attachPartition", table: "events", partition: { schema: "archive", table: "x" }, bound: "DEFAULT" })).toEqual([
      `ALTER TABLE "events" ATTACH PARTITION "archive"."x" DEFAULT`,
    ]);
    expect(sqls({ kind: "detachPartition", schema: "s", table: "events", partition: { table: "x" } })).toEqual([`ALTER TABLE "s"."events" DETACH PARTITION "x"`]);
    expect(sqls({ kind: "dropTable", table: "events_2024", detachFrom: { table: "events" } })).toEqual([
      `ALTER TABLE "events" DETACH PARTITION "events_2024"`,
      `DROP TABLE "events_2024"`,
    ]);
  });

  it("refuses an empty bound or key and an unknown strategy", () => {
    expect(() => sqls({ kind: "createTable", table: { ...p2024, partitionOf: { table: "events", bound: " " } } })).toThrow(/bound/);
    expect(() => sqls({ kind: "createTable", table: { ...parent, partitionBy: { strategy: "range", key: "" } } })).toThrow(/partition key/);
    expect(() => sqls({ kind: "createTable", table: { ...parent, partitionBy: { strategy: "tree" as "range", key: "x" } } })).toThrow(/strategy/);
  });
});

describe("partition reverse and render", () => {
  it("reverses attach and detach, and a partition's createTable into a drop that detaches first", () => {
    const attach: Operation = { kind: "attachPartition", table: "events", partition: { table: "x" }, bound: "DEFAULT" };
    expect(reverseOperations([attach])).toEqual([{ kind: "detachPartition", table: "events", partition: { table: "x" }, bound: "DEFAULT" }]);
    expect(reverseOperations(reverseOperations([attach]))).toEqual([attach]);
    expect(() => reverseOperations([{ kind: "detachPartition", table: "events", partition: { table: "x" } }])).toThrow(/bound is unknown/);
    expect(reverseOperations([{ kind: "createTable", table: p2024 }])).toEqual([
      { kind: "dropTable", table: "events_2024", detachFrom: { table: "events" }, old: p2024 },
    ]);
  });

  it("renders operations that the op facade turns back into the same operations", async () => {
    const ops: Operation[] = [
      { kind: "createTable", table: parent },
      { kind: "createTable", table: pOld },
      { kind: "attachPartition", table: "events", partition: { schema: "archive", table: "x" }, bound: "FOR VALUES IN (1)" },
      { kind: "detachPartition", table: "events", partition: { table: "y" }, bound: "DEFAULT" },
      { kind: "dropTable", table: "events_2024", detachFrom: { table: "events" } },
    ];
    const text = renderOperations(ops);
    expect(text).toContain(`partitionBy: { strategy: "range", key: "day" }`);
    expect(text).toContain(`await op.attachPartition("events", "x", "FOR VALUES IN (1)", { partitionSchema: "archive" });`);
    expect(await replay(text)).toEqual(ops);
  });
});

describe("partition compare", () => {
  const catalog = (...tables: Table[]): Catalog => ({ schemas: ["archive"], tables, enums: [] });

  it("creates parents before partitions and drops partitions first, detaching them", () => {
    const created = compareCatalogs(catalog(p2024, parent, pOld), catalog());
    expect(created.operations.map((o) => (o.kind === "createTable" ? o.table.name : o.kind))).toEqual(["events", "events_old", "events_2024"]);
    const dropped = compareCatalogs(catalog(), catalog(parent, p2024, pOld));
    expect(dropped.operations.map((o) => (o.kind === "dropTable" ? [o.table, o.detachFrom?.table] : o.kind))).toEqual([
      ["events_2024", "events"],
      ["events_old", "events"],
      ["events", undefined],
    ]);
    expect(applyOperations(applyOperations(catalog(parent, p2024, pOld), dropped.operations), reverseOperations(dropped.operations)).tables.map((x) => x.name).sort()).toEqual([
      "events",
      "events_2024",
      "events_old",
    ]);
  });

  it("orders a table that references a partitioned table after its partitions", () => {
    const lines = t("lines", { foreignKeys: [{ name: "lines_fk", columns: ["id", "day"], refTable: "events", refColumns: ["id", "day"] }] });
    const sub = t("events_2024_h1", { partitionOf: { table: "events_2024", bound: "DEFAULT" } });
    expect(creationOrder([lines, sub, p2024, parent]).tables.map((x) => x.name)).toEqual(["events", "events_2024", "events_2024_h1", "lines"]);
  });

  it("leaves a partition's columns to its parent, and spots a new bound, an attach and a detach", () => {
    const changedColumns = { ...p2024, columns: [{ name: "id", type: "bigint", nullable: false }] };
    expect(compareCatalogs(catalog(parent, changedColumns), catalog(parent, p2024)).operations).toEqual([]);
    // Spelling of the bound is compared loosely, never rewritten.
    const respelled = { ...p2024, partitionOf: { table: "events", bound: "for values from ('2024-01-01')  to ('2025-01-01')" } };
    expect(compareCatalogs(catalog(parent, respelled), catalog(parent, p2024)).operations).toEqual([]);

    const moved = { ...p2024, partitionOf: { table: "events", bound: "FOR VALUES FROM ('2024-01-01') TO ('2026-01-01')" } };
    expect(compareCatalogs(catalog(parent, moved), catalog(parent, p2024)).operations).toEqual([
      { kind: "detachPartition", table: "events", partition: { table: "events_2024" }, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
      { kind: "attachPartition", table: "events", partition: { table: "events_2024" }, bound: "FOR VALUES FROM ('2024-01-01') TO ('2026-01-01')" },
    ]);
    const { partitionOf: _of, ...plain } = p2024;
    expect(compareCatalogs(catalog(parent, plain), catalog(parent, p2024)).operations).toEqual([
      { kind: "detachPartition", table: "events", partition: { table: "events_2024" }, bound: p2024.partitionOf!.bound },
    ]);
    expect(compareCatalogs(catalog(parent, p2024), catalog(parent, plain)).operations).toEqual([
      { kind: "attachPartition", table: "events", partition: { table: "events_2024" }, bound: p2024.partitionOf!.bound },
    ]);
  });

  it("compares a partition that the models detach with what it keeps from its parent", () => {
    const inherited = { primaryKey: { name: "events_2024_pkey", columns: ["id", "day"] }, indexes: [{ name: "events_2024_day_idx", columns: ["day"] }] };
    const database = { ...p2024, partitionOf: { ...p2024.partitionOf!, inherited } };
    const { partitionOf: _of, ...detached } = p2024;
    const model = { ...detached, primaryKey: inherited.primaryKey, indexes: inherited.indexes };
    expect(compareCatalogs(catalog(parent, model), catalog(parent, database)).operations).toEqual([
      { kind: "detachPartition", table: "events", partition: { table: "events_2024" }, bound: p2024.partitionOf!.bound },
    ]);
    // Read, never written: rendering a partition leaves it out.
    expect(renderOperations([{ kind: "createTable", table: database }])).not.toContain("inherited");
  });

  it("names a partition's own column default or NOT NULL, which it does not model", () => {
    const ownDefault = { ...p2024, columns: [p2024.columns[0]!, { ...p2024.columns[1]!, default: "CURRENT_DATE" }] };
    const diff = compareCatalogs(catalog(parent, ownDefault), catalog(parent, ownDefault));
    expect(diff.operations).toEqual([]);
    expect(diff.warnings).toEqual([{ kind: "unmanaged", message: expect.stringContaining("Partition events_2024 has its own default or NOT NULL on day") }]);
    expect(compareCatalogs(catalog(parent, p2024), catalog(parent, p2024)).warnings).toEqual([]);
  });

  it("warns that a table's own partitioning cannot change in place", () => {
    const { partitionBy: _by, ...plain } = parent;
    const diff = compareCatalogs(catalog(plain), catalog(parent));
    expect(diff.operations).toEqual([]);
    expect(diff.warnings.map((w) => w.kind)).toEqual(["manualStep"]);
    expect(diff.warnings[0]!.message).toContain("cannot change how an existing table is partitioned");
  });

  it("reads pg_get_partkeydef and compares text outside quotes loosely", () => {
    expect(parsePartitionKeyDef("RANGE (logdate)")).toEqual({ strategy: "range", key: "logdate" });
    expect(parsePartitionKeyDef("LIST (lower(kind))")).toEqual({ strategy: "list", key: "lower(kind)" });
    expect(samePartitionText("FOR VALUES IN ('A')", "for values in ('A')")).toBe(true);
    expect(samePartitionText("FOR VALUES IN ('A')", "FOR VALUES IN ('a')")).toBe(false);
  });
});

describe("partitions in the model DSL", () => {
  it("declares a partitioned table and partitions with the parent's columns and their own extras", () => {
    const events = modelTable(
      "events",
      { id: integer().notNull(), day: date().notNull(), kind: text() },
      (c) => [primaryKey({ name: "events_pkey", columns: [c.id, c.day] }), index("events_kind_idx").on(c.kind)],
      { partitionBy: { strategy: "range", key: "day" } },
    );
    const events2024 = partitionOf(events, "events_2024", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", (c) => [index("events_2024_day_idx").on(c.day)]);
    const old = partitionOf(events, "events_old", "DEFAULT", { schema: "archive", comment: "old rows" });
    const catalog = modelsToCatalog([{ events, events2024, old }]);
    const byName = new Map(catalog.tables.map((x) => [x.name, x]));
    expect(byName.get("events")!.partitionBy).toEqual({ strategy: "range", key: "day" });
    expect(byName.get("events_2024")).toMatchObject({
      partitionOf: { table: "events", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
      columns: [
        { name: "id", type: "integer", nullable: false },
        { name: "day", type: "date", nullable: false },
        { name: "kind", type: "text", nullable: true },
      ],
      indexes: [{ name: "events_2024_day_idx", columns: ["day"] }],
    });
    expect(byName.get("events_2024")!.primaryKey).toBeUndefined();
    expect(byName.get("events_old")).toMatchObject({ schema: "archive", comment: "old rows", partitionOf: { table: "events", bound: "DEFAULT" } });
    expect(catalog.schemas).toEqual(["archive"]);
  });

  it("refuses a partition of a table that is not partitioned, and a bad partitionBy", () => {
    const plain = modelTable("plain", { id: integer() });
    expect(() => partitionOf(plain, "p", "DEFAULT")).toThrow(/is not partitioned/);
    expect(() => modelTable("x", { id: integer() }, { partitionBy: { strategy: "btree" as "range", key: "id" } })).toThrow(/partitionBy needs/);
  });
});

describe("partitioning on MySQL and SQLite", () => {
  it("is refused with a message naming the table", () => {
    const mysql = createMysqlDialect();
    expect(() => mysql.compile({ kind: "createTable", table: parent })).toThrow(/table events is partitioned.*only on PostgreSQL, not on MySQL/);
    expect(() => compileSqlite({ kind: "createTable", table: p2024 })).toThrow(/events_2024 is a partition of events.*not on SQLite/);
    expect(() => compileSqlite({ kind: "attachPartition", table: "events", partition: { table: "x" }, bound: "DEFAULT" })).toThrow(/only on PostgreSQL/);
  });
});
