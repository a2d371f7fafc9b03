/**
 * KyselyDatabase<typeof schema> (src/kysely/): `tsc --noEmit` on
 * test/fixtures/kysely/queries.ts, where Kysely queries over kiln/schema models
 * and over a Drizzle schema must compile, and every query marked
 * `@ts-expect-error` (a property key instead of the database name, an unknown
 * column or table, a value outside an enum, a missing required column, an
 * insert into GENERATED ALWAYS) must not: tsc fails on an unused directive.
 * The same for the file `kiln types --kysely` writes (db.d.ts). Views are
 * read-only tables: selecting compiles, inserting and updating do not. Drizzle
 * columns named by their keys follow `casing` (`{ casing: "snake_case" }`).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readDrizzleModels } from "../../src/drizzle/index.js";
import { kyselyTypes } from "../../src/kysely/generate.js";
import { viewColumns } from "../../src/kysely/view-columns.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
import { REPO_ROOT } from "../helpers/project.js";
import * as casingModels from "../fixtures/kysely/drizzle-casing.js";
import * as models from "../fixtures/kysely/schema.js";

it("kiln types --kysely writes the models' Database interface (the fixture's db.d.ts, which the queries below use)", async () => {
  const catalog = modelsToCatalog([models]);
  expect(kyselyTypes(catalog, "schema.ts", await viewColumns([models], []))).toBe(readFileSync(join(REPO_ROOT, "test", "fixtures", "kysely", "db.d.ts"), "utf8"));
});

it("kiln types --kysely names Drizzle columns in drizzle.config.ts's casing, and types a pgView's columns from its tables, read-only", async () => {
  const files = [join(REPO_ROOT, "test", "fixtures", "kysely", "drizzle-casing.ts")];
  const exports = Object.entries(casingModels).map(([key, value]) => ({ value, source: `export "${key}"` }));
  const { catalog } = await readDrizzleModels(exports, files, { dialect: "postgresql", casing: "snake_case" });
  const text = kyselyTypes(catalog, "drizzle-casing.ts", await viewColumns([casingModels], files, "snake_case"));
  const block = (name: string) => new RegExp(`export interface ${name} \\{\\n([^}]*)\\}`).exec(text)?.[1];
  expect(block("UserAccounts")).toBe(
    [
      "  id: Generated<number>;",
      "  display_name: string;",
      "  http_endpoint: string | null;",
      "  login_count2: Generated<number>;",
      "  is_active: Generated<boolean>;",
      "  created_at: ColumnType<Date, Date | string | undefined, Date | string>;",
      "  legacy_code_v1: string | null;",
      "",
    ].join("\n"),
  );
  expect(block("ActiveAccounts")).toBe(
    ['  "(read-only view)": ColumnType<never, ViewWrite, ViewWrite>;', "  id: ColumnType<number, never, never>;", "  display_name: ColumnType<string, never, never>;", ""].join("\n"),
  );
  expect(text).toMatch(/^type ViewWrite = /m);
  expect(text).toMatch(/ {2}active_accounts: ActiveAccounts;\n {2}user_accounts: UserAccounts;/);
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
