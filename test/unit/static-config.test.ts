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
});
