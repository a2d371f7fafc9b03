import { describe, expect, it } from "vitest";
import type { Table } from "../../src/catalog/types.js";
import { KilnError } from "../../src/errors.js";
import type { Operation } from "../../src/operations/types.js";
import { applyToTable, buildBatch, groupRebuilds, sqliteDialect, sqlitePath } from "../../src/dialects/sqlite/index.js";
import { parseCreateIndex, parseCreateTable } from "../../src/dialects/sqlite/parse.js";
import { canonicalType, declaredType, neutralType, sameType } from "../../src/dialects/sqlite/type-map.js";
import { canonicalizeCatalog } from "../../src/dialects/sqlite/canonicalize.js";
import { rebuildStatements } from "../../src/dialects/sqlite/rebuild.js";
import { qualifiesOwnColumns } from "../../src/dialects/sqlite/tokens.js";
import { reverseOperation } from "../../src/operations/reverse.js";

const sql = (op: Operation) => sqliteDialect.compile(op).map((s) => s.sql);

const users: Table = {
  name: "users",
  columns: [
    { name: "id", type: "bigint", nullable: false, identity: { always: true } },
    { name: "email", type: "varchar(200)", nullable: false },
    { name: "status", type: "text", nullable: false, default: "'draft'" },
    { name: "created_at", type: "timestamptz", nullable: false, default: "CURRENT_TIMESTAMP" },
    { name: "score", type: "numeric(10,2)", nullable: true, default: "abs(-1)" },
  ],
  primaryKey: { name: "pk_users", columns: ["id"] },
  uniques: [{ name: "uq_users_email", columns: ["email"] }],
  foreignKeys: [],
  checks: [{ name: "ck_users_status", expression: "status IN ('draft', 'live')" }],
  indexes: [],
};

