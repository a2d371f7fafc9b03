/**
 * Sequences (standalone, OWNED BY, serial and identity ones with their options
 * and values), domains, composite types, enums with comments in several
 * schemas, and extensions: a revision that drops them all and its downgrade
 * give back the same pg_dump, setval lines included (server), and the same
 * Catalog, sequence values included (PGlite).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/pg/own/${name}.sql`, import.meta.url), "utf8");

describe.each(pgRoundTripTargets())("types and sequences round trip on %s", (target) => {
  it("drops every sequence, domain, composite type and enum, and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: fixture("types-sequences"), target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.revision).toMatch(/dropSequence\("order_no"/);
    expect(result.revision).toMatch(/dropDomain\("email"/);
    expect(result.revision).toMatch(/dropCompositeType\("money_line"/);
    expect(result.revision).toMatch(/dropEnum\("currency"/);
    // Where each sequence stood is part of what is compared.
    expect(result.before).toMatch(target === "server" ? /setval\('app\.order_no', 1230, true\)/ : /"last": "1230"/);
    expect(result.before).toMatch(target === "server" ? /setval\('app\.orders_id_seq', 77, true\)/ : /"last": "77"/);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);

});

// kiln opens PGlite without contrib modules, so extensions round-trip on the server only.
describe.each(pgRoundTripTargets().filter((t) => t === "server"))("extensions round trip on %s", (target) => {
  it("drops extensions after what uses them and creates them back first", async () => {
    const result = await pgRoundTrip({ sql: fixture("types-extensions"), target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.revision).toMatch(/createExtension\("citext", \{ schema: "ext" \}\)/);
    // Members of an extension (citext's type and functions) are never dropped one by one.
    expect(result.revision).not.toMatch(/dropDomain\("citext"|dropCompositeType/);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
