import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KilnError } from "../../src/errors.js";
import { buildGraph } from "../../src/revisions/graph.js";
import { assertDowngradable, loadAll, loadRevisions } from "../../src/revisions/load.js";
import { newRevisionId, renderRevisionFile, revisionFileName, slugify, writeRevisionFile } from "../../src/revisions/write.js";
import { kilnErrorOfAsync } from "../helpers/errors.js";

const root = mkdtempSync(join(tmpdir(), "kiln-load-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folderCount = 0;
/** A fresh migrations folder holding `files` (name -> content). */
function folder(files: Record<string, string>, packageType?: "module" | "commonjs"): string {
  const dir = join(root, `case${++folderCount}`, "migrations");
  mkdirSync(dir, { recursive: true });
  if (packageType) writeFileSync(join(dir, "..", "package.json"), JSON.stringify({ type: packageType }));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const loadError = kilnErrorOfAsync;

const tsRevision = (id: string, parent: string | null, extra = "") => `import type { Migration } from "kiln-migrate";

export default {
  revision: ${JSON.stringify(id)},
  downRevision: ${JSON.stringify(parent)},
  message: "revision ${id}",${extra}
  async upgrade(op) {
    op.execute("select 1");
  },
  async downgrade(op) {
    op.execute("select 2");
  },
} satisfies Migration;
`;

describe.each([false, true])("loadRevisions (eager: %s)", (eager) => {
  const load = (dir: string) => loadRevisions(dir, { eager });

  it("loads TypeScript and JavaScript revisions whatever their names, ignoring other files", async () => {
    const dir = folder(
      {
        "0001_first.ts": tsRevision("aaaaaaaaaaaa", null),
        "second.mts": tsRevision("bbbbbbbbbbbb", "aaaaaaaaaaaa", '\n  branchLabels: "main",\n  transactional: false,'),
        "third.js": `export default { revision: "cccccccccccc", downRevision: ["bbbbbbbbbbbb"], dependsOn: "aaaaaaaaaaaa", upgrade() {} };\n`,
        "fourth.mjs": `const m = { revision: "dddd_1", downRevision: "cccccccccccc", message: 'it\\'s "fine"', upgrade: async () => {}, downgrade: async () => {} };\nexport default m;\n`,
        "types.d.ts": "export {};\n",
        ".hidden.ts": "this is not even code",
        "README.md": "# migrations\n",
        "notes.txt": "nope",
      },
      "module",
    );
    mkdirSync(join(dir, "folder.ts"));
    const revisions = await load(dir);
    expect(revisions.map((r) => r.revision)).toEqual(["aaaaaaaaaaaa", "dddd_1", "bbbbbbbbbbbb", "cccccccccccc"]);
    const byId = new Map(revisions.map((r) => [r.revision, r]));
    const second = byId.get("bbbbbbbbbbbb")!;
    expect(second).toMatchObject({
      downRevisions: ["aaaaaaaaaaaa"],
      branchLabels: ["main"],
      dependsOn: [],
      message: "revision bbbbbbbbbbbb",
      transactional: false,
      hasDowngrade: true,
      file: join(dir, "second.mts"),
    });
    expect(byId.get("cccccccccccc")).toMatchObject({ dependsOn: ["aaaaaaaaaaaa"], hasDowngrade: false, transactional: true, message: "" });
    expect(byId.get("dddd_1")!.message).toBe(`it's "fine"`);
    const bytes = readFileSync(join(dir, "0001_first.ts"));
    expect(byId.get("aaaaaaaaaaaa")!.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));

    const migration = await second.load();
    expect(typeof migration.upgrade).toBe("function");
    expect(await second.load()).toBe(migration);
    expect(buildGraph(revisions).heads().map((r) => r.revision)).toEqual(["dddd_1"]);
  });

  it("loads TypeScript in a CommonJS package", async () => {
    const dir = folder({ "a.ts": tsRevision("aaaaaaaaaaaa", null) }, "commonjs");
    const [revision] = await load(dir);
    expect(revision!.revision).toBe("aaaaaaaaaaaa");
    const migration = await revision!.load();
    expect(migration.revision).toBe("aaaaaaaaaaaa");
    expect(typeof migration.downgrade).toBe("function");
  });

  it("lets revision files import local helpers", async () => {
    const dir = folder({ "a.ts": `import { table } from "../helpers.js";\n` + tsRevision("aaaaaaaaaaaa", null).replace('"select 1"', "table") });
    writeFileSync(join(dir, "..", "helpers.ts"), 'export const table: string = "users";\n');
    const [revision] = await load(dir);
    const calls: string[] = [];
    await (await revision!.load()).upgrade({ execute: (sql: string) => calls.push(sql) } as never);
    expect(calls).toEqual(["users"]);
  });

  it("says kiln init when the folder is missing", async () => {
    const error = await loadError(load(join(root, "nowhere", "migrations")));
    expect(error.message).toContain("does not exist");
    expect(error.message).toContain("kiln init");
  });

  it("loads an empty folder", async () => {
    expect(await load(folder({}))).toEqual([]);
  });

  it("reports a syntax error with its file and line", async () => {
    const dir = folder({
      "good.ts": tsRevision("aaaaaaaaaaaa", null),
      "broken.ts": 'export default {\n  revision: "bbbbbbbbbbbb",\n  downRevision: null,\n  upgrade(op) { op.execute("x" +) },\n};\n',
    });
    // Lazily, the metadata is readable and the error surfaces when the module is needed.
    const error = eager ? await loadError(load(dir)) : await loadError(loadAll(await load(dir)));
    expect(error.message).toContain(`syntax error in revision file ${join(dir, "broken.ts")}`);
    expect(error.message).toContain("line 4");
  });

  it("reports a file without a default export", async () => {
    const dir = folder({ "named.ts": 'export const revision = "aaaaaaaaaaaa";\n' });
    const error = await loadError(load(dir));
    expect(error.message).toContain(`revision file ${join(dir, "named.ts")} has no default export`);
  });

  it("reports an error thrown while the module runs", async () => {
    const dir = folder({ "throws.ts": 'throw new Error("top-level boom");\nexport default {};\n' });
    const error = await loadError(load(dir));
    expect(error.message).toBe(`cannot load revision file ${join(dir, "throws.ts")}: top-level boom`);
  });

  it.each([
    ["no revision", `export default { downRevision: null, upgrade() {} };`, 'has no "revision"'],
    ["a bad id", `export default { revision: "has-dash", downRevision: null, upgrade() {} };`, 'ids use only letters, digits and "_"'],
    ["a long id", `export default { revision: "${"a".repeat(33)}", downRevision: null, upgrade() {} };`, "longer than 32 characters"],
    ["no downRevision", `export default { revision: "aaaaaaaaaaaa", upgrade() {} };`, 'has no "downRevision": use null'],
    ["a numeric downRevision", `export default { revision: "aaaaaaaaaaaa", downRevision: 5, upgrade() {} };`, '"downRevision" must be null, an id'],
    ["an empty downRevision list", `export default { revision: "aaaaaaaaaaaa", downRevision: [], upgrade() {} };`, "not an empty array"],
    ["no upgrade", `export default { revision: "aaaaaaaaaaaa", downRevision: null };`, 'has no "upgrade" function'],
    ["a non-function downgrade", `export default { revision: "aaaaaaaaaaaa", downRevision: null, upgrade() {}, downgrade: "x" };`, '"downgrade" must be a function'],
    ["a non-boolean transactional", `export default { revision: "aaaaaaaaaaaa", downRevision: null, transactional: "no", upgrade() {} };`, '"transactional" must be true or false'],
    ["an Alembic spelling", `export default { revision: "aaaaaaaaaaaa", down_revision: null, upgrade() {} };`, 'has "down_revision"; kiln spells it "downRevision"'],
    ["a non-object export", `export default 42;`, "is number 42; it must be an object"],
  ])("reports %s", async (_case, source, expected) => {
    const dir = folder({ "x.ts": source + "\n" });
    const error = await loadError(load(dir));
    expect(error.message).toContain(join(dir, "x.ts"));
    expect(error.message).toContain(expected);
  });

  it("loads files with a duplicate id, which the graph then reports", async () => {
    const dir = folder({ "one.ts": tsRevision("aaaaaaaaaaaa", null), "two.ts": tsRevision("aaaaaaaaaaaa", null) });
    const revisions = await load(dir);
    const error = (() => {
      try {
        buildGraph(revisions);
      } catch (caught) {
        return caught as KilnError;
      }
      throw new Error("expected a KilnError");
    })();
    expect(error.message).toContain(join(dir, "one.ts"));
    expect(error.message).toContain(join(dir, "two.ts"));
  });

  it("exposes a missing downgrade", async () => {
    const dir = folder({ "a.js": `export default { revision: "aaaaaaaaaaaa", downRevision: null, upgrade() {} };\n` });
    const [revision] = await load(dir);
    expect(revision!.hasDowngrade).toBe(false);
    expect(() => assertDowngradable(revision!)).toThrow(/has no downgrade function, so it cannot be unapplied/);
  });

  it("loads a file kiln wrote, and sees a changed file afresh", async () => {
    const dir = folder({});
    const content = renderRevisionFile({
      revision: "abcdef012345",
      downRevision: null,
      message: 'create "users" */ table',
      branchLabels: ["core"],
      upgradeBody: 'op.execute("create table users (id int)");',
      downgradeBody: "",
      createdAt: new Date(Date.UTC(2026, 10, 25, 10, 0, 0)),
    });
    const name = revisionFileName("abcdef012345", 'create "users" */ table', new Date(Date.UTC(2026, 10, 25, 10, 0, 0)));
    writeRevisionFile(dir, content, name);
    let [revision] = await load(dir);
    expect(revision).toMatchObject({ revision: "abcdef012345", message: 'create "users" */ table', branchLabels: ["core"], hasDowngrade: true });
    const calls: string[] = [];
    await (await revision!.load()).upgrade({ execute: (sql: string) => calls.push(sql) } as never);
    expect(calls).toEqual(["create table users (id int)"]);

    writeFileSync(join(dir, name), content.replace("create table users (id int)", "create table people (id int)"));
    [revision] = await load(dir);
    calls.length = 0;
    await (await revision!.load()).upgrade({ execute: (sql: string) => calls.push(sql) } as never);
    expect(calls).toEqual(["create table people (id int)"]);
  });
});

describe("write", () => {
  it("makes 12 hex character ids", () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRevisionId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
  });

  it("names files by UTC time, id and slug", () => {
    const now = new Date(Date.UTC(2026, 0, 5, 3, 4, 5));
    expect(revisionFileName("3f2a9c1b7d4e", "Create prototypes!", now)).toBe("20260105_030405_3f2a9c1b7d4e_create_prototypes.ts");
    expect(revisionFileName("3f2a9c1b7d4e", "", now)).toBe("20260105_030405_3f2a9c1b7d4e.ts");
    expect(slugify("Ajouter l'élément «café» — v2")).toBe("ajouter_l_element_cafe_v2");
    expect(slugify("add a very long message that goes on and on past the limit")).toBe("add_a_very_long_message_that_goes_on_and");
    expect(slugify("x".repeat(60))).toHaveLength(40);
    expect(slugify("日本語")).toBe("");
  });

  it("renders the module kiln writes", () => {
    const text = renderRevisionFile({
      revision: "3f2a9c1b7d4e",
      downRevision: "1a2b3c4d5e6f",
      message: "create prototypes",
      upgradeBody: 'op.createTable("prototypes", {\n  id: { type: "integer", primaryKey: true },\n});',
      downgradeBody: 'op.dropTable("prototypes");',
      createdAt: new Date(Date.UTC(2026, 10, 25, 10, 0, 0)),
    });
    expect(text).toBe(`import type { Migration } from "kiln-migrate";

/**
 * create prototypes
 *
 * Revision: 3f2a9c1b7d4e
 * Parent: 1a2b3c4d5e6f
 * Created: 2026-11-25 10:00:00 UTC
 */
export default {
  revision: "3f2a9c1b7d4e",
  downRevision: "1a2b3c4d5e6f",
  message: "create prototypes",
  async upgrade(op) {
    op.createTable("prototypes", {
      id: { type: "integer", primaryKey: true },
    });
  },
  async downgrade(op) {
    op.dropTable("prototypes");
  },
} satisfies Migration;
`);
  });

  it("renders merges, labels, dependencies, empty bodies and quotes", () => {
    const text = renderRevisionFile({
      revision: "aaaaaaaaaaaa",
      downRevision: ["bbbbbbbbbbbb", "cccccccccccc"],
      message: 'merge "x"',
      branchLabels: ["feature"],
      dependsOn: ["dddddddddddd"],
      upgradeBody: "",
      downgradeBody: "  \n",
      createdAt: new Date(Date.UTC(2026, 0, 1)),
    });
    expect(text).toContain(" * Parents: bbbbbbbbbbbb, cccccccccccc\n * Depends on: dddddddddddd\n");
    expect(text).toContain('  downRevision: ["bbbbbbbbbbbb", "cccccccccccc"],\n  branchLabels: "feature",\n  dependsOn: "dddddddddddd",\n  message: "merge \\"x\\"",\n');
    expect(text).toContain("  async upgrade(op) {\n    // nothing to do on upgrade\n  },");
    expect(text).toContain("  async downgrade(op) {\n    // nothing to do on downgrade\n  },");
    expect(renderRevisionFile({ revision: "a", downRevision: null, message: "", upgradeBody: "", downgradeBody: "", createdAt: new Date(0) })).toContain(
      "  downRevision: null,",
    );
  });

  it("refuses to overwrite", () => {
    const dir = folder({});
    const file = writeRevisionFile(dir, "one", "x.ts");
    expect(file).toBe(join(dir, "x.ts"));
    expect(() => writeRevisionFile(dir, "two", "x.ts")).toThrow(/refusing to overwrite/);
    expect(readFileSync(file, "utf8")).toBe("one");
    expect(() => writeRevisionFile(join(dir, "missing"), "two", "x.ts")).toThrow(/kiln init/);
  });
});
