/** Revision metadata kept by checksum between runs (src/revisions/metadata-cache.ts), as loadRevisions uses it. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadRevisions } from "../../src/revisions/load.js";

const temporary = mkdtempSync(join(tmpdir(), "kiln-metadata-cache-test-"));
const previousTmpdir = process.env.TMPDIR;
afterAll(() => rmSync(temporary, { recursive: true, force: true }));
afterEach(() => {
  if (previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpdir;
});

let count = 0;
/** A migrations folder holding `files`, and a temporary directory of its own for the cache. */
function project(files: Record<string, string>): { dir: string; cacheFolder: string } {
  const root = join(temporary, `t${++count}`);
  const dir = join(root, "migrations");
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(root, "tmp"));
  process.env.TMPDIR = join(root, "tmp");
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, cacheFolder: join(root, "tmp", `kiln-${process.getuid?.() ?? "user"}`, "revisions") };
}

const revision = (id: string, parent: string | null, message: string) => `export default {
  revision: ${JSON.stringify(id)},
  downRevision: ${JSON.stringify(parent)},
  message: ${JSON.stringify(message)},
  async upgrade(op) {
    op.execute("select 1");
  },
};
`;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const cacheFiles = (folder: string) => readdirSync(folder).filter((name) => name.endsWith(".metadata.json"));
const readCache = (folder: string) => JSON.parse(readFileSync(join(folder, cacheFiles(folder)[0]!), "utf8")) as Record<string, unknown>;

describe("revision metadata kept between runs", () => {
  it("is written on the first load, read on the next, and holds only the files of the last load", async () => {
    const a = revision("aaaaaaaaaaaa", null, "first");
    const b = revision("bbbbbbbbbbbb", "aaaaaaaaaaaa", "second");
    const { dir, cacheFolder } = project({ "a.ts": a, "b.ts": b });
    const first = await loadRevisions(dir);
    expect(first.map((r) => [r.revision, r.downRevisions, r.message, r.hasDowngrade])).toEqual([
      ["aaaaaaaaaaaa", [], "first", false],
      ["bbbbbbbbbbbb", ["aaaaaaaaaaaa"], "second", false],
    ]);
    expect(cacheFiles(cacheFolder)).toHaveLength(1);
    expect(Object.keys(readCache(cacheFolder)).sort()).toEqual([sha256(a), sha256(b)].sort());

    // The next load takes the metadata from the file: an entry edited there is what it returns.
    const file = join(cacheFolder, cacheFiles(cacheFolder)[0]!);
    const entries = readCache(cacheFolder);
    (entries[sha256(b)] as { message: string }).message = "from the cache";
    writeFileSync(file, JSON.stringify(entries));
    expect((await loadRevisions(dir)).map((r) => r.message)).toEqual(["first", "from the cache"]);

    // A changed file is read from its text; the removed text's entry goes.
    const changed = revision("bbbbbbbbbbbb", "aaaaaaaaaaaa", "second, edited");
    writeFileSync(join(dir, "b.ts"), changed);
    expect((await loadRevisions(dir)).map((r) => r.message)).toEqual(["first", "second, edited"]);
    expect(Object.keys(readCache(cacheFolder)).sort()).toEqual([sha256(a), sha256(changed)].sort());

    rmSync(join(dir, "a.ts"));
    expect((await loadRevisions(dir)).map((r) => r.revision)).toEqual(["bbbbbbbbbbbb"]);
    expect(Object.keys(readCache(cacheFolder))).toEqual([sha256(changed)]);
  });

  it("reads again from the text an entry that is not metadata, and a file that is not JSON", async () => {
    const a = revision("aaaaaaaaaaaa", null, "first");
    const { dir, cacheFolder } = project({ "a.ts": a });
    await loadRevisions(dir);
    const file = join(cacheFolder, cacheFiles(cacheFolder)[0]!);
    writeFileSync(file, JSON.stringify({ [sha256(a)]: { revision: 5, message: "wrong" } }));
    expect((await loadRevisions(dir)).map((r) => [r.revision, r.message])).toEqual([["aaaaaaaaaaaa", "first"]]);
    expect(readCache(cacheFolder)[sha256(a)]).toMatchObject({ revision: "aaaaaaaaaaaa", message: "first" });
    writeFileSync(file, "{ not json");
    expect((await loadRevisions(dir)).map((r) => r.message)).toEqual(["first"]);
  });

  it("keeps that a file's metadata needs its module, and imports it", async () => {
    // Metadata from a variable: the static reader declines, the module gives it.
    const computed = `const id = "cccccccccccc";\nexport default { revision: id, downRevision: null, message: "computed", upgrade() {} };\n`;
    const { dir, cacheFolder } = project({ "c.mjs": computed });
    expect((await loadRevisions(dir)).map((r) => r.message)).toEqual(["computed"]);
    expect(readCache(cacheFolder)).toEqual({ [sha256(computed)]: null });
    expect((await loadRevisions(dir)).map((r) => [r.revision, r.message])).toEqual([["cccccccccccc", "computed"]]);
  });

  it("is not used in a folder others can write to", async () => {
    const { dir, cacheFolder } = project({ "a.ts": revision("aaaaaaaaaaaa", null, "first") });
    mkdirSync(cacheFolder, { recursive: true });
    chmodSync(cacheFolder, 0o777);
    expect((await loadRevisions(dir)).map((r) => r.message)).toEqual(["first"]);
    expect(cacheFiles(cacheFolder)).toEqual([]);
  });
});
