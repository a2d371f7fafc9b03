/**
 * The models' Catalog kept on disk between runs, so that a second `kiln check`
 * or autogenerate on unchanged models does not run the models file at all
 * (at 1,000 tables running it and building the Catalog is most of kiln's own
 * work; at 10,000 tables most of its memory).
 *
 * Only models whose Catalog is a pure function of what the key holds are kept:
 * every models file ran compiled by kiln itself (direct-import.ts: no import
 * but kiln's schema builders, no `require`, `import.meta` or the like), names
 * no global but deterministic built-ins (no `process`, `Date`, `Intl`,
 * `console`, ... : readsOnlyItsText), and no Drizzle tables. The key is a hash
 * of: this format, kiln's version and the size and time of each of its own
 * compiled files (a rebuilt kiln misses), Node's, V8's and ICU's versions, the
 * locale and time zone (as the environment sets them), the config's naming convention, the database's
 * identifier limit and index-name scope, and each models file's path and text.
 *
 * Where: the user's own cache folder under the temporary directory (beside the
 * spellings, dialects/spelling-cache.ts), one file per key, a SHA-256 of the
 * content in front (a damaged or truncated entry is ignored), written aside and
 * renamed; the newest few entries are kept. Failing to read or write only means
 * running the models file. `KILN_MODEL_CACHE=off` turns it off; a path names
 * another folder.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import { isDeepStrictEqual } from "node:util";
import type { Catalog } from "../catalog/types.js";
import type { NamingConvention } from "../config/types.js";
import { userCacheFolder } from "../dialects/spelling-cache.js";
import { KILN_VERSION } from "../version.js";

/** Bump when what is stored changes meaning. */
const FORMAT = 1;
/** Entries kept: one per distinct models text (and settings), the newest first. */
const KEPT_ENTRIES = 8;
const SCHEMA_ENTRY_POINTS = new Set(["kiln-migrate/schema", "kiln/schema"]);

/** What the models' Catalog depends on besides the models files. */
export interface ModelSettings {
  naming: NamingConvention;
  limit: unknown;
  indexNamesPerTable: boolean;
}

/** Counts for tests and diagnostics: how often this process used, missed and wrote the cache. */
export const modelCacheStats = { hits: 0, misses: 0, writes: 0 };

export interface ModelCache {
  /** Each models file's text, as read for the key. */
  sources: string[];
  /** The Catalog stored for these models, or undefined. */
  read(): Catalog | undefined;
  /** False when an earlier run found that these models cannot be kept (so there is no need to find out again). */
  mayKeep(): boolean;
  /**
   * Stores the Catalog the models made, if it can be kept (see the file comment). `ran` is each
   * models file's text as it ran and the kiln entry points it imported (undefined: not run by kiln).
   */
  write(catalog: Catalog, ran: { source: string; kilnImports?: string[] }[], pure: Promise<boolean>): Promise<boolean>;
}

/** The cache folder: KILN_MODEL_CACHE's path, or the user's; undefined when off or unusable. */
function folderFrom(env: NodeJS.ProcessEnv): string | undefined {
  const setting = env.KILN_MODEL_CACHE?.trim();
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  if (setting) return setting;
  return userCacheFolder("models") ?? undefined;
}

let kilnFingerprint: string | undefined;

/** kiln's own compiled files (size and modification time): the same version number built again gives another key. */
function ownFingerprint(): string {
  if (kilnFingerprint !== undefined) return kilnFingerprint;
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const hash = createHash("sha256").update(KILN_VERSION);
  try {
    for (const file of codeFiles(root, "")) {
      const stats = statSync(join(root, file));
      hash.update(`\n${file} ${stats.size} ${stats.mtimeMs}`);
    }
  } catch {
    // Unreadable: a key no later run shares, so nothing is reused.
    hash.update(randomBytes(16));
  }
  kilnFingerprint = hash.digest("hex");
  return kilnFingerprint;
}

/** kiln's code files under `folder`, sorted (readdirSync's own recursion is several times slower). */
function codeFiles(folder: string, prefix: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...codeFiles(folder, path));
    else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) found.push(path);
  }
  return found.sort();
}

