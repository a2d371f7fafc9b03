import { describe, expect, it } from "vitest";
import type { Table } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { placeholder, quoteIdentifier, quoteLiteral, tableName } from "../../src/dialects/postgres/sql.js";
import { postgresType, serialType } from "../../src/dialects/postgres/types.js";
import { KilnError } from "../../src/errors.js";
import type { Operation } from "../../src/operations/types.js";

const sqlOf = (op: Operation): string[] => compilePostgres(op).map((s) => s.sql);

function table(partial: Partial<Table> & { name: string }): Table {
  return { columns: [], uniques: [], foreignKeys: [], checks: [], indexes: [], ...partial };
}

describe("quoteIdentifier", () => {
  it("always double-quotes and doubles embedded quotes", () => {
    expect(quoteIdentifier("users")).toBe('"users"');
    expect(quoteIdentifier("Users")).toBe('"Users"');
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(quoteIdentifier('""')).toBe('""""""');
    expect(quoteIdentifier("spa ce")).toBe('"spa ce"');
    expect(quoteIdentifier("semi;colon")).toBe('"semi;colon"');
    expect(quoteIdentifier("ünï")).toBe('"ünï"');
    expect(quoteIdentifier("select")).toBe('"select"');
  });

  it("rejects NUL bytes and empty names with a KilnError", () => {
    expect(() => quoteIdentifier("a\0b")).toThrow(KilnError);
    expect(() => quoteIdentifier("a\0b")).toThrow(/NUL byte/);
    expect(() => quoteIdentifier("")).toThrow(KilnError);
  });

  it("rejects names PostgreSQL would truncate (over 63 bytes)", () => {
    expect(quoteIdentifier("a".repeat(63))).toBe(`"${"a".repeat(63)}"`);
    expect(() => quoteIdentifier("a".repeat(64))).toThrow(/64 bytes long; PostgreSQL allows at most 63 bytes/);
    // 32 two-byte characters: short in characters, too long in bytes.
    expect(() => quoteIdentifier("ü".repeat(32))).toThrow(KilnError);
  });
});

describe("tableName and placeholder", () => {
  it("qualifies with the schema only when one is given", () => {
    expect(tableName(undefined, "t")).toBe('"t"');
    expect(tableName("app", "t")).toBe('"app"."t"');
    expect(tableName('s"x', "a.b")).toBe('"s""x"."a.b"');
  });

  it("numbers placeholders from $1", () => {
    expect(placeholder(0)).toBe("$1");
    expect(placeholder(9)).toBe("$10");
    expect(() => placeholder(-1)).toThrow(KilnError);
  });
});

describe("quoteLiteral", () => {
  it("writes strings with doubled quotes, and E'' only when a backslash is present", () => {
    expect(quoteLiteral("plain")).toBe("'plain'");
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("")).toBe("''");
    expect(quoteLiteral("a\\b")).toBe("E'a\\\\b'");
    expect(quoteLiteral("it's a \\ slash")).toBe("E'it''s a \\\\ slash'");
    expect(quoteLiteral("line\nbreak")).toBe("'line\nbreak'");
    expect(quoteLiteral("ünï ✓")).toBe("'ünï ✓'");
  });

  it("rejects NUL in text", () => {
    expect(() => quoteLiteral("a\0")).toThrow(/NUL byte/);
  });

  it("writes numbers, bigints, booleans and null", () => {
    expect(quoteLiteral(42)).toBe("42");
    expect(quoteLiteral(-1.5)).toBe("-1.5");
    expect(quoteLiteral(Number.NaN)).toBe("'NaN'");
    expect(quoteLiteral(Number.POSITIVE_INFINITY)).toBe("'Infinity'");
    expect(quoteLiteral(Number.NEGATIVE_INFINITY)).toBe("'-Infinity'");
    expect(quoteLiteral(12345678901234567890n)).toBe("12345678901234567890");
    expect(quoteLiteral(true)).toBe("TRUE");
    expect(quoteLiteral(false)).toBe("FALSE");
    expect(quoteLiteral(null)).toBe("NULL");
    expect(quoteLiteral(undefined)).toBe("NULL");
  });

  it("writes dates as ISO text, bytes as bytea hex, arrays and objects as JSON text", () => {
    expect(quoteLiteral(new Date("2024-02-03T04:05:06.789Z"))).toBe("'2024-02-03T04:05:06.789Z'");
    expect(() => quoteLiteral(new Date("nope"))).toThrow(KilnError);
    expect(quoteLiteral(Buffer.from([0, 1, 0xab]))).toBe("E'\\\\x0001ab'::bytea");
    expect(quoteLiteral(new Uint8Array([255]))).toBe("E'\\\\xff'::bytea");
    expect(quoteLiteral(new Uint8Array(new Uint8Array([1, 2, 3]).buffer, 1, 1))).toBe("E'\\\\x02'::bytea");
    expect(quoteLiteral({ a: "it's", n: 1 })).toBe(`'{"a":"it''s","n":1}'`);
    expect(quoteLiteral([1, "x"])).toBe(`'[1,"x"]'`);
    expect(quoteLiteral({ path: "C:\\dir" })).toBe(`E'{"path":"C:\\\\\\\\dir"}'`);
    expect(quoteLiteral({ big: 10n })).toBe(`'{"big":"10"}'`);
  });

  it("rejects values that have no SQL form", () => {
    expect(() => quoteLiteral(() => 1)).toThrow(KilnError);
    expect(() => quoteLiteral(Symbol("s"))).toThrow(KilnError);
    expect(() => quoteLiteral(new Map())).toThrow(/Map/);
  });
});

