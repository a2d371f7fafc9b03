/** `kiln init`: a config on the embedded PGlite default, an empty migrations folder and a models stub. Never overwrites. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type DriverPackage, driverForScheme } from "../dialects/drivers.js";
import { addDatabaseUrlToEnv, addToGitignore, embeddedDatabaseEntry, urlHasPassword } from "./init-ignore.js";

export interface InitOptions {
  cwd?: string;
  /** Migrations folder to create. Default "migrations". */
  migrations?: string;
  /** Database URL written into the config. Default: an embedded PGlite directory. */
  url?: string;
}

export interface InitResult {
  created: string[];
  skipped: string[];
  /** Set when the config was written: the driver package its URL needs (drivers are optional peer dependencies), with the command that installs it. */
  driver?: { package: DriverPackage; scheme: string; install: string };
  /** Lines appended to .gitignore (the embedded database, .env). */
  gitignored: string[];
  /** What the user should know about where the URL went (a password is kept out of the config). */
  warnings: string[];
}

function configSource(url: string | undefined, migrations: string): string {
  const urlLines =
    url === undefined
      ? `  // The URL holds a password, so it lives in .env (kept out of git), not here.
  url: process.env.DATABASE_URL,`
      : `  // DATABASE_URL overrides this. Embedded PostgreSQL (PGlite) needs no server;
  // use postgres://user:password@host:5432/db, mysql://..., or sqlite://file.db for others.
  url: ${JSON.stringify(url)},`;
  return `import { defineConfig } from "kiln-migrate";

export default defineConfig({
${urlLines}
  migrations: ${JSON.stringify(migrations)},
  models: "src/db/schema.ts",
});
`;
}

const MODELS_STUB = `// Your database models. \`kiln revision --autogenerate -m "..."\` compares them with the
// database and writes a migration with upgrade and downgrade.
import { table, integer, varchar, timestamp, sql, check } from "kiln-migrate/schema";

// export const prototypes = table("prototypes", {
//   id: integer().primaryKey().generatedAlwaysAsIdentity(),
//   prototypeId: integer("prototype_id").notNull(),
//   name: varchar(200).notNull(),
//   createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql\`now()\`),
// }, () => [check("check_id_prototype_positive", sql\`prototype_id >= 0\`)]);

export {};
void [table, integer, varchar, timestamp, sql, check];
`;

export async function init(options: InitOptions = {}): Promise<InitResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const migrations = options.migrations ?? "migrations";
  const url = options.url ?? "pglite://./.kiln/db";
  const result: InitResult = { created: [], skipped: [], gitignored: [], warnings: [] };

  const writeOnce = (path: string, content: string) => {
    if (existsSync(path)) {
      result.skipped.push(path);
      return;
    }
    writeFileSync(path, content, { flag: "wx" });
    result.created.push(path);
  };

  const configExists = ["kiln.config.ts", "kiln.config.mts", "kiln.config.js", "kiln.config.mjs"]
    .map((name) => join(cwd, name))
    .find((path) => existsSync(path));
  if (configExists) result.skipped.push(configExists);
  else {
    const secret = urlHasPassword(url);
    writeOnce(join(cwd, "kiln.config.ts"), configSource(secret ? undefined : url, migrations));
    if (secret) keepPasswordOutOfConfig(cwd, url, result);
    const entry = embeddedDatabaseEntry(url, cwd);
    if (entry && addToGitignore(cwd, entry)) result.gitignored.push(entry);
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
    const driver = scheme ? driverForScheme(scheme) : undefined;
    if (scheme && driver) result.driver = { package: driver, scheme, install: `npm install ${driver}` };
  }

  const migrationsDir = join(cwd, migrations);
  if (existsSync(migrationsDir)) result.skipped.push(migrationsDir);
  else {
    mkdirSync(migrationsDir, { recursive: true });
    result.created.push(migrationsDir);
  }

  mkdirSync(join(cwd, "src", "db"), { recursive: true });
  writeOnce(join(cwd, "src", "db", "schema.ts"), MODELS_STUB);
  return result;
}

/** A URL with a password goes to .env as DATABASE_URL (ignored by git); the config reads it from there. */
function keepPasswordOutOfConfig(cwd: string, url: string, result: InitResult): void {
  if (addDatabaseUrlToEnv(cwd, url)) {
    result.warnings.push("the URL holds a password: it is written to .env as DATABASE_URL, not into kiln.config.ts, which reads process.env.DATABASE_URL; keep .env out of git");
  } else {
    result.warnings.push("the URL holds a password, so kiln.config.ts reads process.env.DATABASE_URL; .env already sets DATABASE_URL and was left as it is: check that it is the URL you meant");
  }
  if (addToGitignore(cwd, ".env")) result.gitignored.push(".env");
}
