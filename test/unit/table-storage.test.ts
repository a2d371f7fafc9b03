/**
 * Table storage properties (issue 11): UNLOGGED, WITH (...), CLUSTER ON, statistics
 * targets, identity options, and in-place comments of indexes and constraints,
 * through compile, reverse, compare, render (replayed through the op facade) and
 * the online pass. Pure: no database.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { createMysqlDialect } from "../../src/dialects/mysql/index.js";
import { preferOnlineForms } from "../../src/dialects/postgres/online.js";
import { reverseOperation } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { bigserial, index, key, modelsToCatalog, sequence, sql, table, text } from "../../src/schema/index.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (op: Operation) => compilePostgres(op).map((s) => s.sql);

function hits(extra: Partial<Table> = {}): Table {
  return {
    schema: "app",
    name: "hits",
    columns: [
      { name: "id", type: "bigint", nullable: false },
      { name: "key", type: "text", nullable: false },
    ],
    primaryKey: { name: "hits_pkey", columns: ["id"] },
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [{ name: "hits_key_lower", columns: [{ expression: "lower(key)" }] }],
    ...extra,
  };
}

const catalog = (...tables: Table[]): Catalog => ({ schemas: ["app"], tables, enums: [] });

describe("table storage: compile (PostgreSQL)", () => {
  it("creates an UNLOGGED table WITH its parameters, then its statistics targets and the key it is clustered on", () => {
    const table = hits({ unlogged: true, with: { fillfactor: "50", "toast.autovacuum_enabled": "false" }, clusterOn: "hits_pkey", indexes: [] });
    table.columns[1]!.statistics = 1000;
    expect(sqlOf({ kind: "createTable", table })).toEqual([
      `CREATE UNLOGGED TABLE "app"."hits" (\n  "id" bigint NOT NULL,\n  "key" text NOT NULL,\n  CONSTRAINT "hits_pkey" PRIMARY KEY ("id")\n) WITH (fillfactor='50', toast.autovacuum_enabled='false')`,
      `ALTER TABLE "app"."hits" ALTER COLUMN "key" SET STATISTICS 1000`,
      `ALTER TABLE "app"."hits" CLUSTER ON "hits_pkey"`,
    ]);
  });

  it("sets an index's expression statistics and clusters on it after building it (also concurrently)", () => {
    const op: Operation = { kind: "createIndex", schema: "app", table: "hits", index: { name: "hits_key_lower", columns: [{ expression: "lower(key)" }], statistics: { "1": 3000 } }, clusterOn: true, concurrently: true };
    const statements = compilePostgres(op);
    expect(statements.map((s) => s.sql)).toEqual([
      `CREATE INDEX CONCURRENTLY "hits_key_lower" ON "app"."hits" ((lower(key)))`,
      `ALTER INDEX "app"."hits_key_lower" ALTER COLUMN 1 SET STATISTICS 3000`,
      `ALTER TABLE "app"."hits" CLUSTER ON "hits_key_lower"`,
    ]);
    expect(statements.map((s) => s.transactional)).toEqual([false, undefined, undefined]);
  });

  it("changes each property in place", () => {
    expect(sqlOf({ kind: "setLogged", table: "t", logged: false })).toEqual([`ALTER TABLE "t" SET UNLOGGED`]);
    expect(sqlOf({ kind: "setTableStorage", table: "t", with: { fillfactor: "70", "toast.autovacuum_enabled": null } })).toEqual([
      `ALTER TABLE "t" SET (fillfactor='70')`,
      `ALTER TABLE "t" RESET (toast.autovacuum_enabled)`,
    ]);
    expect(sqlOf({ kind: "setClusterOn", table: "t", index: null })).toEqual([`ALTER TABLE "t" SET WITHOUT CLUSTER`]);
    expect(sqlOf({ kind: "setStatistics", table: "t", column: "c", statistics: null })).toEqual([`ALTER TABLE "t" ALTER COLUMN "c" SET STATISTICS -1`]);
    expect(sqlOf({ kind: "setIndexStatistics", table: "t", index: "i", column: 2, statistics: 50 })).toEqual([`ALTER INDEX "i" ALTER COLUMN 2 SET STATISTICS 50`]);
    expect(sqlOf({ kind: "alterSequence", name: "s", changes: { unlogged: true } })).toEqual([`ALTER SEQUENCE "s" SET UNLOGGED`]);
    expect(sqlOf({ kind: "createSequence", sequence: { name: "s", unlogged: true } })).toEqual([`CREATE UNLOGGED SEQUENCE "s"`]);
    expect(
      sqlOf({ kind: "alterColumn", table: "t", column: "id", identityOptions: { increment: "7", start: null }, existing: { name: "id", type: "integer", nullable: false, identity: { always: true }, sequence: { name: "t_id_seq", start: "10", increment: "5" } } }),
    ).toEqual([`ALTER TABLE "t" ALTER COLUMN "id" SET INCREMENT BY 7 SET START WITH 1`]);
  });

  it("refuses a parameter name that is not one, and a statistics target out of range", () => {
    expect(() => sqlOf({ kind: "setTableStorage", table: "t", with: { "fill factor": "1" } })).toThrow("is not a storage parameter name");
    expect(() => sqlOf({ kind: "setStatistics", table: "t", column: "c", statistics: 10001 })).toThrow("from 0 to 10000");
  });

  it("MySQL refuses them by name instead of losing them", () => {
    const mysql = createMysqlDialect();
    expect(() => mysql.compile({ kind: "createTable", table: hits({ unlogged: true, schema: undefined, indexes: [] }) })).toThrow("PostgreSQL table storage");
    expect(() => mysql.compile({ kind: "setLogged", table: "t", logged: true })).toThrow("PostgreSQL only");
  });
});

describe("table storage: reverse", () => {
  it("restores storage parameters in their order (PostgreSQL appends what it sets)", () => {
    const op: Operation = { kind: "setTableStorage", table: "t", with: { fillfactor: "60", autovacuum_enabled: null, toast_tuple_target: "256" }, existing: { fillfactor: "50", autovacuum_enabled: "false" } };
    expect(reverseOperation(op)).toEqual([
      { kind: "setTableStorage", table: "t", with: { fillfactor: "50", autovacuum_enabled: "false", toast_tuple_target: null }, existing: { fillfactor: "60", toast_tuple_target: "256" } },
    ]);
  });

  it("each property operation is its own reverse, from what it carries", () => {
    expect(reverseOperation({ kind: "setClusterOn", table: "t", index: "a", existing: null })).toEqual([{ kind: "setClusterOn", table: "t", index: null, existing: "a" }]);
    expect(reverseOperation({ kind: "setLogged", table: "t", logged: true })).toEqual([{ kind: "setLogged", table: "t", logged: false }]);
    expect(reverseOperation({ kind: "setStatistics", table: "t", column: "c", statistics: 5, existing: null })).toEqual([{ kind: "setStatistics", table: "t", column: "c", statistics: null, existing: 5 }]);
    expect(() => reverseOperation({ kind: "setClusterOn", table: "t", index: "a" })).toThrow('give "existing"');
  });

  it("a dropped table clustered on one of its indexes comes back clustered on it", () => {
    const ops = reverseOperation({ kind: "dropTable", schema: "app", table: "hits", old: hits({ clusterOn: "hits_key_lower" }) });
    expect(ops.map((o) => o.kind)).toEqual(["createTable", "createIndex"]);
    expect((ops[0] as Extract<Operation, { kind: "createTable" }>).table.clusterOn).toBeUndefined();
    expect(ops[1]).toMatchObject({ kind: "createIndex", index: { name: "hits_key_lower" }, clusterOn: true });
  });
});

describe("table storage: compare", () => {
  it("gives one in-place operation per changed property, carrying what it replaces", () => {
    const database = hits({ with: { fillfactor: "50" }, clusterOn: "hits_pkey" });
    const model = hits({ unlogged: true, with: { fillfactor: "50", autovacuum_enabled: "false" }, clusterOn: "hits_key_lower" });
    model.columns[1] = { ...model.columns[1]!, statistics: 300 };
    model.indexes = [{ name: "hits_key_lower", columns: [{ expression: "lower(key)" }], statistics: { "1": 3000 } }];
    const { operations } = compareCatalogs(catalog(model), catalog(database));
    expect(operations).toEqual([
      { kind: "setLogged", schema: "app", table: "hits", logged: false },
      { kind: "setTableStorage", schema: "app", table: "hits", with: { autovacuum_enabled: "false" }, existing: { fillfactor: "50" } },
      { kind: "setStatistics", schema: "app", table: "hits", column: "key", statistics: 300, existing: null },
      { kind: "setIndexStatistics", schema: "app", table: "hits", index: "hits_key_lower", column: 1, statistics: 3000, existing: null },
      { kind: "setClusterOn", schema: "app", table: "hits", index: "hits_key_lower", existing: "hits_pkey" },
    ]);
  });

  it("a rebuilt clustered index is created clustered, and its drop remembers it", () => {
    const database = hits({ clusterOn: "hits_key_lower" });
    const model = hits({ clusterOn: "hits_key_lower", indexes: [{ name: "hits_key_lower", columns: [{ expression: "upper(key)" }] }] });
    const { operations } = compareCatalogs(catalog(model), catalog(database));
    expect(operations.map((o) => [o.kind, (o as { clustered?: boolean }).clustered ?? (o as { clusterOn?: boolean }).clusterOn])).toEqual([
      ["dropIndex", true],
      ["createIndex", true],
    ]);
  });

  it("a comment-only change of an index or constraint is one setComment where comments change in place", () => {
    const database = hits({ indexes: [{ name: "hits_key_lower", columns: [{ expression: "lower(key)" }], comment: "old" }], checks: [{ name: "key_check", expression: "key <> ''" }] });
    const model = hits({ indexes: [{ name: "hits_key_lower", columns: [{ expression: "lower(key)" }], comment: "new" }], checks: [{ name: "key_check", expression: "key <> ''", comment: "named" }] });
    expect(compareCatalogs(catalog(model), catalog(database), { commentsInPlace: true }).operations).toEqual([
      { kind: "setComment", target: "constraint", schema: "app", table: "hits", name: "key_check", comment: "named", existing: null },
      { kind: "setComment", target: "index", schema: "app", table: "hits", name: "hits_key_lower", comment: "new", existing: "old" },
    ]);
    // Elsewhere (MySQL keeps an index comment in the index): drop and create, as before.
    expect(compareCatalogs(catalog(model), catalog(database)).operations.map((o) => o.kind)).toEqual(["dropConstraint", "dropIndex", "createCheckConstraint", "createIndex"]);
  });

  it("identity options are altered in place, defaults of the column's type folded", () => {
    const column = (sequence?: NonNullable<Table["columns"][number]["sequence"]>) => ({ name: "id", type: "integer", nullable: false, identity: { always: false }, ...(sequence ? { sequence } : {}) });
    const database = hits({ columns: [column({ name: "hits_id_seq", start: "10", increment: "5", value: { last: "20", called: true } })] });
    const same = hits({ columns: [column({ name: "hits_id_seq", start: "10", increment: "5", max: "2147483647" })] });
    expect(compareCatalogs(catalog(same), catalog(database)).operations).toEqual([]);
    const model = hits({ columns: [column({ name: "hits_id_seq", start: "10", increment: "7" })] });
    const [op] = compareCatalogs(catalog(model), catalog(database)).operations;
    expect(op).toMatchObject({ kind: "alterColumn", column: "id", identityOptions: { increment: "7" } });
    expect(reverseOperation(op!)).toMatchObject([{ kind: "alterColumn", identityOptions: { increment: "5" } }]);
  });
});

describe("table storage: DSL, render and replay", () => {
  it("models declare every property", () => {
    const t = table(
      "hits",
      { id: bigserial().primaryKey(), key: text().notNull().statistics(1000) },
      (c) => [index("hits_key_lower").on(key(sql`lower(${c.key})`, { statistics: 3000 }))],
      { unlogged: true, with: { fillfactor: 50, "toast.autovacuum_enabled": false }, clusterOn: "hits_key_lower" },
    );
    const built = modelsToCatalog([{ t, s: sequence("tickets", { unlogged: true }) }]);
    const h = built.tables[0]!;
    expect([h.unlogged, h.with, h.clusterOn]).toEqual([true, { fillfactor: "50", "toast.autovacuum_enabled": "false" }, "hits_key_lower"]);
    expect(h.columns[1]!.statistics).toBe(1000);
    expect(h.indexes[0]!.statistics).toEqual({ "1": 3000 });
    expect(built.sequences?.[0]?.unlogged).toBe(true);
    expect(() => key(sql`x`, { statistics: -1 })).toThrow("from 0 to 10000");
    expect(() => table("x", { a: text() }, { with: { "bad name": 1 } })).toThrow("is not a storage parameter name");
  });

  it("renders calls that replay into the same operations", async () => {
    const ops: Operation[] = [
      { kind: "createTable", table: hits({ unlogged: true, with: { fillfactor: "50" }, clusterOn: "hits_pkey", indexes: [] }) },
      { kind: "createIndex", schema: "app", table: "hits", index: { name: "hits_key_lower", columns: [{ expression: "lower(key)" }], statistics: { "1": 3000 } }, clusterOn: true },
      { kind: "setLogged", schema: "app", table: "hits", logged: true },
      { kind: "setTableStorage", schema: "app", table: "hits", with: { fillfactor: "60" }, existing: { fillfactor: "50" } },
      { kind: "setClusterOn", schema: "app", table: "hits", index: null, existing: "hits_pkey" },
      { kind: "setStatistics", schema: "app", table: "hits", column: "key", statistics: 10, existing: null },
      { kind: "setIndexStatistics", schema: "app", table: "hits", index: "hits_key_lower", column: 1, statistics: null, existing: 3000 },
      { kind: "setComment", target: "constraint", schema: "app", table: "hits", name: "hits_pkey", comment: "key" },
      { kind: "alterSequence", schema: "app", name: "tickets", changes: { unlogged: false } },
    ];
    const replayed = await replay(renderOperations(ops));
    const plain = (list: Operation[]) => JSON.parse(JSON.stringify(list, (k, v) => (k === "existing" && typeof v === "object" && v !== null && "nullable" in v ? undefined : v)));
    expect(plain(replayed)).toEqual(plain(ops));
  });
});

describe("table storage: online forms", () => {
  it("moves what needs an index built concurrently (CLUSTER ON it) after it", () => {
    const create: Operation = { kind: "createIndex", table: "old", index: { name: "ix", columns: ["a"] } };
    const cluster: Operation = { kind: "setClusterOn", table: "old", index: "ix", existing: null };
    const other: Operation = { kind: "setLogged", table: "old", logged: true };
    expect(preferOnlineForms([create, cluster, other])).toEqual([other, { ...create, concurrently: true }, cluster]);
  });
});
