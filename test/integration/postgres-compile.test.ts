/**
 * Every operation kind, compiled for PostgreSQL, runs on a real PostgreSQL
 * (PGlite, in memory), tricky identifiers included; the reversed operations
 * return the database to empty, and the upgrade then runs again cleanly.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Column, Table } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation, Statement } from "../../src/operations/types.js";

const S1 = "spa ce";
const S2 = 'we"ird';
const T = 'ta"ble';
const ENUM = "mood";

const parents: Table = {
  schema: S1,
  name: "parents",
  columns: [
    { name: "id", type: "integer", nullable: false, identity: { always: true } },
    { name: "name", type: "character varying(50)", nullable: false, comment: "it's the name" },
  ],
  primaryKey: { name: "pk;parents", columns: ["id"] },
  uniques: [],
  foreignKeys: [],
  checks: [],
  indexes: [],
};

const tricky: Table = {
  schema: S2,
  name: T,
  columns: [
    { name: "id", type: "bigint", nullable: false, autoIncrement: true },
    { name: "semi;colon", type: "text", nullable: false, default: "'x''s \\ y'" },
    { name: "ünï", type: `${S1}.${ENUM}`, nullable: true },
    { name: "parent_id", type: "int4", nullable: true },
    { name: "total", type: "numeric(10,2)", nullable: false, default: "0" },
    { name: "created", type: "timestamptz", nullable: false, default: "now()" },
    { name: "tags", type: "text[]", nullable: true },
    { name: "data", type: "jsonb", nullable: true },
    { name: "blob", type: "bytea", nullable: true },
    { name: "moods", type: `${S1}.${ENUM}[]`, nullable: true },
  ],
  primaryKey: { name: "pk_tricky", columns: ["id"] },
  uniques: [{ name: "uq;tricky", columns: ["semi;colon", "ünï"] }],
  foreignKeys: [{ name: "fk tricky parent", columns: ["parent_id"], refSchema: S1, refTable: "parents", refColumns: ["id"], onDelete: "cascade" }],
  checks: [{ name: "ck_total", expression: "total >= 0" }],
  indexes: [],
  comment: "A 'tricky' table",
};

const throwaway: Table = {
  name: "throwaway",
  columns: [{ name: "a", type: "int", nullable: true }],
  uniques: [{ name: "uq_throwaway_a", columns: ["a"] }],
  foreignKeys: [],
  checks: [],
  indexes: [{ name: "ix_throwaway_a", columns: [{ expression: "a + 1" }] }],
};

const spaceColumn: Column = { name: "spa ce", type: "varchar(20)", nullable: true, comment: "spacey" };
const doomedColumn: Column = { name: "doomed", type: "boolean", nullable: false, default: "true" };

const upgrade: Operation[] = [
  { kind: "createSchema", name: S1 },
  { kind: "createSchema", name: S2 },
  { kind: "createEnum", schema: S1, name: ENUM, values: ["happy", "it's ok", "back\\slash"] },
  { kind: "createTable", table: parents },
  { kind: "createTable", table: tricky },
  { kind: "createIndex", schema: S2, table: T, concurrently: true, index: { name: "ix gin", columns: ["data"], method: "gin" } },
  // Committed before and after: the new value is used by the bulkInsert below, which
  // PostgreSQL refuses in the transaction that added it (the enum is older).
  { kind: "addEnumValue", schema: S1, name: ENUM, value: "sad", after: "happy" },
  { kind: "addColumn", schema: S2, table: T, column: spaceColumn },
  {
    kind: "alterColumn",
    schema: S2,
    table: T,
    column: "spa ce",
    type: "text",
    using: '"spa ce"::text',
    nullable: false,
    default: "'d'",
    newName: "renamed;col",
    comment: "renamed",
    existing: spaceColumn,
  },
  { kind: "addColumn", schema: S2, table: T, column: doomedColumn },
  { kind: "dropColumn", schema: S2, table: T, column: "doomed", old: doomedColumn },
  {
    kind: "bulkInsert",
    schema: S1,
    table: "parents",
    rows: [{ name: "first" }, { name: "second" }],
  },
  {
    kind: "bulkInsert",
    schema: S2,
    table: T,
    rows: [
      { "semi;colon": "a'b", ünï: "sad", parent_id: 1, tags: ["x", "y'z"], data: { k: "v" }, blob: Buffer.from([1, 2]) },
      // PGlite cannot serialize a JS array for an enum array parameter; give the array literal.
      { ünï: "back\\slash", total: 5, moods: "{happy,sad}" },
    ],
  },
  { kind: "execute", sql: `UPDATE "${S2.replace(/"/g, '""')}"."ta""ble" SET total = total + $1`, params: [1] },
  { kind: "createIndex", schema: S2, table: T, index: { name: "ix;lower", columns: ["ünï", { expression: 'lower("semi;colon")' }], unique: true, where: "total > 0" } },
  { kind: "createIndex", schema: S2, table: T, index: { name: "ix_created", columns: ["created"] } },
  { kind: "dropIndex", schema: S2, table: T, name: "ix_created", old: { name: "ix_created", columns: ["created"] } },
  { kind: "createCheckConstraint", schema: S2, table: T, notValid: true, constraint: { name: "ck not valid", expression: "total < 1000000" } },
  { kind: "validateConstraint", schema: S2, table: T, name: "ck not valid" },
  { kind: "createUniqueConstraint", schema: S1, table: "parents", constraint: { name: "uq_parents_name", columns: ["name"] } },
  { kind: "createTable", table: { name: "plain", columns: [{ name: "a", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] } },
  { kind: "bulkInsert", table: "plain", rows: [{ a: 1 }] },
  { kind: "createPrimaryKey", table: "plain", constraint: { name: "pk_plain", columns: ["a"] } },
  { kind: "createForeignKey", schema: S2, table: T, notValid: true, constraint: { name: "fk_plain", columns: ["parent_id"], refTable: "plain", refColumns: ["a"] } },
  { kind: "dropConstraint", schema: S2, table: T, name: "fk_plain", type: "foreignkey", old: { type: "foreignkey", constraint: { name: "fk_plain", columns: ["parent_id"], refTable: "plain", refColumns: ["a"] } } },
  { kind: "dropConstraint", schema: S2, table: T, name: "ck_total", type: "check", old: { type: "check", constraint: { name: "ck_total", expression: "total >= 0" } } },
  { kind: "renameTable", table: "plain", newName: "semi;plain" },
  { kind: "setTableComment", schema: S2, table: T, comment: "back\\slash comment", existing: "A 'tricky' table" },
  { kind: "createTable", table: throwaway },
  { kind: "createIndex", table: "throwaway", index: { name: "ix_throwaway_a", columns: [{ expression: "a + 1" }] } },
  { kind: "dropTable", table: "throwaway", old: throwaway },
  { kind: "createEnum", name: "doomed enum", values: ["x"] },
  { kind: "dropEnum", name: "doomed enum", old: ["x"] },
  { kind: "createSchema", name: "doomed schema" },
  { kind: "dropSchema", name: "doomed schema" },
  { kind: "execute", sql: `CREATE VIEW "v;iew" AS SELECT 1 AS one`, reverseSql: `DROP VIEW "v;iew"` },
];

/**
 * Like the runner: transactional statements in one transaction, the others alone
 * between commits; a new enum value is committed before the statements that use it.
 */
