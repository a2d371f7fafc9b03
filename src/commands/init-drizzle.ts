/**
 * `kiln init --from drizzle`: move a drizzle-kit project to kiln in one step.
 *
 * 1. read drizzle.config.ts (run, not parsed: src/drizzle/config.ts);
 * 2. write kiln.config.ts next to it: the same database, the Drizzle schema
 *    files as kiln's models, drizzle-kit's table left out of comparisons, and a
 *    kiln migrations folder of its own (drizzle-kit's folder stays untouched);
 * 3. import drizzle-kit's history as kiln revisions with derived downgrades
 *    (`kiln import drizzle`, src/import/) and stamp the database where
 *    `__drizzle_migrations` says it is;
 * From then on `kiln revision --autogenerate` writes the next revision from the
 * Drizzle schema. Never overwrites a file.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { type DrizzleProject, findDrizzleConfig, readDrizzleConfig } from "../drizzle/config.js";
import { KilnError } from "../errors.js";
import type { ImportResult } from "../import/index.js";
import type { Reporter } from "../runtime/reporter.js";
import { addDatabaseUrlToEnv, addToGitignore, embeddedDatabaseEntry, urlHasPassword } from "./init-ignore.js";

export interface InitFromDrizzleOptions {
  cwd?: string;
  /** drizzle.config.* to read (default: the one in cwd). */
  drizzleConfig?: string;
  /** kiln's migrations folder, next to the config (default "migrations"). */
  migrations?: string;
  /** Import drizzle-kit's migrations folder (default true when it has a journal). */
  importHistory?: boolean;
  /** Run `kiln test` on the imported revisions (default false from code; the CLI turns it on). */
  verify?: boolean;
  reporter?: Reporter;
  onMigration?(info: { index: number; total: number; file: string }): void;
}

export interface InitFromDrizzleResult {
  drizzleConfig: string;
  /** kiln.config.ts, written (or found there already: then nothing else was written). */
  config: string;
  created: string[];
  warnings: string[];
  project: DrizzleProject;
  /** What importing drizzle-kit's history did (undefined: no history, or not asked). */
  imported?: ImportResult;
  gitignored: string[];
}

function configSource(project: DrizzleProject, urlLine: string, migrations: string): string {
  const from = relative(dirname(project.file), project.file);
  const models = project.models.length === 1 ? JSON.stringify(project.models[0]) : JSON.stringify(project.models);
  const lines = [
    urlLine,
    `  migrations: ${JSON.stringify(migrations)},`,
    `  // The Drizzle schema: kiln reads its tables as drizzle-kit creates them.`,
    `  models: ${models},`,
    ...(project.schemas ? [`  schemas: ${JSON.stringify(project.schemas)},`] : []),
    `  // drizzle-orm's migrator records its runs here; kiln leaves the table alone.`,
    `  excludeTables: ${JSON.stringify([project.migrationsTable.name])},`,
    ...(project.casing ? [`  drizzleCasing: ${JSON.stringify(project.casing)},`] : []),
  ];
  return `import { defineConfig } from "kiln-migrate";

// Written by \`kiln init --from drizzle\` from ${from}. drizzle-kit's folder (${project.out}) is left as it was;
// kiln's revisions (drizzle-kit's history imported, with downgrades) are in ${migrations}/.
export default defineConfig({
${lines.join("\n")}
});
`;
}

async function schemasOfModels(files: string[], casing: DrizzleProject["casing"]): Promise<string[]> {
  const [{ importModule }, { isDrizzleObject, readDrizzleModels }] = await Promise.all([import("../loader.js"), import("../drizzle/index.js")]);
  const exports = [];
  for (const file of files) {
    for (const [key, value] of Object.entries(await importModule(file))) if (isDrizzleObject(value)) exports.push({ value, source: `export "${key}" of ${file}` });
  }
  return (await readDrizzleModels(exports, files, { casing })).catalog.schemas;
}

