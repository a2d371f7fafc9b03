/**
 * kiln pull's pure parts (src/pull/): names, the inferred naming convention,
 * what goes on a column and what is an extra, literal defaults, the config
 * edit, other tools' version tables; and the round trip that matters most:
 * the models written for a Catalog, loaded again, give that Catalog back.
 */
import { mkdtempSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyCatalog, type Catalog, type Table } from "../../src/catalog/types.js";
import { importModule } from "../../src/loader.js";
import { newConfigSource, updateConfigSource } from "../../src/pull/config-file.js";
import { inferNaming, renderModels } from "../../src/pull/index.js";
import { leftOutNotes } from "../../src/pull/left-out.js";
import { camelCase, propertyKeys } from "../../src/pull/names.js";
import { detectVersionTables } from "../../src/pull/version-tables.js";
import { STRICTEST_IDENTIFIER_LIMIT } from "../../src/schema/naming.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
import { REPO_ROOT } from "../helpers/project.js";

function table(name: string, rest: Partial<Table> = {}): Table {
  return { name, columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [], ...rest };
}

const PAGILA_LIKE: Catalog = {
  schemas: ["sales"],
  enums: [{ name: "mpaa_rating", values: ["G", "PG", "PG-13"] }],
  tables: [
    table("actor", {
      columns: [
        { name: "actor_id", type: "integer", nullable: false, identity: { always: true } },
        { name: "first_name", type: "varchar(45)", nullable: false },
        { name: "last_update", type: "timestamptz", nullable: false, default: "now()" },
      ],
      primaryKey: { name: "actor_pkey", columns: ["actor_id"] },
      indexes: [{ name: "idx_actor_last_name", columns: ["first_name"] }],
    }),
    table("film", {
      columns: [
        { name: "film_id", type: "integer", nullable: false, autoIncrement: true },
        { name: "rating", type: "mpaa_rating", nullable: true },
        { name: "rental_rate", type: "numeric(4,2)", nullable: false, default: "4.99" },
        { name: "title", type: "text", nullable: false, default: "'untitled'" },
        { name: "special_features", type: "text[]", nullable: true },
        { name: "fulltext", type: "tsvector", nullable: true },
        { name: "sequel_of", type: "integer", nullable: true },
      ],
      primaryKey: { name: "film_pkey", columns: ["film_id"] },
      uniques: [{ name: "film_title_key", columns: ["title"] }],
      foreignKeys: [{ name: "film_sequel_of_fkey", columns: ["sequel_of"], refTable: "film", refColumns: ["film_id"], onDelete: "set null" }],
      checks: [{ name: "film_rental_rate_check", expression: "rental_rate >= 0" }],
      indexes: [{ name: "film_lower_title", columns: [{ expression: "lower(title)" }], where: "rating IS NOT NULL" }, { name: "film_title_idx", columns: ["title"] }],
    }),
    table("film_actor", {
      columns: [
        { name: "actor_id", type: "integer", nullable: false },
        { name: "film_id", type: "integer", nullable: false },
      ],
      primaryKey: { name: "film_actor_pkey", columns: ["actor_id", "film_id"] },
      foreignKeys: [
        { name: "film_actor_actor_id_fkey", columns: ["actor_id"], refTable: "actor", refColumns: ["actor_id"] },
        { name: "film_actor_film_id_fkey", columns: ["film_id"], refTable: "film", refColumns: ["film_id"], deferrable: "deferred" },
      ],
    }),
    table("customer", { schema: "sales", primaryKey: { name: "customer_pkey", columns: ["id"] }, comment: "who rents" }),
  ],
};

