/**
 * PostgreSQL's default EXECUTE for PUBLIC on functions and procedures
 * (catalog/grants.ts): never a grant of its own; revoked, a grant to `public`
 * with no privileges that compare turns into REVOKE (and the downgrade into
 * GRANT back). Without a database.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderMigrationBodies } from "../../src/autogenerate/render.js";
import type { Grant } from "../../src/catalog/grants.js";
import { isDefaultGrant, isRevokedDefault } from "../../src/catalog/grants.js";
import { emptyCatalog, type Catalog } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import { leftOutNotes } from "../../src/pull/left-out.js";
import { func, grant, modelsToCatalog, revokePublic, table, integer } from "../../src/schema/index.js";

const touch = { kind: "function" as const, schema: "app", name: "touch(integer)" };
const revoked: Grant = { on: touch, grantee: "public", privileges: [] };
const withGrants = (grants: Grant[]): Catalog => ({ ...emptyCatalog(), schemas: ["app"], grants });

describe("PUBLIC's default EXECUTE on a function", () => {
  it("a revoked default is revoked in the upgrade and granted back in the downgrade", () => {
    const ops = compareCatalogs(withGrants([revoked]), withGrants([])).operations;
    expect(ops).toEqual([{ kind: "revoke", on: touch, grantee: "public", privileges: ["EXECUTE"] }]);
    expect(ops.flatMap((op) => compilePostgres(op)).map((s) => s.sql)).toEqual([`REVOKE EXECUTE ON FUNCTION "app"."touch"(integer) FROM PUBLIC`]);
    expect(reverseOperations(ops).flatMap((op) => compilePostgres(op)).map((s) => s.sql)).toEqual([`GRANT EXECUTE ON FUNCTION "app"."touch"(integer) TO PUBLIC`]);
    const { upgrade, downgrade } = renderMigrationBodies(ops);
    expect(upgrade).toBe(`await op.revoke(["execute"], { function: "touch(integer)", schema: "app" }, "public");`);
    expect(downgrade).toBe(`await op.grant(["execute"], { function: "touch(integer)", schema: "app" }, "public");`);
    // And back: the database's revoked default, not in the models, is granted again.
    expect(compareCatalogs(withGrants([]), withGrants([revoked])).operations).toEqual([{ kind: "grant", on: touch, grantee: "public", privileges: ["EXECUTE"] }]);
    expect(compareCatalogs(withGrants([revoked]), withGrants([revoked])).operations).toEqual([]);
  });

  it("the default restated in the models is no grant; revokePublic takes a func() or names the function", () => {
    const touchFn = func("touch", { schema: "app", args: [{ name: "n", type: "integer" }], returns: "integer", language: "sql", body: "SELECT n" });
    const catalog = modelsToCatalog([{ touchFn, restated: grant("execute", touchFn, "public"), t: table("t", { id: integer() }), private: revokePublic({ procedure: "tidy()", schema: "app" }) }]);
    expect(catalog.grants).toEqual([{ on: { kind: "procedure", schema: "app", name: "tidy()" }, grantee: "public", privileges: [] }]);
    const viaObject = modelsToCatalog([{ touchFn, private: revokePublic(touchFn) }]);
    expect(viaObject.grants).toEqual([revoked]);
    expect(() => revokePublic({ table: "t" })).toThrow(/functions and procedures only/);
    expect(isDefaultGrant({ on: touch, grantee: "public", privileges: ["EXECUTE"] })).toBe(true);
    expect(isDefaultGrant({ on: touch, grantee: "public", privileges: ["EXECUTE"], withGrantOption: ["EXECUTE"] })).toBe(false);
    expect(isRevokedDefault(revoked)).toBe(true);
  });

  it("pull no longer names a revoked default the Catalog holds; it still names one it does not", () => {
    const candidate = { kind: "EXECUTE revoked from PUBLIC on function", schema: "app", name: "touch(integer)" };
    expect(leftOutNotes(withGrants([revoked]), [candidate])).toEqual([]);
    expect(leftOutNotes(emptyCatalog(), [candidate])).toEqual([expect.stringMatching(/^EXECUTE revoked from PUBLIC on function app\.touch\(integer\) is not modelled by kiln/)]);
  });
});
