/**
 * Aggregates (CREATE AGGREGATE). Pure: compile, reverse, render (replayed
 * through the op facade), compare, the DSL and the refusal elsewhere, no database.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import { summarizeOperations } from "../../src/autogenerate/summary.js";
import { type Aggregate, aggregatesUnsupported } from "../../src/catalog/aggregates.js";
import type { Routine } from "../../src/catalog/routines.js";
import { type Catalog, emptyCatalog } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { KilnError } from "../../src/errors.js";
import { aggregateFromSpec, aggregateSpec } from "../../src/operations/facade-aggregates.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { aggregate, func, modelsToCatalog, sql } from "../../src/schema/index.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (ops: Operation[]): string[] => ops.flatMap(compilePostgres).map((s) => s.sql);

const step: Routine = {
  kind: "function",
  name: "_group_concat",
  arguments: [{ type: "text" }, { type: "text" }],
  returns: "text",
  language: "sql",
  body: "SELECT $1 || ', ' || $2",
  volatility: "immutable",
};

const groupConcat: Aggregate = { name: "group_concat", arguments: [{ type: "text" }], sfunc: { name: "_group_concat" }, stype: "text" };

const total: Aggregate = {
  schema: "app",
  name: "total",
  arguments: [{ name: "n", type: "integer" }],
  sfunc: { schema: "app", name: "int_add" },
  stype: "integer",
  combinefunc: { schema: "app", name: "int_add" },
  initcond: "0",
  msfunc: { schema: "app", name: "int_add" },
  minvfunc: { schema: "app", name: "int_sub" },
  mstype: "integer",
  minitcond: "0",
  parallel: "safe",
  comment: "it's a sum",
};

const rank: Aggregate = {
  schema: "app",
  name: "my_rank",
  arguments: [{ type: '"any"', mode: "variadic" }],
  kind: "hypothetical",
  directArguments: 1,
  sfunc: { schema: "pg_catalog", name: "ordered_set_transition_multi" },
  stype: "internal",
  finalfunc: { schema: "pg_catalog", name: "rank_final" },
  finalfuncExtra: true,
};

const median: Aggregate = {
  name: "median_of",
  arguments: [{ type: "double precision" }, { type: "double precision" }],
  kind: "ordered-set",
  directArguments: 1,
  sfunc: { schema: "pg_catalog", name: "ordered_set_transition" },
  stype: "internal",
  finalfunc: { schema: "pg_catalog", name: "percentile_cont_float8_final" },
};

describe("compile", () => {
  it("writes CREATE AGGREGATE with every option it has, names quoted, INITCOND a literal, and the comment after", () => {
    expect(sqlOf([{ kind: "createAggregate", aggregate: total }])).toEqual([
      `CREATE AGGREGATE "app"."total"("n" integer) (
    SFUNC = "app"."int_add",
    STYPE = integer,
    COMBINEFUNC = "app"."int_add",
    INITCOND = '0',
    MSFUNC = "app"."int_add",
    MINVFUNC = "app"."int_sub",
    MSTYPE = integer,
    MINITCOND = '0',
    PARALLEL = SAFE
)`,
      `COMMENT ON AGGREGATE "app"."total"(integer) IS 'it''s a sum'`,
    ]);
  });

  it("writes ORDER BY for ordered-set aggregates, repeating a VARIADIC argument that is both direct and aggregated", () => {
    expect(sqlOf([{ kind: "createAggregate", aggregate: rank }])[0]).toBe(`CREATE AGGREGATE "app"."my_rank"(VARIADIC "any" ORDER BY VARIADIC "any") (
    SFUNC = "pg_catalog"."ordered_set_transition_multi",
    STYPE = internal,
    FINALFUNC = "pg_catalog"."rank_final",
    FINALFUNC_EXTRA,
    HYPOTHETICAL
)`);
    expect(sqlOf([{ kind: "dropAggregate", name: "median_of", arguments: median.arguments, directArguments: 1, aggregateKind: "ordered-set" }])).toEqual([
      `DROP AGGREGATE "median_of"(double precision ORDER BY double precision)`,
    ]);
    expect(sqlOf([{ kind: "dropAggregate", name: "n", arguments: [] }])).toEqual([`DROP AGGREGATE "n"(*)`]);
  });

  it("writes SORTOP with OPERATOR(), and refuses what is not an operator name", () => {
    const biggest: Aggregate = { name: "biggest", arguments: [{ type: "integer" }], sfunc: { schema: "pg_catalog", name: "int4larger" }, stype: "integer", sortop: { schema: "pg_catalog", name: ">" } };
    expect(sqlOf([{ kind: "createAggregate", aggregate: biggest }])[0]).toContain(`SORTOP = OPERATOR("pg_catalog".>)`);
    expect(() => sqlOf([{ kind: "createAggregate", aggregate: { ...biggest, sortop: { name: "); DROP TABLE t; --" } } }])).toThrow(/is not an operator name/);
  });

  it("is refused by a database without aggregates, naming it", () => {
    expect(() => compileSqlite({ kind: "createAggregate", aggregate: groupConcat })).toThrow(KilnError);
    expect(() => compileSqlite({ kind: "createAggregate", aggregate: groupConcat })).toThrow(/createAggregate group_concat\(text\): SQLite has no CREATE AGGREGATE/);
    expect(aggregatesUnsupported("mysql", [groupConcat, total]).message).toMatch(/the models declare aggregates group_concat\(text\), app\.total\(integer\), but kiln supports user-defined aggregates \(CREATE AGGREGATE\) only on PostgreSQL, not on mysql/);
  });
});

describe("reverse and render", () => {
  it("a create reverses to a drop carrying the definition, and back; a comment change to the old comment", () => {
    const ops: Operation[] = [
      { kind: "createAggregate", aggregate: total },
      { kind: "commentAggregate", name: "group_concat", arguments: [{ type: "text" }], comment: "joined", existing: null },
    ];
    const reversed = reverseOperations(ops);
    expect(reversed).toEqual([
      { kind: "commentAggregate", name: "group_concat", arguments: [{ type: "text" }], comment: null, existing: "joined" },
      { kind: "dropAggregate", schema: "app", name: "total", arguments: total.arguments, old: total },
    ]);
    expect(reverseOperations(reversed)).toEqual(ops);
    expect(() => reverseOperations([{ kind: "dropAggregate", name: "group_concat", arguments: [{ type: "text" }] }])).toThrow(/the old aggregate definition is unknown/);
  });

  it("renders op calls that replay to the same operations, for every sort of aggregate", async () => {
    const ops: Operation[] = [total, rank, median, groupConcat].map((a): Operation => ({ kind: "createAggregate", aggregate: a }));
    ops.push(
      { kind: "dropAggregate", schema: "app", name: "my_rank", arguments: rank.arguments, directArguments: 1, aggregateKind: "hypothetical" },
      { kind: "commentAggregate", name: "median_of", arguments: median.arguments, directArguments: 1, aggregateKind: "ordered-set", comment: "p50", existing: null },
    );
    expect(await replay(renderOperations(ops))).toEqual(ops);
    for (const a of [total, rank, median, groupConcat]) expect(aggregateFromSpec(a.name, aggregateSpec(a) as never)).toEqual(a);
    expect(summarizeOperations(ops.slice(0, 1))).toContain("+ aggregate app.total(integer)");
  });
});

describe("compare", () => {
  const db = (extra: Partial<Catalog>): Catalog => ({ ...emptyCatalog(), ...extra });

  it("creates the state function before the aggregate, and drops the aggregate before it", () => {
    const wanted = db({ routines: [step], aggregates: [groupConcat] });
    const up = compareCatalogs(wanted, emptyCatalog());
    expect(up.operations.map((o) => o.kind)).toEqual(["createFunction", "createAggregate"]);
    expect(sqlOf(up.operations).at(-1)).toBe(`CREATE AGGREGATE "group_concat"(text) (\n    SFUNC = "_group_concat",\n    STYPE = text\n)`);
    const down = compareCatalogs(emptyCatalog(), wanted);
    expect(down.operations.map((o) => o.kind)).toEqual(["dropAggregate", "dropFunction"]);
    expect(compareCatalogs(wanted, wanted).operations).toEqual([]);
  });

  it("drops a changed aggregate before its state function when both are dropped and created again, and creates it after", () => {
    const database = db({ routines: [step], aggregates: [groupConcat] });
    // A new argument name: CREATE OR REPLACE cannot change it, so the function is dropped and created again too.
    const renamed: Routine = { ...step, arguments: [{ name: "acc", type: "text" }, { type: "text" }] };
    const diff = compareCatalogs(db({ routines: [renamed], aggregates: [{ ...groupConcat, initcond: "" }] }), database);
    expect(diff.operations.map((o) => o.kind)).toEqual(["dropAggregate", "dropFunction", "createFunction", "createAggregate"]);
    expect(reverseOperations(diff.operations).map((o) => o.kind)).toEqual(["dropAggregate", "dropFunction", "createFunction", "createAggregate"]);
  });

  it("drops and creates a changed aggregate, comments one whose comment alone changed, and compares types and defaults as PostgreSQL keeps them", () => {
    const database = db({ aggregates: [total] });
    const changed = compareCatalogs(db({ aggregates: [{ ...total, initcond: "10" }] }), database);
    expect(changed.operations).toEqual([
      { kind: "dropAggregate", schema: "app", name: "total", arguments: total.arguments, old: total },
      { kind: "createAggregate", aggregate: { ...total, initcond: "10" } },
    ]);
    const commented = compareCatalogs(db({ aggregates: [{ ...total, comment: "sum" }] }), database);
    expect(commented.operations).toEqual([{ kind: "commentAggregate", schema: "app", name: "total", arguments: total.arguments, comment: "sum", existing: "it's a sum" }]);
    // int4 is integer; read_only is the default final-function modify of a normal aggregate.
    const spelled: Aggregate = { ...total, arguments: [{ name: "n", type: "int4" }], stype: "int4", mstype: "INT", finalfuncModify: "read_only" };
    expect(compareCatalogs(db({ aggregates: [spelled] }), database).operations).toEqual([]);
  });

  it("warns when a view uses an aggregate it drops and creates again", () => {
    const database: Catalog = {
      ...db({ aggregates: [groupConcat] }),
      dependencies: [{ dependent: { kind: "view", name: "film_list" }, referenced: { kind: "aggregate", name: "group_concat(text)" } }],
    };
    const diff = compareCatalogs(db({ aggregates: [{ ...groupConcat, initcond: "" }] }), database);
    expect(diff.warnings.map((w) => w.message).join("\n")).toMatch(/aggregate group_concat\(text\) changes, so the revision drops it and creates it again; view film_list uses it/);
  });
});

describe("DSL", () => {
  it("declares an aggregate whose support functions are func()s of the models, or names", () => {
    const stepFn = func("_group_concat", { args: ["text", "text"], returns: "text", volatility: "immutable", body: sql`SELECT $1 || ', ' || $2` });
    const catalog = modelsToCatalog([
      {
        stepFn,
        groupConcat: aggregate("group_concat", { args: ["text"], sfunc: stepFn, stype: "text" }),
        rank: aggregate("my_rank", {
          schema: "app",
          kind: "hypothetical",
          args: [{ type: '"any"', mode: "variadic" }],
          orderBy: [{ type: '"any"', mode: "variadic" }],
          sfunc: "pg_catalog.ordered_set_transition_multi",
          stype: "internal",
          finalfunc: { schema: "pg_catalog", name: "rank_final" },
          finalfuncExtra: true,
          finalfuncModify: "read_write",
        }),
      },
    ]);
    expect(catalog.aggregates).toEqual([groupConcat, rank]);
    expect(catalog.schemas).toEqual(["app"]);
    expect(() => aggregate("bad", { args: ["text"], orderBy: ["text"], sfunc: "f", stype: "text" })).toThrow(/orderBy is for ordered-set and hypothetical aggregates/);
    expect(() => aggregate("bad", { args: ["integer"], sfunc: "f", stype: "integer", msfunc: "f" })).toThrow(/needs msfunc, minvfunc and mstype together/);
  });
});
