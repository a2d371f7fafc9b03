/**
 * Connections to PostgreSQL: a server through `pg`, or an embedded PGlite
 * database (in memory or in a directory). Both come back as the same
 * `Connection`, one session each.
 */
import { hostname } from "node:os";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type pg from "pg";
import type { PGlite, PGliteOptions } from "@electric-sql/pglite";
import { loadDriver } from "../drivers.js";
import { requirePg } from "./pg-module.js";
import { withLocalSocket } from "./local-socket.js";
import { loadPgliteExtensions } from "./pglite-extensions.js";
import { dropTemplate, readTemplate, templatePath, writeTemplate } from "./pglite-template.js";
import { redactSecrets } from "../../config/secrets.js";
import { KilnError } from "../../errors.js";
import type { BatchOutcome, Connection, DatabaseUrl, QueryResult } from "../types.js";

const CONNECT_TIMEOUT_MS = 10_000;
export const APPLICATION_NAME = "kiln";

/** Open a session on a PostgreSQL server (postgres:// or postgresql://). */
export async function connectPostgres(url: DatabaseUrl): Promise<Connection> {
  const driver = await loadPg(url.scheme);
  const client = new driver.Client({
    connectionString: withLocalSocket(url.raw),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: APPLICATION_NAME,
  });
  // An idle connection that the server drops emits 'error'; without a
  // listener Node would crash the process. The next query reports it instead.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new KilnError(
      `cannot connect to ${url.display}: ${driverMessage(error)}; check that the server is running and the URL is right`,
      { cause: error },
    );
  }
  return pgConnection(client, () => client.end());
}

/** kiln's Connection over a connected pg client; `end` runs once, on close. */
function pgConnection(client: pg.ClientBase, end: () => Promise<void>): Connection & { failed: boolean } {
  let closed = false;
  // Statements sent while another runs (introspection sends several at once) wait their turn here, in
  // order: pg would queue them too, but warns that doing so is deprecated.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work);
    turn = run.catch(() => undefined);
    return run;
  };
  const connection = {
    failed: false,
    query(sql: string, params?: unknown[]): Promise<QueryResult> {
      return inTurn(async () => {
        try {
          return lastResult((await client.query(sql, params)) as pg.QueryResult | pg.QueryResult[]);
        } catch (error) {
          connection.failed = true;
          throw error;
        }
      });
    },
    runBatch(sqls: string[]) {
      return inTurn(async () => {
        const outcome = await runBatch(client, sqls);
        if (!outcome.ok) connection.failed = true;
        return outcome;
      });
    },
    endpoint() {
      const stream = (client as unknown as { connection?: { stream?: { localAddress?: string; localPort?: number; remotePort?: number } } }).connection?.stream;
      if (!stream) return undefined;
      if (stream.localPort === undefined && stream.remotePort === undefined) return { kind: "socket" as const };
      if (!stream.localAddress || !stream.localPort) return undefined;
      return { kind: "tcp" as const, address: stream.localAddress, port: stream.localPort };
    },
    async close() {
      if (closed) return;
      closed = true;
      await end();
    },
  };
  return connection;
}

/**
 * A session on the caller's pg.Pool: one client taken for the whole run (the
 * migration lock is session-scoped), given back on close. kiln's session may
 * have changed settings (a revision's SET) or, after an error, hold a lock or
 * a broken transaction: the pool then drops that client rather than reuse it.
 */
export async function adoptPgPool(pool: pg.Pool): Promise<Connection> {
  await loadPg("postgresql");
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new KilnError(`cannot take a client from the pg.Pool given as client: ${driverMessage(error)}`, { cause: error });
  }
  client.on("error", () => {});
  const connection = pgConnection(client, async () => client.release(connection.failed ? true : undefined));
  return connection;
}

/** A session on the caller's connected pg.Client, left open on close: kiln closes only what it opened. */
export async function adoptPgClient(client: pg.Client): Promise<Connection> {
  await loadPg("postgresql");
  return pgConnection(client, async () => undefined);
}

/** Several statements in one simple-protocol call return one result each: the last one's. */
function lastResult(result: pg.QueryResult | pg.QueryResult[] | undefined): QueryResult {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
}

/** The parts of pg's Query that a batch listens to (its Submittable interface, not in @types/pg). */
interface SubmittableQuery {
  handleCommandComplete(message: unknown, connection: unknown): void;
  handleEmptyQuery(connection: unknown): void;
}
type QueryCallback = (error: Error | null, result?: pg.QueryResult | pg.QueryResult[]) => void;
type PgModule = typeof pg;

/** A query that counts the statements the server finished (see countingQuery). */
interface CountingQuery extends SubmittableQuery {
  completed: number;
}
type CountingQueryClass = new (config: { text: string }, values: undefined, callback: QueryCallback) => CountingQuery;

let loaded: { pg: PgModule; CountingQuery: CountingQueryClass } | undefined;

