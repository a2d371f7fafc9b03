/**
 * Introspection and canonicalization on PostgreSQL, run on PGlite (PostgreSQL 18)
 * and on the PostgreSQL server alike.
 */
import { canonicalOnly } from "../../src/catalog/exact-text.js";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { canonicalizePostgres } from "../../src/dialects/postgres/canonicalize.js";
import { introspectPostgres, LARGE_READS } from "../../src/dialects/postgres/introspect.js";
import type { Connection } from "../../src/dialects/types.js";
import { countingConnection, postgresTargets } from "./postgres-fixtures.js";

const RICH_SCHEMA = readFileSync(new URL("./postgres-rich-schema.sql", import.meta.url), "utf8");

const WEIRD = "Weird; Schema";

const expectedRichCatalog: Catalog = {
  schemas: [WEIRD, "billing"],
  // A sequence no column owns is a model object of its own.
  sequences: [{ name: "shared_seq" }],
  tables: [
    {
      schema: WEIRD,
      name: 'Odd "Table"; drop',
      columns: [
        { name: "Üñíçødé col", type: `${WEIRD}.Mood "q"`, nullable: true, default: "'happy'" },
        { name: "semi;colon", type: "text", nullable: true, default: "'it''s; DROP TABLE x'" },
        { name: "With Space", type: "integer", nullable: true },
        { name: "ref_line", type: "integer", nullable: true },
        { name: "ref_invoice", type: "bigint", nullable: true },
      ],
      uniques: [],
      foreignKeys: [
        {
          name: "odd fk",
          columns: ["ref_invoice", "ref_line"],
          refSchema: "billing",
          refTable: "lines",
          refColumns: ["invoice_id", "line_no"],
        },
      ],
      checks: [{ name: 'check "me"', expression: '"With Space" > 0' }],
      indexes: [{ name: "Odd idx", columns: [{ column: "With Space", descending: true }, { expression: `"semi;colon" || 'x'::text` }] }],
    },
    {
      schema: "billing",
      name: "invoices",
      columns: [
        { name: "id", type: "bigint", nullable: false, identity: { always: true } },
        { name: "prototype_id", type: "integer", nullable: false },
        { name: "currency", type: "billing.currency", nullable: false, default: "'EUR'" },
        { name: "seq", type: "integer", nullable: false, identity: { always: false } },
        { name: "total", type: "numeric(12,2)", nullable: false },
      ],
      primaryKey: { name: "invoices_pkey", columns: ["id"] },
      uniques: [],
      foreignKeys: [
        {
          name: "invoices_prototype_id_fkey",
          columns: ["prototype_id"],
          refTable: "prototypes",
          refColumns: ["prototype_id"],
          onDelete: "cascade",
          onUpdate: "restrict",
        },
      ],
      checks: [{ name: "invoices_total_check", expression: "total > (0)::numeric" }],
      indexes: [],
    },
    {
      schema: "billing",
      name: "lines",
      columns: [
        { name: "invoice_id", type: "bigint", nullable: false },
        { name: "line_no", type: "integer", nullable: false },
        { name: "sku", type: "varchar(40)", nullable: true },
        { name: "qty", type: "integer", nullable: true, default: "1" },
        { name: "big_id", type: "bigint", nullable: false, autoIncrement: true },
      ],
      primaryKey: { name: "lines_pkey", columns: ["invoice_id", "line_no"] },
      uniques: [{ name: "lines_sku_qty_key", columns: ["sku", "qty"] }],
      foreignKeys: [
        {
          name: "lines_invoice_fk",
          columns: ["invoice_id"],
          refSchema: "billing",
          refTable: "invoices",
          refColumns: ["id"],
          onDelete: "set default",
          onUpdate: "set null",
        },
      ],
      checks: [],
      indexes: [],
    },
    {
      name: "prototypes",
      comment: "Prototypes we build",
      columns: [
        { name: "prototype_id", type: "integer", nullable: false, autoIncrement: true },
        { name: "name", type: "varchar(200)", nullable: false, comment: "Display name" },
        { name: "code", type: "char(5)", nullable: true },
        { name: "status", type: "prototype_status", nullable: false, default: "'draft'" },
        { name: "tags", type: "text[]", nullable: true, default: "'{}'" },
        { name: "scores", type: "integer[]", nullable: true },
        { name: "states", type: "prototype_status[]", nullable: true },
        { name: "price", type: "numeric(10,2)", nullable: true, default: "0" },
        { name: "ratio", type: "double precision", nullable: true },
        { name: "weight", type: "real", nullable: true },
        // PostgreSQL types the literal -1 as integer, not smallint: the cast is not redundant.
        { name: "small", type: "smallint", nullable: true, default: "'-1'::integer" },
        { name: "big", type: "bigint", nullable: true },
        { name: "amount", type: "numeric", nullable: true },
        { name: "amount5", type: "numeric(5)", nullable: true },
        { name: "active", type: "boolean", nullable: true, default: "true" },
        { name: "notes", type: "text", nullable: true, default: "'n/a'" },
        { name: "label", type: "varchar", nullable: true, default: "'x'" },
        { name: "born", type: "date", nullable: true },
        { name: "at_time", type: "time", nullable: true },
        { name: "at_timetz", type: "timetz", nullable: true },
        { name: "created_at", type: "timestamptz", nullable: false, default: "CURRENT_TIMESTAMP" },
        { name: "updated_at", type: "timestamp", nullable: true, default: "CURRENT_TIMESTAMP" },
        { name: "precise", type: "timestamp(3)", nullable: true },
        { name: "span", type: "interval", nullable: true },
        { name: "uid", type: "uuid", nullable: true },
        { name: "doc", type: "json", nullable: true },
        { name: "docb", type: "jsonb", nullable: true },
        { name: "blob", type: "bytea", nullable: true },
        { name: "flags", type: "bit(3)", nullable: true },
        // A sequence the column does not own: a plain default, not a serial.
        { name: "counter", type: "integer", nullable: true, default: "nextval('shared_seq'::regclass)" },
      ],
      primaryKey: { name: "prototypes_pkey", columns: ["prototype_id"] },
      uniques: [{ name: "prototypes_name_key", columns: ["name"] }],
      foreignKeys: [],
      checks: [{ name: "prototypes_id_nonneg", expression: "prototype_id >= 0" }],
      indexes: [
        {
          name: "prototypes_active_idx",
          columns: ["status", "created_at"],
          where: "active AND (status <> 'archived'::prototype_status)",
        },
        { name: "prototypes_code_uidx", columns: ["code"], unique: true, where: "code IS NOT NULL" },
        { name: "prototypes_docb_idx", columns: ["docb"], method: "gin" },
        { name: "prototypes_lower_name_idx", columns: [{ expression: "lower((name)::text)" }] },
      ],
    },
  ],
  enums: [
    { schema: WEIRD, name: 'Mood "q"', values: ["happy", "sad 'very'"] },
    { schema: "billing", name: "currency", values: ["EUR", "USD"] },
    { name: "prototype_status", values: ["draft", "active", "archived"] },
  ],
  // The query as pg_get_viewdef prints it (what pg_dump prints), its columns as the database has them.
  views: [{ name: "a_view", definition: " SELECT 1 AS one", columns: [{ name: "one", type: "integer" }] }],
};

