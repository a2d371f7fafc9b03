/**
 * `.env` in the project folder (the folder of kiln.config.ts) through the real CLI:
 * its DATABASE_URL is used, the environment wins over it, the config file can read
 * its variables, and messages that depend on the database name the one used
 * (password masked), so a forgotten DATABASE_URL shows as the config's default.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";

const FIRST = revisionSource({
  revision: "aaaaaaaaaaa1",
  downRevision: null,
  message: "one",
  upgrade: `await op.createTable("one", { id: { type: "integer", primaryKey: true } });`,
  downgrade: `await op.dropTable("one");`,
});

let project: TestProject;
afterEach(() => project?.remove());

describe(".env in the project folder", () => {
  it("gives DATABASE_URL, and the messages name the database it points to", async () => {
    project = createProject({ url: "sqlite://default.db" });
    project.write("migrations/one.ts", FIRST);
    project.write(".env", "# local settings\nDATABASE_URL=sqlite://from-dotenv.db\n");

    const current = await project.kiln(["current"]);
    expect(current.code).toBe(0);
    expect(current.stderr).toContain("the database is at base (no revision applied): sqlite://from-dotenv.db");

    const upgrade = await project.kiln(["upgrade", "head"]);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stderr).toContain("at aaaaaaaaaaa1 (sqlite://from-dotenv.db)");
    expect(existsSync(join(project.dir, "from-dotenv.db"))).toBe(true);
    expect(existsSync(join(project.dir, "default.db"))).toBe(false);

    const again = await project.kiln(["upgrade", "head", "--json"]);
    expect(again.stderr).toContain("nothing to do: the database sqlite://from-dotenv.db is already at head");
    expect(JSON.parse(again.stdout).database).toBe("sqlite://from-dotenv.db");
  });

  it("refusals and 'no changes' name the database too", async () => {
    project = createProject({ url: "sqlite://default.db", models: "export {};\n" });
    project.write(".env", "DATABASE_URL=sqlite://from-dotenv.db\n");
    const same = await project.kiln(["revision", "--autogenerate", "-m", "nothing"]);
    expect(same.code).toBe(0);
    expect(same.stderr).toContain("no changes: the models match the database sqlite://from-dotenv.db; no revision written");

    project.write("migrations/one.ts", FIRST);
    const behind = await project.kiln(["revision", "--autogenerate", "-m", "behind"]);
    expect(behind.code).toBe(1);
    expect(behind.stderr).toContain("the database is not up to date");
    expect(behind.stderr).toContain("database: sqlite://from-dotenv.db");
    const checkHeads = await project.kiln(["current", "--check-heads"]);
    expect(checkHeads.code).toBe(1);
    expect(checkHeads.stderr).toContain("database: sqlite://from-dotenv.db");
  });

  it("loses to a variable already in the environment", async () => {
    project = createProject({ url: "sqlite://default.db" });
    project.write(".env", "DATABASE_URL=sqlite://from-dotenv.db\n");
    const current = await project.kiln(["current"], { DATABASE_URL: "sqlite://from-shell.db" });
    expect(current.code).toBe(0);
    expect(current.stderr).toContain("(no revision applied): sqlite://from-shell.db");
  });

  it("without .env and DATABASE_URL the message names the config's default", async () => {
    project = createProject({ url: "sqlite://default.db" });
    const current = await project.kiln(["current"]);
    expect(current.stderr).toContain("(no revision applied): sqlite://default.db");
  });

  it("is read from the config file's folder, before the config file runs", async () => {
    project = createProject({ url: "sqlite://unused.db" });
    mkdirSync(join(project.dir, "app", "migrations"), { recursive: true });
    project.write(
      "app/kiln.config.ts",
      `import { defineConfig } from "kiln-migrate";\nexport default defineConfig({ url: process.env.APP_DB ?? "sqlite://no-env.db", migrations: "migrations" });\n`,
    );
    project.write("app/.env", "APP_DB=sqlite://app.db\n");
    project.write(".env", "APP_DB=sqlite://wrong-folder.db\n");
    const current = await project.kiln(["current", "--config", "app/kiln.config.ts"]);
    expect(current.code).toBe(0);
    expect(current.stderr).toContain("(no revision applied): sqlite://app.db");
  });

  it("never prints the password of a URL it holds", async () => {
    project = createProject({ url: "sqlite://default.db" });
    project.write(".env", "DATABASE_URL=postgres://app:s3cr3t-in-dotenv@127.0.0.1:1/appdb\n");
    const current = await project.kiln(["current"]);
    expect(current.code).toBe(1);
    expect(current.stderr).toContain("127.0.0.1:1/appdb");
    expect(current.stderr + current.stdout).not.toContain("s3cr3t-in-dotenv");
  });
});
