/**
 * Issue 14 on PostgreSQL: `kiln pull` on the own fixtures (all of them in one
 * database) and on three real schemas no one here wrote (pagila, AdventureWorks,
 * danbooru), on the server: `kiln check` against the pulled models exits 0 with
 * no warning but those naming objects kiln does not model yet, and the models
 * build an empty database (autogenerate + upgrade head) whose
 * `pg_dump --schema-only` is the original's, line for line: views, functions
 * and triggers included. Aggregates and operators, which kiln does not model,
 * are loaded into the empty database first. PGlite: the own fixtures pull and
 * check clean.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { lineDiff, loadIntoPglite, loadWithPsql, withoutDumpSections } from "../helpers/pg-roundtrip.js";
import { REPO_ROOT } from "../helpers/project.js";
import { buildFromPulled, checkPulled, pullInto } from "../helpers/pull.js";
import { schemaDump } from "./autogenerate-pg-support.js";

const pgUp = await serverAvailable("postgresql");
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "pg");

/**
 * Aggregates and operators, which kiln does not model, are loaded into the
 * built database first (as a team adopting kiln keeps them in a hand-written
 * revision), with the functions they need: the pulled models find those
 * functions there already, equal, and create the rest.
 */
const STANDALONE = /^-- Name: .*; Type: (FUNCTION|AGGREGATE|OPERATOR);/;

function ownSql(): string {
  const dir = join(FIXTURES, "own");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8").replace(/^CREATE SCHEMA (?!IF NOT EXISTS)/gim, "CREATE SCHEMA IF NOT EXISTS "))
    .join("\n");
}

interface Case {
  name: string;
  sql: () => string;
  /** Functions not to load first (they need the tables), as "Type/name" patterns: the models create them. */
  notFirst?: RegExp[];
  /** SQL for the built database before the models' revision: objects kiln does not model that tables need. */
  prepare?: string;
  /** Rewrites applied to both dumps: differences kiln names but does not model (pg-real-schemas.test.ts lists each). */
  known?: ((dump: string) => string)[];
}

const CASES: Case[] = [
  // The user collation kiln does not model (issue 11's columns fixture) comes first.
  { name: "own fixtures", sql: ownSql, prepare: "CREATE SCHEMA own_cols_app; CREATE COLLATION own_cols_app.bytewise (provider = libc, locale = 'C');" },
  // rewards_report returns SETOF customer: it cannot exist before the table it returns.
  { name: "pagila", sql: () => readFileSync(join(FIXTURES, "pagila", "pagila-schema.sql"), "utf8"), notFirst: [/^FUNCTION\/rewards_report\(/] },
  {
    name: "AdventureWorks",
    sql: () => readFileSync(join(FIXTURES, "adventureworks", "schema.sql"), "utf8"),
    known: [
      (d) => d.replace(/^ALTER TABLE [^\n]* CLUSTER ON [^\n]*;\n/gm, ""),
    ],
  },
  {
    name: "danbooru",
    sql: () => readFileSync(join(FIXTURES, "danbooru", "structure.sql"), "utf8"),
    known: [
      (d) => d.replace(/^ALTER (TABLE ONLY|INDEX) [^\n]* SET STATISTICS \d+;\n/gm, ""),
      (d) => d.replaceAll("CREATE UNLOGGED TABLE", "CREATE TABLE").replace(/\)\nWITH \([^)]*\);/g, ");"),
    ],
  },
];

/** pg_dump --schema-only (schemaDump) with the unmodelled sections left out. */
async function dump(url: string, known: ((d: string) => string)[] = []): Promise<string> {
  return known.reduce((text, k) => k(text), `${await schemaDump(url)}\n`);
}

/** The fixture's functions, aggregates and operators (with the schemas they live in), for the database built from the models. */
function standaloneSql(sql: string): string {
  const sections = sql.split(/\n(?=--\n-- Name: )/);
  const kept = sections.filter((s) => STANDALONE.test(s.split("\n")[1] ?? ""));
  return ["SET check_function_bodies = false;", ...kept].join("\n");
}

describe.runIf(pgUp)("kiln pull on PostgreSQL (server)", () => {
  for (const c of CASES) {
    it(`${c.name}: pull, check exit 0, and the models build the same schema`, { timeout: 300_000 }, async () => {
      const [loaded, built] = await Promise.all([createPgDatabase(), createPgDatabase()]);
      let project: Awaited<ReturnType<typeof pullInto>> | undefined;
      try {
        const sql = c.sql();
        await loadWithPsql(loaded.url, sql);
        project = await pullInto(loaded.url, ["--json"]);
        expect(project.pull.code, project.pull.stderr).toBe(0);
        const summary = JSON.parse(project.pull.stdout) as { versionTables: { schema?: string; table: string }[] };
        const check = await checkPulled(project);
        expect(check.code, check.stdout + check.stderr).toBe(0);
        expect(check.unexpected).toEqual([]);
        // No constraint name the inferred convention gives is written out.
        const models = project.read("src/db/schema.ts");
        expect(models).not.toMatch(/primaryKey\(\{ name: "[a-z_]+_pkey"/);

        await loadWithPsql(built.url, `${c.prepare ?? ""}\n${standaloneSql(withoutDumpSections(sql, c.notFirst ?? []).sql)}`);
        expect(await buildFromPulled(project, built.url)).toBeUndefined();
        // Other tools' version tables stay in the database and out of the models: not in the built one.
        const drops = summary.versionTables.map((v) => `DROP TABLE "${v.schema ?? "public"}"."${v.table}";`);
        if (drops.length > 0) await loadWithPsql(loaded.url, drops.join("\n"));
        const [before, after] = await Promise.all([dump(loaded.url, c.known), dump(built.url, c.known)]);
        expect(lineDiff(before, after, ["loaded", "built from pulled models"])).toBe("");
      } finally {
        project?.remove();
        await Promise.all([loaded.drop(), built.drop()]);
      }
    });
  }
});

describe("kiln pull on PGlite", () => {
  // The real schemas run on the server only: PGlite reads the same Catalog, slower.
  it("own fixtures: pull, then check exit 0", { timeout: 300_000 }, async () => {
    for (const [name, sql, extensions] of [["own", ownSql(), [] as string[]]] as const) {
      const dir = tempDir("kiln-pull-pglite-");
      const url = `pglite://${join(dir.path, "db")}${extensions.length > 0 ? `?extensions=${extensions.join(",")}` : ""}`;
      let project: Awaited<ReturnType<typeof pullInto>> | undefined;
      try {
        await loadIntoPglite(url, sql);
        project = await pullInto(url);
        expect(project.pull.code, `${name}: ${project.pull.stderr}`).toBe(0);
        const check = await checkPulled(project);
        expect(check.code, `${name}: ${check.stdout}${check.stderr}`).toBe(0);
        expect(check.unexpected).toEqual([]);
      } finally {
        project?.remove();
        dir.remove();
      }
    }
  });
});
