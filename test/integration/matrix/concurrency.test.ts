/**
 * Eight `kiln upgrade head` processes started at once, as when several app
 * containers start together: all succeed, and each step is applied exactly
 * once (one 'up' history row per revision). Databases that admit one process at
 * a time (a PGlite directory) are left out by their declaration.
 */
import { describe, expect, it } from "vitest";
import { revisionSource } from "../../helpers/project.js";
import { ALL_DATABASES, isAvailable } from "./databases.js";
import { expectSuccess, tableNames, upCounts, versionRows, SCENARIO_TIMEOUT_MS, scenarioOn } from "./support.js";

const PROCESSES = 8;

const REVISIONS = [
  revisionSource({
    revision: "c0c0000000a1",
    downRevision: null,
    message: "create parts",
    upgrade: `await op.createTable("parts", {
      id: { type: "integer", nullable: false },
      name: { type: "varchar(100)", nullable: false },
    }, { primaryKey: { columns: ["id"] } });`,
    downgrade: `await op.dropTable("parts");`,
  }),
  revisionSource({
    revision: "c0c0000000a2",
    downRevision: "c0c0000000a1",
    message: "add weight",
    upgrade: `await op.addColumn("parts", "weight", { type: "integer" });`,
    downgrade: `await op.dropColumn("parts", "weight");`,
  }),
  revisionSource({
    revision: "c0c0000000a3",
    downRevision: "c0c0000000a2",
    message: "index names",
    upgrade: `await op.createIndex("ix_parts_name", "parts", ["name"]);`,
    downgrade: `await op.dropIndex("ix_parts_name", "parts");`,
  }),
];

describe.each(ALL_DATABASES.filter((db) => db.concurrentProcesses))("concurrent upgrades on $name", (db) => {
  const scenario = scenarioOn(db, (project) => REVISIONS.forEach((source, i) => project.write(`migrations/000${i + 1}.ts`, source)));

  it.skipIf(!isAvailable(db))(`${PROCESSES} processes at once apply each step exactly once`, async () => {
    const { project, target } = scenario;
    const runs = await Promise.all(Array.from({ length: PROCESSES }, () => project.kiln(["upgrade", "head"])));
    runs.forEach((run, i) => expectSuccess(run, `upgrade process ${i + 1}`));
    expect(await upCounts(target.url)).toEqual({ c0c0000000a1: 1, c0c0000000a2: 1, c0c0000000a3: 1 });
    expect(await versionRows(target.url)).toEqual(["c0c0000000a3"]);
    expect(await tableNames(db, target.url)).toContain("parts");
    // Every step was reported as applied by exactly one process.
    for (const revision of ["c0c0000000a1", "c0c0000000a2", "c0c0000000a3"]) {
      expect(runs.filter((run) => run.stderr.includes(`upgraded   ${revision}`))).toHaveLength(1);
    }
  }, SCENARIO_TIMEOUT_MS);
});
