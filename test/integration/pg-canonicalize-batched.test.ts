/**
 * The batched canonicalization path on the PostgreSQL 15 server
 * (src/dialects/postgres/canonicalize.ts, spelling.ts, dialects/spelling-cache.ts):
 * - text the database already spells the same is not sent at all;
 * - what is sent is spelled as the database spells it, in chunks whose locks
 *   stay far below the server's shared lock table, whatever the model's size;
 * - a second run with the spelling cache sends no scratch statement.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalOnly } from "../../src/catalog/exact-text.js";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { canonicalizePostgres } from "../../src/dialects/postgres/canonicalize.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import { introspectPostgres } from "../../src/dialects/postgres/introspect.js";
import { FileSpellingStore } from "../../src/dialects/spelling-cache.js";
import type { Connection } from "../../src/dialects/types.js";
import { createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";

const pgUp = await serverAvailable("postgresql");

/** Records every statement; before each ROLLBACK it also counts the locks its backend holds. */
function recording(conn: Connection) {
  const statements: string[] = [];
  const locksBeforeRollback: number[] = [];
  const wrapped: Connection = {
    async query(sql, params) {
      statements.push(sql);
      if (/^ROLLBACK$/.test(sql)) {
        const { rows } = await conn.query("SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid()");
        locksBeforeRollback.push(Number(rows[0]!.n));
      }
      return conn.query(sql, params);
    },
    close: () => conn.close(),
  };
  return { conn: wrapped, statements, locksBeforeRollback };
}

const TABLES = 60;
const byName = (tables: Table[]) => [...tables].sort((a, b) => a.name.localeCompare(b.name));
/** Tables that all differ (a varchar length each), each with a numeric check, a default and an expression index. */
function schemaSql(): string {
  const lines = ["CREATE TYPE mood AS ENUM ('happy', 'sad');"];
  for (let i = 0; i < TABLES; i++) {
    lines.push(`CREATE TABLE t${i} (
  id integer PRIMARY KEY,
  label varchar(${i + 1}) DEFAULT 'x',
  amount numeric(12,2) NOT NULL DEFAULT 0,
  mood mood DEFAULT 'happy',
  CONSTRAINT t${i}_amount CHECK (amount >= 0));
CREATE INDEX t${i}_lower ON t${i} (lower(label)) WHERE amount > 0;`);
  }
  // A view and a policy: spelled on scratch copies of their tables, unless the model holds the database's own text.
  lines.push("CREATE VIEW big_t0 AS SELECT id, amount FROM t0 WHERE amount > 10;");
  lines.push("CREATE POLICY own_rows ON t1 USING (amount > 0);");
  return lines.join("\n");
}

/** The same schema as a model writes it. */
function model(): Catalog {
  const tables: Table[] = [];
  for (let i = 0; i < TABLES; i++) {
    tables.push({
      name: `t${i}`,
      columns: [
        { name: "id", type: "integer", nullable: false },
        { name: "label", type: `varchar(${i + 1})`, nullable: true, default: "'x'" },
        { name: "amount", type: "numeric(12,2)", nullable: false, default: "0" },
        { name: "mood", type: "mood", nullable: true, default: "'happy'" },
      ],
      primaryKey: { name: `t${i}_pkey`, columns: ["id"] },
      uniques: [],
      foreignKeys: [],
      checks: [{ name: `t${i}_amount`, expression: "amount >= 0" }],
      indexes: [{ name: `t${i}_lower`, columns: [{ expression: "lower(label)" }], where: "amount > 0" }],
    });
  }
  return { schemas: [], enums: [{ name: "mood", values: ["happy", "sad"] }], tables };
}

