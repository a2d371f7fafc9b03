/**
 * The database's spellings of model text, kept on disk between runs, so that a
 * second `kiln check` or autogenerate on an unchanged model asks the database
 * nothing (no scratch objects, no transaction). An entry is keyed by a hash of
 * everything the spelling depends on: the namespace the dialect gives (server
 * version, database, search path, the model's own types) and the request
 * itself (kind, text, the column types it is spelled against).
 *
 * Where: beside the compiled revision files (revisions/compile-cache.ts), in
 * the user's own folder under the temporary directory, used only when no one
 * else can write to it. One file per namespace hash prefix is not needed: one
 * JSON file holds every entry, written aside and renamed (a reader never sees
 * half a file; two writers lose one run's additions, never correctness).
 * Failing to read or write it only means asking the database again.
 * `KILN_SPELLING_CACHE=off` turns it off (and a path names another file).
 */
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { KILN_VERSION } from "../version.js";
import type { SpellingStore } from "./types.js";

/** Bump when what a dialect stores changes meaning. */
const FORMAT = 1;
/** Past this many entries, a write keeps only those this run used. */
const MAX_ENTRIES = 200_000;

/** A store of spellings (JSON values) by key (declared in types.ts); the dialect's canonicalize reads and fills it. */
export type { SpellingStore };

/** An in-memory store (tests; or when no folder can be used). */
export class MemorySpellingStore implements SpellingStore {
  protected entries = new Map<string, unknown>();
  protected used = new Set<string>();
  protected added = 0;
  hits = 0;
  misses = 0;

  key(namespace: string, parts: unknown): string {
    return createHash("sha1").update(`${FORMAT} ${KILN_VERSION}\n${namespace}\n${JSON.stringify(parts)}`).digest("base64url");
  }
  get(key: string): unknown {
    const value = this.entries.get(key);
    if (value === undefined) this.misses++;
    else {
      this.hits++;
      this.used.add(key);
    }
    return value;
  }
  set(key: string, value: unknown): void {
    this.entries.set(key, value);
    this.used.add(key);
    this.added++;
  }
  save(): void {
    // Nothing to keep.
  }
}

/** The store in a JSON file. */
export class FileSpellingStore extends MemorySpellingStore {
  private loaded = false;
  constructor(private readonly file: string) {
    super();
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    try {
      const data = JSON.parse(readFileSync(this.file, "utf8")) as { format?: number; entries?: Record<string, unknown> };
      if (data.format === FORMAT && data.entries && typeof data.entries === "object") {
        this.entries = new Map(Object.entries(data.entries));
      }
    } catch {
      // Missing or unreadable: start empty.
    }
  }
  override get(key: string): unknown {
    this.load();
    return super.get(key);
  }
  override set(key: string, value: unknown): void {
    this.load();
    super.set(key, value);
  }
  override save(): void {
    if (this.added === 0) return;
    const kept = this.entries.size > MAX_ENTRIES ? [...this.used].map((k) => [k, this.entries.get(k)] as const) : [...this.entries];
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(temporary, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(kept) }), { mode: 0o600 });
      renameSync(temporary, this.file);
      this.added = 0;
    } catch {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Left behind: harmless, never read.
      }
    }
  }
}

/** A folder of the user's own under the temporary directory, or null when it is not safe to use. */
export function userCacheFolder(name: string): string | null {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), `kiln-${uid ?? "user"}`, name);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const path of [join(dir, ".."), dir]) {
      const stats = lstatSync(path);
      if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) return null;
    }
    return dir;
  } catch {
    return null;
  }
}

/**
 * The store commands use: the file under the user's cache folder, another file
 * when KILN_SPELLING_CACHE names one, none (undefined) when it is `off`.
 */
export function defaultSpellingStore(env: NodeJS.ProcessEnv = process.env): SpellingStore | undefined {
  const setting = env.KILN_SPELLING_CACHE?.trim();
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  if (setting) return new FileSpellingStore(setting);
  const dir = userCacheFolder("spellings");
  return dir ? new FileSpellingStore(join(dir, "spellings.json")) : new MemorySpellingStore();
}
