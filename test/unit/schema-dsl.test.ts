import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Catalog, Table as CatalogTable } from "../../src/catalog/types.js";
import { KilnError } from "../../src/errors.js";
import {
  bigint,
  bigserial,
  boolean,
  bytea,
  char,
  check,
  date,
  doublePrecision,
  enumType,
  foreignKey,
  index,
  integer,
  interval,
  json,
  jsonb,
  modelsToCatalog,
  numeric,
  primaryKey,
  real,
  schema,
  serial,
  smallint,
  smallserial,
  sql,
  table,
  text,
  time,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  varchar,
  type AnyColumn,
  type AnyColumnBuilder,
} from "../../src/schema/index.js";

/** The one table of a catalog built from the given exports. */
function onlyTable(exports: Record<string, unknown>): CatalogTable {
  const catalog = modelsToCatalog([exports]);
  expect(catalog.tables).toHaveLength(1);
  return catalog.tables[0]!;
}

function columnOf(builder: AnyColumnBuilder) {
  return onlyTable({ t: table("t", { c: builder }) }).columns[0]!;
}

function kilnError(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KilnError);
    return error as KilnError;
  }
  throw new Error("expected a KilnError, nothing was thrown");
}

describe("the guide's example", () => {
  it("produces exactly the expected Catalog", () => {
    const prototypeStatus = enumType("prototype_status", ["draft", "active", "retired"]);
    const prototypes = table(
      "prototypes",
      {
        id: integer().primaryKey().generatedAlwaysAsIdentity(),
        prototypeId: integer("prototype_id").notNull(),
        name: varchar(200).notNull(),
        status: prototypeStatus().notNull().default("draft"),
        createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
      },
      (t) => [check("check_id_prototype_positive", sql`prototype_id >= 0`), index().on(t.name)],
    );

    const expected: Catalog = {
      schemas: [],
      tables: [
        {
          name: "prototypes",
          columns: [
            { name: "id", type: "integer", nullable: false, identity: { always: true } },
            { name: "prototype_id", type: "integer", nullable: false },
            { name: "name", type: "varchar(200)", nullable: false },
            { name: "status", type: "prototype_status", nullable: false, default: "'draft'" },
            { name: "created_at", type: "timestamptz", nullable: false, default: "now()" },
          ],
          primaryKey: { name: "pk_prototypes", columns: ["id"] },
          uniques: [],
          foreignKeys: [],
          checks: [{ name: "check_id_prototype_positive", expression: "prototype_id >= 0" }],
          indexes: [{ name: "ix_prototypes_name", columns: ["name"] }],
        },
      ],
      enums: [{ name: "prototype_status", values: ["draft", "active", "retired"] }],
    };
    // toStrictEqual: no stray `undefined` keys that would upset equality with an introspected Catalog.
    expect(modelsToCatalog([{ prototypeStatus, prototypes }])).toStrictEqual(expected);
  });

  it("exposes database column names and table names for typed queries", () => {
    const prototypes = table("prototypes", { prototypeId: integer("prototype_id"), name: text() }, { schema: "lab" });
    expect(prototypes.columns.prototypeId.name).toBe("prototype_id");
    expect(prototypes.prototypeId.name).toBe("prototype_id");
    expect(prototypes.columns.name.key).toBe("name");
    expect(prototypes.name.name).toBe("name");
    expect(prototypes.$name).toBe("prototypes");
    expect(prototypes.$schema).toBe("lab");
    expect(prototypes.prototypeId.table).toEqual({ name: "prototypes", schema: "lab" });
  });
});