function tableNames(catalog: Catalog): string[] {
  return catalog.tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name));
}

/** `count` more tables, each with a column, a check, a unique, an index and an FK. */
async function addTables(conn: Connection, from: number, count: number): Promise<void> {
  const ddl: string[] = [];
  for (let i = from; i < from + count; i++) {
    ddl.push(
      `CREATE TABLE t${i} (id integer PRIMARY KEY, v text DEFAULT 'x' CHECK (v <> ''), u integer UNIQUE, ` +
        `parent integer REFERENCES t0(id)); CREATE INDEX t${i}_v ON t${i} (lower(v));`,
    );
  }
  await conn.query(ddl.join("\n"));
}

describe.each(postgresTargets)("PostgreSQL introspection on $name", (target) => {
  let conn: Connection;
  let dispose: () => Promise<void>;

  beforeEach(async (ctx) => {
    if (!target.available) ctx.skip();
    ({ conn, dispose } = await target.open());
  });
  afterEach(async () => {
    await dispose?.();
  });

  it("reads every type, key, index, comment and enum into the exact Catalog", async () => {
    await conn.query(RICH_SCHEMA);
    const catalog = await introspectPostgres(conn);
    // Compared through the canonical forms...
    expect(canonicalOnly(catalog)).toStrictEqual(expectedRichCatalog);
    // ...while the text is what PostgreSQL prints (what pg_dump prints), for verbatim downgrades.
    const prototypes = catalog.tables.find((t) => t.name === "prototypes")!;
    expect(prototypes.columns.find((c) => c.name === "created_at")).toMatchObject({ default: "now()", canonical: { default: "CURRENT_TIMESTAMP" } });
    expect(prototypes.columns.find((c) => c.name === "status")).toMatchObject({ default: "'draft'::prototype_status", canonical: { default: "'draft'" } });
    expect(prototypes.columns.find((c) => c.name === "small")!.canonical).toBeUndefined();
  });

  it("sends the large reads as arrays whose field lists name every output column of their SQL, in order", async () => {
    await conn.query(RICH_SCHEMA);
    const { rows } = await conn.query(`SELECT COALESCE(array_agg(c.oid::int8), '{}') AS oids FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p')`);
    for (const { sql, fields } of LARGE_READS) {
      const first = await conn.query(`SELECT row_to_json(q)::text AS row FROM (${sql}) q LIMIT 1`, [rows[0]!.oids]);
      expect(Object.keys(JSON.parse(String(first.rows[0]!.row)) as object)).toEqual([...fields]);
    }
  });

  it("leaves out kiln's own tables, views and sequences, and names only non-default schemas", async () => {
    await conn.query(RICH_SCHEMA);
    const catalog = await introspectPostgres(conn);
    expect(tableNames(catalog)).not.toContain("kiln_version");
    expect(tableNames(catalog)).not.toContain("kiln_history");
    expect(tableNames(catalog)).not.toContain("a_view");
    expect(catalog.schemas).not.toContain("public");
    // Other names for kiln's tables are left out when given.
    const renamed = await introspectPostgres(conn, { kilnTables: ["prototypes"] });
    expect(tableNames(renamed)).toContain("kiln_version");
    expect(tableNames(renamed)).not.toContain("prototypes");
  });

  it("filters by schema, excluded tables and includeTable", async () => {
    await conn.query(RICH_SCHEMA);
    const billing = await introspectPostgres(conn, { schemas: ["billing"] });
    expect(billing.schemas).toEqual(["billing"]);
    expect(tableNames(billing)).toEqual(["billing.invoices", "billing.lines"]);
    expect(billing.enums).toEqual([{ schema: "billing", name: "currency", values: ["EUR", "USD"] }]);

    const publicOnly = await introspectPostgres(conn, { schemas: ["public"] });
    expect(publicOnly.schemas).toEqual([]);
    expect(tableNames(publicOnly)).toEqual(["prototypes"]);

    const excluded = await introspectPostgres(conn, { excludeTables: ["prototypes", "billing.lines"] });
    expect(tableNames(excluded)).toEqual([`${WEIRD}.Odd "Table"; drop`, "billing.invoices"]);

    const seen: string[] = [];
    const included = await introspectPostgres(conn, {
      includeTable: (schema, name) => {
        seen.push(`${schema ?? "(default)"}.${name}`);
        return schema === undefined;
      },
    });
    expect(tableNames(included)).toEqual(["prototypes"]);
    expect(seen.sort()).toEqual(["(default).prototypes", `${WEIRD}.Odd "Table"; drop`, "billing.invoices", "billing.lines"]);
  });

  it("uses the same small number of queries for 1 table and for 50 tables", async () => {
    await addTables(conn, 0, 1);
    const one = countingConnection(conn);
    const small = await introspectPostgres(one);
    expect(small.tables).toHaveLength(1);

    await addTables(conn, 1, 49);
    const fifty = countingConnection(conn);
    const large = await introspectPostgres(fifty);
    expect(large.tables).toHaveLength(50);
    expect(canonicalOnly(large.tables.find((t) => t.name === "t42"))).toStrictEqual({
      name: "t42",
      columns: [
        { name: "id", type: "integer", nullable: false },
        { name: "v", type: "text", nullable: true, default: "'x'" },
        { name: "u", type: "integer", nullable: true },
        { name: "parent", type: "integer", nullable: true },
      ],
      primaryKey: { name: "t42_pkey", columns: ["id"] },
      uniques: [{ name: "t42_u_key", columns: ["u"] }],
      foreignKeys: [{ name: "t42_parent_fkey", columns: ["parent"], refTable: "t0", refColumns: ["id"] }],
      checks: [{ name: "t42_v_check", expression: "v <> ''::text" }],
      indexes: [{ name: "t42_v", columns: [{ expression: "lower(v)" }] }],
    } satisfies Table);

    expect(fifty.count).toBe(one.count);
    // Tables, columns, constraints, indexes, enums, partitions; sequences, domains, composite types, extensions; views; row-level security and policies; routines, triggers; schema comments; collations, operators, aggregates.
    expect(one.count).toBeLessThanOrEqual(18);
  });

  it("reads an empty database", async () => {
    expect(await introspectPostgres(conn)).toStrictEqual({ schemas: [], tables: [], enums: [] });
  });
});