describe("postgresType", () => {
  it("maps the neutral vocabulary", () => {
    const cases: [string, string][] = [
      ["smallint", "smallint"],
      ["integer", "integer"],
      ["bigint", "bigint"],
      ["real", "real"],
      ["double precision", "double precision"],
      ["numeric", "numeric"],
      ["numeric(10)", "numeric(10)"],
      ["numeric(10,2)", "numeric(10,2)"],
      ["boolean", "boolean"],
      ["text", "text"],
      ["varchar", "varchar"],
      ["varchar(255)", "varchar(255)"],
      ["char(3)", "char(3)"],
      ["date", "date"],
      ["time", "time"],
      ["timetz", "time with time zone"],
      ["timestamp", "timestamp"],
      ["timestamptz", "timestamp with time zone"],
      ["interval", "interval"],
      ["uuid", "uuid"],
      ["json", "json"],
      ["jsonb", "jsonb"],
      ["bytea", "bytea"],
      ["integer[]", "integer[]"],
      ["text[][]", "text[][]"],
      ["timestamptz[]", "timestamp with time zone[]"],
    ];
    for (const [neutral, sql] of cases) expect(postgresType(neutral), neutral).toBe(sql);
  });

  it("accepts hand-written synonyms and spellings", () => {
    const cases: [string, string][] = [
      ["int", "integer"],
      ["INT4", "integer"],
      ["int8", "bigint"],
      ["int2", "smallint"],
      ["bool", "boolean"],
      ["float4", "real"],
      ["float8", "double precision"],
      ["float", "double precision"],
      ["float(10)", "real"],
      ["float(40)", "double precision"],
      ["decimal(12, 4)", "numeric(12,4)"],
      ["character varying(20)", "varchar(20)"],
      ["Character Varying", "varchar"],
      ["character(2)", "char(2)"],
      ["VARCHAR ( 64 )", "varchar(64)"],
      ["timestamp with time zone", "timestamp with time zone"],
      ["timestamp without time zone", "timestamp"],
      ["TIMESTAMP(3) WITH TIME ZONE", "timestamp(3) with time zone"],
      ["timestamptz(6)", "timestamp(6) with time zone"],
      ["time with time zone", "time with time zone"],
      ["timetz(2)", "time(2) with time zone"],
      ["interval day to second(3)", "interval day to second(3)"],
      ["interval year", "interval year"],
      ["serial", "serial"],
      ["serial8", "bigserial"],
      ["bigserial", "bigserial"],
      ["bit varying(5)", "varbit(5)"],
      ["inet", "inet"],
      ["tstzrange", "tstzrange"],
      ["int[3]", "integer[]"],
    ];
    for (const [written, sql] of cases) expect(postgresType(written), written).toBe(sql);
  });

  it("quotes enum and custom type names, schema-qualified at the first dot", () => {
    expect(postgresType("status")).toBe('"status"');
    expect(postgresType("Status")).toBe('"Status"');
    expect(postgresType("myschema.status")).toBe('"myschema"."status"');
    expect(postgresType("myschema.status[]")).toBe('"myschema"."status"[]');
    expect(postgresType('we"ird')).toBe('"we""ird"');
    expect(postgresType("spa ce")).toBe('"spa ce"');
    expect(postgresType("citext")).toBe('"citext"');
  });

  it("passes raw SQL types through verbatim", () => {
    expect(postgresType("geometry(Point,4326)")).toBe("geometry(Point,4326)");
    expect(postgresType("geometry(Point, 4326)[]")).toBe("geometry(Point, 4326)[]");
    expect(postgresType('"MySchema"."My Type"')).toBe('"MySchema"."My Type"');
    expect(postgresType('app."My Type"')).toBe('app."My Type"');
    expect(postgresType('"we""ird"[]')).toBe('"we""ird"[]');
    expect(postgresType("vector(3)")).toBe("vector(3)");
  });

  it("rejects modifiers PostgreSQL does not take, and empty types", () => {
    expect(() => postgresType("integer(11)")).toThrow(/integer takes no modifiers/);
    expect(() => postgresType("varchar(1,2)")).toThrow(KilnError);
    expect(() => postgresType("text with time zone")).toThrow(/time zone/);
    expect(() => postgresType("  ")).toThrow(KilnError);
  });

  it("picks the serial pseudo-type by integer width", () => {
    expect(serialType("smallint")).toBe("smallserial");
    expect(serialType("int4")).toBe("serial");
    expect(serialType("integer")).toBe("serial");
    expect(serialType("bigint")).toBe("bigserial");
    expect(serialType("text")).toBeUndefined();
    expect(serialType("status")).toBeUndefined();
  });
});

