/**
 * Drivers are optional peer dependencies. kiln is installed here as a user gets
 * it (package.json, bin/, dist/ copied into node_modules/kiln-migrate) beside every
 * dependency of the repository except the drivers a project did not install:
 * the URL that needs a missing driver gets one line naming it, and the others work.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, type CliResult } from "../helpers/project.js";

const DRIVERS = ["pg", "mysql2", "better-sqlite3", "@electric-sql/pglite"];

interface Install {
  dir: string;
  kiln(args: string[], url: string): Promise<CliResult>;
  remove(): void;
}

/** A project whose node_modules holds kiln and its dependencies, with only the drivers named. */
function installWith(drivers: string[]): Install {
  const dir = mkdtempSync(join(tmpdir(), "kiln-installed-"));
  const modules = join(dir, "node_modules");
  const kilnDir = join(modules, "kiln-migrate");
  mkdirSync(kilnDir, { recursive: true });
  for (const entry of ["package.json", "bin", "dist"]) cpSync(join(REPO_ROOT, entry), join(kilnDir, entry), { recursive: true });
  const source = join(REPO_ROOT, "node_modules");
  for (const name of readdirSync(source)) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@")) {
      mkdirSync(join(modules, name));
      for (const inner of readdirSync(join(source, name))) {
        const full = `${name}/${inner}`;
        if (!DRIVERS.includes(full) || drivers.includes(full)) symlinkSync(join(source, name, inner), join(modules, name, inner), "dir");
      }
    } else if (!DRIVERS.includes(name) || drivers.includes(name)) {
      symlinkSync(join(source, name), join(modules, name), "dir");
    }
  }
  mkdirSync(join(dir, "migrations"));
  return {
    dir,
    kiln(args, url) {
      writeFileSync(
        join(dir, "kiln.config.ts"),
        `import { defineConfig } from "kiln-migrate";\nexport default defineConfig({ url: ${JSON.stringify(url)}, migrations: "migrations" });\n`,
      );
      return new Promise((resolve) => {
        const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
        delete env.DATABASE_URL;
        execFile(process.execPath, [join(kilnDir, "bin", "kiln.js"), ...args], { cwd: dir, env }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        });
      });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe("a project without mysql2", () => {
  const install = installWith(["pg", "better-sqlite3", "@electric-sql/pglite"]);
  afterAll(() => install.remove());

  it("gets one line naming the package for a mysql URL, exit 1", async () => {
    const result = await install.kiln(["current"], "mysql://root@127.0.0.1:3306/test");
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('error: the mysql URL needs the "mysql2" package: npm install mysql2');
    expect(result.stdout).toBe("");
  });

  it("works on SQLite", async () => {
    const result = await install.kiln(["current"], "sqlite://db.sqlite");
    expect(result.stderr).toContain("at base");
    expect(result.code).toBe(0);
  });
});

describe("a project with only @electric-sql/pglite", () => {
  const install = installWith(["@electric-sql/pglite"]);
  afterAll(() => install.remove());

  it("runs on the embedded database without pg", async () => {
    const result = await install.kiln(["current"], "pglite://./db");
    expect(result.stderr).toContain("at base");
    expect(result.code).toBe(0);
  });

  it("names pg for a postgres URL, better-sqlite3 for a sqlite URL", async () => {
    const pg = await install.kiln(["current"], "postgres://postgres@127.0.0.1:5432/postgres");
    expect(pg.code).toBe(1);
    expect(pg.stderr.trim()).toBe('error: the postgres URL needs the "pg" package: npm install pg');
    const sqlite = await install.kiln(["current"], "sqlite://db.sqlite");
    expect(sqlite.code).toBe(1);
    expect(sqlite.stderr.trim()).toBe('error: the sqlite URL needs the "better-sqlite3" package: npm install better-sqlite3');
  });

  it("kiln init names the driver for the URL it writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-init-"));
    try {
      const run = (args: string[], cwd = dir) =>
        new Promise<CliResult>((resolve) =>
          execFile(process.execPath, [join(install.dir, "node_modules", "kiln-migrate", "bin", "kiln.js"), ...args], { cwd }, (error, stdout, stderr) =>
            resolve({ code: error ? 1 : 0, stdout, stderr }),
          ),
        );
      const result = await run(["init", "--url", "mysql://app@db.example:3306/app"]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('the mysql URL needs the "mysql2" package');
      expect(result.stderr).toContain("npm install mysql2");
      // Run again: the config is left as it is, so there is no URL to name a driver for.
      const again = await run(["init"]);
      expect(again.stderr).toContain("left as it is");
      expect(again.stderr).not.toContain("npm install");
      mkdirSync(join(dir, "embedded"));
      const embedded = await run(["init"], join(dir, "embedded"));
      expect(embedded.stderr).toContain('the pglite URL needs the "@electric-sql/pglite" package');
      expect(embedded.stderr).toContain("npm install @electric-sql/pglite");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
