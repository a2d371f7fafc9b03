/**
 * A revision message (or database text) never becomes SQL or a terminal command:
 * `kiln revision -m $'fix\nDROP TABLE t1;\n--'` then `upgrade --sql`, run by the
 * database's own client (sqlite3, psql, mariadb), leaves t1 alone; history, show,
 * current, heads and error messages print control characters as visible escapes.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const INJECTED = "fix\nDROP TABLE t1;\n--";
const ESCAPES = "paint \x1b[2J\x1b]0;owned\x07 \x9b31m \r\u202eevil";

interface Target {
  name: string;
  available: () => Promise<boolean>;
  create: () => Promise<{ url: string; db?: ScratchDatabase; dir?: string }>;
  /** Runs a script with the database's own command-line client. */
  runScript: (url: string, script: string) => void;
}

const targets: Target[] = [
  {
    name: "SQLite (sqlite3)",
    available: async () => true,
    create: async () => ({ url: "sqlite://app.db" }),
    runScript: (url, script) => execFileSync("sqlite3", ["-bail", url], { input: script }),
  },
  {
    name: "PostgreSQL (psql)",
    available: () => serverAvailable("postgresql"),
    create: async () => {
      const db = await createPgDatabase();
      return { url: db.url, db };
    },
    runScript: (url, script) => execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", url], { input: script }),
  },
  {
    name: "MariaDB (mariadb)",
    available: () => serverAvailable("mysql"),
    create: async () => {
      const db = await createMysqlDatabase();
      return { url: db.url, db };
    },
    runScript: (url, script) => {
      const u = new URL(url);
      execFileSync("mariadb", ["-h", u.hostname, "-P", u.port || "3306", "-u", decodeURIComponent(u.username), u.pathname.slice(1)], { input: script });
    },
  },
];

for (const target of targets) {
  const up = await target.available();
  describe.runIf(up)(`hostile text on ${target.name}`, () => {
    let project: TestProject;
    let url: string;
    let db: ScratchDatabase | undefined;
    let scriptUrl: string;
    const kiln = async (args: string[], code = 0): Promise<CliResult> => {
      const result = await project.kiln(args);
      expect(result.code, `kiln ${args.join(" ")}\n${result.stderr}`).toBe(code);
      // NO_COLOR is set: kiln itself writes no escape sequence, so any ESC came from the text.
      expect(result.stdout + result.stderr).not.toMatch(/[\x1b\x07\x9b\r\u202e]/);
      return result;
    };
    const tableExists = async (name: string) =>
      (await queryDb(url, url.startsWith("sqlite") ? `SELECT name FROM sqlite_master WHERE name = '${name}'` : `SELECT table_name FROM information_schema.tables WHERE table_name = '${name}' AND table_schema = ${url.startsWith("postgres") ? "'public'" : "DATABASE()"}`)).length === 1;

    beforeAll(async () => {
      const created = await target.create();
      db = created.db;
      project = createProject({ url: created.url });
      url = created.url.startsWith("sqlite") ? `sqlite://${join(project.dir, "app.db")}` : created.url;
      scriptUrl = created.url.startsWith("sqlite") ? join(project.dir, "app.db") : created.url;
      await queryDb(url, "CREATE TABLE t1 (id INTEGER PRIMARY KEY)");
    });
    afterAll(async () => {
      project?.remove();
      await db?.drop();
    });

    it("keeps a multi-line revision message inside its -- comment in the --sql script", async () => {
      await kiln(["revision", "-m", INJECTED]);
      const script = (await kiln(["upgrade", "head", "--sql"])).stdout;
      expect(script).toContain("fix\\nDROP TABLE t1;\\n--");
      expect(script.split("\n").filter((line) => line.startsWith("DROP"))).toEqual([]);
      target.runScript(scriptUrl, script);
      expect(await tableExists("t1")).toBe(true);
      expect(await tableExists("kiln_version")).toBe(true);
    });

    it("prints control characters in messages as visible escapes", async () => {
      const head = (await kiln(["heads"])).stdout.trim().split(/\s/)[0]!;
      await kiln(["revision", "-m", ESCAPES]);
      for (const args of [["history"], ["history", "--verbose"], ["show", "head"], ["heads"], ["heads", "--verbose"]]) {
        expect((await kiln(args)).stdout, args.join(" ")).toContain("paint \\x1b[2J\\x1b]0;owned\\x07 \\x9b31m \\r\\u{202e}evil");
      }
      await kiln(["stamp", head]);
      const upgraded = await kiln(["upgrade", "head"]);
      expect(upgraded.stderr).toContain("paint \\x1b[2J");
      expect((await kiln(["current", "--verbose"])).stdout).toContain("paint \\x1b[2J");
    });

    it("prints control characters echoed by a database error as visible escapes", async () => {
      const head = (await kiln(["heads"])).stdout.trim().split(/\s/)[0]!;
      project.write(
        "migrations/zz_fails.ts",
        revisionSource({ revision: "ffff00000001", downRevision: head, upgrade: `await op.execute("SELECT * FROM no_such_table_\\x1b[2J\\r\\u202e");` }),
      );
      const failed = await kiln(["upgrade", "head"], 1);
      expect(failed.stderr).toMatch(/no_such_table_\\x1b\[2J/);
    });

    it("prints control characters in lint warnings as visible escapes", async () => {
      project.write(
        "migrations/zz_lint.ts",
        revisionSource({
          revision: "ffff00000002",
          downRevision: "ffff00000001",
          message: "lint \x1b[2J me",
          // Dropping a table gets a lint warning on every dialect.
          upgrade: `await op.dropTable("t\\x1b[31m");`,
        }),
      );
      const lint = await project.kiln(["lint"]);
      expect(lint.stdout + lint.stderr).not.toMatch(/[\x1b\x07\x9b\r\u202e]/);
      expect(lint.stdout).toContain('lint \\x1b[2J me');
      expect(lint.stdout).toContain('table "t\\x1b[31m"');
    });
  });
}
