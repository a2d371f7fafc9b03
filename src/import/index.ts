/**
 * Importing another tool's migration history (`kiln import`), callable from code:
 *
 *   await importHistory({ from: "drizzle", folder: "drizzle" });
 *
 * 1. read the folder (drizzle-kit, Prisma Migrate, Flyway, plain .sql files);
 * 2. replay it on a scratch database of the project's kind and derive each
 *    downgrade from the schema before and after (replay.ts), or take the tool's
 *    undo script;
 * 3. write one kiln revision per migration, in a chain, the original SQL as
 *    `op.execute` steps under a comment naming its file;
 * 4. stamp the project's database at the matching revision when the old tool's
 *    table says it already ran the history (applied.ts), running nothing and
 *    leaving that table in place;
 * 5. optionally run the stairway check (`kiln test`) on the result.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { loadProject, type CommonOptions } from "../commands/context.js";
import { parseDatabaseUrl } from "../config/url.js";
import { dialectFor } from "../dialects/index.js";
import type { DatabaseUrl, Dialect, DialectName } from "../dialects/types.js";
import { KilnError, UsageError } from "../errors.js";
import { renderRevisionFile, revisionFileName, writeRevisionFile } from "../revisions/write.js";
import { openSession } from "../runtime/session.js";
import { readApplied, TOOL_TABLES } from "./applied.js";
import { renderImportedBodies } from "./render.js";
import { needsNoTransaction } from "./parse.js";
import { replayHistory, statementHead, type ReplayedMigration } from "./replay.js";
import { readDrizzle } from "./sources/drizzle.js";
import { readFlyway } from "./sources/flyway.js";
import { readPrisma } from "./sources/prisma.js";
import { readSqlFolder } from "./sources/sql.js";
import { type SplitOptions, splitStatements } from "./split.js";
import { IMPORT_SOURCES, type ImportSourceKind, type SourceHistory } from "./types.js";

export { IMPORT_SOURCES, type ImportSourceKind, type SourceHistory, type SourceMigration } from "./types.js";
export { splitStatements } from "./split.js";

export interface ImportOptions extends CommonOptions {
  /** The tool that wrote the folder. */
  from: ImportSourceKind;
  /** Its migrations folder (drizzle's `out`, `prisma/migrations`, Flyway's location, a folder of .sql files); relative to `cwd`. */
  folder: string;
  /**
   * Where to replay the history: an empty database kiln may change (`pglite://memory`, ...).
   * Default: a scratch database of the same kind as the project's URL (made and removed by kiln).
   */
  scratchUrl?: string;
  /**
   * The database kind when the project has no URL: `postgresql` replays on an in-memory PGlite,
   * `sqlite` on a temporary file (`mysql` needs a URL).
   */
  dialect?: DialectName;
  /** Stamp the project's database when the old tool's table says it ran the history (default true). */
  stamp?: boolean;
  /**
   * The old tool's table, when it was configured under another name (`table` or `schema.table`):
   * drizzle's `migrations.table`/`migrations.schema`, Flyway's `table`. Default: the tool's own name.
   */
  toolTable?: string;
  /** Flyway placeholders as `name=value` (over those of flyway.conf): `${name}` in the migrations is replaced. */
  placeholders?: string[];
  /** The flyway.conf whose `flyway.placeholders.*` to use (default: flyway.conf beside the folder or in cwd). */
  flywayConfig?: string;
  /** Run the stairway check (`kiln test`) on the written revisions (default false from code; the CLI turns it on). */
  verify?: boolean;
  /** Called as each migration is replayed, for progress. */
  onMigration?(info: { index: number; total: number; file: string }): void;
  now?: Date;
}

export interface ImportedRevision {
  revision: string;
  /** The written revision file. */
  file: string;
  message: string;
  /** The original migration's file, relative to the imported folder. */
  source: string;
  statements: number;
  /** `derived` from the schema diff, or the tool's `undo` script. */
  downgrade: "derived" | "undo";
  /** What the downgrade does not undo (also `// WARNING:` lines in the file). */
  notes: string[];
}