/** `pg`, imported on first use: a PGlite-only project does not install it. */
async function loadPg(scheme: string): Promise<PgModule> {
  if (loaded) return loaded.pg;
  const driver = await loadDriver("pg", scheme, async () => requirePg());
  const PgQuery = driver.Query as unknown as new (config: { text: string }, values: undefined, callback: QueryCallback) => SubmittableQuery;
  /** A simple-protocol query that counts the statements the server finished, so a failure can be placed. */
  class Counting extends PgQuery {
    completed = 0;
    override handleCommandComplete(message: unknown, connection: unknown): void {
      this.completed++;
      super.handleCommandComplete(message, connection);
    }
    override handleEmptyQuery(connection: unknown): void {
      this.completed++;
      super.handleEmptyQuery(connection);
    }
  }
  loaded = { pg: driver, CountingQuery: Counting };
  return driver;
}

/**
 * The statements joined into one simple-protocol query: one round trip. The
 * server runs them in order and stops at the first error. Which statement
 * failed: the one holding the error's position when the server gives one (a
 * syntax error stops the whole query before anything runs), else the one after
 * those the server finished.
 */
async function runBatch(client: pg.ClientBase, sqls: string[]): Promise<BatchOutcome> {
  let query: CountingQuery | undefined;
  try {
    const result = await new Promise<pg.QueryResult | pg.QueryResult[] | undefined>((resolve, reject) => {
      query = new loaded!.CountingQuery({ text: sqls.join(";\n") }, undefined, (error, result) => (error ? reject(error) : resolve(result)));
      client.query(query as unknown as pg.QueryConfig);
    });
    return { ok: true, result: lastResult(result) };
  } catch (error) {
    const failed = failedStatement(error, sqls, query?.completed ?? 0);
    return failed === undefined ? { ok: false, error } : { ok: false, error, failed };
  }
}

function failedStatement(error: unknown, sqls: string[], completed: number): number | undefined {
  // Only an error the server reported belongs to a statement (not, say, a lost connection).
  if (!loaded || !(error instanceof loaded.pg.DatabaseError)) return undefined;
  const position = Number(error.position);
  if (Number.isInteger(position) && position > 0) {
    // Positions count characters (code points) from 1 in the whole query text;
    // the ";" after a statement (e.g. "syntax error at or near ;") is still its own.
    let start = 0;
    for (let i = 0; i < sqls.length; i++) {
      const end = start + [...sqls[i]!].length;
      if (position <= end + 1) return i;
      start = end + 2;
    }
  }
  return completed < sqls.length ? completed : undefined;
}

/** The driver's message, without any password should the driver ever echo the URL or a password. */
function driverMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  if (!message && error instanceof AggregateError) {
    message = error.errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ");
  }
  if (!message && error && typeof error === "object" && "code" in error) message = String(error.code);
  return redactSecrets(message) || "unknown error";
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- PGlite

/** Where a pglite:// URL points: `memory`, or a directory resolved against the working directory. */
export function pgliteLocation(url: DatabaseUrl): { memory: true } | { memory: false; directory: string } {
  // The query (`?extensions=...`, pglite-extensions.ts) is not part of the path.
  const rest = url.raw.replace(/^pglite:(\/\/)?/i, "").replace(/\?.*$/s, "");
  if (rest === "" || rest === "memory" || rest === ":memory:") return { memory: true };
  const path = safeDecode(rest) ?? rest;
  return { memory: false, directory: isAbsolute(path) ? path : resolve(process.cwd(), path) };
}

// int8 and numeric come back as strings, as they do from `pg`, so callers see one shape.
const TEXT_PARSERS = { 20: (v: string) => v, 1700: (v: string) => v };

/** Directories opened by this process: PGlite must never open one directory twice. */
const openDirectories = new Set<string>();

