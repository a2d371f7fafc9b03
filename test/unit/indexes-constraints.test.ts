/**
 * Index and constraint options (issue 11) without a database: PostgreSQL
 * compile, reading pg_get_indexdef's element options, reverse, render (replayed
 * through the real `op` facade), equality, and MySQL/SQLite refusing what they
 * cannot express.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import { normalizeIndexElement } from "../../src/catalog/index-elements.js";
import type { Catalog, ExclusionConstraint, Index, Table } from "../../src/catalog/types.js";
import { compileOperation as compileMysql } from "../../src/dialects/mysql/compile.js";
import { EnumRegistry } from "../../src/dialects/mysql/enums.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { parseElementOptions, printedElements, storageParameters } from "../../src/dialects/postgres/introspect/indexes.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (op: Operation): string[] => compilePostgres(op).map((s) => s.sql);

function table(partial: Partial<Table> & { name: string }): Table {
  return { columns: [], uniques: [], foreignKeys: [], checks: [], indexes: [], ...partial };
}

const exclusion: ExclusionConstraint & { name: string } = {
  name: "no_overlap",
  method: "gist",
  elements: [
    { element: { expression: "int4range(room_id, room_id, '[]'::text)" }, operator: "=" },
    { element: "during", operator: "&&" },
  ],
  where: "NOT cancelled",
  deferrable: "deferred",
  comment: "one at a time",
};

describe("PostgreSQL compile: index options", () => {
  it("writes every element option, INCLUDE, NULLS NOT DISTINCT, WITH, TABLESPACE and the comment", () => {
    const index: Index & { name: string } = {
      name: "ix",
      columns: [
        { column: "code", collation: "C", opclass: "text_pattern_ops", descending: true, nulls: "last" },
        { expression: "lower(email)", collation: '"POSIX"' },
        { column: "search", opclass: "tsvector_ops", opclassParams: "siglen='100'" },
        { column: "id", nulls: "first" },
      ],
      unique: true,
      include: ["a", "b"],
      nullsNotDistinct: true,
      with: { fillfactor: "70" },
      tablespace: "fast",
      where: "email IS NOT NULL",
      comment: "it's here",
    };
    expect(sqlOf({ kind: "createIndex", schema: "s", table: "t", index })).toEqual([
      'CREATE UNIQUE INDEX "ix" ON "s"."t" ("code" COLLATE "C" text_pattern_ops DESC NULLS LAST, (lower(email)) COLLATE "POSIX", ' +
        `"search" tsvector_ops (siglen='100'), "id" NULLS FIRST) INCLUDE ("a", "b") NULLS NOT DISTINCT WITH (fillfactor='70') TABLESPACE "fast" WHERE email IS NOT NULL`,
      `COMMENT ON INDEX "s"."ix" IS 'it''s here'`,
    ]);
  });

  it("quotes names that are not already SQL names, and refuses parameters that are not name=value pairs", () => {
    const one = (columns: Index["columns"]) => sqlOf({ kind: "createIndex", table: "t", index: { name: "ix", columns } })[0];
    expect(one([{ column: "a", collation: "en_US.utf8" }])).toContain('"a" COLLATE "en_US.utf8"');
    expect(one([{ column: "a", collation: 'x"; DROP TABLE t; --' }])).toContain('COLLATE "x""; DROP TABLE t; --"');
    expect(one([{ column: "a", opclass: "public.gist_trgm_ops" }])).toContain('"a" public.gist_trgm_ops');
    expect(() => one([{ column: "a", opclass: "x", opclassParams: "1); DROP TABLE t; --" }])).toThrow(/not a list of name=value pairs/);
    expect(() => one([{ column: "a", opclassParams: "siglen=1" }])).toThrow(/need the operator class/);
    expect(() => sqlOf({ kind: "createIndex", table: "t", index: { name: "ix", columns: ["a"], with: { "x=1) --": "1" } } })).toThrow(/storage parameter name/);
  });
});

describe("PostgreSQL compile: constraint options", () => {
  it("writes DEFERRABLE, NULLS NOT DISTINCT, MATCH FULL, EXCLUDE inline; NOT VALID constraints and comments after CREATE TABLE", () => {
    const t = table({
      schema: "b",
      name: "r",
      columns: [{ name: "id", type: "integer", nullable: false }],
      primaryKey: { name: "r_pkey", columns: ["id"], deferrable: "immediate", comment: "key" },
      uniques: [{ name: "r_u", columns: ["id"], nullsNotDistinct: true, deferrable: "deferred" }],
      foreignKeys: [
        { name: "r_fk", columns: ["id"], refTable: "a", refColumns: ["id"], match: "full", onDelete: "cascade", deferrable: "deferred" },
        { name: "r_fk2", columns: ["id"], refTable: "a", refColumns: ["id"], notValid: true, comment: "later" },
      ],
      checks: [{ name: "r_ck", expression: "id > 0", notValid: true }],
      exclusions: [exclusion],
    });
    expect(sqlOf({ kind: "createTable", table: t })).toEqual([
      'CREATE TABLE "b"."r" (\n' +
        '  "id" integer NOT NULL,\n' +
        '  CONSTRAINT "r_pkey" PRIMARY KEY ("id") DEFERRABLE,\n' +
        '  CONSTRAINT "r_u" UNIQUE NULLS NOT DISTINCT ("id") DEFERRABLE INITIALLY DEFERRED,\n' +
        '  CONSTRAINT "r_fk" FOREIGN KEY ("id") REFERENCES "a" ("id") MATCH FULL ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n' +
        `  CONSTRAINT "no_overlap" EXCLUDE USING "gist" ((int4range(room_id, room_id, '[]'::text)) WITH =, "during" WITH &&) WHERE (NOT cancelled) DEFERRABLE INITIALLY DEFERRED\n` +
        ")",
      'ALTER TABLE "b"."r" ADD CONSTRAINT "r_fk2" FOREIGN KEY ("id") REFERENCES "a" ("id") NOT VALID',
      'ALTER TABLE "b"."r" ADD CONSTRAINT "r_ck" CHECK (id > 0) NOT VALID',
      `COMMENT ON CONSTRAINT "r_pkey" ON "b"."r" IS 'key'`,
      `COMMENT ON CONSTRAINT "r_fk2" ON "b"."r" IS 'later'`,
      `COMMENT ON CONSTRAINT "no_overlap" ON "b"."r" IS 'one at a time'`,
    ]);
  });

  it("adds an exclusion constraint and a NOT VALID check on their own, with their comments", () => {
    expect(sqlOf({ kind: "createExclusionConstraint", table: "r", constraint: { ...exclusion, deferrable: undefined, comment: undefined } })).toEqual([
      `ALTER TABLE "r" ADD CONSTRAINT "no_overlap" EXCLUDE USING "gist" ((int4range(room_id, room_id, '[]'::text)) WITH =, "during" WITH &&) WHERE (NOT cancelled)`,
    ]);
    expect(() =>
      sqlOf({ kind: "createExclusionConstraint", table: "r", constraint: { name: "x", method: "gist", elements: [{ element: "a", operator: "=; DROP" }] } }),
    ).toThrow(/is not an operator/);
    expect(sqlOf({ kind: "createCheckConstraint", table: "r", constraint: { name: "c", expression: "a > 0", notValid: true, comment: "c" } })).toEqual([
      'ALTER TABLE "r" ADD CONSTRAINT "c" CHECK (a > 0) NOT VALID',
      `COMMENT ON CONSTRAINT "c" ON "r" IS 'c'`,
    ]);
  });
});

describe("reading pg_get_indexdef", () => {
  it("finds the element list after USING, outside quotes, split at top-level commas", () => {
    expect(
      printedElements(`CREATE INDEX "x USING btree (" ON public.t USING btree (code COLLATE "C" text_pattern_ops DESC, f(a, 'x,)'), b) INCLUDE (c)`, "btree"),
    ).toEqual([`code COLLATE "C" text_pattern_ops DESC`, `f(a, 'x,)')`, "b"]);
  });

  it("reads the options after an element's key", () => {
    expect(parseElementOptions(` COLLATE "C" text_pattern_ops DESC NULLS LAST`, "ix")).toEqual({
      collation: '"C"',
      opclass: "text_pattern_ops",
      descending: true,
      nulls: "last",
    });
    expect(parseElementOptions(` public.gist_trgm_ops (siglen='32') NULLS FIRST`, "ix")).toEqual({
      opclass: "public.gist_trgm_ops",
      opclassParams: "siglen='32'",
      nulls: "first",
    });
    expect(parseElementOptions("", "ix")).toEqual({});
    expect(() => parseElementOptions(" something odd!", "ix")).toThrow(/could not read the options/);
    expect(storageParameters(["fillfactor=70", "buffering=auto"])).toEqual({ fillfactor: "70", buffering: "auto" });
  });

  it("normalizes elements: default orders left out, a column without options is its name", () => {
    expect(normalizeIndexElement({ column: "a", descending: false, nulls: "last" })).toBe("a");
    expect(normalizeIndexElement({ column: "a", descending: true, nulls: "first" })).toEqual({ column: "a", descending: true });
    expect(normalizeIndexElement({ expression: "f(a)", nulls: "first" })).toEqual({ expression: "f(a)", nulls: "first" });
  });
});


describe("reverse and render", () => {
  const richTable = table({
    schema: "b",
    name: "r",
    columns: [{ name: "id", type: "integer", nullable: false }],
    primaryKey: { name: "r_pkey", columns: ["id"], deferrable: "immediate", comment: "key" },
    uniques: [{ name: "r_u", columns: ["id"], nullsNotDistinct: true, deferrable: "deferred", comment: "u" }],
    foreignKeys: [{ name: "r_fk", columns: ["id"], refTable: "a", refColumns: ["id"], match: "full", notValid: true, deferrable: "deferred", comment: "f" }],
    checks: [{ name: "r_ck", expression: "id > 0", notValid: true, comment: "c" }],
    exclusions: [exclusion],
  });
  const richIndex: Index & { name: string } = {
    name: "ix",
    columns: [{ column: "id", collation: '"C"', opclass: "int4_ops", descending: true, nulls: "last" }, { expression: "lower(x)", nulls: "first" }],
    include: ["a"],
    nullsNotDistinct: true,
    unique: true,
    with: { fillfactor: "70" },
    tablespace: "fast",
    comment: "i",
  };

  it("a rendered createTable / createIndex replays through the facade with every option", async () => {
    const ops: Operation[] = [
      { kind: "createTable", table: richTable },
      { kind: "createIndex", schema: "b", table: "r", index: richIndex },
      { kind: "createExclusionConstraint", table: "r", constraint: exclusion },
      { kind: "createUniqueConstraint", table: "r", constraint: { name: "u2", columns: ["id"], nullsNotDistinct: true, deferrable: "deferred", comment: "u2" } },
      { kind: "createPrimaryKey", table: "r", constraint: { name: "pk2", columns: ["id"], deferrable: "immediate" } },
    ];
    const replayed = await replay(renderOperations(ops));
    expect(JSON.parse(JSON.stringify(replayed))).toEqual(JSON.parse(JSON.stringify(ops)));
  });

  it("dropping a table, an index or a constraint comes back with every option; NOT VALID stays NOT VALID", () => {
    const down = reverseOperations([
      { kind: "dropTable", schema: "b", table: "r", old: { ...richTable, indexes: [richIndex] } },
      { kind: "dropConstraint", table: "r", name: "no_overlap", type: "exclusion", old: { type: "exclusion", constraint: exclusion } },
    ]);
    expect(down).toEqual([
      { kind: "createExclusionConstraint", table: "r", constraint: exclusion },
      { kind: "createTable", table: { ...richTable, indexes: [] } },
      { kind: "createIndex", schema: "b", table: "r", index: richIndex },
    ]);
    const notValidFk = reverseOperations(
      reverseOperations([{ kind: "createForeignKey", table: "r", notValid: true, constraint: { name: "fk", columns: ["a"], refTable: "p", refColumns: ["id"] } }]),
    );
    expect(sqlOf(notValidFk[0]!)).toEqual(['ALTER TABLE "r" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "p" ("id") NOT VALID']);
  });
});

describe("compare", () => {
  const base = (index: Index, extra: Partial<Table> = {}): Catalog => ({
    schemas: [],
    enums: [],
    tables: [table({ name: "t", columns: [{ name: "a", type: "text", nullable: true }], indexes: [index], ...extra })],
  });

  it("sees a changed element option, INCLUDE, NULLS NOT DISTINCT and storage parameter as a changed index; equal spellings as equal", () => {
    const plain: Index = { name: "ix", columns: ["a"] };
    for (const changed of [
      { ...plain, columns: [{ column: "a", descending: true }] },
      { ...plain, columns: [{ column: "a", collation: '"C"' }] },
      { ...plain, columns: [{ column: "a", opclass: "text_pattern_ops" }] },
      { ...plain, include: ["a"] },
      { ...plain, nullsNotDistinct: true },
      { ...plain, with: { fillfactor: "70" } },
    ] as Index[]) {
      const ops = compareCatalogs(base(changed), base(plain)).operations;
      expect(ops.map((o) => o.kind), JSON.stringify(changed)).toEqual(["dropIndex", "createIndex"]);
    }
    const same: Index = { ...plain, columns: [{ column: "a", descending: false, nulls: "last" }] };
    expect(compareCatalogs(base(same), base(plain)).operations).toEqual([]);
    expect(compareCatalogs(base({ ...plain, columns: [{ column: "a", collation: "C" }] }), base({ ...plain, columns: [{ column: "a", collation: '"C"' }] })).operations).toEqual([]);
  });
});

describe("MySQL and SQLite refuse what they cannot express", () => {
  const index: Index & { name: string } = { name: "ix", columns: [{ column: "a", opclass: "x" }], include: ["b"] };
  it("names each option and what uses it", () => {
    const context = { enums: new EnumRegistry(), flavor: "mysql" as const };
    expect(() => compileMysql({ kind: "createIndex", table: "t", index }, context)).toThrow(
      /MySQL cannot express an operator class on an index element \(index ix on t\); INCLUDE columns \(index ix on t\)/,
    );
    expect(() => compileSqlite({ kind: "createExclusionConstraint", table: "t", constraint: exclusion })).toThrow(/SQLite cannot express an exclusion constraint/);
    expect(() =>
      compileSqlite({ kind: "createTable", table: table({ name: "t", columns: [{ name: "a", type: "integer", nullable: true }], checks: [{ name: "c", expression: "a > 0", notValid: true }] }) }),
    ).toThrow(/SQLite cannot express NOT VALID \(constraint c on t\)/);
  });
});