export interface ImportStamp {
  /** The old tool's table that was read (left in place). */
  table: string;
  /** The revision the database was stamped at; undefined when nothing was stamped. */
  revision?: string;
  /** The original migration it stands for. */
  source?: string;
  /** How many of the history's migrations the table records as applied. */
  applied: number;
  /** Why the database was not stamped, when it was not. */
  skipped?: string;
}

export interface ImportResult {
  from: ImportSourceKind;
  folder: string;
  revisions: ImportedRevision[];
  /** Every note and reader warning, each a complete sentence (the CLI prints them). */
  warnings: string[];
  /** The database the history was replayed on (password masked). */
  scratch: string;
  stamp?: ImportStamp;
  /** The stairway check's outcome, when `verify` was asked. */
  verified?: { ok: boolean; summary?: string; details: string[] };
}

const SPLIT: Record<DialectName, SplitOptions> = {
  postgresql: {},
  mysql: { backslashEscapes: true, hashComments: true },
  sqlite: {},
};

/** The names another tool gives a database kind, as kiln's dialect names. */
const DECLARED: Record<string, DialectName> = {
  postgresql: "postgresql",
  postgres: "postgresql",
  pg: "postgresql",
  mysql: "mysql",
  mariadb: "mysql",
  sqlite: "sqlite",
  turso: "sqlite",
};

function readHistory(kind: ImportSourceKind, folder: string, dialect: Dialect, options: ImportOptions): SourceHistory {
  const split = (sql: string) => splitStatements(sql, SPLIT[dialect.name]);
  switch (kind) {
    case "drizzle":
      return readDrizzle(folder, split);
    case "prisma":
      return readPrisma(folder, split);
    case "flyway":
      return readFlyway(folder, split, {
        ...(options.placeholders !== undefined ? { placeholders: options.placeholders } : {}),
        ...(options.flywayConfig !== undefined ? { configFile: options.flywayConfig } : {}),
        ...(options.toolTable !== undefined ? { table: options.toolTable.split(".").pop()! } : {}),
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      });
    case "sql":
      return readSqlFolder(folder, split);
  }
}

/** The same migration imported twice gets the same revision id, so a database can be stamped from a later import too. */
export function importedRevisionId(kind: ImportSourceKind, key: string): string {
  return createHash("sha256").update(`kiln import\u0000${kind}\u0000${key}`).digest("hex").slice(0, 12);
}

const SCHEMA_STATEMENT = /^\s*create\s+schema\s+(?:if\s+not\s+exists\s+)?(?:"((?:[^"]|"")+)"|`([^`]+)`|([A-Za-z_][A-Za-z0-9_$]*))/i;

/** Schemas the history creates, read along with the configured ones, so the replay sees their tables. */
function schemasOf(history: SourceHistory, configured: string[]): string[] {
  const names = new Set(configured);
  for (const m of history.migrations) {
    for (const s of m.statements) {
      const hit = SCHEMA_STATEMENT.exec(s);
      if (hit) names.add(hit[1]?.replace(/""/g, '"') ?? hit[2] ?? hit[3]!);
    }
  }
  return [...names];
}

