/**
 * `kiln pull`: write models (kiln/schema TypeScript) from a live database, the
 * database's naming convention into the config, and with `--baseline` a first
 * revision that creates the whole schema, stamped as applied.
 *
 * Reading goes through the dialect's introspect (the same Catalog autogenerate
 * compares); writing the models is the pure src/pull/ module.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { compareCatalogs } from "../autogenerate/compare.js";
import { renderMigrationBodies } from "../autogenerate/render.js";
import { emptyCatalog, qualifiedName, type Catalog } from "../catalog/types.js";
import { CONFIG_FILE_NAMES, loadConfig, resolveConfig, type ResolvedConfig } from "../config/load.js";
import type { NamingConvention } from "../config/types.js";
import { KilnError, UsageError } from "../errors.js";
import { updateConfigSource, newConfigSource, settingEntries, type PulledSettings } from "../pull/config-file.js";
import { inferNaming, renderModels, type Split } from "../pull/index.js";
import { leftOutNotes } from "../pull/left-out.js";
import { detectVersionTables, type FoundVersionTable } from "../pull/version-tables.js";
import { journalTable, lockTable } from "../runtime/journal.js";
import { silentReporter, type Reporter } from "../runtime/reporter.js";
import { openSession } from "../runtime/session.js";
import { readerPool } from "../dialects/reader-pool.js";
import { newRevisionId, renderRevisionFile, revisionFileName, writeRevisionFile } from "../revisions/write.js";
import { addDatabaseUrlToEnv, addToGitignore, urlHasPassword } from "./init-ignore.js";

export interface PullOptions {
  cwd?: string;
  /** --config PATH */
  config?: string;
  /** The database to read (else the config's, or DATABASE_URL). */
  url?: string;
  /** Where the models go: a file (default: the config's models, else src/db/schema.ts), or a folder with `split`. */
  out?: string;
  split?: Split;
  /** Schemas to read (PostgreSQL; default: every schema a user made). */
  schemas?: string[];
  /** Only tables matching these patterns (`name`, `schema.name`, `*` wildcards). */
  tables?: string[];
  /** Tables to leave out (same patterns). */
  excludeTables?: string[];
  /** Overwrite model files that exist. */
  force?: boolean;
  /** Also write a first revision that creates the schema, and stamp the database at it. */
  baseline?: boolean;
  /** The baseline revision's message. */
  message?: string;
  reporter?: Reporter;
  /** Progress lines (the CLI shows them on a terminal). */
  progress?: (message: string) => void;
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

export interface PullResult {
  database: string;
  /** Model files written (absolute paths). */
  files: string[];
  config: { file: string; action: "created" | "updated" | "unchanged" };
  naming: NamingConvention;
  schemas: string[];
  counts: { tables: number; views: number; routines: number; aggregates: number; triggers: number; enums: number; sequences: number; domains: number; collations: number; compositeTypes: number; extensions: number; operators: number };
  /** Other tools' version tables found (left in place, out of the models, in excludeTables). */
  versionTables: FoundVersionTable[];
  /** What the models cannot say. */
  notes: string[];
  baseline?: { revision: string; file: string };
  durationMs: number;
}

function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

