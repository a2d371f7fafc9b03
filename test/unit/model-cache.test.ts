/**
 * The models' Catalog kept between runs (src/autogenerate/model-cache.ts): used
 * when nothing it depends on changed (the models file does not run), never when
 * something did, and never for models whose Catalog could differ from run to run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { modelCacheStats } from "../../src/autogenerate/model-cache.js";
import { loadModels, loadModelsCached } from "../../src/commands/autogenerate.js";
import type { ResolvedConfig } from "../../src/config/load.js";
import { POSTGRES_IDENTIFIER_LIMIT } from "../../src/dialects/postgres/sql.js";
import { writeModuleProject } from "../helpers/project.js";

const root = mkdtempSync(join(tmpdir(), "kiln-model-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
let cacheDir = "";
const savedSetting = process.env.KILN_MODEL_CACHE;
beforeEach(() => {
  cacheDir = join(root, `cache${count++}`);
  process.env.KILN_MODEL_CACHE = cacheDir;
});
afterEach(() => {
  if (savedSetting === undefined) delete process.env.KILN_MODEL_CACHE;
  else process.env.KILN_MODEL_CACHE = savedSetting;
});

function projectWith(files: Record<string, string>): string {
  return writeModuleProject(join(root, `p${count++}`), files);
}

function configFor(dir: string, naming: ResolvedConfig["naming"] = {}): ResolvedConfig {
  return { models: [join(dir, "schema.ts")], naming, configFile: join(dir, "kiln.config.ts") } as unknown as ResolvedConfig;
}

const LIMIT = POSTGRES_IDENTIFIER_LIMIT;

const models = (column: string) => `import { table, integer, varchar, check, index, sql } from "kiln-migrate/schema";
export const items = table("items", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  ${column}: varchar(100).notNull().default("x"),
}, (t) => [check("ck_len", sql\`length(\${t.${column}}) > 0\`), index().on(t.${column})]);
`;

/** Loads twice the way check does; returns the stats of each run and the Catalogs. */
async function load(config: ResolvedConfig) {
  const before = { ...modelCacheStats };
  const result = await loadModelsCached(config, LIMIT, {});
  return { ...result, hit: modelCacheStats.hits - before.hits, miss: modelCacheStats.misses - before.misses, wrote: modelCacheStats.writes - before.writes };
}