describe("compilePostgres: tables", () => {
  it("creates a table with columns, named and unnamed constraints and comments", () => {
    const statements = compilePostgres({
      kind: "createTable",
      table: table({
        schema: "app",
        name: "orders",
        columns: [
          { name: "id", type: "bigint", nullable: false, identity: { always: true } },
          { name: "seq", type: "integer", nullable: false, identity: { always: false } },
          { name: "legacy_id", type: "integer", nullable: false, autoIncrement: true },
          { name: "status", type: "app.order_status", nullable: false, default: "'new'" },
          { name: "customer_id", type: "integer", nullable: true },
          { name: "total", type: "numeric(10,2)", nullable: false, default: "0", comment: "in cents, isn't it" },
          { name: "created", type: "timestamptz", nullable: false, default: "now()" },
        ],
        primaryKey: { name: "pk_orders", columns: ["id"] },
        uniques: [{ name: "uq_orders_seq", columns: ["seq"] }, { columns: ["legacy_id", "status"] }],
        foreignKeys: [
          {
            name: "fk_orders_customer",
            columns: ["customer_id"],
            refSchema: "crm",
            refTable: "customers",
            refColumns: ["id"],
            onDelete: "set null",
            onUpdate: "cascade",
          },
          { columns: ["legacy_id"], refTable: "legacy", refColumns: ["id"] },
        ],
        checks: [{ name: "ck_total", expression: "total >= 0" }, { expression: "seq > 0" }],
        comment: "Customer orders",
      }),
    });
    expect(statements).toEqual([
      {
        sql: [
          'CREATE TABLE "app"."orders" (',
          '  "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,',
          '  "seq" integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,',
          '  "legacy_id" serial NOT NULL,',
          `  "status" "app"."order_status" DEFAULT 'new' NOT NULL,`,
          '  "customer_id" integer,',
          '  "total" numeric(10,2) DEFAULT 0 NOT NULL,',
          '  "created" timestamp with time zone DEFAULT now() NOT NULL,',
          '  CONSTRAINT "pk_orders" PRIMARY KEY ("id"),',
          '  CONSTRAINT "uq_orders_seq" UNIQUE ("seq"),',
          '  UNIQUE ("legacy_id", "status"),',
          '  CONSTRAINT "fk_orders_customer" FOREIGN KEY ("customer_id") REFERENCES "crm"."customers" ("id") ON DELETE SET NULL ON UPDATE CASCADE,',
          '  FOREIGN KEY ("legacy_id") REFERENCES "legacy" ("id"),',
          '  CONSTRAINT "ck_total" CHECK (total >= 0),',
          "  CHECK (seq > 0)",
          ")",
        ].join("\n"),
      },
      { sql: `COMMENT ON TABLE "app"."orders" IS 'Customer orders'` },
      { sql: `COMMENT ON COLUMN "app"."orders"."total" IS 'in cents, isn''t it'` },
    ]);
  });

  it("quotes tricky identifiers everywhere in CREATE TABLE", () => {
    expect(
      sqlOf({
        kind: "createTable",
        table: table({
          schema: "spa ce",
          name: 'we"ird',
          columns: [
            { name: "semi;colon", type: "text", nullable: false },
            { name: "ünï", type: "spa ce.mood", nullable: true },
          ],
          primaryKey: { columns: ["semi;colon"] },
        }),
      }),
    ).toEqual([
      ['CREATE TABLE "spa ce"."we""ird" (', '  "semi;colon" text NOT NULL,', '  "ünï" "spa ce"."mood",', '  PRIMARY KEY ("semi;colon")', ")"].join("\n"),
    ]);
  });

  it("creates a table without columns", () => {
    expect(sqlOf({ kind: "createTable", table: table({ name: "empty" }) })).toEqual(['CREATE TABLE "empty" ()']);
  });

  it("maps autoIncrement by integer width and rejects impossible column definitions", () => {
    const withColumn = (column: Table["columns"][number]) => sqlOf({ kind: "createTable", table: table({ name: "t", columns: [column] }) });
    expect(withColumn({ name: "a", type: "smallint", nullable: false, autoIncrement: true })[0]).toContain('"a" smallserial NOT NULL');
    expect(withColumn({ name: "a", type: "bigint", nullable: false, autoIncrement: true })[0]).toContain('"a" bigserial NOT NULL');
    expect(() => withColumn({ name: "a", type: "text", nullable: false, autoIncrement: true })).toThrow(/t\.a has autoIncrement with type "text"/);
    expect(() => withColumn({ name: "a", type: "integer", nullable: false, autoIncrement: true, identity: { always: true } })).toThrow(/both identity and autoIncrement/);
    expect(() => withColumn({ name: "a", type: "integer", nullable: false, identity: { always: true }, default: "1" })).toThrow(/remove the default/);
  });

  it("drops and renames tables", () => {
    expect(sqlOf({ kind: "dropTable", table: "t" })).toEqual(['DROP TABLE "t"']);
    expect(sqlOf({ kind: "dropTable", schema: "app", table: 'we"ird' })).toEqual(['DROP TABLE "app"."we""ird"']);
    expect(sqlOf({ kind: "renameTable", schema: "app", table: "old", newName: "semi;colon" })).toEqual([
      'ALTER TABLE "app"."old" RENAME TO "semi;colon"',
    ]);
  });

  it("sets and removes table comments", () => {
    expect(sqlOf({ kind: "setTableComment", schema: "app", table: "t", comment: "back\\slash 'quoted'" })).toEqual([
      `COMMENT ON TABLE "app"."t" IS E'back\\\\slash ''quoted'''`,
    ]);
    expect(sqlOf({ kind: "setTableComment", table: "t", comment: null })).toEqual(['COMMENT ON TABLE "t" IS NULL']);
  });
});

