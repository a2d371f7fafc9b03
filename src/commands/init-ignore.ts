/**
 * What `kiln init` adds to the project's .gitignore and .env: the embedded
 * database's folder or file (a database does not belong in git), and a URL
 * holding a password, which goes to .env rather than into kiln.config.ts.
 * Lines are only ever appended, each once; other lines stay as they are.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { parseDatabaseUrl, serverUrlParts } from "../config/url.js";

/**
 * The .gitignore entry for an embedded database inside the project: the top
 * dot-folder holding it (`.kiln/` for pglite://./.kiln/db), else its own path
 * (`/data/pg/` for a PGlite folder, `/app.db*` for a SQLite file and its
 * -wal/-shm/-journal files). Undefined for memory databases, servers and paths outside.
 */
export function embeddedDatabaseEntry(url: string, cwd: string): string | undefined {
  const match = /^(pglite|sqlite):(?:\/\/)?(.*)$/i.exec(url.trim());
  if (!match) return undefined;
  const kind = match[1]!.toLowerCase();
  const path = decodePath(match[2]!.replace(/\?.*$/, ""));
  if (path === "" || path === "memory" || path === ":memory:") return undefined;
  const inside = relative(cwd, resolve(cwd, path));
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return undefined;
  const segments = inside.split(sep);
  if (segments.length > 1 && segments[0]!.startsWith(".")) return `${segments[0]}/`;
  const own = `/${segments.join("/")}`;
  return kind === "pglite" ? `${own}/` : `${own}*`;
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** True when a database URL carries a password (in the user info or a ?password= parameter). */
export function urlHasPassword(url: string): boolean {
  let parsed;
  try {
    parsed = parseDatabaseUrl(url);
  } catch {
    return false;
  }
  return Boolean(serverUrlParts(parsed)?.password) || parsed.display.includes(":***@");
}

/** Appends `entry` to `<cwd>/.gitignore` (created if missing) unless a line already says it; true if written. */
export function addToGitignore(cwd: string, entry: string): boolean {
  const file = join(cwd, ".gitignore");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const bare = (line: string) => line.trim().replace(/^\//, "").replace(/\/$/, "");
  if (text.split(/\r?\n/).some((line) => bare(line) === bare(entry))) return false;
  writeFileSync(file, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${entry}\n`);
  return true;
}

/** Appends DATABASE_URL=<url> to `<cwd>/.env` unless it already sets DATABASE_URL; true if written. */
export function addDatabaseUrlToEnv(cwd: string, url: string): boolean {
  const file = join(cwd, ".env");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (text.split(/\r?\n/).some((line) => /^\s*(export\s+)?DATABASE_URL\s*=/.test(line))) return false;
  // Single quotes: Node's .env parser then takes the value as written (no # comment, no expansion).
  writeFileSync(file, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}DATABASE_URL='${url}'\n`, { mode: 0o600 });
  return true;
}