describe("column types", () => {
  it.each<[string, AnyColumnBuilder, string]>([
    ["smallint", smallint(), "smallint"],
    ["integer", integer(), "integer"],
    ["bigint", bigint(), "bigint"],
    ["numeric", numeric(), "numeric"],
    ["numeric(p)", numeric({ precision: 12 }), "numeric(12)"],
    ["numeric(p,s)", numeric({ precision: 10, scale: 2 }), "numeric(10,2)"],
    ["numeric(p,0)", numeric("c", { precision: 5, scale: 0 }), "numeric(5,0)"],
    ["real", real(), "real"],
    ["double precision", doublePrecision(), "double precision"],
    ["boolean", boolean(), "boolean"],
    ["text", text(), "text"],
    ["varchar", varchar(), "varchar"],
    ["varchar(n)", varchar(200), "varchar(200)"],
    ["varchar(name, n)", varchar("c", 20), "varchar(20)"],
    ["varchar(name, {length})", varchar("c", { length: 30 }), "varchar(30)"],
    ["char", char(), "char(1)"],
    ["char(n)", char(3), "char(3)"],
    ["date", date(), "date"],
    ["time", time(), "time"],
    ["timetz", time({ withTimezone: true }), "timetz"],
    ["time(3)", time("c", { precision: 3 }), "time(3)"],
    ["timestamp", timestamp(), "timestamp"],
    ["timestamp without tz", timestamp({ withTimezone: false }), "timestamp"],
    ["timestamptz", timestamp({ withTimezone: true }), "timestamptz"],
    ["timestamptz(6)", timestamp({ withTimezone: true, precision: 6 }), "timestamptz(6)"],
    ["interval", interval(), "interval"],
    ["uuid", uuid(), "uuid"],
    ["json", json(), "json"],
    ["jsonb", jsonb(), "jsonb"],
    ["bytea", bytea(), "bytea"],
    ["integer[]", integer().array(), "integer[]"],
    ["text[][]", text().array().array(), "text[][]"],
    ["varchar(5)[]", varchar(5).array(), "varchar(5)[]"],
  ])("%s", (_, builder, type) => {
    expect(columnOf(builder)).toStrictEqual({ name: "c", type, nullable: true });
  });

  it("serial types are integers with autoIncrement, NOT NULL", () => {
    const t = onlyTable({ t: table("t", { a: serial(), b: bigserial("b_id"), c: smallserial() }) });
    expect(t.columns).toStrictEqual([
      { name: "a", type: "integer", nullable: false, autoIncrement: true },
      { name: "b_id", type: "bigint", nullable: false, autoIncrement: true },
      { name: "c", type: "smallint", nullable: false, autoIncrement: true },
    ]);
  });

  it("identity columns: always and by default, NOT NULL", () => {
    expect(columnOf(bigint().generatedByDefaultAsIdentity())).toStrictEqual({
      name: "c",
      type: "bigint",
      nullable: false,
      identity: { always: false },
    });
    expect(columnOf(smallint().generatedAlwaysAsIdentity()).identity).toEqual({ always: true });
  });

  it("refuses identity on non-integer types and defaults on identity or serial columns", () => {
    expect(kilnError(() => text().generatedAlwaysAsIdentity()).message).toMatch(/smallint, integer or bigint/);
    expect(() => integer().array().generatedAlwaysAsIdentity()).toThrow(KilnError);
    expect(() => columnOf(integer().generatedAlwaysAsIdentity().default(1))).toThrow(/identity column cannot also have a \.default/);
    expect(() => columnOf(serial().default(1))).toThrow(/serial column/);
  });

  it("refuses invalid sizes", () => {
    expect(() => varchar(0)).toThrow(KilnError);
    expect(() => char(-1)).toThrow(KilnError);
    expect(() => numeric({ precision: 1.5 })).toThrow(KilnError);
    expect(() => numeric({ scale: 2 })).toThrow(/needs a precision/);
    expect(() => timestamp({ precision: 7 })).toThrow(/0 to 6/);
    expect(() => varchar(20 as unknown as string, 30)).toThrow(/first argument, when there are two, is the column name/);
  });

  it("primary key columns are NOT NULL; comments are kept", () => {
    const t = onlyTable({
      t: table("t", { id: uuid().primaryKey().comment("public id"), note: text().comment("it's free text") }, { comment: "things" }),
    });
    expect(t.columns).toStrictEqual([
      { name: "id", type: "uuid", nullable: false, comment: "public id" },
      { name: "note", type: "text", nullable: true, comment: "it's free text" },
    ]);
    expect(t.comment).toBe("things");
  });
});