describe("compilePostgres: columns", () => {
  it("adds a column with its comment", () => {
    expect(
      sqlOf({
        kind: "addColumn",
        schema: "app",
        table: "users",
        column: { name: "email", type: "varchar(320)", nullable: false, default: "''", comment: "login" },
      }),
    ).toEqual([
      `ALTER TABLE "app"."users" ADD COLUMN "email" varchar(320) DEFAULT '' NOT NULL`,
      `COMMENT ON COLUMN "app"."users"."email" IS 'login'`,
    ]);
    expect(sqlOf({ kind: "addColumn", table: "t", column: { name: "tags", type: "text[]", nullable: true } })).toEqual([
      'ALTER TABLE "t" ADD COLUMN "tags" text[]',
    ]);
  });

  it("drops a column", () => {
    expect(sqlOf({ kind: "dropColumn", schema: "app", table: "users", column: "ünï" })).toEqual(['ALTER TABLE "app"."users" DROP COLUMN "ünï"']);
  });

  it("combines type, nullability and default into one ALTER TABLE, renames after, comments last with the new name", () => {
    expect(
      sqlOf({
        kind: "alterColumn",
        schema: "app",
        table: "users",
        column: "age",
        type: "bigint",
        using: "age::bigint",
        nullable: false,
        default: "0",
        newName: "years",
        comment: "age in years",
      }),
    ).toEqual([
      'ALTER TABLE "app"."users" ALTER COLUMN "age" DROP DEFAULT, ALTER COLUMN "age" TYPE bigint USING age::bigint, ALTER COLUMN "age" SET NOT NULL, ALTER COLUMN "age" SET DEFAULT 0',
      'ALTER TABLE "app"."users" RENAME COLUMN "age" TO "years"',
      `COMMENT ON COLUMN "app"."users"."years" IS 'age in years'`,
    ]);
  });

  it("emits each alterColumn change on its own", () => {
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c", type: "text" })).toEqual(['ALTER TABLE "t" ALTER COLUMN "c" TYPE text']);
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c", type: "status", default: null })).toEqual([
      'ALTER TABLE "t" ALTER COLUMN "c" TYPE "status", ALTER COLUMN "c" DROP DEFAULT',
    ]);
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c", nullable: true })).toEqual(['ALTER TABLE "t" ALTER COLUMN "c" DROP NOT NULL']);
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c", default: "'x'" })).toEqual([`ALTER TABLE "t" ALTER COLUMN "c" SET DEFAULT 'x'`]);
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c", default: null })).toEqual(['ALTER TABLE "t" ALTER COLUMN "c" DROP DEFAULT']);
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c", newName: 'd"' })).toEqual(['ALTER TABLE "t" RENAME COLUMN "c" TO "d"""']);
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c", comment: null })).toEqual(['COMMENT ON COLUMN "t"."c" IS NULL']);
    expect(sqlOf({ kind: "alterColumn", table: "t", column: "c" })).toEqual([]);
  });

  it("refuses USING without a type change", () => {
    expect(() => compilePostgres({ kind: "alterColumn", table: "t", column: "c", using: "c::int" })).toThrow(/"using" without "type"/);
  });
});

