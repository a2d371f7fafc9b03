/**
 * The survey's table properties (introspect/unmodelled.ts PROPERTIES) read from a
 * PostgreSQL server: each property kiln does not model is named with its table,
 * in the compared schemas only, and a table without any has none. Holds the
 * query to what it names while its shape changes (one pass over pg_attribute).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { connectPostgres } from "../../src/dialects/postgres/connect.js";
import { surveyPostgresObjects } from "../../src/dialects/postgres/introspect/unmodelled.js";
import type { Connection } from "../../src/dialects/types.js";
import { createPgDatabase, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";

const available = await serverAvailable("postgresql");

describe.skipIf(!available)("survey of table properties (PostgreSQL server)", () => {
  let db: ScratchDatabase;
  let conn: Connection;
  const role = `kiln_t_reader_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    db = await createPgDatabase();
    conn = await connectPostgres(parseDatabaseUrl(db.url));
    await conn.query(`CREATE ROLE ${role}`);
    for (const statement of [
      "CREATE TABLE t1 (id integer PRIMARY KEY, body text, note text, v varchar(10))",
      "ALTER TABLE t1 ALTER COLUMN body SET STORAGE EXTERNAL",
      "ALTER TABLE t1 ALTER COLUMN note SET COMPRESSION pglz",
      "ALTER TABLE t1 REPLICA IDENTITY FULL",
      `GRANT SELECT (v) ON t1 TO ${role}`,
      "CREATE TABLE t2 (id integer PRIMARY KEY, x text NOT NULL)",
      "CREATE UNIQUE INDEX t2_x ON t2 (x)",
      "ALTER TABLE t2 REPLICA IDENTITY USING INDEX t2_x",
      `GRANT SELECT ON t2 TO ${role}`,
      "CREATE VIEW v1 AS SELECT id, x FROM t2",
      `GRANT SELECT (x) ON v1 TO ${role}`,
      "CREATE TABLE plain (id integer PRIMARY KEY, body text)",
      "CREATE SCHEMA other",
      "CREATE TABLE other.t3 (a text)",
      "ALTER TABLE other.t3 ALTER COLUMN a SET STORAGE MAIN",
      "CREATE SCHEMA unlisted",
      "CREATE TABLE unlisted.t4 (a text)",
      "ALTER TABLE unlisted.t4 ALTER COLUMN a SET STORAGE MAIN",
    ]) {
      await conn.query(statement);
    }
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
    const admin = await connectPostgres(parseDatabaseUrl(db.url.replace(/\/[^/]*$/, "/postgres")));
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.close();
  });

  it("names storage, compression, replica identity and privileges, with their tables, in the compared schemas", async () => {
    const survey = await surveyPostgresObjects(conn, {
      schemas: ["public", "other"],
      excludeTables: [],
      schemaAlias: (schema) => (schema === "public" ? undefined : schema),
    });
    const properties = survey.objects.filter((o) => o.kind === "table property").map((o) => `${o.schema ?? ""}.${o.table}: ${o.name}`);
    expect(properties.sort()).toEqual(
      [
        "other.t3: storage MAIN of column a",
        ".t1: REPLICA IDENTITY FULL",
        ".t1: compression pglz of column note",
        `.t1: privileges on column v granted to ${role}`,
        ".t1: storage EXTERNAL of column body",
        ".t2: REPLICA IDENTITY USING INDEX t2_x",
        `.t2: privileges granted to ${role}`,
        `.v1: privileges on column x granted to ${role}`,
      ].sort(),
    );
  });
});