describe("defaults", () => {
  it.each<[string, AnyColumnBuilder, string]>([
    ["string", text().default("it's"), "'it''s'"],
    ["number", integer().default(0), "0"],
    ["negative decimal", real().default(-1.5), "-1.5"],
    ["number on bigint", bigint().default(42), "42"],
    ["string on bigint", bigint().default("9007199254740993"), "'9007199254740993'"],
    ["bigint value on numeric", numeric().default(10n), "10"],
    ["boolean", boolean().default(false), "false"],
    ["null", text().default(null), "NULL"],
    ["integer array", integer().array().default([1, 2, 3]), "'{1,2,3}'"],
    ["empty array", text().array().default([]), "'{}'"],
    ["text array with quotes", text().array().default(['a "b"', "c\\d", "it's"]), `'{"a \\"b\\"","c\\\\d","it''s"}'`],
    ["nested array", integer().array().array().default([[1], [2]]), "'{{1},{2}}'"],
    ["jsonb object", jsonb().default({ a: 1, b: "it's" }), `'{"a":1,"b":"it''s"}'`],
    ["jsonb array", jsonb().default([1, "x"]), `'[1,"x"]'`],
    ["json string", json().default("x"), `'"x"'`],
    ["timestamp Date", timestamp().default(new Date("2024-01-02T03:04:05.000Z")), "'2024-01-02T03:04:05.000Z'"],
    ["date Date", date().default(new Date("2024-01-02T00:00:00.000Z")), "'2024-01-02'"],
    ["date string", date().default("2024-02-03"), "'2024-02-03'"],
    ["bytea", bytea().default(Buffer.from([0xde, 0xad])), "'\\xdead'"],
    ["sql expression", uuid().default(sql`gen_random_uuid()`), "gen_random_uuid()"],
    ["sql.raw", integer().default(sql.raw("nextval('seq')")), "nextval('seq')"],
  ])("%s", (_, builder, text) => {
    expect(columnOf(builder).default).toBe(text);
  });

  it("refuses values that have no literal form", () => {
    expect(() => integer().default(Number.NaN)).toThrow(/finite/);
    expect(() => integer().array().default(1 as unknown as number[])).toThrow(/array default/);
    expect(() => timestamp().default(new Date("nope"))).toThrow(/invalid/);
    expect(() => text().default({} as unknown as string)).toThrow(KilnError);
  });

  it("checks enum defaults against the enum's values", () => {
    const mood = enumType("mood", ["happy", "sad"]);
    expect(columnOf(mood().default("sad")).default).toBe("'sad'");
    expect(kilnError(() => mood().default("angry" as "sad")).message).toContain('not one of its values (happy, sad)');
  });
});

describe("builders are immutable", () => {
  it("a shared builder spread into several tables is not changed by later calls", () => {
    const audit = { createdAt: timestamp("created_at").notNull().default(sql`now()`) };
    const base = text();
    const a = table("a", { ...audit, note: base });
    const b = table("b", { ...audit, note: base.notNull() });
    const catalog = modelsToCatalog([{ a, b }]);
    expect(catalog.tables.map((t) => t.columns.map((c) => `${c.name}:${c.nullable}`))).toEqual([
      ["created_at:false", "note:true"],
      ["created_at:false", "note:false"],
    ]);
    expect(a.createdAt).not.toBe(b.createdAt);
  });
});