describe("compilePostgres: indexes", () => {
  it("creates indexes with unique, method, expressions and predicates", () => {
    expect(
      compilePostgres({
        kind: "createIndex",
        schema: "app",
        table: "users",
        index: { name: "ix_users_email", columns: ["email", { expression: "lower(name)" }], unique: true, method: "btree", where: "deleted_at IS NULL" },
      }),
    ).toEqual([{ sql: 'CREATE UNIQUE INDEX "ix_users_email" ON "app"."users" USING "btree" ("email", (lower(name))) WHERE deleted_at IS NULL' }]);
    expect(sqlOf({ kind: "createIndex", table: "t", index: { name: "ix", columns: ["a"] } })).toEqual(['CREATE INDEX "ix" ON "t" ("a")']);
  });

  it("marks CONCURRENTLY as non-transactional", () => {
    expect(compilePostgres({ kind: "createIndex", table: "t", concurrently: true, index: { name: "ix", columns: ["a"] } })).toEqual([
      {
        sql: 'CREATE INDEX CONCURRENTLY "ix" ON "t" ("a")',
        transactional: false,
        // After a failure or a kill: is it there (valid), and the INVALID index a failed build leaves.
        recovery: {
          applied: `SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = to_regclass('"ix"') AND indisvalid`,
          leftover: {
            find: `SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = to_regclass('"ix"') AND NOT indisvalid`,
            remove: 'DROP INDEX CONCURRENTLY "ix"',
            what: "the INVALID index ix the failed build left behind",
          },
        },
      },
    ]);
    expect(compilePostgres({ kind: "dropIndex", schema: "app", table: "t", name: "ix", concurrently: true })).toEqual([
      { sql: 'DROP INDEX CONCURRENTLY "app"."ix"', transactional: false, recovery: { applied: `SELECT 1 WHERE to_regclass('"app"."ix"') IS NULL` } },
    ]);
  });

  it("drops an index by its schema-qualified name", () => {
    expect(compilePostgres({ kind: "dropIndex", schema: "app", table: "t", name: 'we"ird' })).toEqual([{ sql: 'DROP INDEX "app"."we""ird"' }]);
    expect(sqlOf({ kind: "dropIndex", table: "t", name: "ix" })).toEqual(['DROP INDEX "ix"']);
  });

  it("refuses an index without columns", () => {
    expect(() => compilePostgres({ kind: "createIndex", table: "t", index: { name: "ix", columns: [] } })).toThrow(/ix on t has no columns/);
  });
});

