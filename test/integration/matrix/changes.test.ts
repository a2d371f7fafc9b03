/**
 * The autogenerate change list on every database, through the real CLI. Each
 * change lives on a table of its own (models.ts), so one revision carries all of
 * them and each is still checked on its own: autogenerate finds it, upgrade makes
 * it, a second autogenerate finds nothing left, downgrade restores the catalog
 * exactly as it was.
 *
 * The same revision drops the check and changes a column type of `fleet`, which
 * holds rows and is referenced by a foreign key with ON DELETE CASCADE: on
 * SQLite that is a table rebuild inside the step (runner -> dialect.beforeStep,
 * compileOnline, verifyStep, afterStep), and every row and the foreign key must
 * survive it, on the way up and on the way down.
 */
import { describe, expect, it } from "vitest";
import type { Catalog, Table } from "../../../src/catalog/types.js";
import { queryDb } from "../../helpers/query.js";
import { ALL_DATABASES, isAvailable, type MatrixDatabase } from "./databases.js";
import { type Change, changesFor, modelsSource } from "./models.js";
import { createdRevision, errorOf, expectSuccess, introspectUrl, SCENARIO_TIMEOUT_MS, scenarioOn } from "./support.js";

const FLEET_ROWS = "INSERT INTO fleet (id, code, capacity) VALUES (1, 'north', 10), (2, 'south', 20), (3, 'east', 30)";
const PART_ROWS =
  "INSERT INTO fleet_parts (id, fleet_id, label) VALUES (1, 1, 'wing'), (2, 1, 'tail'), (3, 2, 'wheel'), (4, 3, 'door'), (5, 3, 'seat')";

async function fleetRows(url: string): Promise<unknown[]> {
  const rows = await queryDb(
    url,
    "SELECT f.id, f.code, f.capacity, p.id AS part, p.label FROM fleet f JOIN fleet_parts p ON p.fleet_id = f.id ORDER BY p.id",
  );
  // Drivers differ in how they return a bigint (number or string): compare the values.
  return rows.map((row) => ({ ...row, capacity: Number(row.capacity) }));
}

/**
 * What a downgrade can restore, from `catalog`: where enum values cannot be
 * removed an added one stays, and a dropped column comes back last.
 */
function restorable(db: MatrixDatabase, changes: Change[], catalog: Catalog, before: Catalog): Catalog {
  const reordered = new Set(changes.filter((c) => c.keepsColumnOrder === false).map((c) => c.name));
  const inOrderOf = (table: Table): Table => {
    if (!reordered.has(table.name)) return table;
    const order = before.tables.find((t) => t.name === table.name)!.columns.map((c) => c.name);
    return { ...table, columns: [...table.columns].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)) };
  };
  return {
    ...catalog,
    tables: catalog.tables.map(inOrderOf),
    enums: db.enumValueRemovable
      ? catalog.enums
      : catalog.enums.map((e) => {
          const old = before.enums.find((b) => b.name === e.name && b.schema === e.schema);
          return old ? { ...e, values: e.values.filter((v) => old.values.includes(v)) } : e;
        }),
  };
}

/**
 * SQLite's stored CREATE text of a changed table: a downgrade restores every definition, but one it
 * adds back (a dropped column or foreign key) comes last, as ADD COLUMN and a rebuild place it. The
 * text of the tables no change touches is still compared; test/integration/sqlite-fixtures.test.ts
 * holds the text exact where it can be.
 */
function withoutChangedText(changes: Change[], catalog: Catalog): Catalog {
  const changed = new Set(changes.map((c) => c.name));
  return {
    ...catalog,
    tables: catalog.tables.map((t) => {
      if (!changed.has(t.name)) return t;
      const { sql: _sql, ...rest } = t;
      return { ...rest, indexes: t.indexes.map(({ sql: _s, ...i }) => i) };
    }),
  };
}

