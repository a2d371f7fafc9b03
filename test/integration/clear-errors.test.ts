/**
 * Issue 10, "clear errors for the rest": input that kiln used to accept silently,
 * act on wrongly, or answer with a raw error. Each case runs the real CLI on
 * every dialect where it applies and checks the exit code (1 failure, 2 usage),
 * the one error line, and that the database did not change.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, MYSQL_ADMIN_URL, PG_ADMIN_URL, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { errorLine, snapshot } from "./safety-fixtures.js";

const pgUp = await serverAvailable("postgresql");
const mysqlUp = await serverAvailable("mysql");

/** A database of one dialect for one describe block. */
interface DatabaseKind {
  name: "pglite" | "sqlite" | "postgresql" | "mariadb";
  create(project: TestProject): Promise<{ url: string; drop(): Promise<void> }>;
}

const fileDatabase = (name: "pglite" | "sqlite"): DatabaseKind => ({
  name,
  async create(project) {
    return { url: `${name}://${join(project.dir, name === "pglite" ? "db" : "db.sqlite")}`, drop: async () => undefined };
  },
});
const serverDatabase = (name: "postgresql" | "mariadb", make: () => Promise<ScratchDatabase>): DatabaseKind => ({
  name,
  async create() {
    const db = await make();
    return { url: db.url, drop: () => db.drop() };
  },
});

const DATABASES: DatabaseKind[] = [
  fileDatabase("pglite"),
  fileDatabase("sqlite"),
  ...(pgUp ? [serverDatabase("postgresql", createPgDatabase)] : []),
  ...(mysqlUp ? [serverDatabase("mariadb", createMysqlDatabase)] : []),
];

/** Three revisions in a line, each creating a table, all with downgrades. */
const CHAIN: Record<string, string> = {
  "migrations/001_one.ts": revisionSource({
    revision: "aaaa00000001",
    downRevision: null,
    message: "one",
    upgrade: `await op.execute("CREATE TABLE t1 (id integer)");`,
    downgrade: `await op.execute("DROP TABLE t1");`,
  }),
  "migrations/002_two.ts": revisionSource({
    revision: "aaaa00000002",
    downRevision: "aaaa00000001",
    message: "two",
    upgrade: `await op.execute("CREATE TABLE t2 (id integer)");`,
    downgrade: `await op.execute("DROP TABLE t2");`,
  }),
  "migrations/003_three.ts": revisionSource({
    revision: "bbbb00000003",
    downRevision: "aaaa00000002",
    message: "three",
    upgrade: `await op.execute("CREATE TABLE t3 (id integer)");`,
    downgrade: `await op.execute("DROP TABLE t3");`,
  }),
};

function expectLine(result: CliResult, code: number, parts: (string | RegExp)[]): void {
  expect(result.code, result.stderr).toBe(code);
  const line = errorLine(result);
  for (const part of parts) {
    if (typeof part === "string") expect(line).toContain(part);
    else expect(line).toMatch(part);
  }
}

/** Runs kiln and checks the refusal, with the database the same before and after. */
async function expectRefused(project: TestProject, url: string, args: string[], code: 1 | 2, parts: (string | RegExp)[], env?: Record<string, string>): Promise<CliResult> {
  const before = await snapshot(url);
  const result = await project.kiln(args, env);
  expectLine(result, code, parts);
  expect(await snapshot(url)).toEqual(before);
  return result;
}

/** A project holding CHAIN on a fresh database of `kind`, its config naming that database, upgraded to `target`. */
async function chainProject(kind: DatabaseKind, target: string): Promise<{ project: TestProject; db: { url: string; drop(): Promise<void> } }> {
  const project = createProject({ url: "sqlite::memory:" });
  const db = await kind.create(project);
  for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
  project.write("kiln.config.ts", config({ url: db.url, migrations: "migrations" }));
  const up = await project.kiln(["upgrade", target]);
  expect(up.code, up.stderr).toBe(0);
  return { project, db };
}

