/**
 * A column that held numbers as text becomes an integer column, through
 * autogenerate, on every database: the generated revision runs as written
 * (PostgreSQL needs the explicit USING cast kiln writes), the values arrive as
 * numbers, and the downgrade turns them back into text.
 */
import { describe, expect, it } from "vitest";
import { queryDb } from "../../helpers/query.js";
import { ALL_DATABASES, isAvailable } from "./databases.js";
import { createdRevision, expectSuccess, introspectUrl, SCENARIO_TIMEOUT_MS, scenarioOn } from "./support.js";

const models = (code: string) => `import { table, integer, varchar } from "kiln-migrate/schema";

export const parts = table("parts", {
  id: integer().primaryKey(),
  code: ${code},
});
`;

describe.each(ALL_DATABASES)("a text column becomes an integer column on $name", (db) => {
  const scenario = scenarioOn(db, (project) => project.write("schema.ts", models("varchar(10)")));

  it.skipIf(!isAvailable(db))("converts the values up and back down", async () => {
    const { project, target } = scenario;
    expectSuccess(await project.kiln(["revision", "--autogenerate", "-m", "create parts"]), "first autogenerate");
    expectSuccess(await project.kiln(["upgrade", "head"]), "first upgrade");
    await queryDb(target.url, "INSERT INTO parts (id, code) VALUES (1, '7'), (2, '42'), (3, NULL)");
    const before = await introspectUrl(target.url);

    project.write("schema.ts", models("integer()"));
    const generated = await project.kiln(["revision", "--autogenerate", "-m", "numeric codes"]);
    expectSuccess(generated, "type-change autogenerate");
    expect(createdRevision(generated), generated.stderr).toBeDefined();
    expect(generated.stderr).toMatch(/converts text to another type/);

    expectSuccess(await project.kiln(["upgrade", "head"]), "type-change upgrade");
    const upgraded = await queryDb(target.url, "SELECT code FROM parts WHERE code > 10");
    expect(upgraded.map((r) => Number(r.code))).toEqual([42]);

    const again = await project.kiln(["revision", "--autogenerate", "-m", "nothing to do"]);
    expectSuccess(again, "second autogenerate");
    expect(createdRevision(again), again.stderr).toBeUndefined();

    expectSuccess(await project.kiln(["downgrade", "-1"]), "downgrade -1");
    expect(await introspectUrl(target.url)).toEqual(before);
    const rows = await queryDb(target.url, "SELECT code FROM parts ORDER BY id");
    expect(rows.map((r) => r.code)).toEqual(["7", "42", null]);
  }, SCENARIO_TIMEOUT_MS);
});
