/**
 * drizzle.config.ts, as `kiln init --from drizzle` reads it: the dialect, the
 * schema files (kiln's models), the database (a kiln URL), drizzle-kit's
 * migrations folder and the table its migrator records runs in. The file is
 * run (it is TypeScript that may read the environment), never parsed.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { KilnError } from "../errors.js";
import { importModule } from "../loader.js";

export const DRIZZLE_CONFIG_NAMES = ["drizzle.config.ts", "drizzle.config.mts", "drizzle.config.js", "drizzle.config.mjs", "drizzle.config.cjs", "drizzle.config.json"];

export interface DrizzleProject {
  /** The drizzle.config file read. */
  file: string;
  dialect: "postgresql" | "mysql" | "sqlite";
  /** The schema files, relative to the config's folder, in order. */
  models: string[];
  /** drizzle-kit's migrations folder (`out`), relative to the config's folder. */
  out: string;
  /** The migrator's table: `__drizzle_migrations` unless the config renames it; its schema (PostgreSQL: `drizzle`). */
  migrationsTable: { name: string; schema?: string };
  /**
   * The database as a kiln URL, or undefined when the config names none kiln can
   * connect to (`why` says which). `env` names the environment variable that
   * holds exactly this URL, so kiln's config can read it from there too.
   */
  url?: string;
  env?: string;
  why?: string;
  /** drizzle's `schemaFilter` (PostgreSQL schemas), when it names more than public. */
  schemas?: string[];
  /** drizzle's `casing`, when set (`snake_case` or `camelCase` column names for key-named columns). */
  casing?: "snake_case" | "camelCase";
}

/** The drizzle config in `cwd` (or `explicit`). */
export function findDrizzleConfig(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new KilnError(`${file} does not exist (from --drizzle-config)`, { exitCode: 2 });
    return file;
  }
  const found = DRIZZLE_CONFIG_NAMES.map((name) => join(cwd, name)).find((file) => existsSync(file));
  if (!found) throw new KilnError(`no drizzle.config.ts in ${cwd}; run \`kiln init --from drizzle\` where drizzle-kit's config is, or name it with --drizzle-config PATH`, { exitCode: 2 });
  return found;
}

const DIALECTS: Record<string, DrizzleProject["dialect"]> = { postgresql: "postgresql", mysql: "mysql", sqlite: "sqlite" };

function encode(value: unknown): string {
  return encodeURIComponent(String(value));
}

/** A server URL from drizzle's { host, port, user, password, database, ssl } credentials. */
function serverUrl(scheme: string, c: Record<string, unknown>, defaultPort: number): string {
  const auth = c.user !== undefined ? `${encode(c.user)}${c.password !== undefined ? `:${encode(c.password)}` : ""}@` : "";
  const ssl = c.ssl === true || c.ssl === "require" ? "?sslmode=require" : typeof c.ssl === "string" && ["prefer", "allow", "verify-full"].includes(c.ssl) ? `?sslmode=${c.ssl}` : "";
  return `${scheme}://${auth}${String(c.host ?? "localhost")}:${String(c.port ?? defaultPort)}/${encode(c.database ?? "")}${ssl}`;
}

function databaseUrl(config: Record<string, unknown>, dialect: DrizzleProject["dialect"]): { url?: string; given?: string; why?: string } {
  const c = (config.dbCredentials ?? {}) as Record<string, unknown>;
  const driver = config.driver as string | undefined;
  if (driver === "pglite") {
    const path = typeof c.url === "string" ? c.url.replace(/^file:(\/\/)?/, "") : undefined;
    return path ? { url: `pglite://${path}`, given: c.url as string } : { why: "its PGlite driver names no data folder (dbCredentials.url)" };
  }
  if (driver !== undefined && driver !== "pglite") return { why: `its driver "${driver}" is an HTTP or serverless API kiln cannot connect through` };
  if (dialect === "sqlite") {
    if (typeof c.url !== "string") return { why: "it names no database file (dbCredentials.url)" };
    if (/^(libsql|https?|wss?):/i.test(c.url)) return { why: `${c.url.split(":")[0]} URLs (Turso, libSQL) are not databases kiln connects to` };
    return { url: `sqlite://${c.url.replace(/^file:(\/\/)?/, "")}`, given: c.url };
  }
  if (typeof c.url === "string") {
    const url = dialect === "mysql" ? c.url.replace(/^mariadb:/, "mysql:") : c.url;
    return { url, given: c.url };
  }
  if (c.host !== undefined) return { url: serverUrl(dialect === "mysql" ? "mysql" : "postgres", c, dialect === "mysql" ? 3306 : 5432) };
  return { why: "it names no database (dbCredentials)" };
}

