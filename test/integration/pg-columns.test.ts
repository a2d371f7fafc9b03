/**
 * Columns on PostgreSQL (server 15 and PGlite 18), on kiln's own fixture
 * (test/fixtures/pg/own/columns.sql, with columns/server.sql or columns/pg18.sql): generated columns, collations, types
 * outside kiln's vocabulary, and defaults and expressions kept as written.
 * - With models that declare nothing, the revision drops everything and its
 *   downgrade gives back the same pg_dump (server) / Catalog (PGlite).
 * - Models that declare the fixture in the DSL give a clean `kiln check`.
 * - Changing one property (a collation, a generation expression, a default's
 *   text, a check's text) gives exactly the operation that changes it, written
 *   as the model says it, and its downgrade restores an identical dump.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProject } from "../helpers/project.js";
import { describeRoundTrip, lineDiff, loadIntoPglite, loadWithPsql, pgRoundTrip, pgRoundTripTargets, type RoundTripTarget } from "../helpers/pg-roundtrip.js";
import { PG_TARGETS, readCatalog, schemaDump } from "./autogenerate-pg-support.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "pg", "own");
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

function fixtureSql(target: RoundTripTarget): string {
  return `${read("columns.sql")}\n${read(target === "server" ? "columns/server.sql" : "columns/pg18.sql")}`;
}

interface Changes {
  codeCollation?: string;
  slugExpression?: string;
  createdAtDefault?: string;
  nameCheck?: string;
}

/** The fixture in the model DSL; `changes` alters one property. */
function models(target: RoundTripTarget, changes: Changes = {}): string {
  const extra =
    target === "server"
      ? `
export const cube = extension("cube", { schema: "own_cols_ext" });

export const shapes = schema("own_cols_app").table("shapes", {
  id: integer(),
  box: customType("own_cols_ext.cube"),
  boxes: customType("own_cols_ext.cube").array(),
  name: text().collate("de-x-icu"),
}, (t) => [primaryKey({ name: "shapes_pkey", columns: [t.id] })]);`
      : `
export const measures = schema("own_cols_app").table("measures", {
  id: integer(),
  cm: numeric().notNull(),
  inches: numeric().generatedAlwaysAs(sql\`cm / 2.54\`, { stored: false }),
}, (t) => [primaryKey({ name: "measures_pkey", columns: [t.id] })]);`;
  return `import { table, schema, integer, bigint, numeric, text, varchar, timestamp, date, jsonb, uuid, sql, check, index, primaryKey, customType, domain, extension, collation } from "kiln-migrate/schema";

export const bytewise = collation("bytewise", { schema: "own_cols_app", provider: "libc", locale: "C" });

export const posint = domain("posint", "integer", { schema: "own_cols_app", checks: { posint_check: sql\`VALUE > 0\` } });

export const mood = schema("own_cols_app").enumType("mood", ["happy", "sad"]);

export const items = schema("own_cols").table("items", {
  id: integer(),
  price: numeric({ precision: 10, scale: 2 }).notNull().default(sql\`0\`),
  qty: integer().notNull().default(1),
  total: numeric().generatedAlwaysAs(sql\`price * qty\`, { stored: true }),
  name: text().collate("C").notNull(),
  code: varchar(20).collate(${JSON.stringify(changes.codeCollation ?? "POSIX")}),
  label: text().collate("bytewise", { schema: "own_cols_app" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql\`${changes.createdAtDefault ?? "now()"}\`),
  updatedAt: timestamp("updated_at").default(sql\`CURRENT_TIMESTAMP\`),
  started: date().default(sql\`CURRENT_DATE\`),
  note: text().default("n/a"),
}, (t) => [
  primaryKey({ name: "items_pkey", columns: [t.id] }),
  check("items_name_check", sql\`${changes.nameCheck ?? "char_length(name) > 0"}\`),
  index("items_total_idx").on(t.total),
  index("items_lower_name_idx").on(sql\`lower(\${t.name})\`).where(sql\`qty > 0\`),
]);

export const docs = schema("own_cols_app").table("docs", {
  id: bigint().generatedAlwaysAsIdentity(),
  title: text().notNull(),
  body: text(),
  search: customType("tsvector").generatedAlwaysAs(sql\`to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))\`, { stored: true }),
  kind: customType('"char"').default(sql\`'a'\`),
  loc: customType("point"),
  trail: customType("point").array(),
  addr: customType("inet"),
  rowRef: customType("tid", "row_ref"),
  qty: customType("own_cols_app.posint"),
  qtys: customType("own_cols_app.posint").array(),
  mood: mood().default("happy"),
  flags: customType("bit(3)").default(sql\`B'101'\`),
  span: customType("interval day to second"),
  at: timestamp({ withTimezone: true, precision: 3 }).default(sql\`statement_timestamp()\`),
  uid: uuid().default(sql\`gen_random_uuid()\`),
  words: text().array().default(sql\`ARRAY['a', 'b']\`),
  meta: jsonb().notNull().default(sql\`'{}'::jsonb\`),
  slug: text().collate("C").generatedAlwaysAs(sql\`${changes.slugExpression ?? "lower(title)"}\`, { stored: true }),
}, (t) => [primaryKey({ name: "docs_pkey", columns: [t.id] }), index("docs_search_idx").using("gin").on(t.search)]);
${extra}
`;
}

const SCHEMAS = (target: RoundTripTarget) => (target === "server" ? ["own_cols", "own_cols_app", "own_cols_ext"] : ["own_cols", "own_cols_app"]);

async function snapshot(url: string, target: RoundTripTarget): Promise<string> {
  return target === "server" ? schemaDump(url) : JSON.stringify(await readCatalog(url), null, 1);
}

