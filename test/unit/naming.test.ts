import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KilnError } from "../../src/errors.js";
import {
  DEFAULT_NAMING,
  applyNamingTemplate,
  check,
  foreignKey,
  index,
  integer,
  modelsToCatalog,
  primaryKey,
  resolveNaming,
  sql,
  table,
  text,
  truncateIdentifier,
  unique,
} from "../../src/schema/index.js";

const sha8 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);

describe("resolveNaming", () => {
  it("defaults to the documented templates", () => {
    expect(resolveNaming()).toEqual({
      pk: "pk_%(table)s",
      fk: "fk_%(table)s_%(column_0_N)s_%(referred_table)s",
      uq: "uq_%(table)s_%(column_0_N)s",
      ck: "ck_%(table)s_%(constraint_name)s",
      ix: "ix_%(table)s_%(column_0_N)s",
    });
    expect(resolveNaming({})).toEqual(DEFAULT_NAMING);
  });

  it("overrides only what is given and refuses unknown keys or empty templates", () => {
    expect(resolveNaming({ ix: "%(table)s_%(column_0)s_idx" })).toEqual({ ...DEFAULT_NAMING, ix: "%(table)s_%(column_0)s_idx" });
    expect(() => resolveNaming({ idx: "x" } as never)).toThrow(/naming\.idx: unknown naming convention key/);
    expect(() => resolveNaming({ pk: "" })).toThrow(KilnError);
  });
});

describe("applyNamingTemplate", () => {
  const parts = { table: "orders", columns: ["customer_id", "region"], referredTable: "customers", referredColumns: ["id", "region"] };

  it("fills every token", () => {
    expect(applyNamingTemplate("fk", "%(table)s|%(column_0)s|%(column_0_N)s|%(referred_table)s", parts)).toBe(
      "orders|customer_id|customer_id_region|customers",
    );
    expect(applyNamingTemplate("ix", "%(column_0N)s", parts)).toBe("customer_idregion");
    // Rails: index_orders_on_customer_id_and_region; fk_rails_ + SHA-256("upgrade_codes_creator_id_fk") (a name in danbooru's structure.sql).
    expect(applyNamingTemplate("ix", "index_%(table)s_on_%(column_0_and_N)s", parts)).toBe("index_orders_on_customer_id_and_region");
    expect(applyNamingTemplate("fk", "fk_rails_%(rails_fk_hash)s", { table: "upgrade_codes", columns: ["creator_id"], referredTable: "users", referredColumns: ["id"] })).toBe(
      "fk_rails_d5a4e5e1a6",
    );
    expect(() => applyNamingTemplate("fk", "fk_rails_%(rails_fk_hash)s", parts)).toThrow(/has no value/);
    expect(applyNamingTemplate("fk", "%(referred_column_0)s|%(referred_column_0_N)s", parts)).toBe("id|id_region");
    expect(applyNamingTemplate("uq", "%(table_name)s_%(column_0_name)s_%(column_0_N_name)s", parts)).toBe(
      "orders_customer_id_customer_id_region",
    );
    expect(applyNamingTemplate("ck", "ck_%(table)s_%(constraint_name)s", { table: "t", columns: [], constraintName: "abc" })).toBe(
      "ck_t_abc",
    );
  });

  it("refuses tokens that are unknown, malformed, or have no value for the kind", () => {
    expect(() => applyNamingTemplate("ix", "ix_%(tabel)s", parts)).toThrow(/%\(tabel\)s is unknown/);
    expect(() => applyNamingTemplate("ix", "ix_%(table)", parts)).toThrow(/malformed token/);
    expect(() => applyNamingTemplate("pk", "pk_%(referred_table)s", { table: "t", columns: ["a"] })).toThrow(
      /naming\.pk template "pk_%\(referred_table\)s" uses %\(referred_table\)s, which has no value for a primary key on table "t"/,
    );
  });

  it("truncates long results", () => {
    const name = applyNamingTemplate("ix", "ix_%(table)s_%(column_0_N)s", { table: "t".repeat(40), columns: ["c".repeat(40)] });
    expect(Buffer.byteLength(name)).toBe(63);
  });
});

describe("truncateIdentifier", () => {
  it("leaves names of up to 63 bytes alone", () => {
    expect(truncateIdentifier("a".repeat(63))).toBe("a".repeat(63));
    expect(truncateIdentifier("short")).toBe("short");
  });

  it("cuts longer names to 63 bytes ending in a hash of the full name", () => {
    const long = `ix_${"very_long_table_name_".repeat(4)}column`;
    const cut = truncateIdentifier(long);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(63);
    expect(cut).toMatch(/_[0-9a-f]{8}$/);
    expect(cut.endsWith(`_${sha8(long)}`)).toBe(true);
    expect(long.startsWith(cut.slice(0, -9))).toBe(true);
    expect(truncateIdentifier(long)).toBe(cut);
    // Names that share the first 54 bytes still differ after truncation.
    expect(truncateIdentifier(`${long}_a`)).not.toBe(truncateIdentifier(`${long}_b`));
  });

  it("counts characters for MySQL's 64 and leaves names alone without a limit (SQLite)", () => {
    const mysql = { max: 64, unit: "characters" as const, database: "MySQL/MariaDB" };
    expect(truncateIdentifier("ü".repeat(64), mysql)).toBe("ü".repeat(64));
    const cut = truncateIdentifier("ü".repeat(70), mysql);
    expect([...cut]).toHaveLength(64);
    expect(cut.slice(0, -9)).toBe("ü".repeat(55));
    expect(truncateIdentifier("ü".repeat(200), null)).toBe("ü".repeat(200));
  });

  it("never splits a multi-byte character", () => {
    const cut = truncateIdentifier("ü".repeat(40));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(63);
    expect(cut.slice(0, -9)).toBe("ü".repeat(27));
  });
});