describe.each(ALL_DATABASES)("autogenerate change list on $name", (db) => {
  const changes = changesFor(db);
  const scenario = scenarioOn(db, (project) => project.write("schema.ts", modelsSource(changes, "before")));
  let before: Catalog;
  let after: Catalog;
  let rowsBefore: unknown[];

  it.skipIf(!isAvailable(db))("builds the starting schema and fills the fleet tables", async () => {
    const { project, target } = scenario;
    expectSuccess(await project.kiln(["revision", "--autogenerate", "-m", "start"]), "autogenerate start");
    expectSuccess(await project.kiln(["upgrade", "head"]), "upgrade to start");
    await queryDb(target.url, FLEET_ROWS);
    await queryDb(target.url, PART_ROWS);
    rowsBefore = await fleetRows(target.url);
    expect(rowsBefore).toHaveLength(5);
    before = await introspectUrl(target.url);
    for (const change of changes) {
      const table = before.tables.find((t) => t.name === change.name);
      expect.soft(table && change.done(table, before), `${change.name}: already done before the change`).toBe(false);
    }
  }, SCENARIO_TIMEOUT_MS);

  it.skipIf(!isAvailable(db))("autogenerates every change, and upgrade applies them", async () => {
    const { project, target } = scenario;
    project.write("schema.ts", modelsSource(changes, "after"));
    const generated = await project.kiln(["revision", "--autogenerate", "-m", "changes"]);
    expectSuccess(generated, "autogenerate changes");
    expect(createdRevision(generated)).toBeDefined();
    for (const change of changes) expect.soft(generated.stderr, `${change.name}: not in the autogenerate summary`).toContain(change.name);
    expect.soft(generated.stderr).toContain("fleet");
    if (db.supportsEnums && !db.enumValueRemovable) {
      // kiln says it cannot write that downgrade step.
      expect.soft(generated.stderr, "kiln now writes the downgrade of an added enum value: set enumValueRemovable in databases.ts").toMatch(
        /downgrade: .*status_enum_value/,
      );
    }

    expectSuccess(await project.kiln(["upgrade", "head"]), "upgrade changes");
    after = await introspectUrl(target.url);
    for (const change of changes) {
      const table = after.tables.find((t) => t.name === change.name);
      expect.soft(table && change.done(table, after), `${change.name}: not in the database after upgrade`).toBe(true);
    }
  }, SCENARIO_TIMEOUT_MS);

  it.skipIf(!isAvailable(db))("keeps every fleet row and the foreign key through the check drop and type change", async () => {
    const { target } = scenario;
    expect(await fleetRows(target.url)).toEqual(rowsBefore);
    const fleet = after.tables.find((t) => t.name === "fleet")!;
    expect(fleet.checks).toEqual([]);
    // SQLite reports the type as declared (BIGINT), the servers in kiln's vocabulary.
    expect(fleet.columns.find((c) => c.name === "capacity")!.type.toLowerCase()).toBe("bigint");
    const parts = after.tables.find((t) => t.name === "fleet_parts")!;
    expect(parts.foreignKeys).toMatchObject([{ name: "fk_fleet_parts_fleet", columns: ["fleet_id"], refTable: "fleet", refColumns: ["id"], onDelete: "cascade" }]);
    // Enforced, not just declared: an orphan is refused, a big capacity fits the new type.
    const orphan = await errorOf(target.url, "INSERT INTO fleet_parts (id, fleet_id, label) VALUES (6, 99, 'orphan')");
    expect(orphan?.message).toMatch(/foreign key/i);
    expect(await errorOf(target.url, "UPDATE fleet SET capacity = 5000000000 WHERE id = 3")).toBeUndefined();
    expect(await errorOf(target.url, "UPDATE fleet SET capacity = 30 WHERE id = 3")).toBeUndefined();
  }, SCENARIO_TIMEOUT_MS);

  it.skipIf(!isAvailable(db))("finds nothing more to generate", async () => {
    const { project } = scenario;
    const again = await project.kiln(["revision", "--autogenerate", "-m", "nothing"]);
    expectSuccess(again, "second autogenerate");
    expect(createdRevision(again), `left over:\n${again.stderr}`).toBeUndefined();
    expect(again.stderr).toMatch(/no changes/);
  }, SCENARIO_TIMEOUT_MS);

  it.skipIf(!isAvailable(db))("downgrade restores the catalog exactly, and keeps the rows", async () => {
    const { project, target } = scenario;
    expectSuccess(await project.kiln(["downgrade", "-1"]), "downgrade -1");
    const restored = withoutChangedText(changes, restorable(db, changes, await introspectUrl(target.url), before));
    const expected = withoutChangedText(changes, before);
    for (const table of expected.tables) {
      expect.soft(restored.tables.find((t) => t.name === table.name), `${table.name} after downgrade`).toEqual(table);
    }
    expect(restored).toEqual(expected);
    expect(await fleetRows(target.url)).toEqual(rowsBefore);
  }, SCENARIO_TIMEOUT_MS);
});
