/**
 * Database clients an application already has (a pg.Pool or pg.Client, a PGlite
 * instance, a mysql2 pool or connection, a better-sqlite3 Database), passed to
 * kiln's API as `client`: the only place that recognizes them. Each becomes a
 * `Connection` for one run; kiln never closes a client it did not open.
 */
import { redactedMessage } from "../config/secrets.js";
import { KilnError, UsageError } from "../errors.js";
import type { Connection, DatabaseUrl } from "./types.js";

type ClientKind = "pg.Pool" | "pg.Client" | "PGlite instance" | "mysql2 pool" | "mysql2 connection" | "better-sqlite3 Database";

const has = (value: object, method: string) => typeof (value as Record<string, unknown>)[method] === "function";

/** Recognized by shape, not by class: the application's copy of a driver may not be the one kiln would import. */
function kindOf(client: unknown): ClientKind | undefined {
  if (client === null || typeof client !== "object") return undefined;
  if (has(client, "prepare") && has(client, "pragma")) return "better-sqlite3 Database";
  if (has(client, "exec") && has(client, "query") && "waitReady" in client) return "PGlite instance";
  if (has(client, "execute") || (has(client, "promise") && has(client, "query"))) {
    return has(client, "getConnection") ? "mysql2 pool" : "mysql2 connection";
  }
  if (has(client, "query") && has(client, "connect")) return "totalCount" in client ? "pg.Pool" : "pg.Client";
  return undefined;
}

export interface AdoptedClient {
  /** Stands in for a URL: its scheme picks the dialect, its display names the client in messages. */
  url: DatabaseUrl;
  /** A session for one run. */
  open(): Promise<Connection>;
}

export async function adoptClient(client: unknown): Promise<AdoptedClient> {
  const kind = kindOf(client);
  if (!kind) {
    throw new UsageError(
      "`client` must be a pg.Pool or connected pg.Client, a PGlite instance, a mysql2 pool or connection, or a better-sqlite3 Database",
    );
  }
  const url = (scheme: string): DatabaseUrl => ({ raw: "", display: `(the ${kind} given as client)`, scheme });
  // The cast is safe: kindOf checked the shape each adopt function uses.
  const given = client as never;
  switch (kind) {
    case "pg.Pool":
      return { url: url("postgresql"), open: async () => (await import("./postgres/connect.js")).adoptPgPool(given) };
    case "pg.Client":
      return { url: url("postgresql"), open: async () => (await import("./postgres/connect.js")).adoptPgClient(given) };
    case "PGlite instance":
      return { url: url("pglite"), open: async () => (await import("./postgres/connect.js")).adoptPglite(given) };
    case "better-sqlite3 Database":
      return { url: url("sqlite"), open: async () => (await import("./sqlite/connect.js")).adoptSqlite(given) };
    case "mysql2 pool":
    case "mysql2 connection": {
      const mysql = await import("./mysql/connect.js");
      let flavor: "mysql" | "mariadb";
      try {
        flavor = await mysql.mysqlFlavorOf(given);
      } catch (error) {
        throw new KilnError(`cannot use the ${kind} given as client: ${redactedMessage(error)}`, { cause: error });
      }
      return { url: url(flavor), open: () => mysql.adoptMysql(given) };
    }
  }
}