const SPELLING_SCHEMA = `
CREATE SCHEMA sales;
CREATE TYPE prototype_status AS ENUM ('draft', 'active', 'archived');
CREATE TYPE sales.tier AS ENUM ('gold', 'silver');
CREATE TABLE prototypes (
  prototype_id integer NOT NULL,
  name varchar(200) NOT NULL,
  status prototype_status NOT NULL DEFAULT 'draft',
  created_at timestamptz NOT NULL DEFAULT now(),
  price numeric(10,2) DEFAULT 0.5,
  tags text[] DEFAULT '{}'::text[],
  CONSTRAINT prototypes_pkey PRIMARY KEY (prototype_id),
  CONSTRAINT prototypes_id_check CHECK (prototype_id >= 0),
  CONSTRAINT prototypes_price_check CHECK (price > 0 AND price < 1000)
);
CREATE INDEX prototypes_name_idx ON prototypes (lower(name)) WHERE status <> 'archived';
CREATE TABLE sales.customers (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  tier sales.tier DEFAULT 'silver',
  since timestamp DEFAULT CURRENT_TIMESTAMP,
  code char(3),
  prototype_id integer REFERENCES prototypes (prototype_id),
  CONSTRAINT customers_code_check CHECK (code ~ '^[A-Z]+$')
);
CREATE INDEX customers_tier_idx ON sales.customers USING hash (tier);
`;

