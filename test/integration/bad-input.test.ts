/**
 * The bad-input corpus: broken configs, URLs, migrations folders, revision files,
 * targets and command lines, each through the real CLI. Every case checks the
 * message (one readable "error:" line naming the file, revision or statement, no
 * stack trace), the exit code (1 failure, 2 usage) and that the database did not
 * change: the same tables, columns and rows (kiln's included) before and after,
 * and on a fresh database not even kiln's tables.
 *
 * Most cases run on PGlite (a copy of one prepared database directory each); the
 * connection cases need the PostgreSQL and MariaDB servers.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, MYSQL_ADMIN_URL, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { errorLine, snapshot, type Snapshot } from "./safety-fixtures.js";

/** A password placed in URLs of several cases; it must never be printed. */
const PASSWORD = "hunter2-Pa55";

const ONE = revisionSource({
  revision: "aaaa00000001",
  downRevision: null,
  message: "one",
  upgrade: `await op.execute("CREATE TABLE t1 (id integer)");
    await op.execute("INSERT INTO t1 VALUES (1)");`,
  // No downgrade: the cases that go below it must stop before undoing anything.
});
const TWO = revisionSource({
  revision: "aaaa00000002",
  downRevision: "aaaa00000001",
  message: "two",
  upgrade: `await op.execute("CREATE TABLE t2 (id integer)");`,
  downgrade: `await op.execute("DROP TABLE t2");`,
});
const THREE = revisionSource({
  revision: "bbbb00000003",
  downRevision: "aaaa00000002",
  message: "three",
  upgrade: `await op.execute("CREATE TABLE t3 (id integer)");`,
  downgrade: `await op.execute("DROP TABLE t3");`,
});

/** Revision files every case starts with; the database is at "two" ("applied") or empty ("fresh"). Applied files cannot be edited (kiln refuses changed history), so "one" has no downgrade from the start. */
const BASELINE: Record<string, string> = {
  "migrations/001_one.ts": ONE,
  "migrations/002_two.ts": TWO,
  "migrations/003_three.ts": THREE,
};

function configText(url: string, extra = ""): string {
  return `import { defineConfig } from "kiln-migrate";
export default defineConfig({
  url: ${JSON.stringify(url)},
  migrations: "migrations",
  models: "schema.ts",${extra ? `\n  ${extra}` : ""}
});
`;
}

/** A revision file the way people break them: text as given. */
function rawRevision(body: string): string {
  return `import type { Migration } from "kiln-migrate";\n${body}\n`;
}

interface Case {
  name: string;
  /** "applied": at aaaa00000002 with t1 (one row) and t2; "fresh": nothing, not even kiln's tables. Default "applied". */
  state?: "applied" | "fresh";
  /** Files to write (relative to the project); null deletes. `%URL%` is replaced by the database URL. */
  files?: Record<string, string | null>;
  args: string[];
  env?: Record<string, string>;
  code: 1 | 2;
  /** Everything the error line must say. */
  message: (string | RegExp)[];
}

const file = (name: string) => new RegExp(`${name.replace(/\./g, "\\.")}\\b`);

