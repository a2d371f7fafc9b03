/**
 * Row-level security (issue 12): the own fixture test/fixtures/pg/own/rls.sql
 * (ENABLE, FORCE, FORCE alone, policies of every command, permissive and
 * restrictive, PUBLIC and named roles, USING, WITH CHECK, a subquery, a
 * comment) round-trips exactly with models that declare nothing (pg_dump on the
 * server, Catalog on PGlite); models declaring it give `kiln check` exit 0; and
 * one changed policy gives exactly one ALTER POLICY whose downgrade restores the dump.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, kilnOnFixture, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

const SQL = readFileSync(new URL("../fixtures/pg/own/rls.sql", import.meta.url), "utf8");
const MODELS = readFileSync(new URL("../fixtures/pg/own/rls.models.ts.txt", import.meta.url), "utf8");
const SCHEMAS = ["public", "rls_app"];
// The fixture's keys have PostgreSQL's own names.
const NAMING = `naming: { pk: "%(table)s_pkey", fk: "%(table)s_%(column_0_N)s_fkey" },\ngrants: true,`;

function upgradeBody(revision: string | undefined): string {
  return /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(revision ?? "")?.[1] ?? "";
}

describe.each(pgRoundTripTargets())("row-level security round trip on %s", (target) => {
  it("drops every policy and switch, and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: SQL, target, extraConfig: "grants: true,", privileges: true });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.before).toContain("rls_app.tenants {");
    // Grants go before their objects and come back after them.
    expect(upgradeBody(result.revision), result.revision).toMatch(/await op\.revoke\(\["select"\], \{ table: "tenants", schema: "rls_app" \}, "kiln_rls_reader", \{\s*withGrantOption: true,?\s*\}\);/);
    expect(result.revision).toContain('await op.grant(["update"], { table: "documents", schema: "rls_app", column: "body" }, "kiln_rls_reader");');
    const upgrade = upgradeBody(result.revision);
    expect(upgrade).toContain('await op.noForceRowLevelSecurity("settings", { schema: "rls_app" });');
    expect(upgrade).toContain('await op.disableRowLevelSecurity("audit");');
    expect(upgrade.indexOf('op.dropPolicy("tenant_isolation", "documents", { schema: "rls_app" })')).toBeLessThan(upgrade.indexOf('op.dropTable("documents"'));
    // The downgrade writes the database's text back, with every clause.
    expect(result.revision).toContain('as: "restrictive",\n      command: "delete",\n      using: "NOT published",');
    expect(result.revision).toContain('to: ["kiln_rls_reader", "kiln_rls_writer"],');
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe.each(PG_TARGETS)("models declaring the row-level security fixture on $name", (target) => {
  it("kiln check finds no difference", async () => {
    const result = await kilnOnFixture(target, { sql: SQL, models: MODELS, extraConfig: `schemas: ${JSON.stringify(SCHEMAS)},\n${NAMING}` });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 240_000);
});

describe.each(pgRoundTripTargets().filter((t) => t === "server"))("one changed policy on %s", (target) => {
  const changes: [string, string, string, RegExp][] = [
    [
      "a policy's USING",
      "using: sql`published`",
      "using: sql`published AND body IS NOT NULL`",
      /^\s*await op\.alterPolicy\("published_read", "documents", \{\s*schema: "rls_app",\s*using: "published AND body IS NOT NULL",?\s*\}\);$/,
    ],
    ["a policy's roles", `to: "kiln_rls_writer",\n  withCheck`, `to: ["kiln_rls_writer", "kiln_rls_reader"],\n  withCheck`, /^\s*await op\.alterPolicy\("insert_known_tenant", "documents", \{\s*schema: "rls_app",\s*to: \["kiln_rls_reader", "kiln_rls_writer"\],?\s*\}\);$/],
    ["a grant", `grant(["select", "insert", "update"], documents`, `grant(["select", "update"], documents`, /^\s*await op\.revoke\(\["insert"\], \{ table: "documents", schema: "rls_app" \}, "kiln_rls_writer"\);$/],
    ["FORCE switched off", `rowLevelSecurity: "force"`, "rowLevelSecurity: true", /^\s*await op\.noForceRowLevelSecurity\("documents", \{ schema: "rls_app" \}\);$/],
    ["permissive to restrictive (drop and create)", "table: audit, to:", `table: audit, as: "restrictive", to:`, /dropPolicy\("audit_writer", "audit"\);\n\s*await op\.createPolicy\("audit_writer", "audit", \{\n?\s*as: "restrictive"/],
  ];
  it.each(changes)("%s: exactly that change, and its downgrade restores the dump", async (_what, from, to, expected) => {
    expect(MODELS).toContain(from);
    const result = await pgRoundTrip({ sql: SQL, target, models: MODELS.replace(from, to), schemas: SCHEMAS, extraConfig: NAMING, privileges: true });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = upgradeBody(result.revision);
    expect(upgrade, result.revision).toMatch(expected);
    expect(upgrade.match(/await op\./g)?.length, upgrade).toBe(expected.source.includes("dropPolicy") ? 2 : 1);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