async function scratchFor(options: ImportOptions, configured: DatabaseUrl | undefined): Promise<{ dialect: Dialect; url: DatabaseUrl; dispose(): Promise<void> }> {
  if (options.scratchUrl !== undefined) {
    const url = parseDatabaseUrl(options.scratchUrl);
    return { dialect: await dialectFor(url), url, dispose: async () => undefined };
  }
  let like = configured;
  if (!like) {
    if (options.dialect === "postgresql") like = parseDatabaseUrl("pglite://memory");
    else if (options.dialect === "sqlite") like = parseDatabaseUrl("sqlite::memory:");
    else {
      throw new KilnError("kiln import needs the project's database URL (`url` in kiln.config.ts or DATABASE_URL) to know the kind of database, or a --scratch-url to replay the history on", {
        exitCode: 2,
      });
    }
  }
  const dialect = await dialectFor(like);
  if (!dialect.createScratch) throw new KilnError(`kiln import cannot make a scratch database like ${like.display}; pass an empty one with --scratch-url`);
  const scratch = await dialect.createScratch(like, { keep: false, warn: (m) => options.reporter?.warn(m) });
  return { dialect, url: scratch.url, dispose: () => scratch.dispose() };
}

export async function importHistory(options: ImportOptions): Promise<ImportResult> {
  if (!IMPORT_SOURCES.includes(options.from)) {
    throw new UsageError(`unknown history kind ${JSON.stringify(options.from)}: use one of ${IMPORT_SOURCES.join(", ")}`);
  }
  const project = await loadProject(options);
  const { config, graph, reporter } = project;
  const folder = resolve(options.cwd ?? process.cwd(), options.folder);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder`);
  if (graph.revisions.length > 0) {
    throw new KilnError(`the migrations folder ${config.migrationsDir} already holds ${graph.revisions.length} revision(s); kiln import starts a history, so it writes into an empty folder`, {
      details: ["import into a new project (or set `migrations` to a new folder), then add your own revisions on top"],
    });
  }

  if (options.from !== "flyway" && ((options.placeholders?.length ?? 0) > 0 || options.flywayConfig !== undefined)) {
    throw new UsageError(`--placeholder and --flyway-config are for Flyway histories, not ${options.from}`);
  }
  const scratch = await scratchFor(options, config.url);
  let history: SourceHistory;
  try {
    history = readHistory(options.from, folder, scratch.dialect, options);
  } catch (error) {
    await scratch.dispose();
    throw error;
  }
  const declared = history.declaredDialect ? DECLARED[history.declaredDialect.toLowerCase()] : undefined;
  if (history.declaredDialect && declared !== scratch.dialect.name) {
    await scratch.dispose();
    throw new KilnError(`${folder} is a ${options.from} history for ${history.declaredDialect}, but the project's database is ${scratch.dialect.name} (${scratch.url.display})`, {
      details: ["import it into a project whose URL is that kind of database"],
    });
  }
  if (history.migrations.length === 0) {
    await scratch.dispose();
    throw new KilnError(`${folder} holds no migrations to import`);
  }

  let replayed: ReplayedMigration[];
  try {
    const conn = await scratch.dialect.connect(scratch.url);
    try {
      replayed = await replayHistory({
        dialect: scratch.dialect,
        conn,
        migrations: history.migrations,
        schemas: schemasOf(history, config.schemas),
        onMigration: (_done, index) => options.onMigration?.({ index, total: history.migrations.length, file: history.migrations[index]!.file }),
      });
    } finally {
      await conn.close().catch(() => undefined);
    }
  } finally {
    await scratch.dispose();
  }

  // Every downgrade is known: write the chain.
  mkdirSync(config.migrationsDir, { recursive: true });
  const warnings = [...history.warnings];
  const revisions: ImportedRevision[] = [];
  const start = options.now ?? new Date();
  let parent: string | null = null;
  let previousTime = -Infinity;
  for (const [i, done] of replayed.entries()) {
    const { migration, downgrade } = done;
    const revision = importedRevisionId(history.kind, migration.key);
    // File names start with a time to the second and sort in history order: the tool's own time
    // when it has one, moved on to one second after the previous file's where needed.
    const own = migration.createdAt ?? new Date(start.getTime() + i * 1000);
    const when = new Date(Math.max(Math.floor(own.getTime() / 1000) * 1000, previousTime + 1000));
    previousTime = when.getTime();
    const bodies = renderImportedBodies(history.kind, done);
    // A statement PostgreSQL refuses in a transaction (CREATE INDEX CONCURRENTLY): the revision runs statement by statement, journaled.
    const outside = migration.statements.find(needsNoTransaction);
    if (outside) warnings.push(`${migration.file} (revision ${revision}): ${statementHead(outside)} cannot run in a transaction, so the revision says transactional: false (each statement commits on its own; kiln journals them)`);
    else if (migration.transactional === false) warnings.push(`${migration.file} (revision ${revision}): ${history.kind} runs it outside a transaction (executeInTransaction=false), so the revision says transactional: false`);
    const content = renderRevisionFile({
      revision,
      downRevision: parent,
      message: migration.name,
      transactional: outside || migration.transactional === false ? false : undefined,
      upgradeBody: bodies.upgrade,
      downgradeBody: bodies.downgrade,
      createdAt: when,
    });
    const file = writeRevisionFile(config.migrationsDir, content, revisionFileName(revision, migration.name, when));
    for (const note of downgrade.notes) warnings.push(`${migration.file} (revision ${revision}): ${note}`);
    revisions.push({
      revision,
      file,
      message: migration.name,
      source: migration.file,
      statements: migration.statements.length,
      downgrade: downgrade.source,
      notes: downgrade.notes,
    });
    parent = revision;
  }

  const outside = schemasOf(history, []).filter((name) => !config.schemas.includes(name));
  if (outside.length > 0) {
    warnings.push(
      `the history creates schema(s) ${outside.join(", ")}, which the \`schemas\` setting of ${config.configFile} does not list: add them (schemas: ${JSON.stringify([...config.schemas, ...outside])}) so that kiln test, check and autogenerate compare them too`,
    );
  }

  const result: ImportResult = { from: history.kind, folder, revisions, warnings, scratch: scratch.url.display };
  if (options.toolTable !== undefined && !TOOL_TABLES[history.kind]) {
    throw new UsageError(`--tool-table is for drizzle, prisma and flyway histories; plain SQL files have no table to read`);
  }
  if (options.stamp !== false && config.url && TOOL_TABLES[history.kind]) {
    result.stamp = await stampFromOldTool(options, history, revisions);
  }
  for (const w of warnings) reporter.warn(w);

  if (options.verify) {
    const { stairway } = await import("../commands/stairway.js");
    const check = await stairway({ ...options, url: undefined });
    result.verified = { ok: check.ok, summary: check.failure?.summary, details: check.failure?.details ?? [] };
  }
  return result;
}

