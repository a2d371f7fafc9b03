/**
 * User operators (issue 14): a schema with operators (a plain one with a
 * comment, a commutator/negator pair with RESTRICT and JOIN, a prefix
 * operator, one a check constraint uses, one a view uses) round-tripped with empty models
 * (pg_dump identical on the server, Catalog identical on PGlite), declared in
 * the DSL (kiln check exit 0), and single changes (a new operator, a new
 * function of one with the view on it around it, a new RESTRICT, one dropped)
 * giving exactly that with a downgrade that restores the dump; and the refusal on SQLite.
 */
import { describe, expect, it } from "vitest";
import { describeRoundTrip, editModels, kilnOnFixture, pgRoundTrip, pgRoundTripTargets, revisionCalls } from "../helpers/pg-roundtrip.js";
import { createProject } from "../helpers/project.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

const FIXTURE = `
CREATE SCHEMA ops_app;
CREATE FUNCTION ops_app.reverse_match(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $_$ SELECT textregexeq($2, $1); $_$;
CREATE FUNCTION ops_app.reverse_match_ci(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $_$ SELECT texticregexeq($2, $1); $_$;
CREATE FUNCTION ops_app.len_eq(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS $_$ SELECT length($1) = length($2) $_$;
CREATE FUNCTION ops_app.len_ne(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS $_$ SELECT length($1) <> length($2) $_$;
CREATE FUNCTION ops_app.negative_length(text) RETURNS integer LANGUAGE sql IMMUTABLE AS $_$ SELECT -length($1) $_$;
CREATE OPERATOR ops_app.~<< (FUNCTION = ops_app.reverse_match, LEFTARG = text, RIGHTARG = text);
COMMENT ON OPERATOR ops_app.~<< (text, text) IS 'pattern on the right, text on the left';
CREATE OPERATOR ops_app.=#= (FUNCTION = ops_app.len_eq, LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(ops_app.=#=), NEGATOR = OPERATOR(ops_app.<#>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR ops_app.<#> (FUNCTION = ops_app.len_ne, LEFTARG = text, RIGHTARG = text, COMMUTATOR = OPERATOR(ops_app.<#>), NEGATOR = OPERATOR(ops_app.=#=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR ops_app.#- (FUNCTION = ops_app.negative_length, RIGHTARG = text);
CREATE TABLE ops_app.codes (id integer PRIMARY KEY, code text, CONSTRAINT codes_code_check CHECK (code OPERATOR(ops_app.=#=) 'abc'));
CREATE VIEW ops_app.a_codes AS SELECT id, code FROM ops_app.codes WHERE code OPERATOR(ops_app.~<<) '^a';
`;

const MODELS = `import { table, primaryKey, check, integer, text, sql, func, operator, view } from "kiln-migrate/schema";

export const reverseMatch = func("reverse_match", { schema: "ops_app", args: ["text", "text"], returns: "boolean", volatility: "immutable", parallel: "safe", body: sql\` SELECT textregexeq($2, $1); \` });
export const reverseMatchCi = func("reverse_match_ci", { schema: "ops_app", args: ["text", "text"], returns: "boolean", volatility: "immutable", body: sql\` SELECT texticregexeq($2, $1); \` });
export const lenEq = func("len_eq", { schema: "ops_app", args: ["text", "text"], returns: "boolean", volatility: "immutable", strict: true, body: sql\` SELECT length($1) = length($2) \` });
export const lenNe = func("len_ne", { schema: "ops_app", args: ["text", "text"], returns: "boolean", volatility: "immutable", strict: true, body: sql\` SELECT length($1) <> length($2) \` });
export const negativeLength = func("negative_length", { schema: "ops_app", args: ["text"], returns: "integer", volatility: "immutable", body: sql\` SELECT -length($1) \` });

export const reverseMatchOp = operator("~<<", { schema: "ops_app", left: "text", right: "text", function: reverseMatch, comment: "pattern on the right, text on the left" });
export const lenEqOp = operator("=#=", { schema: "ops_app", left: "text", right: "text", function: lenEq, commutator: { schema: "ops_app", name: "=#=" }, negator: { schema: "ops_app", name: "<#>" }, restrict: "eqsel", join: "eqjoinsel" });
export const lenNeOp = operator("<#>", { schema: "ops_app", left: "text", right: "text", function: lenNe, commutator: { schema: "ops_app", name: "<#>" }, negator: lenEqOp, restrict: "neqsel", join: "neqjoinsel" });
export const negativeLengthOp = operator("#-", { schema: "ops_app", right: "text", function: negativeLength });
//NEW

export const codes = table("codes", {
  id: integer().notNull(),
  code: text(),
}, (t) => [primaryKey({ name: "codes_pkey", columns: [t.id] }), check("codes_code_check", sql\`code OPERATOR(ops_app.=#=) 'abc'::text\`)], { schema: "ops_app" });
export const aCodes = view("a_codes", sql\` SELECT id, code FROM ops_app.codes WHERE code OPERATOR(ops_app.~<<) '^a'\`, { schema: "ops_app" });
`;

