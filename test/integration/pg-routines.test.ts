/**
 * Functions, procedures and triggers (issue 12): test/fixtures/pg/own/routines.sql
 * round-tripped with empty models (pg_dump identical on the server, Catalog
 * identical on PGlite), declared in the DSL (kiln check exit 0, and a database
 * built from the models dumps the same), and single changes (one body, one
 * trigger's WHEN) giving exactly that operation with a downgrade that restores
 * the dump.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";

const FIXTURE = readFileSync(new URL("../fixtures/pg/own/routines.sql", import.meta.url), "utf8");

describe.each(pgRoundTripTargets())("routines round trip on %s", (target) => {
  it("drops every function, procedure and trigger, and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: FIXTURE, target, keep: !!process.env.KEEP });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.revision).toMatch(/dropTrigger\("tickets_state_change", "tickets"/);
    expect(result.revision).toMatch(/dropFunction\("state_label"/);
    expect(result.revision).toMatch(/dropProcedure\("close_ticket"/);
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.changedData).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
