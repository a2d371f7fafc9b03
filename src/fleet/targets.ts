/**
 * The fleet `--all` runs on (docs/fleets.md): the targets the config lists, a
 * catalog query returns or a command prints, each as a database URL or a schema
 * name, turned into the config one kiln command uses for that target.
 *
 *   resolveTargets(config)      -> FleetTarget[] (named, in order, no duplicates)
 *   targetConfig(config, t)     -> the ResolvedConfig of target t
 */
import { execFile } from "node:child_process";
import { basename } from "node:path";
import { requireUrl, type ResolvedConfig } from "../config/load.js";
import { redactedMessage } from "../config/secrets.js";
import type { TargetSource } from "../config/types.js";
import { parseDatabaseUrl, serverUrlParts } from "../config/url.js";
import { checkNamesDatabase } from "../config/url-database.js";
import { dialectFor } from "../dialects/index.js";
import { withDatabase } from "../dialects/scratch.js";
import type { DatabaseUrl } from "../dialects/types.js";
import { KilnError } from "../errors.js";

export interface FleetTarget {
  /** A readable name: the database's or the schema's name (host-qualified when two databases share a name). Never holds a password. */
  name: string;
  /** The URL kiln connects to for this target (a schema target: the config's URL with `schema` set). */
  url: DatabaseUrl;
  /** Set for a schema-per-tenant target on PostgreSQL: kiln's tables and unqualified names live in it. */
  schema?: string;
}

const URL_START = /^(postgres|postgresql|pglite|mysql|mariadb|sqlite):/i;
const COMMAND_TIMEOUT_MS = 60_000;

/** True for an entry that is a database URL; anything else is a schema name. */
export function isUrlEntry(entry: string): boolean {
  return URL_START.test(entry.trim());
}

/** Every target of the config's `targets`, named, in the order the sources give them. */
export async function resolveTargets(config: ResolvedConfig): Promise<FleetTarget[]> {
  const source = config.targets;
  if (!source) {
    throw new KilnError(`--all needs a fleet: add \`targets\` to ${config.configFile}`, {
      details: ['e.g. targets: ["postgres://app@db1:5432/tenant_1", "postgres://app@db1:5432/tenant_2"], or { query: "SELECT schema_name FROM tenants" } (docs/fleets.md)'],
    });
  }
  const entries = await targetEntries(config, source);
  if (entries.length === 0) throw new KilnError("the fleet is empty: `targets` gave no target (docs/fleets.md)");
  const targets: FleetTarget[] = [];
  for (const entry of entries) targets.push(await toTarget(config, entry));
  return named(targets);
}

/** The config kiln's single-database commands use for one target. */
export function targetConfig(config: ResolvedConfig, target: FleetTarget): ResolvedConfig {
  return {
    ...config,
    url: target.url,
    versionSchema: target.schema ?? config.versionSchema,
    target: { name: target.name, ...(target.schema !== undefined ? { schema: target.schema } : {}) },
  };
}

/** The list, then the query's rows, then the command's lines; blank lines and `#` comments of a command are left out. */
async function targetEntries(config: ResolvedConfig, source: TargetSource): Promise<string[]> {
  const entries = (source.list ?? []).map((e) => e.trim());
  if (source.query !== undefined) entries.push(...(await queryEntries(config, source.query, source.catalog)));
  if (source.command !== undefined) entries.push(...(await commandEntries(config, source.command)));
  return entries;
}

async function queryEntries(config: ResolvedConfig, query: string, catalog: string | undefined): Promise<string[]> {
  const url = catalog !== undefined ? parseDatabaseUrl(catalog) : requireUrl(config);
  const dialect = await dialectFor(url);
  const conn = await dialect.connect(url);
  try {
    const { rows } = await conn.query(query);
    return rows.map((row, i) => {
      const value = Object.values(row)[0];
      if (typeof value !== "string" || value.trim() === "") {
        throw new KilnError(`targets.query: row ${i + 1} gives ${JSON.stringify(value ?? null)}, not a database URL or schema name (the first column of each row is a target)`);
      }
      return value.trim();
    });
  } catch (error) {
    if (error instanceof KilnError) throw error;
    throw new KilnError(`targets.query failed on ${url.display}: ${redactedMessage(error)}`, { cause: error });
  } finally {
    await conn.close();
  }
}

