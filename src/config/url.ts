/**
 * Database URLs: parse the scheme, and mask passwords for every message.
 * Nothing kiln prints may contain a password: errors, progress, --sql headers.
 */
import type { DatabaseUrl } from "../dialects/types.js";
import { KilnError } from "../errors.js";

const KNOWN_SCHEMES = ["postgres", "postgresql", "pglite", "mysql", "mariadb", "sqlite"];

/** Replace the password of every URL-looking substring with ***. */
export function maskSecrets(text: string): string {
  // scheme://user:password@host  ->  scheme://user:***@host. The password runs to the last
  // "@" of the word, so unescaped "@", "/" or "#" in it are masked too (masking too much is safe).
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)(\S*)(@)/gi, "$1***$3");
}

export function parseDatabaseUrl(raw: string): DatabaseUrl {
  const trimmed = raw.trim();
  if (trimmed === "") {
    throw new KilnError("the database URL is empty; set `url` in kiln.config.ts or the DATABASE_URL environment variable");
  }
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed);
  const scheme = match?.[1]?.toLowerCase();
  const display = maskSecrets(trimmed);
  if (!scheme || !KNOWN_SCHEMES.includes(scheme)) {
    throw new KilnError(
      `unsupported database URL ${JSON.stringify(display)}: it must start with one of ${KNOWN_SCHEMES.map((s) => s + "://").join(", ")} (or sqlite::memory:)`,
    );
  }
  if (scheme === "postgres" || scheme === "postgresql" || scheme === "mysql" || scheme === "mariadb") {
    try {
      const url = new URL(trimmed);
      if (!url.hostname) throw new Error("no host");
    } catch {
      // The expected form is spelled without "user:password@": the masking of every printed line would turn it into "user:***@".
      throw new KilnError(
        `malformed database URL ${JSON.stringify(display)}: expected ${scheme}://USER@HOST:PORT/DATABASE, with the password (if any) after the user as USER:PASSWORD`,
      );
    }
  }
  return { raw: trimmed, display, scheme };
}
