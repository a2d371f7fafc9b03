/**
 * Issue 14 on PostgreSQL: `kiln pull` on the own fixtures (all of them in one
 * database, with the server-only extensions and columns on the server) and on
 * three real schemas no one here wrote (pagila, AdventureWorks, danbooru), on
 * the server and on PGlite:
 * - pull, then `kiln check` exits 0, and its only warnings are the objects kiln
 *   does not model, each listed here (`unmodelled`: none on these schemas
 *   now that aggregates, operators and collations are modelled), none other (the own
 *   fixtures' grants are pulled: the config says `grants: true`), and pull
 *   itself named the same objects as it left them out of the models;
 * - the models spell out no constraint or index name the naming convention
 *   pull wrote into the config gives;
 * - the models build an empty database (autogenerate + upgrade head) whose
 *   `pg_dump --schema-only` is the original's, line for line, on the server
 *   (views, functions, triggers, storage settings, privileges included: no rewrite), and
 *   whose Catalog is the original's on PGlite (pg_dump cannot read PGlite).
 * What kiln does not model is loaded into the built database first, as a team
 * adopting kiln keeps it in a hand-written revision.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { lineDiff, loadIntoPglite, loadWithPsql, withoutDumpSections } from "../helpers/pg-roundtrip.js";
import { REPO_ROOT, warningLines } from "../helpers/project.js";
import { buildFromPulled, checkPulled, namesTheConventionGives, type PulledProject, pullInto } from "../helpers/pull.js";
import { readCatalog, schemaDump } from "./autogenerate-pg-support.js";

const pgUp = await serverAvailable("postgresql");
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "pg");
type Target = "server" | "pglite";

/**
 * Functions are loaded into the built database first (but those in
 * `notFirst`): the pulled models find them there already, equal, and create
 * the rest. Aggregates and operators are modelled: the models create them.
 */
const STANDALONE = /^-- Name: .*; Type: FUNCTION;/;

const read = (...path: string[]) => readFileSync(join(FIXTURES, ...path), "utf8");

function ownSql(target: Target): string {
  const dir = join(FIXTURES, "own");
  const own = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => read("own", f));
  // The parts of the own fixtures that need the server (contrib extensions, ICU) or PostgreSQL 18 (PGlite).
  const extra = target === "server" ? [read("own", "columns", "server.sql"), read("server-only", "extensions.sql")] : [read("own", "columns", "pg18.sql")];
  return [...own, ...extra].join("\n").replace(/^CREATE SCHEMA (?!IF NOT EXISTS)/gim, "CREATE SCHEMA IF NOT EXISTS ");
}

interface Case {
  name: string;
  sql: (target: Target) => string;
  /** check's warnings, all of them: objects kiln does not model. Each must still be named. */
  unmodelled: RegExp[];
  /** Functions not to load first (they need the tables), as "Type/name" patterns: the models create them. */
  notFirst?: RegExp[];
  /** True when the models create everything: nothing of the fixture is loaded into the built database first. */
  modelsBuildAll?: boolean;
  /** SQL for the built database before the models' revision: objects kiln does not model that tables need. */
  prepare?: string;
  /** Contrib extensions the schema creates: PGlite loads them (`?extensions=`). */
  extensions?: string[];
  /** Extensions PGlite does not ship (left out there; pg-real-schemas.test.ts asserts they are still missing). */
  pgliteLacks?: string[];
  /** What the models must not spell out (names the config's naming gives). */
  notInModels?: RegExp[];
  /** Config lines pull runs with (`grants: true,`: the grants are pulled, and the dumps compared with privileges). */
  config?: string;
}