describe("sqlite quoting", () => {
  it("doubles quotes in identifiers and literals", () => {
    expect(sqliteDialect.quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(sqliteDialect.quoteLiteral("it's")).toBe("'it''s'");
    expect(sqliteDialect.quoteLiteral(null)).toBe("NULL");
    expect(sqliteDialect.quoteLiteral(true)).toBe("1");
    expect(sqliteDialect.quoteLiteral(Buffer.from([1, 255]))).toBe("X'01ff'");
    expect(sqliteDialect.quoteLiteral({ a: 1 })).toBe(`'{"a":1}'`);
    expect(sqliteDialect.placeholder(3)).toBe("?");
  });

  it("qualifies attached schemas only", () => {
    expect(sqliteDialect.tableName(undefined, "t")).toBe('"t"');
    expect(sqliteDialect.tableName("main", "t")).toBe('"t"');
    expect(sqliteDialect.tableName("aux", "t")).toBe('"aux"."t"');
  });
});

describe("sqlite URLs", () => {
  it("resolves relative, absolute and memory paths", () => {
    expect(sqlitePath("sqlite::memory:")).toBe(":memory:");
    expect(sqlitePath("sqlite://data/app.db", "/srv")).toBe("/srv/data/app.db");
    expect(sqlitePath("sqlite:///var/app.db", "/srv")).toBe("/var/app.db");
    expect(() => sqlitePath("postgres://x")).toThrow(KilnError);
  });
});

describe("sqlite types", () => {
  it("declares the neutral type upper-cased and reads it back exactly", () => {
    for (const t of ["integer", "bigint", "varchar(200)", "numeric(10,2)", "double precision", "timestamptz", "text[]", "uuid", "jsonb", "bytea"]) {
      expect(neutralType(declaredType(t))).toBe(t);
    }
    expect(declaredType("varchar(200)")).toBe("VARCHAR(200)");
    expect(declaredType("bytea")).toBe("BLOB");
    expect(neutralType("INT")).toBe("integer");
    // The database's own text (with capitals) is declared as it is: `.schema` keeps showing it.
    expect(canonicalType("Numeric( 10 , 2 )")).toBe("Numeric( 10 , 2 )");
    expect(declaredType("NVARCHAR(120)")).toBe("NVARCHAR(120)");
    expect(declaredType("INT")).toBe("INT");
    expect(sameType("INT", "integer")).toBe(true);
    expect(sameType("NVARCHAR(120)", "varchar(120)")).toBe(true);
    expect(sameType("DATETIME", "timestamp")).toBe(true);
    expect(sameType("varchar(120)", "varchar(200)")).toBe(false);
    expect(() => declaredType("my.enum")).toThrow(/cannot declare type/);
  });
});

describe("sqlite table options", () => {
  it("creates STRICT and WITHOUT ROWID tables from the models", () => {
    const table = { name: "t", columns: [{ name: "k", type: "text", nullable: false }], primaryKey: { columns: ["k"] }, uniques: [], foreignKeys: [], checks: [], indexes: [], options: { strict: true, withoutRowid: true } };
    expect(sql({ kind: "createTable", table })[0]).toBe(`CREATE TABLE "t" (\n  "k" TEXT NOT NULL,\n  PRIMARY KEY ("k")\n) WITHOUT ROWID, STRICT`);
  });
});

describe("sqlite compile", () => {
  it("creates a table with inline named constraints and AUTOINCREMENT on the integer key", () => {
    const [create] = sql({ kind: "createTable", table: users });
    expect(create).toBe(
      [
        'CREATE TABLE "users" (',
        '  "id" INTEGER NOT NULL CONSTRAINT "pk_users" PRIMARY KEY AUTOINCREMENT,',
        '  "email" VARCHAR(200) NOT NULL,',
        `  "status" TEXT NOT NULL DEFAULT 'draft',`,
        '  "created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,',
        '  "score" NUMERIC(10,2) DEFAULT (abs(-1)),',
        '  CONSTRAINT "uq_users_email" UNIQUE ("email"),',
        `  CONSTRAINT "ck_users_status" CHECK (status IN ('draft', 'live'))`,
        ")",
      ].join("\n"),
    );
  });

  it("writes foreign keys with actions and composite primary keys", () => {
    const [create] = sql({
      kind: "createTable",
      table: {
        name: "memberships",
        columns: [
          { name: "user_id", type: "integer", nullable: false },
          { name: "team_id", type: "integer", nullable: false },
        ],
        primaryKey: { columns: ["user_id", "team_id"] },
        uniques: [],
        foreignKeys: [{ name: "fk_m_user", columns: ["user_id"], refTable: "users", refColumns: ["id"], onDelete: "cascade", onUpdate: "set null" }],
        checks: [],
        indexes: [],
      },
    });
    expect(create).toContain('PRIMARY KEY ("user_id", "team_id")');
    expect(create).toContain('CONSTRAINT "fk_m_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE SET NULL');
  });

  it("refuses auto-generated keys SQLite cannot make", () => {
    const table: Table = { ...users, primaryKey: { columns: ["email"] } };
    expect(() => sql({ kind: "createTable", table })).toThrow(/single integer primary key/);
  });

  it("compiles the operations ALTER TABLE supports", () => {
    expect(sql({ kind: "dropTable", table: "t" })).toEqual(['DROP TABLE "t"']);
    expect(sql({ kind: "renameTable", table: "t", newName: "u" })).toEqual(['ALTER TABLE "t" RENAME TO "u"']);
    expect(sql({ kind: "addColumn", table: "t", column: { name: "n", type: "integer", nullable: false, default: "0" } })).toEqual([
      'ALTER TABLE "t" ADD COLUMN "n" INTEGER NOT NULL DEFAULT 0',
    ]);
    expect(sql({ kind: "dropColumn", table: "t", column: "n" })).toEqual(['ALTER TABLE "t" DROP COLUMN "n"']);
    expect(sql({ kind: "alterColumn", table: "t", column: "a", newName: "b", comment: "x" })).toEqual(['ALTER TABLE "t" RENAME COLUMN "a" TO "b"']);
    expect(sql({ kind: "createIndex", table: "t", schema: "aux", index: { name: "ix", columns: ["a", { expression: "lower(b)" }], unique: true, where: "a > 0" } })).toEqual([
      'CREATE UNIQUE INDEX "aux"."ix" ON "t" ("a", lower(b)) WHERE a > 0',
    ]);
    expect(sql({ kind: "dropIndex", table: "t", name: "ix" })).toEqual(['DROP INDEX "ix"']);
  });

  it("compiles enum, comment and validate operations to nothing", () => {
    for (const op of [
      { kind: "createEnum", name: "s", values: ["a"] },
      { kind: "dropEnum", name: "s" },
      { kind: "addEnumValue", name: "s", value: "b" },
      { kind: "setTableComment", table: "t", comment: "hi" },
      { kind: "validateConstraint", table: "t", name: "c" },
      { kind: "alterColumn", table: "t", column: "a", comment: "only a comment" },
    ] as Operation[]) {
      expect(sql(op)).toEqual([]);
    }
  });

  it("needs a connection for changes that require a rebuild", () => {
    const rebuilds: Operation[] = [
      { kind: "alterColumn", table: "t", column: "a", type: "bigint" },
      { kind: "alterColumn", table: "t", column: "a", nullable: false },
      { kind: "addColumn", table: "t", column: { name: "n", type: "integer", nullable: false } },
      { kind: "addColumn", table: "t", column: { name: "n", type: "text", nullable: true, default: "CURRENT_TIMESTAMP" } },
      { kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: "a > 0" } },
      { kind: "createForeignKey", table: "t", constraint: { name: "fk", columns: ["a"], refTable: "u", refColumns: ["id"] } },
      { kind: "createUniqueConstraint", table: "t", constraint: { name: "uq", columns: ["a"] } },
      { kind: "createPrimaryKey", table: "t", constraint: { name: "pk", columns: ["a"] } },
      { kind: "dropConstraint", table: "t", name: "ck", type: "check" },
    ];
    for (const op of rebuilds) {
      expect(sqliteDialect.needsTableDefinition(op)).toBe(true);
      expect(() => sqliteDialect.compile(op)).toThrow(/offline --sql/);
    }
    expect(sqliteDialect.needsTableDefinition({ kind: "addColumn", table: "t", column: { name: "n", type: "integer", nullable: true } })).toBe(false);
  });

  it("refuses CREATE SCHEMA with advice", () => {
    expect(() => sql({ kind: "createSchema", name: "aux" })).toThrow(/ATTACH DATABASE/);
  });

  it("bulk-inserts with bound parameters, grouping rows by their keys", () => {
    const statements = sqliteDialect.compile({
      kind: "bulkInsert",
      table: "t",
      rows: [{ a: 1, b: true }, { a: 2, b: false }, { a: 3 }],
    });
    expect(statements).toEqual([
      { sql: 'INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?)', params: [1, 1, 2, 0] },
      { sql: 'INSERT INTO "t" ("a") VALUES (?)', params: [3] },
    ]);
  });

  it("writes the bookkeeping tables", () => {
    const [version, history] = sqliteDialect.bookkeepingDDL({ versionTable: "kiln_version", historyTable: "kiln_history" });
    expect(version).toContain('"kiln_version"');
    expect(version).toContain("version_num VARCHAR(32) NOT NULL PRIMARY KEY");
    expect(history).toContain("id INTEGER PRIMARY KEY AUTOINCREMENT");
    expect(sqliteDialect.beginSql).toBe("BEGIN IMMEDIATE");
  });
});

