/**
 * Fresh PGlite databases start from a template data directory
 * (src/dialects/postgres/pglite-template.ts): the first fresh database writes
 * it right after initdb, later ones load it; a template that does not load is
 * replaced, and the database still opens; an existing directory never uses it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { connectPglite } from "../../src/dialects/postgres/connect.js";
import { tempDir } from "../helpers/databases.js";

describe("PGlite template data directory", () => {
  let dir: { path: string; remove(): void };
  let template: string;
  const saved = process.env.KILN_PGLITE_TEMPLATE;

  beforeAll(() => {
    dir = tempDir();
    template = join(dir.path, "template.tar");
    process.env.KILN_PGLITE_TEMPLATE = template;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.KILN_PGLITE_TEMPLATE;
    else process.env.KILN_PGLITE_TEMPLATE = saved;
    dir.remove();
  });

  it("is written by the first fresh database and gives the next one a working, empty database", { timeout: 180_000 }, async () => {
    const first = await connectPglite(parseDatabaseUrl("pglite://memory"));
    await first.query("CREATE TABLE only_in_first (id integer)");
    await first.close();
    expect(existsSync(template)).toBe(true);
    const written = readFileSync(template);
    // Dumped before anything ran: the first database's table is not in it.
    expect(written.includes(Buffer.from("only_in_first"))).toBe(false);

    const url = parseDatabaseUrl(`pglite://${join(dir.path, "db")}`);
    const second = await connectPglite(url);
    expect((await second.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0]!.n).toBe(0);
    await second.query("CREATE TABLE kept (id integer); INSERT INTO kept VALUES (7)");
    await second.close();
    // The template is left as it was, and the directory database keeps its data when opened again.
    expect(readFileSync(template).equals(written)).toBe(true);
    const again = await connectPglite(url);
    expect((await again.query("SELECT id FROM kept")).rows).toEqual([{ id: 7 }]);
    await again.close();
  });

  it("replaces a template that does not load, and the fresh database still opens", { timeout: 180_000 }, async () => {
    writeFileSync(template, "not a tarball");
    const url = parseDatabaseUrl(`pglite://${join(dir.path, "fresh")}`);
    const conn = await connectPglite(url);
    expect((await conn.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await conn.close();
    expect(readFileSync(template).length).toBeGreaterThan(1_000_000);
  });
});
