/**
 * `kiln test`: the stairway check on a scratch database. Every revision, in
 * topological order, is upgraded, downgraded and upgraded again; each downgrade
 * must restore the schema exactly (see runtime/stairway.ts).
 *
 * The user's database is never touched: by default kiln makes a scratch database
 * next to the configured one (PostgreSQL and MySQL servers), in memory (PGlite) or
 * in a temporary file (SQLite), and removes it afterwards. `--url` names one
 * instead, which must hold no tables.
 */
import type { Catalog } from "../catalog/types.js";
import type { ResolvedConfig } from "../config/load.js";
import { parseDatabaseUrl } from "../config/url.js";
import { dialectFor } from "../dialects/index.js";
import type { ScratchDatabase } from "../dialects/scratch.js";
import type { DatabaseUrl, Dialect } from "../dialects/types.js";
import { KilnError, UsageError } from "../errors.js";
import { loadAll } from "../revisions/load.js";
import { planDowngrade } from "../revisions/resolve.js";
import { journalTable, lockTable } from "../runtime/journal.js";
import { runOnline, type OnlineTarget } from "../runtime/runner.js";
import { openSession, type Session } from "../runtime/session.js";
import { quietSteps, type StairwayFailure, type StairwayPass, walkStairway } from "../runtime/stairway.js";
import { type CommonOptions, loadProject, type Project } from "./context.js";

export type { StairwayFailure, StairwayPass } from "../runtime/stairway.js";

export interface StairwayOptions extends CommonOptions {
  /** Run on this database instead of a scratch one; it must hold no tables and no applied revision. */
  url?: string;
  /** Keep the scratch database afterwards (PGlite then uses a temporary directory); leave a --url database at the heads. */
  keep?: boolean;
  /** Called once the database to run on is ready: its masked URL, and whether kiln made it (and removes it). */
  onStart?(info: { database: string; scratch: boolean; revisions: number }): void;
  /** Called as each revision passes, for progress output. */
  onPass?(pass: StairwayPass): void;
}

export interface StairwayResult {
  /** True when every revision passed. */
  ok: boolean;
  /** How many revisions the history has. */
  revisions: number;
  passed: StairwayPass[];
  /** The first revision that broke the rule. */
  failure?: StairwayFailure;
  /** The database the check ran on (password masked). */
  database: string;
  /** Set when that database still exists afterwards: what is in it and how to remove it. */
  kept?: string;
}

async function createScratch(dialect: Dialect, configured: DatabaseUrl, keep: boolean, warn: (message: string) => void): Promise<ScratchDatabase> {
  if (!dialect.createScratch) {
    throw new KilnError(`kiln test cannot make a scratch database for ${configured.display}; pass an empty database with --url`);
  }
  return dialect.createScratch(configured, { keep, warn });
}

function snapshotOf(config: ResolvedConfig, session: Session): () => Promise<Catalog> {
  return () =>
    session.dialect.introspect(session.conn, {
      schemas: config.schemas.length > 0 ? config.schemas : undefined,
      excludeTables: [...config.excludeTables, config.versionTable, config.historyTable, journalTable(config), lockTable(config)],
    });
}

/**
 * A database given with --url must be empty: the check changes everything in it.
 * Every table counts, in any schema, whether or not the config manages it
 * (`schemas`, `excludeTables`); only kiln's own tables may be there, at base.
 */
async function requireEmpty(session: Session, display: string): Promise<void> {
  const heads = await session.heads();
  const own = new Set([session.tables.versionTable, session.tables.historyTable].map((name) => name.toLowerCase()));
  const tables = (await session.dialect.listTables(session.conn)).filter((t) => !own.has(t.name.toLowerCase()));
  if (heads.length === 0 && tables.length === 0) return;
  const names = tables.map((t) => `${t.schema}.${t.name}`);
  const shown = names.slice(0, 5).join(", ") + (names.length > 5 ? `, and ${names.length - 5} more` : "");
  const what = [
    ...(tables.length > 0 ? [`${tables.length} table(s): ${shown}`] : []),
    ...(heads.length > 0 ? [`applied revision(s) ${heads.join(", ")}`] : []),
  ].join(" and ");
  throw new KilnError(`refusing to run kiln test on ${display}: it holds ${what}`, {
    details: [
      "kiln test upgrades and downgrades every revision, which would change or destroy what is there",
      "pass an empty database with --url, or leave --url out to let kiln make (and remove) a scratch database",
    ],
  });
}

export async function stairway(options: StairwayOptions = {}): Promise<StairwayResult> {
  if (options.client !== undefined) {
    throw new UsageError("kiln test runs on a scratch database it makes (or an empty one given as `url`), not on the application's `client`");
  }
  // Here `url` names the database to test on, not the project's database: the config file is still read.
  const project = await loadProject({ ...options, url: undefined });
  const { config, reporter } = project;
  const given = options.url !== undefined ? parseDatabaseUrl(options.url) : undefined;
  const configured = given ?? config.url;
  if (!configured) {
    throw new KilnError(`no database URL: set \`url\` in ${config.configFile} or DATABASE_URL (kiln test makes a scratch database of the same kind), or pass --url`);
  }
  // Every revision file must import before a database is made or touched.
  await loadAll([...project.revisions.values()]);
  const dialect = await dialectFor(configured);
  const scratch: ScratchDatabase = given
    ? { url: given, keptNote: "", dispose: async () => undefined }
    : await createScratch(dialect, configured, options.keep ?? false, (m) => reporter.warn(m));

  let result: StairwayResult | undefined;
  try {
    result = await runOn(project, scratch.url, given !== undefined, options);
    return result;
  } finally {
    if (given) {
      if (result && !result.ok) result.kept = `${given.display} was left where the failing revision stopped; empty it before the next run`;
      else if (result && options.keep) result.kept = `${given.display} was left at the heads`;
    } else if (options.keep) {
      if (result) result.kept = scratch.keptNote;
      else reporter.warn(scratch.keptNote);
    } else {
      await scratch.dispose();
    }
  }
}

async function runOn(project: Project, url: DatabaseUrl, givenByUser: boolean, options: StairwayOptions): Promise<StairwayResult> {
  const { config, graph, revisions, reporter } = project;
  const scratchConfig = { ...config, url };
  if (givenByUser) {
    // Look before taking the lock: on SQLite the lock itself writes a table.
    const look = await openSession(scratchConfig, { write: false, reporter });
    try {
      await requireEmpty(look, url.display);
    } finally {
      await look.close();
    }
  }
  const session = await openSession(scratchConfig, { write: true, reporter });
  try {
    const snapshot = snapshotOf(config, session);
    const target: OnlineTarget = { dialect: session.dialect, conn: session.conn, tables: session.tables, graph, revisions, reporter, settings: session.settings };
    await session.ensureBookkeeping();
    const startHeads = await session.heads();
    options.onStart?.({ database: url.display, scratch: !givenByUser, revisions: graph.revisions.length });
    const outcome = await walkStairway({ target, snapshot, startHeads, onPass: options.onPass });
    const ok = outcome.failure === undefined;
    if (ok && givenByUser && !options.keep && outcome.heads.length > 0) {
      // Hand the database back as empty as it came, so the next run finds it usable.
      reporter.info(`downgrading ${url.display} to base, so it is empty again for the next run`);
      await runOnline({ ...target, reporter: quietSteps(reporter) }, planDowngrade(graph, outcome.heads, "base"), outcome.heads);
    }
    return { ok, revisions: graph.revisions.length, passed: outcome.passed, failure: outcome.failure, database: url.display };
  } finally {
    await session.close();
  }
}
