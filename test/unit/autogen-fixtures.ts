/** Small builders for Catalog test data (autogenerate tests). */
import type { Catalog, Column, EnumType, Table } from "../../src/catalog/types.js";

export function col(name: string, type: string, extra: Partial<Column> = {}): Column {
  return { name, type, nullable: true, ...extra };
}

export function notNull(name: string, type: string, extra: Partial<Column> = {}): Column {
  return col(name, type, { ...extra, nullable: false });
}

export function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return { name, columns, uniques: [], foreignKeys: [], checks: [], indexes: [], ...extra };
}

export function enumType(name: string, values: string[], schema?: string): EnumType {
  return schema === undefined ? { name, values } : { schema, name, values };
}

export function catalog(parts: Partial<Catalog> = {}): Catalog {
  return { schemas: [], tables: [], enums: [], ...parts };
}

/** A users table with a bit of everything. */
export function usersTable(): Table {
  return table(
    "users",
    [
      notNull("id", "bigint", { identity: { always: true } }),
      notNull("email", "varchar(200)"),
      col("name", "varchar(100)", { comment: "display name" }),
      notNull("status", "status", { default: "'active'::status" }),
      notNull("created_at", "timestamptz", { default: "now()" }),
    ],
    {
      primaryKey: { name: "users_pkey", columns: ["id"] },
      uniques: [{ name: "users_email_key", columns: ["email"] }],
      checks: [{ name: "users_email_check", expression: "(POSITION(('@'::text) IN (email)) > 0)" }],
      indexes: [{ name: "users_name_idx", columns: ["name"] }, { name: "users_lower_email_idx", columns: [{ expression: "lower((email)::text)" }], unique: true }],
      comment: "people who sign in",
    },
  );
}

export function postsTable(): Table {
  return table(
    "posts",
    [notNull("id", "integer", { autoIncrement: true }), notNull("author_id", "bigint"), notNull("title", "text"), col("body", "text")],
    {
      primaryKey: { name: "posts_pkey", columns: ["id"] },
      foreignKeys: [{ name: "posts_author_id_fkey", columns: ["author_id"], refTable: "users", refColumns: ["id"], onDelete: "cascade" }],
      indexes: [{ name: "posts_title_idx", columns: ["title"], where: "(body IS NOT NULL)", method: "gin" }],
    },
  );
}

export function richCatalog(): Catalog {
  return catalog({
    schemas: ["audit"],
    enums: [enumType("status", ["active", "banned"]), enumType("level", ["info", "warn"], "audit")],
    tables: [
      usersTable(),
      postsTable(),
      table("events", [notNull("id", "uuid", { default: "gen_random_uuid()" }), notNull("level", "audit.level"), col("tags", "text[]")], {
        schema: "audit",
        primaryKey: { name: "events_pkey", columns: ["id"] },
      }),
    ],
  });
}
