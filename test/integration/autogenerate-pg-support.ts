/**
 * Shared by the autogenerate end-to-end suites on PostgreSQL: the targets
 * (PGlite in a directory, and the PostgreSQL 15 server when it runs), and two
 * views of a database's schema to compare before and after a round trip:
 * the Catalog kiln itself reads, and `pg_dump --schema-only` (server only).
 */
import { introspectPostgres } from "../../src/dialects/postgres/introspect.js";
import { execFile } from "node:child_process";
import { join } from "node:path";
import type { Catalog } from "../../src/catalog/types.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import { createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";

export interface PgTarget {
  name: string;
  /** True for the server: pg_dump can read it. */
  server: boolean;
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

const pgUp = await serverAvailable("postgresql");

export const PG_TARGETS: PgTarget[] = [
  {
    name: "pglite",
    server: false,
    async setup() {
      const dir = tempDir("kiln-pglite-");
      return { url: `pglite://${join(dir.path, "db")}`, cleanup: async () => dir.remove() };
    },
  },
  ...(pgUp
    ? [
        {
          name: "postgresql 15 server",
          server: true,
          async setup() {
            const db = await createPgDatabase();
            return { url: db.url, cleanup: () => db.drop() };
          },
        },
      ]
    : []),
];

/** The schema as kiln introspects it (every user schema; kiln's own tables left out). Closes its connection: PGlite directories allow one user. */
export async function readCatalog(url: string): Promise<Catalog> {
  const conn = await postgresDialect.connect(parseDatabaseUrl(url));
  try {
    // Every schema, not only those a config names: the round trip must leave no schema behind.
    return await introspectPostgres(conn);
  } finally {
    await conn.close();
  }
}

/**
 * `pg_dump --schema-only --no-owner` without kiln's tables, comments, blank
 * lines, session settings and the per-run `\restrict` key: what is left
 * describes the schema and nothing else. With `privileges`, the GRANT/REVOKE
 * lines stay in.
 */
export function schemaDump(url: string, options: { privileges?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "pg_dump",
      // kiln's own tables (the step journal appears once a step has statements outside a transaction).
      ["--schema-only", "--no-owner", ...(options.privileges ? [] : ["--no-privileges"]), "-T", "kiln_version", "-T", "kiln_history", "-T", "kiln_version_journal", url],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`pg_dump failed: ${stderr || error.message}`));
        const lines = stdout
          .split("\n")
          .filter((line) => line.trim() !== "" && !line.startsWith("--") && !/^\\(un)?restrict /.test(line))
          .filter((line) => !/^SET /.test(line) && !/^SELECT pg_catalog\.set_config/.test(line));
        resolve(lines.join("\n"));
      },
    );
  });
}

/** One model file: the `kiln/schema` import line and the given declarations. */
export function modelSource(body: string): string {
  return `import { table, schema, enumType, smallint, integer, bigint, numeric, boolean, text, varchar, timestamp, jsonb, sql, check, index, uniqueIndex, unique, primaryKey, foreignKey } from "kiln-migrate/schema";\n\n${body.trim()}\n`;
}