describe.each(DATABASES)("targets on $name (item 13)", (kind) => {
  let project: TestProject;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    ({ project, db } = await chainProject(kind, "head"));
  });
  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it("`upgrade -1` at head is a usage error, as `-2` is", async () => {
    for (const target of ["-1", "-2"]) {
      await expectRefused(project, db.url, ["upgrade", target], 2, [`"${target}" counts down`, "relative downward targets are for downgrade", `kiln downgrade ${target}`]);
    }
  });

  it("`downgrade +1` is a usage error", async () => {
    await expectRefused(project, db.url, ["downgrade", "+1"], 2, ['"+1" counts up', "kiln upgrade +1"]);
  });

  it("`upgrade head:REV --sql` (a range going down) is refused instead of printing an empty script", async () => {
    const result = await expectRefused(project, db.url, ["upgrade", "head:aaaa00000001", "--sql"], 2, ['the range "head:aaaa00000001" has nothing to upgrade', "kiln downgrade head:aaaa00000001 --sql"]);
    expect(result.stdout).toBe("");
  });

  it("`downgrade REV:head --sql` (a range going up) is refused", async () => {
    await expectRefused(project, db.url, ["downgrade", "aaaa00000001:head", "--sql"], 2, ['the range "aaaa00000001:head" has nothing to downgrade', "kiln upgrade aaaa00000001:head --sql"]);
  });

  it("`upgrade A:B` without --sql says that ranges need --sql", async () => {
    await project.kiln(["downgrade", "aaaa00000001"]);
    try {
      await expectRefused(project, db.url, ["upgrade", "aaaa00000001:head"], 2, ["ranges (aaaa00000001:head) are for offline scripts", "--sql", "kiln upgrade head"]);
    } finally {
      expect((await project.kiln(["upgrade", "head"])).code).toBe(0);
    }
  });

  it("`head+-1` is quoted whole", async () => {
    await expectRefused(project, db.url, ["upgrade", "head+-1"], 2, ['"head+-1" is not a target', "one sign"]);
    await expectRefused(project, db.url, ["downgrade", "head+-1"], 2, ['"head+-1" is not a target']);
  });
});

describe("branch labels are checked when written (item 14)", () => {
  it("`revision --branch-label feat@x` and a reserved word are refused, and no file is written", async () => {
    const project = createProject({ url: `sqlite://${join("unused", "db.sqlite")}` });
    try {
      for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
      for (const [label, part] of [
        ["feat@x", 'cannot contain "@"'],
        ["head", "reserved word"],
        ["aaaa00000002", "is also a revision id"],
      ] as const) {
        const result = await project.kiln(["revision", "-m", "labelled", "--branch-label", label]);
        expectLine(result, 2, [`--branch-label "${label}"`, part]);
        expect(project.revisionFiles()).toEqual(["001_one.ts", "002_two.ts", "003_three.ts"]);
      }
      // A valid label is written, and every later command reads it back.
      const ok = await project.kiln(["revision", "-m", "labelled", "--branch-label", "feat.x-1"]);
      expect(ok.code, ok.stderr).toBe(0);
      const heads = await project.kiln(["heads"]);
      expect(heads.code, heads.stderr).toBe(0);
    } finally {
      project.remove();
    }
  });

  it("`revision --rev-id` differing only in case from an existing id is refused", async () => {
    const project = createProject({ url: "sqlite::memory:" });
    try {
      for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
      const result = await project.kiln(["revision", "-m", "shout", "--rev-id", "BBBB00000003"]);
      expectLine(result, 2, ["--rev-id BBBB00000003 differs only in case from revision bbbb00000003"]);
      expect(project.revisionFiles()).toHaveLength(3);
    } finally {
      project.remove();
    }
  });
});