/** The same schema as SPELLING_SCHEMA, written the way a model author would. */
function spellingModel(): Catalog {
  return {
    schemas: ["sales"],
    enums: [
      { name: "prototype_status", values: ["draft", "active", "archived"] },
      { schema: "sales", name: "tier", values: ["gold", "silver"] },
    ],
    tables: [
      {
        name: "prototypes",
        columns: [
          { name: "prototype_id", type: "integer", nullable: false },
          { name: "name", type: "varchar(200)", nullable: false },
          { name: "status", type: "prototype_status", nullable: false, default: "'draft'::prototype_status" },
          { name: "created_at", type: "timestamptz", nullable: false, default: "CURRENT_TIMESTAMP" },
          { name: "price", type: "numeric(10,2)", nullable: true, default: "0.5" },
          { name: "tags", type: "text[]", nullable: true, default: "'{}'" },
        ],
        primaryKey: { name: "prototypes_pkey", columns: ["prototype_id"] },
        uniques: [],
        foreignKeys: [],
        checks: [
          { name: "prototypes_id_check", expression: "prototype_id >= 0" },
          { name: "prototypes_price_check", expression: "price > 0 and price < 1000" },
        ],
        indexes: [
          { name: "prototypes_name_idx", columns: [{ expression: "lower(name)" }], where: "status <> 'archived'", method: "btree" },
        ],
      },
      {
        schema: "sales",
        name: "customers",
        columns: [
          { name: "id", type: "bigint", nullable: false, identity: { always: false } },
          { name: "tier", type: "sales.tier", nullable: true, default: "'silver'" },
          { name: "since", type: "timestamp", nullable: true, default: "now()" },
          { name: "code", type: "char(3)", nullable: true },
          { name: "prototype_id", type: "integer", nullable: true },
        ],
        primaryKey: { name: "customers_pkey", columns: ["id"] },
        uniques: [],
        foreignKeys: [
          { name: "customers_prototype_id_fkey", columns: ["prototype_id"], refTable: "prototypes", refColumns: ["prototype_id"] },
        ],
        checks: [{ name: "customers_code_check", expression: "code ~ '^[A-Z]+$'" }],
        indexes: [{ name: "customers_tier_idx", columns: ["tier"], method: "hash" }],
      },
    ],
  };
}

