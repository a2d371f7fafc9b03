/**
 * Issue 11, "Done when": models that declare an own fixture in the DSL, applied
 * to an EMPTY database (autogenerate, then `upgrade head`), build the same
 * schema as loading the fixture's SQL: `pg_dump --schema-only` identical, line
 * for line, on the PostgreSQL server. (The opposite direction, `kiln check`
 * exit 0 against the loaded fixture, is in each fixture's own suite.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable } from "../helpers/databases.js";
import { lineDiff, loadWithPsql } from "../helpers/pg-roundtrip.js";
import { createProject } from "../helpers/project.js";
import { schemaDump } from "./autogenerate-pg-support.js";

const OWN = join(__dirname, "../fixtures/pg/own");
const pgUp = await serverAvailable("postgresql");

const FIXTURES: { name: string; models: string; schemas: string[]; naming?: string }[] = [
  { name: "indexes-constraints", models: "indexes-constraints.models.ts", schemas: ["booking", "public"] },
  { name: "types-sequences", models: "types-sequences.models.ts.txt", schemas: ["public", "types_app", "types_billing"] },
  { name: "rls", models: "rls.models.ts.txt", schemas: ["public", "rls_app"], naming: `naming: { pk: "%(table)s_pkey", fk: "%(table)s_%(column_0_N)s_fkey" },` },
  { name: "routines", models: "routines.models.ts.txt", schemas: ["public", "routines_app"] },
  { name: "aggregates", models: "aggregates.models.ts.txt", schemas: ["public", "agg_app"] },
  { name: "views", models: "views.models.ts", schemas: ["public", "views_app"] },
  { name: "table-storage", models: "table-storage.models.ts", schemas: ["public", "storage"] },
];

describe.runIf(pgUp)("models build the fixture's schema from an empty database (PostgreSQL server)", () => {
  for (const fixture of FIXTURES) {
    it(`${fixture.name}: autogenerate + upgrade head gives the fixture's pg_dump`, async () => {
      const loaded = await createPgDatabase();
      const built = await createPgDatabase();
      const models = readFileSync(join(OWN, fixture.models), "utf8");
      const project = createProject({ url: built.url, models, extraConfig: `schemas: ${JSON.stringify(fixture.schemas)},\n${fixture.naming ?? ""}` });
      try {
        await loadWithPsql(loaded.url, readFileSync(join(OWN, `${fixture.name}.sql`), "utf8"));
        const revision = await project.kiln(["revision", "--autogenerate", "-m", "build"]);
        expect(revision.code, revision.stdout + revision.stderr).toBe(0);
        const upgrade = await project.kiln(["upgrade", "head"]);
        expect(upgrade.code, upgrade.stdout + upgrade.stderr).toBe(0);
        const [expected, actual] = await Promise.all([schemaDump(loaded.url), schemaDump(built.url)]);
        expect(lineDiff(expected, actual, ["loaded from SQL", "built from models"])).toBe("");
      } finally {
        project.remove();
        await Promise.all([loaded.drop(), built.drop()]);
      }
    }, 180_000);
  }
});
