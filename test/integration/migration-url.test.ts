/**
 * A separate migration URL, through the real CLI: KILN_MIGRATION_URL, then the
 * config's `migrationUrl`, then DATABASE_URL, then `url` (the app's, e.g. through
 * a pooler). Each run names the database it used, and the file it wrote shows it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";

const FIRST = revisionSource({
  revision: "b1a2c3d4e5f6",
  downRevision: null,
  message: "one",
  upgrade: `await op.createTable("one", { id: { type: "integer", primaryKey: true } });`,
  downgrade: `await op.dropTable("one");`,
});

let project: TestProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

function withMigrationUrl(): TestProject {
  const made = createProject({ url: "sqlite://app.db", extraConfig: `migrationUrl: "sqlite://direct.db",` });
  made.write("migrations/one.ts", FIRST);
  return made;
}

describe("migrationUrl and KILN_MIGRATION_URL", () => {
  it("the config's migrationUrl wins over url and DATABASE_URL", async () => {
    project = withMigrationUrl();
    const upgrade = await project.kiln(["upgrade", "head"], { DATABASE_URL: "sqlite://pooled.db" });
    expect(upgrade.code).toBe(0);
    expect(upgrade.stderr).toContain("at b1a2c3d4e5f6 (sqlite://direct.db)");
    expect(existsSync(join(project.dir, "direct.db"))).toBe(true);
    expect(existsSync(join(project.dir, "pooled.db"))).toBe(false);
    expect(existsSync(join(project.dir, "app.db"))).toBe(false);
  });

  it("KILN_MIGRATION_URL wins over migrationUrl, DATABASE_URL and url, from the environment or .env", async () => {
    project = withMigrationUrl();
    const fromShell = await project.kiln(["current"], { KILN_MIGRATION_URL: "sqlite://shell.db", DATABASE_URL: "sqlite://pooled.db" });
    expect(fromShell.code).toBe(0);
    expect(fromShell.stderr).toContain("(no revision applied): sqlite://shell.db");

    project.write(".env", "KILN_MIGRATION_URL=sqlite://from-dotenv.db\nDATABASE_URL=sqlite://pooled.db\n");
    const upgrade = await project.kiln(["upgrade", "head"]);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stderr).toContain("at b1a2c3d4e5f6 (sqlite://from-dotenv.db)");
    expect(existsSync(join(project.dir, "from-dotenv.db"))).toBe(true);
    expect(existsSync(join(project.dir, "direct.db"))).toBe(false);
  });

  it("without either, DATABASE_URL and url keep their order; an empty KILN_MIGRATION_URL counts as unset", async () => {
    project = createProject({ url: "sqlite://app.db" });
    const current = await project.kiln(["current"], { KILN_MIGRATION_URL: " ", DATABASE_URL: "sqlite://pooled.db" });
    expect(current.stderr).toContain("(no revision applied): sqlite://pooled.db");
    const fallback = await project.kiln(["current"]);
    expect(fallback.stderr).toContain("(no revision applied): sqlite://app.db");
  });

  it("a migrationUrl that is not a string is refused naming the file and key", async () => {
    project = createProject({ url: "sqlite://app.db", extraConfig: "migrationUrl: 5432," });
    const current = await project.kiln(["current"]);
    expect(current.code).toBe(1);
    expect(current.stderr).toContain("kiln.config.ts: `migrationUrl` must be a string, got 5432");
  });

  it("a url given in code wins over KILN_MIGRATION_URL and the file's migrationUrl", async () => {
    project = withMigrationUrl();
    const env = { KILN_MIGRATION_URL: "sqlite://shell.db" };
    const fromFile = await loadConfig({ cwd: project.dir, env });
    expect(fromFile.url?.display).toBe("sqlite://shell.db");
    const inCode = await loadConfig({ cwd: project.dir, config: "kiln.config.ts", url: "sqlite://code.db", env });
    expect(inCode.url?.display).toBe("sqlite://code.db");
  });
});