describe("sqlite CREATE text parsing", () => {
  it("finds constraint names, checks and autoincrement through quotes, strings and nesting", () => {
    const parsed = parseCreateTable(
      `CREATE TABLE "t" ("id" INTEGER CONSTRAINT "p k" PRIMARY KEY AUTOINCREMENT, [a,b] TEXT CHECK (length([a,b]) > 0) DEFAULT 'x, (y)',
       c INT CONSTRAINT fk_c REFERENCES other(id), -- comment, with (parens
       CONSTRAINT "ck ""odd""" CHECK (c IN (1, 2) AND "a,b" <> ')'), CONSTRAINT uq UNIQUE (c, "a,b")) WITHOUT ROWID`,
    );
    expect(parsed.columns).toEqual([
      { name: "id", autoIncrement: true },
      { name: "a,b", autoIncrement: false },
      { name: "c", autoIncrement: false },
    ]);
    expect(parsed.constraints).toEqual([
      { kind: "primary", name: "p k", columns: ["id"] },
      { kind: "check", expression: "length([a,b]) > 0" },
      { kind: "foreignkey", name: "fk_c", columns: ["c"], refTable: "other" },
      { kind: "check", name: 'ck "odd"', expression: `c IN (1, 2) AND "a,b" <> ')'` },
      { kind: "unique", name: "uq", columns: ["c", "a,b"] },
    ]);
    expect(parsed.options).toBe("WITHOUT ROWID");
  });

  it("reads index elements and the partial predicate", () => {
    expect(parseCreateIndex(`CREATE UNIQUE INDEX "ix" ON "t" ("a", lower("b"), c DESC) WHERE a > 0`)).toEqual({
      unique: true,
      elements: [{ text: '"a"', column: "a" }, { text: 'lower("b")' }, { text: "c DESC" }],
      where: "a > 0",
    });
  });
});