const cases: Case[] = [
  // --- config -------------------------------------------------------------------------
  { name: "config missing", files: { "kiln.config.ts": null }, args: ["current"], code: 1, message: [/no kiln\.config\.ts in \//, "kiln init", "--config"] },
  { name: "--config names a missing file", args: ["-c", "nope.config.ts", "upgrade", "head"], code: 1, message: [/config file \S+nope\.config\.ts does not exist/] },
  {
    name: "config with a syntax error",
    files: { "kiln.config.ts": `import { defineConfig } from "kiln-migrate";\nexport default defineConfig({ url: "%URL%",\n` },
    args: ["upgrade", "head"],
    code: 1,
    message: [/^error: syntax error in config file \S+kiln\.config\.ts: line \d+, column \d+: /],
  },
  {
    name: "config that throws while loading",
    files: { "kiln.config.ts": `throw new Error("config exploded");\nexport default {};\n` },
    args: ["current"],
    code: 1,
    message: [/cannot load config file \S+kiln\.config\.ts: config exploded$/],
  },
  {
    name: "config importing a missing module",
    files: { "kiln.config.ts": `import { url } from "./settings.js";\nexport default { url };\n` },
    args: ["current"],
    code: 1,
    message: [file("kiln.config.ts"), /settings\.js/],
  },
  {
    name: "config without a default export",
    files: { "kiln.config.ts": `export const url = "%URL%";\n` },
    args: ["upgrade", "head"],
    code: 1,
    message: [file("kiln.config.ts"), "export default defineConfig", "default export is missing"],
  },
  {
    name: "config whose default export is a string",
    files: { "kiln.config.ts": `export default "%URL%";\n` },
    args: ["current"],
    code: 1,
    message: [file("kiln.config.ts"), "export default defineConfig"],
  },
  {
    name: "config with an unknown key",
    files: { "kiln.config.ts": `export default { url: "%URL%", migration: "migrations" };\n` },
    args: ["upgrade", "head"],
    code: 1,
    message: [file("kiln.config.ts"), "unknown config key `migration`"],
  },
  { name: "config url of the wrong type", files: { "kiln.config.ts": `export default { url: 5432 };\n` }, args: ["current"], code: 1, message: [file("kiln.config.ts"), "`url` must be a string, got 5432"] },
  {
    name: "config lockTimeoutMs of the wrong type",
    files: { "kiln.config.ts": `export default { url: "%URL%", lockTimeoutMs: "5s" };\n` },
    args: ["upgrade", "head"],
    code: 1,
    message: [file("kiln.config.ts"), "`lockTimeoutMs` must be a whole number"],
  },
  { name: "config models of the wrong type", files: { "kiln.config.ts": `export default { url: "%URL%", models: 3 };\n` }, args: ["check"], code: 1, message: [file("kiln.config.ts"), "`models`"] },
  {
    name: "config versionTable that is not an identifier",
    files: { "kiln.config.ts": `export default { url: "%URL%", versionTable: "kiln version; drop table t1" };\n` },
    args: ["upgrade", "head"],
    code: 1,
    message: [file("kiln.config.ts"), "`versionTable` must be a plain identifier"],
  },
  { name: "no database URL anywhere", files: { "kiln.config.ts": `export default { migrations: "migrations" };\n` }, args: ["current"], code: 1, message: [/no database URL: set `url` in \S+kiln\.config\.ts or the DATABASE_URL/] },

  // --- URLs that fail before any connection --------------------------------------------
  {
    name: "malformed URL",
    files: { "kiln.config.ts": configText(`postgres://postgres:${PASSWORD}@db.example:notaport/x`) },
    args: ["upgrade", "head"],
    code: 1,
    message: ["malformed database URL postgres://*** (the rest is not shown", "USER:PASSWORD@HOST", "percent-encode"],
  },
  {
    name: "unknown scheme",
    files: { "kiln.config.ts": configText(`oracle://scott:${PASSWORD}@db.example/orcl`) },
    args: ["current"],
    code: 1,
    message: ['unsupported database URL scheme "oracle:"', "postgres://"],
  },
  {
    name: "unknown scheme in DATABASE_URL (it overrides the config)",
    args: ["upgrade", "head"],
    env: { DATABASE_URL: `mongodb://u:${PASSWORD}@h/db` },
    code: 1,
    message: ['unsupported database URL scheme "mongodb:"'],
  },

  // --- the migrations folder -------------------------------------------------------------
  {
    name: "migrations folder missing",
    files: { "kiln.config.ts": configText("%URL%").replace('"migrations"', '"db/migrations-nope"') },
    args: ["upgrade", "head"],
    code: 1,
    message: [/the migrations folder \S+migrations-nope does not exist/, "kiln init"],
  },
  {
    name: "migrations path is a file",
    files: { "kiln.config.ts": configText("%URL%").replace('"migrations"', '"notes.txt"'), "notes.txt": "hello" },
    args: ["current"],
    code: 1,
    message: [/notes\.txt is not a folder/],
  },

  // --- revision files --------------------------------------------------------------------
  {
    name: "revision with a syntax error in its metadata",
    files: { "migrations/004_bad.ts": rawRevision(`export default { revision: "cccc00000004", downRevision: "bbbb00000003" async upgrade(op) {} };`) },
    args: ["upgrade", "head"],
    code: 1,
    message: [/syntax error in revision file \S+004_bad\.ts: line 2, column \d+/],
  },
  {
    name: "pending revision with a syntax error in its upgrade: nothing of the plan runs",
    files: {
      "migrations/003_three.ts": rawRevision(
        `export default {\n  revision: "bbbb00000003",\n  downRevision: "aaaa00000002",\n  message: "three",\n  async upgrade(op) {\n    await op.execute("CREATE TABLE t3 (id integer)"\n  },\n} satisfies Migration;`,
      ),
    },
    args: ["upgrade", "head"],
    code: 1,
    message: [/syntax error in revision file \S+003_three\.ts: line 8, column \d+/],
  },
  {
    name: "revision without a default export",
    files: { "migrations/004_bad.ts": rawRevision(`export const revision = "cccc00000004";`) },
    args: ["upgrade", "head"],
    code: 1,
    message: [/revision file \S+004_bad\.ts has no default export/],
  },
  {
    name: "revision whose default export is a function",
    files: { "migrations/004_bad.ts": rawRevision(`export default async function upgrade() {}`) },
    args: ["current"],
    code: 1,
    message: [/default export of revision file \S+004_bad\.ts is a function/],
  },
  {
    name: "revision without `revision`",
    files: { "migrations/004_bad.ts": rawRevision(`export default { downRevision: "bbbb00000003", async upgrade(op) {} };`) },
    args: ["upgrade", "head"],
    code: 1,
    message: [file("004_bad.ts"), 'has no "revision"'],
  },
  {
    name: "revision with a numeric downRevision",
    files: { "migrations/004_bad.ts": rawRevision(`export default { revision: "cccc00000004", downRevision: 3, async upgrade(op) {} };`) },
    args: ["upgrade", "head"],
    code: 1,
    message: [file("004_bad.ts"), '"downRevision" must be null, an id, or a non-empty array of ids, not number 3'],
  },
  {
    name: "revision spelling down_revision the Alembic way",
    files: { "migrations/004_bad.ts": rawRevision(`export default { revision: "cccc00000004", down_revision: "bbbb00000003", async upgrade(op) {} };`) },
    args: ["history"],
    code: 1,
    message: [file("004_bad.ts"), '"down_revision"', '"downRevision"'],
  },
  {
    name: "revision without an upgrade function",
    files: { "migrations/004_bad.ts": rawRevision(`export default { revision: "cccc00000004", downRevision: "bbbb00000003" };`) },
    args: ["upgrade", "head"],
    code: 1,
    message: [file("004_bad.ts"), 'no "upgrade" function'],
  },
  {
    name: "two files with the same revision id",
    files: { "migrations/004_copy.ts": TWO },
    args: ["upgrade", "head"],
    code: 1,
    message: ['revision id "aaaa00000002" is used by two files', file("002_two.ts"), file("004_copy.ts")],
  },
  {
    name: "revisions forming a cycle",
    files: {
      "migrations/004_a.ts": revisionSource({ revision: "cccc00000004", downRevision: "cccc00000005", upgrade: "" }),
      "migrations/005_b.ts": revisionSource({ revision: "cccc00000005", downRevision: "cccc00000004", upgrade: "" }),
    },
    args: ["upgrade", "head"],
    code: 1,
    message: ["the revisions form a cycle", "cccc00000004", "cccc00000005"],
  },
  {
    name: "revision whose parent is missing",
    files: { "migrations/004_orphan.ts": revisionSource({ revision: "cccc00000004", downRevision: "dead00000000", upgrade: "" }) },
    args: ["upgrade", "head"],
    code: 1,
    message: ["cccc00000004", file("004_orphan.ts"), 'downRevision "dead00000000"', "no revision file has that id"],
  },
  {
    name: "branch label used twice",
    files: {
      "migrations/004_a.ts": revisionSource({ revision: "cccc00000004", downRevision: "bbbb00000003", extra: `branchLabels: ["feature"],`, upgrade: "" }),
      "migrations/005_b.ts": revisionSource({ revision: "cccc00000005", downRevision: "bbbb00000003", extra: `branchLabels: ["feature"],`, upgrade: "" }),
    },
    args: ["upgrade", "feature@head"],
    code: 1,
    message: ['branch label "feature" is declared twice', file("004_a.ts"), file("005_b.ts")],
  },
  {
    name: "second step of the plan imports a missing module: the first step does not run either",
    files: {
      "migrations/004_four.ts": revisionSource({ revision: "cccc00000004", downRevision: "bbbb00000003", upgrade: `await op.execute("CREATE TABLE t4 (id integer)");` }).replace(
        'import type { Migration } from "kiln-migrate";',
        'import type { Migration } from "kiln-migrate";\nimport { helper } from "./lib/helpers.js";\nvoid helper;',
      ),
    },
    args: ["upgrade", "head"],
    code: 1,
    message: [/cannot load revision file \S+004_four\.ts: .*helpers\.js/],
  },

  // --- targets ---------------------------------------------------------------------------
  { name: "unknown target", args: ["upgrade", "zzzz"], code: 2, message: ['no revision matches "zzzz"', "kiln history"] },
  { name: "ambiguous prefix shared by two ids", args: ["upgrade", "aaaa"], code: 2, message: ['revision prefix "aaaa" is ambiguous: it matches 2 revisions'] },
  { name: "unknown branch label", args: ["upgrade", "nolabel@head"], code: 2, message: ['there is no branch label "nolabel"'] },
  { name: "downgrade to a revision that is not applied", args: ["downgrade", "bbbb00000003"], code: 1, message: ["cannot downgrade to bbbb00000003", "not applied", "aaaa00000002"] },
  { name: "-5 with two applied", args: ["downgrade", "-5"], code: 1, message: ["cannot go 5 steps back from aaaa00000002: only 2 applied"] },
  { name: "+3 past the head", args: ["upgrade", "+3"], code: 1, message: ["cannot go 3 steps forward from aaaa00000002: only 1 revision above it"] },
  { name: "upgrade base", args: ["upgrade", "base"], code: 2, message: ['"base" is not an upgrade target', "kiln downgrade base"] },
  { name: "downgrade heads", args: ["downgrade", "heads"], code: 2, message: ['"heads" is not a downgrade target'] },
  {
    name: "upgrade head with several heads",
    files: { "migrations/004_side.ts": revisionSource({ revision: "cccc00000004", downRevision: "aaaa00000002", upgrade: `await op.execute("CREATE TABLE side (id integer)");` }) },
    args: ["upgrade", "head"],
    code: 1,
    message: ['"head" is ambiguous: there are several heads (bbbb00000003, cccc00000004)', "kiln merge heads"],
  },
  { name: "stamp of an unknown revision", args: ["stamp", "ffff"], code: 2, message: ['no revision matches "ffff"'] },
  { name: "merge with one head", args: ["merge", "heads", "-m", "join"], code: 2, message: ["merge needs at least two revisions", "only bbbb00000003 was given"] },
  { name: "history with a malformed range", args: ["history", "-r", "a:b:c"], code: 2, message: ['"a:b:c" is not a range'] },
  { name: "offline downgrade without a range", args: ["downgrade", "-1", "--sql"], code: 2, message: ["offline downgrade needs a starting point"] },
  { name: "offline relative upgrade", args: ["upgrade", "+1", "--sql"], code: 2, message: ["relative targets (+1) need the current revision"] },

  // --- failures while running --------------------------------------------------------------
  {
    name: "a failing statement rolls its revision back",
    files: {
      "migrations/003_three.ts": revisionSource({
        revision: "bbbb00000003",
        downRevision: "aaaa00000002",
        message: "three",
        upgrade: `await op.execute("CREATE TABLE t3 (id integer)");
    await op.execute("INSERT INTO t1 VALUES (2)");
    await op.execute("INSERT INTO no_such_table VALUES (1)");`,
        downgrade: `await op.execute("DROP TABLE t3");`,
      }),
    },
    args: ["upgrade", "head"],
    code: 1,
    message: ["upgrade of revision bbbb00000003", file("003_three.ts"), 'relation "no_such_table" does not exist'],
  },
  {
    name: "an upgrade function that throws",
    files: {
      "migrations/003_three.ts": revisionSource({
        revision: "bbbb00000003",
        downRevision: "aaaa00000002",
        upgrade: `await op.execute("CREATE TABLE t3 (id integer)");
    throw new Error("data check failed: 3 orphans");`,
      }),
    },
    args: ["upgrade", "head"],
    code: 1,
    message: ["upgrade of revision bbbb00000003", file("003_three.ts"), "data check failed: 3 orphans"],
  },
  { name: "downgrade base through a revision without a downgrade: nothing is undone", args: ["downgrade", "base"], code: 1, message: ["revision aaaa00000001", file("001_one.ts"), "has no downgrade function"] },
  { name: "downgrade -2 through a revision without a downgrade", args: ["downgrade", "-2"], code: 1, message: ["revision aaaa00000001", file("001_one.ts"), "has no downgrade function"] },
  {
    name: "an applied revision file was edited",
    files: { "migrations/002_two.ts": TWO.replace("CREATE TABLE t2 (id integer)", "CREATE TABLE t2 (id bigint)") },
    args: ["upgrade", "head"],
    code: 1,
    message: ["revision aaaa00000002", file("002_two.ts"), "was changed after it was applied"],
  },
  {
    name: "the database is at a revision whose file is gone",
    files: { "migrations/002_two.ts": null, "migrations/003_three.ts": null },
    args: ["upgrade", "head"],
    code: 1,
    message: ["the database is at revision aaaa00000002, which is not in", "migrations"],
  },
  { name: "check on a database behind the head", files: { "schema.ts": "export {};\n" }, args: ["check"], code: 1, message: ["the database is not up to date (it is at aaaa00000002", "bbbb00000003"] },

  // --- fresh databases: kiln's tables must not appear ---------------------------------------
  { name: "fresh: unknown target", state: "fresh", args: ["upgrade", "zzzz"], code: 2, message: ['no revision matches "zzzz"'] },
  { name: "fresh: -1 with nothing applied", state: "fresh", args: ["downgrade", "-1"], code: 1, message: ["cannot go 1 steps back", "nothing is applied"] },
  { name: "fresh: stamp of an unknown revision", state: "fresh", args: ["stamp", "ffff"], code: 2, message: ['no revision matches "ffff"'] },
  {
    name: "fresh: a revision file with a syntax error",
    state: "fresh",
    files: { "migrations/001_one.ts": rawRevision(`export default { revision: "aaaa00000001", downRevision: null, async upgrade(op) { await op.execute("x" };`) },
    args: ["upgrade", "head"],
    code: 1,
    message: [/syntax error in revision file \S+001_one\.ts/],
  },
  {
    name: "fresh: upgrade head with several heads",
    state: "fresh",
    files: { "migrations/004_side.ts": revisionSource({ revision: "cccc00000004", downRevision: "aaaa00000002", upgrade: "" }) },
    args: ["upgrade", "head"],
    code: 1,
    message: ['"head" is ambiguous'],
  },
  {
    name: "fresh: the first revision fails",
    state: "fresh",
    files: {
      "migrations/001_one.ts": revisionSource({
        revision: "aaaa00000001",
        downRevision: null,
        message: "one",
        upgrade: `await op.execute("CREATE TABLE t1 (id integer)");
    await op.execute("SELECT no_such_function()");`,
      }),
    },
    args: ["upgrade", "head"],
    code: 1,
    message: ["upgrade of revision aaaa00000001", file("001_one.ts"), "no_such_function"],
  },

  // --- command line ---------------------------------------------------------------------------
  { name: "no command", args: [], code: 2, message: ["no command given"] },
  { name: "unknown command", args: ["upgarde", "head"], code: 2, message: ["unknown command 'upgarde'"] },
  { name: "unknown option", args: ["upgrade", "head", "--dry-run"], code: 2, message: ["unknown option '--dry-run'"] },
  { name: "missing argument", args: ["downgrade"], code: 2, message: ["missing required argument 'target'"] },
  { name: "too many arguments", args: ["show", "aaaa00000001", "aaaa00000002"], code: 2, message: ["too many arguments"] },
];

function expectMessage(result: CliResult, c: Case): void {
  const line = errorLine(result);
  for (const part of c.message) {
    if (typeof part === "string") expect(line, result.stderr).toContain(part);
    else expect(line, result.stderr).toMatch(part);
  }
}

function expectNoPassword(result: CliResult): void {
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  expect(result.stdout + result.stderr).not.toContain(encodeURIComponent(PASSWORD));
}

/** sha256 over every file of a directory (names and bytes), without kiln's PGlite lock file. */
function directoryHash(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const hash = createHash("sha256");
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name !== "kiln.lock") hash.update(full.slice(dir.length)).update("\0").update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest("hex");
}

describe("bad input on PGlite: readable errors, right exit codes, the database untouched", () => {
  let template: TestProject;
  /** Database directories every case copies: at aaaa00000002, and empty (initialized once: PGlite's initdb is slow). */
  const prepared = { applied: "", fresh: "" };
  const before = { applied: {} as Snapshot, fresh: {} as Snapshot };
  const bytes = { applied: "", fresh: "" };

  beforeAll(async () => {
    template = createProject({ url: "pglite://unused" });
    prepared.applied = join(template.dir, "applied-db");
    prepared.fresh = join(template.dir, "fresh-db");
    template.write("kiln.config.ts", configText(`pglite://${prepared.applied}`));
    for (const [path, content] of Object.entries(BASELINE)) template.write(path, content);
    const up = await template.kiln(["upgrade", "aaaa00000002"]);
    expect(up.code, up.stderr).toBe(0);
    await (await PGlite.create(prepared.fresh)).close();
    for (const state of ["applied", "fresh"] as const) {
      before[state] = await snapshot(`pglite://${prepared[state]}`);
      bytes[state] = directoryHash(prepared[state])!;
    }
    expect(Object.keys(before.applied).sort()).toEqual(["public.kiln_history", "public.kiln_version", "public.t1", "public.t2"]);
    expect(before.fresh).toEqual({});
  }, 180_000);
  afterAll(() => template?.remove());

  it("has at least forty cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("$name", async (c) => {
    const state = c.state ?? "applied";
    const project = createProject({ url: "pglite://unused" });
    try {
      const dbDir = join(project.dir, "db");
      const url = `pglite://${dbDir}`;
      project.write("kiln.config.ts", configText(url));
      for (const [path, content] of Object.entries(BASELINE)) project.write(path, content);
      cpSync(prepared[state], dbDir, { recursive: true });
      for (const [path, content] of Object.entries(c.files ?? {})) {
        if (content === null) rmSync(join(project.dir, path), { force: true });
        else project.write(path, content.replaceAll("%URL%", url));
      }

      const result = await project.kiln(c.args, c.env);
      expect(result.code, result.stderr).toBe(c.code);
      expectMessage(result, c);
      expectNoPassword(result);
      // Identical bytes prove an untouched database; otherwise compare what it holds.
      if (directoryHash(dbDir) !== bytes[state]) expect(await snapshot(url)).toEqual(before[state]);
    } finally {
      project.remove();
    }
  });
});