function tableMatcher(patterns: readonly string[] | undefined): ((schema: string | undefined, name: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const regexps = patterns.map(globRegExp);
  return (schema, name) => regexps.some((r) => r.test(name) || (schema !== undefined && r.test(`${schema}.${name}`)));
}

function findConfig(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  return CONFIG_FILE_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
}

/** The config to pull with: the project's, with --url on top; or, without a config file, one made from --url / DATABASE_URL. */
async function pullConfig(options: PullOptions, cwd: string): Promise<{ config: ResolvedConfig; file: string; exists: boolean }> {
  const file = findConfig(cwd, options.config);
  if (file !== undefined && existsSync(file)) {
    const config = await loadConfig({ cwd, config: file, ...(options.url !== undefined ? { url: options.url } : {}), env: options.env });
    return { config, file, exists: true };
  }
  if (options.config !== undefined) throw new KilnError(`config file ${file} does not exist`);
  const env = options.env ?? process.env;
  const url = options.url ?? env.KILN_MIGRATION_URL ?? env.DATABASE_URL;
  if (url === undefined || url.trim() === "") {
    throw new UsageError("kiln pull needs a database: pass --url URL (or set DATABASE_URL), or run it in a project with a kiln.config.ts");
  }
  const configFile = join(cwd, "kiln.config.ts");
  return { config: resolveConfig({ url }, configFile, {}, cwd), file: configFile, exists: false };
}

function defaultOut(config: ResolvedConfig, exists: boolean, split: Split): string {
  const configured = exists && config.models.length === 1 ? config.models[0]! : undefined;
  if (split !== "none" && exists && config.models.length > 1) return dirname(config.models[0]!);
  if (split === "none") return configured ?? join(config.rootDir, "src", "db", "schema.ts");
  return join(config.rootDir, "src", "db", "schema");
}

function count(catalog: Catalog): PullResult["counts"] {
  return {
    tables: catalog.tables.length,
    views: catalog.views?.length ?? 0,
    routines: catalog.routines?.length ?? 0,
    aggregates: catalog.aggregates?.length ?? 0,
    triggers: catalog.triggers?.length ?? 0,
    operators: catalog.operators?.length ?? 0,
    enums: catalog.enums.length,
    sequences: catalog.sequences?.length ?? 0,
    domains: catalog.domains?.length ?? 0,
    collations: catalog.collations?.length ?? 0,
    compositeTypes: catalog.compositeTypes?.length ?? 0,
    extensions: catalog.extensions?.length ?? 0,
  };
}

/** A path as written in the config: relative to its folder, with forward slashes. */
function configPath(rootDir: string, path: string): string {
  const rel = relative(rootDir, path).split("\\").join("/");
  return rel.startsWith(".") ? rel : rel;
}

export async function pull(options: PullOptions = {}): Promise<PullResult> {
  const started = performance.now();
  const cwd = resolve(options.cwd ?? process.cwd());
  const reporter = options.reporter ?? silentReporter;
  const progress = options.progress ?? (() => undefined);
  const split: Split = options.split ?? "none";
  if (!["none", "schema", "table"].includes(split)) throw new UsageError(`--split must be "schema" or "table", got ${JSON.stringify(split)}`);
  const { config, file: configFile, exists: configExists } = await pullConfig(options, cwd);
  const out = options.out !== undefined ? resolve(cwd, options.out) : defaultOut(config, configExists, split);

  // Refuse before reading anything when files would be overwritten.
  const target = split === "none" ? out : join(out, "index.ts");
  if (!options.force && existsSync(target)) {
    throw new KilnError(`refusing to overwrite ${target}: it exists. Pass --force to replace it (and the other model files pull writes), or --out PATH to write elsewhere`);
  }

  progress(`connecting to ${config.url?.display ?? ""}`);
  const session = await openSession(config, { write: false, reporter });
  let catalog: Catalog;
  let versionTables: FoundVersionTable[];
  let schemas: string[];
  const database = config.url?.display ?? "";
  try {
    const dialect = session.dialect;
    schemas = options.schemas ?? (config.schemas.length > 0 ? config.schemas : ((await dialect.listSchemas?.(session.conn)) ?? []));
    const include = tableMatcher(options.tables);
    const exclude = tableMatcher(options.excludeTables);
    const kilnTables = [config.versionTable, config.historyTable, journalTable(config), lockTable(config)];
    progress(`reading the schema${schemas.length > 0 ? ` (${schemas.join(", ")})` : ""}`);
    // The catalog queries run side by side where the connection can fork (dialects/reader-pool.ts).
    const pool = readerPool(session.conn);
    const [read, allTables, leftOutCandidates] = await Promise.all([
      dialect.introspect(pool, {
        schemas,
        excludeTables: [...config.excludeTables, ...kilnTables],
        // Grants where the config asks (`grants: true` or the roles): the models then say them.
        ...(config.grants !== false ? { grants: config.grants } : {}),
        ...(include || exclude ? { includeTable: (s, n) => (!include || include(s, n)) && !(exclude?.(s, n) ?? false) } : {}),
      }),
      dialect.listTables(pool),
      dialect.leftOutCandidates?.(pool, { schemas }) ?? [],
    ]).finally(() => pool.close());
    // Other tools' version tables: in the schemas read (they stay out of the models) and elsewhere (only reported).
    const inCatalog = detectVersionTables(read.tables.map((t) => ({ schema: t.schema, name: t.name, columns: t.columns.map((c) => c.name) })));
    const everywhere = detectVersionTables(allTables.map((t) => ({ schema: t.schema, name: t.name })));
    const found = new Set(inCatalog.map((v) => qualifiedName({ schema: v.schema, name: v.table })));
    // Those outside the schemas read are only reported (the same table is not reported twice).
    versionTables = [...inCatalog, ...everywhere.filter((v) => !inCatalog.some((c) => c.table === v.table && c.tool === v.tool))];
    catalog = { ...read, tables: read.tables.filter((t) => !found.has(qualifiedName(t))) };
    progress(`read ${catalog.tables.length} table(s)`);

    const limit = dialect.identifierLimit ?? null;
    const naming = inferNaming(catalog, limit);
    const rendered = renderModels(catalog, {
      limit,
      naming,
      split,
      ...(dialect.modelType ? { modelType: dialect.modelType.bind(dialect) } : {}),
      ...(dialect.stringDefault ? { stringDefault: dialect.stringDefault.bind(dialect) } : {}),
      defaultSchemaName: dialect.name === "sqlite" ? "main" : "public",
      header: [`Models pulled from the database by \`kiln pull\`. Edit them freely: \`kiln check\` compares them with the database.`],
    });
    progress(`writing ${rendered.files.length} file(s)`);
    const files: string[] = [];
    if (rendered.files.length === 0) rendered.files.push({ path: rendered.entry, content: "// kiln pull found no tables or types in the database.\nexport {};\n" });
    for (const f of rendered.files) {
      const path = split === "none" ? out : join(out, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
      files.push(path);
    }
    const entry = split === "none" ? out : join(out, rendered.entry);

    // The config: the naming convention, the models, the schemas, other tools' tables.
    const excluded = inCatalog.map((v) => (v.schema !== undefined ? `${v.schema}.${v.table}` : v.table));
    // Split models are listed file by file: kiln loads each one (an index's `export *` does not load in a CommonJS package).
    const modelFiles = split === "none" ? [entry] : files.filter((f) => f !== entry);
    const settings: PulledSettings = {
      models: modelFiles.length === 1 ? configPath(dirname(configFile), modelFiles[0]!) : modelFiles.map((f) => configPath(dirname(configFile), f)),
      naming,
      schemas: catalog.schemas.length > 0 ? [...new Set([...config.schemas, ...catalog.schemas])] : undefined,
      excludeTables: [...new Set([...config.excludeTables, ...excluded])],
    };
    if (!existsSync(config.migrationsDir)) mkdirSync(config.migrationsDir, { recursive: true });
    const configAction = writeConfig(configFile, configExists, settings, options, config, cwd);
    for (const v of versionTables) {
      reporter.info(`found ${v.tool}'s version table ${qualifiedName({ schema: v.schema, name: v.table })}: left in place and out of the models${excluded.length > 0 ? " (listed in excludeTables)" : ""}`);
    }
    // Exact or loud: what the database holds and the models cannot say is named (casts, operator classes, ...).
    const notes = [...rendered.notes, ...leftOutNotes(catalog, leftOutCandidates)];
    for (const note of notes) reporter.warn(note);

    let baseline: PullResult["baseline"];
    if (options.baseline) {
      progress("writing the baseline revision");
      baseline = await writeBaseline(catalog, config, configFile, options, session.dialect.indexesInCreationOrder === true);
    }
    return {
      database,
      files,
      config: { file: configFile, action: configAction },
      naming,
      schemas,
      counts: count(catalog),
      versionTables,
      notes,
      ...(baseline ? { baseline } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await session.close();
  }
}

function writeConfig(file: string, exists: boolean, settings: PulledSettings, options: PullOptions, config: ResolvedConfig, cwd: string): PullResult["config"]["action"] {
  if (!exists) {
    const url = options.url ?? config.url?.raw ?? "";
    let urlLine: string;
    if (urlHasPassword(url)) {
      addDatabaseUrlToEnv(cwd, url);
      addToGitignore(cwd, ".env");
      urlLine = "  // The URL holds a password, so it lives in .env (kept out of git), not here.\n  url: process.env.DATABASE_URL,";
    } else urlLine = `  url: ${JSON.stringify(url)},`;
    writeFileSync(file, newConfigSource(urlLine, "migrations", settings), { flag: "wx" });
    return "created";
  }
  const text = readFileSync(file, "utf8");
  const updated = updateConfigSource(text, settings);
  if (updated === undefined) {
    const lines = settingEntries(settings).map(([k, v]) => `  ${k}: ${v},`);
    throw new KilnError(`the models are written, but ${file} is not a plain defineConfig({ ... }) that kiln can edit; add these settings to it by hand:`, {
      details: lines,
    });
  }
  if (updated === text) return "unchanged";
  writeFileSync(file, updated);
  return "updated";
}

/** The first revision: creates everything pulled (the downgrade drops it), stamped as applied. */
async function writeBaseline(catalog: Catalog, config: ResolvedConfig, configFile: string, options: PullOptions, indexesInCreationOrder: boolean): Promise<{ revision: string; file: string }> {
  const { loadRevisions } = await import("../revisions/load.js");
  const existing = existsSync(config.migrationsDir) ? await loadRevisions(config.migrationsDir) : [];
  if (existing.length > 0) {
    throw new KilnError(`--baseline writes the first revision, but ${config.migrationsDir} already holds ${existing.length} revision(s); the models are written, no baseline`);
  }
  const diff = compareCatalogs(catalog, emptyCatalog(), { indexesInCreationOrder });
  const bodies = renderMigrationBodies(diff.operations, { reversals: diff.reversals });
  const revision = newRevisionId();
  const message = options.message ?? "baseline: the schema as pulled";
  const now = options.now ?? new Date();
  mkdirSync(config.migrationsDir, { recursive: true });
  const content = renderRevisionFile({ revision, downRevision: null, message, upgradeBody: bodies.upgrade, downgradeBody: bodies.downgrade, createdAt: now });
  const file = writeRevisionFile(config.migrationsDir, content, revisionFileName(revision, message, now));
  const { stamp } = await import("./stamp.js");
  await stamp({ cwd: options.cwd, config: configFile, revisions: [revision], reporter: options.reporter, ...(options.url !== undefined ? { url: options.url } : {}) });
  return { revision, file };
}