describe.runIf(pgUp)("batched canonicalization on the PostgreSQL server", () => {
  let url: string;
  let drop: () => Promise<void>;
  let conn: Connection;
  let database: Catalog;
  const cache = tempDir("kiln-spellings-");

  beforeAll(async () => {
    const db = await createPgDatabase();
    ({ url, drop } = { url: db.url, drop: () => db.drop() });
    conn = await postgresDialect.connect(parseDatabaseUrl(url));
    await conn.query(schemaSql());
    database = await introspectPostgres(conn);
  });
  afterAll(async () => {
    await conn?.close();
    await drop?.();
    cache.remove();
  });

  it("sends nothing for text the database already spells the same", async () => {
    const asIs: Catalog = { ...database, tables: database.tables.map((t) => canonicalOnly(t)) };
    const r = recording(conn);
    const canonical = await canonicalizePostgres(r.conn, asIs, { database });
    expect(r.statements).toEqual([]);
    expect(canonicalOnly(byName(canonical.tables))).toEqual(canonicalOnly(database.tables));
  });

  it("builds no scratch copy for views and policies the model writes as the database does; one that differs is spelled", async () => {
    const asIs: Catalog = { ...database, tables: database.tables.map((t) => canonicalOnly(t)) };
    expect(asIs.views).toHaveLength(1);
    expect(asIs.policies).toHaveLength(1);
    // Every table differs (a new column), so the views' tables are compared; their text needs no spelling.
    const grown: Catalog = { ...asIs, tables: asIs.tables.map((t) => ({ ...t, columns: [...t.columns, { name: "extra", type: "text", nullable: true }] })) };
    const same = recording(conn);
    await canonicalizePostgres(same.conn, grown, { database });
    expect(same.statements.filter((sql) => /CREATE VIEW|CREATE POLICY/.test(sql))).toEqual([]);
    const written: Catalog = { ...grown, views: [{ name: "big_t0", definition: "select id, amount from t0 where amount > 10" }] };
    const spelled = recording(conn);
    const canonical = await canonicalizePostgres(spelled.conn, written, { database });
    expect(spelled.statements.some((sql) => /CREATE VIEW/.test(sql))).toBe(true);
    expect(canonical.views![0]!.canonical?.definition ?? canonical.views![0]!.definition).toBe(database.views![0]!.definition);
  });

  it("spells what differs as the database does, in chunks that hold few locks", async () => {
    const r = recording(conn);
    let stats = { fromDatabase: 0, fromCache: 0, asked: 0 };
    // A small budget makes several chunks out of 60 tables, as 5,000 tables would with the default one.
    let chunks = 0;
    const canonical = await canonicalizePostgres(r.conn, model(), { database, lockBudget: 40, onChunk: () => chunks++, onStats: (s) => (stats = s) });
    expect(canonicalOnly(byName(canonical.tables))).toEqual(canonicalOnly(database.tables));
    // The model's text stays; the database's spelling is its canonical form.
    expect(canonical.tables[7]!.checks[0]).toEqual({ name: "t7_amount", expression: "amount >= 0", canonical: { expression: "amount >= (0)::numeric" } });
    // Defaults and types match the database's as written: only the check and the index of each table are asked,
    // the check once (the same text over the same column), the index once per varchar length.
    expect(stats.asked).toBe(1 + TABLES);
    expect(stats.fromDatabase).toBeGreaterThanOrEqual(3 * TABLES);
    expect(chunks).toBeGreaterThan(1);
    expect(r.locksBeforeRollback).toHaveLength(chunks);
    for (const locks of r.locksBeforeRollback) expect(locks).toBeLessThan(120);
    // Each chunk reads back its scratch tables alone: schemas, tables, then their columns, constraints and indexes.
    const readback = r.statements.filter((sql) => /^\s*SELECT/.test(sql) && !/unnest\(\$1::text\[\]\)/.test(sql));
    expect(readback).toHaveLength(5 * chunks);
    // Nothing is left behind.
    const { rows } = await conn.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'kiln_canon_%'");
    expect(rows[0]!.n).toBe(0);
  });

  it("holds at most a few hundred locks with the default budget, however many tables differ", async () => {
    const r = recording(conn);
    const wide = model();
    // 300 tables, none sharing a scratch table with another (each its own varchar length).
    wide.tables = Array.from({ length: 5 }, (_v, k) =>
      wide.tables.map((t) => ({
        ...t,
        name: `${t.name}_${k}`,
        columns: t.columns.map((c) => (c.name === "label" ? { ...c, type: `varchar(${100 * k + Number(t.name.slice(1)) + 1})` } : c)),
      })),
    ).flat();
    const canonical = await canonicalizePostgres(r.conn, wide, {});
    expect(canonical.tables[299]!.indexes[0]!.canonical).toEqual({ where: "amount > (0)::numeric" });
    expect(r.locksBeforeRollback.length).toBeGreaterThan(1);
    console.log(`locks per chunk: ${r.locksBeforeRollback.join(" ")}`);
    for (const locks of r.locksBeforeRollback) expect(locks).toBeLessThanOrEqual(500);
  });

  it("sends no scratch statement on a second run with the spelling cache", async () => {
    const file = join(cache.path, "spellings.json");
    const first = recording(conn);
    await canonicalizePostgres(first.conn, model(), { database, spellings: new FileSpellingStore(file) });
    expect(first.statements.some((s) => s.startsWith("BEGIN"))).toBe(true);

    const second = recording(conn);
    let stats = { fromDatabase: 0, fromCache: 0, asked: 0 };
    const again = await canonicalizePostgres(second.conn, model(), { database, spellings: new FileSpellingStore(file), onStats: (s) => (stats = s) });
    expect(stats.asked).toBe(0);
    expect(stats.fromCache).toBeGreaterThan(0);
    // One read of the server's version and settings (the cache's key), nothing else.
    expect(second.statements).toHaveLength(1);
    expect(second.statements[0]).toMatch(/^SELECT current_setting\('server_version_num'\)/);
    expect(canonicalOnly(byName(again.tables))).toEqual(canonicalOnly(database.tables));
  });
});
