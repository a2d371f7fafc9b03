/**
 * Citus on a server without it (Citus cannot be installed on the test machines,
 * docs/distributed-postgres.md): introspection's read of pg_dist_partition is
 * guarded by the catalog's presence, so plain PostgreSQL reads no distribution
 * and runs no Citus query; the SQL kiln compiles for distribution parses on
 * PostgreSQL (the server answers "function does not exist", 42883, not a syntax
 * error); and the server probe reports plain PostgreSQL with the advisory lock.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import type { Connection } from "../../src/dialects/types.js";
import { createPgDatabase, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";

const available = await serverAvailable("postgresql");

describe.skipIf(!available)("Citus guard on plain PostgreSQL", () => {
  let db: ScratchDatabase;
  let conn: Connection;

  beforeAll(async () => {
    db = await createPgDatabase();
    conn = await postgresDialect.connect(parseDatabaseUrl(db.url));
    await conn.query("CREATE TABLE events (tenant_id bigint NOT NULL, id bigint NOT NULL, PRIMARY KEY (tenant_id, id))");
  }, 60_000);
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it("reads no distribution where pg_dist_partition does not exist", async () => {
    expect((await conn.query("SELECT pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NULL AS absent")).rows).toEqual([{ absent: true }]);
    const catalog = await postgresDialect.introspect(conn);
    const events = catalog.tables.find((t) => t.name === "events");
    expect(events).toBeDefined();
    expect(events!.distribution).toBeUndefined();
  });

  it("compiles distribution SQL the server parses (it lacks only Citus's functions)", async () => {
    const statements = [
      ...compilePostgres({ kind: "setDistribution", table: "events", distribution: { kind: "distributed", column: "tenant_id", colocateWith: "none", shardCount: 4 }, existing: null }),
      ...compilePostgres({ kind: "setDistribution", table: "events", distribution: { kind: "reference" }, existing: { kind: "distributed", column: "tenant_id" } }),
    ];
    expect(statements).toHaveLength(3);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      for (const { sql } of statements) {
        const error = await client.query(sql).then(() => undefined, (e: { code?: string; message?: string }) => e);
        expect(error?.code, `${sql}: ${error?.message}`).toBe("42883");
      }
    } finally {
      await client.end();
    }
  });

  it("probes plain PostgreSQL, reached directly: the advisory lock and one transaction per step", async () => {
    const profile = await postgresDialect.probeServer!(conn, { url: parseDatabaseUrl(db.url), openAnother: () => postgresDialect.connect(parseDatabaseUrl(db.url)) });
    expect(profile.flavour).toBe("postgresql");
    expect(profile.description).toMatch(/^PostgreSQL \d+/);
    expect([profile.lock.strategy, profile.transactions.strategy, profile.sessionState]).toEqual(["advisory", "per-step", true]);
  });
});