/** `dir/*.ts`, `dir/**\/*.ts` and folders, as drizzle-kit reads its `schema` setting, to files. */
function expandSchema(base: string, pattern: string): string[] {
  const absolute = resolve(base, pattern);
  if (!pattern.includes("*")) {
    if (existsSync(absolute) && statSync(absolute).isDirectory()) return listFiles(absolute).filter((f) => /\.(m?[jt]s|[cm]?js)$/.test(f) && !f.endsWith(".d.ts"));
    return [absolute];
  }
  const parts = absolute.split(sep);
  const first = parts.findIndex((p) => p.includes("*"));
  const root = parts.slice(0, first).join(sep) || sep;
  const regex = new RegExp(
    `^${parts
      .slice(first)
      .join("/")
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*\*\//g, "(?:.*/)?")
      .replace(/\*\*/g, ".*")
      .replace(/\*/g, "[^/]*")}$`,
  );
  if (!existsSync(root)) return [];
  return listFiles(root).filter((file) => regex.test(relative(root, file).split(sep).join("/")));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out.sort();
}

/** Runs drizzle.config.* and reads what kiln needs from it. */
export async function readDrizzleConfig(file: string): Promise<DrizzleProject> {
  const dir = dirname(file);
  const envFile = join(dir, ".env");
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const module = file.endsWith(".json") ? { default: JSON.parse((await import("node:fs")).readFileSync(file, "utf8")) as unknown } : await importModule(file);
  let config = (module.default ?? module) as unknown;
  // A TypeScript config loaded as CommonJS comes back as { default: config }.
  while (typeof config === "object" && config !== null && "default" in config && !("dialect" in config)) config = (config as { default: unknown }).default;
  if (typeof config === "function") config = await (config as () => unknown)();
  if (typeof config !== "object" || config === null) throw new KilnError(`${file} exports no drizzle-kit config (expected \`export default defineConfig({...})\`)`);
  const c = config as Record<string, unknown>;
  const dialect = DIALECTS[String(c.dialect)];
  if (!dialect) {
    throw new KilnError(`${file} says dialect ${JSON.stringify(c.dialect)}; kiln migrates postgresql, mysql and sqlite databases`);
  }
  const schemaSetting = c.schema;
  const patterns = typeof schemaSetting === "string" ? [schemaSetting] : Array.isArray(schemaSetting) ? schemaSetting.map(String) : [];
  if (patterns.length === 0) throw new KilnError(`${file} names no schema file (\`schema\`); kiln reads the Drizzle tables from it`);
  const models = [...new Set(patterns.flatMap((p) => expandSchema(dir, p)))].map((f) => relative(dir, f).split(sep).join("/"));
  if (models.length === 0) throw new KilnError(`the schema setting of ${file} (${patterns.join(", ")}) matches no file`);
  const migrations = (c.migrations ?? {}) as Record<string, unknown>;
  const migrationsTable = {
    name: typeof migrations.table === "string" ? migrations.table : "__drizzle_migrations",
    ...(dialect === "postgresql" ? { schema: typeof migrations.schema === "string" ? migrations.schema : "drizzle" } : {}),
  };
  const { url, given, why } = databaseUrl(c, dialect);
  const env = given !== undefined ? Object.entries(process.env).find(([, value]) => value === given)?.[0] : undefined;
  const schemas = Array.isArray(c.schemaFilter) ? c.schemaFilter.map(String).filter((s) => s !== "public") : typeof c.schemaFilter === "string" && c.schemaFilter !== "public" ? [c.schemaFilter] : undefined;
  return {
    file,
    dialect,
    models,
    out: typeof c.out === "string" ? c.out : "drizzle",
    migrationsTable,
    ...(url !== undefined ? { url } : {}),
    ...(env !== undefined && url === given ? { env } : {}),
    ...(why !== undefined ? { why } : {}),
    ...(schemas && schemas.length > 0 ? { schemas } : {}),
    ...(c.casing === "snake_case" || c.casing === "camelCase" ? { casing: c.casing } : {}),
  };
}