/** The `await op.xxx(` calls of a revision body, in order. */
function calls(body: string): string[] {
  return [...body.matchAll(/await op\.(\w+)\(/g)].map((m) => m[1]!);
}

function bodies(file: string): { upgrade: string; downgrade: string } {
  const up = file.indexOf("async upgrade(op)");
  const down = file.indexOf("async downgrade(op)");
  return { upgrade: file.slice(up, down), downgrade: file.slice(down) };
}

describe.each(pgRoundTripTargets())("columns fixture on %s", (target) => {
  it("drops everything with empty models and restores it exactly", async () => {
    const result = await pgRoundTrip({ sql: fixtureSql(target), target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.revision).toMatch(/dropTable/);
    expect(result.diff, describeRoundTrip(result)).toBe("");
    // The downgrade restores the database's own text.
    expect(result.revision).toContain(`default: "now()"`);
    expect(result.revision).toContain(`expression: "price * (qty)::numeric"`);
  }, 600_000);

  it("is declared by the DSL models, and each single change is exactly one operation that downgrades to an identical dump", async () => {
    const pgTarget = PG_TARGETS.find((t) => t.server === (target === "server"))!;
    const db = await pgTarget.setup();
    const project = createProject({ url: db.url, models: models(target), extraConfig: `schemas: ${JSON.stringify(SCHEMAS(target))},` });
    try {
      if (target === "server") await loadWithPsql(db.url, fixtureSql(target));
      else await loadIntoPglite(db.url, fixtureSql(target));
      const kiln = async (args: string[]) => {
        const result = await project.kiln(args);
        if (result.code !== 0 && args[0] !== "check") throw new Error(`kiln ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
        return result;
      };
      const clean = await kiln(["check"]);
      expect(clean.code, clean.stderr + clean.stdout).toBe(0);
      const original = await snapshot(db.url, target);

      const cases: { name: string; changes: Changes; upgrade: string[]; contains: string[]; downgradeContains: string[] }[] = [
        { name: "collation", changes: { codeCollation: "C" }, upgrade: ["alterColumn"], contains: [`collation: "C"`], downgradeContains: [`collation: "POSIX"`] },
        {
          name: "default",
          changes: { createdAtDefault: "clock_timestamp()" },
          upgrade: ["alterColumn"],
          contains: [`default: "clock_timestamp()"`],
          downgradeContains: [`default: "now()"`],
        },
        {
          name: "check",
          changes: { nameCheck: "char_length(name) > 1" },
          upgrade: ["dropConstraint", "createCheckConstraint"],
          contains: [`"char_length(name) > 1"`],
          downgradeContains: [`"char_length(name) > 0"`],
        },
        {
          name: "generated",
          changes: { slugExpression: "upper(title)" },
          upgrade: ["dropColumn", "addColumn"],
          contains: [`expression: "upper(title)"`, `collation: "C"`],
          downgradeContains: [`expression: "lower(title)"`],
        },
      ];
      for (const c of cases) {
        project.write("schema.ts", models(target, c.changes));
        await kiln(["revision", "--autogenerate", "-m", c.name]);
        const file = project.revisionFiles().find((f) => f.endsWith(`_${c.name}.ts`))!;
        const { upgrade, downgrade } = bodies(project.read(join("migrations", file)));
        expect(calls(upgrade), `${c.name}:\n${upgrade}`).toEqual(c.upgrade);
        for (const text of c.contains) expect(upgrade, c.name).toContain(text);
        for (const text of c.downgradeContains) expect(downgrade, c.name).toContain(text);
        await kiln(["upgrade", "head"]);
        const after = await kiln(["check"]);
        expect(after.code, `${c.name}: ${after.stderr}${after.stdout}`).toBe(0);
        await kiln(["downgrade", "-1"]);
        const restored = await snapshot(db.url, target);
        expect(lineDiff(original, restored), c.name).toBe("");
        rmSync(join(project.dir, "migrations", file));
      }
    } finally {
      project.remove();
      await db.cleanup();
    }
  }, 900_000);

  it("builds the fixture's schema from the models on an empty database (autogenerate + upgrade head)", async () => {
    const pgTarget = PG_TARGETS.find((t) => t.server === (target === "server"))!;
    const [loaded, built] = await Promise.all([pgTarget.setup(), pgTarget.setup()]);
    const project = createProject({ url: built.url, models: models(target), extraConfig: `schemas: ${JSON.stringify(SCHEMAS(target))},` });
    try {
      if (target === "server") await loadWithPsql(loaded.url, fixtureSql(target));
      else await loadIntoPglite(loaded.url, fixtureSql(target));
      // The models create the fixture's collation too (before the column that uses it).
      for (const args of [["revision", "--autogenerate", "-m", "build"], ["upgrade", "head"]]) {
        const result = await project.kiln(args);
        expect(result.code, `kiln ${args.join(" ")}:\n${result.stderr}${result.stdout}`).toBe(0);
      }
      // Where a sequence stands is data (the fixture inserts rows), not schema: left out here.
      const schemaOnly = async (url: string) =>
        target === "server" ? schemaDump(url) : JSON.stringify(await readCatalog(url), (key, value) => (key === "sequence" && Object.keys(value).every((k) => k === "name" || k === "value") ? undefined : key === "value" && value?.last !== undefined ? undefined : value), 1);
      expect(lineDiff(await schemaOnly(loaded.url), await schemaOnly(built.url), ["loaded from SQL", "built from models"])).toBe("");
    } finally {
      project.remove();
      await Promise.all([loaded.cleanup(), built.cleanup()]);
    }
  }, 600_000);
});
