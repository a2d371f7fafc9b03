/**
 * User operators (PostgreSQL, issue 14). Pure: name validation, compile,
 * reverse, render (replayed through the op facade), compare, the DSL, the
 * survey's names, and the refusal on databases without operators.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import { summarizeOperations } from "../../src/autogenerate/summary.js";
import { catalogObjects, refKey } from "../../src/catalog/objects.js";
import { checkOperatorName, type Operator, operatorNameFromSurvey, operatorNameProblem, operatorsUnsupported } from "../../src/catalog/operators.js";
import type { Routine } from "../../src/catalog/routines.js";
import { type Catalog, emptyCatalog } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { compileOperation as compileSqlite } from "../../src/dialects/sqlite/compile.js";
import { KilnError } from "../../src/errors.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { func, modelsToCatalog, operator, sql } from "../../src/schema/index.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (ops: Operation[]): string[] => ops.flatMap(compilePostgres).map((s) => s.sql);

const reverseMatch: Operator = { name: "~<<", left: "text", right: "text", function: { name: "reverse_textregexeq" } };

const full: Operator = {
  schema: "app",
  name: "===",
  left: "app.point3",
  right: "app.point3",
  function: { schema: "app", name: "point3_eq" },
  commutator: { schema: "app", name: "===" },
  negator: { schema: "app", name: "!==" },
  restrict: { name: "eqsel" },
  join: { name: "eqjoinsel" },
  hashes: true,
  merges: true,
  comment: "same point",
};

const fn: Routine = {
  kind: "function",
  name: "reverse_textregexeq",
  arguments: [{ type: "text" }, { type: "text" }],
  returns: "boolean",
  language: "sql",
  body: " SELECT textregexeq($2, $1); ",
  volatility: "immutable",
  parallel: "safe",
};

const catalogWith = (extra: Partial<Catalog>): Catalog => ({ ...emptyCatalog(), ...extra });

describe("operator names", () => {
  it("takes PostgreSQL's operator symbols", () => {
    for (const name of ["~<<", "===", "@@@", "<->", "+", "-", "!", "&&", "|/", "?|", "@-@", "~-", "<#>", "`"]) expect(operatorNameProblem(name), name).toBeUndefined();
  });

  it("refuses what is not one, before it reaches SQL", () => {
    const hostile = [
      "",
      "~<< (text, text); DROP TABLE users; --",
      "a",
      "~<<)",
      '"',
      "'",
      ";",
      "<<--",
      "</*",
      "<+",
      "=-",
      "=>",
      "!=",
      "~".repeat(64),
      "~\u0000",
      " ~",
    ];
    for (const name of hostile) expect(operatorNameProblem(name), JSON.stringify(name)).toBeDefined();
    expect(() => checkOperatorName("~; DROP", "op")).toThrow(KilnError);
    expect(() => checkOperatorName(42, "op")).toThrow(/non-empty string/);
  });

  it("compile refuses a hostile name in a hand-written operation, and a hostile commutator", () => {
    expect(() => sqlOf([{ kind: "createOperator", operator: { ...reverseMatch, name: "~<< (text, text); DROP TABLE t; --" } }])).toThrow(KilnError);
    expect(() => sqlOf([{ kind: "dropOperator", name: "x", right: "text" }])).toThrow(/not an operator name/);
    expect(() => sqlOf([{ kind: "createOperator", operator: { ...reverseMatch, commutator: { name: ") ; DROP" } } }])).toThrow(/commutator/);
  });

  it("op.createOperator and operator() refuse one too", async () => {
    await expect(replay('await op.createOperator("~; x", { left: "text", right: "text", function: "f" });')).rejects.toThrow(/op.createOperator\("~; x"\)/);
    expect(() => operator("<-- ", { left: "text", right: "text", function: "f" })).toThrow(/operator\("<-- "\)/);
    expect(() => operator("~~~", { left: "text", right: "text", function: "f", negator: "~~~ OR 1=1" })).toThrow(/negator/);
  });
});

describe("compile", () => {
  it("creates an operator as pg_dump prints it, its comment apart", () => {
    expect(sqlOf([{ kind: "createOperator", operator: reverseMatch }])).toEqual([
      'CREATE OPERATOR ~<< (\n    FUNCTION = "reverse_textregexeq",\n    LEFTARG = text,\n    RIGHTARG = text\n)',
    ]);
    expect(sqlOf([{ kind: "createOperator", operator: full }])).toEqual([
      'CREATE OPERATOR "app".=== (\n    FUNCTION = "app"."point3_eq",\n    LEFTARG = app.point3,\n    RIGHTARG = app.point3,\n' +
        '    COMMUTATOR = OPERATOR("app".===),\n    NEGATOR = OPERATOR("app".!==),\n    MERGES,\n    HASHES,\n    RESTRICT = "eqsel",\n    JOIN = "eqjoinsel"\n)',
      `COMMENT ON OPERATOR "app".=== (app.point3, app.point3) IS 'same point'`,
    ]);
  });

  it("a prefix operator has NONE on the left, and no commutator", () => {
    const negate: Operator = { name: "-~", right: "integer", function: { name: "neg" } };
    expect(sqlOf([{ kind: "createOperator", operator: negate }])).toEqual(['CREATE OPERATOR -~ (\n    FUNCTION = "neg",\n    RIGHTARG = integer\n)']);
    expect(sqlOf([{ kind: "dropOperator", name: "-~", right: "integer" }])).toEqual(["DROP OPERATOR -~ (NONE, integer)"]);
    expect(() => sqlOf([{ kind: "createOperator", operator: { ...negate, commutator: { name: "-~" } } }])).toThrow(/prefix operator/);
  });

  it("drops by signature, alters RESTRICT / JOIN in place and the comment", () => {
    expect(sqlOf([{ kind: "dropOperator", schema: "app", name: "===", left: "app.point3", right: "app.point3" }])).toEqual(['DROP OPERATOR "app".=== (app.point3, app.point3)']);
    expect(
      sqlOf([{ kind: "alterOperator", name: "~<<", left: "text", right: "text", changes: { restrict: { name: "eqsel" }, join: null, comment: null } }]),
    ).toEqual(['ALTER OPERATOR ~<< (text, text) SET (RESTRICT = "eqsel", JOIN = NONE)', "COMMENT ON OPERATOR ~<< (text, text) IS NULL"]);
  });

  it("MySQL and SQLite refuse operator operations, naming the operator", () => {
    expect(() => compileSqlite({ kind: "createOperator", operator: reverseMatch })).toThrow(/createOperator ~<<\(text, text\): SQLite has no user operators/);
    expect(operatorsUnsupported("mysql", [reverseMatch]).message).toMatch(/models declare operator ~<<\(text, text\), but user operators \(CREATE OPERATOR\) are PostgreSQL's; mysql has none/);
  });
});

describe("reverse and render", () => {
  it("create and drop reverse each other; an alter restores what it changed", () => {
    const create: Operation = { kind: "createOperator", operator: full };
    const [drop] = reverseOperations([create]);
    expect(drop).toEqual({ kind: "dropOperator", schema: "app", name: "===", left: "app.point3", right: "app.point3", old: full });
    expect(reverseOperations([drop!])).toEqual([create]);
    expect(() => reverseOperations([{ kind: "dropOperator", name: "~<<", left: "text", right: "text" }])).toThrow(/old operator definition is unknown/);
    const alter: Operation = { kind: "alterOperator", schema: "app", name: "===", left: "app.point3", right: "app.point3", changes: { restrict: null, comment: "x" }, existing: full };
    const [back] = reverseOperations([alter]);
    const { restrict: _r, ...without } = full;
    expect(back).toEqual({ kind: "alterOperator", schema: "app", name: "===", left: "app.point3", right: "app.point3", changes: { restrict: { name: "eqsel" }, comment: "same point" }, existing: { ...without, comment: "x" } });
  });

  it("renders op calls that replay to the same operations", async () => {
    const ops: Operation[] = [
      { kind: "createOperator", operator: full },
      { kind: "createOperator", operator: reverseMatch },
      { kind: "alterOperator", name: "~<<", left: "text", right: "text", changes: { restrict: { schema: "app", name: "sel" }, join: null, comment: "c" } },
      { kind: "dropOperator", schema: "app", name: "===", left: "app.point3", right: "app.point3" },
    ];
    const code = renderOperations(ops);
    expect(code).toContain('await op.createOperator("~<<", { left: "text", right: "text", function: "reverse_textregexeq" });');
    expect(await replay(code)).toEqual(ops);
    expect(summarizeOperations(ops)).toEqual([
      "+ operator app.===(app.point3, app.point3)",
      "+ operator ~<<(text, text)",
      "~ operator ~<<(text, text): restrict sel, join none, comment \"c\"",
      "- operator app.===(app.point3, app.point3)",
    ]);
  });
});

describe("compare", () => {
  const db = catalogWith({ routines: [fn], operators: [reverseMatch] });

  it("creates a new operator after its function, and drops one before it", () => {
    const created = compareCatalogs(db, catalogWith({})).operations;
    expect(created.map((o) => o.kind)).toEqual(["createFunction", "createOperator"]);
    const dropped = compareCatalogs(catalogWith({}), db).operations;
    expect(dropped.map((o) => o.kind)).toEqual(["dropOperator", "dropFunction"]);
  });

  it("equal operators (types spelled otherwise) give nothing", () => {
    expect(compareCatalogs(catalogWith({ routines: [fn], operators: [{ ...reverseMatch, left: "TEXT" }] }), db).operations).toEqual([]);
  });

  it("a new function drops the operator and creates it again; RESTRICT, JOIN and the comment change in place", () => {
    const other: Routine = { ...fn, name: "other_match" };
    const model = catalogWith({ routines: [fn, other], operators: [{ ...reverseMatch, function: { name: "other_match" } }] });
    const ops = compareCatalogs(model, db).operations;
    expect(ops.map((o) => o.kind)).toEqual(["createFunction", "dropOperator", "createOperator"]);
    const altered = compareCatalogs(catalogWith({ routines: [fn], operators: [{ ...reverseMatch, restrict: { name: "eqsel" }, comment: "c" }] }), db).operations;
    expect(altered).toEqual([{ kind: "alterOperator", name: "~<<", left: "text", right: "text", changes: { restrict: { name: "eqsel" }, comment: "c" }, existing: reverseMatch }]);
  });

  it("a function dropped and created again takes its operator with it", () => {
    const model = catalogWith({ routines: [{ ...fn, arguments: [{ name: "a", type: "text" }, { name: "b", type: "text" }] }], operators: [reverseMatch] });
    const diff = compareCatalogs(model, { ...db, dependencies: [{ dependent: { kind: "operator", name: "~<<(text, text)" }, referenced: { kind: "function", name: "reverse_textregexeq(text, text)" } }] });
    expect(diff.operations.map((o) => o.kind)).toEqual(["dropOperator", "dropFunction", "createFunction", "createOperator"]);
    expect(diff.warnings).toEqual([]);
  });
});

describe("models and the survey's names", () => {
  it("operator() takes a func() of the models, and the Catalog holds it", () => {
    const reverseTextregexeq = func("reverse_textregexeq", { args: ["text", "text"], returns: "boolean", volatility: "immutable", parallel: "safe", body: sql` SELECT textregexeq($2, $1); ` });
    const match = operator("~<<", { left: "text", right: "text", function: reverseTextregexeq, restrict: "eqsel" });
    const catalog = modelsToCatalog([{ reverseTextregexeq, match }]);
    expect(catalog.operators).toEqual([{ ...reverseMatch, restrict: { name: "eqsel" } }]);
    expect(compareCatalogs(catalog, catalogWith({ routines: [fn], operators: [{ ...reverseMatch, restrict: { name: "eqsel" } }] })).operations).toEqual([]);
  });

  it("the survey's spelling of an operator matches the Catalog's, commutator and negator shells included", () => {
    expect(operatorNameFromSurvey("~<<(text\ntext)")).toBe("~<<(text, text)");
    expect(operatorNameFromSurvey("-~(NONE\ninteger)")).toBe("-~(NONE, integer)");
    const keys = new Set(catalogObjects(catalogWith({ operators: [{ ...reverseMatch, commutator: { name: ">>~" }, negator: { name: "!~<<" } }] })).map(refKey));
    for (const name of ["~<<(text, text)", ">>~(text, text)", "!~<<(text, text)"]) expect(keys.has(refKey({ kind: "operator", name }))).toBe(true);
  });
});
