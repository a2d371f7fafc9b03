import { describe, expect, it } from "vitest";
import { preferOnlineForms } from "../../src/dialects/postgres/online.js";
import type { Operation } from "../../src/operations/types.js";

const newTable: Operation = {
  kind: "createTable",
  table: { name: "fresh", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] },
};
const indexOnNew: Operation = { kind: "createIndex", table: "fresh", index: { name: "ix_fresh_id", columns: ["id"] } };
const indexOnOld: Operation = { kind: "createIndex", table: "old", index: { name: "ix_old_name", columns: ["name"] } };
const addColumn: Operation = { kind: "addColumn", table: "old", column: { name: "name", type: "text", nullable: true } };

describe("preferOnlineForms (PostgreSQL)", () => {
  it("builds indexes on existing tables concurrently, at the end of the revision", () => {
    expect(preferOnlineForms([indexOnOld, addColumn])).toEqual([addColumn, { ...indexOnOld, concurrently: true }]);
  });

  it("leaves indexes on tables created in the same revision inside the transaction", () => {
    expect(preferOnlineForms([newTable, indexOnNew])).toEqual([newTable, indexOnNew]);
  });
});
