/**
 * INCLUDE, WITH (...) and USING INDEX TABLESPACE on primary key and unique
 * constraints (issue 11), without a database: PostgreSQL compile, render
 * (replayed through the `op` facade), reverse, compare, the DSL, and MySQL /
 * SQLite refusing them by name.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import type { Catalog, PrimaryKey, Table, UniqueConstraint } from "../../src/catalog/types.js";
import { compileOperation as compileMysql } from "../../src/dialects/mysql/compile.js";
import { EnumRegistry } from "../../src/dialects/mysql/enums.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { integer, primaryKey, table as dslTable, text, unique } from "../../src/schema/index.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (op: Operation): string[] => compilePostgres(op).map((s) => s.sql);

function table(partial: Partial<Table> & { name: string }): Table {
  return { columns: [], uniques: [], foreignKeys: [], checks: [], indexes: [], ...partial };
}


const pk: PrimaryKey = { name: "r_pkey", columns: ["id"], include: ["name"], with: { fillfactor: "70" }, tablespace: "fast", deferrable: "immediate" };
const uq: UniqueConstraint & { name: string } = { name: "r_u", columns: ["code"], nullsNotDistinct: true, include: ["name", "id"], with: { fillfactor: "80", deduplicate_items: "off" } };
const columns = [
  { name: "id", type: "integer", nullable: false },
  { name: "code", type: "text", nullable: true },
  { name: "name", type: "text", nullable: true },
];
const rich = table({ schema: "b", name: "r", columns, primaryKey: pk, uniques: [uq] });

describe("PostgreSQL compile", () => {
  it("writes INCLUDE, WITH and USING INDEX TABLESPACE inline in CREATE TABLE, before DEFERRABLE", () => {
    expect(sqlOf({ kind: "createTable", table: rich })).toEqual([
      'CREATE TABLE "b"."r" (\n' +
        '  "id" integer NOT NULL,\n' +
        '  "code" text,\n' +
        '  "name" text,\n' +
        `  CONSTRAINT "r_pkey" PRIMARY KEY ("id") INCLUDE ("name") WITH (fillfactor='70') USING INDEX TABLESPACE "fast" DEFERRABLE,\n` +
        `  CONSTRAINT "r_u" UNIQUE NULLS NOT DISTINCT ("code") INCLUDE ("name", "id") WITH (fillfactor='80', deduplicate_items='off')\n` +
        ")",
    ]);
  });

  it("writes them in ALTER TABLE ADD CONSTRAINT, and refuses a parameter that is not a name", () => {
    expect(sqlOf({ kind: "createPrimaryKey", schema: "b", table: "r", constraint: { ...pk, name: "r_pkey" } })).toEqual([
      `ALTER TABLE "b"."r" ADD CONSTRAINT "r_pkey" PRIMARY KEY ("id") INCLUDE ("name") WITH (fillfactor='70') USING INDEX TABLESPACE "fast" DEFERRABLE`,
    ]);
    expect(sqlOf({ kind: "createUniqueConstraint", table: "r", constraint: { name: "u", columns: ["code"], tablespace: "Fast Disk" } })).toEqual([
      `ALTER TABLE "r" ADD CONSTRAINT "u" UNIQUE ("code") USING INDEX TABLESPACE "Fast Disk"`,
    ]);
    expect(() => sqlOf({ kind: "createUniqueConstraint", table: "r", constraint: { name: "u", columns: ["code"], with: { "x) ; DROP": "1" } } })).toThrow(
      /is not a storage parameter name/,
    );
  });
});

describe("render and reverse", () => {
  it("a rendered createTable / createPrimaryKey / createUniqueConstraint replays through the facade with every option", async () => {
    const ops: Operation[] = [
      { kind: "createTable", table: rich },
      { kind: "createPrimaryKey", table: "r", constraint: { name: "pk2", columns: ["id"], include: ["name"], tablespace: "fast" } },
      { kind: "createUniqueConstraint", table: "r", constraint: { name: "u2", columns: ["code"], include: ["id"], with: { fillfactor: "70" } } },
    ];
    const replayed = await replay(renderOperations(ops));
    expect(JSON.parse(JSON.stringify(replayed))).toEqual(JSON.parse(JSON.stringify(ops)));
  });

  it("a dropped table or constraint comes back with its key options", () => {
    const down = reverseOperations([
      { kind: "dropTable", schema: "b", table: "r", old: rich },
      { kind: "dropConstraint", table: "r", name: "r_u", type: "unique", old: { type: "unique", constraint: uq } },
    ]);
    expect(down).toEqual([
      { kind: "createUniqueConstraint", table: "r", constraint: uq },
      { kind: "createTable", table: rich },
    ]);
  });
});

describe("compare", () => {
  const catalog = (primaryKey: PrimaryKey, uniques: UniqueConstraint[]): Catalog => ({
    schemas: [],
    enums: [],
    tables: [table({ name: "t", columns, primaryKey, uniques })],
  });
  const plainPk: PrimaryKey = { name: "t_pkey", columns: ["id"] };
  const plainUq: UniqueConstraint = { name: "t_code_key", columns: ["code"] };

  it("recreates a primary key whose INCLUDE, WITH or tablespace changed", () => {
    for (const changed of [{ include: ["name"] }, { with: { fillfactor: "70" } }, { tablespace: "fast" }]) {
      const ops = compareCatalogs(catalog({ ...plainPk, ...changed }, [plainUq]), catalog(plainPk, [plainUq])).operations;
      expect(ops.map((o) => o.kind), JSON.stringify(changed)).toEqual(["dropConstraint", "createPrimaryKey"]);
      expect((ops[1] as { constraint: PrimaryKey }).constraint).toMatchObject(changed);
    }
  });

  it("recreates a unique constraint whose INCLUDE, WITH or tablespace changed; equal ones (WITH in any order) are left alone", () => {
    for (const changed of [{ include: ["name"] }, { include: ["id", "name"] }, { with: { fillfactor: "90" } }, { tablespace: "fast" }]) {
      const database = { ...plainUq, include: ["name", "id"], with: { fillfactor: "70" } };
      const ops = compareCatalogs(catalog(plainPk, [{ ...database, ...changed }]), catalog(plainPk, [database])).operations;
      expect(ops.map((o) => o.kind), JSON.stringify(changed)).toEqual(["dropConstraint", "createUniqueConstraint"]);
    }
    const a = { ...plainUq, with: { fillfactor: "70", deduplicate_items: "off" } };
    const b = { ...plainUq, with: { deduplicate_items: "off", fillfactor: "70" } };
    expect(compareCatalogs(catalog(plainPk, [a]), catalog(plainPk, [b])).operations).toEqual([]);
    expect(compareCatalogs(catalog({ ...plainPk, include: [] }, [plainUq]), catalog(plainPk, [plainUq])).operations).toEqual([]);
  });
});

describe("the DSL", () => {
  it("primaryKey({ include, with, tablespace }) and unique(name, { include, with }) reach the catalog", () => {
    const t = dslTable("t", { id: integer().notNull(), code: text(), name: text() }, (c) => [
      primaryKey({ name: "t_pkey", columns: [c.id], include: [c.name], with: { fillfactor: 70 }, tablespace: "fast" }),
      unique("t_code_key", { include: [c.name, c.id], with: { deduplicate_items: false } }).on(c.code),
    ]);
    const built = modelsToCatalog([{ t }]).tables[0]!;
    expect(built.primaryKey).toEqual({ name: "t_pkey", columns: ["id"], include: ["name"], with: { fillfactor: "70" }, tablespace: "fast" });
    expect(built.uniques).toEqual([{ name: "t_code_key", columns: ["code"], include: ["name", "id"], with: { deduplicate_items: "false" } }]);
    expect(() => primaryKey({ columns: [], tablespace: "" })).toThrow(/tablespace/);
  });
});

describe("MySQL and SQLite refuse them by name", () => {
  it("names INCLUDE, storage parameters and the tablespace of the key", () => {
    const context = { enums: new EnumRegistry(), flavor: "mysql" as const };
    expect(() => compileMysql({ kind: "createTable", table: table({ name: "t", columns, primaryKey: pk }) }, context)).toThrow(
      /MySQL cannot express INCLUDE columns \(the primary key of t\); storage parameters \(WITH \.\.\.\) \(the primary key of t\); a tablespace \(the primary key of t\)/,
    );
    expect(() => compileSqlite({ kind: "createUniqueConstraint", table: "t", constraint: { name: "u", columns: ["code"], include: ["id"] } })).toThrow(
      /SQLite cannot express INCLUDE columns \(constraint u on t\)/,
    );
  });
});
