/**
 * Finds and loads kiln.config.ts (or .mts/.js/.mjs), applies DATABASE_URL, and
 * resolves every path against the config file's folder.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { adoptClient, type AdoptedClient } from "../dialects/clients.js";
import type { DatabaseUrl, LockStrategy, TransactionStrategy } from "../dialects/types.js";
import { KilnError, UsageError } from "../errors.js";
import { importModule } from "../loader.js";
import { describeImportFailure } from "../revisions/import-module.js";
import type { KilnConfig, NamingConvention, TargetSource } from "./types.js";
import { readStaticConfig } from "./static-config.js";
import { parseDatabaseUrl } from "./url.js";
import { checkNamesDatabase } from "./url-database.js";

export const CONFIG_FILE_NAMES = ["kiln.config.ts", "kiln.config.mts", "kiln.config.js", "kiln.config.mjs"];

export interface ResolvedConfig {
  /** Absolute path of the config file. */
  configFile: string;
  /** Folder of the config file; relative paths in the config are relative to it. */
  rootDir: string;
  /** Undefined when neither the config nor DATABASE_URL gives one (commands that need a database then fail). */
  url?: DatabaseUrl;
  /** The application's own database client (API option `client`); `url` then stands in for it. */
  client?: AdoptedClient;
  /** The dev database autogenerate and check spell the models in (config `devUrl`, KILN_DEV_URL, --dev-url); undefined: the target. */
  devUrl?: DatabaseUrl;
  migrationsDir: string;
  models: string[];
  versionTable: string;
  historyTable: string;
  versionSchema?: string;
  schemas: string[];
  excludeTables: string[];
  /** drizzle.config.ts's `casing`, for Drizzle models (undefined: names as declared). */
  drizzleCasing?: "snake_case" | "camelCase";
  /** Whose grants are compared: every role's (true), the listed roles', or none (false). */
  grants: boolean | string[];
  naming: NamingConvention;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  lockRetries: number;
  migrationLockTimeoutMs: number;
  /** Where `--all` finds its targets (undefined: no fleet configured); read by fleet/targets.ts. */
  targets?: TargetSource;
  /** Set on the config of one fleet target: its name and, for a schema target, the schema. */
  target?: { name: string; schema?: string };
  /** The lag `--wait-for-replicas` allows, as written (parsed by runtime/replica-wait.ts); undefined: no wait. */
  waitForReplicas?: string;
  replicaTimeoutMs: number;
  lock: "auto" | LockStrategy;
  transactions: "auto" | TransactionStrategy;
  lockLeaseMs: number;
  /** `logicalReplication`, its URLs parsed (undefined: not configured). */
  logicalReplication?: { publisher: DatabaseUrl; subscribers: DatabaseUrl[]; publication?: string; publishNewTables: boolean };
}

const KNOWN_KEYS: (keyof KilnConfig)[] = [
  "url",
  "migrationUrl",
  "devUrl",
  "migrations",
  "models",
  "versionTable",
  "historyTable",
  "versionSchema",
  "schemas",
  "excludeTables",
  "drizzleCasing",
  "grants",
  "naming",
  "lockTimeoutMs",
  "statementTimeoutMs",
  "lockRetries",
  "migrationLockTimeoutMs",
  "targets",
  "waitForReplicas",
  "replicaTimeoutMs",
  "lock",
  "transactions",
  "lockLeaseMs",
  "logicalReplication",
];

export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new KilnError(`config file ${path} does not exist`);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  throw new KilnError(`no kiln.config.ts in ${cwd}; run \`kiln init\` to create one, or pass --config PATH`);
}

function checkString(config: Record<string, unknown>, key: string, file: string): void {
  if (config[key] !== undefined && typeof config[key] !== "string") {
    throw new KilnError(`${file}: \`${key}\` must be a string, got ${JSON.stringify(config[key])}`);
  }
}

/**
 * The largest duration kiln passes on: PostgreSQL's lock_timeout and
 * statement_timeout are 32-bit milliseconds, and Node's timers fire at once
 * beyond it (MariaDB's limits, in seconds, are larger).
 */
export const MAX_DURATION_MS = 2_147_483_647;
/** Retries are counted one by one; a run never needs more than this. */
const MAX_RETRIES = 1000;

