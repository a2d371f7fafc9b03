/** The folder of compiled revision files: keyed by all the output depends on, and used only when it is the user's own. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

const temporary = mkdtempSync(join(tmpdir(), "kiln-cache-test-"));
const previousTmpdir = process.env.TMPDIR;
afterAll(() => rmSync(temporary, { recursive: true, force: true }));
afterEach(() => {
  if (previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpdir;
});

let count = 0;
/** A fresh copy of the module (its folder is decided once per process) under a temporary directory of its own. */
async function freshCache() {
  const root = join(temporary, `t${++count}`);
  mkdirSync(root);
  process.env.TMPDIR = root;
  vi.resetModules();
  return { root, cache: await import("../../src/revisions/compile-cache.js"), direct: await import("../../src/revisions/direct-import.js") };
}

const folderOf = (root: string) => join(root, `kiln-${process.getuid?.() ?? "user"}`, "revisions");

describe("compiled revision files on disk", () => {
  it("gives a later compile of the same file the code of the first, from disk", async () => {
    const { root, direct } = await freshCache();
    const project = join(root, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
    const file = join(project, "a.ts");
    const source = 'export default { revision: "aaaaaaaaaaaa", downRevision: null, upgrade(op) { op.execute("x"); } };\n';
    const first = await direct.compileRevision(file, source);
    expect(first?.format).toBe("esm");
    expect(readdirSync(folderOf(root))).toHaveLength(1);
    // Same file and text: read back, byte for byte.
    expect(await direct.compileRevision(file, source)).toEqual(first);
    // Another text or another path is another entry.
    await direct.compileRevision(file, source.replace('"x"', '"y"'));
    await direct.compileRevision(join(project, "b.ts"), source);
    expect(readdirSync(folderOf(root)).filter((name) => name.endsWith(".js"))).toHaveLength(3);
  });

  it("keys entries by file, text and module format", async () => {
    const { cache } = await freshCache();
    const key = cache.cacheKey("/p/a.ts", "text", "esm");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.cacheKey("/p/a.ts", "text", "esm")).toBe(key);
    expect(new Set([key, cache.cacheKey("/p/b.ts", "text", "esm"), cache.cacheKey("/p/a.ts", "text2", "esm"), cache.cacheKey("/p/a.ts", "text", "cjs")]).size).toBe(4);
  });

  it.skipIf(process.platform === "win32")("does not use a folder others can write to", async () => {
    const { root, cache } = await freshCache();
    const shared = join(root, `kiln-${process.getuid?.() ?? "user"}`);
    mkdirSync(join(shared, "revisions"), { recursive: true });
    chmodSync(shared, 0o777);
    const key = cache.cacheKey("/p/a.ts", "text", "esm");
    cache.writeCompiled(key, "code");
    expect(cache.readCompiled(key)).toBeUndefined();
    expect(readdirSync(join(shared, "revisions"))).toEqual([]);
  });
});
