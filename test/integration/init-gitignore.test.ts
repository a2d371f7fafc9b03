/**
 * `kiln init` through the real CLI: the embedded database's folder or file goes
 * into .gitignore (created or appended, once, other lines untouched), and a URL
 * with a password goes to .env as DATABASE_URL (also ignored), never into
 * kiln.config.ts, with a warning that names no password.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/databases.js";
import { KILN_BIN, REPO_ROOT, type CliResult } from "../helpers/project.js";

let dir: { path: string; remove(): void };
afterEach(() => dir?.remove());

function kiln(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((done) => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
    delete env.DATABASE_URL;
    execFile(process.execPath, [KILN_BIN, ...args], { cwd, env }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function project(name: string): string {
  const path = join(dir.path, name);
  mkdirSync(path);
  return path;
}

const read = (path: string) => readFileSync(path, "utf8");

describe("kiln init and .gitignore", () => {
  it("creates .gitignore with the default PGlite folder, and never adds it twice", async () => {
    dir = tempDir();
    const cwd = project("fresh");
    const first = await kiln(["init"], cwd);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("ignored .kiln/ (added to .gitignore)");
    expect(read(join(cwd, ".gitignore"))).toBe(".kiln/\n");

    // A second project config in the same folder: init leaves the config, and .gitignore is not touched.
    const again = await kiln(["init"], cwd);
    expect(again.code).toBe(0);
    expect(read(join(cwd, ".gitignore"))).toBe(".kiln/\n");
  });

  it("appends to an existing .gitignore without touching its lines, and not when already listed", async () => {
    dir = tempDir();
    const cwd = project("existing");
    writeFileSync(join(cwd, ".gitignore"), "node_modules\n# build output\ndist"); // no final newline
    expect((await kiln(["init", "--url", "sqlite://app.db"], cwd)).code).toBe(0);
    expect(read(join(cwd, ".gitignore"))).toBe("node_modules\n# build output\ndist\n/app.db*\n");

    const listed = project("listed");
    writeFileSync(join(listed, ".gitignore"), "node_modules/\n/.kiln\n");
    const result = await kiln(["init"], listed);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("added to .gitignore");
    expect(read(join(listed, ".gitignore"))).toBe("node_modules/\n/.kiln\n");
  });

  it("leaves .gitignore alone for a server, a memory database or a file outside the project", async () => {
    dir = tempDir();
    for (const [name, url] of [["server", "postgres://app@localhost:5432/app"], ["memory", "pglite://memory"], ["outside", "sqlite://../elsewhere.db"]] as const) {
      const cwd = project(name);
      expect((await kiln(["init", "--url", url], cwd)).code).toBe(0);
      expect(existsSync(join(cwd, ".gitignore")), name).toBe(false);
    }
  });
});

describe("kiln init with a password in the URL", () => {
  it("writes it to .env, not the config, ignores .env, and warns without printing it", async () => {
    dir = tempDir();
    const cwd = project("secret");
    const url = "postgres://app:s3cr%23et@127.0.0.1:1/app"; // nothing listens on port 1: refused at once
    const result = await kiln(["init", "--url", url], cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning: the URL holds a password: it is written to .env as DATABASE_URL");
    expect(result.stderr + result.stdout).not.toContain("s3cr");
    const config = read(join(cwd, "kiln.config.ts"));
    expect(config).not.toContain("s3cr");
    expect(config).toContain("url: process.env.DATABASE_URL,");
    expect(read(join(cwd, ".env"))).toBe(`DATABASE_URL='${url}'\n`);
    expect(read(join(cwd, ".gitignore"))).toBe(".env\n");

    // The config then reads it from .env: kiln names the database (masked).
    mkdirSync(join(cwd, "node_modules"));
    symlinkSync(REPO_ROOT, join(cwd, "node_modules", "kiln-migrate"), "dir");
    const current = await kiln(["current"], cwd);
    expect(current.stderr).toContain("cannot connect to postgres://app:***@127.0.0.1:1/app");
    expect(current.stderr).not.toContain("s3cr");
  });

  it("keeps a DATABASE_URL already in .env, and says so", async () => {
    dir = tempDir();
    const cwd = project("kept");
    writeFileSync(join(cwd, ".env"), "DATABASE_URL=postgres://mine@localhost/mine\n");
    writeFileSync(join(cwd, ".gitignore"), ".env\n");
    const result = await kiln(["init", "--url", "mysql://root:pw@localhost/app"], cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(".env already sets DATABASE_URL and was left as it is");
    expect(read(join(cwd, ".env"))).toBe("DATABASE_URL=postgres://mine@localhost/mine\n");
    expect(read(join(cwd, ".gitignore"))).toBe(".env\n");
    expect(read(join(cwd, "kiln.config.ts"))).not.toContain("pw@");
  });
});