const pgUp = await serverAvailable("postgresql");
const mysqlUp = await serverAvailable("mysql");

describe.runIf(pgUp)("bad connection input on the PostgreSQL server", () => {
  let scratch: ScratchDatabase;
  let project: TestProject;

  beforeAll(async () => {
    scratch = await createPgDatabase();
    project = createProject({ url: scratch.url });
    for (const [path, content] of Object.entries(BASELINE)) project.write(path, content);
    const up = await project.kiln(["upgrade", "aaaa00000002"]);
    expect(up.code, up.stderr).toBe(0);
  });
  afterAll(async () => {
    project?.remove();
    await scratch?.drop();
  });

  const withPassword = (host: string, database: string) => `postgres://postgres:${PASSWORD}@${host}/${database}`;

  const serverCases: { name: string; url: () => string; args: string[]; message: () => (string | RegExp)[] }[] = [
    {
      name: "a port nobody listens on",
      url: () => withPassword("127.0.0.1:1", "kiln_nowhere"),
      args: ["upgrade", "head"],
      message: () => ["cannot connect to postgres://postgres:***@127.0.0.1:1/kiln_nowhere", "ECONNREFUSED", "check that the server is running"],
    },
    {
      name: "a host that does not resolve",
      url: () => withPassword("kiln-no-such-host.invalid:5432", "kiln_nowhere"),
      args: ["current"],
      message: () => ["cannot connect to postgres://postgres:***@kiln-no-such-host.invalid:5432/kiln_nowhere", /ENOTFOUND|EAI_AGAIN/],
    },
    {
      name: "a database that does not exist",
      url: () => withPassword("127.0.0.1:5432", `${scratch.name}_missing`),
      args: ["upgrade", "head"],
      message: () => [`database "${scratch.name}_missing" does not exist`],
    },
    {
      name: "a password in a URL whose database does not exist (stamp)",
      url: () => withPassword("127.0.0.1:5432", `${scratch.name}_missing`),
      args: ["stamp", "head"],
      message: () => [`cannot connect to postgres://postgres:***@127.0.0.1:5432/${scratch.name}_missing`],
    },
  ];

  it.each(serverCases)("$name", async (c) => {
    const before = await snapshot(scratch.url);
    const result = await project.kiln(c.args, { DATABASE_URL: c.url() });
    expect(result.code, result.stderr).toBe(1);
    const line = errorLine(result);
    for (const part of c.message()) {
      if (typeof part === "string") expect(line).toContain(part);
      else expect(line).toMatch(part);
    }
    expectNoPassword(result);
    expect(await snapshot(scratch.url)).toEqual(before);
    // kiln never creates a database it cannot find.
    expect(await queryDb(scratch.url, "SELECT datname FROM pg_database WHERE datname LIKE $1", [`${scratch.name}_%`])).toEqual([]);
  });
});

