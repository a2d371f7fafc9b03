/**
 * Turning an existing key column into an identity (auto-increment) column and
 * back, through autogenerate, on every database: the rows already there keep
 * their ids, the next insert continues after them, a second autogenerate finds
 * nothing, and the downgrade gives back the schema as it was.
 */
import { describe, expect, it } from "vitest";
import { queryDb } from "../../helpers/query.js";
import { ALL_DATABASES, isAvailable } from "./databases.js";
import { createdRevision, expectSuccess, introspectUrl, SCENARIO_TIMEOUT_MS, scenarioOn } from "./support.js";

const models = (id: string) => `import { table, integer, varchar } from "kiln-migrate/schema";

export const items = table("items", {
  id: ${id},
  name: varchar(50).notNull(),
});
`;

describe.each(ALL_DATABASES)("identity changes on $name", (db) => {
  const scenario = scenarioOn(db, (project) => project.write("schema.ts", models("integer().primaryKey()")));

  it.skipIf(!isAvailable(db))("makes a key column an identity, continues after the rows there, and downgrades", async () => {
    const { project, target } = scenario;
    expectSuccess(await project.kiln(["revision", "--autogenerate", "-m", "create items"]), "first autogenerate");
    expectSuccess(await project.kiln(["upgrade", "head"]), "first upgrade");
    for (const id of [1, 2, 7]) await queryDb(target.url, `INSERT INTO items (id, name) VALUES (${id}, 'before')`);
    const before = await introspectUrl(target.url);

    project.write("schema.ts", models("integer().primaryKey().generatedByDefaultAsIdentity()"));
    const generated = await project.kiln(["revision", "--autogenerate", "-m", "identity ids"]);
    expectSuccess(generated, "identity autogenerate");
    expect(createdRevision(generated), generated.stderr).toBeDefined();
    expect(generated.stderr).not.toMatch(/cannot change identity/);
    const source = project.read(`migrations/${project.revisionFiles().at(-1)}`);
    expect(source).toContain(`identity: "byDefault"`);
    expect(source).toContain("identity: null");

    expectSuccess(await project.kiln(["upgrade", "head"]), "identity upgrade");
    await queryDb(target.url, "INSERT INTO items (name) VALUES ('after')");
    const rows = await queryDb(target.url, "SELECT id, name FROM items ORDER BY id");
    expect(rows.map((r) => [Number(r.id), r.name])).toEqual([
      [1, "before"],
      [2, "before"],
      [7, "before"],
      [8, "after"],
    ]);

    const again = await project.kiln(["revision", "--autogenerate", "-m", "nothing to do"]);
    expectSuccess(again, "second autogenerate");
    expect(createdRevision(again), again.stderr).toBeUndefined();

    expectSuccess(await project.kiln(["downgrade", "-1"]), "downgrade -1");
    expect(await introspectUrl(target.url)).toEqual(before);
    expect(Number((await queryDb(target.url, "SELECT count(*) AS n FROM items"))[0]!.n)).toBe(4);
  }, SCENARIO_TIMEOUT_MS);
});
