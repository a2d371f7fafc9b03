/**
 * The object kinds of issue 11, one fixture file per kind in test/fixtures/pg/own/
 * (each written with the code that handles its kind, in schemas of its own), all
 * loaded together into one database and round-tripped through the real CLI:
 * a model that declares nothing, every schema listed, `revision --autogenerate`,
 * `upgrade head`, `downgrade -1`; `pg_dump --schema-only` (server) / the Catalog
 * (PGlite) must be identical, line for line. Together, so that kinds that only
 * meet in one database (a domain used by a partitioned table with a sequence...)
 * are ordered correctly, and so that no kind's file gets in another's way.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { REPO_ROOT } from "../helpers/project.js";

const OWN = join(REPO_ROOT, "test", "fixtures", "pg", "own");
const FILES = readdirSync(OWN)
  .filter((f) => f.endsWith(".sql"))
  .sort();

/** A file's text; two kinds may share a schema, so each creates it only if it is not there yet. */
function ownFile(file: string): string {
  return readFileSync(join(OWN, file), "utf8").replace(/^CREATE SCHEMA (?!IF NOT EXISTS)/gim, "CREATE SCHEMA IF NOT EXISTS ");
}


describe.each(pgRoundTripTargets())("own fixtures together on %s", (target) => {
  it(`round-trip exactly (${FILES.join(", ")})`, { timeout: 600_000 }, async () => {
    expect(FILES).toContain("tables.sql");
    const files = FILES;
    // PGlite loads the contrib extensions the files create (kiln's `pglite://...?extensions=`).
    const extensions = [...new Set(files.flatMap((f) => [...ownFile(f).matchAll(/^CREATE EXTENSION (?:IF NOT EXISTS )?"?([\w-]+)/gim)].map((m) => m[1]!)))];
    const sql = files.map((f) => `-- ${f}\n${ownFile(f)}`).join("\n");
    const result = await pgRoundTrip({ sql, target, pgliteExtensions: extensions });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.changedData).toEqual([]);
    expect(result.schemas.length).toBeGreaterThan(1);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  });
});
