/**
 * Drivers are optional peer dependencies, imported on first use. A missing one is
 * one message naming the package; any other import failure passes through.
 * The failing imports really run in a folder with no node_modules, so Node's own
 * "cannot find package" errors are what loadDriver sees.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type DriverPackage, driverForScheme, loadDriver } from "../../src/dialects/drivers.js";
import { KilnError } from "../../src/errors.js";

const outside = mkdtempSync(join(tmpdir(), "kiln-no-drivers-"));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

/**
 * An importer that fails as Node's own import(specifier) fails in a folder where
 * nothing is installed. Node runs the import in a child process (vitest resolves
 * imports in this process itself), and its error code and message are rethrown.
 */
function importFromEmptyFolder(specifier: string): () => Promise<unknown> {
  const script = `import(${JSON.stringify(specifier)}).then(() => process.stdout.write("{}"), (e) => process.stdout.write(JSON.stringify({ code: e.code, message: e.message })))`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: outside, encoding: "utf8" });
  const { code, message } = JSON.parse(out) as { code?: string; message?: string };
  return () => Promise.reject(Object.assign(new Error(message ?? `${specifier} was found`), { code }));
}

const cases: [DriverPackage, string, string][] = [
  ["pg", "postgres", "pg"],
  ["@electric-sql/pglite", "pglite", "@electric-sql/pglite"],
  ["mysql2", "mariadb", "mysql2/promise"],
  ["better-sqlite3", "sqlite", "better-sqlite3"],
];

describe("loadDriver", () => {
  it.each(cases)("names %s and the command that installs it when it is missing", async (pkg, scheme, specifier) => {
    const error = await loadDriver(pkg, scheme, importFromEmptyFolder(specifier)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as KilnError).message).toBe(`the ${scheme} URL needs the "${pkg}" package: npm install ${pkg}`);
    expect((error as KilnError).exitCode).toBe(1);
  });

  it("passes through a failure that is not the driver itself missing", async () => {
    // `pg-extra` is missing, not `pg`: the message must not send the user to install pg.
    const error = await loadDriver("pg", "postgres", importFromEmptyFolder("pg-extra")).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(KilnError);
    expect((error as { code?: string }).code).toBe("ERR_MODULE_NOT_FOUND");
    const thrown = new TypeError("broken driver");
    await expect(loadDriver("pg", "postgres", () => Promise.reject(thrown))).rejects.toBe(thrown);
  });

  it("returns the module when the driver is installed", async () => {
    const pg = await loadDriver("pg", "postgres", () => import("pg"));
    expect(typeof pg.default.Client).toBe("function");
  });

  it("maps every URL scheme to its driver", () => {
    expect(["postgres", "postgresql", "pglite", "mysql", "mariadb", "sqlite"].map(driverForScheme)).toEqual([
      "pg",
      "pg",
      "@electric-sql/pglite",
      "mysql2",
      "mysql2",
      "better-sqlite3",
    ]);
  });
});
