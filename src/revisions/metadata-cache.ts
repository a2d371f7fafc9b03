/**
 * The metadata static-metadata.ts read from each revision file, kept on disk by
 * the file's checksum, so that `kiln current`, `history` and `heads` on a long
 * history do not scan every file's text again: at 500 revisions the scan (a
 * tokenizer running cold, and the garbage it leaves) was about a tenth of
 * `kiln current` (docs/benchmarks.md, "Upgrading through long histories").
 *
 * The metadata is a function of the file's text and of the reader's code alone,
 * so an entry is keyed by the text's SHA-256 (the checksum kiln computes anyway)
 * inside a file keyed by the migrations folder, this format, kiln's version and
 * the size and time of this compiled module (a rebuilt kiln starts afresh). The
 * file holds the entries of the last run's files only, and is rewritten (aside,
 * then renamed) only when a file was added, changed or removed. It lives in the
 * user's own cache folder under the temporary directory, used only when no one
 * else can write to it; an entry that does not look like metadata is read
 * again from the text, and failing to read or write the file only means scanning.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { userCacheFolder } from "../dialects/spelling-cache.js";
import { KILN_VERSION } from "../version.js";
import { readStaticMetadata } from "./static-metadata.js";
import type { RevisionMetadata } from "./validate.js";

/** Bump when what static-metadata.ts reads from a text changes. */
const FORMAT = 1;

export interface MetadataCache {
  /** The file's metadata (null: the module must be imported for it), from the cache or read now. */
  metadata(checksum: string, source: string): RevisionMetadata | null;
  /** Writes the entries of this run's files when they differ from what was read. */
  save(): void;
}

let ownStamp: string | undefined;

/** This module's compiled file, size and time: a rebuilt kiln (same version number) keys other files. */
function stamp(): string {
  if (ownStamp === undefined) {
    try {
      const stats = statSync(fileURLToPath(import.meta.url));
      ownStamp = `${stats.size} ${stats.mtimeMs}`;
    } catch {
      ownStamp = randomBytes(8).toString("hex");
    }
  }
  return ownStamp;
}

/** The cache of one migrations folder (an absolute path), or one that only scans when no folder is usable. */
export function metadataCache(directory: string): MetadataCache {
  const folder = userCacheFolder("revisions");
  const file = folder
    ? join(folder, `${createHash("sha256").update(JSON.stringify([FORMAT, KILN_VERSION, stamp(), directory])).digest("hex")}.metadata.json`)
    : undefined;
  const stored = file ? readEntries(file) : {};
  const used: Record<string, RevisionMetadata | null> = Object.create(null);
  let changed = false;
  return {
    metadata(checksum, source) {
      if (checksum in used) return copy(used[checksum]!);
      const known = stored[checksum];
      let metadata: RevisionMetadata | null;
      if (known === null || isMetadata(known)) metadata = known;
      else {
        metadata = readStaticMetadata(source);
        changed = true;
      }
      used[checksum] = metadata;
      return copy(metadata);
    },
    save() {
      if (!file) return;
      if (!changed && Object.keys(stored).length === Object.keys(used).length) return;
      writeAside(file, JSON.stringify(used));
    },
  };
}

function readEntries(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return Object.assign(Object.create(null), parsed);
  } catch {
    // Missing or unreadable: every file is scanned, and the file written afresh.
  }
  return Object.create(null);
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

function isMetadata(value: unknown): value is RevisionMetadata {
  if (value === null || typeof value !== "object") return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.revision === "string" &&
    isStringList(m.downRevisions) &&
    isStringList(m.dependsOn) &&
    isStringList(m.branchLabels) &&
    typeof m.message === "string" &&
    typeof m.transactional === "boolean" &&
    typeof m.hasDowngrade === "boolean"
  );
}

/** Each caller gets arrays of its own (two files may have the same text). */
function copy(metadata: RevisionMetadata | null): RevisionMetadata | null {
  if (metadata === null) return null;
  return { ...metadata, downRevisions: [...metadata.downRevisions], dependsOn: [...metadata.dependsOn], branchLabels: [...metadata.branchLabels] };
}

/** Written aside, then renamed: a reader never sees half a file; two writers lose one run's entries, never correctness. */
function writeAside(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Left behind: harmless, never read.
    }
  }
}
