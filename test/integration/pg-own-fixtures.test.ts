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

describe.each(pgRoundTripTargets())("own fixtures together on %s", (target) => {
  it(`round-trip exactly (${FILES.join(", ")})`, { timeout: 600_000 }, async () => {
    expect(FILES).toContain("tables.sql");
    const sql = FILES.map((f) => `-- ${f}\n${readFileSync(join(OWN, f), "utf8")}`).join("\n");
    const result = await pgRoundTrip({ sql, target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.changedData).toEqual([]);
    expect(result.schemas.length).toBeGreaterThan(1);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  });
});