describe.each(DATABASES)("revision ids and version table rows on $name (item 14)", (kind) => {
  let project: TestProject;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    ({ project, db } = await chainProject(kind, "aaaa00000002"));
  });
  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it("two revision ids that differ only in case are refused when the graph loads, naming both files", async () => {
    const path = project.write(
      "migrations/004_shout.ts",
      revisionSource({ revision: "BBBB00000003", downRevision: "aaaa00000002", upgrade: `await op.execute("CREATE TABLE t4 (id integer)");` }),
    );
    try {
      await expectRefused(project, db.url, ["upgrade", "heads"], 1, ['"bbbb00000003"', /003_three\.ts/, '"BBBB00000003"', /004_shout\.ts/, "differ only in case"]);
    } finally {
      rmSync(path);
    }
  });

  it("a version table listing a revision and its ancestor is reported, not extended; `kiln stamp` fixes it", async () => {
    await queryDb(db.url, "INSERT INTO kiln_version (version_num) VALUES ('aaaa00000001')");
    const message = ["lists both revision aaaa00000002 and its ancestor aaaa00000001", "kiln stamp aaaa00000002"];
    await expectRefused(project, db.url, ["upgrade", "head"], 1, message);
    const current = await project.kiln(["current"]);
    expect(current.stderr).toContain(`warning: the database's version table ${message[0]}`);
    const stamp = await project.kiln(["stamp", "aaaa00000002"]);
    expect(stamp.code, stamp.stderr).toBe(0);
    const up = await project.kiln(["upgrade", "head"]);
    expect(up.code, up.stderr).toBe(0);
    expect((await queryDb(db.url, "SELECT version_num FROM kiln_version")).map((r) => r.version_num)).toEqual(["bbbb00000003"]);
  });
});

/** A config file with the given keys (JSON values) and extra source text for the rest. */
function config(fields: Record<string, unknown>, extra = ""): string {
  const body = Object.entries(fields).map(([key, value]) => `  ${key}: ${typeof value === "number" ? String(value) : JSON.stringify(value)},`);
  return `export default {\n${body.join("\n")}${extra ? `\n  ${extra}` : ""}\n};\n`;
}

describe.each(DATABASES.filter((d) => d.name === "sqlite" || d.name === "postgresql"))("config checks on $name (item 12)", (kind) => {
  let project: TestProject;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    ({ project, db } = await chainProject(kind, "aaaa00000002"));
  });
  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  const withConfig = async (text: string, args: string[], code: 1 | 2, parts: (string | RegExp)[]) => {
    project.write("kiln.config.ts", text.replaceAll("%URL%", db.url));
    try {
      return await expectRefused(project, db.url, args, code, parts);
    } finally {
      project.write("kiln.config.ts", config({ url: db.url, migrations: "migrations" }));
    }
  };

  it.each([
    ["negative", -1],
    ["not whole", 1.5],
    ["NaN", Number.NaN],
    ["above PostgreSQL's limit", 3_000_000_000],
  ])("lockTimeoutMs %s is refused naming the range", async (_name, value) => {
    await withConfig(config({ url: "%URL%", migrations: "migrations", lockTimeoutMs: value }), ["upgrade", "head"], 1, [
      /kiln\.config\.ts: `lockTimeoutMs` must be a whole number of milliseconds from 0 to 2147483647/,
      `got ${String(value)}`,
    ]);
  });

  it("historyTable equal to versionTable is refused", async () => {
    await withConfig(config({ url: "%URL%", migrations: "migrations", versionTable: "kiln_state", historyTable: "KILN_STATE" }), ["upgrade", "head"], 1, [
      "`versionTable` and `historyTable` are both",
      "kiln needs two tables",
    ]);
  });

  it('`migrations: ""` is refused instead of reading the config folder', async () => {
    await withConfig(config({ url: "%URL%", migrations: "" }), ["upgrade", "head"], 1, ["`migrations` is empty", '"migrations"']);
  });

  it("a default export that is a function returning a function is refused", async () => {
    await withConfig(`export default () => () => ({ url: "%URL%" });\n`, ["current"], 1, [/kiln\.config\.ts: the default export is a function that returned a function/]);
  });

  it("a default export whose Promise is rejected names the file and the reason", async () => {
    await withConfig(`export default Promise.reject(new Error("vault unreachable"));\n`, ["upgrade", "head"], 1, [
      /cannot load config file \S+kiln\.config\.ts: its default export Promise was rejected: vault unreachable/,
    ]);
  });

  it("a default export that is a Promise, or an async function, gives the config", async () => {
    for (const text of [
      `export default Promise.resolve({ url: "%URL%", migrations: "migrations" });\n`,
      `export default async () => ({ url: "%URL%", migrations: "migrations" });\n`,
    ]) {
      project.write("kiln.config.ts", text.replaceAll("%URL%", db.url));
      const current = await project.kiln(["current"]);
      expect(current.code, current.stderr).toBe(0);
      expect(current.stdout).toContain("aaaa00000002");
    }
    project.write("kiln.config.ts", config({ url: db.url, migrations: "migrations" }));
  });
});

