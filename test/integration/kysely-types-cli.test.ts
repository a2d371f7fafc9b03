/**
 * `kiln types --kysely` through the real CLI: the models' tables and views as a
 * Kysely .d.ts (views read-only, typed from their declared columns), and for
 * Drizzle models the config's `drizzleCasing` applied to key-named columns.
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { createProject, REPO_ROOT, type TestProject } from "../helpers/project.js";

const projects: TestProject[] = [];
afterAll(() => {
  for (const p of projects) p.remove();
});

it("writes kiln/schema tables and views, a view typed from its declared columns and read-only", { timeout: 60_000 }, async () => {
  const project = createProject({
    url: "sqlite://./app.db",
    models: `import { integer, sql, table, text, view } from "kiln-migrate/schema";
export const notes = table("notes", { id: integer().primaryKey(), authorId: integer("author_id").notNull(), body: text() });
export const authored = view("authored_notes", { columns: { id: integer().notNull(), authorId: integer("author_id").notNull() } }, sql\`SELECT id, author_id FROM notes\`);
export const loose = view("loose_notes", sql\`SELECT * FROM notes\`);
`,
  });
  projects.push(project);
  const result = await project.kiln(["types", "--kysely", "--out", "src/db/types.d.ts"]);
  expect(result.code, result.stderr).toBe(0);
  const text = project.read("src/db/types.d.ts");
  expect(text).toContain("export interface Notes {\n  id: number;\n  author_id: number;\n  body: string | null;\n}");
  expect(text).toContain(
    'export interface AuthoredNotes {\n  "(read-only view)": ColumnType<never, ViewWrite, ViewWrite>;\n  id: ColumnType<number, never, never>;\n  author_id: ColumnType<number, never, never>;\n}',
  );
  expect(text).toContain("export interface LooseNotes {\n  [column: string]: ColumnType<unknown, ViewWrite, ViewWrite>;\n}");
  expect(text).toContain("export interface DB {\n  authored_notes: AuthoredNotes;\n  loose_notes: LooseNotes;\n  notes: Notes;\n}");
});

it("names Drizzle key-named columns in the config's drizzleCasing, in tables and in a pgView", { timeout: 60_000 }, async () => {
  const project = createProject({
    url: "postgres://postgres@127.0.0.1:5432/unused",
    extraConfig: `drizzleCasing: "snake_case",`,
    models: `import { integer, pgTable, pgView, serial, text } from "drizzle-orm/pg-core";
export const accounts = pgTable("accounts", { id: serial().primaryKey(), displayName: text().notNull(), loginCount: integer().notNull().default(0) });
export const named = pgView("named_accounts").as((qb) => qb.select({ id: accounts.id, name: accounts.displayName }).from(accounts));
`,
  });
  projects.push(project);
  symlinkSync(join(REPO_ROOT, "node_modules", "drizzle-orm"), join(project.dir, "node_modules", "drizzle-orm"), "dir");
  const result = await project.kiln(["types", "--kysely"]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain("export interface Accounts {\n  id: Generated<number>;\n  display_name: string;\n  login_count: Generated<number>;\n}");
  expect(result.stdout).toContain(
    'export interface NamedAccounts {\n  "(read-only view)": ColumnType<never, ViewWrite, ViewWrite>;\n  id: ColumnType<number, never, never>;\n  display_name: ColumnType<string, never, never>;\n}',
  );
});