describe("names", () => {
  it("camelCase from snake_case, PascalCase and upper case; digits first get an underscore", () => {
    expect(["rental_id", "AlbumId", "UPPER_NAME", "BusinessEntityID", "2fa_code", "bıgınt", "café"].map(camelCase)).toEqual([
      "rentalId", "albumId", "upperName", "businessEntityId", "_2faCode", "bgnt", "cafe",
    ]);
  });

  it("property keys stay unique and never take a key the table object keeps for itself", () => {
    expect(propertyKeys(["first_name", "FirstName", "columns", "class"])).toEqual(["firstName", "FirstName", "columns_", "class_"]);
  });
});

describe("inferNaming", () => {
  it("finds PostgreSQL's defaults and leaves out kinds kiln's default already explains", () => {
    expect(inferNaming(PAGILA_LIKE, STRICTEST_IDENTIFIER_LIMIT)).toEqual({
      pk: "%(table)s_pkey",
      fk: "%(table)s_%(column_0_N)s_fkey",
      uq: "%(table)s_%(column_0_N)s_key",
      ix: "%(table)s_%(column_0_N)s_idx",
    });
    const kiln: Catalog = { schemas: [], enums: [], tables: [table("t", { primaryKey: { name: "pk_t", columns: ["id"] } })] };
    expect(inferNaming(kiln, STRICTEST_IDENTIFIER_LIMIT)).toEqual({});
  });

  it("reads a convention off the database's own names when no common one explains them (Sakila's idx_fk_<column>)", () => {
    const ix = (name: string, column: string) => ({ name, columns: [{ column }] });
    const sakila: Catalog = {
      schemas: [],
      enums: [],
      tables: [
        table("address", { indexes: [ix("idx_fk_city_id", "city_id")] }),
        table("city", { indexes: [ix("idx_fk_country_id", "country_id")] }),
        table("film", { indexes: [ix("idx_fk_language_id", "language_id"), ix("idx_title", "title")] }),
        table("actor", { indexes: [ix("idx_actor_last_name", "last_name")] }),
      ],
    };
    expect(inferNaming(sakila, STRICTEST_IDENTIFIER_LIMIT)).toEqual({ ix: "idx_fk_%(column_0_N)s" });
    // A name that says nothing of its columns is no template (two indexes of a table would get one name).
    const constant: Catalog = { schemas: [], enums: [], tables: [table("a", { indexes: [ix("search", "x")] }), table("b", { indexes: [ix("search_b", "y")] })] };
    expect(inferNaming(constant, STRICTEST_IDENTIFIER_LIMIT)).toEqual({});
  });
});