describe("compilePostgres: constraints", () => {
  it("adds primary keys, uniques, foreign keys and checks", () => {
    expect(sqlOf({ kind: "createPrimaryKey", schema: "s", table: "t", constraint: { name: "pk_t", columns: ["a", "b"] } })).toEqual([
      'ALTER TABLE "s"."t" ADD CONSTRAINT "pk_t" PRIMARY KEY ("a", "b")',
    ]);
    expect(sqlOf({ kind: "createUniqueConstraint", table: "t", constraint: { name: "uq", columns: ["spa ce"] } })).toEqual([
      'ALTER TABLE "t" ADD CONSTRAINT "uq" UNIQUE ("spa ce")',
    ]);
    expect(
      sqlOf({
        kind: "createForeignKey",
        schema: "s",
        table: "t",
        constraint: { name: "fk", columns: ["a"], refSchema: "r", refTable: "u", refColumns: ["id"], onDelete: "restrict", onUpdate: "set default" },
      }),
    ).toEqual(['ALTER TABLE "s"."t" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "r"."u" ("id") ON DELETE RESTRICT ON UPDATE SET DEFAULT']);
    expect(
      sqlOf({ kind: "createForeignKey", table: "t", notValid: true, constraint: { name: "fk", columns: ["a"], refTable: "u", refColumns: ["id"], onDelete: "no action" } }),
    ).toEqual(['ALTER TABLE "t" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "u" ("id") ON DELETE NO ACTION NOT VALID']);
    expect(sqlOf({ kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: "a > 0" } })).toEqual([
      'ALTER TABLE "t" ADD CONSTRAINT "ck" CHECK (a > 0)',
    ]);
    expect(sqlOf({ kind: "createCheckConstraint", table: "t", notValid: true, constraint: { name: "ck", expression: "a > 0" } })).toEqual([
      'ALTER TABLE "t" ADD CONSTRAINT "ck" CHECK (a > 0) NOT VALID',
    ]);
  });

  it("drops and validates constraints", () => {
    expect(sqlOf({ kind: "dropConstraint", schema: "s", table: "t", name: "semi;colon", type: "check" })).toEqual([
      'ALTER TABLE "s"."t" DROP CONSTRAINT "semi;colon"',
    ]);
    expect(sqlOf({ kind: "validateConstraint", schema: "s", table: "t", name: "fk" })).toEqual(['ALTER TABLE "s"."t" VALIDATE CONSTRAINT "fk"']);
  });
});

describe("compilePostgres: enums and schemas", () => {
  it("creates and drops enums", () => {
    expect(sqlOf({ kind: "createEnum", schema: "app", name: "mood", values: ["happy", "it's ok", "back\\slash"] })).toEqual([
      `CREATE TYPE "app"."mood" AS ENUM ('happy', 'it''s ok', E'back\\\\slash')`,
    ]);
    expect(sqlOf({ kind: "createEnum", name: "empty", values: [] })).toEqual(['CREATE TYPE "empty" AS ENUM ()']);
    expect(sqlOf({ kind: "dropEnum", schema: "app", name: "mood" })).toEqual(['DROP TYPE "app"."mood"']);
  });

  it("adds enum values in the transaction (usable once committed), optionally positioned", () => {
    expect(compilePostgres({ kind: "addEnumValue", name: "mood", value: "sad" })).toEqual([
      { sql: `ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'sad'`, commitBeforeUse: true },
    ]);
    expect(sqlOf({ kind: "addEnumValue", schema: "app", name: "mood", value: "meh", before: "happy" })).toEqual([
      `ALTER TYPE "app"."mood" ADD VALUE IF NOT EXISTS 'meh' BEFORE 'happy'`,
    ]);
    expect(sqlOf({ kind: "addEnumValue", name: "mood", value: "glad", after: "it's ok" })).toEqual([
      `ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'glad' AFTER 'it''s ok'`,
    ]);
    expect(() => compilePostgres({ kind: "addEnumValue", name: "mood", value: "x", before: "a", after: "b" })).toThrow(/both "before" and "after"/);
  });

  it("creates and drops schemas", () => {
    expect(sqlOf({ kind: "createSchema", name: "spa ce" })).toEqual(['CREATE SCHEMA IF NOT EXISTS "spa ce"']);
    expect(sqlOf({ kind: "dropSchema", name: 'we"ird' })).toEqual(['DROP SCHEMA "we""ird"']);
  });
});

