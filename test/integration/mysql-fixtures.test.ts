/**
 * Real MariaDB schemas round-tripped through the CLI (issue 13): a schema of
 * our own (test/fixtures/mysql/own.sql) and the public Sakila sample
 * (test/fixtures/mysql/sakila). Loaded, then with models that hold nothing:
 * autogenerate, upgrade head, downgrade -1 must leave SHOW CREATE TABLE
 * identical for every table.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";

const available = await serverAvailable("mysql");
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "mysql");

export async function loadSql(url: string, file: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    await conn.query(readFileSync(file, "utf8"));
  } finally {
    await conn.end();
  }
}

/** SHOW CREATE TABLE of every base table, by name. */
export async function showCreateTables(url: string): Promise<Record<string, string>> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await conn.query("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'");
    const result: Record<string, string> = {};
    for (const row of rows as Record<string, string>[]) {
      const name = Object.values(row)[0]!;
      if (name.startsWith("kiln_")) continue;
      const [created] = await conn.query(`SHOW CREATE TABLE \`${name.replaceAll("`", "``")}\``);
      result[name] = String((created as Record<string, string>[])[0]!["Create Table"]);
    }
    return result;
  } finally {
    await conn.end();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function loaded(file: string): Promise<{ db: ScratchDatabase; project: TestProject; before: Record<string, string> }> {
  const db = await createMysqlDatabase();
  cleanups.push(() => db.drop());
  await loadSql(db.url, file);
  const project = createProject({ url: db.url, models: "export {};\n" });
  cleanups.push(() => project.remove());
  return { db, project, before: await showCreateTables(db.url) };
}

async function kilnOk(project: TestProject, args: string[]): Promise<string> {
  const result = await project.kiln(args);
  if (result.code !== 0) throw new Error(`kiln ${args.join(" ")} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result.stderr;
}

describe.skipIf(!available)("real MariaDB schemas: drop everything, then downgrade", () => {
  for (const fixture of ["sakila/schema.sql", "own.sql"]) {
    it(`${fixture}: SHOW CREATE TABLE is identical for every table after the round trip`, async () => {
      const { db, project, before } = await loaded(join(FIXTURES, fixture));
      expect(Object.keys(before).length).toBeGreaterThan(3);
      await kilnOk(project, ["revision", "--autogenerate", "-m", "drop everything"]);
      await kilnOk(project, ["upgrade", "head"]);
      expect(await showCreateTables(db.url)).toEqual({});
      await kilnOk(project, ["downgrade", "-1"]);
      expect(await showCreateTables(db.url)).toEqual(before);
    }, 120_000);
  }
});

describe.skipIf(!available)("MySQL notes in generated revisions", () => {
  it("generatedAlwaysAsIdentity() gets a note that MySQL makes it AUTO_INCREMENT", async () => {
    const db = await createMysqlDatabase();
    cleanups.push(() => db.drop());
    const project = createProject({
      url: db.url,
      models: `import { table, integer, varchar } from "kiln-migrate/schema";
export const items = table("items", { id: integer().primaryKey().generatedAlwaysAsIdentity(), name: varchar(20) });
`,
    });
    cleanups.push(() => project.remove());
    const stderr = await kilnOk(project, ["revision", "--autogenerate", "-m", "items"]);
    expect(stderr).toMatch(/column items\.id is generatedAlwaysAsIdentity\(\) in the models; MySQL has no GENERATED ALWAYS identity, so it becomes AUTO_INCREMENT/);
    const file = project.read(join("migrations", project.revisionFiles()[0]!));
    expect(file).toMatch(/\/\/ NOTE: column items\.id is generatedAlwaysAsIdentity\(\)/);
    await kilnOk(project, ["upgrade", "head"]);
    expect((await showCreateTables(db.url)).items).toMatch(/`id` int\(11\) NOT NULL AUTO_INCREMENT/);
  }, 60_000);
});
