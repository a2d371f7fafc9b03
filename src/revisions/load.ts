/**
 * Loads the migrations folder: every `.ts`, `.mts`, `.js` and `.mjs` file directly
 * inside it is a revision, whatever its name (`.d.ts` files and dotfiles are not).
 *
 * The graph needs only each file's metadata. Files written the way kiln writes
 * them (`export default { ...literal metadata... } satisfies Migration`) have it
 * read from the source text (static-metadata.ts, which declines anything it cannot
 * read exactly; kept by checksum between runs, metadata-cache.ts); the module itself is imported only when `load()` is called, i.e.
 * for the steps that run. Other files are imported right away.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { KilnError } from "../errors.js";
import { compilePreparedTogether, importDefaultExport, prepareImport } from "./import-module.js";
import { metadataCache, type MetadataCache } from "./metadata-cache.js";
import type { Migration, RevisionNode } from "./types.js";
import { validateMigration, type RevisionMetadata } from "./validate.js";

export interface LoadedRevision extends RevisionNode {
  /** sha256 of the file's bytes, hex. */
  checksum: string;
  /** The file's text, as read when it was loaded (the bytes `checksum` is of). */
  source: string;
  /** False when the revision asks to run outside a transaction. */
  transactional: boolean;
  /** Whether the revision defines `downgrade`; a downgrade through it fails otherwise. */
  hasDowngrade: boolean;
  /** The validated module's default export (imported on first call, then cached). */
  load(): Promise<Migration>;
  /** Starts compiling the module in the background, so that a later load() finds it ready. */
  prepare(): void;
}

export interface LoadOptions {
  /** Import every file now instead of on demand (checks every module, including code outside the metadata). */
  eager?: boolean;
}

const REVISION_FILE = /\.(ts|mts|js|mjs)$/;
const DECLARATION_FILE = /\.d\.(ts|mts)$/;

/** True when `name` is a revision file by its name alone. */
export function isRevisionFileName(name: string): boolean {
  return REVISION_FILE.test(name) && !DECLARATION_FILE.test(name) && !name.startsWith(".");
}

export async function loadRevisions(folder: string, options: LoadOptions = {}): Promise<LoadedRevision[]> {
  const directory = resolve(folder);
  const files = await revisionFiles(directory);
  const cache = options.eager ? undefined : metadataCache(directory);
  // Read synchronously: hundreds of small files read faster this way than through the thread pool.
  const revisions = files.map((file) => revisionFile(file, readFileSync(file), cache));
  cache?.save();
  // Files whose metadata needs the module compile in parallel; they are imported one at a time,
  // in order (tsx's loader, for the files that need it, is slower when flooded with parallel imports).
  for (const revision of revisions) if (!revision.metadata) revision.prepare();
  const loaded: LoadedRevision[] = [];
  for (const revision of revisions) loaded.push(await revision.complete());
  return loaded;
}

/**
 * Imports every given revision (e.g. each step of a plan before the first runs),
 * so a file that fails to load stops the run before it changes anything. The
 * files compile in parallel; the first broken one in the given order is reported.
 */
export async function loadAll(revisions: readonly LoadedRevision[]): Promise<void> {
  await prepareAll(revisions);
  for (const revision of revisions) await revision.load();
}

/**
 * Starts compiling every given revision (in parallel) and, once all are
 * compiled, compiles the code of those run in the main thread as one script
 * (import-module.ts compilePreparedTogether); each module still runs only when
 * its revision is loaded, in the caller's order.
 */
export async function prepareAll(revisions: readonly LoadedRevision[]): Promise<void> {
  for (const revision of revisions) revision.prepare();
  await compilePreparedTogether(revisions.map((revision) => ({ file: revision.file, version: revision.checksum })));
}

/** Throws a KilnError naming the revision when it has no downgrade function. */
export function assertDowngradable(revision: Pick<LoadedRevision, "revision" | "file" | "hasDowngrade">): void {
  if (!revision.hasDowngrade) {
    throw new KilnError(
      `revision ${revision.revision} (${revision.file}) has no downgrade function, so it cannot be unapplied. ` +
        "Add `async downgrade(op) { ... }` to it, or downgrade to a revision above it.",
    );
  }
}

async function revisionFiles(directory: string): Promise<string[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(directory)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new KilnError(`the migrations folder ${directory} does not exist. Run \`kiln init\` to create it (or set "migrations" in kiln.config.ts).`);
    }
    throw new KilnError(`cannot read the migrations folder ${directory}: ${(error as Error).message}`, { cause: error });
  }
  if (!isDirectory) throw new KilnError(`the migrations path ${directory} is not a folder. Point "migrations" in kiln.config.ts at the folder of revision files.`);

  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!isRevisionFileName(entry.name)) continue;
    const file = join(directory, entry.name);
    // Symlinked files count; folders (even if named like files) do not.
    if (entry.isFile() || (entry.isSymbolicLink() && (await stat(file).catch(() => undefined))?.isFile())) files.push(file);
  }
  return files.sort();
}

/**
 * One file, read: its metadata when the source text gives it (else `complete()`
 * imports the module for it), and the LoadedRevision it becomes.
 */
function revisionFile(
  file: string,
  bytes: Buffer,
  /** Where the metadata is read from; none (eager): the module is imported for it. */
  cache: MetadataCache | undefined,
): { metadata: RevisionMetadata | null; prepare(): void; complete(): Promise<LoadedRevision> } {
  const checksum = createHash("sha256").update(bytes).digest("hex");
  const source = bytes.toString("utf8");
  const importValidated = async () => {
    const { hasDefault, value } = await importDefaultExport(file, checksum, source);
    return validateMigration(file, hasDefault, value);
  };
  const metadata: RevisionMetadata | null = cache ? cache.metadata(checksum, source) : null;
  let module: Promise<Migration> | undefined;
  const prepare = () => {
    if (!module) prepareImport(file, checksum, source);
  };

  const complete = async (): Promise<LoadedRevision> => {
    let known = metadata;
    if (known === null) {
      const validated = await importValidated();
      known = validated.metadata;
      module = Promise.resolve(validated.migration);
    }
    const expected = known;
    const load = () => {
      module ??= importValidated().then((validated) => {
        assertSameMetadata(file, expected, validated.metadata);
        return validated.migration;
      });
      return module;
    };
    return {
      revision: known.revision,
      downRevisions: known.downRevisions,
      dependsOn: known.dependsOn,
      branchLabels: known.branchLabels,
      message: known.message,
      file,
      checksum,
      source,
      transactional: known.transactional,
      hasDowngrade: known.hasDowngrade,
      load,
      prepare,
    };
  };
  return { metadata, prepare, complete };
}

/** The graph was built from the statically read metadata; the module must agree with it. */
function assertSameMetadata(file: string, expected: RevisionMetadata, actual: RevisionMetadata): void {
  if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    throw new KilnError(
      `revision file ${file} changed its metadata while kiln was running (read ${JSON.stringify(expected)}, imported ${JSON.stringify(actual)}). Run the command again.`,
    );
  }
}