describe("sqlite batch planning", () => {
  const t: Table = {
    name: "t",
    columns: [
      { name: "id", type: "integer", nullable: false },
      { name: "a", type: "text", nullable: true },
      { name: "b", type: "integer", nullable: true },
    ],
    primaryKey: { columns: ["id"] },
    uniques: [{ name: "uq_ab", columns: ["a", "b"] }],
    foreignKeys: [],
    checks: [{ name: "ck_b", expression: "b > 0" }],
    indexes: [{ name: "ix_a", columns: [{ expression: 'lower("a")' }] }],
  };

  it("applies a batch in memory, renaming references and dropping what a dropped column used", () => {
    const batch = buildBatch("t", (b) => {
      b.alterColumn("a", { newName: "title", type: "varchar(50)", nullable: false });
      b.dropColumn("b");
      b.addColumn("c", { type: "integer", default: "1" });
    });
    const rebuilt = applyToTable(t, batch.operations);
    expect(rebuilt.table.columns.map((c) => `${c.name}:${c.type}:${c.nullable}`)).toEqual(["id:integer:false", "title:varchar(50):false", "c:integer:true"]);
    expect(rebuilt.table.uniques).toEqual([]);
    expect(rebuilt.table.checks).toEqual([]);
    expect(rebuilt.table.indexes).toEqual([{ name: "ix_a", columns: [{ expression: 'lower("title")' }] }]);
    expect([...rebuilt.sources]).toEqual([["id", '"id"'], ["title", '"a"']]);
    expect(t.columns[1]!.name).toBe("a");
  });

  it("STRICT / WITHOUT ROWID: a rebuild that rewrites only the text after the column list; reversed by the opposite option; offline refused", () => {
    const body = 'CREATE TABLE "t" (\n  id integer NOT NULL PRIMARY KEY,\n  a text, b integer,\n  CONSTRAINT "uq_ab" UNIQUE (a, b), CONSTRAINT "ck_b" CHECK (b > 0)\n)';
    const stored = `${body} STRICT`;
    const table: Table = { ...t, options: { strict: true } };
    const op: Operation = { kind: "setTableOptions", table: "t", options: { strict: null, withoutRowid: true }, existing: { strict: true } };
    const rebuilt = applyToTable(table, [op]);
    expect(rebuilt.table.options).toEqual({ withoutRowid: true });
    const statements = rebuildStatements(rebuilt, { original: { sql: stored, table }, options: "STRICT", indexSql: new Map(), triggerSql: [] }).map((s) => s.sql);
    expect(statements[3]).toBe(`${body} WITHOUT ROWID`);
    expect(statements).toContain('INSERT INTO "t" ("id", "a", "b") SELECT "id", "a", "b" FROM "_kiln_new_t"');
    // Without the stored text: kiln's CREATE TABLE with the new options.
    const written = rebuildStatements(applyToTable(table, [{ ...op, options: { withoutRowid: true } }]), { options: "STRICT", indexSql: new Map(), triggerSql: [] });
    expect(written[3]!.sql).toMatch(/\n\) WITHOUT ROWID, STRICT$/);
    // Unchanged options keep the stored text after the column list.
    expect(applyToTable(table, [{ ...op, options: { strict: true } }]).optionsChanged).toBeUndefined();
    expect(reverseOperation(op)).toEqual([{ kind: "setTableOptions", table: "t", options: { strict: true, withoutRowid: null }, existing: { withoutRowid: true } }]);
    expect(() => sql(op)).toThrow(/SQLite cannot change STRICT \/ WITHOUT ROWID on table "t".*not in offline --sql mode/);
    expect(() => sql({ kind: "setTableOptions", table: "t", options: { engine: "InnoDB" } })).toThrow(/MySQL's; SQLite has only STRICT and WITHOUT ROWID/);
    const noKey: Table = { ...t, primaryKey: undefined };
    expect(() => applyToTable(noKey, [{ kind: "setTableOptions", table: "t", options: { withoutRowid: true } }])).toThrow(/WITHOUT ROWID table needs a PRIMARY KEY/);
  });

  it("names the missing constraint", () => {
    expect(() => applyToTable(t, [{ kind: "dropConstraint", table: "t", name: "nope", type: "check" }])).toThrow(/no check constraint named "nope" \(named ones: ck_b\)/);
  });

  it("moves the old table aside by a copy, not a rename, when its text qualifies a column with its own name", () => {
    const statements = (stored: string, check = "b > 0") => {
      const table: Table = { ...t, checks: [{ name: "ck_b", expression: check }] };
      const rebuilt = applyToTable(table, [{ kind: "createCheckConstraint", table: "t", constraint: { name: "ck_a", expression: "a <> ''" } }]);
      return rebuildStatements(rebuilt, { original: { sql: stored, table }, options: "", indexSql: new Map(), triggerSql: [] }).map((s) => s.sql);
    };
    const plain = 'CREATE TABLE "t" (id integer NOT NULL PRIMARY KEY, a text, b integer, CONSTRAINT "uq_ab" UNIQUE (a, b), CONSTRAINT "ck_b" CHECK (b > 0))';
    expect(statements(plain).slice(2, 4)).toEqual(['ALTER TABLE "t" RENAME TO "_kiln_new_t"', `CREATE TABLE "t" (id integer NOT NULL PRIMARY KEY, a text, b integer, CONSTRAINT "uq_ab" UNIQUE (a, b), CONSTRAINT "ck_b" CHECK (b > 0), CONSTRAINT "ck_a" CHECK (a <> ''))`]);
    // drizzle-kit's spelling: a legacy rename would leave "t"."b" inside "_kiln_new_t" (SQLite: no such column: t.b).
    const qualified = plain.replace("CHECK (b > 0)", 'CHECK ("t" . "b" > 0)');
    const aside = statements(qualified, '"t" . "b" > 0');
    expect(aside.slice(2, 5)).toEqual(['CREATE TABLE "_kiln_new_t" AS SELECT * FROM "t"', 'DROP TABLE "t"', expect.stringContaining('CHECK ("t" . "b" > 0)')]);
    expect(aside).toContain('INSERT INTO "t" ("id", "a", "b") SELECT "id", "a", "b" FROM "_kiln_new_t"');
    expect(aside.some((s) => s.includes("RENAME"))).toBe(false);
    // A table named like a column of another, or a string, is no qualifier.
    expect(qualifiesOwnColumns(`CREATE TABLE "t" (a text CHECK (a <> 't.b'), b integer REFERENCES "t"("id"))`, "t")).toBe(false);
    expect(qualifiesOwnColumns("CREATE TABLE T (b integer CHECK (t.b > 0))", "t")).toBe(true);
  });

  it("merges consecutive rebuilds on one table", () => {
    const ops: Operation[] = [
      { kind: "alterColumn", table: "t", column: "a", type: "bigint" },
      { kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: "a > 0" } },
      { kind: "createIndex", table: "t", index: { name: "ix", columns: ["a"] } },
      { kind: "dropConstraint", table: "t", name: "ck", type: "check" },
      { kind: "dropConstraint", table: "u", name: "ck", type: "check" },
    ];
    const grouped = groupRebuilds(ops);
    expect(grouped.map((o) => o.kind)).toEqual(["batchAlterTable", "createIndex", "dropConstraint", "dropConstraint"]);
    expect((grouped[0] as { operations: Operation[] }).operations).toHaveLength(2);
  });
});

