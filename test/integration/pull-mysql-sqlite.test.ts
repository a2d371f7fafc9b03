/**
 * Issue 14 on MariaDB and SQLite: `kiln pull` on the own fixtures and the real
 * schemas (Sakila on MariaDB; Chinook and Sakila on SQLite), then `kiln check`
 * exits 0 with no warning at all, the models spell out no constraint or index
 * name the naming convention pull wrote into the config gives, and the
 * pulled models build an empty database (autogenerate + upgrade head) with the
 * same schema: SHOW CREATE TABLE of every table on MariaDB; on SQLite every
 * table's columns, foreign keys and indexes as SQLite reports them (PRAGMA
 * table_xinfo, foreign_key_list, index_list/index_xinfo: what it enforces; the
 * CREATE text itself is kiln's own spelling, not the original's), and the same
 * views and triggers (word for word where the original is laid out as kiln writes).
 * Plus: --baseline (a first revision, stamped; an empty database built from it
 * matches), another tool's version table found, kept, and left out, --split,
 * and the adoption path: a database drizzle-orm's migrator built,
 * `kiln import` of its drizzle-kit history (stamped at head), `kiln pull`,
 * `kiln check` exit 0.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { createMysqlDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { lineDiff } from "../helpers/pg-roundtrip.js";
import { createProject, REPO_ROOT } from "../helpers/project.js";
import { buildFromPulled, checkPulled, namesTheConventionGives, pullInto } from "../helpers/pull.js";
import { loadSql, showCreateObjects, showCreateTables, triggerOrder } from "../helpers/mysql.js";

const myUp = await serverAvailable("mysql");
const FIXTURES = join(REPO_ROOT, "test", "fixtures");

/** What SQLite enforces, table by table (no CREATE text). */
function sqliteFacts(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const lines: string[] = [];
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'kiln\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
      .all() as { name: string }[];
    const rows = (sql: string, ...args: unknown[]) => db.prepare(sql).all(...args).map((r) => JSON.stringify(r));
    for (const { name } of tables) {
      // Declared types without case (kiln declares a model's type in upper case; SQLite reads either alike);
      // foreign keys by what they say, not by their position in the CREATE text.
      const columns = (db.prepare("SELECT * FROM pragma_table_xinfo(?)").all(name) as { type: string }[]).map((c) => JSON.stringify({ ...c, type: c.type.toLowerCase() }));
      const foreignKeys = (db.prepare("SELECT * FROM pragma_foreign_key_list(?)").all(name) as { id: number }[])
        .map(({ id: _id, ...fk }) => JSON.stringify(fk))
        .sort();
      lines.push(`table ${name}:`, ...columns, ...foreignKeys);
      const indexes = db.prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) ORDER BY name").all(name) as { name: string }[];
      for (const index of indexes) {
        // Automatic indexes (sqlite_autoindex_t_N) are numbered by declaration order: named by what they cover.
        const label = index.name.startsWith("sqlite_autoindex_") ? "(automatic)" : index.name;
        lines.push(`index ${label}: ${JSON.stringify({ ...index, name: undefined })}`, ...rows("SELECT seqno, cid, name, desc, coll, key FROM pragma_index_xinfo(?)", index.name));
      }
    }
    return `${lines.join("\n")}\n`;
  } finally {
    db.close();
  }
}

