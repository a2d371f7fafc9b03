/**
 * Connections to MySQL and MariaDB through mysql2 (mysql:// and mariadb:// URLs).
 * One Connection is one session: GET_LOCK locks belong to it.
 */
import type mysql from "mysql2/promise";
import { redactSecrets } from "../../config/secrets.js";
import { serverUrlParts } from "../../config/url.js";
import { KilnError } from "../../errors.js";
import { loadDriver } from "../drivers.js";
import type { Connection, DatabaseUrl, QueryResult } from "../types.js";
import { bindParameters } from "./format.js";
import { BACKSLASH_ESCAPES_SQL, quoteLiteral } from "./quote.js";

const CONNECT_TIMEOUT_MS = 10_000;

/** The URL mysql2 understands: mariadb:// is the same protocol. */
function driverUri(raw: string): string {
  return raw.replace(/^mariadb:/i, "mysql:");
}

function databaseOf(url: DatabaseUrl): string | undefined {
  return serverUrlParts(url)?.database;
}

/** What to do about a failed connection, by driver error code. */
function advice(code: string | undefined, url: DatabaseUrl): string {
  switch (code) {
    case "ECONNREFUSED":
      return "check that the server is running and listening on that host and port";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "check the host name in the URL";
    case "ETIMEDOUT":
      return "check that the server is running and that no firewall blocks the port";
    case "ER_ACCESS_DENIED_ERROR":
    case "ER_DBACCESS_DENIED_ERROR":
      return "check the user name and password in the URL, and the user's grants";
    case "ER_BAD_DB_ERROR":
      return `create the database first (CREATE DATABASE \`${databaseOf(url) ?? "name"}\`) or fix its name in the URL`;
    default:
      return "check that the server is running and the URL is right";
  }
}

/** The driver's message without any password, should the driver ever echo one. */
function driverMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  if (!message && error instanceof AggregateError) {
    message = error.errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ");
  }
  if (!message && error && typeof error === "object" && "code" in error) message = String(error.code);
  return redactSecrets(message) || "unknown error";
}

export async function connectMysql(url: DatabaseUrl): Promise<Connection> {
  if (!databaseOf(url)) {
    throw new KilnError(
      `the database URL ${url.display} names no database; add it as the path, e.g. mysql://user:password@host:3306/mydb`,
    );
  }
  const driver = (await loadDriver("mysql2", url.scheme, () => import("mysql2/promise"))).default;
  let client: mysql.Connection;
  try {
    client = await driver.createConnection({
      uri: driverUri(url.raw),
      multipleStatements: false,
      charset: "utf8mb4",
      // Dates cross the wire in UTC; the session below uses the same zone.
      timezone: "Z",
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
  } catch (error) {
    const code = error && typeof error === "object" && "code" in error ? String(error.code) : undefined;
    throw new KilnError(`cannot connect to ${url.display}: ${driverMessage(error)}; ${advice(code, url)}`, { cause: error });
  }
  // A server that drops an idle connection emits 'error'; the next query reports it.
  client.on("error", () => {});
  try {
    await prepareSession(client);
  } catch (error) {
    await client.end().catch(() => {});
    throw new KilnError(`cannot prepare the session on ${url.display}: ${driverMessage(error)}`, { cause: error });
  }
  return mysqlConnection(client, () => client.end().catch(() => client.destroy()));
}

/** The session settings kiln's SQL relies on. */
async function prepareSession(client: mysql.Connection): Promise<void> {
  await client.query("SET time_zone = '+00:00'");
  // kiln writes literals in the server's default string syntax, where a backslash escapes
  // (quoteLiteral doubles it); a server running with NO_BACKSLASH_ESCAPES would read them otherwise.
  await client.query(BACKSLASH_ESCAPES_SQL);
  // Keeps TIMESTAMP columns from gaining implicit defaults on servers where this is still off.
  await client.query("SET SESSION explicit_defaults_for_timestamp = 1").catch(() => {});
}

/** kiln's Connection over a mysql2 connection; `end` runs once, on close. */
function mysqlConnection(client: mysql.Connection, end: () => Promise<void>): Connection {
  let closed = false;
  return {
    async query(sql: string, params?: unknown[]): Promise<QueryResult> {
      const [result] = await client.query(params && params.length > 0 ? bindParameters(sql, params) : sql);
      if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], rowCount: result.length };
      const header = result as mysql.ResultSetHeader;
      return { rows: [], rowCount: header.affectedRows ?? 0 };
    },
    async close() {
      if (closed) return;
      closed = true;
      await end();
    },
  };
}

/** A mysql2 pool or connection of either API (callback or promise) as its promise form. */
type Mysql2Client = mysql.Pool | mysql.Connection | { promise(): mysql.Pool | mysql.Connection };

function promiseForm(client: Mysql2Client): mysql.Pool | mysql.Connection {
  // The callback API's pools and connections have .promise(); the promise API's do not.
  return "promise" in client && typeof client.promise === "function"
    ? (client as { promise(): mysql.Pool | mysql.Connection }).promise()
    : (client as mysql.Pool | mysql.Connection);
}

/**
 * A session on the caller's mysql2 pool (one connection taken for the run: the
 * migration lock is session-scoped) or connection. kiln changes session settings
 * (time zone, sql_mode, lock waits): a pool's connection is destroyed afterwards,
 * so the pool opens a fresh one; a single connection gets its settings back.
 */
export async function adoptMysql(given: Mysql2Client): Promise<Connection> {
  const client = promiseForm(given);
  if ("getConnection" in client && typeof client.getConnection === "function") {
    const session = await client.getConnection();
    session.on("error", () => {});
    await prepareSession(session);
    return mysqlConnection(session, async () => session.destroy());
  }
  const connection = client as mysql.Connection;
  const [rows] = await connection.query(`SELECT ${RESTORED_SETTINGS.map((name) => `@@session.${name} AS ${name}`).join(", ")}`);
  const saved = (rows as Record<string, unknown>[])[0] ?? {};
  await prepareSession(connection);
  return mysqlConnection(connection, async () => {
    const assignments = RESTORED_SETTINGS.map((name) => `${name} = ${quoteLiteral(saved[name] as string | number)}`);
    await connection.query(`SET SESSION ${assignments.join(", ")}`);
  });
}

/** The session variables kiln sets (mysqlStepSettings and prepareSession), restored on a connection it borrowed. */
const RESTORED_SETTINGS = ["time_zone", "sql_mode", "explicit_defaults_for_timestamp", "lock_wait_timeout", "innodb_lock_wait_timeout"];

/** Which server a mysql2 client talks to: MariaDB names itself in VERSION(). */
export async function mysqlFlavorOf(given: Mysql2Client): Promise<"mysql" | "mariadb"> {
  const [rows] = await promiseForm(given).query("SELECT VERSION() AS version");
  return /mariadb/i.test(String((rows as Record<string, unknown>[])[0]?.version)) ? "mariadb" : "mysql";
}
