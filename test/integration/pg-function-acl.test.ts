/**
 * EXECUTE for PUBLIC, PostgreSQL's default on functions and procedures, one
 * change at a time (`grants: true`), on the server (pg_dump with privileges)
 * and PGlite (the Catalog): revoked in the models, the revision revokes it and
 * its downgrade grants it back; granted back in the models, the reverse; the
 * default restated with grant("execute", fn, "public") changes nothing.
 */
import { describe, expect, it } from "vitest";
import { describeRoundTrip, expectExactlyTheseCalls, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";

const FIXTURE = `
CREATE SCHEMA app;
CREATE FUNCTION app.touch(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n';
CREATE FUNCTION app.secret() RETURNS integer LANGUAGE sql AS 'SELECT 1';
REVOKE ALL ON FUNCTION app.secret() FROM PUBLIC;
CREATE PROCEDURE app.tidy() LANGUAGE sql AS 'SELECT 1';
`;

const MODELS = `import { func, procedure, revokePublic } from "kiln-migrate/schema";

export const touch = func("touch", { schema: "app", args: [{ name: "n", type: "integer" }], returns: "integer", language: "sql", body: "SELECT n" });
export const secret = func("secret", { schema: "app", returns: "integer", language: "sql", body: "SELECT 1" });
export const secretPrivate = revokePublic(secret);
export const tidy = procedure("tidy", { schema: "app", language: "sql", body: "SELECT 1" });
`;

const CHANGES: { what: string; from: string; to: string; ops: RegExp[] }[] = [
  { what: "nothing changed", from: "", to: "", ops: [] },
  {
    what: "the default restated",
    from: "export const tidy",
    to: `import { grant } from "kiln-migrate/schema";\nexport const touchRun = grant("execute", touch, "public");\nexport const tidy`,
    ops: [],
  },
  { what: "revoked on a function", from: "export const tidy", to: "export const touchPrivate = revokePublic(touch);\nexport const tidy", ops: [/^await op\.revoke\(\["execute"\], \{ function: "touch\(integer\)", schema: "app" \}, "public"\);$/] },
  {
    what: "revoked on a procedure",
    from: `export const tidy = procedure("tidy", { schema: "app", language: "sql", body: "SELECT 1" });\n`,
    to: `export const tidy = procedure("tidy", { schema: "app", language: "sql", body: "SELECT 1" });\nexport const tidyPrivate = revokePublic(tidy);\n`,
    ops: [/^await op\.revoke\(\["execute"\], \{ procedure: "tidy\(\)", schema: "app" \}, "public"\);$/],
  },
  { what: "granted back", from: "export const secretPrivate = revokePublic(secret);\n", to: "", ops: [/^await op\.grant\(\["execute"\], \{ function: "secret\(\)", schema: "app" \}, "public"\);$/] },
];

describe.each(pgRoundTripTargets())("EXECUTE for PUBLIC on %s", (target) => {
  it.concurrent.each(CHANGES)("$what: exactly that change, and its downgrade restores the snapshot", async ({ from, to, ops }) => {
    expect(MODELS).toContain(from);
    const result = await pgRoundTrip({ sql: FIXTURE, target, models: MODELS.replace(from, to), schemas: ["app"], extraConfig: "grants: true,", privileges: true });
    expect(result.warnings, describeRoundTrip(result)).toEqual([]);
    expectExactlyTheseCalls(result, ops);
  }, 300_000);
});