describe("names in the Catalog", () => {
  const users = table("users", { id: integer().primaryKey() });
  const posts = table(
    "posts",
    { id: integer(), authorId: integer("author_id").references(() => users.id), slug: text(), title: text() },
    (t) => [
      primaryKey({ columns: [t.id] }),
      unique().on(t.authorId, t.slug),
      check(sql`${t.slug} <> ''`),
      index().on(t.title, sql`lower(${t.slug})`),
    ],
  );

  it("default convention", () => {
    const catalog = modelsToCatalog([{ users, posts }]);
    const t = catalog.tables.find((x) => x.name === "posts")!;
    expect(t.primaryKey?.name).toBe("pk_posts");
    expect(t.uniques.map((u) => u.name)).toEqual(["uq_posts_author_id_slug"]);
    expect(t.foreignKeys.map((f) => f.name)).toEqual(["fk_posts_author_id_users"]);
    expect(t.checks.map((c) => c.name)).toEqual([`ck_posts_${sha8(`"slug" <> ''`)}`]);
    const exprToken = `expr_${sha8('lower("slug")').slice(0, 6)}`;
    expect(t.indexes.map((i) => i.name)).toEqual([`ix_posts_title_${exprToken}`]);
  });

  it("custom templates", () => {
    const catalog = modelsToCatalog([{ users, posts }], {
      pk: "%(table)s_pkey",
      fk: "%(table)s_%(column_0)s_fkey_%(referred_table)s_%(referred_column_0)s",
      uq: "%(table)s_%(column_0_N)s_key",
      ck: "%(table)s_%(column_0)s_check",
      ix: "%(table)s_%(column_0)s_idx",
    });
    const t = catalog.tables.find((x) => x.name === "posts")!;
    expect(t.primaryKey?.name).toBe("posts_pkey");
    expect(t.uniques[0]!.name).toBe("posts_author_id_slug_key");
    expect(t.foreignKeys[0]!.name).toBe("posts_author_id_fkey_users_id");
    expect(t.checks[0]!.name).toBe("posts_slug_check");
    expect(t.indexes[0]!.name).toBe("posts_title_idx");
    expect(catalog.tables.find((x) => x.name === "users")!.primaryKey?.name).toBe("users_pkey");
  });

  it("a check without columns uses its hash for column tokens", () => {
    const t = table("t", { a: integer() }, () => [check(sql`1 = 1`)]);
    const [c] = modelsToCatalog([{ t }], { ck: "ck_%(table)s_%(column_0)s" }).tables[0]!.checks;
    expect(c!.name).toBe(`ck_t_${sha8("1 = 1")}`);
  });

  it("explicit names win over every template", () => {
    const t = table("t", { a: integer(), b: integer() }, (t) => [
      primaryKey({ name: "my_pk", columns: [t.a] }),
      unique("my_uq").on(t.b),
      foreignKey({ name: "my_fk", columns: [t.b], foreignColumns: [users.id] }),
      check("check_id_positive", sql`${t.a} > 0`),
      index("my_ix").on(t.b),
    ]);
    const catalog = modelsToCatalog([{ t }], { ck: "ck_%(table)s_%(constraint_name)s" });
    const built = catalog.tables[0]!;
    expect([built.primaryKey?.name, built.uniques[0]!.name, built.foreignKeys[0]!.name, built.checks[0]!.name, built.indexes[0]!.name]).toEqual([
      "my_pk",
      "my_uq",
      "my_fk",
      "check_id_positive",
      "my_ix",
    ]);
  });

  it("generated names for long tables and columns are cut deterministically, and stay distinct", () => {
    const longTable = "a_table_with_a_remarkably_long_descriptive_name_for_testing";
    const t = table(longTable, {
      firstRatherLongColumnName: integer("first_rather_long_column_name"),
      secondRatherLongColumnName: integer("second_rather_long_column_name"),
    }, (t) => [index().on(t.firstRatherLongColumnName), index().on(t.secondRatherLongColumnName), unique().on(t.firstRatherLongColumnName, t.secondRatherLongColumnName)]);
    const built = modelsToCatalog([{ t }]).tables[0]!;
    const names = [...built.indexes.map((i) => i.name!), built.uniques[0]!.name!];
    for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(new Set(names).size).toBe(3);
    const full = `ix_${longTable}_first_rather_long_column_name`;
    expect(names).toContain(truncateIdentifier(full));
    expect(modelsToCatalog([{ t }]).tables[0]!.indexes.map((i) => i.name)).toEqual(built.indexes.map((i) => i.name));
  });
});
