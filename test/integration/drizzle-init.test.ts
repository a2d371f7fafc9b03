/**
 * `kiln init --from drizzle` on a drizzle-kit project (issue 15, item 2): a
 * drizzle.config.ts whose database URL comes from .env, a history of two
 * migrations written by the real `drizzle-kit generate` and applied by
 * drizzle-orm's migrator. kiln writes kiln.config.ts next to it, imports the
 * history with downgrades (`kiln test` passes on it), stamps the database where
 * drizzle's table says it is, `kiln check` finds nothing to change, and the next
 * schema change is a kiln revision. On the PostgreSQL server, MariaDB and SQLite.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable } from "../helpers/databases.js";
import { type DrizzleDialect, drizzleMigrate } from "../helpers/drizzle-project.js";
import { type CliResult, KILN_BIN, REPO_ROOT } from "../helpers/project.js";

const FIXTURES = join(REPO_ROOT, "test", "fixtures", "drizzle");

function run(command: string, args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
    delete env.DATABASE_URL;
    execFile(command, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Case {
  name: string;
  dialect: DrizzleDialect;
  fixture: string;
  /** A line of the fixture to add a column after. */
  anchor: string;
  added: string;
  setup(dir: string): Promise<{ url: string; credentials: string; env: string }>;
}

const cases: Case[] = [];
if (await serverAvailable("postgresql")) {
  cases.push({
    name: "PostgreSQL server",
    dialect: "postgresql",
    fixture: "pg-schema.ts",
    anchor: `    deletedAt: timestamp("deleted_at"),\n`,
    added: `    bio: text().default(""),\n`,
    async setup() {
      const db = await createPgDatabase();
      cleanups.push(() => db.drop());
      return { url: db.url, credentials: "{ url: process.env.APP_DATABASE_URL! }", env: `APP_DATABASE_URL=${db.url}\n` };
    },
  });
}
if (await serverAvailable("mysql")) {
  cases.push({
    name: "MariaDB",
    dialect: "mysql",
    fixture: "mysql-schema.ts",
    anchor: `    lastSeen: datetime("last_seen", { fsp: 3 }),\n`,
    added: `    bio: varchar({ length: 500 }).default(""),\n`,
    async setup() {
      const db = await createMysqlDatabase();
      cleanups.push(() => db.drop());
      return { url: db.url, credentials: "{ url: process.env.APP_DATABASE_URL! }", env: `APP_DATABASE_URL=${db.url}\n` };
    },
  });
}
cases.push({
  name: "SQLite",
  dialect: "sqlite",
  fixture: "sqlite-schema.ts",
  anchor: `    deletedAt: integer("deleted_at", { mode: "timestamp" }),\n`,
  added: `    bio: text().default(""),\n`,
  async setup(dir) {
    return { url: `sqlite://${join(dir, "app.db")}`, credentials: `{ url: "file:./app.db" }`, env: "" };
  },
});

describe.each(cases)("kiln init --from drizzle on $name", (c) => {
  it("writes kiln.config.ts, imports the history with working downgrades, stamps, and kiln check and the next revision work", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-drizzle-init-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(REPO_ROOT, join(dir, "node_modules", "kiln-migrate"), "dir");
    for (const pkg of ["drizzle-orm", "drizzle-kit"]) symlinkSync(join(REPO_ROOT, "node_modules", pkg), join(dir, "node_modules", pkg), "dir");
    mkdirSync(join(dir, "src", "db"), { recursive: true });
    const schema = readFileSync(join(FIXTURES, c.fixture), "utf8");
    writeFileSync(join(dir, "src", "db", "schema.ts"), schema);
    const db = await c.setup(dir);
    writeFileSync(join(dir, ".env"), db.env);
    writeFileSync(
      join(dir, "drizzle.config.ts"),
      `import { defineConfig } from "drizzle-kit";
export default defineConfig({ dialect: ${JSON.stringify(c.dialect)}, schema: "./src/db/schema.ts", out: "./drizzle", dbCredentials: ${db.credentials} });
`,
    );
    const drizzleKit = join(REPO_ROOT, "node_modules", ".bin", "drizzle-kit");
    // Two drizzle-kit migrations: the schema, then a column more.
    expect((await run(drizzleKit, ["generate"], dir)).code).toBe(0);
    writeFileSync(join(dir, "src", "db", "schema.ts"), schema.replace(c.anchor, c.anchor + c.added));
    expect((await run(drizzleKit, ["generate"], dir)).code).toBe(0);
    await drizzleMigrate(c.dialect, db.url, join(dir, "drizzle"));

    const init = await run(process.execPath, [KILN_BIN, "init", "--from", "drizzle"], dir);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stderr).toMatch(/imported 2 drizzle-kit migration\(s\)/);
    expect(init.stderr).toMatch(/stamped the database at \w{12} \(0001_\w+\.sql\)/);
    expect(init.stderr).toMatch(/kiln test: every imported revision upgrades, downgrades and upgrades again/);
    const config = readFileSync(join(dir, "kiln.config.ts"), "utf8");
    expect(config).toContain(`models: "src/db/schema.ts"`);
    expect(config).toContain(`excludeTables: ["__drizzle_migrations"]`);
    if (c.dialect === "postgresql") {
      expect(config).toContain("url: process.env.APP_DATABASE_URL");
      expect(config).toContain(`schemas: ["billing"]`);
    } else if (c.dialect === "mysql") expect(config).toContain("url: process.env.APP_DATABASE_URL");
    else expect(config).toContain(`url: "sqlite://./app.db"`);
    expect(readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".ts"))).toHaveLength(2);

    const check = await run(process.execPath, [KILN_BIN, "check"], dir);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    // From now on the Drizzle schema gives kiln revisions.
    writeFileSync(join(dir, "src", "db", "schema.ts"), schema.replace(c.anchor, c.anchor + c.added + `    nickname: text(),\n`));
    const revision = await run(process.execPath, [KILN_BIN, "revision", "--autogenerate", "-m", "nickname"], dir);
    expect(revision.code, revision.stderr).toBe(0);
    expect(revision.stderr).toMatch(/\+ column users\.nickname/);
    expect((await run(process.execPath, [KILN_BIN, "upgrade", "head"], dir)).code).toBe(0);
    const after = await run(process.execPath, [KILN_BIN, "check"], dir);
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });
});