/** A whole number in [0, max]; the message names the key, the value as written, the unit and the range. */
function checkWholeNumber(config: Record<string, unknown>, key: string, file: string, max: number, unit: string): void {
  const value = config[key];
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    const shown = typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
    throw new KilnError(`${file}: \`${key}\` must be a whole number of ${unit} from 0 to ${max}, got ${shown}`);
  }
}

function checkOneOf(config: Record<string, unknown>, key: string, file: string, allowed: string[]): void {
  const value = config[key];
  if (value === undefined || (typeof value === "string" && allowed.includes(value))) return;
  throw new KilnError(`${file}: \`${key}\` must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(value)} (docs/distributed-postgres.md)`);
}

function checkNotBlank(config: Record<string, unknown>, key: string, file: string, example: string): void {
  if (typeof config[key] === "string" && (config[key] as string).trim() === "") {
    throw new KilnError(`${file}: \`${key}\` is empty; name a folder relative to the config file, e.g. ${JSON.stringify(example)} (or leave the key out for the default)`);
  }
}

function checkStringList(config: Record<string, unknown>, key: string, file: string, allowSingle = false): void {
  const value = config[key];
  if (value === undefined) return;
  if (allowSingle && typeof value === "string") return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new KilnError(`${file}: \`${key}\` must be ${allowSingle ? "a string or " : ""}an array of strings`);
  }
}

/** Throws a KilnError naming the file for anything that is not a valid KilnConfig. */
export function validateConfig(value: unknown, file: string): KilnConfig {
  if (typeof value === "function") {
    throw new KilnError(`${file}: the default export is a function that returned a function; export the config object (or a function returning it)`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new KilnError(`${file} must \`export default defineConfig({ ... })\`; its default export is ${value === undefined ? "missing" : JSON.stringify(value)}`);
  }
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.includes(key as keyof KilnConfig)) {
      throw new KilnError(`${file}: unknown config key \`${key}\``, {
        details: [`known keys: ${KNOWN_KEYS.join(", ")}`],
      });
    }
  }
  for (const key of ["url", "migrationUrl", "devUrl", "migrations", "versionTable", "historyTable", "versionSchema"]) checkString(config, key, file);
  if (config.waitForReplicas !== undefined && typeof config.waitForReplicas !== "string" && !(typeof config.waitForReplicas === "number" && Number.isInteger(config.waitForReplicas) && config.waitForReplicas >= 0)) {
    throw new KilnError(`${file}: \`waitForReplicas\` must be a lag in bytes (0, 1048576, "16MB") or a duration ("5s"), got ${JSON.stringify(config.waitForReplicas)}`);
  }
  checkLogicalReplication(config.logicalReplication, file);
  for (const key of ["lockTimeoutMs", "statementTimeoutMs", "migrationLockTimeoutMs", "replicaTimeoutMs"]) checkWholeNumber(config, key, file, MAX_DURATION_MS, "milliseconds");
  checkWholeNumber(config, "lockRetries", file, MAX_RETRIES, "retries");
  checkWholeNumber(config, "lockLeaseMs", file, MAX_DURATION_MS, "milliseconds");
  if (typeof config.lockLeaseMs === "number" && config.lockLeaseMs < 1000) {
    throw new KilnError(`${file}: \`lockLeaseMs\` must be at least 1000 (a lease renewed every third of it), got ${config.lockLeaseMs}`);
  }
  checkOneOf(config, "lock", file, ["auto", "advisory", "lease"]);
  checkOneOf(config, "transactions", file, ["auto", "per-step", "ddl-outside"]);
  checkNotBlank(config, "migrations", file, "migrations");
  checkStringList(config, "models", file, true);
  checkStringList(config, "schemas", file);
  checkStringList(config, "excludeTables", file);
  if (config.drizzleCasing !== undefined && config.drizzleCasing !== "snake_case" && config.drizzleCasing !== "camelCase") {
    throw new KilnError(`${file}: \`drizzleCasing\` must be "snake_case" or "camelCase" (drizzle.config.ts's casing), got ${JSON.stringify(config.drizzleCasing)}`);
  }
  if (config.grants !== undefined && typeof config.grants !== "boolean") checkStringList(config, "grants", file);
  checkTargets(config.targets, file);
  if (config.naming !== undefined && (typeof config.naming !== "object" || config.naming === null)) {
    throw new KilnError(`${file}: \`naming\` must be an object such as { ck: "ck_%(table)s_%(constraint_name)s" }`);
  }
  return config as KilnConfig;
}

