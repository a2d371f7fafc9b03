/**
 * Functions, procedures and triggers (issue 12). Pure: compile, reverse,
 * render (replayed through the op facade), compare and the DSL, no database.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderOperations } from "../../src/autogenerate/render.js";
import { summarizeOperations } from "../../src/autogenerate/summary.js";
import { routineSignature, routineTypeKey, type Routine } from "../../src/catalog/routines.js";
import type { Trigger } from "../../src/catalog/triggers.js";
import { type Catalog, emptyCatalog } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { dollarQuote } from "../../src/dialects/postgres/compile/routines.js";
import { argumentDefault, splitArgumentList } from "../../src/dialects/postgres/introspect/routines.js";
import { whenCondition } from "../../src/dialects/postgres/introspect/triggers.js";
import { KilnError } from "../../src/errors.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { enumType, func, integer, modelsToCatalog, procedure, sql, table, timestamp, trigger } from "../../src/schema/index.js";
import { replay } from "../helpers/replay.js";

const sqlOf = (ops: Operation[]): string[] => ops.flatMap(compilePostgres).map((s) => s.sql);

const touch: Routine = {
  kind: "function",
  schema: "app",
  name: "touch",
  arguments: [],
  returns: "trigger",
  language: "plpgsql",
  body: "\nBEGIN\n  NEW.updated_at := now(); -- $function$ inside\n  RETURN NEW;\nEND\n",
  securityDefiner: true,
  config: [["search_path", "app, pg_temp"]],
  comment: "keeps updated_at",
};

const label: Routine = {
  kind: "function",
  name: "label",
  arguments: [
    { name: "s", type: "app.state" },
    { name: "sep", type: "text", default: "'-'::text" },
    { name: "n", type: "integer", mode: "out" },
  ],
  returns: "integer",
  language: "sql",
  body: "SELECT 1",
  volatility: "immutable",
  strict: true,
  parallel: "safe",
  cost: "5",
};

const closeTicket: Routine = {
  kind: "procedure",
  name: "close_ticket",
  arguments: [{ name: "ticket", type: "integer" }, { name: "closed", type: "boolean", mode: "inout", default: "false" }],
  language: "plpgsql",
  body: "BEGIN closed := true; END",
};

const stateChange: Trigger = {
  schema: "app",
  table: "tickets",
  name: "tickets_state",
  timing: "after",
  events: [{ event: "insert" }, { event: "update", columns: ["state", "amount"] }],
  forEach: "row",
  when: "(old.state IS DISTINCT FROM new.state)",
  function: { schema: "app", name: "touch" },
  args: ["it's", "b"],
  constraint: { deferrable: "deferred" },
  comment: "logs",
  enabled: "replica",
};

describe("compile", () => {
  it("writes CREATE FUNCTION with every attribute, the body between a dollar tag it does not contain, and the comment", () => {
    expect(sqlOf([{ kind: "createFunction", routine: touch }])).toEqual([
      'CREATE FUNCTION "app"."touch"()\n RETURNS trigger\n LANGUAGE plpgsql\n SECURITY DEFINER\n SET search_path TO app, pg_temp\nAS $function1$' + touch.body + "$function1$",
      `COMMENT ON FUNCTION "app"."touch"() IS 'keeps updated_at'`,
    ]);
    expect(sqlOf([{ kind: "createFunction", routine: label }])).toEqual([
      "SET LOCAL check_function_bodies = off",
      `CREATE FUNCTION "label"("s" app.state, "sep" text DEFAULT '-'::text, OUT "n" integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE STRICT PARALLEL SAFE COST 5\nAS $function$SELECT 1$function$`,
    ]);
  });

  it("names a routine by its input types in DROP and COMMENT, and writes procedures without RETURNS", () => {
    expect(sqlOf([{ kind: "dropFunction", name: "label", argumentTypes: ["app.state", "text"] }])).toEqual(['DROP FUNCTION "label"(app.state, text)']);
    expect(sqlOf([{ kind: "createProcedure", routine: { ...closeTicket, comment: "c" } }])).toEqual([
      `CREATE PROCEDURE "close_ticket"("ticket" integer, INOUT "closed" boolean DEFAULT false)\n LANGUAGE plpgsql\nAS $procedure$BEGIN closed := true; END$procedure$`,
      `COMMENT ON PROCEDURE "close_ticket"(integer, boolean) IS 'c'`,
    ]);
    expect(sqlOf([{ kind: "dropProcedure", name: "close_ticket", argumentTypes: ["integer", "boolean"] }])).toEqual(['DROP PROCEDURE "close_ticket"(integer, boolean)']);
  });

  it("replaces a definition with CREATE OR REPLACE, and only comments when only the comment changes", () => {
    const changed = { ...touch, body: "BEGIN RETURN NEW; END" };
    expect(sqlOf([{ kind: "replaceFunction", routine: changed, old: touch }])[0]).toMatch(/^CREATE OR REPLACE FUNCTION "app"\."touch"\(\)/);
    expect(sqlOf([{ kind: "replaceFunction", routine: { ...touch, comment: "new" }, old: touch }])).toEqual([`COMMENT ON FUNCTION "app"."touch"() IS 'new'`]);
  });

  it("writes CREATE CONSTRAINT TRIGGER with its clauses in PostgreSQL's order, its comment and its enabled state", () => {
    expect(sqlOf([{ kind: "createTrigger", trigger: stateChange }])).toEqual([
      `CREATE CONSTRAINT TRIGGER "tickets_state" AFTER INSERT OR UPDATE OF "state", "amount" ON "app"."tickets" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((old.state IS DISTINCT FROM new.state)) EXECUTE FUNCTION "app"."touch"('it''s', 'b')`,
      `COMMENT ON TRIGGER "tickets_state" ON "app"."tickets" IS 'logs'`,
      `ALTER TABLE "app"."tickets" ENABLE REPLICA TRIGGER "tickets_state"`,
    ]);
    const statement: Trigger = { table: "t", name: "ins", timing: "after", events: [{ event: "insert" }], forEach: "statement", function: { name: "f" }, referencing: { newTable: "inserted" } };
    expect(sqlOf([{ kind: "createTrigger", trigger: statement }, { kind: "dropTrigger", table: "t", name: "ins" }])).toEqual([
      `CREATE TRIGGER "ins" AFTER INSERT ON "t" REFERENCING NEW TABLE AS "inserted" FOR EACH STATEMENT EXECUTE FUNCTION "f"()`,
      `DROP TRIGGER "ins" ON "t"`,
    ]);
  });

  it("picks a dollar tag that does not occur in the body", () => {
    expect(dollarQuote("a $function$ b $function1$", "function")).toBe("$function2$a $function$ b $function1$$function2$");
    expect(dollarQuote("ends with $", "function")).toBe("$function$ends with $$function$");
  });

  it("refuses what PostgreSQL would refuse, naming the routine", () => {
    expect(() => sqlOf([{ kind: "createProcedure", routine: { ...closeTicket, volatility: "stable" } }])).toThrow(/procedure close_ticket\(integer, boolean\): a procedure takes no STABLE/);
    expect(() => sqlOf([{ kind: "createFunction", routine: { ...touch, config: [["bad name", "x"]] } }])).toThrow(KilnError);
    expect(() => sqlOf([{ kind: "createTrigger", trigger: { ...stateChange, events: [] } }])).toThrow(/give at least one event/);
  });
});

describe("reverse", () => {
  it("turns each operation into the one that restores the definition exactly", () => {
    const ops: Operation[] = [
      { kind: "createFunction", routine: touch },
      { kind: "replaceFunction", routine: { ...label, body: "SELECT 2" }, old: label },
      { kind: "createTrigger", trigger: stateChange },
      { kind: "createProcedure", routine: closeTicket },
    ];
    const reversed = reverseOperations(ops);
    expect(reversed).toEqual([
      { kind: "dropProcedure", name: "close_ticket", argumentTypes: ["integer", "boolean"], old: closeTicket },
      { kind: "dropTrigger", schema: "app", table: "tickets", name: "tickets_state", old: stateChange },
      { kind: "replaceFunction", routine: label, old: { ...label, body: "SELECT 2" } },
      { kind: "dropFunction", schema: "app", name: "touch", argumentTypes: [], old: touch },
    ]);
    expect(reverseOperations(reversed)).toEqual(ops);
  });

  it("refuses a drop or replace without the old definition", () => {
    expect(() => reverseOperations([{ kind: "dropFunction", name: "f", argumentTypes: [] }])).toThrow(/old definition is unknown/);
    expect(() => reverseOperations([{ kind: "replaceFunction", routine: touch }])).toThrow(/give "old"/);
    expect(() => reverseOperations([{ kind: "dropTrigger", table: "t", name: "x" }])).toThrow(/old trigger definition/);
  });
});

describe("render", () => {
  it("writes op calls that the op facade turns back into the same operations", async () => {
    const ops: Operation[] = [
      { kind: "createFunction", routine: touch },
      { kind: "createFunction", routine: label },
      { kind: "replaceFunction", routine: { ...label, body: "SELECT 2" }, old: label },
      { kind: "createProcedure", routine: closeTicket },
      { kind: "createTrigger", trigger: stateChange },
      { kind: "dropTrigger", schema: "app", table: "tickets", name: "tickets_state" },
      { kind: "dropFunction", name: "label", argumentTypes: ["app.state", "text"] },
      { kind: "dropProcedure", name: "close_ticket", argumentTypes: ["integer", "boolean"] },
    ];
    const code = renderOperations(ops);
    expect(code).toContain('await op.createTrigger("tickets_state", "tickets", {');
    expect(await replay(code)).toEqual(ops);
  });

  it("summarizes each change in one line", () => {
    expect(
      summarizeOperations([
        { kind: "replaceFunction", routine: { ...label, body: "SELECT 2" }, old: label },
        { kind: "createTrigger", trigger: stateChange },
        { kind: "dropFunction", schema: "app", name: "touch", argumentTypes: [] },
      ]),
    ).toEqual(["~ function label(app.state, text): body", "+ trigger tickets_state on app.tickets", "- function app.touch()"]);
  });
});

describe("signatures", () => {
  it("spells types one way: synonyms, modifiers, public and quotes", () => {
    expect(routineTypeKey("int")).toBe("integer");
    expect(routineTypeKey("varchar(20)")).toBe("character varying");
    expect(routineTypeKey("timestamptz")).toBe("timestamp with time zone");
    expect(routineTypeKey("public.film")).toBe("film");
    expect(routineTypeKey('"State"[]')).toBe('"State"[]');
    expect(routineTypeKey("setof Film")).toBe("SETOF film");
    expect(routineSignature(label)).toBe("label(app.state, text)");
  });

  it("reads defaults and WHEN conditions off what PostgreSQL prints", () => {
    expect(splitArgumentList("a integer, b text DEFAULT 'x, y'::text, VARIADIC c numeric(10,2)[] DEFAULT '{}'")).toEqual([
      "a integer",
      "b text DEFAULT 'x, y'::text",
      "VARIADIC c numeric(10,2)[] DEFAULT '{}'",
    ]);
    expect(argumentDefault("b text DEFAULT 'x DEFAULT y'::text")).toBe("'x DEFAULT y'::text");
    expect(argumentDefault("b text")).toBeUndefined();
    expect(whenCondition("CREATE TRIGGER t AFTER UPDATE ON public.t FOR EACH ROW WHEN (((new.x IS DISTINCT FROM old.x) AND (new.s <> ') x'::text))) EXECUTE FUNCTION f()")).toBe(
      "(new.x IS DISTINCT FROM old.x) AND (new.s <> ') x'::text)",
    );
    expect(whenCondition("CREATE TRIGGER t AFTER UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION f('WHEN (')")).toBeUndefined();
  });
});

describe("compare", () => {
  const db = (patch: Partial<Catalog>): Catalog => ({ ...emptyCatalog(), ...patch });

  it("finds nothing when only spellings differ (types, default casts, WHEN case and parentheses)", () => {
    const model = db({
      routines: [{ ...label, arguments: [{ name: "s", type: "app.state" }, { name: "sep", type: "TEXT", default: "'-'" }, { name: "n", type: "int4", mode: "out" }], returns: "int" }],
      triggers: [{ ...stateChange, events: [{ event: "update", columns: ["amount", "state"] }, { event: "insert" }], when: "OLD.state is distinct from NEW.state" }],
    });
    const database = db({ routines: [label], triggers: [stateChange] });
    expect(compareCatalogs(model, database).operations).toEqual([]);
  });

  it("replaces a changed body, rebuilds a changed result with the triggers that run the function, and drops what the models lack", () => {
    const trig: Trigger = { table: "t", name: "t_touch", timing: "before", events: [{ event: "update" }], forEach: "row", function: { schema: "app", name: "touch" } };
    const database = db({ routines: [touch, label], triggers: [trig] });
    const body = compareCatalogs(db({ routines: [{ ...touch, body: "BEGIN RETURN NULL; END" }, label], triggers: [trig] }), database).operations;
    expect(body.map((o) => o.kind)).toEqual(["replaceFunction"]);
    const result = compareCatalogs(db({ routines: [{ ...touch, returns: "event_trigger" }, label], triggers: [trig] }), database).operations;
    expect(result.map((o) => o.kind)).toEqual(["dropTrigger", "dropFunction", "createFunction", "createTrigger"]);
    const gone = compareCatalogs(db({ routines: [label] }), database).operations;
    expect(gone.map((o) => o.kind)).toEqual(["dropTrigger", "dropFunction"]);
  });

  it("takes the defaults and checks that call a rebuilt function off before and puts them back after", () => {
    const valid: Routine = { kind: "function", schema: "app", name: "valid", arguments: [{ name: "c", type: "text" }], returns: "boolean", language: "sql", body: "SELECT true" };
    const t = {
      schema: "app",
      name: "t",
      columns: [{ name: "c", type: "text", nullable: true, default: "app.valid('x'::text)::text" }, { name: "d", type: "text", nullable: true }],
      uniques: [],
      foreignKeys: [],
      checks: [{ name: "t_c_check", expression: "app.valid(c)" }, { name: "t_d_check", expression: "d <> ''::text" }],
      indexes: [],
    };
    const database = db({ tables: [t], routines: [valid] });
    const model = db({ tables: [t], routines: [{ ...valid, arguments: [{ name: "code", type: "text" }] }] });
    const diff = compareCatalogs(model, database);
    expect(diff.operations.map((o) => `${o.kind}${"column" in o ? ` ${o.column}` : ""}${o.kind === "dropConstraint" ? ` ${o.name}` : ""}`)).toEqual([
      "dropConstraint t_c_check",
      "alterColumn c",
      "dropFunction",
      "createFunction",
      "createCheckConstraint",
      "alterColumn c",
    ]);
    expect(diff.warnings).toEqual([]);
    expect(compareCatalogs(database, db({ tables: [t], routines: [valid] })).operations).toEqual([]);
  });

  it("keeps a function a cast uses, and says so", () => {
    const database: Catalog = {
      ...db({ routines: [label] }),
      dependencies: [{ dependent: { kind: "cast", name: "(app.state AS text)" }, referenced: { kind: "function", name: "label(app.state, text)" } }],
    };
    const diff = compareCatalogs(emptyCatalog(), database);
    expect(diff.operations).toEqual([]);
    expect(diff.warnings.map((w) => w.message).join("\n")).toMatch(/function label\(app\.state, text\) is not in the models, but cast \(app\.state AS text\)/);
  });
});

describe("DSL", () => {
  it("declares functions, procedures and triggers that become the Catalog introspection reads", () => {
    const state = enumType("state", ["a", "b"], { schema: "app" });
    const users = table("users", { id: integer().primaryKey(), updatedAt: timestamp("updated_at") }, { schema: "app" });
    const fn = func("touch", { schema: "app", returns: "trigger", language: "plpgsql", securityDefiner: true, searchPath: ["app", "pg_temp"], body: sql`BEGIN RETURN NEW; END` });
    const listing = func("list", { args: [{ name: "s", type: state, default: "'a'" }, "int"], returns: { table: { id: "integer", Name: "text" } }, volatility: "stable", body: "SELECT 1, 'x'" });
    const rows = func("rows", { returns: { setof: users }, body: "SELECT * FROM app.users" });
    const proc = procedure("p", { args: [{ name: "x", type: "integer", mode: "inout" }], language: "plpgsql", body: "BEGIN END" });
    const trg = trigger("users_touch", { table: users, timing: "before", events: [{ update: [users.updatedAt] }, "insert"], function: fn, when: sql`new.id > 0` });
    const catalog = modelsToCatalog([{ state, users, fn, listing, rows, proc, trg }]);
    expect(catalog.routines?.map((r) => [r.kind, r.schema, routineSignature(r), r.returns])).toEqual([
      ["function", undefined, "list(app.state, integer)", "TABLE(id integer, \"Name\" text)"],
      ["procedure", undefined, "p(integer)", undefined],
      ["function", undefined, "rows()", "SETOF app.users"],
      ["function", "app", "touch()", "trigger"],
    ]);
    expect(catalog.routines?.[3]).toMatchObject({ securityDefiner: true, config: [["search_path", "app, pg_temp"]], body: "BEGIN RETURN NEW; END" });
    expect(catalog.triggers).toEqual([
      {
        schema: "app",
        table: "users",
        name: "users_touch",
        timing: "before",
        events: [{ event: "insert" }, { event: "update", columns: ["updated_at"] }],
        forEach: "row",
        when: "new.id > 0",
        function: { schema: "app", name: "touch" },
      },
    ]);
    expect(catalog.schemas).toEqual(["app"]);
  });

  it("refuses what cannot be a routine or trigger, naming it", () => {
    expect(() => func("f", { returns: "integer" } as never)).toThrow(/func\("f"\): give its body/);
    expect(() => procedure("p", { body: "x", returns: "integer" } as never)).toThrow(/a procedure returns nothing/);
    expect(() => trigger("t", { table: "x", timing: "during" as never, events: ["insert"], function: "f" })).toThrow(/timing must be/);
    expect(() => trigger("t", { table: "x", timing: "after", events: ["select" as never], function: "f" })).toThrow(/an event must be/);
  });
});
