/**
 * Issue 10, "clear errors for the rest": input that kiln used to accept silently,
 * act on wrongly, or answer with a raw error. Each case runs the real CLI on
 * every dialect where it applies and checks the exit code (1 failure, 2 usage),
 * the one error line, and that the database did not change.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
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

describe.each(DATABASES)("targets on $name (item 13)", (kind) => {
  let project: TestProject;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    project = createProject({ url: "sqlite::memory:" });
    db = await kind.create(project);
    project.write("kiln.config.ts", `export default { url: ${JSON.stringify(db.url)}, migrations: "migrations" };\n`);
    for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
    const up = await project.kiln(["upgrade", "head"]);
    expect(up.code, up.stderr).toBe(0);
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
    project = createProject({ url: "sqlite::memory:" });
    db = await kind.create(project);
    project.write("kiln.config.ts", `export default { url: ${JSON.stringify(db.url)}, migrations: "migrations" };\n`);
    for (const [path, content] of Object.entries(CHAIN)) project.write(path, content);
    const up = await project.kiln(["upgrade", "aaaa00000002"]);
    expect(up.code, up.stderr).toBe(0);
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
    expect(current.stderr).toContain(`warning: The database's version table ${message[0]}`);
    const stamp = await project.kiln(["stamp", "aaaa00000002"]);
    expect(stamp.code, stamp.stderr).toBe(0);
    const up = await project.kiln(["upgrade", "head"]);
    expect(up.code, up.stderr).toBe(0);
    expect((await queryDb(db.url, "SELECT version_num FROM kiln_version")).map((r) => r.version_num)).toEqual(["bbbb00000003"]);
  });
});