describe("keys and constraints", () => {
  it("composite primary key, named or by convention; its columns become NOT NULL", () => {
    const memberships = table(
      "memberships",
      { userId: integer("user_id"), groupId: integer("group_id"), role: text() },
      (t) => [primaryKey({ columns: [t.userId, t.groupId] })],
    );
    const t = onlyTable({ memberships });
    expect(t.primaryKey).toStrictEqual({ name: "pk_memberships", columns: ["user_id", "group_id"] });
    expect(t.columns.map((c) => c.nullable)).toEqual([false, false, true]);

    const named = table("m", { a: integer(), b: integer() }, (t) => [primaryKey({ name: "m_key", columns: [t.b, t.a] })]);
    expect(onlyTable({ named }).primaryKey).toStrictEqual({ name: "m_key", columns: ["b", "a"] });
  });

  it("refuses several column-level primary keys, or both kinds", () => {
    expect(() => onlyTable({ t: table("t", { a: integer().primaryKey(), b: integer().primaryKey() }) })).toThrow(
      /primaryKey\(\{ columns: \[t\.a, t\.b\] \}\)/,
    );
    expect(() =>
      onlyTable({ t: table("t", { a: integer().primaryKey(), b: integer() }, (t) => [primaryKey({ columns: [t.b] })]) }),
    ).toThrow(/both \.primaryKey\(\) on column "a" and a primaryKey/);
  });

  it("a table without a primary key has none", () => {
    expect(onlyTable({ t: table("t", { a: integer() }) })).not.toHaveProperty("primaryKey");
  });

  it("unique constraints: column-level, multi-column, named", () => {
    const users = table(
      "users",
      { email: text().unique(), tenant: integer(), handle: text().unique("users_handle_key") },
      (t) => [unique().on(t.tenant, t.email), unique("uq_custom").on(t.handle, t.tenant)],
    );
    expect(onlyTable({ users }).uniques).toStrictEqual([
      { name: "uq_custom", columns: ["handle", "tenant"] },
      { name: "uq_users_email", columns: ["email"] },
      { name: "uq_users_tenant_email", columns: ["tenant", "email"] },
      { name: "users_handle_key", columns: ["handle"] },
    ]);
  });

  it("unique() without .on() is reported", () => {
    const t = table("t", { a: integer() }, () => [unique() as never]);
    expect(() => modelsToCatalog([{ t }])).toThrow(/unique\(\.\.\.\) without \.on/);
  });

  it("foreign keys with actions across schemas, to tables declared later, and to the table itself", () => {
    const app = schema("app");
    const orders = table(
      "orders",
      {
        id: bigserial().primaryKey(),
        customerId: integer("customer_id").references(() => customers.id, { onDelete: "cascade", onUpdate: "restrict" }),
        // A self-reference needs the return type spelled out (TypeScript cannot infer a type from itself).
        parentId: bigint("parent_id").references((): AnyColumn => orders.id, { name: "orders_parent_fk", onDelete: "set null" }),
        regionCode: char("region_code", 2),
        countryCode: char("country_code", 2),
      },
      (t) => [
        foreignKey({
          columns: [t.countryCode, t.regionCode],
          foreignColumns: [regions.country, regions.code],
          onDelete: "no action",
          onUpdate: "set default",
        }),
      ],
    );
    const customers = app.table("customers", { id: integer().primaryKey() });
    const regions = app.table("regions", { country: char(2), code: char(2) }, (t) => [primaryKey({ columns: [t.country, t.code] })]);

    const catalog = modelsToCatalog([{ orders, customers, regions }]);
    expect(catalog.schemas).toEqual(["app"]);
    expect(catalog.tables.map((t) => `${t.schema ?? ""}.${t.name}`)).toEqual(["app.customers", "app.regions", ".orders"]);
    expect(catalog.tables[2]!.foreignKeys).toStrictEqual([
      {
        name: "fk_orders_country_code_region_code_regions",
        columns: ["country_code", "region_code"],
        refSchema: "app",
        refTable: "regions",
        refColumns: ["country", "code"],
        onDelete: "no action",
        onUpdate: "set default",
      },
      {
        name: "fk_orders_customer_id_customers",
        columns: ["customer_id"],
        refSchema: "app",
        refTable: "customers",
        refColumns: ["id"],
        onDelete: "cascade",
        onUpdate: "restrict",
      },
      { name: "orders_parent_fk", columns: ["parent_id"], refTable: "orders", refColumns: ["id"], onDelete: "set null" },
    ]);
  });

  it("refuses unknown foreign key actions and malformed foreign keys", () => {
    const other = table("other", { id: integer(), b: integer() });
    expect(() => integer().references(() => other.id, { onDelete: "CASCADE" as never })).toThrow(/unknown foreign key action "CASCADE"/);
    const mismatch = table("t", { a: integer() }, (t) => [foreignKey({ columns: [t.a], foreignColumns: [other.id, other.b] })]);
    expect(() => modelsToCatalog([{ mismatch }])).toThrow(/as many foreignColumns as columns/);
    const bad = table("t2", { a: integer().references(() => "other.id" as never) });
    expect(() => modelsToCatalog([{ bad }])).toThrow(/must return a table column/);
  });

  it("checks: explicit names as-is, unnamed ones by convention; columns render quoted", () => {
    const products = table(
      "products",
      { price: numeric({ precision: 10, scale: 2 }), discount: numeric() },
      (t) => [check("price_non_negative", sql`${t.price} >= 0`), check(sql`${t.discount} <= ${t.price}`)],
    );
    const { checks } = onlyTable({ products });
    // Unnamed: %(constraint_name)s is the first 8 hex digits of the SHA-256 of the expression text.
    const hash = createHash("sha256").update('"discount" <= "price"').digest("hex").slice(0, 8);
    expect(checks[0]).toStrictEqual({ name: `ck_products_${hash}`, expression: '"discount" <= "price"' });
    expect(checks[1]).toStrictEqual({ name: "price_non_negative", expression: '"price" >= 0' });
  });

  it("indexes: columns, expressions, unique, partial, access method", () => {
    const docs = table(
      "docs",
      { id: integer(), title: text(), body: jsonb(), deletedAt: timestamp("deleted_at") },
      (t) => [
        index().on(t.title, t.id),
        index("docs_title_lower").on(sql`lower(${t.title})`).unique().where(sql`${t.deletedAt} IS NULL`),
        index().on(t.body).using("GIN"),
        uniqueIndex().on(sql`${t.id}`),
      ],
    );
    // In the order declared (MySQL lists keys in creation order; the other dialects create them by name).
    expect(onlyTable({ docs }).indexes).toStrictEqual([
      { name: "ix_docs_title_id", columns: ["title", "id"] },
      { name: "docs_title_lower", columns: [{ expression: 'lower("title")' }], unique: true, where: '"deleted_at" IS NULL' },
      { name: "ix_docs_body", columns: ["body"], method: "gin" },
      { name: "ix_docs_id", columns: ["id"], unique: true },
    ]);
  });

  it("refuses columns of another table in extras", () => {
    const users = table("users", { id: integer(), email: text() });
    const posts = table("posts", { id: integer() }, () => [index().on(users.email)]);
    expect(() => modelsToCatalog([{ users, posts }])).toThrow(/column "email" of table "users"/);
    const checked = table("c", { id: integer() }, () => [check("x", sql`${users.id} > 0`)]);
    expect(() => modelsToCatalog([{ checked }])).toThrow(/mentions column "id" of table "users"/);
    const empty = table("e", { id: integer() }, () => [index()]);
    expect(() => modelsToCatalog([{ empty }])).toThrow(/has no columns/);
  });

  it("refuses two constraints or indexes with one name", () => {
    const t = table("t", { a: integer().unique() }, (t) => [index().on(t.a), index("ix_t_a").on(t.a)]);
    expect(() => modelsToCatalog([{ t }])).toThrow(/two constraints or indexes named "ix_t_a"/);
    const a = table("a", { x: integer() }, (t) => [index("shared_name").on(t.x)]);
    const b = table("b", { x: integer() }, (t) => [index("shared_name").on(t.x)]);
    expect(() => modelsToCatalog([{ a, b }])).toThrow(/"shared_name" is used by an index or key on both table "a" and table "b"/);
  });

  it("refuses explicit names PostgreSQL would cut", () => {
    const long = "x".repeat(64);
    expect(() => modelsToCatalog([{ t: table(long, { a: integer() }) }])).toThrow(/64 bytes long/);
    expect(() => modelsToCatalog([{ t: table("t", { a: integer(long) }) }])).toThrow(/64 bytes long/);
    expect(() => modelsToCatalog([{ t: table("t", { a: integer() }, (t) => [check(long, sql`${t.a} > 0`)]) }])).toThrow(
      /64 bytes long/,
    );
  });
});

