/**
 * Functions, procedures and triggers (issue 12): test/fixtures/pg/own/routines.sql
 * round-tripped with empty models (pg_dump identical on the server, Catalog
 * identical on PGlite), declared in the DSL (kiln check exit 0, and a database
 * built from the models dumps the same), and single changes (one body, one
 * trigger's WHEN) giving exactly that operation with a downgrade that restores
 * the dump; and the `--sql` script of a build from the models, run with psql.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createPgDatabase } from "../helpers/databases.js";
import { describeRoundTrip, kilnOnFixture, lineDiff, loadWithPsql, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { createProject } from "../helpers/project.js";
import { PG_TARGETS, schemaDump } from "./autogenerate-pg-support.js";

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

const MODELS = readFileSync(new URL("../fixtures/pg/own/routines.models.ts.txt", import.meta.url), "utf8");

describe.each(PG_TARGETS)("models declaring the routines fixture on $name", (target) => {
  it("kiln check finds no difference", async () => {
    const result = await kilnOnFixture(target, { sql: FIXTURE, models: MODELS, extraConfig: `schemas: ["public", "routines_app"],` });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).not.toMatch(/not modelled/);
  }, 240_000);
});

describe.each(pgRoundTripTargets())("one changed routine or trigger on %s", (target) => {
  const changes: { what: string; edits: [string, string][]; upgrade: RegExp[]; downgrade: RegExp }[] = [
    {
      what: "a function body",
      edits: [["SELECT code ~ '^T-[0-9]+$'", "SELECT code ~ '^T-[0-9]{1,9}$'"]],
      upgrade: [/^\s*await op\.replaceFunction\("valid_code", \{[\s\S]*body: "SELECT code ~ '\^T-\[0-9\]\{1,9\}\$'",[\s\S]*old: \{[\s\S]*body: "SELECT code ~ '\^T-\[0-9\]\+\$'"/],
      downgrade: /replaceFunction\("valid_code"[\s\S]*body: "SELECT code ~ '\^T-\[0-9\]\+\$'"/,
    },
    {
      what: "a trigger's WHEN",
      edits: [["NEW.amount >= 0", "NEW.amount > 0"]],
      upgrade: [/^\s*await op\.dropTrigger\("tickets_state_change", "tickets", \{ schema: "routines_app" \}\);/, /^\s*await op\.createTrigger\("tickets_state_change", "tickets", \{[\s\S]*when: "OLD\.state IS DISTINCT FROM NEW\.state AND NEW\.amount > 0"/],
      downgrade: /when: "\(old\.state IS DISTINCT FROM new\.state\) AND \(new\.amount >= \(0\)::numeric\)"/,
    },
    {
      // CREATE OR REPLACE cannot rename an argument: the function is dropped and created again, the check that calls it around it.
      what: "a function's argument name",
      edits: [
        [`args: [{ name: "code", type: "text" }],`, `args: [{ name: "c", type: "text" }],`],
        ["SELECT code ~ '^T-[0-9]+$'", "SELECT c ~ '^T-[0-9]+$'"],
      ],
      upgrade: [
        /^\s*await op\.dropConstraint\("tickets_code_check", "tickets", \{ schema: "routines_app", type: "check" \}\);/,
        /^\s*await op\.dropFunction\("valid_code", \{ schema: "routines_app", args: \["text"\] \}\);/,
        /^\s*await op\.createFunction\("valid_code", \{[\s\S]*name: "c"/,
        /^\s*await op\.createCheckConstraint\("tickets_code_check", "tickets", "routines_app\.valid_code\(code\)"/,
      ],
      downgrade: /createFunction\("valid_code", \{[\s\S]*name: "code"[\s\S]*comment: "codes look like T-123"/,
    },
  ];
  it.each(changes)("$what: exactly that change, and its downgrade restores the dump", async ({ edits, upgrade, downgrade }) => {
    let models = MODELS;
    for (const [from, to] of edits) {
      expect(models).toContain(from);
      models = models.replace(from, () => to);
    }
    const result = await pgRoundTrip({ sql: FIXTURE, target, models, schemas: ["public", "routines_app"] });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const up = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const down = /async downgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const calls = up.split(/\n(?=\s*await op\.)/);
    expect(calls.length, up).toBe(upgrade.length);
    calls.forEach((call, i) => expect(call).toMatch(upgrade[i]!));
    expect(down).toMatch(downgrade);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe.runIf(pgRoundTripTargets().includes("server"))("the routines fixture as an offline script (server)", () => {
  it("kiln upgrade head --sql, run with psql on an empty database, builds the fixture's schema", async () => {
    const loaded = await createPgDatabase();
    const built = await createPgDatabase();
    const project = createProject({ url: built.url, models: MODELS, extraConfig: `schemas: ["public", "routines_app"],` });
    try {
      await loadWithPsql(loaded.url, FIXTURE);
      const revision = await project.kiln(["revision", "--autogenerate", "-m", "build"]);
      expect(revision.code, revision.stdout + revision.stderr).toBe(0);
      const script = await project.kiln(["upgrade", "head", "--sql"]);
      expect(script.code, script.stderr).toBe(0);
      expect(script.stdout).toContain("AS $function$");
      await loadWithPsql(built.url, script.stdout);
      const [expected, actual] = await Promise.all([schemaDump(loaded.url), schemaDump(built.url)]);
      expect(lineDiff(expected, actual, ["loaded from SQL", "built by the --sql script"])).toBe("");
    } finally {
      project.remove();
      await Promise.all([loaded.drop(), built.drop()]);
    }
  }, 240_000);
});
