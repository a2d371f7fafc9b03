/**
 * A Drizzle app in a temp directory, for comparing what drizzle-kit builds with
 * what kiln builds from the same schema file: the kiln project of
 * test/helpers/project.ts plus drizzle-orm and drizzle-kit (the repo's dev
 * dependencies) in its node_modules, a drizzle.config.ts, and the real
 * `drizzle-kit generate` run from node_modules/.bin. Migrations are applied
 * with drizzle-orm's own migrator for each driver.
 */
import { execFile } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, createProject, REPO_ROOT, type TestProject } from "./project.js";

export type DrizzleDialect = "postgresql" | "mysql" | "sqlite";

export interface DrizzleProject extends TestProject {
  /** Runs `drizzle-kit ...args` in the project. */
  drizzleKit(args: string[]): Promise<CliResult>;
}

export function createDrizzleProject(options: { url: string; dialect: DrizzleDialect; schema: string; extraConfig?: string }): DrizzleProject {
  const project = createProject({ url: options.url, models: options.schema, extraConfig: options.extraConfig });
  for (const pkg of ["drizzle-orm", "drizzle-kit"]) symlinkSync(join(REPO_ROOT, "node_modules", pkg), join(project.dir, "node_modules", pkg), "dir");
  project.write(
    "drizzle.config.ts",
    `import { defineConfig } from "drizzle-kit";
export default defineConfig({ dialect: ${JSON.stringify(options.dialect)}, schema: "./schema.ts", out: "./drizzle" });
`,
  );
  return {
    ...project,
    drizzleKit(args) {
      return new Promise((resolvePromise) => {
        execFile(join(REPO_ROOT, "node_modules", ".bin", "drizzle-kit"), args, { cwd: project.dir, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
          resolvePromise({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        });
      });
    },
  };
}

/** Applies the project's drizzle/ folder with drizzle-orm's migrator, as a Drizzle app does at start. */
export async function drizzleMigrate(dialect: DrizzleDialect | "pglite", url: string, migrationsFolder: string): Promise<void> {
  if (dialect === "postgresql") {
    const [{ drizzle }, { migrate }, pg] = await Promise.all([import("drizzle-orm/node-postgres"), import("drizzle-orm/node-postgres/migrator"), import("pg")]);
    const pool = new pg.default.Pool({ connectionString: url });
    try {
      await migrate(drizzle(pool), { migrationsFolder });
    } finally {
      await pool.end();
    }
  } else if (dialect === "pglite") {
    const [{ drizzle }, { migrate }, { PGlite }] = await Promise.all([import("drizzle-orm/pglite"), import("drizzle-orm/pglite/migrator"), import("@electric-sql/pglite")]);
    const client = new PGlite(url.replace(/^pglite:\/\//, ""));
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.close();
    }
  } else if (dialect === "mysql") {
    const [{ drizzle }, { migrate }, mysql] = await Promise.all([import("drizzle-orm/mysql2"), import("drizzle-orm/mysql2/migrator"), import("mysql2/promise")]);
    const conn = await mysql.default.createConnection({ uri: url });
    try {
      await migrate(drizzle(conn), { migrationsFolder });
    } finally {
      await conn.end();
    }
  } else {
    const [{ drizzle }, { migrate }, Database] = await Promise.all([import("drizzle-orm/better-sqlite3"), import("drizzle-orm/better-sqlite3/migrator"), import("better-sqlite3")]);
    const db = new Database.default(url.replace(/^sqlite:\/\//, ""));
    try {
      migrate(drizzle(db), { migrationsFolder });
    } finally {
      db.close();
    }
  }
}