/** Reads the old tool's table in the project's database and stamps the matching revision. */
async function stampFromOldTool(options: ImportOptions, history: SourceHistory, revisions: ImportedRevision[]): Promise<ImportStamp | undefined> {
  const project = await loadProject(options);
  const session = await openSession(project.config, { write: false, reporter: project.reporter });
  let applied;
  let heads: string[];
  try {
    applied = await readApplied(session.dialect, session.conn, history.kind, history.migrations, options.toolTable);
    heads = await session.heads();
  } finally {
    await session.close();
  }
  if (!applied) return undefined;
  const stampInfo: ImportStamp = { table: applied.table, applied: applied.applied.length };
  if (applied.problem) return { ...stampInfo, skipped: `${applied.problem}; kiln did not stamp the database: stamp it yourself with \`kiln stamp REV\` once you know where it is` };
  if (!applied.last) return { ...stampInfo, skipped: `${applied.table} records no applied migration of this history; nothing to stamp (\`kiln upgrade head\` builds the schema)` };
  if (heads.length > 0) return { ...stampInfo, skipped: `kiln's version table already holds ${heads.join(", ")}; kiln did not stamp the database` };
  const index = history.migrations.indexOf(applied.last);
  const revision = revisions[index]!.revision;
  const { stamp } = await import("../commands/stamp.js");
  await stamp({ ...options, revisions: [revision] });
  return { ...stampInfo, revision, source: applied.last.file };
}