function loadSqlite(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

describe("kiln pull on SQLite", () => {
  for (const name of ["own", "chinook", "sakila"]) {
    it(`${name}: pull, check exit 0, and the models build what SQLite enforces`, { timeout: 120_000 }, async () => {
      const dir = tempDir("kiln-pull-sqlite-");
      const loaded = join(dir.path, "loaded.db");
      const built = join(dir.path, "built.db");
      let project: Awaited<ReturnType<typeof pullInto>> | undefined;
      try {
        loadSqlite(loaded, readFileSync(join(FIXTURES, "sqlite", `${name}.sql`), "utf8"));
        project = await pullInto(`sqlite://${loaded}`, ["--json"]);
        expect(project.pull.code, project.pull.stderr).toBe(0);
        const check = await checkPulled(project);
        expect(check.code, check.stdout + check.stderr).toBe(0);
        expect([...check.unexpected, ...check.unmodelled]).toEqual([]);
        const { naming } = JSON.parse(project.pull.stdout) as { naming: Record<string, string> };
        expect(await namesTheConventionGives(`sqlite://${loaded}`, project.read(project.models), naming)).toEqual([]);
        expect(await buildFromPulled(project, `sqlite://${built}`)).toBeUndefined();
        expect(lineDiff(sqliteFacts(loaded), sqliteFacts(built), ["loaded", "built from pulled models"])).toBe("");
        // Views and triggers are pulled and built: the same ones on the same tables; where their text is laid
        // out as kiln writes it (the own fixture), stored word for word.
        const objects = (file: string, withSql: boolean) => {
          const db = new Database(file, { readonly: true });
          try {
            return db.prepare(`SELECT type, name, tbl_name${withSql ? ", sql" : ""} FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY type, name`).all();
          } finally {
            db.close();
          }
        };
        expect(objects(built, name === "own")).toEqual(objects(loaded, name === "own"));
        expect(objects(loaded, false).length).toBeGreaterThan(name === "chinook" ? -1 : 2);
      } finally {
        project?.remove();
        dir.remove();
      }
    });
  }

  it("a database drizzle-orm migrated: imported (stamped at head), pulled, and check exit 0 with its version table kept", { timeout: 120_000 }, async () => {
    const project = createProject({ url: "sqlite://./app.db" });
    try {
      const sqlite = new Database(join(project.dir, "app.db"));
      migrate(drizzle(sqlite), { migrationsFolder: join(FIXTURES, "import", "drizzle-sqlite") });
      sqlite.close();
      const imported = await project.kiln(["import", "drizzle", join(FIXTURES, "import", "drizzle-sqlite"), "--no-verify"]);
      expect(imported.code, imported.stderr).toBe(0);
      const pulled = await project.kiln(["pull"]);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(pulled.stderr).toContain("found drizzle-kit's version table __drizzle_migrations: left in place and out of the models");
      expect(project.read("kiln.config.ts")).toContain('excludeTables: ["__drizzle_migrations"]');
      const check = await checkPulled(project);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.unexpected).toEqual([]);
    } finally {
      project.remove();
    }
  });

  it("--split table: one file per table, each listed in the config, and check exit 0", { timeout: 120_000 }, async () => {
    const dir = tempDir("kiln-pull-split-");
    const loaded = join(dir.path, "loaded.db");
    let project: Awaited<ReturnType<typeof pullInto>> | undefined;
    try {
      loadSqlite(loaded, readFileSync(join(FIXTURES, "sqlite", "sakila.sql"), "utf8"));
      project = await pullInto(`sqlite://${loaded}`, ["--split", "table"]);
      expect(project.pull.code, project.pull.stderr).toBe(0);
      expect(project.read("src/db/schema/filmActor.ts")).toContain('import { actor } from "./actor.js";');
      expect(project.read("kiln.config.ts")).toContain('"src/db/schema/filmActor.ts"');
      const check = await checkPulled(project);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    } finally {
      project?.remove();
      dir.remove();
    }
  });

  it("--baseline writes a first revision, stamps the database at it, and builds the same schema", { timeout: 120_000 }, async () => {
    const dir = tempDir("kiln-pull-baseline-");
    const loaded = join(dir.path, "loaded.db");
    const built = join(dir.path, "built.db");
    let project: Awaited<ReturnType<typeof pullInto>> | undefined;
    try {
      loadSqlite(loaded, `${readFileSync(join(FIXTURES, "sqlite", "chinook.sql"), "utf8")}
        CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
        INSERT INTO alembic_version VALUES ('1975ea83b712');`);
      project = await pullInto(`sqlite://${loaded}`, ["--baseline", "--json"]);
      expect(project.pull.code, project.pull.stderr).toBe(0);
      const summary = JSON.parse(project.pull.stdout) as { baseline: { revision: string }; versionTables: unknown[]; config: { file: string } };
      expect(summary.versionTables).toEqual([{ tool: "Alembic", table: "alembic_version" }]);
      expect(project.pull.stderr).toContain("found Alembic's version table alembic_version: left in place and out of the models");
      expect(project.read("src/db/schema.ts")).not.toContain("alembic_version");
      expect(project.read("kiln.config.ts")).toContain('excludeTables: ["alembic_version"]');
      const current = await project.kiln(["current"]);
      expect(current.stdout).toContain(`${summary.baseline.revision} (head)`);
      const check = await checkPulled(project);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      // The other tool's table and its row are still there.
      const db = new Database(loaded, { readonly: true });
      expect(db.prepare("SELECT version_num FROM alembic_version").all()).toEqual([{ version_num: "1975ea83b712" }]);
      db.close();
      // The baseline builds an empty database; its downgrade empties it again.
      const up = await project.kiln(["upgrade", "head"], { DATABASE_URL: `sqlite://${built}` });
      expect(up.code, up.stderr).toBe(0);
      const withoutAlembic = (facts: string) => facts.replace(/^table alembic_version:\n(?:(?!table |index ).*\n|index .*\n)*/m, "");
      expect(lineDiff(withoutAlembic(sqliteFacts(loaded)), sqliteFacts(built))).toBe("");
      const down = await project.kiln(["downgrade", "base"], { DATABASE_URL: `sqlite://${built}` });
      expect(down.code, down.stderr).toBe(0);
      expect(sqliteFacts(built)).toBe("\n");
      // Pulling again without --force refuses and names the file.
      const again = await project.kiln(["pull"]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("refusing to overwrite");
      expect(again.stderr).toContain("--force");
    } finally {
      project?.remove();
      dir.remove();
    }
  });
});

describe.runIf(myUp)("kiln pull on MariaDB", () => {
  for (const [name, file] of [
    ["own", join(FIXTURES, "mysql", "own.sql")],
    ["Sakila", join(FIXTURES, "mysql", "sakila", "schema.sql")],
  ] as const) {
    it(`${name}: pull, check exit 0, and the models build the same SHOW CREATE TABLE`, { timeout: 180_000 }, async () => {
      const [loaded, built] = await Promise.all([createMysqlDatabase(), createMysqlDatabase()]);
      let project: Awaited<ReturnType<typeof pullInto>> | undefined;
      try {
        await loadSql(loaded.url, file);
        if (name === "Sakila") await loadSql(loaded.url, join(FIXTURES, "mysql", "sakila", "objects.sql"));
        project = await pullInto(loaded.url, ["--json"]);
        expect(project.pull.code, project.pull.stderr).toBe(0);
        const check = await checkPulled(project);
        expect(check.code, check.stdout + check.stderr).toBe(0);
        expect([...check.unexpected, ...check.unmodelled]).toEqual([]);
        const { naming } = JSON.parse(project.pull.stdout) as { naming: Record<string, string> };
        expect(await namesTheConventionGives(loaded.url, project.read(project.models), naming)).toEqual([]);
        expect(await buildFromPulled(project, built.url)).toBeUndefined();
        const [before, after] = await Promise.all([showCreateTables(loaded.url), showCreateTables(built.url)]);
        expect(after).toEqual(before);
        expect(await triggerOrder(built.url)).toEqual(await triggerOrder(loaded.url));
        // Views, triggers, functions and procedures are pulled and built: SHOW CREATE of each identical.
        const [objectsBefore, objectsAfter] = await Promise.all([showCreateObjects(loaded.url), showCreateObjects(built.url)]);
        expect(objectsAfter).toEqual(objectsBefore);
        if (name === "Sakila") expect(Object.keys(objectsBefore)).toHaveLength(16);
      } finally {
        project?.remove();
        await Promise.all([loaded.drop(), built.drop()]);
      }
    });
  }

  it("Sakila --baseline: a first revision, the database stamped at it; it builds the same SHOW CREATE, and its downgrade empties the database", { timeout: 180_000 }, async () => {
    const [loaded, built] = await Promise.all([createMysqlDatabase(), createMysqlDatabase()]);
    let project: Awaited<ReturnType<typeof pullInto>> | undefined;
    try {
      await loadSql(loaded.url, join(FIXTURES, "mysql", "sakila", "schema.sql"));
      await loadSql(loaded.url, join(FIXTURES, "mysql", "sakila", "objects.sql"));
      project = await pullInto(loaded.url, ["--baseline", "--json"]);
      expect(project.pull.code, project.pull.stderr).toBe(0);
      const { baseline } = JSON.parse(project.pull.stdout) as { baseline: { revision: string } };
      expect((await project.kiln(["current"])).stdout).toContain(`${baseline.revision} (head)`);
      const check = await checkPulled(project);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect([...check.unexpected, ...check.unmodelled]).toEqual([]);
      const up = await project.kiln(["upgrade", "head"], { DATABASE_URL: built.url });
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(await showCreateTables(built.url)).toEqual(await showCreateTables(loaded.url));
      expect(await showCreateObjects(built.url)).toEqual(await showCreateObjects(loaded.url));
      const down = await project.kiln(["downgrade", "base"], { DATABASE_URL: built.url });
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(await showCreateTables(built.url)).toEqual({});
      expect(await showCreateObjects(built.url)).toEqual({});
    } finally {
      project?.remove();
      await Promise.all([loaded.drop(), built.drop()]);
    }
  });
});
