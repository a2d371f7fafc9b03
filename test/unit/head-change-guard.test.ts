/** Every UPDATE and DELETE of a step's version-table change is a guard (see test/integration/version-guard.test.ts). */
import { describe, expect, it } from "vitest";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import { sqliteDialect } from "../../src/dialects/sqlite/index.js";
import { guardedHeadChanges, headMovedMessage } from "../../src/runtime/bookkeeping.js";

const tables = { versionTable: "kiln_version", historyTable: "kiln_history" };

describe("guardedHeadChanges", () => {
  it("marks the DELETEs of a merge for a row-count check where the dialect has no guard in SQL", () => {
    const changes = guardedHeadChanges(sqliteDialect, tables, ["a1", "b1"], ["m1"]);
    expect(changes).toEqual([
      { sql: `DELETE FROM "kiln_version" WHERE version_num = 'a1'`, replaces: "a1" },
      { sql: `DELETE FROM "kiln_version" WHERE version_num = 'b1'`, replaces: "b1" },
      { sql: `INSERT INTO "kiln_version" (version_num) VALUES ('m1')` },
    ]);
  });

  it("puts the guard in the statement on PostgreSQL, quoting the message", () => {
    const [update, ...rest] = guardedHeadChanges(postgresDialect, tables, ["a'1"], ["b1"]);
    expect(rest).toEqual([]);
    expect(update!.replaces).toBeUndefined();
    expect(update!.sql).toContain(`UPDATE "kiln_version" SET version_num = 'b1' WHERE version_num = 'a''1'`);
    expect(update!.sql).toContain("GET DIAGNOSTICS changed = ROW_COUNT; IF changed <> 1 THEN RAISE EXCEPTION");
    expect(update!.sql).toContain(headMovedMessage("a''1"));
  });
});
