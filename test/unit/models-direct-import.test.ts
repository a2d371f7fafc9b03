/**
 * A models file that imports only kiln runs in the main thread (compiled by
 * esbuild, kiln's own modules handed in), and must give exactly what tsx gives:
 * every named export, turned into the same catalog. Anything else goes to tsx.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { importModule } from "../../src/loader.js";
import { compileRevision } from "../../src/revisions/direct-import.js";
import { tsxImport } from "../../src/revisions/import-module.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
import { writeModuleProject } from "../helpers/project.js";

const root = mkdtempSync(join(tmpdir(), "kiln-models-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
function projectWith(files: Record<string, string>): string {
  return writeModuleProject(join(root, `p${count++}`), files);
}

const MODELS = `import { table, enumType, integer, varchar, check, index, sql } from "kiln-migrate/schema";
import type { InferSelect } from "kiln-migrate/schema";

export const status = enumType("status", ["draft", "active"]);
export const items = table("items", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: varchar(100).notNull(),
  state: status().notNull().default("draft"),
}, (t) => [check("ck_name", sql\`length(\${t.name}) > 0\`), index().on(t.name)]);
export type Item = InferSelect<typeof items>;
export const pageSize: number = 20;
`;

describe("loading a models file", () => {
  it("runs a models file that imports only kiln without tsx, with every export, as tsx would", async () => {
    const dir = projectWith({ "schema.ts": MODELS });
    const file = join(dir, "schema.ts");
    const compiled = await compileRevision(file, MODELS, { allowKilnImports: true });
    expect(compiled?.format).toBe("esm");
    expect(compiled?.kilnImports).toEqual(["kiln-migrate/schema"]);

    const direct = await importModule(file);
    expect(Object.keys(direct).sort()).toEqual(["items", "pageSize", "status"]);
    const viaTsx = (await (await tsxImport())(`${pathToFileURL(file).href}?compare=1`, import.meta.url)) as Record<string, unknown>;
    expect(modelsToCatalog([direct], undefined)).toEqual(modelsToCatalog([viaTsx], undefined));
  });

  it("still runs directly a models file written before the package was renamed (\"kiln/schema\")", async () => {
    const legacy = MODELS.replaceAll('"kiln-migrate/schema"', '"kiln/schema"');
    const dir = projectWith({ "schema.ts": legacy });
    const file = join(dir, "schema.ts");
    const compiled = await compileRevision(file, legacy, { allowKilnImports: true });
    expect(compiled?.kilnImports).toEqual(["kiln/schema"]);
    const direct = await importModule(file);
    expect(Object.keys(direct).sort()).toEqual(["items", "pageSize", "status"]);
  });

  it("leaves a models file with other runtime imports to tsx, which still loads it", async () => {
    const dir = projectWith({
      "names.ts": `export const tableName = "things";\n`,
      "schema.ts": `import { table, integer } from "kiln-migrate/schema";\nimport { tableName } from "./names.ts";\nexport const things = table(tableName, { id: integer().primaryKey() });\n`,
    });
    const file = join(dir, "schema.ts");
    expect(await compileRevision(file, `import { tableName } from "./names.ts";\nexport const x = tableName;\n`, { allowKilnImports: true })).toBeUndefined();
    const loaded = await importModule(file);
    expect(modelsToCatalog([loaded], undefined).tables.map((t) => t.name)).toEqual(["things"]);
  });

  it("does not let a revision file import kiln at run time (only models and config files may)", async () => {
    const dir = projectWith({});
    const text = `import { sql } from "kiln-migrate/schema";\nexport default { x: sql\`1\` };\n`;
    expect(await compileRevision(join(dir, "r.ts"), text)).toBeUndefined();
  });
});