describe("renderModels", () => {
  const naming = inferNaming(PAGILA_LIKE, STRICTEST_IDENTIFIER_LIMIT);
  const rendered = renderModels(PAGILA_LIKE, { limit: STRICTEST_IDENTIFIER_LIMIT, naming });
  const source = rendered.files[0]!.content;

  it("puts single-column keys and references on the column, names only where the convention differs", () => {
    expect(source).toContain('actorId: integer("actor_id").primaryKey().generatedAlwaysAsIdentity(),');
    expect(source).toContain('filmId: serial("film_id").primaryKey(),');
    expect(source).toContain('title: text().notNull().default("untitled").unique(),');
    expect(source).toContain('sequelOf: integer("sequel_of").references((): AnyColumn => film.filmId, { onDelete: "set null" }),');
    expect(source).toContain("primaryKey({ columns: [t.actorId, t.filmId] }),");
    expect(source).toContain('foreignKey({ columns: [t.filmId], foreignColumns: [film.filmId], deferrable: "deferred" }),');
    expect(source).toContain('index("idx_actor_last_name").on(t.firstName),');
    expect(source).toContain("index().on(t.title),");
    expect(source).not.toContain("film_actor_pkey");
  });

  it("writes types, literal defaults and SQL text as the DSL says them", () => {
    expect(source).toContain('export const mpaaRating = enumType("mpaa_rating", ["G", "PG", "PG-13"]);');
    expect(source).toContain("rating: mpaaRating(),");
    expect(source).toContain('rentalRate: numeric("rental_rate", { precision: 4, scale: 2 }).notNull().default(4.99),');
    expect(source).toContain('specialFeatures: text("special_features").array(),');
    expect(source).toContain('fulltext: customType("tsvector"),');
    expect(source).toContain('lastUpdate: timestamp("last_update", { withTimezone: true }).notNull().default(sql`now()`),');
    expect(source).toContain('check("film_rental_rate_check", sql`rental_rate >= 0`),');
    expect(source).toContain('index("film_lower_title").on(sql`lower(title)`).where(sql`rating IS NOT NULL`),');
    expect(source).toContain('{ schema: "sales", comment: "who rents" }');
  });

  it("splits by table with an index that re-exports every file, types apart", () => {
    const split = renderModels(PAGILA_LIKE, { limit: STRICTEST_IDENTIFIER_LIMIT, naming, split: "table" });
    expect(split.entry).toBe("index.ts");
    expect(split.files.map((f) => f.path).sort()).toEqual(["actor.ts", "customer.ts", "film.ts", "filmActor.ts", "index.ts", "types.ts"]);
    const filmActor = split.files.find((f) => f.path === "filmActor.ts")!.content;
    expect(filmActor).toContain('import { actor } from "./actor.js";');
    expect(filmActor).toContain('import { film } from "./film.js";');
  });

  it("escapes text that could end a literal or hide code", () => {
    const hostile: Catalog = {
      schemas: [],
      enums: [],
      tables: [table("t", { columns: [{ name: "a", type: "text", nullable: true, default: "'`${x}`\\\\'::text", comment: "ends\u202e here\n\"quoted\"" }] })],
    };
    const text = renderModels(hostile, { limit: null, naming: {} }).files[0]!.content;
    expect(text).toContain(".default(sql`'\\`\\${x}\\`\\\\\\\\'::text`)");
    expect(text).toContain('.comment("ends\\u{202e} here\\n\\"quoted\\"")');
  });

  it("round trip: the models written for a Catalog give that Catalog back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-pull-unit-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(REPO_ROOT, join(dir, "node_modules", "kiln-migrate"), "dir");
      writeFileSync(join(dir, "schema.ts"), source);
      const catalog = modelsToCatalog([await importModule(join(dir, "schema.ts"))], naming, STRICTEST_IDENTIFIER_LIMIT);
      const strip = (c: Catalog) => JSON.parse(JSON.stringify({ ...c, tables: c.tables.map((t) => ({ ...t, columns: t.columns.map(({ autoIncrement, ...col }) => ({ ...col, ...(autoIncrement ? { autoIncrement } : {}) })) })) }));
      expect(strip(catalog)).toEqual(strip(PAGILA_LIKE));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the config", () => {
  const settings = { models: "src/db/schema.ts", naming: { pk: "%(table)s_pkey" }, excludeTables: ["alembic_version"] };

  it("a new config carries the URL line, models, naming and excluded tables", () => {
    expect(newConfigSource('  url: "sqlite://app.db",', "migrations", settings)).toBe(
      'import { defineConfig } from "kiln-migrate";\n\nexport default defineConfig({\n  url: "sqlite://app.db",\n  migrations: "migrations",\n' +
        '  models: "src/db/schema.ts",\n  naming: { pk: "%(table)s_pkey" },\n  excludeTables: ["alembic_version"],\n});\n',
    );
  });

  it("an existing config keeps every other line; pull's keys are replaced or added", () => {
    const before = `import { defineConfig } from "kiln-migrate";

export default defineConfig({
  // where the database is
  url: process.env.DATABASE_URL,
  models: "src/old.ts",
  lockTimeoutMs: 2000
});
`;
    expect(updateConfigSource(before, settings)).toBe(`import { defineConfig } from "kiln-migrate";

export default defineConfig({
  // where the database is
  url: process.env.DATABASE_URL,
  models: "src/db/schema.ts",
  lockTimeoutMs: 2000,
  naming: { pk: "%(table)s_pkey" },
  excludeTables: ["alembic_version"],
});
`);
    expect(updateConfigSource(updateConfigSource(before, settings)!, settings)).toBe(updateConfigSource(before, settings));
    expect(updateConfigSource("module.exports = makeConfig();\n", settings)).toBeUndefined();
  });

  it("replaces the existing keys whatever the layout: one line, quoted keys, comments, strings holding braces", () => {
    const oneLine = `export default { dialect: "sqlite", url: "sqlite://x.db", models: "models.ts" }\n`;
    expect(updateConfigSource(oneLine, { models: "pulled.ts", naming: {} })).toBe(`export default { dialect: "sqlite", url: "sqlite://x.db", models: "pulled.ts" }\n`);
    expect(updateConfigSource(oneLine, { models: "models.ts", naming: { pk: "%(table)s_pkey" }, excludeTables: ["alembic_version"] })).toBe(
      `export default { dialect: "sqlite", url: "sqlite://x.db", models: "models.ts", naming: { pk: "%(table)s_pkey" }, excludeTables: ["alembic_version"] }\n`,
    );
    const odd = `export default defineConfig({ "models": ["a.ts", "b.ts"], /* models: x, } */ url: "a,} models: y", naming: { pk: "x" }, });\n`;
    expect(updateConfigSource(odd, { models: "m.ts", naming: { fk: "f" } })).toBe(
      `export default defineConfig({ "models": "m.ts", /* models: x, } */ url: "a,} models: y", naming: { fk: "f" }, });\n`,
    );
    const split = `export default {\n  url: "x", models:\n    "old.ts" // the models\n}\n`;
    expect(updateConfigSource(split, { models: "m.ts", naming: {} })).toBe(`export default {\n  url: "x", models: "m.ts" // the models\n}\n`);
    // Two keys of that name: not a plain object literal, so the user is told what to set.
    expect(updateConfigSource(`export default { models: "a", models: "b" }`, { models: "m.ts", naming: {} })).toBeUndefined();
  });
});

describe("other tools' version tables", () => {
  it("are found by name, TypeORM's and Rails' also by their columns", () => {
    expect(
      detectVersionTables([
        { name: "alembic_version" },
        { schema: "drizzle", name: "__drizzle_migrations" },
        { name: "migrations", columns: ["id", "timestamp", "name"] },
        { name: "migrations", columns: ["id", "title"] },
        { name: "schema_migrations", columns: ["version"] },
        { name: "users" },
      ]),
    ).toEqual([
      { tool: "Alembic", table: "alembic_version" },
      { tool: "drizzle-kit", schema: "drizzle", table: "__drizzle_migrations" },
      { tool: "TypeORM", table: "migrations" },
      { tool: "Rails (or golang-migrate)", table: "schema_migrations" },
    ]);
  });
});

describe("leftOutNotes", () => {
  it("names the candidates the Catalog does not hold, and only those", () => {
    const catalog = {
      ...emptyCatalog(),
      routines: [{ kind: "function", name: "touch", arguments: [{ name: "n", type: "integer" }], returns: "integer", language: "sql", body: "SELECT n" }],
      aggregates: [{ name: "total", arguments: [{ type: "int4" }], sfunc: { name: "add" }, stype: "integer" }],
    } as Catalog;
    const notes = leftOutNotes(catalog, [
      { kind: "function", name: "touch(integer)" },
      { kind: "aggregate", name: "total(integer)" },
      { kind: "aggregate", name: "group_concat(text)" },
      { kind: "operator", schema: "app", name: "~<<(text, text)" },
    ]);
    expect(notes).toEqual([
      "aggregate group_concat(text) is not modelled by kiln: it stays in the database and out of the models, and a database built from the models lacks it (keep its CREATE statement in a revision: op.execute)",
      "operator app.~<<(text, text) is not modelled by kiln: it stays in the database and out of the models, and a database built from the models lacks it (keep its CREATE statement in a revision: op.execute)",
    ]);
  });
});
