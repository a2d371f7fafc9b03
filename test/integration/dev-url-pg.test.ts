/**
 * A dev database for canonicalization (config `devUrl`, `--dev-url`,
 * src/commands/dev-database.ts) on the PostgreSQL 15 server: with it,
 * `kiln check` and `kiln revision --autogenerate` create nothing on the target,
 * not even in a rolled-back transaction. Shown with a role that may read the
 * target but create nothing in it (no CREATE on the database, none on schema
 * public): with the dev database it gets exactly the real differences, the same
 * as a superuser spelling on the target; without it, spelling on the target
 * fails for lack of privilege. A dev database of another major version
 * (PGlite is PostgreSQL 17+) and the target itself are refused.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, PG_ADMIN_URL, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";
import { createProject, type TestProject } from "../helpers/project.js";

const pgUp = await serverAvailable("postgresql");

/** The database as it stands: a check on numeric (PostgreSQL adds a cast), a default, an enum, a partial expression index. */
const SCHEMA = `
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE items (
  id integer CONSTRAINT pk_items PRIMARY KEY,
  label varchar(40) DEFAULT 'x',
  amount numeric(12,2) NOT NULL DEFAULT 0,
  mood mood DEFAULT 'happy',
  CONSTRAINT items_amount CHECK (amount >= 0)
);
CREATE INDEX items_lower ON items (lower(label)) WHERE amount > 0;
`;

/** The same, plus one column with a default and a check of its own: exactly two changes. */
const MODELS = `import { check, enumType, index, integer, numeric, sql, table, varchar } from "kiln-migrate/schema";
export const mood = enumType("mood", ["happy", "sad"]);
export const items = table("items", {
  id: integer("id").primaryKey(),
  label: varchar("label", { length: 40 }).default(sql\`'x'\`),
  amount: numeric("amount", { precision: 12, scale: 2 }).notNull().default(sql\`0\`),
  mood: mood("mood").default("happy"),
  weight: numeric("weight", { precision: 8, scale: 3 }).default(sql\`1.5\`),
}, (t) => [
  check("items_amount", sql\`\${t.amount} >= 0\`),
  check("items_weight", sql\`\${t.weight} > 0\`),
  index("items_lower").on(sql\`lower(\${t.label})\`).where(sql\`\${t.amount} > 0\`),
]);
`;

async function run(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = "";
  return u.toString();
}

/** Schemas, relations and types in the target: what a scratch build would add. */
async function objects(url: string): Promise<number> {
  const { rows } = await run(
    url,
    "SELECT (SELECT count(*) FROM pg_namespace) + (SELECT count(*) FROM pg_class) + (SELECT count(*) FROM pg_type) AS n",
  );
  return Number(rows[0].n);
}

describe.runIf(pgUp)("devUrl: canonicalization in a dev database", () => {
  let target: ScratchDatabase;
  let dev: ScratchDatabase;
  let project: TestProject;
  const role = `kiln_t_reader_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    target = await createPgDatabase();
    dev = await createPgDatabase();
    await run(target.url, SCHEMA);
    // Roles are the server's: a unique name, dropped after. It may connect and read, never create.
    await run(PG_ADMIN_URL, `CREATE ROLE "${role}" LOGIN`);
    await run(target.url, `REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO "${role}"; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${role}"`);
    await run(PG_ADMIN_URL, `REVOKE CREATE ON DATABASE "${target.name}" FROM PUBLIC`);
    project = createProject({ url: asRole(target.url, role), models: MODELS });
  }, 60_000);

  afterAll(async () => {
    project?.remove();
    await target?.drop();
    await dev?.drop();
    await run(PG_ADMIN_URL, `DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
  });

  it("finds exactly the real changes with a role that cannot create anything on the target", { timeout: 120_000 }, async () => {
    const before = await objects(target.url);
    const env = { KILN_SPELLING_CACHE: "off" };
    const checked = await project.kiln(["check", "--json", "--dev-url", dev.url], env);
    expect(checked.stderr).not.toMatch(/permission denied/);
    const result = JSON.parse(checked.stdout) as { clean: boolean; changes: string[] };
    expect(result.clean).toBe(false);
    expect(result.changes).toHaveLength(2);
    expect(result.changes[0]).toMatch(/column items\.weight/);
    expect(result.changes[1]).toMatch(/check items_weight/);
    expect(checked.code).toBe(1);

    // The same through the config's devUrl, and autogenerate writes only the new column and its check.
    const written = await project.kiln(["revision", "--autogenerate", "-m", "weight"], { ...env, KILN_DEV_URL: dev.url });
    expect(written.code, written.stderr).toBe(0);
    const [file] = project.revisionFiles();
    const text = project.read(`migrations/${file}`);
    expect(text).toMatch(/addColumn\("items", "weight"/);
    expect(text).toMatch(/items_weight/);
    expect(text).not.toMatch(/items_amount|items_lower|alterColumn/);
    expect(await objects(target.url)).toBe(before);
    // Not applied: the tests below need the database at head.
    rmSync(join(project.migrationsDir, file!));

    // A superuser spelling on the target (no dev database) finds the same one change.
    const superuser = createProject({ url: target.url, models: MODELS });
    try {
      const onTarget = await superuser.kiln(["check", "--json"], env);
      expect((JSON.parse(onTarget.stdout) as { changes: string[] }).changes).toEqual(result.changes);
    } finally {
      superuser.remove();
    }
  });

  it("without a dev database the role cannot spell on the target", { timeout: 60_000 }, async () => {
    const checked = await project.kiln(["check"], { KILN_SPELLING_CACHE: "off" });
    expect(checked.code).not.toBe(0);
    expect(checked.stderr).toMatch(/permission denied/);
  });

  it("refuses a dev database of another major version, and the target itself", { timeout: 120_000 }, async () => {
    const pglite = await project.kiln(["check", "--dev-url", "pglite://memory"], { KILN_SPELLING_CACHE: "off" });
    expect(pglite.code).not.toBe(0);
    expect(pglite.stderr).toMatch(/dev database pglite:\/\/memory runs PostgreSQL 1[7-9], the target .* runs PostgreSQL 15: kiln refuses/);
    const self = await project.kiln(["check", "--dev-url", asRole(target.url, role)], { KILN_SPELLING_CACHE: "off" });
    expect(self.code).not.toBe(0);
    expect(self.stderr).toMatch(/names the target database itself/);
  });
});
