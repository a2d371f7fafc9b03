import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { createMysqlDialect, mariadbDialect, mysqlDialect } from "../../src/dialects/mysql/index.js";
import type { Connection, Dialect } from "../../src/dialects/types.js";
import { KilnError } from "../../src/errors.js";
import type { Operation } from "../../src/operations/types.js";
import { createMysqlDatabase, MYSQL_ADMIN_URL, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";

const available = await serverAvailable("mysql");

/** Compile and run operations, as the runner would. */
async function apply(dialect: Dialect, conn: Connection, operations: Operation[]): Promise<void> {
  for (const operation of operations) {
    for (const statement of dialect.compile(operation)) await conn.query(statement.sql, statement.params);
  }
}

function countingConnection(conn: Connection): Connection & { count: number } {
  const counted = {
    count: 0,
    query(sql: string, params?: unknown[]) {
      counted.count++;
      return conn.query(sql, params);
    },
    close: () => conn.close(),
  };
  return counted;
}

const owners: Table = {
  name: "owners",
  columns: [
    { name: "id", type: "integer", nullable: false, identity: { always: false } },
    { name: "email", type: "varchar(200)", nullable: false },
  ],
  primaryKey: { columns: ["id"] },
  uniques: [{ name: "uq_owners_email", columns: ["email"] }],
  foreignKeys: [],
  checks: [],
  indexes: [],
};

const prototypes: Table = {
  name: "prototypes",
  comment: "prototype machines",
  columns: [
    { name: "prototype_id", type: "bigint", nullable: false },
    { name: "name", type: "varchar(100)", nullable: false, comment: "display name" },
    { name: "status", type: "status", nullable: false, default: "'draft'" },
    { name: "active", type: "boolean", nullable: false, default: "true" },
    { name: "price", type: "numeric(10,2)", nullable: true },
    { name: "ratio", type: "double precision", nullable: true, default: "0.5" },
    { name: "created_at", type: "timestamptz", nullable: false, default: "now()" },
    { name: "released_on", type: "date", nullable: true },
    { name: "seen_at", type: "timestamp", nullable: true },
    { name: "external_id", type: "uuid", nullable: true },
    { name: "specs", type: "json", nullable: true },
    { name: "blueprint", type: "bytea", nullable: true },
    { name: "notes", type: "text", nullable: true, default: "'n/a'" },
    { name: "owner_id", type: "integer", nullable: true },
  ],
  primaryKey: { columns: ["prototype_id"] },
  uniques: [{ name: "uq_prototypes_name", columns: ["name"] }],
  foreignKeys: [
    { name: "fk_prototypes_owner", columns: ["owner_id"], refTable: "owners", refColumns: ["id"], onDelete: "set null" },
  ],
  checks: [{ name: "ck_prototype_id_positive", expression: "prototype_id >= 0" }],
  indexes: [
    { name: "ix_prototypes_created", columns: ["created_at", "status"] },
    { name: "ix_prototypes_notes", columns: [{ expression: "notes(20)" }] },
  ],
};

const model: Catalog = {
  schemas: [],
  tables: [owners, prototypes],
  enums: [{ name: "status", values: ["draft", "active", "retired"] }],
};

/** The operations that build the model, in the order autogenerate would emit them. */
function modelOperations(): Operation[] {
  return [
    { kind: "createEnum", name: "status", values: ["draft", "active", "retired"] },
    { kind: "createTable", table: owners },
    { kind: "createTable", table: { ...prototypes, indexes: [] } },
    ...prototypes.indexes.map((index): Operation => ({ kind: "createIndex", table: "prototypes", index: { ...index, name: index.name! } })),
  ];
}

/** What introspect must return for the model: the server's own spelling. */
const expectedCatalog: Catalog = {
  schemas: [],
  enums: [],
  tables: [
    {
      name: "owners",
      columns: [
        { name: "id", type: "integer", nullable: false, identity: { always: false } },
        { name: "email", type: "varchar(200)", nullable: false },
      ],
      primaryKey: { columns: ["id"] },
      uniques: [{ name: "uq_owners_email", columns: ["email"] }],
      foreignKeys: [],
      checks: [],
      indexes: [],
    },
    {
      name: "prototypes",
      comment: "prototype machines",
      columns: [
        { name: "prototype_id", type: "bigint", nullable: false },
        { name: "name", type: "varchar(100)", nullable: false, comment: "display name" },
        { name: "status", type: "enum('draft','active','retired')", nullable: false, default: "'draft'" },
        { name: "active", type: "boolean", nullable: false, default: "1" },
        { name: "price", type: "numeric(10,2)", nullable: true },
        { name: "ratio", type: "double precision", nullable: true, default: "0.5" },
        { name: "created_at", type: "timestamptz", nullable: false, default: "current_timestamp(6)" },
        { name: "released_on", type: "date", nullable: true },
        { name: "seen_at", type: "timestamp", nullable: true },
        { name: "external_id", type: "char(36)", nullable: true },
        { name: "specs", type: "json", nullable: true },
        { name: "blueprint", type: "bytea", nullable: true },
        { name: "notes", type: "text", nullable: true, default: "'n/a'" },
        { name: "owner_id", type: "integer", nullable: true },
      ],
      primaryKey: { columns: ["prototype_id"] },
      uniques: [{ name: "uq_prototypes_name", columns: ["name"] }],
      foreignKeys: [
        { name: "fk_prototypes_owner", columns: ["owner_id"], refTable: "owners", refColumns: ["id"], onDelete: "set null" },
      ],
      checks: [{ name: "ck_prototype_id_positive", expression: "`prototype_id` >= 0" }],
      indexes: [
        { name: "ix_prototypes_created", columns: ["created_at", "status"] },
        { name: "ix_prototypes_notes", columns: [{ expression: "`notes`(20)" }] },
      ],
    },
  ],
};

describe.skipIf(!available)("mysql dialect against MariaDB", () => {
  let db: ScratchDatabase;
  let conn: Connection;

  beforeAll(async () => {
    db = await createMysqlDatabase();
    conn = await mysqlDialect.connect(parseDatabaseUrl(db.url));
  });

  /** Records the scratch databases canonicalize creates. */
  function watchingConnection(inner: Connection): Connection & { scratch: string[] } {
    const scratch: string[] = [];
    return {
      scratch,
      query(sql: string, params?: unknown[]) {
        const created = /^CREATE DATABASE `([^`]+)`/.exec(sql);
        if (created) scratch.push(created[1]);
        return inner.query(sql, params);
      },
      close: () => inner.close(),
    };
  }

  async function existingDatabases(names: string[]): Promise<string[]> {
    const { rows } = await conn.query(
      `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names.map(() => "?").join(", ")})`,
      names,
    );
    return rows.map((row) => String(row.name));
  }

  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it("reports rows and affected row counts", async () => {
    await conn.query("CREATE TABLE counts (n INT)");
    expect(await conn.query("INSERT INTO counts VALUES (?), (?)", [1, 2])).toEqual({ rows: [], rowCount: 2 });
    expect(await conn.query("SELECT n FROM counts WHERE n > ? ORDER BY n", [0])).toEqual({ rows: [{ n: 1 }, { n: 2 }], rowCount: 2 });
    // A ? inside a literal is text, not a placeholder; dates travel in UTC.
    const { rows } = await conn.query("SELECT 'why?' AS q, ? AS v, CAST(? AS DATETIME(3)) AS d", ["it's \\ ok", new Date("2024-01-02T03:04:05.678Z")]);
    expect(rows).toEqual([{ q: "why?", v: "it's \\ ok", d: new Date("2024-01-02T03:04:05.678Z") }]);
    await conn.query("DROP TABLE counts");
  });

  it("builds the model, and introspect reads it back exactly", async () => {
    await apply(createMysqlDialect(), conn, modelOperations());
    expect(await mysqlDialect.introspect(conn)).toEqual(expectedCatalog);
  });

  it("canonicalize(model) equals introspect(database): a fixpoint", async () => {
    const watched = watchingConnection(conn);
    const canonical = await mysqlDialect.canonicalize(watched, model);
    expect(canonical).toEqual(await mysqlDialect.introspect(conn));
    expect(watched.scratch).toHaveLength(1);
    expect(await existingDatabases(watched.scratch)).toEqual([]);
  });

  it("canonicalize reports a model the server refuses, naming the table, and cleans up", async () => {
    const bad: Catalog = {
      schemas: [],
      enums: [],
      tables: [{ name: "broken", columns: [{ name: "a", type: "integer", nullable: true }], uniques: [], foreignKeys: [], indexes: [], checks: [{ name: "ck", expression: "nope(" }] }],
    };
    const watched = watchingConnection(conn);
    await expect(mysqlDialect.canonicalize(watched, bad)).rejects.toThrow(/table broken cannot be created on this server/);
    expect(watched.scratch).toHaveLength(1);
    expect(await existingDatabases(watched.scratch)).toEqual([]);
  });

  it("a model MariaDB cannot express is refused naming the user's database, never kiln's scratch copy", async () => {
    const partial: Catalog = {
      schemas: [],
      enums: [],
      tables: [
        {
          name: "orders",
          columns: [{ name: "a", type: "integer", nullable: true }],
          uniques: [],
          foreignKeys: [],
          checks: [],
          indexes: [{ name: "ix_orders_a", columns: ["a"], where: "a > 0" }],
        },
      ],
    };
    const error = await mariadbDialect.canonicalize(conn, partial).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/is partial/);
    expect(error?.message).toContain(`\`${db.name}\`.\`orders\``);
    expect(error?.message).not.toMatch(/kiln_canon/);
  });

  it("hides kiln's own tables and honours excludeTables and includeTable", async () => {
    for (const statement of mysqlDialect.bookkeepingDDL({ versionTable: "kiln_version", historyTable: "kiln_history" })) {
      await conn.query(statement);
    }
    await conn.query("INSERT INTO kiln_history (revision, direction, checksum, started_at, duration_ms, kiln_version) VALUES ('abc', 'stamp', NULL, CURRENT_TIMESTAMP, 1, '0.1.0')");
    const names = async (options = {}) => (await mysqlDialect.introspect(conn, options)).tables.map((t) => t.name);
    expect(await names()).toEqual(["owners", "prototypes"]);
    expect(await names({ excludeTables: ["owners"] })).toEqual(["prototypes"]);
    expect(await names({ includeTable: (_schema: string | undefined, name: string) => name === "owners" })).toEqual(["owners"]);
  });

  it("runs every kind of operation, and the changes read back", async () => {
    const dialect = createMysqlDialect();
    const operations: Operation[] = [
      { kind: "createSchema", name: `${db.name}_extra` },
      {
        kind: "createTable",
        table: { schema: `${db.name}_extra`, name: "audit", columns: [{ name: "id", type: "integer", nullable: false }], primaryKey: { columns: ["id"] }, uniques: [], foreignKeys: [], checks: [], indexes: [] },
      },
      { kind: "dropTable", schema: `${db.name}_extra`, table: "audit" },
      { kind: "dropSchema", name: `${db.name}_extra` },
      { kind: "createEnum", name: "size", values: ["s", "m"] },
      {
        kind: "createTable",
        table: { name: "parts", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] },
      },
      { kind: "createPrimaryKey", table: "parts", constraint: { name: "pk_parts", columns: ["id"] } },
      { kind: "addColumn", table: "parts", column: { name: "code", type: "varchar(20)", nullable: true } },
      { kind: "addColumn", table: "parts", column: { name: "size", type: "size", nullable: true } },
      { kind: "addColumn", table: "parts", column: { name: "owner", type: "integer", nullable: true } },
      { kind: "addColumn", table: "parts", column: { name: "doomed", type: "text", nullable: true } },
      { kind: "dropColumn", table: "parts", column: "doomed" },
      { kind: "alterColumn", table: "parts", column: "code", default: "'x'" },
      { kind: "alterColumn", table: "parts", column: "code", nullable: false, type: "varchar(40)", comment: "part code", existing: { name: "code", type: "varchar(20)", nullable: true, default: "'x'" } },
      { kind: "alterColumn", table: "parts", column: "code", newName: "sku" },
      { kind: "alterColumn", table: "parts", column: "sku", default: null },
      { kind: "createUniqueConstraint", table: "parts", constraint: { name: "uq_parts_sku", columns: ["sku"] } },
      { kind: "createForeignKey", table: "parts", constraint: { name: "fk_parts_owner", columns: ["owner"], refTable: "owners", refColumns: ["id"], onDelete: "cascade" } },
      { kind: "createCheckConstraint", table: "parts", constraint: { name: "ck_parts_id", expression: "id > 0" } },
      { kind: "validateConstraint", table: "parts", name: "ck_parts_id" },
      { kind: "createIndex", table: "parts", concurrently: true, index: { name: "ix_parts_size", columns: ["size"] } },
      { kind: "setTableComment", table: "parts", comment: "spare parts" },
      { kind: "bulkInsert", table: "parts", rows: [{ id: 1, sku: "a\\b'c", size: "s" }, { id: 2, sku: "d" }] },
      { kind: "execute", sql: "UPDATE parts SET size = ? WHERE id = ?", params: ["m", 2] },
      { kind: "renameTable", table: "parts", newName: "components" },
    ];
    await apply(dialect, conn, operations);

    const { rows } = await conn.query("SELECT id, sku, size FROM components ORDER BY id");
    expect(rows).toEqual([{ id: 1, sku: "a\\b'c", size: "s" }, { id: 2, sku: "d", size: "m" }]);
    const components = (await dialect.introspect(conn)).tables.find((t) => t.name === "components");
    expect(components).toEqual({
      name: "components",
      comment: "spare parts",
      columns: [
        { name: "id", type: "integer", nullable: false },
        { name: "sku", type: "varchar(40)", nullable: false, comment: "part code" },
        { name: "size", type: "enum('s','m')", nullable: true },
        { name: "owner", type: "integer", nullable: true },
      ],
      primaryKey: { columns: ["id"] },
      uniques: [{ name: "uq_parts_sku", columns: ["sku"] }],
      foreignKeys: [{ name: "fk_parts_owner", columns: ["owner"], refTable: "owners", refColumns: ["id"], onDelete: "cascade" }],
      checks: [{ name: "ck_parts_id", expression: "`id` > 0" }],
      indexes: [{ name: "ix_parts_size", columns: ["size"] }],
    });

    await apply(dialect, conn, [
      { kind: "dropIndex", table: "components", name: "ix_parts_size" },
      { kind: "dropConstraint", table: "components", name: "ck_parts_id", type: "check" },
      { kind: "dropConstraint", table: "components", name: "fk_parts_owner", type: "foreignkey" },
      { kind: "dropConstraint", table: "components", name: "uq_parts_sku", type: "unique" },
      { kind: "dropConstraint", table: "components", name: "pk_parts", type: "primary" },
      { kind: "setTableComment", table: "components", comment: null },
      { kind: "dropEnum", name: "size" },
    ]);
    const after = (await dialect.introspect(conn)).tables.find((t) => t.name === "components")!;
    expect(after.primaryKey).toBeUndefined();
    expect([after.uniques, after.checks, after.comment]).toEqual([[], [], undefined]);
    // The index MySQL made for the foreign key went with it: no undeclared index is left behind.
    expect(after.foreignKeys).toEqual([]);
    expect(after.indexes).toEqual([]);
    await conn.query("DROP TABLE components");
  });

  it("an enum column round-trips, and a changed value list is a MODIFY of that column", async () => {
    const dialect = createMysqlDialect();
    const changed: Catalog = { ...model, enums: [{ name: "status", values: ["draft", "active", "retired", "archived"] }] };
    const canonical = await dialect.canonicalize(conn, changed);
    const column = canonical.tables.find((t) => t.name === "prototypes")!.columns.find((c) => c.name === "status")!;
    expect(column).toEqual({ name: "status", type: "enum('draft','active','retired','archived')", nullable: false, default: "'draft'" });
    expect(canonical.enums).toEqual([]);

    const existing = (await dialect.introspect(conn)).tables.find((t) => t.name === "prototypes")!.columns.find((c) => c.name === "status")!;
    await apply(dialect, conn, [{ kind: "alterColumn", table: "prototypes", column: "status", type: column.type, existing }]);
    expect((await dialect.introspect(conn)).tables.find((t) => t.name === "prototypes")!.columns.find((c) => c.name === "status")).toEqual(column);
    // And back, so later tests see the original model.
    await apply(dialect, conn, [{ kind: "alterColumn", table: "prototypes", column: "status", type: existing.type, existing: column }]);
    expect(await dialect.introspect(conn)).toEqual(expectedCatalog);
  });

  it("other databases act as schemas, in introspect and canonicalize", async () => {
    const schema = `${db.name}_s`;
    const ledger: Table = {
      schema,
      name: "ledger",
      columns: [
        { name: "id", type: "bigint", nullable: false, identity: { always: false } },
        { name: "owner_id", type: "integer", nullable: false },
        { name: "amount", type: "numeric", nullable: false, default: "0" },
      ],
      primaryKey: { columns: ["id"] },
      uniques: [],
      foreignKeys: [{ name: "fk_ledger_owner", columns: ["owner_id"], refTable: "owners", refColumns: ["id"] }],
      checks: [],
      indexes: [],
    };
    // From inside the schema, "owners" is in the connection's database.
    const ledgerSql = { ...ledger, foreignKeys: [{ ...ledger.foreignKeys[0], refSchema: db.name }] };
    await apply(mysqlDialect, conn, [
      { kind: "createSchema", name: schema },
      { kind: "createTable", table: ledgerSql },
    ]);
    try {
      const introspected = await mysqlDialect.introspect(conn, { schemas: [schema, `${db.name}_missing`] });
      expect(introspected.schemas).toEqual([schema]);
      expect(introspected.tables.map((t) => `${t.schema ?? ""}.${t.name}`)).toEqual([`${schema}.ledger`, ".owners", ".prototypes"]);
      const expectedLedger: Table = { ...ledger, columns: [ledger.columns[0], ledger.columns[1], { ...ledger.columns[2], default: "0.000000000000000000000000000000" }] };
      expect(introspected.tables[0]).toEqual(expectedLedger);

      const watched = watchingConnection(conn);
      const canonical = await mysqlDialect.canonicalize(watched, { ...model, schemas: [schema], tables: [...model.tables, ledger] });
      expect(canonical).toEqual(introspected);
      // Dropped although a foreign key crosses between the two scratch databases.
      expect(watched.scratch).toHaveLength(2);
      expect(await existingDatabases(watched.scratch)).toEqual([]);
    } finally {
      await conn.query(`DROP DATABASE \`${schema}\``);
    }
  });

  it("introspects in a fixed number of queries, whatever the number of tables", async () => {
    const counts: number[] = [];
    for (const tableCount of [1, 30]) {
      const other = await createMysqlDatabase();
      const c = await mysqlDialect.connect(parseDatabaseUrl(other.url));
      try {
        for (let i = 0; i < tableCount; i++) {
          await c.query(`CREATE TABLE t${i} (id INT PRIMARY KEY, v VARCHAR(10) UNIQUE, parent INT, CHECK (id > 0), INDEX (v, id), FOREIGN KEY (parent) REFERENCES t${i} (id))`);
        }
        const counted = countingConnection(c);
        const catalog = await mysqlDialect.introspect(counted);
        expect(catalog.tables).toHaveLength(tableCount);
        counts.push(counted.count);
      } finally {
        await c.close();
        await other.drop();
      }
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThanOrEqual(8);
  });

  it("the migration lock: a second session waits, hears who holds it, and times out", async () => {
    const url = parseDatabaseUrl(db.url);
    const other = await mysqlDialect.connect(url);
    try {
      const key = `${db.name}:migrations`;
      const release = await mysqlDialect.acquireLock(conn, key, { timeoutMs: 1000 });
      const { rows } = await conn.query("SELECT CONNECTION_ID() AS id");
      const holderId = String(rows[0].id);
      const messages: string[] = [];
      const started = Date.now();
      const error = await mysqlDialect
        .acquireLock(other, key, { timeoutMs: 1500, onWait: (m) => messages.push(m) })
        .then(() => undefined, (e: unknown) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(error).toBeInstanceOf(KilnError);
      expect((error as Error).message).toMatch(new RegExp(`timed out after .* held by connection ${holderId} \\(root@.*KILL ${holderId}`));
      expect(messages[0]).toMatch(new RegExp(`waiting for the migration lock held by connection ${holderId} \\(root@`));

      // Another key is a different lock.
      const unrelated = await mysqlDialect.acquireLock(other, `${db.name}:something-else`, { timeoutMs: 1000 });
      await unrelated();

      // Once released, the waiting side gets it.
      const waiting = mysqlDialect.acquireLock(other, key, { timeoutMs: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await release();
      const releaseOther = await waiting;
      const held = await other.query("SELECT IS_USED_LOCK(?) AS holder", [`kiln:${db.name}:migrations`]);
      const { rows: otherId } = await other.query("SELECT CONNECTION_ID() AS id");
      expect(String(held.rows[0].holder)).toBe(String(otherId[0].id));
      await releaseOther();
      await releaseOther(); // idempotent
    } finally {
      await other.close();
    }
  });
});

describe.skipIf(!available)("mysql connection errors", () => {
  it("never shows the password, and says what to do", async () => {
    const url = new URL(MYSQL_ADMIN_URL);
    url.username = "kiln_nobody";
    url.password = "s3cret-Pa55";
    const parsed = parseDatabaseUrl(url.toString());
    const error = await mysqlDialect.connect(parsed).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    const message = (error as Error).message;
    expect(message).not.toContain("s3cret-Pa55");
    expect(message).toContain(parsed.display);
    expect(message).toMatch(/check the user name and password/);
  });

  it("explains a refused connection", async () => {
    const parsed = parseDatabaseUrl("mariadb://root:hunter2@127.0.0.1:1/app");
    const error = await mysqlDialect.connect(parsed).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KilnError);
    expect((error as Error).message).toMatch(/^cannot connect to mariadb:\/\/root:\*\*\*@127.0.0.1:1\/app: .*check that the server is running/);
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("asks for a database name", async () => {
    await expect(mysqlDialect.connect(parseDatabaseUrl("mysql://root@127.0.0.1:3306"))).rejects.toThrow(/names no database/);
  });
});
