/**
 * Which side of a logical replication runs an operation first
 * (operations/replication-order.ts): a case for every operation kind (the
 * table's type makes a missing kind a compile error, and a test checks it
 * against the classifier's own list), and the revision-level plan.
 */
import { describe, expect, it } from "vitest";
import type { Operation, OperationKind } from "../../src/operations/types.js";
import { CLASSIFIED_KINDS, planReplicationOrder, type ReplicationOrder, replicationEffect, typeChange } from "../../src/operations/replication-order.js";

const col = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: "text", nullable: true, ...extra });
const table = { table: "orders" };

type Case = { op: Record<string, unknown>; order: ReplicationOrder };
const CASES: { [K in OperationKind]: Case[] } = {
  createTable: [
    { op: { table: { name: "t", columns: [col("id")] } }, order: "subscribersFirst" },
    { op: { table: { name: "t", columns: [col("id")], unlogged: true } }, order: "any" },
  ],
  dropTable: [{ op: { ...table }, order: "publisherFirst" }],
  renameTable: [{ op: { ...table, newName: "purchases" }, order: "manual" }],
  addColumn: [
    { op: { ...table, column: col("note") }, order: "subscribersFirst" },
    { op: { ...table, column: col("state", { nullable: false, default: "'new'::text" }) }, order: "subscribersFirst" },
    { op: { ...table, column: col("total", { type: "numeric(12,2)", nullable: false, generated: { expression: "1", stored: true } }) }, order: "subscribersFirst" },
    { op: { ...table, column: col("state", { nullable: false }) }, order: "manual" },
    { op: { ...table, column: col("at", { type: "timestamptz", default: "now()" }) }, order: "manual" },
    { op: { ...table, column: col("n", { type: "integer", nullable: false, identity: { always: true } }) }, order: "manual" },
  ],
  dropColumn: [{ op: { ...table, column: "note" }, order: "publisherFirst" }],
  alterColumn: [
    { op: { ...table, column: "note", type: "varchar(200)", existing: col("note", { type: "varchar(100)" }) }, order: "subscribersFirst" },
    { op: { ...table, column: "note", type: "varchar(50)", existing: col("note", { type: "varchar(100)" }) }, order: "publisherFirst" },
    { op: { ...table, column: "note", type: "integer", existing: col("note") }, order: "manual" },
    { op: { ...table, column: "note", type: "text" }, order: "manual" },
    { op: { ...table, column: "note", nullable: true }, order: "subscribersFirst" },
    { op: { ...table, column: "note", nullable: false }, order: "publisherFirst" },
    { op: { ...table, column: "note", type: "text", nullable: false, existing: col("note", { type: "varchar(10)" }) }, order: "manual" },
    { op: { ...table, column: "note", default: "'x'" }, order: "any" },
    { op: { ...table, column: "note", newName: "remark" }, order: "manual" },
  ],
  createIndex: [
    { op: { ...table, index: { name: "i", columns: ["note"] } }, order: "any" },
    { op: { ...table, index: { name: "u", columns: ["note"], unique: true } }, order: "publisherFirst" },
  ],
  dropIndex: [
    { op: { ...table, name: "i", old: { name: "i", columns: ["note"], unique: false } }, order: "any" },
    { op: { ...table, name: "u", old: { name: "u", columns: ["note"], unique: true } }, order: "subscribersFirst" },
    { op: { ...table, name: "x" }, order: "subscribersFirst" },
  ],
  createPrimaryKey: [{ op: { ...table, constraint: { name: "pk", columns: ["id"] } }, order: "publisherFirst" }],
  createUniqueConstraint: [{ op: { ...table, constraint: { name: "uq", columns: ["note"] } }, order: "publisherFirst" }],
  createForeignKey: [{ op: { ...table, constraint: { name: "fk", columns: ["a"], referencedTable: "b", referencedColumns: ["id"] } }, order: "any" }],
  createCheckConstraint: [{ op: { ...table, constraint: { name: "ck", expression: "total > 0" } }, order: "publisherFirst" }],
  createExclusionConstraint: [{ op: { ...table, constraint: { name: "ex" } }, order: "publisherFirst" }],
  dropConstraint: [
    { op: { ...table, name: "ck", type: "check" }, order: "subscribersFirst" },
    { op: { ...table, name: "uq", type: "unique" }, order: "subscribersFirst" },
    { op: { ...table, name: "ex", type: "exclusion" }, order: "subscribersFirst" },
    { op: { ...table, name: "fk", type: "foreignkey" }, order: "any" },
    { op: { ...table, name: "pk", type: "primary" }, order: "manual" },
  ],
  validateConstraint: [{ op: { ...table, name: "ck" }, order: "any" }],
  createEnum: [{ op: { name: "mood", values: ["ok"] }, order: "subscribersFirst" }],
  dropEnum: [{ op: { name: "mood" }, order: "publisherFirst" }],
  addEnumValue: [{ op: { name: "mood", value: "sad" }, order: "subscribersFirst" }],
  setTableComment: [{ op: { ...table, comment: "c" }, order: "any" }],
  setTableOptions: [{ op: { ...table, options: { engine: "InnoDB" } }, order: "any" }],
  createSchema: [{ op: { name: "app" }, order: "subscribersFirst" }],
  dropSchema: [{ op: { name: "app" }, order: "publisherFirst" }],
  execute: [{ op: { sql: "UPDATE orders SET note = ''" }, order: "manual" }],
  bulkInsert: [{ op: { ...table, rows: [{ id: 1 }] }, order: "manual" }],
  batchAlterTable: [
    { op: { ...table, operations: [{ kind: "addColumn", ...table, column: col("a") }, { kind: "createIndex", ...table, index: { name: "i", columns: ["a"] } }] }, order: "subscribersFirst" },
    { op: { ...table, operations: [{ kind: "addColumn", ...table, column: col("a") }, { kind: "dropColumn", ...table, column: "b" }] }, order: "manual" },
  ],
  attachPartition: [{ op: { ...table, partition: { table: "orders_2026" }, bound: "DEFAULT" }, order: "manual" }],
  detachPartition: [{ op: { ...table, partition: { table: "orders_2026" } }, order: "manual" }],
  createSequence: [{ op: { sequence: { name: "s" } }, order: "any" }],
  dropSequence: [{ op: { name: "s" }, order: "any" }],
  alterSequence: [{ op: { name: "s", changes: {} }, order: "any" }],
  createDomain: [{ op: { domain: { name: "d", type: "text" } }, order: "subscribersFirst" }],
  dropDomain: [{ op: { name: "d" }, order: "publisherFirst" }],
  alterDomain: [
    { op: { name: "d", notNull: true }, order: "publisherFirst" },
    { op: { name: "d", notNull: false }, order: "subscribersFirst" },
    { op: { name: "d", default: "1" }, order: "any" },
  ],
  addDomainConstraint: [{ op: { name: "d", constraint: { name: "c", expression: "VALUE > 0" } }, order: "publisherFirst" }],
  dropDomainConstraint: [{ op: { name: "d", constraint: "c" }, order: "subscribersFirst" }],
  createCompositeType: [{ op: { type: { name: "pair", attributes: [] } }, order: "subscribersFirst" }],
  dropCompositeType: [{ op: { name: "pair" }, order: "publisherFirst" }],
  addCompositeAttribute: [{ op: { name: "pair", attribute: { name: "b", type: "int" } }, order: "subscribersFirst" }],
  dropCompositeAttribute: [{ op: { name: "pair", attribute: "b" }, order: "publisherFirst" }],
  createExtension: [{ op: { extension: { name: "citext" } }, order: "subscribersFirst" }],
  dropExtension: [{ op: { name: "citext" }, order: "publisherFirst" }],
  createCollation: [{ op: { collation: { schema: "app", name: "bytewise", provider: "libc", locale: "C" } }, order: "subscribersFirst" }],
  dropCollation: [{ op: { schema: "app", name: "bytewise" }, order: "publisherFirst" }],
  setComment: [{ op: { target: "view", name: "v", comment: "c" }, order: "any" }],
  createView: [{ op: { view: { name: "v" } }, order: "any" }],
  replaceView: [{ op: { view: { name: "v" } }, order: "any" }],
  dropView: [{ op: { name: "v" }, order: "any" }],
  createMaterializedView: [{ op: { view: { name: "m" } }, order: "any" }],
  dropMaterializedView: [{ op: { name: "m" }, order: "any" }],
  refreshMaterializedView: [{ op: { name: "m" }, order: "any" }],
  enableRowLevelSecurity: [{ op: { ...table }, order: "any" }],
  disableRowLevelSecurity: [{ op: { ...table }, order: "any" }],
  forceRowLevelSecurity: [{ op: { ...table }, order: "any" }],
  noForceRowLevelSecurity: [{ op: { ...table }, order: "any" }],
  createPolicy: [{ op: { policy: { name: "p" } }, order: "any" }],
  dropPolicy: [{ op: { ...table, name: "p" }, order: "any" }],
  alterPolicy: [{ op: { ...table, name: "p", changes: {} }, order: "any" }],
  createAggregate: [{ op: { aggregate: { name: "a" } }, order: "any" }],
  dropAggregate: [{ op: { name: "a", arguments: [] }, order: "any" }],
  commentAggregate: [{ op: { name: "a", arguments: [], comment: "c" }, order: "any" }],
  createFunction: [{ op: { routine: { name: "f" } }, order: "any" }],
  createProcedure: [{ op: { routine: { name: "p" } }, order: "any" }],
  replaceFunction: [{ op: { routine: { name: "f" } }, order: "any" }],
  replaceProcedure: [{ op: { routine: { name: "p" } }, order: "any" }],
  dropFunction: [{ op: { name: "f", argumentTypes: [] }, order: "any" }],
  dropProcedure: [{ op: { name: "p", argumentTypes: [] }, order: "any" }],
  createOperator: [{ op: { operator: { name: "~<<", left: "text", right: "text", function: { name: "f" } } }, order: "any" }],
  dropOperator: [{ op: { name: "~<<", left: "text", right: "text" }, order: "any" }],
  alterOperator: [{ op: { name: "~<<", left: "text", right: "text", changes: { comment: "c" } }, order: "any" }],
  createTrigger: [{ op: { trigger: { name: "t" } }, order: "any" }],
  dropTrigger: [{ op: { ...table, name: "t" }, order: "any" }],
  grant: [{ op: { privileges: ["SELECT"], on: { kind: "table", name: "orders" }, grantee: "app" }, order: "any" }],
  revoke: [{ op: { privileges: ["SELECT"], on: { kind: "table", name: "orders" }, grantee: "app" }, order: "any" }],
  setLogged: [
    { op: { ...table, logged: true }, order: "any" },
    { op: { ...table, logged: false }, order: "manual" },
  ],
  setTableStorage: [{ op: { ...table, with: { fillfactor: "70" } }, order: "any" }],
  setClusterOn: [{ op: { ...table, index: "i" }, order: "any" }],
  setStatistics: [{ op: { ...table, column: "note", statistics: 500 }, order: "any" }],
  setIndexStatistics: [{ op: { ...table, index: "i", column: 1, statistics: 500 }, order: "any" }],
  setDistribution: [{ op: { ...table, distribution: { column: "id" } }, order: "any" }],
};

