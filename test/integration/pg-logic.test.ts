/**
 * The combined own fixture of issue 12 (test/fixtures/pg/own/logic.sql): views on
 * views, a materialized view with a unique index, a trigger function used by many
 * tables, a constraint trigger, an enum used in a function signature, and policies
 * with USING and WITH CHECK, all in one schema. With models that declare nothing,
 * autogenerate writes a revision that runs and whose downgrade gives back the same
 * pg_dump (server) and Catalog (PGlite).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, kilnOnFixture, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

const SQL = readFileSync(new URL("../fixtures/pg/own/logic.sql", import.meta.url), "utf8");
const MODELS = readFileSync(new URL("../fixtures/pg/own/logic.models.ts.txt", import.meta.url), "utf8");
const SCHEMAS = ["public", "logic_app"];
// The fixture's keys have PostgreSQL's own names.
const CONFIG = `schemas: ${JSON.stringify(SCHEMAS)},\nnaming: { pk: "%(table)s_pkey", fk: "%(table)s_%(column_0_N)s_fkey" },`;

describe.each(pgRoundTripTargets())("the combined logic fixture on %s", (target) => {
  it("drops every view, function, trigger and policy with the tables, and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: SQL, target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    // What depends on something goes first: the views on views before the view they read, the policies
    // and triggers before their table, the function with the enum in its signature before the enum.
    const at = (text: string) => {
      const i = upgrade.indexOf(text);
      expect(i, `${text} in\n${upgrade}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(at('dropView("customer_balances"')).toBeLessThan(at('dropView("open_order_totals"'));
    expect(at('dropView("open_order_totals"')).toBeLessThan(at('dropView("open_orders"'));
    expect(at('dropPolicy("orders_tenant"')).toBeLessThan(at('dropTable("orders"'));
    expect(at('dropTrigger("orders_total_check"')).toBeLessThan(at('dropTable("orders"'));
    expect(at('dropFunction("is_open"')).toBeLessThan(at('dropEnum("order_state"'));
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe.each(PG_TARGETS)("models declaring the logic fixture on $name", (target) => {
  it("kiln check finds no difference", async () => {
    const result = await kilnOnFixture(target, { sql: SQL, models: MODELS, extraConfig: CONFIG });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 240_000);
});

describe.each(pgRoundTripTargets().filter((t) => t === "server"))("one change to the logic fixture's models on %s", (target) => {
  const changes: [string, string, string, RegExp][] = [
    ["a policy's USING", "using: sql`NOT logic_app.is_open(state)`", "using: sql`NOT logic_app.is_open(state) AND total > 0`", /^\s*await op\.alterPolicy\("orders_read_closed", "orders", \{\s*schema: "logic_app",\s*using: "NOT logic_app.is_open\(state\) AND total > 0",?\s*\}\);$/],
    ["a view's query", "COALESCE(t.total, (0)::numeric) AS open_total", "COALESCE(t.total, (1)::numeric) AS open_total", /^\s*await op\.replaceView\(\s*"customer_balances"/],
    ["a function's body", "NEW.updated_at := now();", "NEW.updated_at := clock_timestamp();", /^\s*await op\.replaceFunction\("touch"/],
    ["a trigger's WHEN", "when: sql`OLD.* IS DISTINCT FROM NEW.*`", "when: sql`OLD.total IS DISTINCT FROM NEW.total`", /dropTrigger\("orders_touch", "orders"[^\n]*\n\s*await op\.createTrigger\("orders_touch"/],
  ];
  it.each(changes)("%s: exactly that change, and its downgrade restores the dump", async (_what, from, to, expected) => {
    expect(MODELS).toContain(from);
    const result = await pgRoundTrip({ sql: SQL, target, models: MODELS.replace(from, to), schemas: SCHEMAS, extraConfig: CONFIG.split("\n")[1] });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    expect(upgrade, result.revision).toMatch(expected);
    expect(upgrade.match(/await op\./g)?.length, upgrade).toBe(expected.source.includes("dropTrigger") ? 2 : 1);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
