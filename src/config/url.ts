/**
 * Database URLs: the scheme, the parts a server URL names, and the form safe to
 * print. The printable form is built from the parsed parts (never by masking the
 * raw text), so a password in any place (user info, `?password=`) stays out of
 * it; a URL that does not parse prints nothing but its scheme. Every password
 * spelling found is registered (secrets.ts) so that a driver error echoing it
 * loses it too.
 */
import { parse as parsePgConnectionString } from "pg-connection-string";
import type { DatabaseUrl } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import { registerSecret } from "./secrets.js";

const KNOWN_SCHEMES = ["postgres", "postgresql", "pglite", "mysql", "mariadb", "sqlite"];
const SERVER_SCHEMES = ["postgres", "postgresql", "mysql", "mariadb"];

/** What a server URL (postgres, mysql, mariadb) names, decoded, as its driver reads it. */
export interface ServerUrlParts {
  user?: string;
  password?: string;
  host: string;
  port?: string;
  database?: string;
}

const PERCENT_ENCODE_HINT =
  "percent-encode special characters in the user name and password (@ as %40, / as %2F, : as %3A, # as %23, ? as %3F, % as %25, space as %20)";

export function parseDatabaseUrl(raw: string): DatabaseUrl {
  const trimmed = raw.trim();
  if (trimmed === "") {
    throw new KilnError("the database URL is empty; set `url` in kiln.config.ts or the DATABASE_URL environment variable");
  }
  const scheme = schemeOf(trimmed);
  if (!scheme || !KNOWN_SCHEMES.includes(scheme)) {
    throw new KilnError(
      `unsupported database URL${scheme ? ` scheme "${scheme}:"` : " (no scheme)"}: it must start with one of ${KNOWN_SCHEMES.map((s) => s + "://").join(", ")} (or sqlite::memory:)`,
    );
  }
  if (!SERVER_SCHEMES.includes(scheme)) {
    registerQuerySecrets(new URLSearchParams(trimmed.includes("?") ? trimmed.slice(trimmed.indexOf("?")) : ""));
    return { raw: trimmed, display: fileUrlDisplay(trimmed), scheme };
  }
  const parsed = parseServerUrl(trimmed, scheme);
  if (!parsed) {
    // The whole text is a secret: it may hold a password kiln cannot find in it.
    registerSecret(trimmed);
    throw new KilnError(
      `malformed database URL ${scheme}://*** (the rest is not shown: it may hold a password): expected ${scheme}://USER:PASSWORD@HOST:PORT/DATABASE; ${PERCENT_ENCODE_HINT}`,
    );
  }
  return { raw: trimmed, display: parsed.display, scheme };
}

/** The parts of a server URL as its driver reads them; undefined for a URL that is not a well-formed server URL. */
export function serverUrlParts(url: DatabaseUrl): ServerUrlParts | undefined {
  return parseServerUrl(url.raw, url.scheme)?.parts;
}

/** The scheme, lower case: the letters before the first ":" (which a password cannot precede). */
function schemeOf(text: string): string | undefined {
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  const scheme = text.slice(0, colon);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const valid = [...scheme.toLowerCase()].every((c, i) => letters.includes(c) || (i > 0 && "0123456789+.-".includes(c)));
  return valid ? scheme.toLowerCase() : undefined;
}

/** sqlite:// and pglite:// name a file or folder: shown without any query part. */
function fileUrlDisplay(text: string): string {
  const query = text.indexOf("?");
  return query === -1 ? text : text.slice(0, query);
}

interface ParsedServerUrl {
  parts: ServerUrlParts;
  display: string;
}

function parseServerUrl(text: string, scheme: string): ParsedServerUrl | undefined {
  if (scheme.startsWith("postgres")) return parsePostgresUrl(text, scheme);
  let url: URL;
  try {
    // mysql2 reads mysql:// with the WHATWG parser; mariadb:// is the same protocol.
    url = new URL(scheme === "mariadb" ? "mysql" + text.slice(scheme.length) : text);
  } catch {
    return undefined;
  }
  // A "#", "?", "/" or "@" left unencoded in a password ends the user info early: what
  // follows then shows up in the path, query or fragment, which never hold an "@" or "#" otherwise.
  if (!url.hostname || url.hash !== "" || text.includes("#") || url.pathname.includes("@") || url.search.includes("@")) return undefined;
  const parts = mysqlParts(url);
  if (!parts) return undefined;

  // Every spelling of every password-like value, for redaction of driver errors.
  registerSecret(url.password);
  registerSecret(parts.password);
  const passwordInQuery = registerQuerySecrets(url.searchParams);
  const hasPassword = Boolean(url.password || parts.password) || passwordInQuery;
  // With a password in it, the whole text is a secret too (a driver may echo it as given).
  if (hasPassword) registerSecret(text);
  const userInfo = url.username ? `${url.username}${hasPassword ? ":***" : ""}@` : hasPassword ? ":***@" : "";
  return { parts, display: `${scheme}://${userInfo}${url.host}${url.pathname === "/" ? "" : url.pathname}` };
}