describe.each(DATABASES)("kiln's tables on $name (item 12)", (kind) => {
  let project: TestProject;
  let db: { url: string; drop(): Promise<void> };
  const setConfig = (fields: Record<string, unknown>) => project.write("kiln.config.ts", config({ url: db.url, migrations: "migrations", ...fields }));

  beforeAll(async () => {
    ({ project, db } = await chainProject(kind, "aaaa00000002"));
    await queryDb(db.url, "CREATE TABLE users (id integer, name varchar(20))");
    await queryDb(db.url, "INSERT INTO users VALUES (1, 'ada')");
  });
  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it("versionTable naming a user table is refused, and the table is left alone", async () => {
    setConfig({ versionTable: "users" });
    try {
      for (const args of [["upgrade", "head"], ["current"], ["stamp", "head"]]) {
        await expectRefused(project, db.url, args, 1, ["users", "is not kiln's version table (it has no column version_num)", "Set `versionTable`"]);
      }
    } finally {
      setConfig({});
    }
  });

  it("historyTable naming a user table is refused", async () => {
    setConfig({ historyTable: "users" });
    try {
      await expectRefused(project, db.url, ["upgrade", "head"], 1, ["is not kiln's history table", "Set `historyTable`"]);
    } finally {
      setConfig({});
    }
  });

  it("a versionSchema that does not exist, with kiln's tables elsewhere, is refused naming where they are", async () => {
    const missing = kind.name === "sqlite" ? "nowhere" : `nowhere_${Date.now().toString(36)}`;
    setConfig({ versionSchema: missing });
    try {
      const where = kind.name === "postgresql" || kind.name === "pglite" ? "public" : kind.name === "sqlite" ? "main" : new URL(db.url).pathname.slice(1);
      for (const args of [["upgrade", "head"], ["current"]]) {
        await expectRefused(project, db.url, args, 1, [`\`versionSchema\` is "${missing}", which does not exist`, `is in "${where}"`, `versionSchema: "${where}"`]);
      }
    } finally {
      setConfig({});
    }
  });
});

describe("database URLs (item 12)", () => {
  let project: TestProject;
  beforeAll(() => {
    project = createProject({ url: "sqlite::memory:" });
    for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
  });
  afterAll(() => project?.remove());

  it("sqlite://100%.db is refused with how to write a literal %, and no file appears", async () => {
    project.write("kiln.config.ts", config({ url: "sqlite://100%.db", migrations: "migrations" }));
    const result = await project.kiln(["upgrade", "head"]);
    expectLine(result, 2, ['the SQLite path "100%.db"', 'write a literal "%" as %25', "sqlite://100%25.db"]);
    expect(existsSync(join(project.dir, "100%.db"))).toBe(false);
    // Written as the message says, it is the file named 100%.db.
    project.write("kiln.config.ts", config({ url: "sqlite://100%25.db", migrations: "migrations" }));
    const up = await project.kiln(["upgrade", "head"]);
    expect(up.code, up.stderr).toBe(0);
    expect(Object.keys(await snapshot(`sqlite://${join(project.dir, "100%.db")}`))).toContain("t3");
  });

  it.runIf(pgUp)("a PostgreSQL URL without a database name is refused instead of using the user's database", async () => {
    // A version table name of its own, so that the check below sees only this run.
    const versionTable = `kiln_v_${Date.now().toString(36)}`;
    const server = new URL(PG_ADMIN_URL);
    // No revisions: were the URL taken (the old behaviour), this test would write nothing into the server's own database.
    project.write("no-revisions/.keep", "");
    for (const url of [`postgres://${server.username}@${server.host}`, `postgresql://${server.username}@${server.host}/`]) {
      project.write("kiln.config.ts", config({ url, migrations: "no-revisions", versionTable }));
      for (const args of [["current"], ["upgrade", "head"]]) {
        const result = await project.kiln(args);
        expectLine(result, 1, ["names no database", "postgres", "://USER@HOST:5432/DATABASE", "named after the user"]);
      }
    }
    expect(await queryDb(PG_ADMIN_URL, "SELECT table_name FROM information_schema.tables WHERE table_name = $1", [versionTable])).toEqual([]);
  });

  it.runIf(mysqlUp)("a MariaDB URL without a database name is refused", async () => {
    const server = new URL(MYSQL_ADMIN_URL);
    project.write("kiln.config.ts", config({ url: `mysql://${server.username}@${server.host}`, migrations: "migrations" }));
    const result = await project.kiln(["upgrade", "head"]);
    expectLine(result, 1, ["names no database", "mysql://USER@HOST:3306/DATABASE"]);
  });
});

