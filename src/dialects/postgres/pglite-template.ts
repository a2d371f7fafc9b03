/**
 * A prepared data directory for fresh PGlite databases. A new PGlite database
 * runs initdb (a second WebAssembly instance of PostgreSQL): about 3 s and 850
 * MB on a quiet machine, against about 0.5 s and 330 MB to open an existing one.
 * The first fresh database on a machine is dumped right after initdb, before
 * kiln runs anything in it (PGlite's dumpDataDir, an uncompressed tarball), into
 * the user's own cache folder; every later fresh database (a new project, each
 * `pglite://memory`, each scratch database of `kiln test`) starts from that copy
 * (PGlite's loadDataDir) instead of running initdb. The copy is keyed by
 * PGlite's version (the data directory's format is its PostgreSQL's); a copy
 * that fails to load is deleted and initdb runs as before.
 * KILN_PGLITE_TEMPLATE=off turns it off; KILN_PGLITE_TEMPLATE=/path/file.tar keeps it there.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { userCacheFolder } from "../spelling-cache.js";

interface Dumpable {
  dumpDataDir(compression?: "none" | "gzip" | "auto"): Promise<Blob | File>;
}

/** The template's path for the installed PGlite, or undefined when off or no safe folder exists. */
export function templatePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.KILN_PGLITE_TEMPLATE?.trim();
  if (setting === "off" || setting === "0" || setting === "false") return undefined;
  if (setting) return setting;
  const version = pgliteVersion();
  if (version === undefined) return undefined;
  const dir = userCacheFolder("pglite");
  return dir ? join(dir, `template-${version.replace(/[^0-9A-Za-z.-]/g, "_")}.tar`) : undefined;
}

let version: string | null | undefined;

/** The installed PGlite's version, from its package.json (which the package does not export: found from its entry point). */
function pgliteVersion(): string | undefined {
  if (version !== undefined) return version ?? undefined;
  version = null;
  try {
    let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
    for (let i = 0; i < 5 && version === null; i++, dir = dirname(dir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (manifest.name === "@electric-sql/pglite" && typeof manifest.version === "string") version = manifest.version;
      } catch {
        // No package.json here: one folder up.
      }
    }
  } catch {
    // Not installed: no template.
  }
  return version ?? undefined;
}

/** The template as PGlite's loadDataDir takes it, or undefined when there is none. */
export function readTemplate(path: string | undefined): Blob | undefined {
  if (!path) return undefined;
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    return undefined;
  }
}

/** Stores a just-initialized database as the template (written aside, then renamed); failing only means no template. */
export async function writeTemplate(path: string | undefined, db: Dumpable): Promise<void> {
  if (!path) return;
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const dump = await db.dumpDataDir("none");
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    rmSync(temporary, { force: true });
  }
}

/** Forgets a template that did not load. */
export function dropTemplate(path: string | undefined): void {
  if (path) rmSync(path, { force: true });
}