describe("sqlite canonicalize", () => {
  it("turns enums into text, strips comments and methods, and keys into INTEGER identity", () => {
    const out = canonicalizeCatalog({
      schemas: [],
      enums: [{ name: "mood", values: ["ok"] }],
      tables: [
        {
          ...users,
          comment: "people",
          columns: [...users.columns.map((c) => ({ ...c, comment: "x" })), { name: "mood", type: "mood", nullable: true }],
          foreignKeys: [{ columns: ["email"], refTable: "x", refColumns: ["y"], onDelete: "no action" }],
          indexes: [{ name: "ix", columns: ["email"], method: "btree", unique: false }],
        },
      ],
    });
    expect(out.enums).toEqual([]);
    const table = out.tables[0]!;
    expect(table.comment).toBeUndefined();
    expect(table.columns[0]).toEqual({ name: "id", type: "INTEGER", nullable: false, identity: { always: false } });
    expect(table.columns.find((c) => c.name === "mood")!.type).toBe("TEXT");
    // SQLite has no enum types: a named CHECK enforces the values.
    expect(table.checks).toContainEqual({ name: "ck_users_mood_enum", expression: `"mood" IN ('ok')` });
    expect(table.columns.every((c) => c.comment === undefined)).toBe(true);
    expect(table.foreignKeys[0]!.onDelete).toBeUndefined();
    expect(table.indexes).toEqual([{ name: "ix", columns: ["email"] }]);
  });
});