const TARGET_SOURCE_KEYS = ["list", "query", "catalog", "command"];

/** `targets`: a list of strings, or { list, query, catalog, command } with at least one source. */
function checkTargets(value: unknown, file: string): void {
  if (value === undefined) return;
  const shape = 'an array of URLs or schema names, or { list?: string[], query?: "SELECT ...", catalog?: URL, command?: "..." }';
  if (Array.isArray(value)) {
    if (value.some((v) => typeof v !== "string" || v.trim() === "")) throw new KilnError(`${file}: \`targets\` must be ${shape}; an entry is not a non-empty string`);
    return;
  }
  if (value === null || typeof value !== "object") throw new KilnError(`${file}: \`targets\` must be ${shape}, got ${JSON.stringify(value)}`);
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!TARGET_SOURCE_KEYS.includes(key)) throw new KilnError(`${file}: unknown key \`targets.${key}\` (known: ${TARGET_SOURCE_KEYS.join(", ")})`);
  }
  for (const key of ["query", "catalog", "command"]) {
    if (source[key] !== undefined && (typeof source[key] !== "string" || (source[key] as string).trim() === "")) {
      throw new KilnError(`${file}: \`targets.${key}\` must be a non-empty string`);
    }
  }
  if (source.list !== undefined && (!Array.isArray(source.list) || source.list.some((v) => typeof v !== "string" || v.trim() === ""))) {
    throw new KilnError(`${file}: \`targets.list\` must be an array of URLs or schema names`);
  }
  if (source.catalog !== undefined && source.query === undefined) throw new KilnError(`${file}: \`targets.catalog\` names the database \`targets.query\` runs against; give the query too`);
  if (source.list === undefined && source.query === undefined && source.command === undefined) {
    throw new KilnError(`${file}: \`targets\` names no source: give \`list\`, \`query\` or \`command\``);
  }
}

const LOGICAL_KEYS = ["publisher", "subscribers", "publication", "publishNewTables"];

/** `logicalReplication`: { publisher: URL, subscribers: URL[], publication?, publishNewTables? }. */
function checkLogicalReplication(value: unknown, file: string): void {
  if (value === undefined) return;
  const shape = '{ publisher: "postgres://...", subscribers: ["postgres://..."], publication?: "name", publishNewTables?: boolean }';
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new KilnError(`${file}: \`logicalReplication\` must be ${shape}`);
  const lr = value as Record<string, unknown>;
  for (const key of Object.keys(lr)) {
    if (!LOGICAL_KEYS.includes(key)) throw new KilnError(`${file}: unknown key \`logicalReplication.${key}\` (known: ${LOGICAL_KEYS.join(", ")})`);
  }
  if (typeof lr.publisher !== "string" || lr.publisher.trim() === "") throw new KilnError(`${file}: \`logicalReplication.publisher\` must be the publisher's URL (${shape})`);
  if (!Array.isArray(lr.subscribers) || lr.subscribers.length === 0 || lr.subscribers.some((s) => typeof s !== "string" || s.trim() === "")) {
    throw new KilnError(`${file}: \`logicalReplication.subscribers\` must be a non-empty array of the subscribers' URLs`);
  }
  if (lr.publication !== undefined && (typeof lr.publication !== "string" || lr.publication === "")) throw new KilnError(`${file}: \`logicalReplication.publication\` must be a publication's name`);
  if (lr.publishNewTables !== undefined && typeof lr.publishNewTables !== "boolean") throw new KilnError(`${file}: \`logicalReplication.publishNewTables\` must be true or false`);
}

/** kiln's two tables must be two: one name for both would mix version rows with history rows. */
function checkTablesDiffer(versionTable: string, historyTable: string, file: string): void {
  // Compared without case: MariaDB and SQLite treat names that differ only in case as one table.
  if (versionTable.toLowerCase() === historyTable.toLowerCase()) {
    throw new KilnError(
      `${file}: \`versionTable\` and \`historyTable\` are both ${JSON.stringify(versionTable)}; kiln needs two tables, so give one of them another name (defaults: kiln_version, kiln_history)`,
    );
  }
}

function identifierOption(value: string | undefined, fallback: string, key: string, file: string): string {
  const name = value ?? fallback;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new KilnError(`${file}: \`${key}\` must be a plain identifier (letters, digits, _), got ${JSON.stringify(name)}`);
  }
  return name;
}

