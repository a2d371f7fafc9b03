/**
 * Sequences, domains, composite types, extensions and their comments: compile
 * (PostgreSQL), reverse, render and the refusal on MySQL/SQLite, without a database.
 */
import { describe, expect, it } from "vitest";
import { normalizeSequenceOptions } from "../../src/catalog/sequences.js";
import { renderMigrationBodies } from "../../src/autogenerate/render.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { sequenceState } from "../../src/dialects/postgres/introspect/objects.js";
import { reverseOperation, reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { emptyCatalog, type Catalog } from "../../src/catalog/types.js";

const sql = (op: Operation) => compilePostgres(op).map((s) => s.sql);

describe("sequences", () => {
  it("compiles CREATE SEQUENCE with every option, OWNED BY, comment and setval", () => {
    expect(
      sql({
        kind: "createSequence",
        sequence: { schema: "app", name: "order_no", type: "integer", start: "1000", increment: "10", min: "100", max: "900000", cache: "5", cycle: true, ownedBy: { table: "orders", column: "number" }, comment: "it's", value: { last: "1230", called: true } },
      }),
    ).toEqual([
      `CREATE SEQUENCE "app"."order_no" AS integer INCREMENT BY 10 MINVALUE 100 MAXVALUE 900000 START WITH 1000 CACHE 5 CYCLE OWNED BY "app"."orders"."number"`,
      `COMMENT ON SEQUENCE "app"."order_no" IS 'it''s'`,
      `SELECT pg_catalog.setval('"app"."order_no"', 1230, true)`,
    ]);
  });

  it("refuses an option that is not a whole number (no SQL built from it)", () => {
    expect(() => sql({ kind: "createSequence", sequence: { name: "s", start: "1; DROP TABLE x" } })).toThrow(/whole number/);
  });

  it("alters options, resets them to defaults, changes the owner; reverses to the old values", () => {
    const op: Operation = {
      kind: "alterSequence",
      name: "s",
      changes: { increment: "5", max: null, cycle: true, ownedBy: null },
      existing: { name: "s", max: "1000", ownedBy: { table: "t", column: "c" } },
    };
    expect(sql(op)).toEqual([`ALTER SEQUENCE "s" INCREMENT BY 5 NO MAXVALUE CYCLE OWNED BY NONE`]);
    const [back] = reverseOperation(op);
    expect(sql(back!)).toEqual([`ALTER SEQUENCE "s" INCREMENT BY 1 MAXVALUE 1000 NO CYCLE OWNED BY "t"."c"`]);
  });

  it("drop reverses to a create that restores the value", () => {
    const [back] = reverseOperation({ kind: "dropSequence", name: "s", old: { name: "s", value: { last: "7", called: false } } });
    expect(sql(back!)).toEqual([`CREATE SEQUENCE "s"`, `SELECT pg_catalog.setval('"s"', 7, false)`]);
  });

  it("normalizes options equal to PostgreSQL's defaults away", () => {
    expect(normalizeSequenceOptions({ name: "s", type: "bigint", start: "1", increment: "1", min: "1", max: "9223372036854775807", cache: "1", cycle: false })).toEqual({ name: "s" });
    expect(normalizeSequenceOptions({ name: "s", type: "smallint", start: "-1", increment: "-1", min: "-32768", max: "-1", cache: "1", cycle: false })).toEqual({ name: "s", type: "smallint", increment: "-1" });
  });

  it("reads where a sequence stands from query_to_xml", () => {
    expect(sequenceState("<row>\n  <last_value>-50</last_value>\n  <is_called>false</is_called>\n</row>")).toEqual({ last: "-50", called: false });
  });

  it("restores a serial or identity column's sequence after CREATE TABLE", () => {
    const statements = sql({
      kind: "createTable",
      table: {
        schema: "app",
        name: "t",
        columns: [
          { name: "id", type: "bigint", nullable: false, identity: { always: true }, sequence: { name: "t_id_seq", start: "100", increment: "5", value: { last: "105", called: true } } },
          { name: "n", type: "integer", nullable: false, autoIncrement: true, sequence: { name: "t_n_seq", value: { last: "77", called: true } } },
        ],
        uniques: [],
        foreignKeys: [],
        checks: [],
        indexes: [],
      },
    });
    expect(statements.slice(1)).toEqual([
      `ALTER TABLE "app"."t" ALTER COLUMN "id" SET INCREMENT BY 5 SET START WITH 100`,
      `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('"app"."t"', 'id'), 105, true)`,
      `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('"app"."t"', 'n'), 77, true)`,
    ]);
  });
});

describe("domains, composite types, extensions, comments", () => {
  it("compiles a domain with collation, default, NOT NULL and named checks", () => {
    expect(
      sql({ kind: "createDomain", domain: { schema: "app", name: "email", type: "text", collation: "C", default: "'x'::text", notNull: true, checks: [{ name: "has_at", expression: "VALUE ~ '@'" }], comment: "mail" } }),
    ).toEqual([`CREATE DOMAIN "app"."email" AS text COLLATE "C" DEFAULT 'x'::text NOT NULL CONSTRAINT "has_at" CHECK (VALUE ~ '@')`, `COMMENT ON DOMAIN "app"."email" IS 'mail'`]);
  });

  it("alters a domain and reverses it", () => {
    const op: Operation = { kind: "alterDomain", name: "d", default: null, notNull: true, existing: { name: "d", type: "integer", default: "0", checks: [] } };
    expect(sql(op)).toEqual([`ALTER DOMAIN "d" DROP DEFAULT`, `ALTER DOMAIN "d" SET NOT NULL`]);
    expect(sql(reverseOperation(op)[0]!)).toEqual([`ALTER DOMAIN "d" SET DEFAULT 0`, `ALTER DOMAIN "d" DROP NOT NULL`]);
    const add: Operation = { kind: "addDomainConstraint", name: "d", constraint: { name: "pos", expression: "VALUE > 0" } };
    expect(sql(add)).toEqual([`ALTER DOMAIN "d" ADD CONSTRAINT "pos" CHECK (VALUE > 0)`]);
    expect(sql(reverseOperation(add)[0]!)).toEqual([`ALTER DOMAIN "d" DROP CONSTRAINT "pos"`]);
  });

  it("compiles composite types and their attributes", () => {
    expect(sql({ kind: "createCompositeType", type: { name: "pair", attributes: [{ name: "a", type: "integer" }, { name: "b", type: "text", collation: "C" }] } })).toEqual([
      `CREATE TYPE "pair" AS ("a" integer, "b" text COLLATE "C")`,
    ]);
    const add: Operation = { kind: "addCompositeAttribute", schema: "s", name: "pair", attribute: { name: "c", type: "s.money" } };
    expect(sql(add)).toEqual([`ALTER TYPE "s"."pair" ADD ATTRIBUTE "c" "s"."money"`]);
    expect(sql(reverseOperation(add)[0]!)).toEqual([`ALTER TYPE "s"."pair" DROP ATTRIBUTE "c"`]);
  });

  it("compiles extensions (IF NOT EXISTS, WITH SCHEMA) and comments, and reverses them", () => {
    expect(sql({ kind: "createExtension", extension: { name: "citext", schema: "ext" } })).toEqual([`CREATE EXTENSION IF NOT EXISTS "citext" WITH SCHEMA "ext"`]);
    expect(sql(reverseOperation({ kind: "createExtension", extension: { name: "citext" } })[0]!)).toEqual([`DROP EXTENSION "citext"`]);
    const comment: Operation = { kind: "setComment", target: "type", schema: "app", name: "status", comment: "states", existing: null };
    expect(sql(comment)).toEqual([`COMMENT ON TYPE "app"."status" IS 'states'`]);
    expect(sql(reverseOperation(comment)[0]!)).toEqual([`COMMENT ON TYPE "app"."status" IS NULL`]);
    expect(sql({ kind: "createEnum", schema: "app", name: "status", values: ["a"], comment: "states" })).toEqual([`CREATE TYPE "app"."status" AS ENUM ('a')`, `COMMENT ON TYPE "app"."status" IS 'states'`]);
  });

  it("SQLite refuses them with a clear message", () => {
    expect(() => compileSqlite({ kind: "createExtension", extension: { name: "citext" } })).toThrow(/PostgreSQL only/);
  });
});

describe("compare and render", () => {
  const database: Catalog = {
    ...emptyCatalog(),
    schemas: ["app"],
    enums: [{ schema: "app", name: "status", values: ["a"], comment: "states" }],
    sequences: [{ schema: "app", name: "order_no", increment: "10", ownedBy: { table: "orders", column: "n" }, value: { last: "50", called: true } }],
    domains: [{ name: "pos", type: "integer", checks: [{ name: "pos_check", expression: "VALUE > 0" }] }],
    compositeTypes: [{ name: "pair", attributes: [{ name: "a", type: "pos" }] }],
    extensions: [{ name: "citext", schema: "app" }],
  };

  it("drops everything in a working order and the downgrade recreates it with the value", () => {
    const diff = compareCatalogs({ ...emptyCatalog(), schemas: ["app"] }, database);
    expect(diff.operations.map((op) => op.kind)).toEqual(["alterSequence", "dropCompositeType", "dropDomain", "dropSequence", "dropEnum", "dropExtension"]);
    const down = reverseOperations(diff.operations);
    expect(down.map((op) => op.kind)).toEqual(["createExtension", "createEnum", "createSequence", "createDomain", "createCompositeType", "alterSequence"]);
    const { upgrade, downgrade } = renderMigrationBodies(diff.operations);
    expect(upgrade).toContain(`await op.alterSequence("order_no", { schema: "app", ownedBy: null });`);
    expect(downgrade).toContain(`value: { last: "50", called: true }`);
    expect(downgrade).toContain(`await op.createEnum("status", ["a"], { schema: "app", comment: "states" });`);
  });

  it("changing one property gives exactly that operation", () => {
    const model = structuredClone(database);
    model.sequences![0]!.increment = "20";
    delete model.sequences![0]!.value;
    model.domains![0]!.checks[0]!.expression = "VALUE >= 0";
    const kinds = compareCatalogs(model, database).operations.map((op) => op.kind);
    expect(kinds).toEqual(["alterSequence", "dropDomainConstraint", "addDomainConstraint"]);
    expect(compareCatalogs(structuredClone(database), database).operations).toEqual([]);
  });
});

describe("model DSL", () => {
  it("turns exported sequences, domains, composite types, extensions and enum comments into Catalog objects", async () => {
    const { modelsToCatalog, sequence, domain, compositeType, extension, enumType, table, integer, sql } = await import("../../src/schema/index.js");
    const email = domain("email", "text", { schema: "app", notNull: true, checks: { has_at: sql`VALUE ~ '@'::text` } });
    const catalog = modelsToCatalog([
      {
        citext: extension("citext", { schema: "ext" }),
        seq: sequence("order_no", { schema: "app", start: 1, increment: 10, ownedBy: "t.n" }),
        pair: compositeType("pair", { a: "integer", b: "app.email" }),
        mood: enumType("mood", ["a"], { comment: "feel" }),
        t: table("t", { n: integer(), mail: email() }, { schema: "app" }),
        email,
      },
    ]);
    expect(catalog.sequences).toEqual([{ schema: "app", name: "order_no", increment: "10", ownedBy: { table: "t", column: "n" } }]);
    expect(catalog.domains).toEqual([{ schema: "app", name: "email", type: "text", notNull: true, checks: [{ name: "has_at", expression: "VALUE ~ '@'::text" }] }]);
    expect(catalog.compositeTypes).toEqual([{ name: "pair", attributes: [{ name: "a", type: "integer" }, { name: "b", type: "app.email" }] }]);
    expect(catalog.extensions).toEqual([{ name: "citext", schema: "ext" }]);
    expect(catalog.enums).toEqual([{ name: "mood", values: ["a"], comment: "feel" }]);
    expect(catalog.tables[0]!.columns.map((c) => c.type)).toEqual(["integer", "app.email"]);
    expect(catalog.schemas).toEqual(["app", "ext"]);
  });
});