const CASES: Case[] = [
  {
    name: "own fixtures",
    sql: ownSql,
    // The roles of the grants come first (kiln does not create roles; a PGlite database is a cluster of its
    // own). The user collation of issue 11's columns fixture is pulled: the models create it.
    prepare: ["kiln_rls_reader", "kiln_rls_writer"].map((r) => `DO $$ BEGIN CREATE ROLE ${r} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`).join("\n"),
    // The rls fixture's grants (tables, columns, a sequence, a schema, PUBLIC) are pulled and built too.
    config: "grants: true,",
    unmodelled: [],
  },
  {
    name: "pagila",
    sql: () => read("pagila", "pagila-schema.sql"),
    // Everything is modelled, the aggregate group_concat(text) and its state function _group_concat(text, text) included.
    modelsBuildAll: true,
    unmodelled: [],
  },
  {
    name: "AdventureWorks",
    sql: () => read("adventureworks", "schema.sql"),
    unmodelled: [],
    extensions: ["uuid-ossp", "tablefunc"],
  },
  {
    name: "danbooru",
    sql: () => read("danbooru", "structure.sql"),
    // The operator ~<< and its function are pulled, and created by the models.
    unmodelled: [],
    notFirst: [/^FUNCTION\/reverse_textregexeq\(/],
    extensions: ["btree_gin", "fuzzystrmatch", "pg_trgm", "pgcrypto", "pgstattuple"],
    pgliteLacks: ["pgstattuple"],
    // Rails names its 93 foreign keys fk_rails_<hash of table and column>: the config's fk_rails_%(rails_fk_hash)s gives them.
    notInModels: [/"fk_rails_/],
  },
];

interface PullSummary {
  versionTables: { schema?: string; table: string }[];
  naming: Record<string, string>;
  schemas: string[];
}

/** The fixture's SQL for a target (PGlite: without the extensions it lacks). */
function fixtureSql(c: Case, target: Target): string {
  const lacks = target === "pglite" ? (c.pgliteLacks ?? []) : [];
  return withoutDumpSections(c.sql(target), lacks.flatMap((e) => [`EXTENSION/${e}`, `COMMENT/EXTENSION ${e}`])).sql;
}

/** The fixture's functions and aggregates, for the database built from the models. */
function standaloneSql(c: Case, sql: string): string {
  if (c.modelsBuildAll) return c.prepare ?? "";
  const sections = withoutDumpSections(sql, c.notFirst ?? []).sql.split(/\n(?=--\n-- Name: )/);
  const kept = sections.filter((s) => STANDALONE.test(s.split("\n")[1] ?? ""));
  return [c.prepare ?? "", "SET check_function_bodies = false;", ...kept].join("\n");
}

/**
 * Pull from `loaded` (loaded already), check, look at the names, build `built`
 * (the standalone objects loaded already): the pulled project and its summary.
 */
async function pullCheckBuild(c: Case, target: Target, loaded: string, built: string, use: (p: PulledProject) => void): Promise<PullSummary> {
  const project = await pullInto(loaded, ["--json"], c.config);
  use(project);
  expect(project.pull.code, project.pull.stderr).toBe(0);
  const summary = JSON.parse(project.pull.stdout) as PullSummary;
  const check = await checkPulled(project);
  expect(check.code, check.stdout + check.stderr).toBe(0);
  expect(check.unexpected).toEqual([]);
  // Every warning is an object kiln does not model, listed in the case; each listed one is still named.
  expect(check.unmodelled.filter((w) => !c.unmodelled.some((p) => p.test(w)))).toEqual([]);
  for (const pattern of c.unmodelled) expect(check.unmodelled.some((w) => pattern.test(w)), `no warning matches ${pattern} any more`).toBe(true);
  // pull named the same objects, as it left them out of the models.
  const named = (lines: string[]) => lines.map((w) => w.replace(/ is not modelled by kiln.*$/, "")).sort();
  expect(named(warningLines(project.pull.stderr))).toEqual(named(check.unmodelled));
  // No constraint or index name the inferred convention gives is written out (the same Catalog on PGlite).
  for (const pattern of c.notInModels ?? []) expect(project.read(project.models)).not.toMatch(pattern);
  if (target === "server") expect(await namesTheConventionGives(loaded, project.read(project.models), summary.naming, { schemas: summary.schemas })).toEqual([]);
  expect(await buildFromPulled(project, built)).toBeUndefined();
  return summary;
}

/** Other tools' version tables stay in the database and out of the models: not in the built one. */
function dropVersionTables(summary: PullSummary): string {
  return summary.versionTables.map((v) => `DROP TABLE "${v.schema ?? "public"}"."${v.table}";`).join("\n");
}

/**
 * The Catalog as JSON without where each sequence stands (`value`: data, which pg_dump
 * --schema-only leaves out; a column's sequence with nothing else to say is not carried).
 */
async function catalogText(url: string): Promise<string> {
  const withoutValues = JSON.parse(JSON.stringify(await readCatalog(url), (key, v) => (key === "value" && v?.last !== undefined ? undefined : v)));
  return JSON.stringify(withoutValues, (key, v) => (key === "sequence" && v && Object.keys(v).join() === "name" ? undefined : v), 2);
}

describe.runIf(pgUp)("kiln pull on PostgreSQL (server)", () => {
  for (const c of CASES) {
    it(`${c.name}: pull, check exit 0 naming only what kiln does not model, and the models build the same pg_dump`, { timeout: 300_000 }, async () => {
      const [loaded, built] = await Promise.all([createPgDatabase(), createPgDatabase()]);
      let project: PulledProject | undefined;
      try {
        const sql = fixtureSql(c, "server");
        await Promise.all([loadWithPsql(loaded.url, sql), loadWithPsql(built.url, standaloneSql(c, sql))]);
        const summary = await pullCheckBuild(c, "server", loaded.url, built.url, (p) => (project = p));
        const drops = dropVersionTables(summary);
        if (drops !== "") await loadWithPsql(loaded.url, drops);
        const privileges = c.config?.includes("grants") ?? false;
        const [before, after] = await Promise.all([schemaDump(loaded.url, { privileges }), schemaDump(built.url, { privileges })]);
        expect(lineDiff(`${before}\n`, `${after}\n`, ["loaded", "built from pulled models"])).toBe("");
      } finally {
        project?.remove();
        await Promise.all([loaded.drop(), built.drop()]);
      }
    });
  }
});

describe.runIf(pgUp)("kiln pull --baseline on PostgreSQL (server)", () => {
  it("pagila: a first revision, the database stamped at it; it builds the same pg_dump, and its downgrade takes the database back", { timeout: 300_000 }, async () => {
    const c = CASES.find((x) => x.name === "pagila")!;
    const [loaded, built] = await Promise.all([createPgDatabase(), createPgDatabase()]);
    let project: PulledProject | undefined;
    try {
      const sql = fixtureSql(c, "server");
      // The database starts empty: the baseline creates everything, the aggregate group_concat and its state function included.
      await loadWithPsql(loaded.url, sql);
      const empty = await schemaDump(built.url);
      project = await pullInto(loaded.url, ["--baseline", "--json"]);
      expect(project.pull.code, project.pull.stderr).toBe(0);
      const { baseline } = JSON.parse(project.pull.stdout) as { baseline: { revision: string } };
      const current = await project.kiln(["current"]);
      expect(current.stdout).toContain(`${baseline.revision} (head)`);
      const check = await checkPulled(project);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.unexpected).toEqual([]);
      // The baseline builds an empty database like the original; its downgrade leaves what was there before.
      const up = await project.kiln(["upgrade", "head"], { DATABASE_URL: built.url });
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const [before, after] = await Promise.all([schemaDump(loaded.url), schemaDump(built.url)]);
      expect(lineDiff(`${before}\n`, `${after}\n`, ["loaded", "built by the baseline"])).toBe("");
      const down = await project.kiln(["downgrade", "base"], { DATABASE_URL: built.url });
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(lineDiff(`${empty}\n`, `${await schemaDump(built.url)}\n`, ["before the baseline", "after its downgrade"])).toBe("");
    } finally {
      project?.remove();
      await Promise.all([loaded.drop(), built.drop()]);
    }
  });
});

describe("kiln pull on PGlite", () => {
  for (const c of CASES) {
    it(`${c.name}: pull, check exit 0 naming only what kiln does not model, and the models build the same Catalog`, { timeout: 300_000 }, async () => {
      const dir = tempDir("kiln-pull-pglite-");
      const extensions = (c.extensions ?? []).filter((e) => !(c.pgliteLacks ?? []).includes(e));
      const query = extensions.length > 0 ? `?extensions=${extensions.join(",")}` : "";
      const [loaded, built] = [`pglite://${join(dir.path, "loaded")}${query}`, `pglite://${join(dir.path, "built")}${query}`];
      let project: PulledProject | undefined;
      try {
        const sql = fixtureSql(c, "pglite");
        await Promise.all([loadIntoPglite(loaded, sql), loadIntoPglite(built, standaloneSql(c, sql))]);
        const summary = await pullCheckBuild(c, "pglite", loaded, built, (p) => (project = p));
        const drops = dropVersionTables(summary);
        if (drops !== "") await loadIntoPglite(loaded, drops);
        const [before, after] = [await catalogText(loaded), await catalogText(built)];
        expect(lineDiff(`${before}\n`, `${after}\n`, ["loaded", "built from pulled models"])).toBe("");
      } finally {
        project?.remove();
        dir.remove();
      }
    });
  }
});