export function resolveConfig(
  config: KilnConfig,
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
  rootDir = dirname(configFile),
): ResolvedConfig {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(rootDir, p));
  const rawUrl = migrationUrl(config, env);
  const models = config.models === undefined ? [] : Array.isArray(config.models) ? config.models : [config.models];
  const versionTable = identifierOption(config.versionTable, "kiln_version", "versionTable", configFile);
  const historyTable = identifierOption(config.historyTable, "kiln_history", "historyTable", configFile);
  checkTablesDiffer(versionTable, historyTable, configFile);
  return {
    configFile,
    rootDir,
    url: rawUrl === undefined ? undefined : checkedUrl(rawUrl),
    ...devUrlOf(config, env),
    migrationsDir: at(config.migrations ?? "migrations"),
    models: models.map(at),
    versionTable,
    historyTable,
    versionSchema: config.versionSchema,
    schemas: config.schemas ?? [],
    excludeTables: config.excludeTables ?? [],
    ...(config.drizzleCasing !== undefined ? { drizzleCasing: config.drizzleCasing } : {}),
    grants: config.grants ?? false,
    naming: config.naming ?? {},
    lockTimeoutMs: config.lockTimeoutMs ?? 5000,
    statementTimeoutMs: config.statementTimeoutMs ?? 0,
    lockRetries: config.lockRetries ?? 5,
    migrationLockTimeoutMs: config.migrationLockTimeoutMs ?? 60_000,
    ...(config.targets !== undefined ? { targets: Array.isArray(config.targets) ? { list: config.targets } : config.targets } : {}),
    ...(config.waitForReplicas !== undefined ? { waitForReplicas: String(config.waitForReplicas) } : {}),
    replicaTimeoutMs: config.replicaTimeoutMs ?? 600_000,
    lock: config.lock ?? "auto",
    transactions: config.transactions ?? "auto",
    lockLeaseMs: config.lockLeaseMs ?? 30_000,
    ...(config.logicalReplication !== undefined
      ? {
          logicalReplication: {
            publisher: checkedUrl(config.logicalReplication.publisher),
            subscribers: config.logicalReplication.subscribers.map(checkedUrl),
            ...(config.logicalReplication.publication !== undefined ? { publication: config.logicalReplication.publication } : {}),
            publishNewTables: config.logicalReplication.publishNewTables ?? true,
          },
        }
      : {}),
  };
}

/**
 * The URL kiln's commands use, first given of: KILN_MIGRATION_URL, the config's
 * `migrationUrl`, DATABASE_URL, the config's `url`. The migration URL lets kiln
 * connect directly while the app goes through a pooler (PgBouncer in transaction
 * mode) that would break kiln's session lock and SET.
 */
function migrationUrl(config: KilnConfig, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = (name: string) => (env[name] && env[name]!.trim() !== "" ? env[name] : undefined);
  return fromEnv("KILN_MIGRATION_URL") ?? config.migrationUrl ?? fromEnv("DATABASE_URL") ?? config.url;
}

/** KILN_DEV_URL, else the config's `devUrl` (a pglite:// path is relative to where kiln runs, as `url`'s is). */
function devUrlOf(config: KilnConfig, env: NodeJS.ProcessEnv): { devUrl?: DatabaseUrl } {
  const raw = env.KILN_DEV_URL && env.KILN_DEV_URL.trim() !== "" ? env.KILN_DEV_URL : config.devUrl;
  return raw === undefined ? {} : { devUrl: checkedUrl(raw) };
}

function checkedUrl(raw: string): DatabaseUrl {
  const url = parseDatabaseUrl(raw);
  checkNamesDatabase(url);
  return url;
}

export interface LoadConfigOptions {
  /** Folder that relative paths (and the config file search) start from. Default: process.cwd(). */
  cwd?: string;
  /** --config PATH */
  config?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Settings given in code instead of a config file: with any of `url`,
   * `migrations`, `models` or `client` no config file is searched for (one
   * named by `config` is still read, and these override its keys).
   */
  url?: string;
  /** Migrations folder, relative to `cwd`. Default: migrations. */
  migrations?: string;
  /** The dev database for autogenerate and check (`--dev-url`); wins over the config's `devUrl` and KILN_DEV_URL. */
  devUrl?: string;
  models?: string | string[];
  /**
   * A client the application already has: a pg.Pool or connected pg.Client, a
   * PGlite instance, a mysql2 pool or connection, or a better-sqlite3 Database.
   * kiln uses it instead of a URL and never closes it.
   */
  client?: unknown;
}

