/**
 * Aggregates (CREATE AGGREGATE): test/fixtures/pg/own/aggregates.sql
 * round-tripped with empty models (pg_dump identical on the server, Catalog
 * identical on PGlite), declared in the DSL (kiln check exit 0, nothing named
 * as not modelled), and single changes (a new aggregate, a new INITCOND, a
 * dropped aggregate, a new comment) giving exactly those operations, with a
 * downgrade that restores the dump; and the refusal of aggregate models on SQLite.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, editModels, kilnOnFixture, pgRoundTrip, pgRoundTripTargets, revisionCalls } from "../helpers/pg-roundtrip.js";
import { createProject } from "../helpers/project.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

const FIXTURE = readFileSync(new URL("../fixtures/pg/own/aggregates.sql", import.meta.url), "utf8");
const MODELS = readFileSync(new URL("../fixtures/pg/own/aggregates.models.ts.txt", import.meta.url), "utf8");
const SCHEMAS = ["public", "agg_app"];

describe.each(pgRoundTripTargets())("aggregates round trip on %s", (target) => {
  it("drops every aggregate (after the view using one, before their functions), and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: FIXTURE, target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const up = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const order = ["dropView(\"words\"", "dropAggregate(\"concat_all\"", "dropAggregate(\"total\"", "dropAggregate(\"my_rank\"", "dropFunction(\"concat_step\"", "dropFunction(\"int_add\""];
    for (const call of order) expect(up, call).toContain(call);
    expect(up.indexOf("dropView(\"words\"")).toBeLessThan(up.indexOf("dropAggregate(\"concat_all\""));
    expect(up.indexOf("dropAggregate(\"concat_all\"")).toBeLessThan(up.indexOf("dropFunction(\"concat_step\""));
    expect(up.indexOf("dropAggregate(\"total\"")).toBeLessThan(up.indexOf("dropFunction(\"int_add\""));
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe.each(PG_TARGETS)("models declaring the aggregates fixture on $name", (target) => {
  it("kiln check finds no difference and names nothing as not modelled", async () => {
    const result = await kilnOnFixture(target, { sql: FIXTURE, models: MODELS, extraConfig: `schemas: ${JSON.stringify(SCHEMAS)},` });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/no migration needed/);
    expect(result.stderr).not.toMatch(/not modelled/);
  }, 240_000);
});

describe.each(pgRoundTripTargets())("one changed aggregate on %s", (target) => {
  const changes: { what: string; edits: [string, string][]; upgrade: RegExp[]; downgrade: RegExp[] }[] = [
    {
      what: "a new aggregate",
      edits: [[`export const words = `, `export const sum8 = aggregate("sum8", { schema, args: ["bigint"], sfunc: "pg_catalog.int8pl", stype: "bigint", parallel: "safe" });\nexport const words = `]],
      upgrade: [/^\s*await op\.createAggregate\("sum8", \{ schema: "agg_app", args: \["bigint"\], sfunc: \{ schema: "pg_catalog", name: "int8pl" \}, stype: "bigint", parallel: "safe" \}\);$/],
      downgrade: [/^\s*await op\.dropAggregate\("sum8", \{ schema: "agg_app", args: \["bigint"\] \}\);$/],
    },
    {
      // CREATE AGGREGATE has no in-place change kiln uses: drop and create, each direction.
      what: "an INITCOND",
      edits: [[`  initcond: "0",`, `  initcond: "10",`]],
      upgrade: [/^\s*await op\.dropAggregate\("total", \{ schema: "agg_app", args: \["integer"\] \}\);$/, /^\s*await op\.createAggregate\("total", \{[\s\S]*initcond: "10",[\s\S]*minitcond: "0"/],
      downgrade: [/^\s*await op\.dropAggregate\("total", \{ schema: "agg_app", args: \["integer"\] \}\);$/, /^\s*await op\.createAggregate\("total", \{[\s\S]*initcond: "0",/],
    },
    {
      what: "a dropped aggregate",
      edits: [[`export const biggest = aggregate("biggest", { schema, args: ["integer"], sfunc: "pg_catalog.int4larger", stype: "integer", sortop: ">" });\n`, ""]],
      upgrade: [/^\s*await op\.dropAggregate\("biggest", \{ schema: "agg_app", args: \["integer"\] \}\);$/],
      downgrade: [/^\s*await op\.createAggregate\("biggest", \{ schema: "agg_app", args: \["integer"\], sfunc: \{ schema: "pg_catalog", name: "int4larger" \}, stype: "integer", sortop: ">" \}\);$/],
    },
    {
      what: "a comment",
      edits: [[`comment: "comma-separated, in brackets"`, `comment: "comma-separated"`]],
      upgrade: [/^\s*await op\.commentAggregate\("concat_all", "comma-separated", \{ schema: "agg_app", args: \["text"\], existing: "comma-separated, in brackets" \}\);$/],
      downgrade: [/^\s*await op\.commentAggregate\("concat_all", "comma-separated, in brackets", \{ schema: "agg_app", args: \["text"\], existing: "comma-separated" \}\);$/],
    },
  ];
  it.each(changes)("$what: exactly that change, and its downgrade restores the dump", async ({ edits, upgrade, downgrade }) => {
    const result = await pgRoundTrip({ sql: FIXTURE, target, models: editModels(MODELS, edits), schemas: SCHEMAS });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const calls = (fn: "upgrade" | "downgrade") => revisionCalls(result.revision, fn);
    expect(calls("upgrade").length, result.revision).toBe(upgrade.length);
    calls("upgrade").forEach((call, i) => expect(call).toMatch(upgrade[i]!));
    expect(calls("downgrade").length, result.revision).toBe(downgrade.length);
    calls("downgrade").forEach((call, i) => expect(call).toMatch(downgrade[i]!));
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe("aggregates on a database without them", () => {
  it("kiln check on SQLite refuses models that declare one, naming it", { timeout: 60_000 }, async () => {
    const p = createProject({
      url: "sqlite::memory:",
      models: `import { table, integer, aggregate } from "kiln-migrate/schema";
export const t = table("t", { id: integer().notNull() });
export const groupConcat = aggregate("group_concat", { args: ["text"], sfunc: "_group_concat", stype: "text" });
`,
    });
    try {
      const result = await p.kiln(["check"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("the models declare aggregate group_concat(text), but kiln supports user-defined aggregates (CREATE AGGREGATE) only on PostgreSQL, not on sqlite");
    } finally {
      p.remove();
    }
  });
});
