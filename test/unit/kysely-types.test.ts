/**
 * KyselyDatabase<typeof schema> (src/kysely/): `tsc --noEmit` on
 * test/fixtures/kysely/queries.ts, where Kysely queries over kiln/schema models
 * and over a Drizzle schema must compile, and every query marked
 * `@ts-expect-error` (a property key instead of the database name, an unknown
 * column or table, a value outside an enum, a missing required column, an
 * insert into GENERATED ALWAYS) must not: tsc fails on an unused directive.
 * The same for the file `kiln types --kysely` writes (db.d.ts).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { kyselyTypes } from "../../src/kysely/generate.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
import { REPO_ROOT } from "../helpers/project.js";
import * as models from "../fixtures/kysely/schema.js";

it("kiln types --kysely writes the models' Database interface (the fixture's db.d.ts, which the queries below use)", () => {
  expect(kyselyTypes(modelsToCatalog([models]), "schema.ts")).toBe(readFileSync(join(REPO_ROOT, "test", "fixtures", "kysely", "db.d.ts"), "utf8"));
});

it("Kysely queries over KyselyDatabase<typeof schema> compile for valid names and values and fail for invalid ones", { timeout: 120_000 }, async () => {
  const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, [tsc, "-p", join(REPO_ROOT, "test", "fixtures", "kysely", "tsconfig.json")], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
  expect(result.output).toBe("");
  expect(result.code).toBe(0);
});
