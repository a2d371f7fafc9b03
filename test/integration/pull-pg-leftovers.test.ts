/**
 * Issue 14's leftovers for `kiln pull` on PostgreSQL: string defaults written as
 * JavaScript strings where PostgreSQL stores the plain literal that way
 * (`'active'::character varying` -> `.default("active")`), grants where the config
 * asks for them (`grants: [roles]`; on functions and procedures too, and EXECUTE revoked from
 * PUBLIC, PostgreSQL's default on them, when `public` is managed), and comments on schemas. On the server:
 * pull, `kiln check` exits 0 with no warning, and the models build an empty
 * database whose `pg_dump --schema-only` (privileges and comments included) is
 * the original's, line for line. PGlite: pull, then check exit 0.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPgDatabase, PG_ADMIN_URL, serverAvailable, tempDir } from "../helpers/databases.js";
import { lineDiff, loadIntoPglite, loadWithPsql } from "../helpers/pg-roundtrip.js";
import { createProject, warningLines } from "../helpers/project.js";
import { schemaDump } from "./autogenerate-pg-support.js";

const pgUp = await serverAvailable("postgresql");

function fixture(reader: string, writer: string): string {
  const grants = reader === ""
    ? ""
    : `
GRANT USAGE ON SCHEMA pl_app TO ${reader};
GRANT SELECT, INSERT ON TABLE pl_app.people TO ${reader};
GRANT SELECT ON TABLE pl_app.people TO ${writer} WITH GRANT OPTION;
GRANT UPDATE ON TABLE pl_app.people TO ${writer};
GRANT UPDATE (note) ON TABLE pl_app.people TO ${reader};
GRANT SELECT ON TABLE public.active_people TO ${reader};
GRANT USAGE ON SEQUENCE pl_app.ticket_no TO ${writer};
GRANT EXECUTE ON FUNCTION pl_app.touch(integer, text) TO ${reader};
GRANT EXECUTE ON PROCEDURE pl_app.tidy() TO ${writer} WITH GRANT OPTION;
REVOKE ALL ON FUNCTION pl_app.secret() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pl_app.secret() TO ${reader};
`;
  // PGlite (no roles): EXECUTE revoked from PUBLIC, named by pull unless the config manages PUBLIC's grants.
  const revoked = reader === "" ? "REVOKE ALL ON FUNCTION pl_app.touch(integer, text) FROM PUBLIC;" : "";
  return `
CREATE SCHEMA pl_app;
COMMENT ON SCHEMA pl_app IS 'The application''s own tables';
CREATE SCHEMA pl_empty;
COMMENT ON SCHEMA pl_empty IS 'Nothing here yet';
CREATE TYPE pl_app.mood AS ENUM ('happy', 'sad');
CREATE SEQUENCE pl_app.ticket_no;
CREATE TABLE pl_app.people (
    id integer PRIMARY KEY,
    status character varying(20) NOT NULL DEFAULT 'active',
    code character(3) DEFAULT 'abc',
    note text DEFAULT 'it''s
two lines',
    empty text DEFAULT '',
    kind character varying DEFAULT 'plain',
    mood pl_app.mood DEFAULT 'happy',
    cast_text character varying(5) DEFAULT 'x'::text,
    id_text uuid DEFAULT '00000000-0000-0000-0000-000000000000'
);
CREATE FUNCTION pl_app.touch(n integer, label text) RETURNS integer LANGUAGE sql AS 'SELECT n';
CREATE PROCEDURE pl_app.tidy() LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION pl_app.secret() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE VIEW public.active_people AS SELECT id, status FROM pl_app.people WHERE status = 'active';
${grants}${revoked}`;
}

/** pg_dump --schema-only with privileges, without kiln's tables, settings, comment lines and blank lines. */
async function dump(url: string): Promise<string> {
  return `${await schemaDump(url, { privileges: true })}\n`;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A project whose config reads the database from DATABASE_URL (else `url`), with `extra` config lines. */
function project(url: string, extra: string) {
  const p = createProject({ url });
  p.write(
    "kiln.config.ts",
    `import { defineConfig } from "kiln-migrate";
export default defineConfig({
  url: process.env.DATABASE_URL ?? ${JSON.stringify(url)},
  migrations: "migrations",
  models: "schema.ts",
  ${extra}
});
`,
  );
  return p;
}

describe.runIf(pgUp)("kiln pull: string defaults, grants and schema comments on the server", () => {
  it("pull, check exit 0, and the models build the same schema, privileges and comments included", { timeout: 240_000 }, async () => {
    const suffix = randomBytes(4).toString("hex");
    const [reader, writer] = [`kiln_pr_r_${suffix}`, `kiln_pr_w_${suffix}`];
    await admin(`CREATE ROLE "${reader}"; CREATE ROLE "${writer}"`);
    const [loaded, built] = await Promise.all([createPgDatabase(), createPgDatabase()]);
    const p = project(loaded.url, `grants: ${JSON.stringify([reader, writer, "public"])},`);
    try {
      await loadWithPsql(loaded.url, fixture(reader, writer));
      const pulled = await p.kiln(["pull"]);
      expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
      const models = p.read("schema.ts");
      expect(models).toContain('status: varchar(20).notNull().default("active")');
      expect(models).toContain('.default("abc")');
      expect(models).toContain('.default("it\'s\\ntwo lines")');
      expect(models).toContain('.default("")');
      expect(models).toContain('.default("happy")');
      // Written with a cast of another type: kept as SQL.
      expect(models).toContain(".default(sql`'x'::text`)");
      expect(models).toMatch(/grant\(\["insert", "select"\], people, "kiln_pr_r_\w+"\)/);
      expect(models).toMatch(/grant\("update", people, "kiln_pr_r_\w+", \{ columns: \["note"\] \}\)/);
      expect(models).toMatch(/grant\("select", people, "kiln_pr_w_\w+", \{ withGrantOption: true \}\)/);
      expect(models).toMatch(/grant\("usage", \{ schema: "pl_app" \}, "kiln_pr_r_\w+"\)/);
      // Function and procedure grants, named with their argument types.
      expect(models).toMatch(/grant\("execute", \{ function: "touch\(integer, text\)", schema: "pl_app" \}, "kiln_pr_r_\w+"\)/);
      expect(models).toMatch(/grant\("execute", \{ procedure: "tidy\(\)", schema: "pl_app" \}, "kiln_pr_w_\w+", \{ withGrantOption: true \}\)/);
      // PUBLIC's EXECUTE: PostgreSQL's default is not written out (touch's ACL lists it); revoked, it is.
      expect(models).toContain(`export const secretPublicRevoked = revokePublic({ function: "secret()", schema: "pl_app" });`);
      expect(models).not.toMatch(/grant\([^)]*"public"\)/);
      expect(models).toContain(`comment: "The application's own tables"`);

      const check = await p.kiln(["check"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(warningLines(`${check.stdout}\n${check.stderr}`)).toEqual([]);

      for (const args of [["revision", "--autogenerate", "-m", "build"], ["upgrade", "head"]]) {
        const r = await p.kiln(args, { DATABASE_URL: built.url });
        expect(r.code, `kiln ${args.join(" ")}: ${r.stdout}\n${r.stderr}`).toBe(0);
      }
      const [before, after] = await Promise.all([dump(loaded.url), dump(built.url)]);
      expect(before).toContain("COMMENT ON SCHEMA pl_app");
      expect(before).toContain(`GRANT SELECT,INSERT ON TABLE pl_app.people TO ${reader}`);
      expect(before).toContain(`GRANT ALL ON FUNCTION pl_app.touch(n integer, label text) TO ${reader}`);
      expect(before).toContain("REVOKE ALL ON FUNCTION pl_app.secret() FROM PUBLIC;");
      expect(lineDiff(before, after, ["loaded", "built from pulled models"])).toBe("");
    } finally {
      p.remove();
      await Promise.all([loaded.drop(), built.drop()]);
      await admin(`DROP ROLE IF EXISTS "${reader}"; DROP ROLE IF EXISTS "${writer}"`);
    }
  });
});

describe("kiln pull: string defaults and schema comments on PGlite", () => {
  it("pull, then check exit 0 with no warning", { timeout: 240_000 }, async () => {
    const dir = tempDir("kiln-pull-pglite-");
    const url = `pglite://${join(dir.path, "db")}`;
    const p = project(url, "");
    try {
      await loadIntoPglite(url, fixture("", ""));
      const pulled = await p.kiln(["pull"]);
      expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
      const models = p.read("schema.ts");
      expect(models).toContain('.default("active")');
      expect(models).toContain(`comment: "Nothing here yet"`);
      expect(warningLines(pulled.stderr)).toEqual([
        "EXECUTE revoked from PUBLIC on function pl_app.touch(integer, text) is not modelled by kiln: it stays in the database and out of the models, and a database built from the models lacks it (keep its CREATE statement in a revision: op.execute)",
      ]);
      const check = await p.kiln(["check"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(warningLines(`${check.stdout}\n${check.stderr}`)).toEqual([]);
    } finally {
      p.remove();
      dir.remove();
    }
  });
});

describe("kiln pull: EXECUTE revoked from PUBLIC on PGlite, with grants managed", () => {
  it("pull writes revokePublic, names nothing, and check exits 0 with no warning", { timeout: 240_000 }, async () => {
    const dir = tempDir("kiln-pull-pglite-");
    const url = `pglite://${join(dir.path, "db")}`;
    const p = project(url, "grants: true,");
    try {
      await loadIntoPglite(url, fixture("", ""));
      const pulled = await p.kiln(["pull"]);
      expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
      expect(warningLines(pulled.stderr)).toEqual([]);
      expect(p.read("schema.ts")).toContain(`revokePublic({ function: "touch(integer, text)", schema: "pl_app" })`);
      const check = await p.kiln(["check"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(warningLines(`${check.stdout}\n${check.stderr}`)).toEqual([]);
    } finally {
      p.remove();
      dir.remove();
    }
  });
});