describe("tables", () => {
  it("schema(...).table and { schema } option are the same", () => {
    const a = schema("app").table("things", { id: integer() }, { comment: "c" });
    const b = table("things", { id: integer() }, { schema: "app", comment: "c" });
    expect(onlyTable({ a })).toStrictEqual(onlyTable({ b }));
    expect(onlyTable({ a }).schema).toBe("app");
    expect(() => schema("app").table("x", { id: integer() }, { schema: "other" } as never)).toThrow(/already "app"/);
  });

  it("refuses reserved keys and two keys for one database column", () => {
    expect(() => table("t", { columns: text() })).toThrow(/"columns" is reserved/);
    expect(() => table("t", { $name: text() })).toThrow(/"\$name" is reserved/);
    expect(() => table("t", { a: text("x"), b: text("x") })).toThrow(/"a" and "b" both map to the database column "x"/);
    expect(() => table("t", { a: "text" as never })).toThrow(/not a column/);
    expect(() => table("t", {})).toThrow(/no columns/);
  });

  it("duplicate table names are reported naming both exports", () => {
    const users = table("users", { id: integer() });
    const accounts = table("users", { id: integer() });
    const error = kilnError(() => modelsToCatalog([{ users }, { accounts }]));
    expect(error.message).toContain('"users"');
    expect(error.message).toContain('export "users" of model module #1');
    expect(error.message).toContain('export "accounts" of model module #2');
  });

  it("the same table exported twice (re-exports) counts once; look-alikes are ignored", () => {
    const users = table("users", { id: integer() });
    const lookAlike = { $name: "fake", columns: {}, name: "fake" };
    const catalog = modelsToCatalog([{ users, lookAlike, n: 1, s: null }, { users, again: users }]);
    expect(catalog.tables.map((t) => t.name)).toEqual(["users"]);
  });

  it("sorts tables by qualified name and keeps column order", () => {
    const z = table("z", { b: integer(), a: integer() });
    const a = table("a", { z: integer(), y: integer() });
    const s = schema("s").table("m", { id: integer() });
    const catalog = modelsToCatalog([{ z, a, s }]);
    expect(catalog.tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name))).toEqual(["a", "s.m", "z"]);
    expect(catalog.tables[2]!.columns.map((c) => c.name)).toEqual(["b", "a"]);
  });
});