describe.each(pgRoundTripTargets())("operators round trip on %s", (target) => {
  it("drops every operator (before its function) and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: FIXTURE, target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.revision).toMatch(/dropOperator\("~<<", \{ schema: "ops_app", left: "text", right: "text" \}\)[\s\S]*dropFunction\("reverse_match"/);
    expect(result.revision).toMatch(/dropOperator\("#-", \{ schema: "ops_app", right: "text" \}\)/);
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe.each(PG_TARGETS)("models declaring the operators on $name", (target) => {
  it("kiln check finds no difference", async () => {
    const result = await kilnOnFixture(target, { sql: FIXTURE, models: MODELS, extraConfig: `schemas: ["public", "ops_app"],` });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).not.toMatch(/not modelled/);
  }, 240_000);
});

describe.each(pgRoundTripTargets())("one changed operator on %s", (target) => {
  const changes: { what: string; edits: [string, string][]; upgrade: RegExp[]; downgrade: RegExp }[] = [
    {
      what: "a new operator",
      edits: [["//NEW", `export const ciOp = operator("~~<<", { schema: "ops_app", left: "text", right: "text", function: reverseMatchCi });`]],
      upgrade: [/^\s*await op\.createOperator\("~~<<", \{ schema: "ops_app", left: "text", right: "text", function: \{ schema: "ops_app", name: "reverse_match_ci" \} \}\);$/],
      downgrade: /await op\.dropOperator\("~~<<", \{ schema: "ops_app", left: "text", right: "text" \}\);/,
    },
    {
      what: "an operator's function (CREATE OPERATOR alone sets it)",
      edits: [["function: reverseMatch, comment", "function: reverseMatchCi, comment"]],
      // The view on it goes round it (PostgreSQL refuses the drop while it stands).
      upgrade: [
        /^\s*await op\.dropView\("a_codes", \{ schema: "ops_app" \}\);$/,
        /^\s*await op\.dropOperator\("~<<", \{ schema: "ops_app", left: "text", right: "text" \}\);$/,
        /^\s*await op\.createOperator\("~<<", \{[\s\S]*function: \{ schema: "ops_app", name: "reverse_match_ci" \},[\s\S]*comment: "pattern on the right, text on the left"/,
        /^\s*await op\.createView\("a_codes", /,
      ],
      downgrade: /createOperator\("~<<", \{[\s\S]*name: "reverse_match" \}/,
    },
    {
      what: "an operator's RESTRICT and comment (in place)",
      edits: [["function: reverseMatch, comment: \"pattern on the right, text on the left\"", `function: reverseMatch, restrict: "scalarltsel", comment: "changed"`]],
      upgrade: [/^\s*await op\.alterOperator\("~<<", \{ schema: "ops_app", left: "text", right: "text", restrict: "scalarltsel", comment: "changed" \}\);$/],
      downgrade: /alterOperator\("~<<", \{ schema: "ops_app", left: "text", right: "text", restrict: null, comment: "pattern on the right, text on the left" \}\)/,
    },
    {
      what: "an operator dropped",
      edits: [[`export const negativeLengthOp = operator("#-", { schema: "ops_app", right: "text", function: negativeLength });`, ""]],
      upgrade: [/^\s*await op\.dropOperator\("#-", \{ schema: "ops_app", right: "text" \}\);$/],
      downgrade: /await op\.createOperator\("#-", \{ schema: "ops_app", right: "text", function: \{ schema: "ops_app", name: "negative_length" \} \}\);/,
    },
  ];
  it.each(changes)("$what: exactly that change, and its downgrade restores the dump", async ({ edits, upgrade, downgrade }) => {
    const result = await pgRoundTrip({ sql: FIXTURE, target, models: editModels(MODELS, edits), schemas: ["public", "ops_app"] });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const calls = revisionCalls(result.revision, "upgrade");
    expect(calls.length, result.revision).toBe(upgrade.length);
    calls.forEach((call, i) => expect(call).toMatch(upgrade[i]!));
    expect(revisionCalls(result.revision, "downgrade").join(" ")).toMatch(downgrade);
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe("operators in models on a database without them", () => {
  it("kiln check on SQLite refuses them, naming the operator", { timeout: 60_000 }, async () => {
    const p = createProject({
      url: "sqlite::memory:",
      models: `import { table, integer, operator } from "kiln-migrate/schema";
export const t = table("t", { id: integer().notNull() });
export const reverseMatch = operator("~<<", { left: "text", right: "text", function: "reverse_textregexeq" });
`,
    });
    try {
      const result = await p.kiln(["check"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("the models declare operator ~<<(text, text), but user operators (CREATE OPERATOR) are PostgreSQL's; sqlite has none");
    } finally {
      p.remove();
    }
  });
});
