/**
 * Views and materialized views (issue 12): compile (PostgreSQL), reverse,
 * render (and the facade reading the rendered calls back), compare, the
 * requalifier canonicalize uses, and the model DSL, without a database.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderMigrationBodies } from "../../src/autogenerate/render.js";
import { emptyCatalog, type Catalog } from "../../src/catalog/types.js";
import type { View } from "../../src/catalog/views.js";
import { requalify, viewCreationOrder } from "../../src/dialects/postgres/canonicalize-views.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { reverseOperation, reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { replay } from "../helpers/replay.js";

const sql = (op: Operation) => compilePostgres(op).map((s) => s.sql);

const active: View = {
  name: "active_users",
  definition: "SELECT id, name FROM users WHERE active;",
  columns: [{ name: "id", type: "integer" }, { name: "name", type: "text" }],
  comment: "who may log in",
  columnComments: { name: "display name" },
};

describe("compile", () => {
  it("creates a view with its column list, options, check option and comments; the query as written", () => {
    expect(sql({ kind: "createView", view: { ...active, schema: "app", columnNames: ["user_id", "user_name"], securityBarrier: true, securityInvoker: true, checkOption: "cascaded" } })).toEqual([
      `CREATE VIEW "app"."active_users" ("user_id", "user_name") WITH (security_barrier = true, security_invoker = true) AS\nSELECT id, name FROM users WHERE active\n  WITH CASCADED CHECK OPTION`,
      `COMMENT ON VIEW "app"."active_users" IS 'who may log in'`,
      `COMMENT ON COLUMN "app"."active_users"."name" IS 'display name'`,
    ]);
  });

  it("replaces a view in place and sets only the comments that changed", () => {
    const op: Operation = { kind: "replaceView", view: { ...active, definition: "SELECT id, name FROM users", comment: "all" }, old: active };
    expect(sql(op)).toEqual([`CREATE OR REPLACE VIEW "active_users" AS\nSELECT id, name FROM users`, `COMMENT ON VIEW "active_users" IS 'all'`]);
  });

  it("creates a materialized view WITH [NO] DATA, then its indexes and comment; refreshes it", () => {
    const view: View = {
      schema: "app",
      name: "totals",
      materialized: true,
      definition: "SELECT user_id, count(*) AS n FROM orders GROUP BY user_id",
      withNoData: true,
      indexes: [{ name: "totals_user_id", columns: ["user_id"], unique: true }],
      comment: "nightly",
    };
    expect(sql({ kind: "createMaterializedView", view })).toEqual([
      `CREATE MATERIALIZED VIEW "app"."totals" AS\nSELECT user_id, count(*) AS n FROM orders GROUP BY user_id\n  WITH NO DATA`,
      `CREATE UNIQUE INDEX "totals_user_id" ON "app"."totals" ("user_id")`,
      `COMMENT ON MATERIALIZED VIEW "app"."totals" IS 'nightly'`,
    ]);
    expect(sql({ kind: "refreshMaterializedView", schema: "app", name: "totals", concurrently: true })).toEqual([`REFRESH MATERIALIZED VIEW CONCURRENTLY "app"."totals"`]);
    expect(sql({ kind: "refreshMaterializedView", name: "totals", withNoData: true })).toEqual([`REFRESH MATERIALIZED VIEW "totals" WITH NO DATA`]);
    expect(() => sql({ kind: "refreshMaterializedView", name: "t", concurrently: true, withNoData: true })).toThrow(/cannot go together/);
    expect(sql({ kind: "dropMaterializedView", schema: "app", name: "totals" })).toEqual([`DROP MATERIALIZED VIEW "app"."totals"`]);
    expect(sql({ kind: "setComment", target: "materialized view", schema: "app", name: "totals", comment: null })).toEqual([`COMMENT ON MATERIALIZED VIEW "app"."totals" IS NULL`]);
  });

  it("refuses an empty query and a bad check option; SQLite takes plain views only", () => {
    expect(() => sql({ kind: "createView", view: { name: "v", definition: " ; " } })).toThrow(/query of view v is empty/);
    expect(() => sql({ kind: "createView", view: { name: "v", definition: "SELECT 1", checkOption: "both" as never } })).toThrow(/checkOption/);
    expect(compileSqlite({ kind: "createView", view: { name: "v", definition: "SELECT 1" } }).map((s) => s.sql)).toEqual(['CREATE VIEW "v" AS SELECT 1']);
    expect(() => compileSqlite({ kind: "createView", view: { name: "v", definition: "SELECT 1", checkOption: "local" } })).toThrow(/SQLite views have no CHECK OPTION/);
    expect(() => compileSqlite({ kind: "createMaterializedView", view: { ...active, materialized: true } })).toThrow(/SQLite has no materialized views/);
  });
});

describe("reverse", () => {
  it("create <-> drop, with the definition kept exactly", () => {
    const [drop] = reverseOperation({ kind: "createView", view: active });
    expect(drop).toEqual({ kind: "dropView", name: "active_users", old: active });
    const [create] = reverseOperation(drop!);
    expect(create).toEqual({ kind: "createView", view: active });
    const [mdrop] = reverseOperation({ kind: "createMaterializedView", view: { ...active, materialized: true } });
    expect(mdrop).toMatchObject({ kind: "dropMaterializedView", name: "active_users" });
  });

  it("replace reverses to the old definition; refresh has nothing to undo; a drop without the old view cannot be reversed", () => {
    const replaced: View = { ...active, definition: "SELECT id, name FROM users" };
    expect(reverseOperation({ kind: "replaceView", view: replaced, old: active })).toEqual([{ kind: "replaceView", view: active, old: replaced }]);
    expect(reverseOperation({ kind: "refreshMaterializedView", name: "t" })).toEqual([]);
    expect(() => reverseOperation({ kind: "dropView", name: "v" })).toThrow(/old view definition is unknown/);
  });
});

describe("render and the facade", () => {
  it("renders calls that the facade turns back into the same operations", async () => {
    const ops: Operation[] = [
      { kind: "createView", view: { schema: "app", name: "v", definition: "SELECT 1 AS one", checkOption: "local", securityBarrier: true, columnNames: ["x"] } },
      { kind: "createMaterializedView", view: { name: "m", materialized: true, definition: "SELECT 1 AS one", withNoData: true, indexes: [{ name: "m_one", columns: ["one"], unique: true }] } },
      { kind: "replaceView", view: { name: "w", definition: "SELECT 2 AS two", comment: "c" } },
      { kind: "refreshMaterializedView", name: "m", concurrently: true },
      { kind: "dropView", schema: "app", name: "v" },
    ];
    const { upgrade } = renderMigrationBodies(ops);
    expect(upgrade).toContain(`await op.createView("v", "SELECT 1 AS one", {\n  schema: "app",\n  columns: ["x"],\n  checkOption: "local",\n  securityBarrier: true,\n});`);
    expect(upgrade).toContain(`await op.createMaterializedView("m", "SELECT 1 AS one", { withNoData: true });\nawait op.createIndex("m_one", "m", ["one"], { unique: true });`);
    const replayed = await replay(upgrade);
    expect(replayed.map((op) => op.kind)).toEqual(["createView", "createMaterializedView", "createIndex", "replaceView", "refreshMaterializedView", "dropView"]);
    expect(replayed[0]).toEqual(ops[0]);
    expect(replayed.slice(1, 3).flatMap(sql)).toEqual(sql(ops[1]!));
    expect(replayed[3]).toEqual(ops[2]);
  });
});

describe("compare", () => {
  const users = { name: "users", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] };
  const base = (views: View[]): Catalog => ({ ...emptyCatalog(), tables: [users], views });
  const v1: View = { name: "v1", definition: " SELECT users.id FROM users", columns: [{ name: "id", type: "integer" }] };
  const v2: View = { name: "v2", definition: " SELECT v1.id FROM v1", columns: [{ name: "id", type: "integer" }] };
  const database: Catalog = {
    ...base([v1, v2]),
    dependencies: [
      { dependent: { kind: "view", name: "v1" }, referenced: { kind: "table", name: "users" } },
      { dependent: { kind: "view", name: "v2" }, referenced: { kind: "view", name: "v1" } },
    ],
  };
  const modelled = (view: View, text: string, columns = view.columns): View => ({ ...view, definition: text, canonical: { definition: view.definition }, ...(columns ? { columns } : {}) });

  it("an unchanged view, written another way, is no change", () => {
    expect(compareCatalogs(base([modelled(v1, "select id from users"), modelled(v2, "select id from v1")]), database).operations).toEqual([]);
  });

  it("a changed query with the same columns is one CREATE OR REPLACE, with the old definition for the downgrade", () => {
    const changed: View = { ...v1, definition: "select id from users where id > 0", canonical: { definition: " SELECT users.id FROM users WHERE users.id > 0" } };
    const ops = compareCatalogs(base([changed, modelled(v2, "select id from v1")]), database).operations;
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ kind: "replaceView", view: { name: "v1", definition: "select id from users where id > 0" }, old: { definition: v1.definition } });
    const { upgrade, downgrade } = renderMigrationBodies(ops);
    expect(upgrade.trim()).toBe(`await op.replaceView("v1", "select id from users where id > 0");`);
    expect(downgrade.trim()).toBe(`await op.replaceView("v1", " SELECT users.id FROM users");`);
  });

  it("other columns drop and recreate the view and the views on it, in order (new columns at the end too: the downgrade could not remove them in place)", () => {
    const appended: View = { ...v1, definition: "select id, 1 AS one from users", canonical: { definition: "x" }, columns: [...v1.columns!, { name: "one", type: "integer" }] };
    expect(compareCatalogs(base([appended, modelled(v2, "select id from v1")]), database).operations.map((o) => o.kind)).toEqual(["dropView", "dropView", "createView", "createView"]);
    const retyped: View = { ...v1, definition: "select id::text AS id from users", canonical: { definition: "y" }, columns: [{ name: "id", type: "text" }] };
    const ops = compareCatalogs(base([retyped, modelled(v2, "select id from v1")]), database).operations;
    expect(ops.map((o) => `${o.kind} ${"view" in o ? o.view.name : (o as { name: string }).name}`)).toEqual(["dropView v2", "dropView v1", "createView v1", "createView v2"]);
    // The downgrade runs backwards: v2 goes before v1 comes back as it was.
    expect(reverseOperations(ops).map((o) => `${o.kind} ${"view" in o ? o.view.name : (o as { name: string }).name}`)).toEqual(["dropView v2", "dropView v1", "createView v1", "createView v2"]);
  });

  it("a dropped or retyped column goes round only the views that use it, where the database says which columns a view uses", () => {
    const wide = { ...users, columns: [...users.columns, { name: "note", type: "text", nullable: true }] };
    const withColumns = (columns: string[] | undefined): Catalog => ({
      ...database,
      tables: [wide],
      dependencies: database.dependencies!.map((d) => (d.dependent.name === "v1" ? { ...d, ...(columns ? { columns } : {}) } : d)),
    });
    const model = (columns: typeof users.columns): Catalog => ({ ...base([modelled(v1, "select id from users"), modelled(v2, "select id from v1")]), tables: [{ ...users, columns }] });
    const kinds = (ops: { kind: string }[]) => ops.map((o) => o.kind);
    // v1 uses users.id only: dropping users.note leaves v1 and v2 alone.
    expect(kinds(compareCatalogs(model(users.columns), withColumns(["id"])).operations)).toEqual(["dropColumn"]);
    // Retyping users.id, which v1 uses: v1 and the view on it go round.
    const retyped = compareCatalogs(model([{ name: "id", type: "bigint", nullable: false }, wide.columns[1]!]), withColumns(["id"])).operations;
    expect(kinds(retyped)).toEqual(["dropView", "dropView", "alterColumn", "createView", "createView"]);
    // Where the database does not say (a whole-row reference, another database), every view on the table goes round.
    expect(kinds(compareCatalogs(model(users.columns), withColumns(undefined)).operations)).toEqual(["dropView", "dropView", "dropColumn", "createView", "createView"]);
  });

  it("drops views before the tables they use and creates them after; a comment alone is COMMENT ON", () => {
    const dropAll = compareCatalogs(emptyCatalog(), database).operations.map((o) => o.kind);
    expect(dropAll).toEqual(["dropView", "dropView", "dropTable"]);
    const created = compareCatalogs(base([{ name: "v2", definition: "select id from v1" }, { name: "v1", definition: "select id from users" }]), { ...emptyCatalog() }).operations;
    expect(created.map((o) => `${o.kind} ${"view" in o ? o.view.name : "table" in o ? (o as { table: { name: string } }).table.name : ""}`)).toEqual(["createTable users", "createView v1", "createView v2"]);
    const commented = compareCatalogs(base([{ ...modelled(v1, "select id from users"), comment: "ids" }, modelled(v2, "select id from v1")]), database).operations;
    expect(commented).toEqual([{ kind: "setComment", target: "view", name: "v1", comment: "ids", existing: null }]);
  });

  it("a materialized view's changed query drops and recreates it; its indexes are compared by name", () => {
    const m: View = { name: "m", materialized: true, definition: " SELECT users.id FROM users", columns: [{ name: "id", type: "integer" }], indexes: [{ name: "m_id", columns: ["id"], unique: true }] };
    const db: Catalog = { ...base([m]) };
    const indexChanged = compareCatalogs(base([{ ...m, indexes: [{ name: "m_id", columns: ["id"] }] }]), db).operations;
    expect(indexChanged.map((o) => o.kind)).toEqual(["dropIndex", "createIndex"]);
    const queryChanged = compareCatalogs(base([{ ...m, definition: "select id from users where id > 1" }]), db).operations;
    expect(queryChanged.map((o) => o.kind)).toEqual(["dropMaterializedView", "createMaterializedView"]);
  });
});

describe("canonicalize helpers", () => {
  it("points schema-qualified names of scratch relations at the scratch schema, leaving strings, comments and other names alone", () => {
    const target = (schema: string, name: string) => (schema === "app" && name === "orders" ? `"kiln_canon_1"` : undefined);
    expect(requalify(`SELECT o.id, 'app.orders' FROM app.orders o JOIN "app"."orders" p ON true -- app.orders\nWHERE x.app.orders IS NULL AND app.other = 1`, target)).toBe(
      `SELECT o.id, 'app.orders' FROM "kiln_canon_1".orders o JOIN "kiln_canon_1"."orders" p ON true -- app.orders\nWHERE x.app.orders IS NULL AND app.other = 1`,
    );
    expect(requalify("SELECT $$app.orders$$, app . orders", target)).toBe(`SELECT $$app.orders$$, "kiln_canon_1" . orders`);
  });

  it("orders views after the views their queries name", () => {
    const order = viewCreationOrder([{ name: "c", definition: "select * from b" }, { name: "b", definition: "select * from a" }, { name: "a", definition: "select 1" }]);
    expect(order.map((v) => v.name)).toEqual(["a", "b", "c"]);
  });
});

describe("model DSL", () => {
  it("turns exported views and materialized views into Catalog views, with typed columns and indexes", async () => {
    const { modelsToCatalog, view, materializedView, uniqueIndex, integer, text, sql: q } = await import("../../src/schema/index.js");
    const names = view("user_names", { columns: { id: integer().notNull(), name: text("user_name") }, securityBarrier: true, schema: "app" }, q`SELECT id, name FROM users`);
    const totals = materializedView("totals", "SELECT user_id, count(*) AS n FROM orders GROUP BY 1", {
      withNoData: true,
      indexes: (v) => [uniqueIndex("totals_user_id").on(v.user_id!)],
      comment: "nightly",
    });
    // Type-level: the declared columns type the row.
    const row: typeof names.$inferSelect = { id: 1, name: null };
    expect(row.id).toBe(1);
    const catalog = modelsToCatalog([{ names, totals }]);
    expect(catalog.schemas).toEqual(["app"]);
    expect(catalog.views).toEqual([
      { schema: "app", name: "user_names", definition: "SELECT id, name FROM users", columnNames: ["id", "user_name"], securityBarrier: true },
      { name: "totals", materialized: true, definition: "SELECT user_id, count(*) AS n FROM orders GROUP BY 1", withNoData: true, comment: "nightly", indexes: [{ name: "totals_user_id", columns: ["user_id"], unique: true }] },
    ]);
    expect(() => view("v", "SELECT 1", { checkOption: "always" as never })).toThrow(/checkOption/);
    expect(() => view("v", "  ")).toThrow(/query/);
  });
});

describe("render of a query on several lines", () => {
  it("writes one string per line, joined with +, that the facade reads back as the same text", async () => {
    const view: View = { schema: "app", name: "v", definition: ' SELECT o.id,\n    o."Amount"\n   FROM app.orders o\n  WHERE (o.note <> \'a\\b`${x}\'::text)' };
    const { upgrade } = renderMigrationBodies([{ kind: "createView", view }], { indent: "    " });
    expect(upgrade).toBe(
      [
        `    await op.createView(`,
        `      "v",`,
        `      " SELECT o.id,\\n" +`,
        `      "    o.\\"Amount\\"\\n" +`,
        `      "   FROM app.orders o\\n" +`,
        `      "  WHERE (o.note <> 'a\\\\b\`\${x}'::text)",`,
        `      { schema: "app" },`,
        `    );`,
      ].join("\n"),
    );
    const [replayed] = await replay(upgrade);
    expect(replayed).toEqual({ kind: "createView", view });
  });
});
