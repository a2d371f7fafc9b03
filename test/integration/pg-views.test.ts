/**
 * Views and materialized views (issue 12) on test/fixtures/pg/own/views.sql:
 * views on views in two schemas, check options, security_barrier, column lists,
 * comments on views and columns, a materialized view with a unique index and
 * one WITH NO DATA. A revision that drops them all (with the tables they use)
 * and its downgrade give back the same pg_dump (server) / Catalog (PGlite).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";

const fixture = readFileSync(new URL("../fixtures/pg/own/views.sql", import.meta.url), "utf8");

describe.each(pgRoundTripTargets())("views round trip on %s", (target) => {
  it("drops every view before the tables it uses, and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: fixture, target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const revision = result.revision ?? "";
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(revision)?.[1] ?? "";
    // Dependents first: a view on a view goes before it, every view before the tables.
    const at = (text: string) => upgrade.indexOf(text);
    expect(at('dropView("active_orders"')).toBeGreaterThan(-1);
    expect(at('dropView("active_orders"')).toBeLessThan(at('dropView("views_active_names"'));
    expect(at('dropView("views_active_names"')).toBeLessThan(at('dropView("views_active_users"'));
    expect(at('dropView("really_big_orders"')).toBeLessThan(at('dropView("views_big_orders"'));
    expect(at('dropMaterializedView("order_totals"')).toBeLessThan(at('dropTable("orders"'));
    expect(at('dropView("views_active_users"')).toBeLessThan(at('dropTable("views_users"'));
    // kiln models every object of the fixture: none is named as unmodelled.
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