/** The config when the API caller gives its settings in code, or undefined when a config file is to be read. */
async function configFromOptions(options: LoadConfigOptions, cwd: string): Promise<ResolvedConfig | undefined> {
  const { url, migrations, models, client } = options;
  const given = url !== undefined || migrations !== undefined || models !== undefined || client !== undefined;
  if (!given) return undefined;
  if (url !== undefined && client !== undefined) {
    throw new UsageError("give either `url` or `client`, not both: with `client` kiln uses the application's connection");
  }
  const label = "the options given to kiln";
  const inline = validateConfig(
    Object.fromEntries(Object.entries({ url, migrations, models }).filter(([, value]) => value !== undefined)),
    label,
  );
  const env = options.env ?? process.env;
  let resolved: ResolvedConfig;
  if (options.config !== undefined) {
    const file = findConfigFile(cwd, options.config);
    const fromFile = await readConfigFile(file);
    // A url given in code also wins over the file's migrationUrl.
    if (url !== undefined) delete fromFile.migrationUrl;
    resolved = resolveConfig({ ...fromFile, ...inline }, file, url === undefined ? env : withoutDatabaseUrl(env));
  } else {
    // A url given in code is the one meant, whatever DATABASE_URL or KILN_MIGRATION_URL say.
    resolved = resolveConfig(inline, label, url === undefined ? env : withoutDatabaseUrl(env), cwd);
  }
  if (client === undefined) return resolved;
  const adopted = await adoptClient(client);
  return { ...resolved, url: adopted.url, client: adopted };
}

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, KILN_MIGRATION_URL: _alsoIgnored, ...rest } = env;
  return rest;
}

async function readConfigFile(file: string): Promise<KilnConfig> {
  // A config written as plain data is read without starting the TypeScript loader.
  const literal = readStaticConfig(await readFile(file, "utf8"));
  return validateConfig(literal ?? (await settleConfig(defaultExport(await importConfig(file)), file)), file);
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const resolved = await loadConfigWithoutDevUrl(options);
  return options.devUrl === undefined ? resolved : { ...resolved, devUrl: checkedUrl(options.devUrl) };
}

async function loadConfigWithoutDevUrl(options: LoadConfigOptions): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const fromOptions = await configFromOptions(options, cwd);
  if (fromOptions) return fromOptions;
  const file = findConfigFile(cwd, options.config);
  return resolveConfig(await readConfigFile(file), file, options.env ?? process.env);
}

async function importConfig(file: string): Promise<Record<string, unknown>> {
  try {
    return await importModule(file);
  } catch (error) {
    // importModule's message keeps esbuild's multi-line report; say it in one line naming the file.
    throw describeImportFailure("config file", file, error instanceof KilnError && error.cause !== undefined ? error.cause : error);
  }
}

/**
 * A default export that is a Promise is awaited, and a function is called (with
 * no arguments) and its result awaited, as Vite does: a config may compute its
 * settings, e.g. read a secret, before kiln uses them. A failure names the file.
 */
async function settleConfig(exported: unknown, file: string): Promise<unknown> {
  try {
    const value = typeof exported === "function" ? (exported as () => unknown)() : exported;
    return await value;
  } catch (error) {
    throw new KilnError(`cannot load config file ${file}: its default export ${typeof exported === "function" ? "function threw" : "Promise was rejected"}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * The config's default export, or undefined. A .ts file Node treats as CommonJS
 * (no "type": "module" nearby) arrives as its exports object marked __esModule;
 * its named exports are not the config, only its `default` is.
 */
function defaultExport(module: Record<string, unknown>): unknown {
  const exported = module.default;
  if (exported !== null && typeof exported === "object" && (exported as { __esModule?: unknown }).__esModule === true) {
    return (exported as { default?: unknown }).default;
  }
  return exported;
}

/** The URL, or a KilnError that says how to give one. */
export function requireUrl(config: ResolvedConfig): DatabaseUrl {
  if (!config.url) {
    throw new KilnError(`no database URL: set \`url\` in ${config.configFile} or the DATABASE_URL environment variable`);
  }
  return config.url;
}
