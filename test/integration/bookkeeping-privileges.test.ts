/**
 * A user who may not read kiln's tables is told so: only a table that does not
 * exist means "nothing applied". `kiln current` and `kiln upgrade head` as a
 * user without SELECT on the version table (or on the history table, which the
 * changed-file check reads) fail with exit 1, naming the table and the
 * privilege, and change nothing.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

interface Target {
  name: string;
  available(): Promise<boolean>;
  createDatabase(): Promise<ScratchDatabase>;
  /** Creates a login user in `db` that may read `readable` only; returns its URL and how to drop it. */
  createUser(db: ScratchDatabase, readable: string): Promise<{ url: string; drop(): Promise<void> }>;
}

const userName = () => `kiln_t_ro_${randomBytes(4).toString("hex")}`;

const targets: Target[] = [
  {
    name: "postgresql server",
    available: () => serverAvailable("postgresql"),
    createDatabase: createPgDatabase,
    async createUser(db, readable) {
      const user = userName();
      await queryDb(db.url, `CREATE ROLE "${user}" LOGIN`);
      await queryDb(db.url, `GRANT SELECT ON "${readable}" TO "${user}"`);
      const url = new URL(db.url);
      url.username = user;
      return {
        url: url.toString(),
        // Its grants live in the scratch database: revoke them so the role can go before the database does.
        drop: async () => {
          await queryDb(db.url, `REVOKE ALL ON "${readable}" FROM "${user}"`);
          await queryDb(db.url, `DROP ROLE "${user}"`);
        },
      };
    },
  },
  {
    name: "mariadb",
    available: () => serverAvailable("mysql"),
    createDatabase: createMysqlDatabase,
    async createUser(db, readable) {
      const user = userName();
      await queryDb(db.url, `CREATE USER '${user}'@'%'`);
      await queryDb(db.url, `GRANT SELECT ON \`${db.name}\`.\`${readable}\` TO '${user}'@'%'`);
      const url = new URL(db.url);
      url.username = user;
      url.password = "";
      return { url: url.toString(), drop: async () => void (await queryDb(db.url, `DROP USER '${user}'@'%'`)) };
    },
  },
];

const available = await Promise.all(targets.map((t) => t.available()));

describe.each(targets.filter((_, i) => available[i]))("$name: a user who may not read kiln's tables", (target) => {
  let db: ScratchDatabase;
  let owner: TestProject;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    db = await target.createDatabase();
    owner = createProject({ url: db.url });
    owner.write(
      "migrations/001_first.ts",
      revisionSource({ revision: "priv00000001", downRevision: null, upgrade: `await op.execute("CREATE TABLE applied_once (id integer)");` }),
    );
    const run = await owner.kiln(["upgrade", "head"]);
    expect(run.code, run.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    owner?.remove();
    await db?.drop();
  });

  async function projectAs(readable: string): Promise<TestProject> {
    const user = await target.createUser(db, readable);
    cleanups.push(user.drop);
    const project = createProject({ url: user.url });
    cleanups.push(async () => project.remove());
    project.write("migrations/001_first.ts", owner.read("migrations/001_first.ts"));
    return project;
  }

  it("without SELECT on the version table: current and upgrade fail naming it, and nothing is applied again", async () => {
    const project = await projectAs("kiln_history");
    const current = await project.kiln(["current"]);
    expect(current.code, current.stderr).toBe(1);
    expect(current.stderr).not.toMatch(/at base/);
    expect(current.stderr).toMatch(/cannot read kiln's table [`"]kiln_version[`"]/);
    expect(current.stderr).toMatch(/kiln needs SELECT on [`"]kiln_version[`"]/);

    const upgrade = await project.kiln(["upgrade", "head"]);
    expect(upgrade.code, upgrade.stderr).toBe(1);
    expect(upgrade.stderr).toMatch(/cannot read kiln's table [`"]kiln_version[`"]/);
    expect(await queryDb(db.url, "SELECT revision, direction FROM kiln_history")).toEqual([{ revision: "priv00000001", direction: "up" }]);
  });

  it("without SELECT on the history table: upgrade fails naming it instead of skipping the changed-file check", async () => {
    const project = await projectAs("kiln_version");
    project.write("migrations/001_first.ts", owner.read("migrations/001_first.ts").replace("applied_once", "applied_twice"));
    const upgrade = await project.kiln(["upgrade", "head"]);
    expect(upgrade.code, upgrade.stderr).toBe(1);
    expect(upgrade.stderr).toMatch(/cannot read kiln's table [`"]kiln_history[`"]/);
    expect(upgrade.stderr).toMatch(/SELECT on/);
  });

  it("still calls a database without kiln's tables 'base'", async () => {
    const fresh = await target.createDatabase();
    try {
      const project = createProject({ url: fresh.url });
      try {
        const current = await project.kiln(["current"]);
        expect(current.code, current.stderr).toBe(0);
        expect(current.stderr).toMatch(/the database is at base \(no revision applied\)/);
      } finally {
        project.remove();
      }
    } finally {
      await fresh.drop();
    }
  });
});
