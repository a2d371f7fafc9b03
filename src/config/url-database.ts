/**
 * A server URL must name its database. Without one, PostgreSQL connects to the
 * database named after the user (kiln would migrate whatever that is) and MySQL
 * selects none at all, so kiln refuses and says how to write it.
 */
import { parse as parsePgConnectionString } from "pg-connection-string";
import type { DatabaseUrl } from "../dialects/types.js";
import { KilnError } from "../errors.js";

export function checkNamesDatabase(url: DatabaseUrl): void {
  const database = databaseOf(url);
  if (database === undefined || database !== "") return;
  const postgres = url.scheme.startsWith("postgres");
  const example = `${url.scheme}://USER@HOST:${postgres ? 5432 : 3306}/DATABASE`;
  const otherwise = postgres ? "PostgreSQL would otherwise use the database named after the user" : "MySQL would otherwise select no database";
  throw new KilnError(`the database URL ${url.display} names no database; write it after the host, as in ${example} (${otherwise})`);
}

/** The database a server URL names ("" for none), as its driver reads it; undefined for other URLs. */
function databaseOf(url: DatabaseUrl): string | undefined {
  if (url.scheme === "postgres" || url.scheme === "postgresql") return parsePgConnectionString(url.raw).database ?? "";
  if (url.scheme === "mysql" || url.scheme === "mariadb") return new URL(url.raw).pathname.replace(/^\//, "");
  return undefined;
}