describe("the models' Catalog cache", () => {
  it("is used for unchanged models (the models file does not run) and gives the same Catalog", async () => {
    const dir = projectWith({ "schema.ts": models("name") });
    const config = configFor(dir);
    const first = await load(config);
    expect(first).toMatchObject({ hit: 0, miss: 1, wrote: 1 });
    const second = await load(config);
    expect(second).toMatchObject({ hit: 1, miss: 0, wrote: 0 });
    expect(second.catalog).toStrictEqual(first.catalog);
    // The same as running the models without any cache.
    expect(second.catalog).toStrictEqual((await loadModels(config, LIMIT)).catalog);
  });

  it("sees an edited models file, and the earlier text's entry is used again when the edit is undone", async () => {
    const dir = projectWith({ "schema.ts": models("name") });
    const config = configFor(dir);
    await load(config);
    writeFileSync(join(dir, "schema.ts"), models("title"));
    const edited = await load(config);
    expect(edited).toMatchObject({ hit: 0, miss: 1, wrote: 1 });
    expect(edited.catalog.tables[0]!.columns.map((c) => c.name)).toEqual(["id", "title"]);
    writeFileSync(join(dir, "schema.ts"), models("name"));
    const undone = await load(config);
    expect(undone).toMatchObject({ hit: 1, miss: 0 });
    expect(undone.catalog.tables[0]!.columns.map((c) => c.name)).toEqual(["id", "name"]);
  });

  it("keys the Catalog by the naming convention and the identifier limit too", async () => {
    const dir = projectWith({ "schema.ts": models("name") });
    await load(configFor(dir));
    const renamed = await load(configFor(dir, { ix: "idx_%(table)s_%(column_0_N)s" }));
    expect(renamed).toMatchObject({ hit: 0, miss: 1 });
    expect(renamed.catalog.tables[0]!.indexes.map((i) => i.name)).toEqual(["idx_items_name"]);
    const before = modelCacheStats.hits;
    await loadModelsCached(configFor(dir), null, {});
    expect(modelCacheStats.hits).toBe(before);
  });

  it("keys the Catalog by the locale and time zone the environment sets", async () => {
    const dir = projectWith({ "schema.ts": models("name") });
    await load(configFor(dir));
    expect(await load(configFor(dir))).toMatchObject({ hit: 1, miss: 0 });
    for (const variable of ["LANG", "LC_ALL", "TZ"]) {
      const saved = process.env[variable];
      process.env[variable] = variable === "TZ" ? "Pacific/Chatham" : "de_DE.UTF-8";
      try {
        expect(await load(configFor(dir))).toMatchObject({ hit: 0, miss: 1 });
      } finally {
        if (saved === undefined) delete process.env[variable];
        else process.env[variable] = saved;
      }
    }
    expect(await load(configFor(dir))).toMatchObject({ hit: 1, miss: 0 });
  });

  it("never keeps models that read anything but their own text (environment, clock, locale, random)", async () => {
    const readers = [
      `export const t = table(process.env.TABLE_NAME ?? "t", { id: integer() });`,
      `export const t = table("t", { id: integer().default(new Date().getFullYear()) });`,
      `export const t = table("t", { id: integer().default(Math.floor(Math.random() * 10)) });`,
      `export const t = table("t", { id: integer().default((12345).toLocaleString().length) });`,
      `const g = globalThis; export const t = table(String(g.tableName ?? "t"), { id: integer() });`,
      `export const t = table([].constructor.constructor("return 't'")(), { id: integer() });`,
      `export const t = table(typeof navigator === "undefined" ? "t" : "u", { id: integer() });`,
    ];
    for (const body of readers) {
      const dir = projectWith({ "schema.ts": `import { table, integer } from "kiln-migrate/schema";\n${body}\n` });
      const config = configFor(dir);
      expect(await load(config), body).toMatchObject({ hit: 0, wrote: 0 });
      expect(await load(config), body).toMatchObject({ hit: 0, wrote: 0 });
    }
    // Their "cannot be kept" marks are pruned like entries.
    for (let i = 0; i < 6; i++) {
      const reader = projectWith({ "schema.ts": `import { table, integer } from "kiln-migrate/schema";\nexport const t = table(process.env.T${i} ?? "t", { id: integer() });\n` });
      await load(configFor(reader));
    }
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".declined")).length).toBe(8);
    // A local binding that shadows a global's name reads nothing outside.
    const dir = projectWith({ "schema.ts": `import { table, integer } from "kiln-migrate/schema";\nconst process = { name: "t" };\nexport const t = table(process.name, { id: integer().default(Math.max(1, 2)) });\n` });
    expect(await load(configFor(dir))).toMatchObject({ wrote: 1 });
    expect(await load(configFor(dir))).toMatchObject({ hit: 1 });
  });

  it("never keeps models that import anything but kiln's schema builders (they run through tsx)", async () => {
    const dir = projectWith({
      "names.ts": `export const tableName = "things";\n`,
      "schema.ts": `import { table, integer } from "kiln-migrate/schema";\nimport { tableName } from "./names.ts";\nexport const things = table(tableName, { id: integer().primaryKey() });\n`,
    });
    const config = configFor(dir);
    expect(await load(config)).toMatchObject({ hit: 0, wrote: 0 });
    // Nothing kept, so an edit of names.ts alone cannot be missed.
    expect(await load(config)).toMatchObject({ hit: 0, wrote: 0 });
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".catalog"))).toEqual([]);
  });

  it("ignores a damaged or truncated entry, and writes it again", async () => {
    const dir = projectWith({ "schema.ts": models("name") });
    const config = configFor(dir);
    const first = await load(config);
    const [entry] = readdirSync(cacheDir).filter((f) => f.endsWith(".catalog"));
    const path = join(cacheDir, entry!);
    const data = readFileSync(path);
    data[data.length - 3] ^= 0xff;
    writeFileSync(path, data);
    const damaged = await load(config);
    expect(damaged).toMatchObject({ hit: 0, miss: 1, wrote: 1 });
    expect(damaged.catalog).toStrictEqual(first.catalog);
    writeFileSync(path, readFileSync(path).subarray(0, 100));
    expect(await load(config)).toMatchObject({ hit: 0, miss: 1, wrote: 1 });
    expect(await load(config)).toMatchObject({ hit: 1 });
  });

  it("is off with KILN_MODEL_CACHE=off", async () => {
    process.env.KILN_MODEL_CACHE = "off";
    const dir = projectWith({ "schema.ts": models("name") });
    const config = configFor(dir);
    expect(await load(config)).toMatchObject({ hit: 0, miss: 0, wrote: 0 });
    expect(await load(config)).toMatchObject({ hit: 0, miss: 0, wrote: 0 });
  });
});