async function scratchSchemasLeft(conn: Connection): Promise<number> {
  const { rows } = await conn.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'kiln\\_canon\\_%'");
  return Number(rows[0]!.n);
}

describe.each(postgresTargets)("PostgreSQL canonicalization on $name", (target) => {
  let conn: Connection;
  let dispose: () => Promise<void>;

  beforeEach(async (ctx) => {
    if (!target.available) ctx.skip();
    ({ conn, dispose } = await target.open());
  });
  afterEach(async () => {
    await dispose?.();
  });

  it("spells a model exactly as introspection spells the same schema", async () => {
    await conn.query(SPELLING_SCHEMA);
    const live = await introspectPostgres(conn);
    const model = spellingModel();
    expect(model).not.toStrictEqual(live);

    const canonical = await canonicalizePostgres(conn, model);
    expect(canonicalOnly(canonical)).toStrictEqual(canonicalOnly(live));
    // The model's text stays as written.
    const prototypes = canonical.tables.find((t) => t.name === "prototypes")!;
    expect(prototypes.checks.map((c) => c.expression)).toEqual(model.tables.find((t) => t.name === "prototypes")!.checks.map((c) => c.expression));
    // The model object itself is not modified.
    expect(model).toStrictEqual(spellingModel());
    expect(await scratchSchemasLeft(conn)).toBe(0);
    expect(await introspectPostgres(conn)).toStrictEqual(live);
  });

  it("works on an empty database, where the model's enums do not exist yet", async () => {
    const canonical = await canonicalizePostgres(conn, spellingModel());
    const prototypes = canonicalOnly(canonical.tables.find((t) => t.name === "prototypes")!);
    expect(prototypes.columns.find((c) => c.name === "status")).toStrictEqual({
      name: "status",
      type: "prototype_status",
      nullable: false,
      default: "'draft'",
    });
    expect(prototypes.checks).toStrictEqual([
      { name: "prototypes_id_check", expression: "prototype_id >= 0" },
      { name: "prototypes_price_check", expression: "(price > (0)::numeric) AND (price < (1000)::numeric)" },
    ]);
    expect(prototypes.indexes).toStrictEqual([
      {
        name: "prototypes_name_idx",
        columns: [{ expression: "lower((name)::text)" }],
        where: "status <> 'archived'::prototype_status",
      },
    ]);
    const customers = canonicalOnly(canonical.tables.find((t) => t.name === "customers")!);
    expect(customers.columns[1]).toStrictEqual({ name: "tier", type: "sales.tier", nullable: true, default: "'silver'" });
    expect(await scratchSchemasLeft(conn)).toBe(0);
    expect((await introspectPostgres(conn)).tables).toEqual([]);
  });

  it("keeps what PostgreSQL rejects as written, canonicalizes the rest and leaves nothing behind", async () => {
    const model: Catalog = {
      schemas: [],
      enums: [],
      tables: [
        {
          name: "broken",
          columns: [
            { name: "a", type: "no_such_type", nullable: true },
            { name: "b", type: "integer", nullable: true, default: "nextval('missing_seq')" },
            { name: "c", type: "varchar(10)", nullable: true, default: "'x'" },
          ],
          uniques: [],
          foreignKeys: [],
          checks: [
            { name: "broken_missing", expression: "(missing_column > 0)" },
            { name: "broken_ok", expression: "b > 1" },
          ],
          indexes: [],
        },
        {
          name: "fine",
          columns: [{ name: "at", type: "timestamp with time zone", nullable: true, default: "now()" }],
          uniques: [],
          foreignKeys: [],
          checks: [],
          indexes: [],
        },
      ],
    };
    const canonical = await canonicalizePostgres(conn, model);
    expect(canonicalOnly(canonical.tables)).toStrictEqual([
      {
        name: "broken",
        columns: [
          { name: "a", type: "no_such_type", nullable: true },
          { name: "b", type: "integer", nullable: true, default: "nextval('missing_seq')" },
          { name: "c", type: "varchar(10)", nullable: true, default: "'x'" },
        ],
        uniques: [],
        foreignKeys: [],
        checks: [
          { name: "broken_missing", expression: "missing_column > 0" },
          { name: "broken_ok", expression: "b > 1" },
        ],
        indexes: [],
      },
      {
        name: "fine",
        columns: [{ name: "at", type: "timestamptz", nullable: true, default: "CURRENT_TIMESTAMP" }],
        uniques: [],
        foreignKeys: [],
        checks: [],
        indexes: [],
      },
    ]);
    expect(await scratchSchemasLeft(conn)).toBe(0);
    // The session is usable and outside any transaction: this table stays.
    await conn.query("CREATE TABLE after_canonicalize (x integer)");
    expect(tableNames(await introspectPostgres(conn))).toEqual(["after_canonicalize"]);
  });

  it("canonicalizes 1,000 tables in one batch", async () => {
    const tables: Table[] = Array.from({ length: 1000 }, (_v, i) => ({
      name: `wide_${i}`,
      columns: [
        { name: "id", type: "integer", nullable: false },
        { name: "label", type: "varchar(50)", nullable: true, default: "'none'" },
        { name: "at", type: "timestamptz", nullable: true, default: "now()" },
      ],
      primaryKey: { name: `wide_${i}_pkey`, columns: ["id"] },
      uniques: [],
      foreignKeys: [],
      checks: [{ name: `wide_${i}_id_check`, expression: "id > 0" }],
      indexes: [{ name: `wide_${i}_label_idx`, columns: [{ expression: "lower(label)" }] }],
    }));
    const counting = countingConnection(conn);
    const canonical = await canonicalizePostgres(counting, { schemas: [], enums: [], tables });
    expect(canonical.tables[999]!.indexes[0]!.columns).toEqual([{ expression: "lower(label)", canonical: { expression: "lower((label)::text)" } }]);
    expect(canonical.tables[999]!.columns[2]).toMatchObject({ default: "now()", canonical: { default: "CURRENT_TIMESTAMP" } });
    // The reads of an empty database's catalog (as above) and a few batched scratch statements: no statement per table.
    expect(counting.count).toBeLessThanOrEqual(21);
  });
});
