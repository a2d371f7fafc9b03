/**
 * Indexes and constraints with every option kiln models (issue 11), on the
 * PostgreSQL server and PGlite: test/fixtures/pg/own/indexes-constraints.sql
 * round-trips exactly (drop everything, then the downgrade), models that
 * declare it in the DSL give `kiln check` exit 0, and a single changed
 * property gives exactly the operations that change it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, createProject, type TestProject } from "../helpers/project.js";
import {
  describeRoundTrip,
  lineDiff,
  loadIntoPglite,
  loadWithPsql,
  pgRoundTrip,
  pgRoundTripTargets,
  type RoundTripTarget,
} from "../helpers/pg-roundtrip.js";
import { PG_TARGETS, readCatalog, schemaDump } from "./autogenerate-pg-support.js";

const FIXTURE = readFileSync(join(__dirname, "../fixtures/pg/own/indexes-constraints.sql"), "utf8");

describe.each(pgRoundTripTargets())("indexes and constraints on %s", (target) => {
  it("round-trips the fixture exactly: drop everything, then the downgrade restores it", async () => {
    const result = await pgRoundTrip({ sql: FIXTURE, target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.schemas).toEqual(["booking", "public"]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 180_000);
});

const MODELS = readFileSync(join(__dirname, "../fixtures/pg/own/indexes-constraints.models.ts"), "utf8");

/** The fixture loaded on `target`, a project whose models declare it, and kiln run there. */
async function withModels(target: RoundTripTarget, models: string, body: (kiln: (args: string[]) => Promise<CliResult>, project: TestProject, url: string) => Promise<void>): Promise<void> {
  const setup = PG_TARGETS.find((t) => t.server === (target === "server"))!;
  const db = await setup.setup();
  const project = createProject({ url: db.url, models, extraConfig: `schemas: ["booking", "public"],` });
  try {
    if (target === "server") await loadWithPsql(db.url, FIXTURE);
    else await loadIntoPglite(db.url, FIXTURE);
    await body((args) => project.kiln(args), project, db.url);
  } finally {
    project.remove();
    await db.cleanup();
  }
}

describe.each(pgRoundTripTargets())("indexes and constraints declared in models on %s", (target) => {
  it("kiln check finds the models and the loaded fixture equal", async () => {
    await withModels(target, MODELS, async (kiln) => {
      const result = await kiln(["check"]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    });
  }, 180_000);

  // One property changed in the models: exactly the operations that change it, and the downgrade restores the schema.
  const changes: { what: string; from: string; to: string; ops: RegExp[] }[] = [
    { what: "DESC", from: "desc(t.seats)", to: "t.seats", ops: [/dropIndex\("reservations_room_seats"/, /createIndex\("reservations_room_seats"/] },
    { what: "INCLUDE", from: ".include(t.email, t.region)", to: ".include(t.email)", ops: [/dropIndex\("accounts_created_desc"/, /createIndex\("accounts_created_desc"/] },
    {
      what: "deferrable",
      from: `deferrable: "deferred" }),\n    foreignKey({\n      name: "reservations_account_fkey"`,
      to: `}),\n    foreignKey({\n      name: "reservations_account_fkey"`,
      ops: [/dropConstraint\("reservations_room_fkey"/, /createForeignKey\("reservations_room_fkey"/],
    },
    {
      what: "NULLS NOT DISTINCT",
      from: `unique("accounts_code_key", { nullsNotDistinct: true })`,
      to: `unique("accounts_code_key")`,
      // The foreign key that points at the key is rebuilt with it (PostgreSQL will not drop a key in use).
      ops: [
        /dropConstraint\("reservations_account_fkey"/,
        /dropConstraint\("accounts_code_key"/,
        /createUniqueConstraint\("accounts_code_key"/,
        /createForeignKey\("reservations_account_fkey"/,
      ],
    },
    { what: "operator class", from: `opclass: "text_pattern_ops", `, to: "", ops: [/dropIndex\("accounts_code_pattern"/, /createIndex\("accounts_code_pattern"/] },
    { what: "exclusion operator", from: `"&&"])`, to: `"="])`, ops: [/dropConstraint\("reservations_no_overlap"/, /createExclusionConstraint\("reservations_no_overlap"/] },
  ];
  for (const change of changes) {
    it(`a changed ${change.what} is exactly that change, and its downgrade restores the schema`, async () => {
      expect(MODELS).toContain(change.from);
      await withModels(target, MODELS.replace(change.from, change.to), async (kiln, project, url) => {
        const before = await snapshot(target, url);
        const revision = await kiln(["revision", "--autogenerate", "-m", "change"]);
        expect(revision.code, revision.stdout + revision.stderr).toBe(0);
        const file = project.read(join("migrations", project.revisionFiles()[0]!));
        const upgrade = file.slice(file.indexOf("async upgrade"), file.indexOf("async downgrade"));
        const calls = upgrade.split("\n").filter((line) => /^\s*await op\./.test(line));
        expect(calls.length, upgrade).toBe(change.ops.length);
        for (const op of change.ops) expect(calls.filter((call) => op.test(call)), upgrade).toHaveLength(1);
        for (const args of [["upgrade", "head"], ["check"], ["downgrade", "-1"]]) {
          const step = await kiln(args);
          expect(step.code, `${args.join(" ")}: ${step.stdout}${step.stderr}`).toBe(0);
        }
        expect(lineDiff(before, await snapshot(target, url))).toBe("");
      });
    }, 240_000);
  }
});

/** pg_dump --schema-only (server) or the Catalog as JSON (PGlite), without kiln's own tables. */
async function snapshot(target: RoundTripTarget, url: string): Promise<string> {
  return target === "server" ? schemaDump(url) : JSON.stringify(await readCatalog(url), null, 2);
}
