/** `kiln init`: a config on the embedded PGlite default, an empty migrations folder and a models stub. Never overwrites. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type DriverPackage, driverForScheme } from "../dialects/drivers.js";

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
}

function configSource(url: string, migrations: string): string {
  return `import { defineConfig } from "kiln-migrate";

export default defineConfig({
  // DATABASE_URL overrides this. Embedded PostgreSQL (PGlite) needs no server;
  // use postgres://user:password@host:5432/db, mysql://..., or sqlite://file.db for others.
  url: ${JSON.stringify(url)},
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
  const result: InitResult = { created: [], skipped: [] };

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
    writeOnce(join(cwd, "kiln.config.ts"), configSource(url, migrations));
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
