/**
 * The pure parts of `kiln import`: splitting SQL files into statements, reading
 * each tool's folder layout, the string literals written into revisions, and
 * which migrations an old tool's table says ran (with a fake connection).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readApplied } from "../../src/import/applied.js";
import { needsNoTransaction, parseAddEnumValue } from "../../src/import/parse.js";
import { importedRevisionId } from "../../src/import/index.js";
import { renderImportedBodies, sqlLiteral, stringLiteral } from "../../src/import/render.js";
import { readDrizzle } from "../../src/import/sources/drizzle.js";
import { readFlyway } from "../../src/import/sources/flyway.js";
import { readPrisma } from "../../src/import/sources/prisma.js";
import { readSqlFolder } from "../../src/import/sources/sql.js";
import { isDataChange, splitStatements } from "../../src/import/split.js";
import type { Connection, Dialect } from "../../src/dialects/types.js";
import { tempDir } from "../helpers/databases.js";
import { REPO_ROOT } from "../helpers/project.js";

const split = (sql: string) => splitStatements(sql);
const dirs: { remove(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.remove()));

function folder(files: Record<string, string>): string {
  const dir = tempDir("kiln-import-");
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, ".."), { recursive: true });
    writeFileSync(join(dir.path, name), text);
  }
  return dir.path;
}

describe("splitStatements", () => {
  it("ends statements at ; outside quotes, comments and dollar quotes", () => {
    const sql = `-- leading comment
CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine'); /* ; */
CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
INSERT INTO t VALUES ('$x$;')`;
    expect(split(sql)).toEqual([
      `-- leading comment\nCREATE TABLE "a;b" (x text DEFAULT 'it''s; fine')`,
      `/* ; */\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql`,
      `INSERT INTO t VALUES ('$x$;')`,
    ]);
  });

  it("keeps a trigger's BEGIN ... END body whole, and follows DELIMITER lines", () => {
    const sqlite = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET n = n + 1; DELETE FROM c; END;\nSELECT 1;";
    expect(split(sqlite)).toEqual(["CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET n = n + 1; DELETE FROM c; END", "SELECT 1"]);
    const mysql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\nDELIMITER ;\nSELECT 'a\\';b' # x;\n;";
    expect(splitStatements(mysql, { backslashEscapes: true, hashComments: true })).toEqual(["CREATE PROCEDURE p() BEGIN SELECT 1; END", "SELECT 'a\\';b' # x;"]);
  });

  it("drops text that is only comments, and tells data changes from schema changes", () => {
    expect(split("-- nothing\n/* at all */\n;\n")).toEqual([]);
    expect(isDataChange("-- seed\nINSERT INTO a VALUES (1)")).toBe(true);
    expect(isDataChange("WITH x AS (SELECT 1) UPDATE a SET b = 1")).toBe(true);
    expect(isDataChange("CREATE TABLE insert_log (id int)")).toBe(false);
  });
});

describe("history readers", () => {
  it("drizzle: the journal's order, breakpoints, hash and when (the committed fixture made by drizzle-kit)", () => {
    const history = readDrizzle(join(REPO_ROOT, "test", "fixtures", "import", "drizzle-sqlite"), split);
    expect(history.declaredDialect).toBe("sqlite");
    expect(history.migrations.map((m) => m.key)).toEqual(["0000_create_users", "0001_create_posts", "0002_add_published_and_bio", "0003_add_comments_and_status", "0004_add_tags_drop_bio"]);
    expect(history.migrations.every((m) => /^[0-9a-f]{64}$/.test(m.drizzleHash!) && typeof m.drizzleMillis === "number")).toBe(true);
    // `PRAGMA foreign_keys=OFF;--> statement-breakpoint` on one line is two statements apart.
    expect(history.migrations[1]!.statements.some((s) => s.includes("statement-breakpoint"))).toBe(false);
  });

  it("drizzle: a journal entry without its file is named", () => {
    const dir = folder({ "meta/_journal.json": JSON.stringify({ dialect: "postgresql", entries: [{ idx: 0, when: 1, tag: "0000_x" }] }) });
    expect(() => readDrizzle(dir, split)).toThrow(/lists 0000_x, but .*0000_x\.sql does not exist/);
    expect(() => readDrizzle(folder({ "a.sql": "" }), split)).toThrow(/is not a drizzle-kit migrations folder/);
  });

  it("prisma: folders in name order, the provider from migration_lock.toml, BEGIN/COMMIT set aside", () => {
    const dir = folder({
      "migration_lock.toml": 'provider = "postgresql"\n',
      "20240102000000_second/migration.sql": "BEGIN;\nALTER TABLE a ADD COLUMN b int;\nCOMMIT;\n",
      "20240101000000_first/migration.sql": "CREATE TABLE a (id int);",
      "notes/readme.md": "",
    });
    const history = readPrisma(dir, split);
    expect(history.declaredDialect).toBe("postgresql");
    expect(history.migrations.map((m) => [m.key, m.name, m.statements])).toEqual([
      ["20240101000000_first", "first", ["CREATE TABLE a (id int)"]],
      ["20240102000000_second", "second", ["ALTER TABLE a ADD COLUMN b int"]],
    ]);
    expect(history.migrations[1]!.skipped?.map((s) => s.statement)).toEqual(["BEGIN", "COMMIT"]);
    expect(history.migrations[0]!.createdAt?.toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(history.warnings[0]).toMatch(/notes has no migration\.sql/);
  });

  it("flyway: numeric version order, U files paired, repeatable and stray files named", () => {
    const history = readFlyway(
      folder({ "V10__ten.sql": "SELECT 10", "V2__two.sql": "SELECT 2", "V1_1__one_one.sql": "SELECT 11", "U2__two.sql": "SELECT -2", "R__views.sql": "", "notes.sql": "" }),
      split,
    );
    expect(history.migrations.map((m) => [m.key, m.name, m.undo?.file])).toEqual([
      ["1.1", "V1.1 one one", undefined],
      ["2", "V2 two", "U2__two.sql"],
      ["10", "V10 ten", undefined],
    ]);
    expect(history.warnings.join("\n")).toMatch(/R__views\.sql is a repeatable Flyway migration[\s\S]*notes\.sql does not follow Flyway's naming/);
    expect(() => readFlyway(folder({ "V1__a.sql": "", "V1.0__b.sql": "" }), split)).toThrow(/two V migrations for version 1/);
    const outside = readFlyway(folder({ "V1__a.sql": "-- flyway:executeInTransaction=false\nVACUUM", "V2__b.sql": "SELECT 1", "V2__b.sql.conf": "executeInTransaction=false\n", "V3__c.sql": "SELECT 3" }), split);
    expect(outside.migrations.map((m) => m.transactional)).toEqual([false, false, undefined]);
  });

  it("sql: natural name order, *.down.sql as the undo of its partner", () => {
    const history = readSqlFolder(folder({ "10_c.sql": "SELECT 3", "2_b.up.sql": "SELECT 2", "2_b.down.sql": "SELECT -2", "1_a.sql": "SELECT 1" }), split);
    expect(history.migrations.map((m) => [m.file, m.undo?.file])).toEqual([
      ["1_a.sql", undefined],
      ["2_b.up.sql", "2_b.down.sql"],
      ["10_c.sql", undefined],
    ]);
  });
});

describe("statements kiln runs as operations", () => {
  it("ALTER TYPE ... ADD VALUE becomes op.addEnumValue (quoted and folded names, position)", () => {
    expect(parseAddEnumValue(`ALTER TYPE "public"."post_status" ADD VALUE 'it''s';`)).toEqual({ kind: "addEnumValue", schema: "public", name: "post_status", value: "it's" });
    expect(parseAddEnumValue("-- AlterEnum\nALTER TYPE Mood ADD VALUE IF NOT EXISTS 'ok' BEFORE 'sad'")).toEqual({ kind: "addEnumValue", name: "mood", value: "ok", before: "sad" });
    expect(parseAddEnumValue("ALTER TYPE mood RENAME VALUE 'a' TO 'b'")).toBeUndefined();
    expect(parseAddEnumValue("ALTER TYPE mood ADD VALUE 'a'; DROP TABLE x")).toBeUndefined();
  });

  it("statements PostgreSQL refuses in a transaction are recognised", () => {
    expect(needsNoTransaction("-- big table\nCREATE UNIQUE INDEX CONCURRENTLY ix ON t (a)")).toBe(true);
    expect(needsNoTransaction("DROP INDEX CONCURRENTLY ix")).toBe(true);
    expect(needsNoTransaction("CREATE INDEX ix ON t (concurrently)")).toBe(false);
  });
});

describe("revision text", () => {
  it("string literals evaluate to the exact text, with bidi and control characters escaped", () => {
    for (const text of ['ALTER TABLE "a" ADD "b" int', "it's \"quoted\"", "tab\there \\ back", "\u202e evil \u2028 line \u0007", `both ' and " with \`ticks\` and \${x} \\\``]) {
      const literal = stringLiteral(text);
      expect(literal).not.toMatch(/[\u202e\u2028\u0007]/);
      expect(new Function(`return ${literal};`)()).toBe(text);
    }
    const multi = 'CREATE TABLE "t" (\n\t"id" int\n)';
    expect(new Function(`return ${sqlLiteral(multi)};`)()).toBe(multi);
  });

  it("the revision names the original file, a data change in the downgrade, and the undo script when there is one", () => {
    const migration = { key: "1", name: "seed", file: "V1__seed.sql", statements: ["INSERT INTO a VALUES (1)"] };
    const bodies = renderImportedBodies("flyway", { migration, after: { schemas: [], tables: [], enums: [] } as never, downgrade: { source: "derived", operations: [], statements: [], notes: ["statement 1 (INSERT INTO a VALUES (1)) changes rows, which the downgrade does not undo; undo it by hand if it matters"] } });
    expect(bodies.upgrade).toBe('// imported from Flyway: V1__seed.sql (1 statement)\nawait op.execute("INSERT INTO a VALUES (1)");');
    expect(bodies.downgrade).toContain("// WARNING: statement 1 (INSERT INTO a VALUES (1)) changes rows");
    const undone = renderImportedBodies("flyway", { migration: { ...migration, undo: { file: "U1__seed.sql", statements: ["DELETE FROM a"] } }, after: {} as never, downgrade: { source: "undo", operations: [], statements: ["DELETE FROM a"], notes: [] } });
    expect(undone.downgrade).toBe('// the undo script U1__seed.sql shipped with the history\nawait op.execute("DELETE FROM a");');
  });

  it("revision ids depend only on the tool and the migration's key", () => {
    expect(importedRevisionId("drizzle", "0000_x")).toBe(importedRevisionId("drizzle", "0000_x"));
    expect(importedRevisionId("drizzle", "0000_x")).not.toBe(importedRevisionId("prisma", "0000_x"));
    expect(importedRevisionId("flyway", "1")).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe("readApplied", () => {
  const fakeDialect = {
    listTables: async () => [{ schema: "public", name: "flyway_schema_history" }],
    tableName: (s: string, n: string) => `"${s}"."${n}"`,
    quoteIdentifier: (n: string) => `"${n}"`,
  } as unknown as Dialect;
  const conn = (rows: Record<string, unknown>[]): Connection => ({ query: async () => ({ rows, rowCount: rows.length }), close: async () => undefined });
  const migrations = ["1", "1.1", "2"].map((key) => ({ key, name: key, file: `V${key}.sql`, statements: [] }));

  it("flyway: undo rows take a version back; the last of the applied prefix is the stamp", async () => {
    const applied = await readApplied(fakeDialect, conn([
      { version: "1", type: "SQL", success: true },
      { version: "1.1", type: "SQL", success: 1 },
      { version: "2", type: "SQL", success: true },
      { version: "2", type: "UNDO_SQL", success: true },
    ]), "flyway", migrations);
    expect(applied?.last?.key).toBe("1.1");
    expect(applied?.problem).toBeUndefined();
  });

  it("drizzle under a configured table name: matched by hash, or by when for a file edited since", async () => {
    const dialect = { ...fakeDialect, listTables: async () => [{ schema: "public", name: "__drizzle_migrations" }, { schema: "ops", name: "db_history" }] } as unknown as Dialect;
    const drizzle = [
      { key: "0000_a", name: "0000_a", file: "0000_a.sql", statements: [], drizzleHash: "h0", drizzleMillis: 100 },
      { key: "0001_b", name: "0001_b", file: "0001_b.sql", statements: [], drizzleHash: "h1", drizzleMillis: 200 },
      { key: "0002_c", name: "0002_c", file: "0002_c.sql", statements: [], drizzleHash: "h2", drizzleMillis: 300 },
    ];
    const applied = await readApplied(dialect, conn([{ hash: "h0", created_at: "100" }, { hash: "edited", created_at: 200 }]), "drizzle", drizzle, "ops.db_history");
    expect(applied).toMatchObject({ table: "ops.db_history", rows: 2, problem: undefined, matchedBy: "file hash, and the journal's `when` for 1 file(s) edited since they ran" });
    expect(applied?.last?.key).toBe("0001_b");
    expect(await readApplied(dialect, conn([]), "drizzle", drizzle, "ops.missing")).toBeUndefined();
  });

  it("a gap or an unknown version is a problem, and no stamp", async () => {
    const gap = await readApplied(fakeDialect, conn([{ version: "1", type: "SQL", success: true }, { version: "2", type: "SQL", success: true }]), "flyway", migrations);
    expect(gap?.problem).toBe("public.flyway_schema_history records V2.sql as applied but not V1.1.sql, which comes before it in the history");
    const unknown = await readApplied(fakeDialect, conn([{ version: "1", type: "SQL", success: true }, { version: "7", type: "SQL", success: true }]), "flyway", migrations);
    expect(unknown?.problem).toMatch(/records 1 migration\(s\) that the imported folder does not have \(version 7\)/);
  });
});
