import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRevisions } from "../../src/revisions/load.js";
import { readStaticMetadata } from "../../src/revisions/static-metadata.js";
import { renderRevisionFile } from "../../src/revisions/write.js";

const root = mkdtempSync(join(tmpdir(), "kiln-static-"));
writeFileSync(join(root, "package.json"), '{ "type": "module" }');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const written = renderRevisionFile({
  revision: "abcdef012345",
  downRevision: ["111111111111", "222222222222"],
  message: 'it\'s a "quoted" message with \\ and \u00e9 and */',
  branchLabels: ["core"],
  dependsOn: ["333333333333"],
  upgradeBody: 'op.execute(`select ${1} / 2, \'}\'`);\nconst re = /[/}]"/g;\nop.execute("x".replace(re, ""));',
  downgradeBody: "",
  createdAt: new Date(0),
});

/** Source -> whether the static reader must read it (true) or must decline (false). */
const cases: [string, string, boolean][] = [
  ["a file kiln wrote", written, true],
  [
    "single quotes, an arrow upgrade, transactional and comments",
    `// export default { revision: "wrong" }\n/* } */ export default { revision: 'aaaaaaaaaaaa', 'downRevision': null, transactional: false, upgrade: async (op) => { op.execute("}"); }, downgrade: function (op) {}, };\n`,
    true,
  ],
  ["a method with a return type", `export default { revision: "a1", downRevision: null, async upgrade(op): Promise<void> { return; } } as const;`, true],
  ["unrelated keys with any values", `const x = 2;\nexport default { revision: "a1", downRevision: null, extra: x / 2 > 1 ? [x] : {}, upgrade() {} };\nexport const y = 1;`, true],
  ["a variable default export", `const m = { revision: "a1", downRevision: null, upgrade() {} };\nexport default m;`, false],
  ["a metadata value from a variable", `const id = "a1";\nexport default { revision: id, downRevision: null, upgrade() {} };`, false],
  ["a shorthand property", `const revision = "a1";\nexport default { revision, downRevision: null, upgrade() {} };`, false],
  ["a spread", `const base = { downRevision: null };\nexport default { revision: "a1", ...base, upgrade() {} };`, false],
  ["a spread overriding later", `export default { revision: "a1", downRevision: null, upgrade() {}, ...{ revision: "b2" } };`, false],
  ["a computed key", `const k = "revision";\nexport default { [k]: "b2", revision: "a1", downRevision: null, upgrade() {} };`, false],
  ["a getter", `export default { get revision() { return "a1"; }, downRevision: null, upgrade() {} };`, false],
  ["__proto__", `export default { __proto__: { revision: "a1" }, downRevision: null, upgrade() {} };`, false],
  ["a member access on the object", `export default { revision: "a1", downRevision: null, upgrade() {} }.x;`, false],
  ["an upgrade from a variable", `const up = () => {};\nexport default { revision: "a1", downRevision: null, upgrade: up };`, false],
  ["a template literal id", "export default { revision: `a1`, downRevision: null, upgrade() {} };", false],
  ["a division after a paren", `const v = (1 + 2) / 3;\nexport default { revision: "a1", downRevision: null, upgrade() {} };`, false],
  ["a later duplicate key", `export default { revision: "a1", downRevision: null, revision: "b2", upgrade() {} };`, true],
  ["no default export", `export const revision = "a1";`, false],
  ["an invalid id, left to the importer to report", `export default { revision: "a-1", downRevision: null, upgrade() {} };`, false],
  ["a string with escapes JSON does not know", `export default { revision: "a1", downRevision: null, message: "tab\\x09", upgrade() {} };`, false],
];

describe("readStaticMetadata", () => {
  it.each(cases)("%s", async (_name, source, readable) => {
    const metadata = readStaticMetadata(source);
    expect(metadata !== null).toBe(readable);
    if (metadata === null) return;
    // Whatever it reads must be exactly what importing the module gives.
    const dir = join(root, `case-${Math.random().toString(16).slice(2)}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "revision.ts"), source);
    const [imported] = await loadRevisions(dir, { eager: true });
    const { checksum: _c, source: _s, load: _l, prepare: _p, file: _f, ...fromImport } = imported!;
    expect(metadata).toEqual(fromImport);
  });

  it("reads what kiln writes", () => {
    expect(readStaticMetadata(written)).toEqual({
      revision: "abcdef012345",
      downRevisions: ["111111111111", "222222222222"],
      dependsOn: ["333333333333"],
      branchLabels: ["core"],
      message: 'it\'s a "quoted" message with \\ and \u00e9 and */',
      transactional: true,
      hasDowngrade: true,
    });
  });

  it("imports lazily only what it could not read", async () => {
    const dir = join(root, "mixed");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.ts"), written.replace('downRevision: ["111111111111", "222222222222"]', "downRevision: null").replace('  dependsOn: "333333333333",\n', ""));
    // Importing this file would throw: the reader must not import it.
    writeFileSync(join(dir, "b.ts"), 'throw new Error("imported");\nexport default { revision: "b1", downRevision: "abcdef012345", upgrade() {} };\n');
    const revisions = await loadRevisions(dir);
    expect(revisions.map((r) => r.revision)).toEqual(["abcdef012345", "b1"]);
    await expect(revisions[1]!.load()).rejects.toThrow(`cannot load revision file ${join(dir, "b.ts")}: imported`);
  });
});