/**
 * postgres:// and postgresql:// as `pg` reads them (pg-connection-string), so the
 * forms psql takes work: no host (the local socket), `?host=/socket/dir`, a
 * socket folder percent-encoded as the host, `?sslmode=`. The display is built
 * from the parsed parts: user, host (or socket folder), port, database, sslmode.
 */
function parsePostgresUrl(text: string, scheme: string): ParsedServerUrl | undefined {
  const queryStart = text.indexOf("?");
  const query = queryStart === -1 ? "" : text.slice(queryStart + 1);
  // See parseServerUrl: an unencoded "#", "?", "/" or "@" in a password moves part of it elsewhere.
  if (text.includes("#") || query.includes("@")) return undefined;
  let config: ReturnType<typeof parsePgConnectionString>;
  try {
    // Without the query's file names: pg-connection-string would read the sslkey/sslcert files.
    config = parsePgConnectionString(withoutSslFiles(text, queryStart));
  } catch {
    return undefined;
  }
  const database = config.database ?? "";
  if (database.includes("@") || config.host === null || config.host === undefined) return undefined;
  const params = new URLSearchParams(query);
  const userInfoEnd = text.slice(0, queryStart === -1 ? undefined : queryStart).lastIndexOf("@");
  const userInfo = userInfoEnd === -1 ? "" : text.slice(scheme.length + 3, userInfoEnd);
  const rawPassword = userInfo.includes(":") ? userInfo.slice(userInfo.indexOf(":") + 1) : "";

  // Every spelling of every password-like value, for redaction of driver errors.
  registerSecret(rawPassword);
  registerSecret(config.password || undefined);
  const passwordInQuery = registerQuerySecrets(params);
  const hasPassword = Boolean(rawPassword || config.password) || passwordInQuery;
  if (hasPassword) registerSecret(text);

  const parts: ServerUrlParts = {
    user: config.user || undefined,
    password: config.password || undefined,
    host: config.host,
    port: config.port || undefined,
    database: database || undefined,
  };
  const user = parts.user ? encodeURIComponent(parts.user) : "";
  const shownUser = user ? `${user}${hasPassword ? ":***" : ""}@` : hasPassword ? ":***@" : "";
  const socket = parts.host.startsWith("/");
  const shownHost = socket ? "" : parts.host.includes(":") ? `[${parts.host}]` : parts.host;
  const shownQuery = new URLSearchParams();
  if (socket) shownQuery.set("host", parts.host);
  const sslmode = params.get("sslmode");
  if (sslmode) shownQuery.set("sslmode", sslmode);
  const queryText = shownQuery.toString().replace(/%2F/gi, "/").replace(/%3A/gi, ":");
  const path = database ? `/${encodeURIComponent(database)}` : shownHost ? "" : "/";
  const display = `${scheme}://${shownUser}${shownHost}${parts.port ? `:${parts.port}` : ""}${path}${queryText ? `?${queryText}` : ""}`;
  if (parts.host.includes(",")) {
    throw new KilnError(`the database URL ${display} names several hosts; pg, the driver kiln uses for PostgreSQL, connects to one: name one host (the primary)`);
  }
  return { parts, display };
}

/** Registers the values of password-like query parameters (password, password1, sslpassword, ...); true if there was one. */
function registerQuerySecrets(params: URLSearchParams): boolean {
  let found = false;
  for (const [key, value] of params) {
    if (!key.toLowerCase().includes("pass")) continue;
    registerSecret(value);
    found = true;
  }
  return found;
}

/** The URL without the query parameters that make pg-connection-string read files. */
function withoutSslFiles(text: string, queryStart: number): string {
  if (queryStart === -1) return text;
  const params = new URLSearchParams(text.slice(queryStart + 1));
  for (const key of ["sslcert", "sslkey", "sslrootcert"]) params.delete(key);
  const rest = params.toString();
  return text.slice(0, queryStart) + (rest ? `?${rest}` : "");
}

/** As mysql2 reads it (ConnectionConfig.parseUrl): each part percent-decoded. */
function mysqlParts(url: URL): ServerUrlParts | undefined {
  try {
    const path = url.pathname.replace(/^\//, "");
    return {
      user: decodeURIComponent(url.username) || undefined,
      password: decodeURIComponent(url.password) || undefined,
      host: decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, "$1")),
      port: url.port || undefined,
      database: path ? decodeURIComponent(path) : undefined,
    };
  } catch {
    // A "%" not followed by two hex digits: mysql2 would fail with a raw URIError.
    return undefined;
  }
}

