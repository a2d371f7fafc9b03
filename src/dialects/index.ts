/**
 * Picks the dialect for a URL scheme: the only place that maps schemes to dialects.
 * Dialects load on demand, so `kiln current` on PostgreSQL never loads the
 * MySQL or SQLite drivers (start-up time is a feature).
 */
import type { DatabaseUrl, Dialect } from "./types.js";

const LOADERS: Record<string, () => Promise<Dialect>> = {
  postgres: async () => (await import("./postgres/index.js")).postgresDialect,
  postgresql: async () => (await import("./postgres/index.js")).postgresDialect,
  pglite: async () => (await import("./postgres/index.js")).postgresDialect,
  mysql: async () => (await import("./mysql/index.js")).mysqlDialect,
  mariadb: async () => (await import("./mysql/index.js")).mariadbDialect,
  sqlite: async () => (await import("./sqlite/index.js")).sqliteDialect,
};

export async function dialectFor(url: DatabaseUrl): Promise<Dialect> {
  const load = LOADERS[url.scheme];
  if (!load) throw new Error(`no dialect for scheme ${url.scheme}`);
  return load();
}

export type { Dialect, Connection, DatabaseUrl } from "./types.js";
