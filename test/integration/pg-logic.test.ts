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
import { describeRoundTrip, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";

const SQL = readFileSync(new URL("../fixtures/pg/own/logic.sql", import.meta.url), "utf8");

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
