/**
 * Enum values, defaults and names holding backslashes, quotes, control
 * characters, emoji and other non-ASCII text reach the database exactly as the
 * models say, `kiln check` then finds no difference, and a value changed by hand
 * (to the "?" MariaDB's utf8mb3 information_schema shows for an emoji) shows as one.
 * MariaDB refuses emoji in names (kiln says so first) and kiln refuses them in
 * comments, which no query reads back exactly there.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

interface Target {
  name: string;
  up: boolean;
  /** A character the database accepts in a name. */
  nameChar: string;
  create: () => Promise<{ url: string; db?: ScratchDatabase }>;
  quote: (name: string) => string;
  /** Changes the default of column v of `table` by hand (undefined: the database cannot). */
  corrupt?: (url: string, table: string) => Promise<void>;
}

const targets: Target[] = [
  {
    name: "MariaDB",
    up: await serverAvailable("mysql"),
    nameChar: "\u263a",
    create: async () => {
      const db = await createMysqlDatabase();
      return { url: db.url, db };
    },
    quote: (name) => "`" + name.replaceAll("`", "``") + "`",
    // 'a\bb' is "a", backspace, "b" in MariaDB's string syntax.
    corrupt: (url, table) => queryDb(url, `ALTER TABLE \`${table}\` ALTER v SET DEFAULT 'a\\bb'`).then(() => undefined),
  },
  {
    name: "PostgreSQL",
    up: await serverAvailable("postgresql"),
    nameChar: "\u{1f642}",
    create: async () => {
      const db = await createPgDatabase();
      return { url: db.url, db };
    },
    quote: (name) => `"${name.replaceAll('"', '""')}"`,
    corrupt: (url, table) => queryDb(url, `ALTER TABLE "${table}" ALTER v SET DEFAULT E'a\\bb'`).then(() => undefined),
  },
  {
    name: "SQLite",
    up: true,
    nameChar: "\u{1f642}",
    create: async () => ({ url: "sqlite://app.db" }),
    quote: (name) => `"${name.replaceAll('"', '""')}"`,
  },
];

const models = (tableName: string, mood: string, text: string) => `import { table, integer, varchar, enumType } from "kiln-migrate/schema";

export const mood = enumType("mood", [${JSON.stringify(mood)}, "plain"]);
export const t = table(${JSON.stringify(tableName)}, {
  id: integer().primaryKey(),
  m: mood().default(${JSON.stringify(mood)}),
  v: varchar(60).default(${JSON.stringify(text)}),
});
`;

for (const target of targets) {
  describe.runIf(target.up)(`hostile values on ${target.name}`, () => {
    const mood = `smile \u{1f642} \\ 'q'`;
    const text = `a\\b 'q' "dq" \\n\t\x01 \u00e9 \u{1f642}? \\\\ %_`;
    const tableName = `t\u00fc ${target.nameChar}`;
    let project: TestProject;
    let db: ScratchDatabase | undefined;
    let url: string;
    const kiln = async (args: string[], code: number): Promise<CliResult> => {
      const result = await project.kiln(args);
      expect(result.code, `kiln ${args.join(" ")}\n${result.stdout}${result.stderr}`).toBe(code);
      return result;
    };

    beforeAll(async () => {
      const created = await target.create();
      db = created.db;
      project = createProject({ url: created.url, models: models(tableName, mood, text) });
      url = created.url.startsWith("sqlite") ? `sqlite://${project.dir}/app.db` : created.url;
    });
    afterAll(async () => {
      project?.remove();
      await db?.drop();
    });

    it("stores the models' values exactly, and check finds no difference", async () => {
      await kiln(["revision", "--autogenerate", "-m", "hostile values"], 0);
      await kiln(["upgrade", "head"], 0);
      await kiln(["check"], 0);
      await queryDb(url, `INSERT INTO ${target.quote(tableName)} (id) VALUES (1)`);
      const rows = await queryDb(url, `SELECT m, v FROM ${target.quote(tableName)}`);
      expect(rows).toEqual([{ m: mood, v: text }]);
      await queryDb(url, `INSERT INTO ${target.quote(tableName)} (id, m) VALUES (2, 'plain')`);
    });

    // Registered only where it applies, so that nothing is reported as skipped.
    if (target.name === "MariaDB") it("writes a --sql script that stores the same values on a server with NO_BACKSLASH_ESCAPES", async () => {
      const script = (await kiln(["upgrade", "head", "--sql"], 0)).stdout;
      const other = await createMysqlDatabase();
      try {
        const u = new URL(other.url);
        const session = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\n";
        execFileSync("mariadb", ["-h", u.hostname, "-P", u.port || "3306", "-u", decodeURIComponent(u.username), "--default-character-set=utf8mb4", other.name], {
          input: session + script,
        });
        await queryDb(other.url, `INSERT INTO ${target.quote(tableName)} (id) VALUES (1)`);
        expect(await queryDb(other.url, `SELECT m, v FROM ${target.quote(tableName)}`)).toEqual([{ m: mood, v: text }]);
      } finally {
        await other.drop();
      }
    });

    if (target.corrupt) it("reports a default changed by hand", async () => {
      await target.corrupt!(url, tableName);
      const check = await kiln(["check"], 1);
      expect(check.stdout).toMatch(/column .*\.v: default/);
    });

    if (target.name === "MariaDB") it("refuses an emoji in a name or a comment, and sees an emoji turned into ?", async () => {
      project.write("schema.ts", models(tableName, mood, text).replace("\n});\n", '\n}, { comment: "\u{1f642}" });\n'));
      expect((await kiln(["revision", "--autogenerate", "-m", "emoji"], 1)).stderr).toMatch(/comment .*U\+1F642 .*utf8mb3/);
      project.write("schema.ts", models("t \u{1f642}", mood, text));
      expect((await kiln(["revision", "--autogenerate", "-m", "emoji"], 1)).stderr).toMatch(/identifiers cannot contain U\+1F642/);
      // An enum value changed by hand to what the emoji would have become shows as a difference.
      project.write("schema.ts", models(tableName, mood, text));
      const asQuestionMark = `'smile ? \\\\ ''q'''`; // smile ? \ 'q' in MariaDB's string syntax
      await queryDb(url, `DELETE FROM \`${tableName}\``);
      await queryDb(url, `ALTER TABLE \`${tableName}\` MODIFY m enum(${asQuestionMark},'plain') NULL DEFAULT ${asQuestionMark}`);
      expect((await kiln(["check"], 1)).stdout).toMatch(/column .*\.m/);
    });
  });
}