describe.runIf(mysqlUp)("bad connection input on MariaDB", () => {
  it("a wrong password is refused, named, and never printed", async () => {
    const url = new URL(MYSQL_ADMIN_URL);
    url.password = PASSWORD;
    const project = createProject({ url: url.toString() });
    try {
      mkdirSync(join(project.dir, "migrations"), { recursive: true });
      writeFileSync(join(project.dir, "migrations", "001_one.ts"), ONE);
      for (const args of [["current"], ["upgrade", "head"]]) {
        const result = await project.kiln(args);
        expect(result.code, result.stderr).toBe(1);
        const line = errorLine(result);
        expect(line).toContain(`${url.protocol}//${url.username}:***@${url.host}`);
        expect(line).toMatch(/Access denied/);
        expectNoPassword(result);
      }
    } finally {
      project.remove();
    }
  });
});

describe("bad input on a fresh SQLite file: kiln's tables do not appear", () => {
  const freshCases: Case[] = [
    { name: "unknown target", args: ["upgrade", "zzzz"], code: 2, message: ['no revision matches "zzzz"'] },
    { name: "stamp of an unknown revision", args: ["stamp", "ffff"], code: 2, message: ['no revision matches "ffff"'] },
    {
      name: "the first revision fails",
      files: {
        "migrations/001_one.ts": revisionSource({
          revision: "aaaa00000001",
          downRevision: null,
          upgrade: `await op.execute("CREATE TABLE t1 (id integer)");
    await op.execute("INSERT INTO no_such_table VALUES (1)");`,
        }),
      },
      args: ["upgrade", "head"],
      code: 1,
      message: ["upgrade of revision aaaa00000001", file("001_one.ts"), "no such table: no_such_table"],
    },
  ];

  it.each(freshCases)("$name", async (c) => {
    const project = createProject({ url: "sqlite::memory:" });
    try {
      const url = `sqlite://${join(project.dir, "fresh.db")}`;
      project.write("kiln.config.ts", configText(url));
      for (const [path, content] of Object.entries({ ...BASELINE, ...c.files })) project.write(path, content!);
      const result = await project.kiln(c.args);
      expect(result.code, result.stderr).toBe(c.code);
      expectMessage(result, c);
      expect(await snapshot(url)).toEqual({});
    } finally {
      project.remove();
    }
  });
});