describe.runIf(mysqlUp)("a MariaDB user without the CREATE privilege (item 12)", () => {
  it("is told which privilege on which database, and nothing is created", async () => {
    const db = await createMysqlDatabase();
    const user = `kiln_u_${db.name.slice(-10)}`;
    const project = createProject({ url: "sqlite::memory:" });
    try {
      await queryDb(MYSQL_ADMIN_URL, `CREATE USER '${user}'@'%' IDENTIFIED BY 'pw-1'`);
      await queryDb(MYSQL_ADMIN_URL, `GRANT SELECT, INSERT, UPDATE, DELETE ON \`${db.name}\`.* TO '${user}'@'%'`);
      const url = new URL(db.url);
      url.username = user;
      url.password = "pw-1";
      project.write("kiln.config.ts", config({ url: url.toString(), migrations: "migrations" }));
      for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
      for (const args of [["upgrade", "head"], ["stamp", "head"]]) {
        const result = await expectRefused(project, db.url, args, 1, [
          "cannot create kiln's tables `kiln_version` and `kiln_history`",
          `lacks the CREATE privilege on "${db.name}"`,
          "kiln stamp base --sql",
        ]);
        expect(result.stderr).not.toContain("pw-1");
      }
      expect(await snapshot(db.url)).toEqual({});
    } finally {
      project.remove();
      await queryDb(MYSQL_ADMIN_URL, `DROP USER IF EXISTS '${user}'@'%'`);
      await db.drop();
    }
  });
});

describe.each(DATABASES)("`kiln test --url` on $name refuses any table, managed or not (item 16)", (kind) => {
  it("refuses a database whose only table is one the config excludes, or in a schema it does not manage", async () => {
    const project = createProject({ url: "sqlite::memory:" });
    const db = await kind.create(project);
    try {
      for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
      project.write("kiln.config.ts", config({ url: db.url, migrations: "migrations" }, `excludeTables: ["legacy"],`));
      await queryDb(db.url, "CREATE TABLE legacy (id integer)");
      await queryDb(db.url, "INSERT INTO legacy VALUES (7)");
      await expectRefused(project, db.url, ["test", "--url", db.url], 1, [/refusing to run kiln test on .*: it holds 1 table\(s\): \S*legacy/]);
      if (kind.name === "postgresql" || kind.name === "pglite") {
        await queryDb(db.url, "DROP TABLE legacy");
        await queryDb(db.url, "CREATE SCHEMA archive");
        await queryDb(db.url, "CREATE TABLE archive.orders (id integer)");
        await expectRefused(project, db.url, ["test", "--url", db.url], 1, ["it holds 1 table(s): archive.orders"]);
      }
    } finally {
      project.remove();
      await db.drop();
    }
  });
});

/** A models file with one table of this name. */
const oneTable = (name: string) => `import { table, integer } from "kiln-migrate/schema";\nexport const t = table(${JSON.stringify(name)}, { id: integer().primaryKey() });\n`;

const LONG = {
  ascii64: "a".repeat(64),
  accented32: "é".repeat(32), // 32 characters, 64 bytes of UTF-8
  ascii65: "b".repeat(65),
};

/** Which of the names each database keeps whole (PostgreSQL: 63 bytes; MySQL: 64 characters; SQLite: no limit). */
const ACCEPTS: Record<DatabaseKind["name"], (keyof typeof LONG)[]> = {
  postgresql: [],
  pglite: [],
  mariadb: ["ascii64", "accented32"],
  sqlite: ["ascii64", "accented32", "ascii65"],
};