/**
 * The locale and time zone as the environment sets them (ICU takes its defaults from these variables),
 * and the zone's offsets at two instants: read without Intl.DateTimeFormat, whose first use loads ICU's
 * calendar and zone data (15-35 ms on every run).
 */
function localeAndTimeZone(): unknown[] {
  const env = process.env;
  const variables = [env.LC_ALL, env.LC_COLLATE, env.LC_CTYPE, env.LC_MESSAGES, env.LANG, env.LANGUAGE, env.TZ];
  return [...variables.map((v) => v ?? null), new Date(0).getTimezoneOffset(), new Date(1.5e12).getTimezoneOffset()];
}

/** The cache for these models files (as read now) and settings; undefined when off or when the settings cannot be keyed. */
export function modelCache(files: string[], settings: ModelSettings, env: NodeJS.ProcessEnv = process.env): ModelCache | undefined {
  const folder = folderFrom(env);
  if (!folder) return undefined;
  // A naming convention is strings; anything else (a function) cannot be keyed by its text.
  if (Object.values(settings.naming).some((v) => v !== undefined && typeof v !== "string")) return undefined;
  let sources: string[];
  try {
    sources = files.map((file) => readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const hash = createHash("sha256").update(
    JSON.stringify([
      FORMAT,
      ownFingerprint(),
      process.versions.node,
      process.versions.v8,
      process.versions.icu ?? "",
      localeAndTimeZone(),
      settings.naming,
      settings.limit ?? null,
      settings.indexNamesPerTable,
      files,
    ]),
  );
  // Each text after its length, so that no two lists of texts hash alike (and no copy of them is made).
  for (const source of sources) hash.update(`\n${source.length}\n`).update(source);
  const key = hash.digest("hex");
  const entry = join(folder, `${key}.catalog`);
  const declined = join(folder, `${key}.declined`);

  return {
    sources,
    read() {
      try {
        const data = readFileSync(entry);
        const body = data.subarray(32);
        if (data.length > 32 && createHash("sha256").update(body).digest().equals(data.subarray(0, 32))) {
          const catalog = deserialize(body) as Catalog;
          modelCacheStats.hits++;
          // Used now: pruning keeps the newest.
          const now = new Date();
          utimesSync(entry, now, now);
          return catalog;
        }
      } catch {
        // Missing, unreadable or damaged: run the models.
      }
      modelCacheStats.misses++;
      return undefined;
    },
    mayKeep() {
      return !existsQuietly(declined);
    },
    async write(catalog, ran, pure) {
      // A file edited since the key was made: what ran is not what the key names (nothing to remember either).
      if (ran.length !== files.length || ran.some((r, i) => r.source !== sources[i])) return false;
      const keepable = ran.every((r) => r.kilnImports !== undefined && r.kilnImports.every((name) => SCHEMA_ENTRY_POINTS.has(name))) && (await pure);
      if (!keepable) {
        // Remembered, so that a later run of the same text does not compile it again to find out.
        store(folder, declined, Buffer.alloc(0));
        prune(folder);
        return false;
      }
      let body: Buffer;
      try {
        body = serialize(catalog);
        // Only what comes back exactly is kept (plain data: no functions, class instances or getters).
        if (!isDeepStrictEqual(deserialize(body), catalog)) return false;
      } catch {
        return false;
      }
      const stored = store(folder, entry, Buffer.concat([createHash("sha256").update(body).digest(), body]));
      if (stored) modelCacheStats.writes++;
      prune(folder);
      return stored;
    },
  };
}

function existsQuietly(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Written aside, then renamed: a reader never sees half a file. */
function store(folder: string, path: string, data: Buffer): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, path);
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}

/** Keeps the newest KEPT_ENTRIES entries (and as many "declined" marks). */
function prune(folder: string): void {
  try {
    for (const extension of [".catalog", ".declined"]) {
      const entries = readdirSync(folder)
        .filter((name) => name.endsWith(extension))
        .map((name) => ({ path: join(folder, name), time: statSync(join(folder, name)).mtimeMs }))
        .sort((a, b) => b.time - a.time);
      for (const old of entries.slice(KEPT_ENTRIES)) rmSync(old.path, { force: true });
    }
  } catch {
    // Another process pruning at once, or an unreadable folder: harmless.
  }
}
