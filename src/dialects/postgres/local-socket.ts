/**
 * A postgres:// URL without a host means the local socket to psql (libpq), but
 * TCP to localhost to `pg`. kiln follows psql: with no host in the URL and no
 * PGHOST, it uses the socket folder where the server's socket is, as libpq's
 * usual defaults (/var/run/postgresql on Debian and Ubuntu, /tmp upstream), and
 * pg's localhost when neither has one.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parsePgConnectionString } from "pg-connection-string";

const SOCKET_FOLDERS = ["/var/run/postgresql", "/tmp"];

/** The connection string for `pg`, with `host=` set to the local socket folder when the URL names no host. */
export function withLocalSocket(raw: string, env: NodeJS.ProcessEnv = process.env): string {
  const config = parsePgConnectionString(raw);
  if (config.host || env.PGHOST) return raw;
  const port = config.port || env.PGPORT || "5432";
  const folder = SOCKET_FOLDERS.find((dir) => existsSync(join(dir, `.s.PGSQL.${port}`)));
  if (!folder) return raw;
  return `${raw}${raw.includes("?") ? "&" : "?"}host=${encodeURIComponent(folder)}`;
}
