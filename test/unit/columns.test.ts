/**
 * Columns: generated columns, collations, any type, and exact text (defaults and
 * expressions kept as written, compared through their canonical forms). Pure:
 * compile, compare, reverse, render and the DSL, no database.
 */
import { describe, expect, it } from "vitest";
import { applyOperations } from "../../src/autogenerate/apply.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderMigrationBodies, renderOperations } from "../../src/autogenerate/render.js";
import { summarizeOperations } from "../../src/autogenerate/summary.js";
import { canonicalOnly, comparable, withoutCanonical } from "../../src/catalog/exact-text.js";
import type { Column } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { KilnError } from "../../src/errors.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { customType, integer, modelsToCatalog, numeric, sql, table as modelTable, text } from "../../src/schema/index.js";
import { catalog, col, notNull, table } from "./autogen-fixtures.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (ops: Operation[]): string[] => ops.flatMap(compilePostgres).map((s) => s.sql);


const total: Column = notNull("total", "numeric", { generated: { expression: "price * qty", stored: true } });

describe("compile: generated columns, collations, any type", () => {
  it("writes COLLATE and GENERATED ALWAYS AS in CREATE TABLE and ADD COLUMN", () => {
    const items = table("items", [
      col("price", "numeric"),
      col("qty", "integer"),
      total,
      col("half", "numeric", { generated: { expression: "price / 2", stored: false } }),
      col("code", "text", { collation: "C" }),
      col("name", "varchar(20)", { collation: "en_US.utf8", default: "'x'" }),
      col("german", "text", { collation: '"app"."german"' }),
      col("search", "tsvector"),
      col("kind", '"char"'),
      col("pos", "point[]"),
      col("money", "app.money_amount"),
      col("at", "tid"),
    ]);
    expect(sqlOf([{ kind: "createTable", table: items }])[0]).toBe(
      [
        'CREATE TABLE "items" (',
        '  "price" numeric,',
        '  "qty" integer,',
        '  "total" numeric GENERATED ALWAYS AS (price * qty) STORED NOT NULL,',
        '  "half" numeric GENERATED ALWAYS AS (price / 2) VIRTUAL,',
        '  "code" text COLLATE "C",',
        `  "name" varchar(20) COLLATE "en_US.utf8" DEFAULT 'x',`,
        '  "german" text COLLATE "app"."german",',
        '  "search" tsvector,',
        '  "kind" "char",',
        '  "pos" point[],',
        '  "money" "app"."money_amount",',
        '  "at" "tid"',
        ")",
      ].join("\n"),
    );
    expect(sqlOf([{ kind: "addColumn", table: "items", column: total }])).toEqual([
      'ALTER TABLE "items" ADD COLUMN "total" numeric GENERATED ALWAYS AS (price * qty) STORED NOT NULL',
    ]);
  });

  it("refuses a generated column with a default or identity", () => {
    const bad = col("x", "integer", { generated: { expression: "1", stored: true }, default: "2" });
    expect(() => sqlOf([{ kind: "addColumn", table: "t", column: bad }])).toThrow(KilnError);
    expect(() => sqlOf([{ kind: "addColumn", table: "t", column: { ...bad, default: undefined, identity: { always: true } } }])).toThrow(/generated/);
  });

  it("changes a collation with ALTER COLUMN ... TYPE ... COLLATE, and keeps it through a type change", () => {
    const existing = col("code", "text", { collation: "C" });
    expect(sqlOf([{ kind: "alterColumn", table: "t", column: "code", collation: "POSIX", existing }])).toEqual([
      'ALTER TABLE "t" ALTER COLUMN "code" TYPE text COLLATE "POSIX"',
    ]);
    expect(sqlOf([{ kind: "alterColumn", table: "t", column: "code", collation: null, existing }])).toEqual(['ALTER TABLE "t" ALTER COLUMN "code" TYPE text']);
    expect(sqlOf([{ kind: "alterColumn", table: "t", column: "code", type: "varchar(10)", existing }])).toEqual([
      'ALTER TABLE "t" ALTER COLUMN "code" TYPE varchar(10) COLLATE "C"',
    ]);
    expect(() => sqlOf([{ kind: "alterColumn", table: "t", column: "code", collation: "C" }])).toThrow(/collation without "type"/);
  });
});

