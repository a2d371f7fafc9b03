/**
 * A session with the database for one command: connect, and for commands that
 * write, take the migration lock and make sure kiln's tables exist.
 */
import { requireUrl, type ResolvedConfig } from "../config/load.js";
import { redactedMessage } from "../config/secrets.js";
import { dialectFor } from "../dialects/index.js";
import type { Connection, Dialect, HeldLock, StepSettings } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import { checkBookkeepingPlace, createBookkeeping } from "./bookkeeping-checks.js";
import { type BookkeepingTables, selectAppliedSourcesSql, selectHeadsSql } from "./bookkeeping.js";
import { journalTable, lockTable, partialStep, readJournal } from "./journal.js";
import { chooseStrategies, type Strategies } from "./strategy.js";
import type { Reporter } from "./reporter.js";
import type { RunJournal } from "./runner.js";
import { refuseStandby } from "./standby.js";

export interface Session {
  dialect: Dialect;
  conn: Connection;
  tables: BookkeepingTables;
  settings: StepSettings;
  /** Write sessions: the lock and transaction strategies in force (runtime/strategy.ts). */
  strategies?: Strategies;
  /** Write sessions under a lease lock: the statement every step's commit must change one row with (see HeldLock.fence). */
  fence?: HeldLock["fence"];
  /** Current heads from the version table ([] when it does not exist yet). */
  heads(): Promise<string[]>;
  /** Creates kiln's version and history tables if missing (write sessions only; call right before the first write). */
  ensureBookkeeping(): Promise<void>;
  /** For each revision, the checksum (and file text) of its latest 'up' step, from the history table. */
  appliedFiles(): Promise<Map<string, AppliedFile>>;
  /** kiln's step journal: the step an earlier run left partly applied, if any (runtime/journal.ts). */
  journal(): Promise<RunJournal>;
  close(): Promise<void>;
}

export interface AppliedFile {
  checksum: string;
  /** The file's text when it was applied (absent for steps applied from an offline script). */
  source?: string;
}

export function bookkeepingTables(config: ResolvedConfig): BookkeepingTables {
  return { schema: config.versionSchema, versionTable: config.versionTable, historyTable: config.historyTable };
}

export function stepSettings(config: ResolvedConfig): StepSettings {
  return { lockTimeoutMs: config.lockTimeoutMs, statementTimeoutMs: config.statementTimeoutMs, lockRetries: config.lockRetries };
}

export function dialectOf(config: ResolvedConfig): Promise<Dialect> {
  return dialectFor(requireUrl(config));
}

/**
 * Opens a session. With `write`, it takes the migration lock (waiting for other
 * kiln processes, telling the reporter who holds it). kiln's own tables are
 * created by ensureBookkeeping(), only once something is about to be written, so
 * a command that fails early leaves a fresh database untouched.
 */