describe("compilePostgres: data", () => {
  it("passes execute through with its parameters", () => {
    expect(compilePostgres({ kind: "execute", sql: "UPDATE t SET a = $1", params: [1] })).toEqual([{ sql: "UPDATE t SET a = $1", params: [1] }]);
    expect(compilePostgres({ kind: "execute", sql: "SELECT 1" })).toEqual([{ sql: "SELECT 1" }]);
  });

  it("inserts rows in one statement with the union of keys in first-seen order", () => {
    const when = new Date(0);
    expect(
      compilePostgres({
        kind: "bulkInsert",
        schema: "app",
        table: "users",
        rows: [{ id: 1, name: "a" }, { id: 2, email: "b@x", name: undefined }, { email: "c@x", created: when }],
      }),
    ).toEqual([
      {
        sql: 'INSERT INTO "app"."users" ("id", "name", "email", "created") VALUES ($1, $2, DEFAULT, DEFAULT), ($3, DEFAULT, $4, DEFAULT), (DEFAULT, DEFAULT, $5, $6)',
        params: [1, "a", 2, "b@x", "c@x", when],
      },
    ]);
  });

  it("keeps explicit nulls as parameters", () => {
    expect(compilePostgres({ kind: "bulkInsert", table: "t", rows: [{ a: null }] })).toEqual([{ sql: 'INSERT INTO "t" ("a") VALUES ($1)', params: [null] }]);
  });

  it("handles no rows and rows without keys", () => {
    expect(compilePostgres({ kind: "bulkInsert", table: "t", rows: [] })).toEqual([]);
    expect(sqlOf({ kind: "bulkInsert", table: "t", rows: [{}, {}] })).toEqual(['INSERT INTO "t" DEFAULT VALUES', 'INSERT INTO "t" DEFAULT VALUES']);
  });

  it("splits inserts that would exceed PostgreSQL's 65535 parameters", () => {
    const rows = Array.from({ length: 40000 }, (_, i) => ({ a: i, b: i }));
    const statements = compilePostgres({ kind: "bulkInsert", table: "t", rows });
    expect(statements).toHaveLength(2);
    expect(statements[0]!.params).toHaveLength(65534);
    expect(statements[1]!.params).toHaveLength(80000 - 65534);
    expect(statements[1]!.sql.startsWith('INSERT INTO "t" ("a", "b") VALUES ($1, $2), ($3, $4)')).toBe(true);
    expect(statements[1]!.params![0]).toBe(32767);
  });
});

describe("compilePostgres: SQL text fields", () => {
  it("rejects empty defaults, expressions and predicates, naming where they are", () => {
    expect(() => compilePostgres({ kind: "addColumn", schema: "s", table: "t", column: { name: "c", type: "text", nullable: true, default: " " } })).toThrow(
      /the default of column s\.t\.c is empty/,
    );
    expect(() => compilePostgres({ kind: "alterColumn", table: "t", column: "c", default: "" })).toThrow(/new default of t\.c is empty/);
    expect(() => compilePostgres({ kind: "alterColumn", table: "t", column: "c", type: "int", using: "" })).toThrow(/USING expression of t\.c is empty/);
    expect(() => compilePostgres({ kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: "" } })).toThrow(/check constraint ck on t is empty/);
    expect(() => compilePostgres({ kind: "createIndex", table: "t", index: { name: "ix", columns: [{ expression: "" }] } })).toThrow(/index expression is empty/);
    expect(() => compilePostgres({ kind: "createIndex", table: "t", index: { name: "ix", columns: ["a"], where: "" } })).toThrow(/WHERE predicate of index ix is empty/);
  });
});

describe("compilePostgres output", () => {
  it("never ends a statement with a semicolon", () => {
    const ops: Operation[] = [
      { kind: "createTable", table: table({ name: "t", columns: [{ name: "a", type: "int", nullable: true }] }) },
      { kind: "createSchema", name: "s" },
      { kind: "addEnumValue", name: "e", value: "v" },
    ];
    for (const statement of ops.flatMap(compilePostgres)) expect(statement.sql.trimEnd().endsWith(";")).toBe(false);
  });
});