export async function initFromDrizzle(options: InitFromDrizzleOptions = {}): Promise<InitFromDrizzleResult> {
  const cwd = options.cwd ?? process.cwd();
  const drizzleConfig = findDrizzleConfig(cwd, options.drizzleConfig);
  const dir = dirname(drizzleConfig);
  const project = await readDrizzleConfig(drizzleConfig);
  const migrations = options.migrations ?? "migrations";
  if (migrations.replace(/\/+$/, "") === project.out.replace(/^\.\//, "").replace(/\/+$/, "")) {
    throw new KilnError(`kiln's migrations folder must not be drizzle-kit's (${project.out}): choose another with --migrations`, { exitCode: 2 });
  }
  // The schemas the Drizzle tables live in (pgSchema) join drizzle's schemaFilter: kiln compares them, and the import replays into them.
  const modelSchemas = await schemasOfModels(project.models.map((m) => join(dir, m)), project.casing);
  const schemas = [...new Set([...(project.schemas ?? []), ...modelSchemas])].sort();
  if (schemas.length > 0) project.schemas = schemas;
  const config = join(dir, "kiln.config.ts");
  const result: InitFromDrizzleResult = { drizzleConfig, config, created: [], warnings: [], project, gitignored: [] };
  if (["kiln.config.ts", "kiln.config.mts", "kiln.config.js", "kiln.config.mjs"].some((name) => existsSync(join(dir, name)))) {
    throw new KilnError(`${dir} already has a kiln config; kiln init --from drizzle writes a new one and never overwrites`, { exitCode: 1 });
  }

  let urlLine: string;
  if (project.env) urlLine = `  url: process.env.${project.env}, // as drizzle.config.ts reads it`;
  else if (project.url === undefined) {
    urlLine = "  url: process.env.DATABASE_URL,";
    result.warnings.push(`${relative(cwd, drizzleConfig) || drizzleConfig} gives no database kiln can connect to (${project.why}); kiln.config.ts reads DATABASE_URL: set it before \`kiln upgrade\``);
  } else if (urlHasPassword(project.url)) {
    urlLine = "  url: process.env.DATABASE_URL, // in .env (kept out of git)";
    if (addDatabaseUrlToEnv(dir, project.url)) result.warnings.push("the database URL holds a password: it is written to .env as DATABASE_URL, not into kiln.config.ts");
    else result.warnings.push("the database URL holds a password, so kiln.config.ts reads process.env.DATABASE_URL; .env already sets DATABASE_URL and was left as it is: check that it is the URL you meant");
    if (addToGitignore(dir, ".env")) result.gitignored.push(".env");
  } else {
    urlLine = `  url: ${JSON.stringify(project.url)},`;
    const entry = embeddedDatabaseEntry(project.url, dir);
    if (entry && addToGitignore(dir, entry)) result.gitignored.push(entry);
  }
  writeFileSync(config, configSource(project, urlLine, migrations), { flag: "wx" });
  result.created.push(config);
  const migrationsDir = join(dir, migrations);
  if (!existsSync(migrationsDir)) {
    mkdirSync(migrationsDir, { recursive: true });
    result.created.push(migrationsDir);
  }

  const journal = join(dir, project.out, "meta", "_journal.json");
  if (options.importHistory !== false && existsSync(journal)) {
    const { importHistory } = await import("../import/index.js");
    result.imported = await importHistory({
      cwd: dir,
      config,
      reporter: options.reporter,
      from: "drizzle",
      folder: project.out,
      toolTable: project.migrationsTable.schema ? `${project.migrationsTable.schema}.${project.migrationsTable.name}` : project.migrationsTable.name,
      stamp: true,
      verify: options.verify,
      onMigration: options.onMigration,
    });
  } else if (options.importHistory !== false) {
    result.warnings.push(`no drizzle-kit history in ${join(project.out, "meta", "_journal.json")}: nothing imported; \`kiln revision --autogenerate\` writes the first revision from the schema`);
  }
  return result;
}
