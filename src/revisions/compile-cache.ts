/**
 * Compiled revision files kept on disk, so that a run after the first compiles
 * nothing (the compiler is not even started). An entry is keyed by everything
 * the compiled code depends on: the file's path and text, the module format,
 * the versions of kiln, esbuild and Node. The folder is the user's own, under
 * the temporary directory, and is used only when no one else can write to it.
 * Failing to read or write it only means compiling again.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KILN_VERSION } from "../version.js";

/** Bump when the compile options or the evaluation change. */
const FORMAT = 2;

let folder: string | null | undefined;

/** The cache folder, created if missing; null when it cannot be used safely. */
function cacheFolder(): string | null {
  if (folder !== undefined) return folder;
  folder = null;
  const uid = process.getuid?.();
  const dir = join(tmpdir(), `kiln-${uid ?? "user"}`, "revisions");
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Shared temporary folders: someone else's folder, or one others can write to, could hold their code.
    for (const path of [join(dir, ".."), dir]) {
      const stats = lstatSync(path);
      if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) return null;
    }
    folder = dir;
  } catch {
    // No usable temporary folder: compile every time.
  }
  return folder;
}

let versions: string | undefined;

function toolVersions(): string {
  if (versions === undefined) {
    let esbuild = "?";
    try {
      esbuild = (createRequire(import.meta.url)("esbuild/package.json") as { version: string }).version;
    } catch {
      // Without a version the key still changes with kiln's.
    }
    versions = `${FORMAT} kiln ${KILN_VERSION} esbuild ${esbuild} node ${process.versions.node}`;
  }
  return versions;
}

export function cacheKey(file: string, source: string, format: string): string {
  return createHash("sha256").update(JSON.stringify([toolVersions(), format, file, source])).digest("hex");
}

/** The compiled code stored under `key`, or undefined. */
export function readCompiled(key: string): string | undefined {
  return readCached(key, "js")?.toString("utf8");
}

/** Stores compiled code under `key`. */
export function writeCompiled(key: string, code: string): void {
  writeCached(key, "js", code);
}

/** V8's code caches: ".v8" ones were written before the extras callbacks ran (without them), so they are not read. */
const CODE_CACHE = "v8c";

/** V8's code cache for the compiled code stored under `key` (see direct-import.ts runFromCodeCache), or undefined. */
export function readCodeCache(key: string): Buffer | undefined {
  return readCached(key, CODE_CACHE);
}

/** Stores V8's code cache for the code under `key`. */
export function writeCodeCache(key: string, data: Buffer): void {
  writeCached(key, CODE_CACHE, data);
}

function readCached(key: string, extension: string): Buffer | undefined {
  const dir = cacheFolder();
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, `${key}.${extension}`));
  } catch {
    return undefined;
  }
}

/** Written aside, then renamed: a reader never sees half a file. */
function writeCached(key: string, extension: string, data: string | Buffer): void {
  const dir = cacheFolder();
  if (!dir) return;
  const temporary = join(dir, `${key}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, join(dir, `${key}.${extension}`));
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Left behind: harmless, never read.
    }
  }
}