async function run(db: PGlite, statements: Statement[]): Promise<void> {
  let inTransaction = false;
  for (const statement of statements) {
    if (statement.transactional === false || statement.commitBeforeUse) {
      if (inTransaction) await db.exec("COMMIT");
      inTransaction = false;
    } else if (!inTransaction) {
      await db.exec("BEGIN");
      inTransaction = true;
    }
    try {
      await db.query(statement.sql, statement.params ?? []);
    } catch (error) {
      if (inTransaction) await db.exec("ROLLBACK");
      throw new Error(`${(error as Error).message}\nin: ${statement.sql}`);
    }
  }
  if (inTransaction) await db.exec("COMMIT");
}

/** Everything user-made: schemas, relations, types (row and array types excluded). */
async function userObjects(db: PGlite): Promise<string[]> {
  const result = await db.query<{ object: string }>(`
    SELECT 'schema ' || nspname AS object FROM pg_namespace
     WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
    UNION ALL
    SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    UNION ALL
    SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\\_%'
       AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
    ORDER BY 1`);
  return result.rows.map((row) => row.object);
}

const reversible = (op: Operation): boolean =>
  op.kind !== "addEnumValue" && op.kind !== "bulkInsert" && !(op.kind === "execute" && op.reverseSql === undefined);

describe("compiled PostgreSQL operations on PGlite", () => {
  let db: PGlite;

  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });

  afterAll(async () => {
    await db?.close();
  });

  it("runs every operation kind with tricky identifiers", async () => {
    const kinds = new Set(upgrade.map((op) => op.kind));
    expect(kinds.size).toBe(22);

    await run(db, upgrade.flatMap(compilePostgres));

    const columns = await db.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [S2, T],
    );
    expect(columns.rows.map((c) => c.column_name)).toEqual(["id", "semi;colon", "ünï", "parent_id", "total", "created", "tags", "data", "blob", "moods", "renamed;col"]);
    expect(columns.rows.find((c) => c.column_name === "renamed;col")).toMatchObject({ data_type: "text", is_nullable: "NO", column_default: "'d'::text" });
    expect(columns.rows.find((c) => c.column_name === "created")).toMatchObject({ data_type: "timestamp with time zone" });

    const enumValues = await db.query<{ enumlabel: string }>(
      `SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder`,
      [ENUM],
    );
    expect(enumValues.rows.map((r) => r.enumlabel)).toEqual(["happy", "sad", "it's ok", "back\\slash"]);

    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM "we""ird"."ta""ble" ORDER BY id`);
    expect(rows.rows).toMatchObject([
      { "semi;colon": "a'b", ünï: "sad", parent_id: 1, tags: ["x", "y'z"], data: { k: "v" }, total: "1.00", "renamed;col": "d" },
      { "semi;colon": "x's \\ y", ünï: "back\\slash", total: "6.00", moods: "{happy,sad}" },
    ]);

    const comments = await db.query<{ table_comment: string; column_comment: string }>(
      `SELECT obj_description(attrelid, 'pg_class') AS table_comment, col_description(attrelid, attnum) AS column_comment
         FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`,
      ['"we""ird"."ta""ble"', "renamed;col"],
    );
    expect(comments.rows).toEqual([{ table_comment: "back\\slash comment", column_comment: "renamed" }]);

    const constraints = await db.query<{ conname: string; convalidated: boolean }>(
      `SELECT conname, convalidated FROM pg_constraint WHERE conrelid = $1::regclass AND contype <> 'n' ORDER BY conname`,
      ['"we""ird"."ta""ble"'],
    );
    expect(constraints.rows).toEqual([
      { conname: "ck not valid", convalidated: true },
      { conname: "fk tricky parent", convalidated: true },
      { conname: "pk_tricky", convalidated: true },
      { conname: "uq;tricky", convalidated: true },
    ]);

    expect(await userObjects(db)).toEqual([
      "S spa ce.parents_id_seq",
      "S we\"ird.ta\"ble_id_seq",
      "i public.pk_plain",
      "i spa ce.pk;parents",
      "i spa ce.uq_parents_name",
      "i we\"ird.ix gin",
      "i we\"ird.ix;lower",
      "i we\"ird.pk_tricky",
      "i we\"ird.uq;tricky",
      "r public.semi;plain",
      "r spa ce.parents",
      "r we\"ird.ta\"ble",
      "schema spa ce",
      "schema we\"ird",
      "type spa ce.mood",
      "v public.v;iew",
    ]);
  });

  it("returns the database to empty with the reversed operations, and upgrades again", async () => {
    const downgrade = reverseOperations(upgrade.filter(reversible));
    await run(db, downgrade.flatMap(compilePostgres));
    expect(await userObjects(db)).toEqual([]);

    await run(db, upgrade.flatMap(compilePostgres));
    expect(await userObjects(db)).toHaveLength(16);
  });

  it("maps type spellings to the types PostgreSQL itself reports", async () => {
    const expected: Record<string, string> = {
      int: "integer",
      int8: "bigint",
      "float(10)": "real",
      float: "double precision",
      "decimal(12, 4)": "numeric(12,4)",
      "character varying(20)": "character varying(20)",
      "char(3)": "character(3)",
      timetz: "time with time zone",
      "TIMESTAMP(3) WITH TIME ZONE": "timestamp(3) with time zone",
      "timestamp without time zone": "timestamp without time zone",
      "interval day to second(3)": "interval day to second(3)",
      "bit varying(5)": "bit varying(5)",
      "numeric(10)[]": "numeric(10,0)[]",
      "jsonb[][]": "jsonb[]",
      uuid: "uuid",
    };
    const columns = Object.keys(expected).map((type, i) => ({ name: `c${i}`, type, nullable: true }));
    await run(db, compilePostgres({ kind: "createTable", table: { name: "typed", columns, uniques: [], foreignKeys: [], checks: [], indexes: [] } }));
    const result = await db.query<{ attname: string; type: string }>(
      `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'typed'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    expect(result.rows.map((r) => r.type)).toEqual(Object.values(expected));
    await run(db, compilePostgres({ kind: "dropTable", table: "typed" }));
  });

  it("needs transactional: false for CREATE INDEX CONCURRENTLY", async () => {
    const [statement] = compilePostgres({ kind: "createIndex", schema: S2, table: T, concurrently: true, index: { name: "ix2", columns: ["total"] } });
    expect(statement!.transactional).toBe(false);
    await db.exec("BEGIN");
    await expect(db.exec(statement!.sql)).rejects.toThrow(/cannot run inside a transaction block/);
    await db.exec("ROLLBACK");
  });
});