function commandEntries(config: ResolvedConfig, command: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile("/bin/sh", ["-c", command], { cwd: config.rootDir, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const why = (error as { killed?: boolean }).killed ? `did not finish within ${COMMAND_TIMEOUT_MS / 1000} s` : `failed (${error.code ?? error.message})`;
        const said = String(stderr).trim().split("\n").slice(-3).map((l) => redactedMessage(l));
        reject(new KilnError(`targets.command ${why}: ${JSON.stringify(command)}`, { details: said.filter((l) => l !== "") }));
        return;
      }
      resolve(String(stdout).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")));
    });
  });
}

/** A URL entry as it is; a schema name as a schema in the config URL's database (or, where a schema is a database, that database). */
async function toTarget(config: ResolvedConfig, entry: string): Promise<FleetTarget> {
  if (isUrlEntry(entry)) {
    const url = parseDatabaseUrl(entry);
    checkNamesDatabase(url);
    return { name: databaseLabel(url), url };
  }
  const base = requireUrl(config);
  const dialect = await dialectFor(base);
  if (dialect.schemaTargets === "search_path") return { name: entry, url: { ...base, schema: entry }, schema: entry };
  if (dialect.schemaTargets === "database") return { name: entry, url: withDatabase(base, entry) };
  throw new KilnError(`the target ${JSON.stringify(entry)} is not a URL, and ${dialect.name} has no schemas to name: list each target as a database URL (docs/fleets.md)`);
}

/** What a run calls its target (`op.target`): the fleet target's name, else the database's. */
export function targetName(config: ResolvedConfig): string | undefined {
  if (config.target) return config.target.name;
  return config.url ? databaseLabel(config.url) : undefined;
}

/** The database name (a file's name for sqlite:// and pglite://). */
function databaseLabel(url: DatabaseUrl): string {
  const parts = isServerUrl(url) ? serverUrlParts(url) : undefined;
  if (parts?.database) return parts.database;
  const path = url.display.replace(/^[a-z]+:(\/\/)?/i, "");
  return basename(path) || url.display;
}

function isServerUrl(url: DatabaseUrl): boolean {
  return ["postgres", "postgresql", "mysql", "mariadb"].includes(url.scheme);
}

/** The host-qualified name, for two databases of one name on different servers. */
function qualifiedLabel(url: DatabaseUrl): string {
  const parts = isServerUrl(url) ? serverUrlParts(url) : undefined;
  if (!parts) return url.display;
  return `${parts.host}${parts.port ? `:${parts.port}` : ""}/${parts.database ?? ""}`;
}

function named(targets: FleetTarget[]): FleetTarget[] {
  const count = new Map<string, number>();
  for (const t of targets) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  const result = targets.map((t) => (count.get(t.name)! > 1 && t.schema === undefined ? { ...t, name: qualifiedLabel(t.url) } : t));
  const seen = new Map<string, FleetTarget>();
  for (const t of result) {
    const key = `${t.url.display}\u0000${t.schema ?? ""}\u0000${t.name}`;
    const earlier = seen.get(t.name);
    if (earlier) {
      const same = `${earlier.url.display}\u0000${earlier.schema ?? ""}\u0000${earlier.name}` === key;
      throw new KilnError(same ? `the target ${t.name} is listed twice in \`targets\`` : `two targets are both named ${t.name} (${earlier.url.display}, ${t.url.display}); a fleet's names must differ`);
    }
    seen.set(t.name, t);
  }
  return result;
}
