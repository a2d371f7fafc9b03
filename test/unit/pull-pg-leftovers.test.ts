/**
 * Issue 14's leftovers for `kiln pull` on PostgreSQL, the pure parts: which
 * string defaults are written as JavaScript strings (postgresStringDefault),
 * grants and schema comments in the pulled models (renderModels), schema
 * comments compared (compareSchemaComments), and the models written loading
 * back to the same grants and comments.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSchemaComments } from "../../src/autogenerate/compare/schema-comments.js";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { compilePostgres } from "../../src/dialects/postgres/compile.js";
import { postgresStringDefault } from "../../src/dialects/postgres/string-default.js";
import { importModule } from "../../src/loader.js";
import { reverseOperation } from "../../src/operations/reverse.js";
import { renderModels } from "../../src/pull/index.js";
import { modelsToCatalog } from "../../src/schema/to-catalog.js";
import { REPO_ROOT } from "../helpers/project.js";

describe("postgresStringDefault", () => {
  it("takes the cast PostgreSQL adds to a plain literal of the column's type, and nothing else", () => {
    expect(postgresStringDefault("'active'::character varying", "varchar(20)")).toBe("active");
    expect(postgresStringDefault("'active'::character varying", "varchar")).toBe("active");
    expect(postgresStringDefault("'abc'::bpchar", "char(3)")).toBe("abc");
    expect(postgresStringDefault("'it''s'::text", "text")).toBe("it's");
    expect(postgresStringDefault("''::text", "text")).toBe("");
    expect(postgresStringDefault("'a\nb'::text", "text")).toBe("a\nb");
    expect(postgresStringDefault("'happy'::app.mood", "app.mood")).toBe("happy");
    // Written with a cast of another type, or not a plain literal: not a string default.
    expect(postgresStringDefault("'x'::text", "varchar(5)")).toBeUndefined();
    expect(postgresStringDefault("('a'::text || 'b'::text)", "text")).toBeUndefined();
    expect(postgresStringDefault("'a'::text || 'b'::text", "text")).toBeUndefined();
    expect(postgresStringDefault("'a'", "text")).toBeUndefined();
  });
});

describe("schema comments compared", () => {
  const catalog = (schemas: string[], schemaComments?: Record<string, string>): Catalog => ({ schemas, tables: [], enums: [], ...(schemaComments ? { schemaComments } : {}) });
  it("sets the model's comment where the database says otherwise, and removes one the models do not say", () => {
    expect(compareSchemaComments(catalog(["a", "b", "c"], { a: "A", b: "B" }), catalog(["a", "b", "c"], { a: "A", c: "old" }))).toEqual([
      { kind: "setComment", target: "schema", name: "b", comment: "B", existing: null },
      { kind: "setComment", target: "schema", name: "c", comment: null, existing: "old" },
    ]);
    // A schema only the database has is not the models' to touch; the default schema only when the models comment on it.
    expect(compareSchemaComments(catalog([]), catalog(["x"], { x: "kept", public: "ours" }))).toEqual([]);
    expect(compareSchemaComments(catalog([], { public: "ours" }), catalog([]))).toEqual([{ kind: "setComment", target: "schema", name: "public", comment: "ours", existing: null }]);
  });

  it("compiles to COMMENT ON SCHEMA and reverses to the comment it replaced", () => {
    const op = { kind: "setComment" as const, target: "schema" as const, name: "hr", comment: "It's HR", existing: null };
    expect(compilePostgres(op).map((s) => s.sql)).toEqual([`COMMENT ON SCHEMA "hr" IS 'It''s HR'`]);
    expect(reverseOperation(op)).toEqual([{ kind: "setComment", target: "schema", name: "hr", comment: null, existing: "It's HR" }]);
  });
});

describe("grants and schema comments in pulled models", () => {
  const people: Table = {
    schema: "app",
    name: "people",
    columns: [
      { name: "id", type: "integer", nullable: false },
      { name: "note", type: "text", nullable: true },
    ],
    primaryKey: { name: "people_pkey", columns: ["id"] },
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
  };
  const catalog: Catalog = {
    schemas: ["app", "empty"],
    schemaComments: { app: "The app's own", empty: "Nothing yet" },
    tables: [people],
    enums: [],
    sequences: [{ schema: "app", name: "ticket_no" }],
    grants: [
      { on: { kind: "schema", name: "app" }, grantee: "reader", privileges: ["USAGE"] },
      { on: { kind: "table", schema: "app", name: "people" }, grantee: "reader", privileges: ["INSERT", "SELECT"] },
      { on: { kind: "table", schema: "app", name: "people" }, grantee: "writer", privileges: ["SELECT", "UPDATE"], withGrantOption: ["SELECT"] },
      { on: { kind: "column", schema: "app", name: "people", column: "note" }, grantee: "reader", privileges: ["UPDATE"] },
      { on: { kind: "sequence", schema: "app", name: "ticket_no" }, grantee: "writer", privileges: ["USAGE"], withGrantOption: ["USAGE"] },
      // PostgreSQL's default EXECUTE for PUBLIC, revoked.
      { on: { kind: "function", schema: "app", name: "touch(integer)" }, grantee: "public", privileges: [] },
    ],
  } as Catalog;

  it("writes one export per object and role, and a schema() with its comment", async () => {
    const text = renderModels(catalog, { limit: null, naming: { pk: "%(table)s_pkey" } }).files[0]!.content;
    expect(text).toContain('export const app = schema("app", { comment: "The app\'s own" });');
    expect(text).toContain('export const empty = schema("empty", { comment: "Nothing yet" });');
    expect(text).toContain('export const appSchemaReaderGrant = grant("usage", { schema: "app" }, "reader");');
    expect(text).toContain('export const peopleReaderGrant = grant(["insert", "select"], people, "reader");');
    expect(text).toContain('export const peopleWriterGrant = grant("update", people, "writer");');
    expect(text).toContain('export const peopleWriterGrantOption = grant("select", people, "writer", { withGrantOption: true });');
    expect(text).toContain('export const peopleNoteReaderGrant = grant("update", people, "reader", { columns: ["note"] });');
    expect(text).toContain('export const ticketNoWriterGrant = grant("usage", { sequence: "ticket_no", schema: "app" }, "writer", { withGrantOption: true });');
    expect(text).toContain('export const touchPublicRevoked = revokePublic({ function: "touch(integer)", schema: "app" });');

    // Loaded again, the models give the same grants and comments.
    const dir = mkdtempSync(join(tmpdir(), "kiln-pull-leftovers-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(REPO_ROOT, join(dir, "node_modules", "kiln-migrate"), "dir");
      writeFileSync(join(dir, "schema.ts"), text);
      const loaded = modelsToCatalog([await importModule(join(dir, "schema.ts"))], { pk: "%(table)s_pkey" }, null);
      expect(loaded.schemaComments).toEqual(catalog.schemaComments);
      expect(loaded.grants).toEqual(
        [...catalog.grants!].sort((a, b) => (JSON.stringify([a.on.kind, a.on.schema ?? "", a.on.name, a.on.column ?? "", a.grantee]) < JSON.stringify([b.on.kind, b.on.schema ?? "", b.on.name, b.on.column ?? "", b.grantee]) ? -1 : 1)),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