describe("replicationEffect", () => {
  it("the cases cover every kind the classifier knows, and it knows every kind", () => {
    expect(Object.keys(CASES).sort()).toEqual([...CLASSIFIED_KINDS].sort());
  });

  for (const [kind, cases] of Object.entries(CASES)) {
    it(kind, () => {
      for (const { op, order } of cases) {
        const effect = replicationEffect({ kind, ...op } as unknown as Operation);
        expect({ op, order: effect.order }).toEqual({ op, order });
        expect(effect.why.length).toBeGreaterThan(3);
      }
    });
  }
});

describe("typeChange", () => {
  it("tells widening from narrowing for the common types, and says when it cannot", () => {
    expect(typeChange("varchar(10)", "character varying(20)")).toBe("widens");
    expect(typeChange("character varying(20)", "varchar(10)")).toBe("narrows");
    expect(typeChange("varchar(10)", "text")).toBe("widens");
    expect(typeChange("text", "varchar(10)")).toBe("narrows");
    expect(typeChange("text", "character varying")).toBe("same");
    expect(typeChange("integer", "bigint")).toBe("widens");
    expect(typeChange("int8", "int4")).toBe("narrows");
    expect(typeChange("int4", "integer")).toBe("same");
    expect(typeChange("real", "double precision")).toBe("widens");
    expect(typeChange("integer", "numeric")).toBe("widens");
    expect(typeChange("integer", "numeric(12,2)")).toBe("widens");
    expect(typeChange("bigint", "numeric(12,2)")).toBe("unknown");
    expect(typeChange("numeric(10,2)", "numeric(12,2)")).toBe("widens");
    expect(typeChange("numeric(12,2)", "numeric(10,2)")).toBe("narrows");
    expect(typeChange("numeric(10,2)", "numeric(10,4)")).toBe("unknown");
    expect(typeChange("numeric", "decimal(10,2)")).toBe("narrows");
    expect(typeChange("text", "integer")).toBe("unknown");
    expect(typeChange("timestamp", "timestamptz")).toBe("unknown");
  });
});

