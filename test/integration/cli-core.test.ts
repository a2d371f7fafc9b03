/**
 * The core workflow through the real CLI, on the PostgreSQL server and on PGlite:
 * hand-written revisions, upgrade, current, downgrade, --sql, branches and merge,
 * a failing revision, and concurrent upgrades.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { failureOf, queryDb } from "../helpers/query.js";

const CREATE_PROTOTYPES = revisionSource({
  revision: "aaaaaaaaaaa1",
  downRevision: null,
  message: "create prototypes",
  upgrade: `await op.createTable("prototypes", {
      id: { type: "integer", primaryKey: true, identity: "always" },
      prototype_id: { type: "integer", nullable: false },
      name: { type: "varchar(200)", nullable: false },
    }, { primaryKey: { name: "pk_prototypes", columns: ["id"] } });
    await op.createCheckConstraint("check_id_prototype_positive", "prototypes", "prototype_id >= 0");`,
  downgrade: `await op.dropConstraint("check_id_prototype_positive", "prototypes", { type: "check" });
    await op.dropTable("prototypes");`,
});

interface Target {
  name: string;
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
  server: boolean;
}

const pgUp = await serverAvailable("postgresql");

const targets: Target[] = [
  {
    name: "pglite",
    server: false,
    async setup() {
      const project = createProject({ url: "pglite://memory" });
      const dir = join(project.dir, "db");
      project.remove();
      return { url: `pglite://${dir}`, cleanup: async () => undefined };
    },
  },
  ...(pgUp
    ? [
        {
          name: "postgresql server",
          server: true,
          async setup() {
            const db: ScratchDatabase = await createPgDatabase();
            return { url: db.url, cleanup: () => db.drop() };
          },
        },
      ]
    : []),
];

describe.each(targets)("core workflow on $name", (target) => {
  // A PGlite directory admits one process at a time: concurrency is declared for servers only (not skipped).
  const itOnServers: typeof it = target.server ? it : ((() => undefined) as unknown as typeof it);
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject;

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    project = createProject({ url });
  });
  afterAll(async () => {
    project.remove();
    await cleanup();
  });

  it("upgrades, reports current with (head), enforces the check, and downgrades", async () => {
    project.write("migrations/0001_create_prototypes.ts", CREATE_PROTOTYPES);
    const up = await project.kiln(["upgrade", "head"]);
    expect(up.stderr).toContain("aaaaaaaaaaa1");
    expect(up.code).toBe(0);

    const cur = await project.kiln(["current"]);
    expect(cur.code).toBe(0);
    expect(cur.stdout).toMatch(/aaaaaaaaaaa1 \(head\) create prototypes/);

    const rejected = await failureOf(url, "INSERT INTO prototypes (prototype_id, name) VALUES (-1, 'x')");
    expect(rejected).toMatch(/check_id_prototype_positive/);
    expect(await failureOf(url, "INSERT INTO prototypes (prototype_id, name) VALUES (1, 'x')")).toBeUndefined();

    const history = await queryDb(url, "SELECT revision, direction, checksum FROM kiln_history ORDER BY id");
    expect(history).toEqual([{ revision: "aaaaaaaaaaa1", direction: "up", checksum: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    const down = await project.kiln(["downgrade", "-1"]);
    expect(down.code).toBe(0);
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([]);
    expect(await queryDb(url, "SELECT to_regclass('public.prototypes') AS t")).toEqual([{ t: null }]);
    const after = await project.kiln(["current"]);
    expect(after.stdout.trim()).toBe("");
  });

  it("refuses `upgrade head` with two heads, and `merge heads` fixes it", async () => {
    project.write(
      "migrations/0002_a.ts",
      revisionSource({ revision: "bbbbbbbbbbb1", downRevision: "aaaaaaaaaaa1", upgrade: `await op.addColumn("prototypes", "a", { type: "text" });`, downgrade: `await op.dropColumn("prototypes", "a");` }),
    );
    project.write(
      "migrations/0002_b.ts",
      revisionSource({ revision: "ccccccccccc1", downRevision: "aaaaaaaaaaa1", upgrade: `await op.addColumn("prototypes", "b", { type: "text" });`, downgrade: `await op.dropColumn("prototypes", "b");` }),
    );
    const refused = await project.kiln(["upgrade", "head"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/heads/);
    expect(refused.stderr).toMatch(/kiln merge/);
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([]);

    const merged = await project.kiln(["merge", "heads", "-m", "join a and b"]);
    expect(merged.code).toBe(0);
    expect(project.revisionFiles()).toHaveLength(4);

    const up = await project.kiln(["upgrade", "head"]);
    expect(up.code).toBe(0);
    const heads = await project.kiln(["heads"]);
    const mergeId = /^(\S+)/.exec(heads.stdout.trim())![1]!;
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: mergeId }]);
    const cols = await queryDb(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'prototypes' ORDER BY column_name");
    expect(cols.map((c) => c.column_name)).toEqual(["a", "b", "id", "name", "prototype_id"]);

    const base = await project.kiln(["downgrade", "base"]);
    expect(base.code).toBe(0);
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([]);
  });

  it("rolls back a revision whose second statement fails, leaving no trace", async () => {
    const broken = project.write(
      "migrations/zz_broken.ts",
      revisionSource({
        revision: "ddddddddddd1",
        downRevision: null,
        message: "broken",
        extra: `branchLabels: ["broken"],`,
        upgrade: `await op.createTable("will_vanish", { id: { type: "integer" } });
    await op.execute("ALTER TABLE no_such_table ADD COLUMN x integer");`,
        downgrade: `await op.dropTable("will_vanish");`,
      }),
    );
    const result = await project.kiln(["upgrade", "broken@head"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ddddddddddd1");
    expect(result.stderr).toContain(broken);
    expect(result.stderr).toMatch(/no_such_table/);
    expect(result.stderr).toMatch(/rolled back/);
    expect(await queryDb(url, "SELECT to_regclass('public.will_vanish') AS t")).toEqual([{ t: null }]);
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([]);
    project.write("migrations/zz_broken.ts", "");
    await import("node:fs").then((fs) => fs.rmSync(broken));
  });

  it("prints an offline script with --sql that gives the same schema", async () => {
    const sql = await project.kiln(["upgrade", "head", "--sql"]);
    expect(sql.code).toBe(0);
    expect(sql.stdout).toContain('CREATE TABLE "prototypes"');
    expect(sql.stdout).toMatch(/INSERT INTO "kiln_version"|UPDATE "kiln_version"/);
    if (!target.server) return;
    const scratch = await createPgDatabase();
    try {
      execFileSync("psql", ["-v", "ON_ERROR_STOP=1", "-q", scratch.url], { input: sql.stdout });
      const online = project; // the online database is at base now; upgrade it and compare
      expect((await online.kiln(["upgrade", "head"])).code).toBe(0);
      const shape = (u: string) =>
        queryDb(u, "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'kiln_history' ORDER BY 1, 2");
      expect(await shape(scratch.url)).toEqual(await shape(url));
      const versions = (u: string) => queryDb(u, "SELECT version_num FROM kiln_version ORDER BY 1");
      expect(await versions(scratch.url)).toEqual(await versions(url));
      const checks = (u: string) => queryDb(u, "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'c' ORDER BY 1");
      expect(await checks(scratch.url)).toEqual(await checks(url));
      expect((await online.kiln(["downgrade", "base"])).code).toBe(0);
    } finally {
      await scratch.drop();
    }
  });

  it("refuses an applied revision whose file was edited, shows the difference, and accepts it with --allow-changed", async () => {
    const file = project.revisionFiles().find((f) => f.startsWith("0001"))!;
    expect((await project.kiln(["upgrade", "aaaaaaaaaaa1"])).code).toBe(0);
    const original = project.read(`migrations/${file}`);
    project.write(`migrations/${file}`, original.replace('"prototype_id >= 0"', '"prototype_id >= 10"'));
    const refused = await project.kiln(["upgrade", "head"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("aaaaaaaaaaa1");
    expect(refused.stderr).toContain(file);
    expect(refused.stderr).toMatch(/-.*prototype_id >= 0/);
    expect(refused.stderr).toMatch(/\+.*prototype_id >= 10/);
    expect(refused.stderr).toContain("--allow-changed");
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: "aaaaaaaaaaa1" }]);
    const accepted = await project.kiln(["upgrade", "head", "--allow-changed"]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toMatch(/changed after it was applied/);
    project.write(`migrations/${file}`, original);
    expect((await project.kiln(["downgrade", "base"])).code).toBe(0);
  });

  itOnServers("applies each step once when eight upgrades start at once", async () => {
    const [{ marker }] = (await queryDb(url, "SELECT coalesce(max(id), 0)::int AS marker FROM kiln_history")) as { marker: number }[];
    const runs = await Promise.all(Array.from({ length: 8 }, () => project.kiln(["upgrade", "head"])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const rows = await queryDb(url, "SELECT revision, count(*)::int AS n FROM kiln_history WHERE direction = 'up' AND id > $1 GROUP BY revision ORDER BY revision", [marker]);
    expect(rows.map((r) => r.n)).toEqual(rows.map(() => 1));
    expect(rows).toHaveLength(4);
  });
});