/** Open a PGlite database: `pglite://memory` or `pglite://PATH` (a directory, created if missing). */
export async function connectPglite(url: DatabaseUrl): Promise<Connection> {
  const location = pgliteLocation(url);
  // Loaded here, not at the top: commands on a PostgreSQL server never pay for the embedded database.
  const { PGlite } = await loadDriver("@electric-sql/pglite", "pglite", () => import("@electric-sql/pglite"));
  const extensions = (await loadPgliteExtensions(url)) as PGliteOptions["extensions"];
  let releaseDirectory = () => {};
  // A fresh database (memory, or an empty directory) starts from the prepared template when there is one (pglite-template.ts).
  let fresh = true;
  const template = templatePath();
  const open = (loadDataDir: Blob | undefined): PGlite => {
    const options: PGliteOptions = { parsers: TEXT_PARSERS, extensions, ...(loadDataDir ? { loadDataDir } : {}) };
    return location.memory ? new PGlite(options) : new PGlite(location.directory, options);
  };
  if (!location.memory) {
    const dir = location.directory;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new KilnError(`cannot open PGlite database ${url.display}: cannot create directory ${dir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    // Claimed before looking inside: another live process may be creating this very database.
    releaseDirectory = claimDirectory(dir, url);
    try {
      fresh = startCreation(dir);
    } catch (error) {
      releaseDirectory();
      throw new KilnError(`cannot open PGlite database ${url.display}: cannot prepare directory ${dir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const fromTemplate = fresh ? readTemplate(template) : undefined;
  let initialized = fresh && !fromTemplate;
  let db = open(fromTemplate);
  try {
    try {
      await db.waitReady;
    } catch (error) {
      if (!fromTemplate) throw error;
      // The template did not load: forget it, empty what it wrote, and run initdb as without one.
      await db.close().catch(() => {});
      dropTemplate(template);
      if (!location.memory) emptyDirectory(location.directory);
      db = open(undefined);
      initialized = true;
      await db.waitReady;
    }
  } catch (error) {
    releaseDirectory();
    await db.close().catch(() => {});
    throw new KilnError(
      `cannot open PGlite database ${url.display}: ${driverMessage(error)}; check that the directory holds a PGlite database of this version and is not used by another program`,
      { cause: error },
    );
  }
  // Just initialized, nothing run in it yet: the template for the next fresh database.
  if (initialized) await writeTemplate(template, db);
  if (fresh && !location.memory) rmSync(join(location.directory, CREATING_MARK), { force: true });
  return pgliteConnection(db, async () => {
    try {
      await db.close();
    } finally {
      releaseDirectory();
    }
  });
}

/** A session on the caller's PGlite instance, left open on close. */
export async function adoptPglite(db: PGlite): Promise<Connection> {
  await db.waitReady;
  return pgliteConnection(db, async () => undefined);
}

/** kiln's Connection over a ready PGlite database; `end` runs once, on close. */
function pgliteConnection(db: PGlite, end: () => Promise<void>): Connection {
  let closed = false;
  return {
    async query(sql: string, params?: unknown[]): Promise<QueryResult> {
      if (params && params.length > 0) {
        const r = await db.query<Record<string, unknown>>(sql, params);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      }
      // Without parameters use the simple protocol, which accepts several statements.
      const results = await db.exec(sql);
      const last = results[results.length - 1];
      return {
        rows: (last?.rows ?? []) as Record<string, unknown>[],
        rowCount: last ? (last.affectedRows ?? last.rows.length) : 0,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await end();
    },
  };
}

/**
 * PGlite itself does not stop two processes from opening one data directory,
 * which would corrupt it. kiln keeps a lock file in the directory while it has
 * the database open, and refuses to open a directory another live process holds.
 */
const LOCK_FILE = "kiln.lock";

/**
 * Present while a fresh database is being created (initdb or the template being
 * unpacked): a process killed then leaves a directory PGlite cannot open. The
 * mark says that nothing was run in it yet, so the next open starts it afresh.
 */
const CREATING_MARK = "kiln.creating";

/** Whether the (claimed) directory needs a new database; if so, empties it and sets the mark. */
function startCreation(dir: string): boolean {
  const names = readdirSync(dir);
  const unfinished = names.includes(CREATING_MARK);
  if (!unfinished && !names.every((name) => name === LOCK_FILE)) return false;
  if (unfinished) emptyDirectory(dir);
  writeFileSync(join(dir, CREATING_MARK), "");
  return true;
}

/** Removes everything but the lock file (and the creation mark, which stays until creation ends). */
function emptyDirectory(dir: string): void {
  for (const name of readdirSync(dir)) if (name !== LOCK_FILE && name !== CREATING_MARK) rmSync(join(dir, name), { recursive: true, force: true });
}

function claimDirectory(dir: string, url: DatabaseUrl): () => void {
  if (openDirectories.has(dir)) {
    throw new KilnError(
      `cannot open PGlite database ${url.display}: this process already has ${dir} open; close the other connection first (PGlite allows one connection per directory)`,
    );
  }
  const lockFile = join(dir, LOCK_FILE);
  const holder = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, holder);
      closeSync(fd);
      openDirectories.add(dir);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        openDirectories.delete(dir);
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new KilnError(`cannot open PGlite database ${url.display}: cannot write ${lockFile}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const other = readHolder(lockFile);
      if (other && holderAlive(other)) {
        throw new KilnError(
          `cannot open PGlite database ${url.display}: ${dir} is in use by process ${other.pid} on ${other.host} since ${other.since}; PGlite allows one process per directory, so wait for it to finish (if no such process runs, delete ${lockFile})`,
        );
      }
      // The process that wrote the lock file is gone: the lock is stale.
      rmSync(lockFile, { force: true });
    }
  }
  throw new KilnError(`cannot open PGlite database ${url.display}: another process keeps claiming ${lockFile}; retry later`);
}

interface DirectoryHolder {
  pid: number;
  host: string;
  since: string;
}

function readHolder(file: string): DirectoryHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<DirectoryHolder>;
    if (typeof parsed.pid !== "number") return undefined;
    return { pid: parsed.pid, host: String(parsed.host ?? "?"), since: String(parsed.since ?? "?") };
  } catch {
    return undefined;
  }
}

function holderAlive(holder: DirectoryHolder): boolean {
  // On another machine (a shared disk) we cannot tell: assume it is alive.
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
