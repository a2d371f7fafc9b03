/**
 * Randomized round trip on PostgreSQL: schemas generated from a seed
 * (test/helpers/random-pg-schema.ts: several schemas, enums, identity, keys,
 * foreign keys across schemas, CHECKs, indexes, comments, rows, and the issue-11
 * properties that kiln models so far) are loaded into an empty database; kiln's
 * drop-everything revision and its downgrade must give back the same
 * `pg_dump --schema-only` (server) / Catalog (PGlite), through the real CLI.
 *
 * A failure prints its seed; KILN_RANDOM_SEED=<seed> replays it, KILN_RANDOM_SCHEMAS
 * sets how many schemas each target runs (default: 3 on the server, 1 on PGlite,
 * whose CLI runs are slower; about a minute in all).
 */
import { describe, expect, it } from "vitest";
import { describeRoundTrip, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { prng } from "../helpers/random.js";
import { randomPgSchema, type RandomSchemaFeatures } from "../helpers/random-pg-schema.js";

const FIRST_SEED = Number(process.env.KILN_RANDOM_SEED ?? 20261206);

/** The issue-11 properties kiln handles on main; the others stay off until their kind lands. */
const FEATURES: RandomSchemaFeatures = {
  partitions: true,
  deferrable: true,
  indexElementOptions: true,
  nullsNotDistinct: true,
  sequences: true,
  domains: true,
  generatedColumns: true,
  columnCollation: true,
  functionDefaults: true,
  tableStorage: true,
};

describe.each(pgRoundTripTargets())("random schemas round-trip exactly on %s", (target) => {
  const count = Number(process.env.KILN_RANDOM_SCHEMAS ?? (target === "server" ? 3 : 1));
  it(`${count} schemas from seed ${FIRST_SEED}`, { timeout: 600_000 }, async () => {
    for (let i = 0; i < count; i++) {
      const seed = FIRST_SEED + i;
      const { sql } = randomPgSchema(prng(seed), FEATURES);
      const result = await pgRoundTrip({ sql, target });
      const failure = result.failed !== undefined || result.diff !== "" || result.changedData.length > 0;
      if (failure) console.error(`random schema failed: seed ${seed} (rerun with KILN_RANDOM_SEED=${seed} KILN_RANDOM_SCHEMAS=1)\n${sql}`);
      expect(result.failed, `seed ${seed}: ${describeRoundTrip(result)}`).toBeUndefined();
      expect(result.changedData, `seed ${seed}`).toEqual([]);
      expect(result.diff, `seed ${seed}: ${describeRoundTrip(result)}`).toBe("");
    }
  });
});