describe("exact text: kept as written, compared canonically", () => {
  const database = catalog({
    tables: [
      table("events", [
        notNull("at", "timestamptz", { default: "now()", canonical: { default: "CURRENT_TIMESTAMP" } }),
        notNull("name", "varchar(20)"),
      ], { checks: [{ name: "events_name_check", expression: "char_length((name)::text) > 0", canonical: { expression: "char_length((name)::text) > 0" } }] }),
    ],
  });

  it("finds no change when the canonical forms agree, whatever the spelling", () => {
    const model = catalog({
      tables: [
        table("events", [
          notNull("at", "timestamptz", { default: "CURRENT_TIMESTAMP" }),
          notNull("name", "varchar(20)"),
        ], { checks: [{ name: "events_name_check", expression: "char_length(name) > 0", canonical: { expression: "char_length((name)::text) > 0" } }] }),
      ],
    });
    expect(compareCatalogs(model, database).operations).toEqual([]);
  });

  it("matches a model that repeats the database's text without needing a canonical form", () => {
    const model = catalog({
      tables: [table("events", [notNull("at", "timestamptz", { default: "now()" }), notNull("name", "varchar(20)")], { checks: [{ name: "events_name_check", expression: "char_length((name)::text) > 0" }] })],
    });
    expect(compareCatalogs(model, database).operations).toEqual([]);
  });

  it("writes the model's text in the upgrade and restores the database's text verbatim in the downgrade", () => {
    const model = catalog({
      tables: [
        table("events", [
          notNull("at", "timestamptz", { default: "statement_timestamp()" }),
          notNull("name", "varchar(20)"),
        ], { checks: [{ name: "events_name_check", expression: "char_length(name) > 1", canonical: { expression: "char_length((name)::text) > 1" } }] }),
      ],
    });
    const diff = compareCatalogs(model, database);
    const upgrade = sqlOf(diff.operations);
    expect(upgrade).toContain('ALTER TABLE "events" ALTER COLUMN "at" SET DEFAULT statement_timestamp()');
    expect(upgrade).toContain('ALTER TABLE "events" ADD CONSTRAINT "events_name_check" CHECK (char_length(name) > 1)');
    const downgrade = sqlOf(reverseOperations(diff.operations));
    expect(downgrade).toContain('ALTER TABLE "events" ALTER COLUMN "at" SET DEFAULT now()');
    expect(downgrade).toContain('ALTER TABLE "events" ADD CONSTRAINT "events_name_check" CHECK (char_length((name)::text) > 0)');
    // Nothing of the canonical forms reaches the revision file.
    const bodies = renderMigrationBodies(diff.operations);
    expect(bodies.upgrade + bodies.downgrade).not.toContain("canonical");
    expect(bodies.downgrade).toContain('"now()"');
  });

  it("forgets a canonical form once its text changes", () => {
    const diff = compareCatalogs(catalog({ tables: [table("events", [notNull("at", "timestamptz", { default: "clock_timestamp()" }), notNull("name", "varchar(20)")])] }), {
      ...database,
      tables: [{ ...database.tables[0]!, checks: [] }],
    });
    const after = applyOperations({ ...database, tables: [{ ...database.tables[0]!, checks: [] }] }, diff.operations);
    expect(after.tables[0]!.columns[0]).toEqual({ name: "at", type: "timestamptz", nullable: false, default: "clock_timestamp()" });
  });

  it("reads canonical forms through comparable() and strips them with withoutCanonical()", () => {
    const column: Column = { name: "a", type: "text", nullable: true, default: "now()", canonical: { default: "CURRENT_TIMESTAMP" } };
    expect(comparable(column, "default")).toBe("CURRENT_TIMESTAMP");
    expect(comparable({ name: "a", type: "text", nullable: true, default: "1" } as Column, "default")).toBe("1");
    expect(withoutCanonical({ tables: [column] })).toEqual({ tables: [{ name: "a", type: "text", nullable: true, default: "now()" }] });
    expect(canonicalOnly(column)).toEqual({ name: "a", type: "text", nullable: true, default: "CURRENT_TIMESTAMP" });
  });
});

