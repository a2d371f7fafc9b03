import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import { readStaticConfig } from "../../src/config/static-config.js";

describe("readStaticConfig", () => {
  it("reads a defineConfig literal with comments, single quotes and trailing commas", () => {
    const source = `import { defineConfig } from "kiln-migrate";

// the database
export default defineConfig({
  // DATABASE_URL overrides this
  url: "postgres://u:p@localhost:5432/db", /* inline */
  migrations: 'migrations',
  models: ["a.ts", "b.ts",],
  lockTimeoutMs: 3000,
  naming: { ck: "ck_%(table)s_%(constraint_name)s" },
});
`;
    expect(readStaticConfig(source)).toEqual({
      url: "postgres://u:p@localhost:5432/db",
      migrations: "migrations",
      models: ["a.ts", "b.ts"],
      lockTimeoutMs: 3000,
      naming: { ck: "ck_%(table)s_%(constraint_name)s" },
    });
  });

  it("reads a bare export default object", () => {
    expect(readStaticConfig(`export default { url: "pglite://memory" };`)).toEqual({ url: "pglite://memory" });
  });

  it("declines anything that is not plain data, so the file is imported instead", () => {
    const declined = [
      `import { defineConfig } from "kiln-migrate";\nexport default defineConfig({ url: process.env.DB });`,
      `import { defineConfig } from "kiln-migrate";\nconst url = "x";\nexport default defineConfig({ url });`,
      `import { defineConfig } from "kiln-migrate";\nexport default defineConfig({ url: \`pglite://\${"a"}\` });`,
      `import { defineConfig } from "kiln-migrate";\nimport other from "./other";\nexport default defineConfig({ url: "x" });`,
      `export default defineConfig({ url: "x" }); console.log("side effect");`,
      `export default [1, 2];`,
    ];
    for (const source of declined) expect(readStaticConfig(source), source).toBeUndefined();
  });
  it("reads every literal as JSON5 does", () => {
    const literals = [
      `{ url: "postgres://x", migrations: 'm', models: ["a.ts", 'b.ts',], n: 3000, f: -1.5e3, z: 0, t: true, no: false, none: null, nested: { a: [], b: {} }, }`,
      `{ "quoted": 1, 'single': "two", $d: 'x', _u: "y" }`,
      `{ esc: "a\\"b", tab: 'x\\ty', uni: "\\u00e9" }`,
      `{ hex: 0x1F, plus: +1, lead: .5, trail: 5., inf: Infinity, nan: NaN }`,
      `{ /* c */ a /* d */ : // e
        1 }`,
      `{ a: 1 } // end`,
      `{ a: "it's" }`,
    ];
    for (const literal of literals) {
      expect(readStaticConfig(`export default ${literal};`), literal).toEqual(JSON5.parse(literal));
    }
    for (const bad of [`{ a: 007 }`, `{ a: 1 b: 2 }`, `{ a: "x }`, `{ a: [1 2] }`, `{ a: 1 } extra`, `{ __proto__: { x: 1 } }`]) {
      let expected: unknown;
      try {
        expected = JSON5.parse(bad);
      } catch {
        expected = undefined;
      }
      const read = readStaticConfig(`export default ${bad};`);
      expect(read === undefined ? undefined : JSON.stringify(read), bad).toEqual(expected === undefined ? undefined : JSON.stringify(expected));
    }
  });
});
