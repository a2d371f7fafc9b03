/**
 * Migrating while the app runs (issue "kiln safety", done-when): on a table of a
 * million rows that a client keeps reading and writing, `kiln upgrade head`
 * adds a NOT NULL column, a foreign key and an index in their online forms, and
 * the client is never held up longer than the lock timeout.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const LOCK_TIMEOUT_MS = 2000;
// Scheduling slack on a shared machine; a client queued behind an ACCESS EXCLUSIVE
// request that waited for its whole lock timeout would exceed it.
const SLACK_MS = 1500;

const pgUp = await serverAvailable("postgresql");

describe.runIf(pgUp)("online migration on the PostgreSQL server", () => {
  let db: ScratchDatabase;
  let project: TestProject;

  beforeAll(async () => {
    db = await createPgDatabase();
    await queryDb(
      db.url,
      `CREATE TABLE owners (id integer PRIMARY KEY);
       INSERT INTO owners SELECT generate_series(1, 10);
       CREATE TABLE big (id bigserial PRIMARY KEY, owner_id integer NOT NULL, payload text NOT NULL);
       INSERT INTO big (owner_id, payload) SELECT (i % 10) + 1, md5(i::text) FROM generate_series(1, 1000000) AS i;
       ANALYZE big;`,
    );
    project = createProject({ url: db.url, extraConfig: `lockTimeoutMs: ${LOCK_TIMEOUT_MS},` });
    project.write(
      "migrations/0001_expand.ts",
      revisionSource({
        revision: "0n11e0000001",
        downRevision: null,
        message: "flag, owner foreign key and index, online",
        upgrade: `await op.addColumn("big", "flag", { type: "boolean", nullable: false, default: "false" });
    await op.createForeignKey("fk_big_owner_id_owners", "big", "owners", ["owner_id"], ["id"], { notValid: true });
    await op.createIndex("ix_big_owner_id", "big", ["owner_id"], { concurrently: true });`,
        downgrade: `await op.dropIndex("ix_big_owner_id", "big", { concurrently: true });
    await op.dropConstraint("fk_big_owner_id_owners", "big", { type: "foreignkey" });
    await op.dropColumn("big", "flag");`,
      }),
    );
    project.write(
      "migrations/0002_validate.ts",
      revisionSource({
        revision: "0n11e0000002",
        downRevision: "0n11e0000001",
        message: "validate the owner foreign key",
        upgrade: `await op.validateConstraint("fk_big_owner_id_owners", "big");`,
        downgrade: ``,
      }),
    );
  }, 240_000);

  afterAll(async () => {
    project?.remove();
    await db?.drop();
  });

  it("never blocks a reading and writing client for longer than the lock timeout", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let running = true;
    let operations = 0;
    let slowest = 0;
    const errors: string[] = [];
    const timed = async (sql: string, params: unknown[]) => {
      const started = performance.now();
      try {
        await client.query(sql, params);
      } catch (error) {
        errors.push((error as Error).message);
      }
      slowest = Math.max(slowest, performance.now() - started);
      operations++;
    };
    const traffic = (async () => {
      while (running) {
        const id = 1 + Math.floor(Math.random() * 1_000_000);
        await timed("SELECT payload FROM big WHERE id = $1", [id]);
        await timed("UPDATE big SET payload = md5(payload) WHERE id = $1", [id]);
        await timed("INSERT INTO big (owner_id, payload) VALUES ($1, 'live')", [1 + (id % 10)]);
      }
    })();

    const upgrade = await project.kiln(["upgrade", "head"]);
    running = false;
    await traffic;
    await client.end();

    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(errors).toEqual([]);
    expect(operations).toBeGreaterThan(30);
    expect(slowest).toBeLessThan(LOCK_TIMEOUT_MS + SLACK_MS);

    // Everything arrived, in its final form.
    const [column] = await queryDb(db.url, "SELECT is_nullable, column_default FROM information_schema.columns WHERE table_name = 'big' AND column_name = 'flag'");
    expect(column).toEqual({ is_nullable: "NO", column_default: "false" });
    const [fk] = await queryDb(db.url, "SELECT convalidated FROM pg_constraint WHERE conname = 'fk_big_owner_id_owners'");
    expect(fk).toEqual({ convalidated: true });
    const [index] = await queryDb(db.url, "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_big_owner_id'");
    expect(index).toEqual({ indisvalid: true });
    expect(await queryDb(db.url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: "0n11e0000002" }]);
  });
});
