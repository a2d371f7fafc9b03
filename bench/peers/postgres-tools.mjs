/** PostgreSQL's own client tools, the floors: pg_dump (reading the catalog) and psql -f (running a script). */
import { ADMIN_URL } from "../lib/pg.mjs";

function connectionArgs(database) {
  const url = new URL(ADMIN_URL);
  return ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username || "postgres"), "-d", database];
}

/** pg_dump --schema-only of `database` to stdout. */
export function pgDumpSchemaCommand(database) {
  return { command: "pg_dump", args: ["--schema-only", ...connectionArgs(database)], display: "pg_dump --schema-only" };
}

/** psql -f `file`, stopping at the first error, without reading ~/.psqlrc. */
export function psqlFileCommand(database, file) {
  return {
    command: "psql",
    args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", ...connectionArgs(database), "-f", file],
    display: "psql -X -q -v ON_ERROR_STOP=1 -f upgrade.sql",
  };
}
