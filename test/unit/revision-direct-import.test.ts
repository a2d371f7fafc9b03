/**
 * The main-thread import (direct-import.ts) must give exactly what tsx's import
 * gives, and hand every file it cannot run the same way to tsx.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import Module from "node:module";
import { compileRevision, moduleFormat } from "../../src/revisions/direct-import.js";
import { joinSourceMaps, type RawSourceMap } from "../../src/revisions/source-map-join.js";
import {
  compilePreparedTogether,
  defaultExport,
  importDefaultExport,
  importDirectly,
  importWithTsx,
  prepareImport,
} from "../../src/revisions/import-module.js";
import { loadAll, loadRevisions } from "../../src/revisions/load.js";
import { validateMigration } from "../../src/revisions/validate.js";
import { kilnErrorOfAsync } from "../helpers/errors.js";

const root = mkdtempSync(join(tmpdir(), "kiln-direct-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** Writes `files` into a fresh folder under a package.json of the given type; returns the folder. */
function project(files: Record<string, string>, packageJson: string | undefined): string {
  const dir = join(root, `p${++count}`);
  mkdirSync(dir, { recursive: true });
  if (packageJson !== undefined) writeFileSync(join(dir, "package.json"), packageJson);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const MODULE = JSON.stringify({ type: "module" });
const COMMONJS = JSON.stringify({ name: "cjs-project" });

const revisionText = (upgradeBody: string, head = 'import type { Migration } from "kiln-migrate";\n') => `${head}
/**
 * A revision.
 */
export default {
  revision: "aaaaaaaaaaaa",
  downRevision: null,
  message: "a revision",
  async upgrade(op) {
    ${upgradeBody}
  },
  async downgrade(op) {
    op.execute("drop table t");
  },
} satisfies Migration;
`;

/** What a revision does, observably: its metadata, its functions' names and text, and what upgrade calls and returns. */
async function behaviour(value: unknown) {
  const { metadata, migration } = validateMigration("x.ts", true, value);
  const calls: unknown[] = [];
  const op = new Proxy({}, { get: (_t, name) => (...args: unknown[]) => calls.push([name, ...args]) });
  const returned = await migration.upgrade(op as never);
  return {
    metadata,
    keys: Object.keys(migration),
    names: [migration.upgrade.name, migration.downgrade?.name],
    text: [String(migration.upgrade), String(migration.downgrade)],
    calls,
    returned,
  };
}

/**
 * The stack as Node formats it for the CLI, applying source maps: the test
 * runner installs its own formatter, which would format it without them.
 */
function nodeStack(error: Error): string {
  const custom = Error.prepareStackTrace;
  delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  try {
    return error.stack ?? "";
  } finally {
    if (custom !== undefined) Error.prepareStackTrace = custom;
  }
}

const checksum = (text: string) => createHash("sha256").update(text).digest("hex");

/** Imports the file both ways; `direct` is undefined when the main-thread path declined it. */
async function bothWays(file: string, text: string) {
  // Distinct versions: each way gets its own fresh module.
  const direct = await importDirectly(file, checksum(`direct:${text}`), text);
  const tsx = await importWithTsx(file, checksum(`tsx:${text}`));
  return { direct: direct && defaultExport(direct), tsx: defaultExport(tsx) };
}

describe("importing revision files in the main thread", () => {
  it.each([
    ["an ES module package", MODULE, "a.ts", "esm"],
    ["a CommonJS package", COMMONJS, "a.ts", "cjs"],
    ["no package.json up to the root of the temporary folder", undefined, "a.ts", "cjs"],
    [".mts in a CommonJS package", COMMONJS, "a.mts", "esm"],
  ] as const)("runs a file kiln writes, in %s, exactly as tsx does", async (_case, packageJson, name, format) => {
    const text = revisionText('op.createTable("t", { id: { type: "integer" } });\n    return [typeof this, (function () { return this === undefined; })()];');
    const dir = project({ [name]: text }, packageJson);
    const file = join(dir, name);
    expect(moduleFormat(file)).toBe(format);
    const { direct, tsx } = await bothWays(file, text);
    expect(direct).toBeDefined();
    expect(await behaviour(direct!.value)).toEqual(await behaviour(tsx.value));
    // The probe: plain function calls see `this` undefined only in strict mode (ES modules; tsx runs CommonJS sloppy).
    expect((await behaviour(direct!.value)).returned).toEqual(["object", format === "esm"]);
  });

  it.each([
    ["a default export marked __esModule", MODULE, "a.ts", `export default { __esModule: true, default: { revision: "aaaaaaaaaaaa", downRevision: null, upgrade() {} } };\n`],
    ["named exports besides the default", MODULE, "a.ts", `export const helper = 1;\nexport default { revision: "aaaaaaaaaaaa", downRevision: null, upgrade(op) { op.execute(String(helper)); } };\n`],
    ['"use strict" in an ES module', MODULE, "a.ts", `"use strict";\nexport default { revision: "aaaaaaaaaaaa", downRevision: null, upgrade() {} };\n`],
    ["a type-only import written inline", MODULE, "a.ts", revisionText('op.execute("x");', 'import type { Migration } from "kiln-migrate";\nimport type { Op } from "kiln-migrate";\n')],
  ])("runs %s exactly as tsx does", async (_case, packageJson, name, text) => {
    const dir = project({ [name]: text }, packageJson);
    const { direct, tsx } = await bothWays(join(dir, name), text);
    expect(direct).toBeDefined();
    expect(direct!.hasDefault).toBe(tsx.hasDefault);
    expect(await behaviour(direct!.value)).toEqual(await behaviour(tsx.value));
  });

  it("gives no default export where tsx gives none", async () => {
    const text = 'export const revision = "aaaaaaaaaaaa";\n';
    const dir = project({ "a.ts": text }, MODULE);
    const { direct, tsx } = await bothWays(join(dir, "a.ts"), text);
    expect(direct).toEqual({ hasDefault: false, value: undefined });
    expect(tsx).toEqual(direct);
  });

  it.each([
    ["a runtime import of a local helper", MODULE, "a.ts", revisionText("op.execute(table);", 'import { table } from "./helper.js";\n')],
    ["an import kept only for its type under verbatimModuleSyntax", MODULE, "a.ts", revisionText('op.execute("x");', 'import { type Migration } from "./helper.js";\n')],
    ["a dynamic import", MODULE, "a.ts", revisionText('const { table } = await import("./helper.js"); op.execute(table);')],
    ["require in a CommonJS package", COMMONJS, "a.ts", revisionText('op.execute(require("node:path").sep);')],
    ["import.meta", MODULE, "a.ts", revisionText("op.execute(import.meta.url);")],
    ["__dirname", COMMONJS, "a.ts", revisionText("op.execute(__dirname);")],
    ["top-level await", MODULE, "a.ts", `const table = await Promise.resolve("t");\n${revisionText("op.execute(table);")}`],
    ["a class (compiled according to tsconfig.json)", MODULE, "a.ts", `class Helper { field = "t"; }\n${revisionText("op.execute(new Helper().field);")}`],
    ["a CommonJS module (no ES module syntax)", COMMONJS, "a.ts", `module.exports = { revision: "aaaaaaaaaaaa", downRevision: null, upgrade() {} };\n`],
    ['"use strict" in a file tsx runs as CommonJS', COMMONJS, "a.ts", `"use strict";\n${revisionText('op.execute("x");', "")}`],
    ["plain JavaScript (.mjs), which Node runs as written", undefined, "a.mjs", `const m = { revision: "aaaaaaaaaaaa", downRevision: null, upgrade: async (op) => op.execute("x") };\nexport default m;\n`],
    ["JavaScript (.js) in an ES module package", MODULE, "a.js", `export default { revision: "aaaaaaaaaaaa", downRevision: null, upgrade(op) { op.execute("x"); } };\n`],
    ["a .js file outside an ES module package", COMMONJS, "a.js", `export default { revision: "aaaaaaaaaaaa", downRevision: null, upgrade(op) { op.execute("x"); } };\n`],
    ["a broken package.json", "{ not json", "a.ts", revisionText('op.execute("x");')],
  ])("hands %s to tsx, which imports it", async (_case, packageJson, name, text) => {
    const dir = project({ [name]: text, "helper.ts": 'export const table: string = "users";\nexport type Migration = unknown;\n' }, packageJson);
    const file = join(dir, name);
    expect(await compileRevision(file, text)).toBeUndefined();
    expect(await importDirectly(file, checksum(text), text)).toBeUndefined();
    if (packageJson === "{ not json") return; // Node refuses that package: tsx's error is covered elsewhere.
    const viaTsx = await importDefaultExport(file, checksum(text), text);
    expect(viaTsx.hasDefault).toBe(true);
    expect(typeof (viaTsx.value as { upgrade?: unknown }).upgrade).toBe("function");
  });

  it("reports a syntax error exactly as the tsx import does, with line and column", async () => {
    const text = 'export default {\n  revision: "bbbbbbbbbbbb",\n  downRevision: null,\n  upgrade(op) { op.execute("x" +) },\n};\n';
    const dir = project({ "broken.ts": text }, MODULE);
    const file = join(dir, "broken.ts");
    const viaKiln = await kilnErrorOfAsync(importDefaultExport(file, checksum(text), text));
    const viaTsx = await kilnErrorOfAsync(importWithTsx(file, checksum(`tsx:${text}`)));
    expect(viaKiln.message).toBe(viaTsx.message);
    expect(viaKiln.message).toMatch(new RegExp(`^syntax error in revision file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: line 4, column \\d+: `));
  });

  it("reports an error thrown while the module runs exactly as the tsx import does", async () => {
    const text = 'throw new Error("top-level boom");\nexport default {};\n';
    const dir = project({ "throws.ts": text }, MODULE);
    const file = join(dir, "throws.ts");
    const direct = await kilnErrorOfAsync(importDirectly(file, checksum(text), text));
    const viaTsx = await kilnErrorOfAsync(importWithTsx(file, checksum(`tsx:${text}`)));
    expect(direct.message).toBe(`cannot load revision file ${file}: top-level boom`);
    expect(direct.message).toBe(viaTsx.message);
  });

  it("names the revision file and its TypeScript line in the stack of an error its upgrade throws", async () => {
    const text = revisionText('const name: string = "t";\n    throw new Error(`cannot create ${name}`);');
    const dir = project({ "0001_throws.ts": text }, MODULE);
    const file = join(dir, "0001_throws.ts");
    const { value } = defaultExport((await importDirectly(file, checksum(text), text))!);
    const error = await (value as { upgrade(op: unknown): Promise<void> }).upgrade({}).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    const line = text.split("\n").findIndex((l) => l.includes("throw new Error")) + 1;
    expect(nodeStack(error as Error)).toContain(`at Object.upgrade (${file}:${line}:`);
  });

  it("compiles ahead, and keeps one module per file content like a module cache", async () => {
    const text = revisionText('op.execute("x");');
    const dir = project({ "a.ts": text }, MODULE);
    const file = join(dir, "a.ts");
    prepareImport(file, checksum(text), text);
    const first = await importDirectly(file, checksum(text), text);
    expect(await importDirectly(file, checksum(text), text)).toBe(first);
    // Once imported, the same content is the same module even without its text.
    expect(await importDirectly(file, checksum(text), undefined)).toBe(first);
    const changed = text.replace('"x"', '"y"');
    const second = await importDirectly(file, checksum(changed), changed);
    expect(second).not.toBe(first);
    expect((await behaviour(defaultExport(second!).value)).calls).toEqual([["execute", "y"]]);
  });
});

describe("loading a folder", () => {
  it("loads revisions that run in the main thread and revisions tsx imports, in one folder", async () => {
    const dir = project({ "helper.ts": 'export const table: string = "users";\n' }, MODULE);
    const migrations = join(dir, "migrations");
    mkdirSync(migrations);
    writeFileSync(join(migrations, "1.ts"), revisionText('op.execute("one");'));
    writeFileSync(
      join(migrations, "2.ts"),
      revisionText("op.execute(table);", 'import { table } from "../helper.js";\n')
        .replace('"aaaaaaaaaaaa"', '"bbbbbbbbbbbb"')
        .replace("downRevision: null", 'downRevision: "aaaaaaaaaaaa"'),
    );
    const revisions = await loadRevisions(migrations);
    await loadAll(revisions);
    const calls = [];
    for (const revision of revisions) calls.push(...(await behaviour(await revision.load())).calls);
    expect(calls).toEqual([
      ["execute", "one"],
      ["execute", "users"],
    ]);
  });

  it("reports the first broken file of a plan, in plan order, though all compile at once", async () => {
    const dir = project({}, MODULE);
    const good = revisionText('op.execute("x");');
    writeFileSync(join(dir, "1.ts"), good);
    writeFileSync(join(dir, "2.ts"), good.replace('"aaaaaaaaaaaa"', '"bbbbbbbbbbbb"').replace('op.execute("x")', 'op.execute("x" +)'));
    writeFileSync(join(dir, "3.ts"), good.replace('"aaaaaaaaaaaa"', '"cccccccccccc"').replace('op.execute("x")', 'op.execute("y" +)'));
    // Their metadata reads without the module: the error comes when the plan is loaded.
    const revisions = await loadRevisions(dir);
    const error = await kilnErrorOfAsync(loadAll(revisions));
    expect(error.message).toContain(`syntax error in revision file ${join(dir, "2.ts")}: line 11, column`);
    expect((await kilnErrorOfAsync(loadRevisions(dir, { eager: true }))).message).toBe(error.message);
  });
});

describe("revisions compiled together as one script", () => {
  /** Prepares and compiles the files together; returns how many were compiled together. */
  async function together(dir: string, texts: Record<string, string>): Promise<number> {
    for (const [name, text] of Object.entries(texts)) prepareImport(join(dir, name), checksum(text), text);
    return compilePreparedTogether(Object.entries(texts).map(([name, text]) => ({ file: join(dir, name), version: checksum(text) })));
  }

  it("runs each module only when it is imported, and names each file and its TypeScript line in a stack", async () => {
    const runs: string[] = [];
    (globalThis as { kilnTogetherRuns?: string[] }).kilnTogetherRuns = runs;
    const texts = {
      "1.ts": revisionText('const a: number = 1;\n    throw new Error(`first ${a}`);').replace("import type", "globalThis.kilnTogetherRuns.push(\"1\");\nimport type"),
      "2.ts": revisionText('\n\n    const b: string = "x";\n    throw new Error(`second ${b}`);').replace("import type", "globalThis.kilnTogetherRuns.push(\"2\");\nimport type"),
      "3.ts": revisionText('op.execute("x");'),
    };
    const dir = project(texts, MODULE);
    expect(await together(dir, texts)).toBe(3);
    expect(runs).toEqual([]);
    for (const name of ["2.ts", "1.ts"]) {
      const file = join(dir, name);
      const { value } = defaultExport((await importDirectly(file, checksum(texts[name as "1.ts"]), texts[name as "1.ts"]))!);
      const error = await (value as { upgrade(op: unknown): Promise<void> }).upgrade({}).catch((caught: Error) => caught);
      const line = texts[name as "1.ts"].split("\n").findIndex((l) => l.includes("throw new Error")) + 1;
      expect(nodeStack(error as Error)).toContain(`at Object.upgrade (${file}:${line}:`);
    }
    expect(runs).toEqual(["2", "1"]);
    // The same module object on every import, as a module cache gives.
    const file = join(dir, "2.ts");
    expect(await importDirectly(file, checksum(texts["2.ts"]), texts["2.ts"])).toBe(await importDirectly(file, checksum(texts["2.ts"]), undefined));
  });

  it("reports a module that throws as it runs as one run alone does", async () => {
    const texts = { "a.ts": revisionText('op.execute("x");'), "throws.ts": 'throw new Error("top-level boom");\nexport default {};\n' };
    const dir = project(texts, MODULE);
    expect(await together(dir, texts)).toBe(2);
    const file = join(dir, "throws.ts");
    const error = await kilnErrorOfAsync(importDirectly(file, checksum(texts["throws.ts"]), texts["throws.ts"]));
    expect(error.message).toBe(`cannot load revision file ${file}: top-level boom`);
  });

  it("joins source maps so that every position maps to the same source, line and column as in its own map", async () => {
    const texts = [revisionText('const a: number = 1;\n    op.execute(`x${a}`);'), revisionText('\n\n    op.execute("y");\n    op.execute("z");')];
    const dir = project({}, MODULE);
    const maps: RawSourceMap[] = [];
    for (const [i, text] of texts.entries()) {
      const code = (await compileRevision(join(dir, `${i}.ts`), text))!.code;
      maps.push(JSON.parse(Buffer.from(code.slice(code.lastIndexOf("base64,") + 7), "base64").toString("utf8")) as RawSourceMap);
    }
    const joined = new Module.SourceMap(joinSourceMaps([{ map: maps[0]!, line: 2 }, { map: maps[1]!, line: 10 }]) as never);
    for (const [i, map] of maps.entries()) {
      const own = new Module.SourceMap(map as never);
      const offset = i === 0 ? 2 : 10;
      let checked = 0;
      for (let line = 0; line < map.mappings.split(";").length; line++) {
        for (let column = 0; column < 3000; column += 7) {
          const expected = own.findEntry(line, column) as { originalSource?: string; originalLine?: number; originalColumn?: number };
          if (expected.originalSource === undefined) continue;
          const actual = joined.findEntry(line + offset, column) as typeof expected;
          expect([actual.originalSource, actual.originalLine, actual.originalColumn]).toEqual([expected.originalSource, expected.originalLine, expected.originalColumn]);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(10);
    }
  });
});
