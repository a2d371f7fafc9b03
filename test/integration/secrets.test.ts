/**
 * A password in DATABASE_URL never reaches the user's screen or kiln's tables:
 * every command runs against the PostgreSQL server (trust auth accepts any
 * password) with postgres://postgres:s3cr3t-pw@..., successful and failing runs,
 * --sql scripts, unreachable hosts and debug output included; afterwards no
 * table and no written revision file holds the password.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const SECRET = "s3cr3t-pw";

const MODELS = `import { table, integer, varchar } from "kiln-migrate/schema";

export const widgets = table("widgets", {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
});
`;

const DRIFTED_MODELS = MODELS.replace('name: varchar(100).notNull(),', 'name: varchar(100).notNull(),\n  colour: varchar(20),');

const FAILING = revisionSource({
  revision: "ffff00000001",
  downRevision: "__PARENT__",
  message: "fails",
  upgrade: `await op.execute("INSERT INTO no_such_table VALUES ('${SECRET.length}')");`,
});

const pgUp = await serverAvailable("postgresql");

describe.runIf(pgUp)("secrets: the password in DATABASE_URL is never printed or stored", () => {
  let scratch: ScratchDatabase;
  let project: TestProject;
  let url: string;

  const withSecret = (host: string, database: string) => `postgres://postgres:${SECRET}@${host}/${database}`;

  async function kiln(args: string[], options: { url?: string; env?: Record<string, string>; code?: number } = {}): Promise<CliResult> {
    const result = await project.kiln(args, { DATABASE_URL: options.url ?? url, ...options.env });
    expect(result.stdout + result.stderr, `kiln ${args.join(" ")}`).not.toContain(SECRET);
    if (options.code !== undefined) expect(result.code, `kiln ${args.join(" ")}\n${result.stderr}`).toBe(options.code);
    return result;
  }

  beforeAll(async () => {
    scratch = await createPgDatabase();
    url = withSecret("127.0.0.1:5432", scratch.name);
    // The config names another database without a password: DATABASE_URL overrides it.
    project = createProject({ url: `postgres://postgres@127.0.0.1:5432/${scratch.name}_unused`, models: MODELS });
  });
  afterAll(async () => {
    project?.remove();
    await scratch?.drop();
  });

  it("autogenerates, upgrades and reports without printing the password", async () => {
    const created = await kiln(["revision", "--autogenerate", "-m", "create widgets"], { code: 0 });
    expect(created.stderr).toMatch(/created revision/);
    for (const file of project.revisionFiles()) expect(readFileSync(join(project.migrationsDir, file), "utf8")).not.toContain(SECRET);

    expect((await kiln(["upgrade", "head", "--sql"], { code: 0 })).stdout).toContain('CREATE TABLE "widgets"');
    expect((await kiln(["upgrade", "head"], { code: 0 })).stderr).toMatch(/upgraded/);
    expect((await kiln(["current"], { code: 0 })).stdout).toMatch(/\(head\)/);
    await kiln(["current", "--verbose", "--check-heads"], { code: 0 });
    expect((await kiln(["history", "-i"], { code: 0 })).stdout).toMatch(/\(current\)/);
    await kiln(["history", "--verbose", "--indicate-current"], { code: 0 });
    await kiln(["heads", "--verbose"], { code: 0 });
    await kiln(["branches"], { code: 0 });
    await kiln(["show", "head"], { code: 0 });
    await kiln(["check"], { code: 0 });
    await kiln(["lint", "--pending"]);
  });

  it("stamps and downgrades, online and as --sql, without printing the password", async () => {
    const head = (await kiln(["heads"], { code: 0 })).stdout.trim().split(/\s/)[0]!;
    await kiln(["stamp", "base", "--sql"], { code: 0 });
    await kiln(["stamp", "base"], { code: 0 });
    await kiln(["stamp", head], { code: 0 });
    await kiln(["downgrade", `${head}:base`, "--sql"], { code: 0 });
    await kiln(["downgrade", "-1"], { code: 0 });
    await kiln(["upgrade", "head"], { code: 0 });
  });

  it("reports failures (a failing statement, drift, debug output) without printing the password", async () => {
    const head = (await kiln(["heads"], { code: 0 })).stdout.trim().split(/\s/)[0]!;
    const failing = project.write("migrations/zz_fails.ts", FAILING.replace("__PARENT__", head));
    const failed = await kiln(["upgrade", "head"], { code: 1 });
    expect(failed.stderr).toMatch(/no_such_table/);
    await kiln(["upgrade", "head"], { code: 1, env: { KILN_DEBUG: "1" } });
    await kiln(["current", "--check-heads"], { code: 1 });
    (await import("node:fs")).rmSync(failing);

    project.write("schema.ts", DRIFTED_MODELS);
    expect((await kiln(["check"], { code: 1 })).stdout).toMatch(/colour/);
    project.write("schema.ts", MODELS);
  });

  it("runs the stairway test next to the database without printing the password", async () => {
    const stairway = await kiln(["test"], { code: 0 });
    // It names the scratch database it made, password masked.
    expect(stairway.stdout + stairway.stderr).toMatch(/postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/\S+/);
  });

  it.each([
    ["an unreachable port", () => withSecret("127.0.0.1:1", scratch.name), /ECONNREFUSED/],
    ["an unknown host", () => withSecret("kiln-no-such-host.invalid:5432", scratch.name), /ENOTFOUND|EAI_AGAIN/],
    ["a missing database", () => withSecret("127.0.0.1:5432", `${scratch.name}_nope`), /does not exist/],
    ["a malformed URL", () => `postgres://postgres:${SECRET}@:5432/${scratch.name}`, /malformed database URL/],
    ["an unescaped @ and / in the password", () => `postgres://postgres:${SECRET}@x/y@127.0.0.1:5432/${scratch.name}`, /cannot connect|malformed/],
  ] as const)("fails on %s without printing the password", async (_name, badUrl, message) => {
    for (const args of [["upgrade", "head"], ["current"], ["stamp", "head"], ["history", "-i"], ["downgrade", "base"]]) {
      const result = await kiln(args, { url: badUrl(), code: 1 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("***");
      await kiln(args, { url: badUrl(), code: 1, env: { KILN_DEBUG: "1" } });
    }
  });

  it("kept the password out of every table and every revision file", async () => {
    const tables = await queryDb(
      url,
      "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((t) => t.t)).toEqual(expect.arrayContaining(["kiln_version", "kiln_history", "widgets"]));
    for (const { s, t } of tables as { s: string; t: string }[]) {
      const rows = await queryDb(url, `SELECT * FROM "${s.replace(/"/g, '""')}"."${t.replace(/"/g, '""')}"`);
      expect(JSON.stringify(rows), `${s}.${t}`).not.toContain(SECRET);
    }
    for (const file of project.revisionFiles()) expect(readFileSync(join(project.migrationsDir, file), "utf8")).not.toContain(SECRET);
  });
});