describe("enums", () => {
  it("are callable column factories with name, values and schema", () => {
    const status = enumType("status", ["a", "b"], { schema: "app" });
    expect(status.name).toBe("status");
    expect(status.values).toEqual(["a", "b"]);
    expect(status.schema).toBe("app");
    expect(columnOf(status("st").notNull())).toStrictEqual({ name: "st", type: "app.status", nullable: false });
    expect(columnOf(status().array()).type).toBe("app.status[]");
  });

  it("an enum used by a column is included even when not exported; unused exported enums too", () => {
    const hidden = schema("app").enumType("hidden_kind", ["x", "y"]);
    const unused = enumType("unused", ["u"]);
    const t = table("t", { k: hidden() });
    const catalog = modelsToCatalog([{ t, unused }]);
    expect(catalog.enums).toStrictEqual([
      { schema: "app", name: "hidden_kind", values: ["x", "y"] },
      { name: "unused", values: ["u"] },
    ]);
    expect(catalog.schemas).toEqual(["app"]);
  });

  it("refuses two enums of one name with different values, and bad definitions", () => {
    const a = enumType("kind", ["x"]);
    const b = enumType("kind", ["x", "y"]);
    expect(() => modelsToCatalog([{ a, b }])).toThrow(/both named "kind" with different values/);
    expect(modelsToCatalog([{ a, c: enumType("kind", ["x"]) }]).enums).toHaveLength(1);
    expect(() => enumType("e", [] as unknown as ["x"])).toThrow(KilnError);
    expect(() => enumType("e", ["x", "x"])).toThrow(/"x" appears more than once/);
  });
});

describe("sql tag", () => {
  const t = table("t", { userName: text("user_name"), odd: text('we"ird') });

  it("interpolates columns as quoted names and splices fragments", () => {
    const inner = sql`coalesce(${t.userName}, '')`;
    expect(sql`lower(${inner}) = ${t.odd}`.toSql()).toBe(`lower(coalesce("user_name", '')) = "we""ird"`);
    expect(sql`${t.userName} || ${t.odd}`.columnNames()).toEqual(["user_name", 'we"ird']);
    expect(sql.raw("now()").toSql()).toBe("now()");
    expect(sql`a ${sql.raw("")}b`.toSql()).toBe("a b");
  });

  it("refuses anything else, so values never become SQL", () => {
    const evil = "'; DROP TABLE users; --";
    const tag = sql as unknown as (s: TemplateStringsArray, ...v: unknown[]) => unknown;
    expect(kilnError(() => tag`name = ${evil}`).message).toMatch(/interpolation #1 is the string .*sql\.raw/);
    expect(() => tag`x = ${1}`).toThrow(/a number/);
    expect(() => tag`x = ${null}`).toThrow(/null/);
    expect(() => tag`x = ${{ name: "id" }}`).toThrow(/neither a table column nor a sql fragment/);
    expect(() => tag`x = ${text()}`).toThrow(KilnError);
    expect(() => sql.raw(5 as unknown as string)).toThrow(KilnError);
  });
});