export async function openSession(
  config: ResolvedConfig,
  options: { write: boolean; reporter: Reporter; /** For messages: the command that writes ("upgrade", "stamp"...). */ command?: string },
): Promise<Session> {
  const url = requireUrl(config);
  const dialect = await dialectFor(url);
  const conn = config.client ? await config.client.open() : await dialect.connect(url);
  const tables = bookkeepingTables(config);
  let release: (() => Promise<void>) | undefined;
  let strategies: Strategies | undefined;
  let fence: HeldLock["fence"];
  try {
    // A hot standby is read-only: refused, naming its primary, before anything else.
    if (options.write) await refuseStandby(dialect, conn, url, options.command ?? "migrations");
    await checkBookkeepingPlace(dialect, conn, tables);
    if (options.write) {
      // A second session to the same place, for the pooler probe and the lease's heartbeat (not with an application's client).
      const another = config.client ? undefined : () => dialect.connect(url);
      // Both strategies named, the lease relying on no session state: nothing to ask the server.
      const known = config.lock === "lease" && config.transactions !== "auto";
      const profile = known ? undefined : await dialect.probeServer?.(conn, { url, ...(another ? { openAnother: another } : {}) });
      strategies = chooseStrategies(dialect, config, profile);
      // A lease never relies on the session: its settings go with each transaction.
      if (strategies.lock === "lease" && dialect.lockKind !== "lease") strategies.sessionState = false;
      for (const note of strategies.notes) options.reporter.info(note);
      const waitOptions = { timeoutMs: config.migrationLockTimeoutMs, onWait: (message: string) => options.reporter.info(message) };
      if (strategies.lock === "lease" && dialect.lockKind !== "lease") {
        const held = await dialect.acquireLeaseLock!(conn, { ...(tables.schema ? { schema: tables.schema } : {}), name: lockTable(tables) }, {
          ...waitOptions,
          leaseMs: config.lockLeaseMs,
          ...(another ? { openHeartbeat: another } : {}),
          onLost: (message) => options.reporter.warn(message),
        });
        release = () => held.release();
        fence = held.fence;
      } else {
        release = await dialect.acquireLock(conn, await dialect.lockKey(conn, tables), waitOptions);
      }
    }
  } catch (error) {
    await release?.().catch(() => undefined);
    await conn.close().catch(() => undefined);
    if (error instanceof KilnError) throw error;
    throw new KilnError(`cannot prepare ${url.display}: ${redactedMessage(error)}`, { cause: error });
  }

  let bookkeepingReady = false;
  /** Reads one of kiln's tables; only a table that does not exist yet means "nothing applied". */
  const tableMissing = async <T>(table: string, query: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await query();
    } catch (error) {
      if (!bookkeepingReady && dialect.isMissingTable(error)) return empty;
      throw unreadableTable(dialect, tables, table, error);
    }
  };

  return {
    dialect,
    conn,
    tables,
    settings: stepSettings(config),
    ...(strategies ? { strategies } : {}),
    ...(fence ? { fence } : {}),
    async ensureBookkeeping() {
      if (bookkeepingReady) return;
      if (!options.write) throw new Error("ensureBookkeeping() needs a write session");
      await createBookkeeping(dialect, conn, tables);
      bookkeepingReady = true;
    },
    heads: () =>
      tableMissing(tables.versionTable, async () => (await conn.query(selectHeadsSql(dialect, tables))).rows.map((r) => String(r.version_num)), [] as string[]),
    appliedFiles: () =>
      tableMissing(tables.historyTable, async () => {
        const map = new Map<string, AppliedFile>();
        for (const row of (await conn.query(selectAppliedSourcesSql(dialect, tables))).rows) {
          if (!row.checksum) continue;
          map.set(String(row.revision), { checksum: String(row.checksum), ...(typeof row.source === "string" ? { source: row.source } : {}) });
        }
        return map;
      }, new Map<string, AppliedFile>()),
    async journal(): Promise<RunJournal> {
      try {
        const partial = partialStep(await readJournal(conn, dialect, tables));
        return { tableExists: true, ...(partial ? { partial } : {}) };
      } catch (error) {
        // Created only when a step first needs it: missing means empty, whatever else exists.
        if (dialect.isMissingTable(error)) return { tableExists: false };
        throw unreadableTable(dialect, tables, journalTable(tables), error);
      }
    },
    async close() {
      try {
        await release?.();
      } finally {
        await conn.close();
      }
    },
  };
}

/** A failure to read kiln's version or history table, naming the table and the privileges kiln needs. */
function unreadableTable(dialect: Dialect, tables: BookkeepingTables, table: string, error: unknown): KilnError {
  if (error instanceof KilnError) return error;
  const name = (t: string) => dialect.tableName(tables.schema, t);
  const message = redactedMessage(error);
  return new KilnError(`cannot read kiln's table ${name(table)}, so what is applied is unknown: ${message}`, {
    cause: error,
    details: [
      `kiln needs SELECT on ${name(tables.versionTable)}, ${name(tables.historyTable)} and ${name(journalTable(tables))} to read what is applied, and INSERT, UPDATE and DELETE on them to migrate;`,
      "grant them to the user in the database URL, or connect as a user that has them",
    ],
  });
}
