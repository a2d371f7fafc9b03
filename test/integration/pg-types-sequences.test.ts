/**
 * Sequences (standalone, OWNED BY, serial and identity ones with their options
 * and values), domains, composite types, enums with comments in several
 * schemas, and extensions: a revision that drops them all and its downgrade
 * give back the same pg_dump, setval lines included (server), and the same
 * Catalog, sequence values included (PGlite).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, kilnOnFixture, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/pg/own/${name}.sql`, import.meta.url), "utf8");

describe.each(pgRoundTripTargets())("types and sequences round trip on %s", (target) => {
  it("drops every sequence, domain, composite type and enum, and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: fixture("types-sequences"), target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.revision).toMatch(/dropSequence\("order_no"/);
    expect(result.revision).toMatch(/dropDomain\("email"/);
    expect(result.revision).toMatch(/dropCompositeType\("money_line"/);
    expect(result.revision).toMatch(/dropEnum\("currency"/);
    // kiln models every object of the fixture: none is named as unmodelled.
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    // Where each sequence stood is part of what is compared.
    expect(result.before).toMatch(target === "server" ? /setval\('types_app\.order_no', 1230, true\)/ : /"last": "1230"/);
    expect(result.before).toMatch(target === "server" ? /setval\('types_app\.orders_id_seq', 77, true\)/ : /"last": "77"/);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);

});

// kiln opens PGlite without contrib modules, so extensions round-trip on the server only.
describe.each(pgRoundTripTargets().filter((t) => t === "server"))("extensions round trip on %s", (target) => {
  it("drops extensions after what uses them and creates them back first", async () => {
    const result = await pgRoundTrip({ sql: readFileSync(new URL("../fixtures/pg/server-only/extensions.sql", import.meta.url), "utf8"), target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.revision).toMatch(/createExtension\("citext", \{ schema: "types_ext" \}\)/);
    // Members of an extension (citext's type and functions) are never dropped one by one.
    expect(result.revision).not.toMatch(/dropDomain\("citext"|dropCompositeType/);
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

const MODELS = readFileSync(new URL("../fixtures/pg/own/types-sequences.models.ts.txt", import.meta.url), "utf8");

describe.each(PG_TARGETS)("models declaring the types fixture on $name", (target) => {
  it("kiln check finds no difference", async () => {
    const result = await kilnOnFixture(target, { sql: fixture("types-sequences"), models: MODELS, extraConfig: `schemas: ["public", "types_app", "types_billing"],` });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 240_000);
});

describe.each(pgRoundTripTargets().filter((t) => t === "server"))("one changed property of the types fixture on %s", (target) => {
  const changes: [string, string, RegExp][] = [
    ["a sequence's increment", "increment: 10,", /alterSequence\("order_no", \{ schema: "types_app", increment: "20" \}\)/],
    ["a domain check", "length(VALUE) < 255", /dropDomainConstraint\("email", "email_short"[^\n]*\n\s*await op\.addDomainConstraint\("email", "email_short", "length\(VALUE\) < 100"/],
    ["an enum comment", `comment: "how it went"`, /setComment\("type", "types_mood", "how it was"\)/],
    ["a composite type attribute", `y: "double precision" }`, /addCompositeAttribute\("types_point2", "z", "double precision"\)/],
  ];
  const replacement: Record<string, string> = {
    "increment: 10,": "increment: 20,",
    "length(VALUE) < 255": "length(VALUE) < 100",
    [`comment: "how it went"`]: `comment: "how it was"`,
    [`y: "double precision" }`]: `y: "double precision", z: "double precision" }`,
  };
  it.each(changes)("%s: exactly that operation, and its downgrade restores the dump", async (_what, from, expected) => {
    expect(MODELS).toContain(from);
    const models = MODELS.replace(from, replacement[from]!);
    const result = await pgRoundTrip({ sql: fixture("types-sequences"), target, models, schemas: ["public", "types_app", "types_billing"] });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    expect(upgrade, result.revision).toMatch(expected);
    expect(upgrade.match(/await op\./g)?.length, upgrade).toBe(expected.source.includes("addDomainConstraint") ? 2 : 1);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