describe("compare: generated columns and collations", () => {
  const items = (...extra: Column[]) =>
    table("items", [col("id", "integer"), col("price", "numeric"), col("qty", "integer"), ...extra], {
      indexes: [{ name: "items_total_idx", columns: ["total"] }],
      checks: [{ name: "items_total_check", expression: "total >= 0" }],
    });

  it("finds no change for the same generation expression spelled differently", () => {
    const model = catalog({ tables: [items({ ...total, generated: { expression: "price * qty", stored: true, canonical: { expression: "(price * (qty)::numeric)" } } })] });
    const database = catalog({ tables: [items({ ...total, generated: { expression: "(price * (qty)::numeric)", stored: true } })] });
    expect(compareCatalogs(model, database).operations).toEqual([]);
  });

  it("drops and adds a column whose expression changes, with its index and check around it", () => {
    const model = catalog({ tables: [items({ ...total, generated: { expression: "price * qty * 2", stored: true } })] });
    const database = catalog({ tables: [items(total)] });
    const diff = compareCatalogs(model, database);
    expect(diff.operations.map((o) => o.kind)).toEqual(["dropConstraint", "dropIndex", "dropColumn", "addColumn", "createCheckConstraint", "createIndex"]);
    expect(diff.warnings.map((w) => w.message).join("\n")).toMatch(/items\.total changes its generation rule/);
    expect(applyOperations(database, diff.operations)).toEqual(applyOperations(model, []));
    expect(sqlOf(reverseOperations(diff.operations))).toEqual([
      'DROP INDEX "items_total_idx"',
      'ALTER TABLE "items" DROP CONSTRAINT "items_total_check"',
      'ALTER TABLE "items" DROP COLUMN "total"',
      'ALTER TABLE "items" ADD COLUMN "total" numeric GENERATED ALWAYS AS (price * qty) STORED NOT NULL',
      'CREATE INDEX "items_total_idx" ON "items" ("total")',
      'ALTER TABLE "items" ADD CONSTRAINT "items_total_check" CHECK (total >= 0)',
    ]);
  });

  it("says loudly that a generated column declared as a plain column loses its values", () => {
    const model = catalog({ tables: [items(notNull("total", "numeric"))] });
    const diff = compareCatalogs(model, catalog({ tables: [items(total)] }));
    expect(diff.operations.some((o) => o.kind === "dropColumn")).toBe(true);
    const warning = diff.warnings.find((w) => /is generated in the database .* but a plain column in the models/.test(w.message));
    expect(warning?.message).toMatch(/values are lost/);
    expect(warning?.message).toMatch(/DROP EXPRESSION/);
  });

  it("changes a collation in place and restores it in the downgrade", () => {
    const model = catalog({ tables: [table("t", [col("code", "text", { collation: "C" })])] });
    const database = catalog({ tables: [table("t", [col("code", "text", { collation: "POSIX" })])] });
    const diff = compareCatalogs(model, database);
    expect(sqlOf(diff.operations)).toEqual(['ALTER TABLE "t" ALTER COLUMN "code" TYPE text COLLATE "C"']);
    expect(sqlOf(reverseOperations(diff.operations))).toEqual(['ALTER TABLE "t" ALTER COLUMN "code" TYPE text COLLATE "POSIX"']);
    expect(summarizeOperations(diff.operations)[0]).toContain("collation C");
    const plain = compareCatalogs(catalog({ tables: [table("t", [col("code", "text")])] }), database);
    expect(sqlOf(plain.operations)).toEqual(['ALTER TABLE "t" ALTER COLUMN "code" TYPE text']);
  });
});

describe("render: generated columns and collations round-trip through the op facade", () => {
  it("renders createTable, addColumn and alterColumn that replay to the same operations", async () => {
    const ops: Operation[] = [
      { kind: "createTable", table: table("items", [col("price", "numeric"), total, col("code", "text", { collation: "C" })]) },
      { kind: "addColumn", table: "items", column: col("half", "numeric", { generated: { expression: "price / 2", stored: false } }) },
      { kind: "alterColumn", table: "items", column: "code", collation: null, existing: col("code", "text", { collation: "C" }) },
    ];
    const replayed = await replay(renderOperations(ops));
    expect(replayed).toEqual(JSON.parse(JSON.stringify(ops.map((o) => (o.kind === "alterColumn" ? { ...o, schema: undefined } : o)))).map((o: Operation) => expect.objectContaining(o)));
    expect(sqlOf(replayed)).toEqual(sqlOf(ops));
  });
});

describe("DSL: customType, collate, generatedAlwaysAs", () => {
  it("builds the Catalog columns", () => {
    const items = modelTable("items", {
      price: numeric(),
      qty: integer(),
      total: numeric().notNull().generatedAlwaysAs((): ReturnType<typeof sql> => sql`${items.price} * ${items.qty}`, { stored: true }),
      half: numeric().generatedAlwaysAs(sql`price / 2`, { stored: false }),
      code: text().collate("C"),
      german: text().collate("german", { schema: "app" }),
      search: customType("tsvector"),
      points: customType("point").array(),
      kind: customType('"char"', "kind_code").notNull().default(sql`'a'::"char"`),
    });
    const built = modelsToCatalog([{ items }]).tables[0]!.columns;
    expect(built).toEqual([
      { name: "price", type: "numeric", nullable: true },
      { name: "qty", type: "integer", nullable: true },
      { name: "total", type: "numeric", nullable: false, generated: { expression: '"price" * "qty"', stored: true } },
      { name: "half", type: "numeric", nullable: true, generated: { expression: "price / 2", stored: false } },
      { name: "code", type: "text", nullable: true, collation: "C" },
      { name: "german", type: "text", nullable: true, collation: '"app"."german"' },
      { name: "search", type: "tsvector", nullable: true },
      { name: "points", type: "point[]", nullable: true },
      { name: "kind_code", type: '"char"', nullable: false, default: `'a'::"char"` },
    ]);
  });

  it("refuses a generated column with a default, and a missing stored option", () => {
    expect(() => integer().default(1).generatedAlwaysAs(sql`2`, { stored: true })).toThrow(KilnError);
    expect(() => integer().generatedAlwaysAs(sql`2`, {} as { stored: boolean })).toThrow(/stored: true/);
    expect(() => customType("")).toThrow(/customType/);
  });
});