describe("planReplicationOrder", () => {
  const add = { kind: "addColumn", ...table, column: col("note") } as Operation;
  const create = { kind: "createTable", table: { schema: "app", name: "refunds", columns: [col("id")] } } as unknown as Operation;
  const drop = { kind: "dropColumn", ...table, column: "legacy" } as Operation;
  const index = { kind: "createIndex", ...table, index: { name: "orders_note", columns: ["note"] } } as Operation;

  it("widening changes go to the subscribers first, and new tables are listed to publish", () => {
    expect(planReplicationOrder([create, add, index])).toEqual({ order: "subscribersFirst", blockers: [], newTables: [{ schema: "app", name: "refunds" }] });
  });

  it("narrowing changes go to the publisher first; order-free ones go either way", () => {
    expect(planReplicationOrder([drop, index]).order).toBe("publisherFirst");
    expect(planReplicationOrder([index]).order).toBe("any");
    expect(planReplicationOrder([]).order).toBe("any");
  });

  it("a revision that widens and narrows needs a manual plan naming both sides", () => {
    const plan = planReplicationOrder([add, drop]);
    expect(plan.order).toBe("manual");
    expect(plan.blockers).toEqual([
      "addColumn orders.note (subscribers first: a new nullable column)",
      "dropColumn orders.legacy (publisher first: the publisher stops sending the column before the subscribers lose it)",
    ]);
  });

  it("names the operations that need a manual plan", () => {
    const plan = planReplicationOrder([add, { kind: "renameTable", ...table, newName: "purchases" } as Operation, { kind: "execute", sql: "UPDATE orders SET note = ''" } as Operation]);
    expect(plan.order).toBe("manual");
    expect(plan.blockers).toHaveLength(2);
    expect(plan.blockers[0]).toMatch(/^renameTable orders: the subscription matches tables by name/);
    expect(plan.blockers[1]).toMatch(/^execute .*raw SQL/);
  });
});
