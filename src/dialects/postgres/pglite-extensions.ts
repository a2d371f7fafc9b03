/**
 * PGlite's contrib extensions (uuid-ossp, pg_trgm, citext, ...). PGlite must be
 * given an extension's bundle when it starts, and every bundle lengthens the
 * start, so kiln loads only those the URL names:
 *
 *   pglite://./.kiln/db?extensions=uuid-ossp,pg_trgm
 *
 * The names are PostgreSQL's (`CREATE EXTENSION "uuid-ossp"`); each maps to the
 * module `@electric-sql/pglite/contrib/<name with _ for ->`.
 */
import { KilnError } from "../../errors.js";
import type { DatabaseUrl } from "../types.js";

/** The extension names in a pglite:// URL's `extensions` query parameter, in order, without repeats. */
export function pgliteExtensionNames(raw: string): string[] {
  const query = raw.indexOf("?");
  if (query === -1) return [];
  const value = new URLSearchParams(raw.slice(query + 1)).get("extensions");
  if (!value) return [];
  return [...new Set(value.split(",").map((name) => name.trim()).filter((name) => name !== ""))];
}

// PostgreSQL extension names of PGlite's contrib modules: letters, digits, "_" and "-".
const NAME = /^[a-z][a-z0-9_-]*$/;

/** PGlite's `extensions` option for the names in the URL; a name PGlite does not ship is a clear error. */
export async function loadPgliteExtensions(url: DatabaseUrl): Promise<Record<string, unknown>> {
  const extensions: Record<string, unknown> = {};
  for (const name of pgliteExtensionNames(url.raw)) {
    const id = name.replace(/-/g, "_");
    let module: Record<string, unknown> | undefined;
    if (NAME.test(name)) {
      try {
        module = (await import(/* @vite-ignore */ `@electric-sql/pglite/contrib/${id}`)) as Record<string, unknown>;
      } catch {
        module = undefined;
      }
    }
    const extension = module?.[id];
    if (!extension) {
      throw new KilnError(
        `cannot open PGlite database ${url.display}: PGlite has no extension ${JSON.stringify(name)} (the URL's extensions=...); its contrib extensions are listed in @electric-sql/pglite/contrib`,
      );
    }
    extensions[id] = extension;
  }
  return extensions;
}