describe.each(DATABASES)("identifier length on $name (item 15)", (kind) => {
  let project: TestProject;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    project = createProject({ url: "sqlite::memory:" });
    db = await kind.create(project);
    project.write("kiln.config.ts", config({ url: db.url, migrations: "migrations", models: "schema.ts" }));
  });
  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it.each(Object.keys(LONG) as (keyof typeof LONG)[])("a model table named %s follows the database's own limit", async (key) => {
    const name = LONG[key];
    project.write("schema.ts", oneTable(name));
    if (!ACCEPTS[kind.name].includes(key)) {
      const limit = kind.name === "mariadb" ? "65 characters long; MySQL/MariaDB allows at most 64 characters" : `${Buffer.byteLength(name)} bytes long; PostgreSQL allows at most 63 bytes`;
      await expectRefused(project, db.url, ["revision", "--autogenerate", "-m", key], 1, [`the name "${name}" is ${limit}`]);
      expect(project.revisionFiles()).toEqual([]);
      return;
    }
    const revision = await project.kiln(["revision", "--autogenerate", "-m", key]);
    expect(revision.code, revision.stderr).toBe(0);
    const up = await project.kiln(["upgrade", "head"]);
    expect(up.code, up.stderr).toBe(0);
    expect(Object.keys(await snapshot(db.url)).some((table) => table.endsWith(name))).toBe(true);
    const check = await project.kiln(["check"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const down = await project.kiln(["downgrade", "base"]);
    expect(down.code, down.stderr).toBe(0);
    for (const file of project.revisionFiles()) rmSync(join(project.migrationsDir, file));
  });

  it("a generated index name is cut only beyond the database's limit", async () => {
    // ix_t_ + 59 characters: 64 characters and 64 bytes.
    const column = "c".repeat(59);
    const full = `ix_t_${column}`;
    project.write("schema.ts", `import { table, integer, index } from "kiln-migrate/schema";\nexport const t = table("t", { id: integer().primaryKey(), ${JSON.stringify(column)}: integer() }, (t) => [index().on(t[${JSON.stringify(column)}])]);\n`);
    const revision = await project.kiln(["revision", "--autogenerate", "-m", "index"]);
    expect(revision.code, revision.stderr).toBe(0);
    try {
      const text = project.read(join("migrations", project.revisionFiles()[0]!));
      if (kind.name === "postgresql" || kind.name === "pglite") {
        expect(text).not.toContain(full);
        expect(text).toMatch(/"ix_t_c{40,}_[0-9a-f]{8}"/);
      } else {
        expect(text).toContain(`"${full}"`);
      }
      const up = await project.kiln(["upgrade", "head"]);
      expect(up.code, up.stderr).toBe(0);
      const check = await project.kiln(["check"]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect((await project.kiln(["downgrade", "base"])).code).toBe(0);
    } finally {
      for (const file of project.revisionFiles()) rmSync(join(project.migrationsDir, file));
    }
  });

  it("a hand-written revision with a name over the limit fails before its statement runs", async () => {
    project.write("schema.ts", "export {};\n");
    const tooLong = kind.name === "mariadb" ? LONG.ascii65 : LONG.accented32;
    project.write(
      "migrations/001_long.ts",
      revisionSource({
        revision: "cccc00000001",
        downRevision: null,
        upgrade: `await op.createTable(${JSON.stringify(tooLong)}, { id: { type: "integer" } });`,
        downgrade: `await op.dropTable(${JSON.stringify(tooLong)});`,
      }),
    );
    try {
      if (kind.name === "sqlite") {
        // SQLite has no limit: the name is kept whole.
        const up = await project.kiln(["upgrade", "head"]);
        expect(up.code, up.stderr).toBe(0);
        expect(Object.keys(await snapshot(db.url))).toContain(tooLong);
        expect((await project.kiln(["downgrade", "base"])).code).toBe(0);
        return;
      }
      const limit = kind.name === "mariadb" ? "is 65 characters long; MySQL/MariaDB allows at most 64 characters" : "is 64 bytes long; PostgreSQL allows at most 63 bytes";
      await expectRefused(project, db.url, ["upgrade", "head"], 1, ["cccc00000001", `the name "${tooLong}" ${limit}`]);
    } finally {
      rmSync(join(project.migrationsDir, "001_long.ts"));
    }
  });
});
