/**
 * Autogenerate: load the models, read the database, let the database spell the
 * models its own way (canonicalize), compare, and render upgrade and downgrade.
 * Shared by `kiln revision --autogenerate` and `kiln check`.
 */
import { scopeModelGrants } from "../autogenerate/roles.js";
import { existsSync } from "node:fs";
import { type Catalog, qualifiedName } from "../catalog/types.js";
import type { DialectName, IdentifierLimit } from "../dialects/types.js";
import { isDrizzleObject } from "../drizzle/load.js";
import type { DrizzleExport } from "../drizzle/index.js";
import type { Operation } from "../operations/types.js";
import type { ResolvedConfig } from "../config/load.js";
import { compareCatalogs } from "../autogenerate/compare.js";
import { renderMigrationBodies } from "../autogenerate/render.js";
import { parseRenameHint, parseRenameTableHint } from "../autogenerate/renames.js";
import { summarizeOperations } from "../autogenerate/summary.js";
import { unmodelledWarnings } from "../autogenerate/unmodelled-survey.js";
import type { Diff, RenameCandidate, RenameDecision } from "../autogenerate/types.js";
import { KilnError } from "../errors.js";
import { codeLineComment } from "../neutralize.js";
import { type LoadedModule, loadModule } from "../loader.js";
import { modelCache } from "../autogenerate/model-cache.js";
import { moduleFormat, readsOnlyItsText, saveCodeCaches } from "../revisions/direct-import.js";
import { describeImportFailure } from "../revisions/import-module.js";
import { journalTable, lockTable } from "../runtime/journal.js";
import { type Session, openSession } from "../runtime/session.js";
import { modelsToCatalog } from "../schema/to-catalog.js";
import { withoutDefaultSchema } from "../catalog/default-schema.js";
import { mentionsName } from "../dialects/postgres/shapes.js";
import { modelObjectsLeftOut } from "../autogenerate/left-out.js";
import { partitioningUnsupported } from "../dialects/partitioning.js";
import { operatorsUnsupported } from "../catalog/operators.js";
import { aggregatesUnsupported } from "../catalog/aggregates.js";
import { defaultSpellingStore } from "../dialects/spelling-cache.js";
import { readerPool } from "../dialects/reader-pool.js";
import { collectGarbageIfLarge } from "../runtime/collect.js";
import type { Project } from "./context.js";
import { withSpellingConnection } from "./dev-database.js";
import type { Bodies, RevisionOptions } from "./revision.js";

/**
 * The models as a Catalog; `limit` is the database's identifier limit (Dialect.identifierLimit, null for none).
 * Drizzle tables among the exports are read as drizzle-kit would create them (src/drizzle/); `notes`
 * names what they declare that kiln does not model.
 */
export async function loadModels(
  config: ResolvedConfig,
  limit: IdentifierLimit | null,
  options: { indexNamesPerTable?: boolean; dialect?: DialectName } = {},
): Promise<{ catalog: Catalog; notes: string[]; modules: Record<string, unknown>[] }> {
  const loaded = await runModels(config);
  return { ...(await catalogOf(config, loaded, limit, options)), modules: loaded.map((l) => l.namespace) };
}

/**
 * The models' Catalog, from the cache of an earlier run of the same models when there is one
 * (autogenerate/model-cache.ts); the models file does not run then.
 */
export async function loadModelsCached(
  config: ResolvedConfig,
  limit: IdentifierLimit | null,
  options: { indexNamesPerTable?: boolean; dialect?: DialectName } = {},
): Promise<{ catalog: Catalog; notes: string[] }> {
  requireModels(config);
  const cache = modelCache(config.models, { naming: config.naming, limit, indexNamesPerTable: options.indexNamesPerTable === true });
  const cached = cache?.read();
  if (cached) return { catalog: cached, notes: [] };
  // Whether the files read only their own text is found by esbuild, in its own process, while they run.
  const pure =
    cache?.mayKeep() && config.models.every((file) => moduleFormat(file) === "esm")
      ? Promise.all(cache.sources.map((text, i) => readsOnlyItsText(config.models[i]!, text))).then((all) => all.every(Boolean))
      : Promise.resolve(false);
  pure.catch(() => undefined);
  const loaded = await runModels(config);
  const result = await catalogOf(config, loaded, limit, options);
  if (cache && result.drizzle === 0 && cache.mayKeep()) await cache.write(result.catalog, loaded, pure);
  return { catalog: result.catalog, notes: result.notes };
}

function requireModels(config: ResolvedConfig): void {
  if (config.models.length === 0) {
    throw new KilnError(`no models configured: set \`models: "src/db/schema.ts"\` (or a list) in ${config.configFile}`);
  }
}

async function runModels(config: ResolvedConfig): Promise<LoadedModule[]> {
  requireModels(config);
  const loaded: LoadedModule[] = [];
  for (const file of config.models) {
    if (!existsSync(file)) throw new KilnError(`models file ${file} (from \`models\` in ${config.configFile}) does not exist`);
    try {
      loaded.push(await loadModule(file));
    } catch (error) {
      throw describeImportFailure("models file", file, error instanceof KilnError && error.cause !== undefined ? error.cause : error);
    }
  }
  return loaded;
}

/** Drizzle tables among the exports are read as drizzle-kit would create them (src/drizzle/); `notes` names what they declare that kiln does not model. */
async function catalogOf(
  config: ResolvedConfig,
  loaded: LoadedModule[],
  limit: IdentifierLimit | null,
  options: { indexNamesPerTable?: boolean; dialect?: DialectName },
): Promise<{ catalog: Catalog; notes: string[]; drizzle: number }> {
  const modules = loaded.map((l) => l.namespace);
  const drizzleExports: DrizzleExport[] = [];
  modules.forEach((module, i) => {
    for (const [key, value] of Object.entries(module ?? {})) {
      if (isDrizzleObject(value)) drizzleExports.push({ value, source: `export "${key}" of ${config.models[i]}` });
    }
  });
  const catalog = modelsToCatalog(modules, config.naming, limit, { indexNamesPerTable: options.indexNamesPerTable });
  // Now that the extras callbacks have run, V8's code cache of the models files holds them compiled too.
  saveCodeCaches();
  if (drizzleExports.length === 0) return { catalog, notes: [], drizzle: 0 };
  const { readDrizzleModels, mergeCatalogs } = await import("../drizzle/index.js");
  const drizzle = await readDrizzleModels(drizzleExports, config.models, { dialect: options.dialect, casing: config.drizzleCasing });
  return { catalog: mergeCatalogs(catalog, drizzle.catalog), notes: drizzle.notes, drizzle: drizzleExports.length };
}

/** The models as a Catalog (see loadModels). */
export async function loadModelCatalog(
  config: ResolvedConfig,
  limit: IdentifierLimit | null,
  options: { indexNamesPerTable?: boolean; dialect?: DialectName } = {},
): Promise<Catalog> {
  return (await loadModels(config, limit, options)).catalog;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Refuses unless the database is at the head(s): autogenerate compares against the newest schema. */
async function requireAtHead(project: Project, session: Session, command: string): Promise<void> {
  const current = await session.heads();
  const heads = project.graph.heads().map((h) => h.revision);
  if (!sameSet(current, heads)) {
    throw new KilnError(
      `the database is not up to date (it is at ${current.join(", ") || "base"}; the migrations folder's head is ${heads.join(", ") || "base"}), so ${command} would compare the models with an old schema`,
      { details: [`database: ${project.config.url?.display ?? ""}`, "run `kiln upgrade head` first, then try again"] },
    );
  }
}

export interface SchemaDiff extends Diff {
  model: Catalog;
  database: Catalog;
  /** The models as written, before the database spelled them its own way. */
  rawModel: Catalog;
  /** Warnings about objects kiln does not model that this revision drops or changes something under: the revision file carries them too. */
  revisionNotes: string[];
}

/** Compares the models with the database the session is connected to. */
export async function diffModelsWithDatabase(
  config: ResolvedConfig,
  session: Session,
  renames: RenameDecision[] = [],
): Promise<SchemaDiff> {
  // The database is read while the models load (the server works while kiln runs the models file), in
  // the scope the config gives; read again only if the models name schemas the config does not list.
  const early = databaseScope(config, []);
  const { reading, busy } = readDatabase(session, early.scope);
  reading.catch(() => undefined);
  // Loading the models (from their cache too) holds kiln's thread: first let the reads reach the server.
  await Promise.race([busy, reading.then(() => undefined, () => undefined)]);
  const loaded = await loadModelsCached(config, session.dialect.identifierLimit ?? null, {
    indexNamesPerTable: session.dialect.indexNamesPerTable === true,
    dialect: session.dialect.name,
  });
  // Grants are compared only when the config asks, and only for the roles it names.
  const scoped = scopeModelGrants(withoutDefaultSchema(loaded.catalog, session.dialect.defaultSchema), config.grants);
  const model = scoped.model;
  const notes = [...loaded.notes, ...scoped.warnings];
  const partitioned = model.tables.find((t) => t.partitionBy || t.partitionOf);
  if (partitioned && !session.dialect.partitioning) throw partitioningUnsupported(session.dialect.name, partitioned);
  const collation = model.collations?.[0];
  if (collation && !session.dialect.userCollations) {
    throw new KilnError(
      `the models declare collation ${qualifiedName(collation)} (collation(...)), but ${session.dialect.name} has no user collations: CREATE COLLATION is PostgreSQL's. Remove it from the models for this database; columns name ${session.dialect.name}'s own collations with .collate("...").`,
    );
  }
  if ((model.operators ?? []).length > 0 && !session.dialect.operators) throw operatorsUnsupported(session.dialect.name, model.operators!);
  if (model.aggregates?.length && !session.dialect.aggregates) throw aggregatesUnsupported(session.dialect.name, model.aggregates!);
  const { schemas, scope } = databaseScope(config, model.schemas);
  const sameScope = schemas.length === early.schemas.length && schemas.every((s, i) => s === early.schemas[i]);
  const { introspected, survey } = sameScope ? await reading : await reading.catch(() => undefined).then(() => readDatabase(session, scope).reading);
  // The reads' texts and rows are garbage now: collected before compare grows the heap further (large runs only).
  collectGarbageIfLarge();
  const database = survey ? { ...introspected, dependencies: survey.dependencies } : introspected;
  const canonical = await canonicalizeWhereNeeded(config, session, model, database);
  const leftOut = modelObjectsLeftOut(model, canonical, session.dialect.name);
  // With a survey, objects kiln does not model are named from it (below), not from Catalog.dependencies alone.
  const diff = compareCatalogs(canonical, database, {
    renames,
    dropUnnamedConstraints: session.dialect.dropsUnnamedConstraints === true,
    commentsInPlace: session.dialect.commentsInPlace === true,
    foreignKeysNeedIndex: session.dialect.foreignKeysNeedIndex === true,
    viewsReplacedWhole: session.dialect.replacesAnyView === true,
    routinesByName: session.dialect.routinesByName === true,
    rebuildsTableOptions: session.dialect.rebuildsTableOptions === true,
    indexesInCreationOrder: session.dialect.indexesInCreationOrder === true,
    generationInPlace: session.dialect.generationInPlace === true,
    viewsKeepAlteredColumns: session.dialect.viewsKeepAlteredColumns === true,
    unmodelledFromSurvey: survey !== undefined,
  });
  const unmodelled = survey ? unmodelledWarnings(survey, database, diff.operations, { schemas, configFile: config.configFile }) : [];
  return {
    ...diff,
    warnings: [
      ...notes.map((message) => ({ kind: "unmanaged" as const, message })),
      ...leftOut.map((message) => ({ kind: "unmanaged" as const, message })),
      ...unmodelled.map((w) => ({ kind: "unmanaged" as const, message: w.message })),
      ...diff.warnings,
    ],
    model: canonical,
    database: introspected,
    rawModel: model,
    revisionNotes: unmodelled.filter((w) => w.affected).map((w) => w.message),
  };
}

/** What is read from the database: the config's schemas and those the models name, without kiln's own tables. */
function databaseScope(config: ResolvedConfig, modelSchemas: string[]) {
  const schemas = [...new Set([...config.schemas, ...modelSchemas])];
  const grants: true | string[] | undefined = config.grants === true ? true : Array.isArray(config.grants) && config.grants.length > 0 ? config.grants : undefined;
  const scope = {
    schemas: schemas.length > 0 ? schemas : undefined,
    excludeTables: [...config.excludeTables, config.versionTable, config.historyTable, journalTable(config), lockTable(config)],
    ...(grants ? { grants } : {}),
  };
  return { schemas, scope };
}

/**
 * introspect() and, where the dialect has one, the survey of what the Catalog does not hold
 * (unmodelled objects, and the database's dependencies for the order of drops), sent side by
 * side over a reader pool (dialects/reader-pool.ts). `busy` settles once every session of the pool has
 * a statement to run.
 */
function readDatabase(session: Session, scope: ReturnType<typeof databaseScope>["scope"]) {
  const pool = readerPool(session.conn);
  const reading = (async () => {
    try {
      const [introspected, survey] = await Promise.all([session.dialect.introspect(pool, scope), session.dialect.surveyObjects?.(pool, scope)]);
      return { introspected, survey };
    } finally {
      await pool.close();
    }
  })();
  return { reading, busy: pool.busy };
}

function tableKey(schema: string | undefined, name: string): string {
  return `${schema ?? ""}.${name}`;
}

/** Tables an operation list touches (by their names in the models). */
function touchedTables(operations: Operation[]): Set<string> {
  const touched = new Set<string>();
  for (const op of operations) {
    if (op.kind === "attachPartition" || op.kind === "detachPartition") touched.add(tableKey(op.partition.schema, op.partition.table));
    if (op.kind === "createTable") touched.add(tableKey(op.table.schema, op.table.name));
    else if ("table" in op && typeof op.table === "string") {
      touched.add(tableKey(op.schema, op.table));
      if (op.kind === "renameTable") touched.add(tableKey(op.schema, op.newName));
    }
  }
  return touched;
}

/**
 * Asks the database to spell the models its own way (dialect.canonicalize), but
 * only for the tables that differ before canonicalization: a table that already
 * compares equal to the database is, by definition, spelled as the database
 * spells it. On a large schema with one change this turns "build every table in
 * a scratch schema" into "build one".
 *
 * When many tables differ only in how the database spells them (a check on a
 * numeric column gains a cast in every table), all of them come here; sharing one
 * scratch table among tables of the same shape is the dialect's job, not this
 * layer's: only the dialect knows whether its result lines up with the model
 * position by position and which spellings depend on a table's own name (see
 * dialects/postgres/shapes.ts).
 */
async function canonicalizeWhereNeeded(config: ResolvedConfig, session: Session, model: Catalog, database: Catalog): Promise<Catalog> {
  // Only which tables differ matters here: no ordering, no warnings.
  const raw = compareCatalogs(model, database, { operationsOnly: true });
  const touched = touchedTables(raw.operations);
  for (const candidate of raw.renameCandidates) {
    touched.add(tableKey(candidate.schema, candidate.table));
    touched.add(tableKey(candidate.schema, candidate.to));
  }
  // A table's foreign keys need the tables they refer to (some dialects build them in the scratch copy).
  const byKey = new Map(model.tables.map((t) => [tableKey(t.schema, t.name), t]));
  const needed = new Set([...touched].filter((key) => byKey.has(key)));
  // Model views are spelled on the scratch copies of the tables they name (with the enums and functions they
  // use, canonicalize-routines.ts): a live table beside a scratch copy of its enum type prints 'x'::public.t.
  for (const view of model.views ?? []) {
    for (const table of model.tables) if (mentionsName(view.definition, table.name)) needed.add(tableKey(table.schema, table.name));
  }
  for (const key of needed) {
    for (const fk of byKey.get(key)!.foreignKeys) {
      const referred = tableKey(fk.refSchema, fk.refTable);
      if (byKey.has(referred)) needed.add(referred);
    }
  }
  const differing = model.tables.filter((t) => needed.has(tableKey(t.schema, t.name)));
  const spellings = defaultSpellingStore();
  // On the dev database when the config names one (dev-database.ts): then nothing is created on the target.
  const canonical = await withSpellingConnection(config, session, (conn) => session.dialect.canonicalize(conn, { ...model, tables: differing }, { database, spellings }));
  const fromDatabase = new Map(database.tables.map((t) => [tableKey(t.schema, t.name), t]));
  const unchanged = model.tables
    .filter((t) => !needed.has(tableKey(t.schema, t.name)))
    .map((t) => fromDatabase.get(tableKey(t.schema, t.name)) ?? t);
  const tables = [...unchanged, ...canonical.tables].sort((a, b) => qualifiedName(a).localeCompare(qualifiedName(b)));
  return { ...canonical, tables };
}

function hintDecisions(options: RevisionOptions): RenameDecision[] {
  return [...(options.renameTables ?? []).map(parseRenameTableHint), ...(options.renames ?? []).map(parseRenameHint)];
}

function describeCandidate(c: RenameCandidate): string {
  const where = c.schema ? `${c.schema}.` : "";
  return c.kind === "table" ? `table ${where}${c.from} -> ${where}${c.to}` : `column ${where}${c.table}.${c.from} -> ${c.to}`;
}

async function askAboutRenames(candidates: RenameCandidate[]): Promise<RenameDecision[]> {
  const prompts = await import("@clack/prompts");
  const decisions: RenameDecision[] = [];
  for (const c of candidates) {
    const answer = await prompts.select({
      message: `Is ${describeCandidate(c)} a rename?`,
      options: [
        { value: "rename", label: "rename (keeps the data)" },
        { value: "drop", label: "drop and create (loses the data)" },
      ],
    });
    if (prompts.isCancel(answer)) throw new KilnError("cancelled; no revision written");
    decisions.push({ kind: c.kind, schema: c.schema, table: c.kind === "column" ? c.table : undefined, from: c.from, to: c.to, accept: answer === "rename" });
  }
  return decisions;
}

export async function autogenerateBodies(project: Project, options: RevisionOptions): Promise<Bodies> {
  const { config, reporter } = project;
  const session = await openSession(config, { write: false, reporter });
  try {
    await requireAtHead(project, session, "autogenerate");
    let decisions = hintDecisions(options);
    let diff = await diffModelsWithDatabase(config, session, decisions);
    if (diff.renameCandidates.length > 0) {
      if (options.interactive) {
        decisions = [...decisions, ...(await askAboutRenames(diff.renameCandidates))];
        diff = await diffModelsWithDatabase(config, session, decisions);
      } else {
        for (const c of diff.renameCandidates) {
          reporter.warn(
            `possible rename: ${describeCandidate(c)}; written as DROP and ADD, which LOSES THE DATA. If it is a rename, run again with ${
              c.kind === "table" ? `--rename-table ${c.from}=${c.to}` : `--rename ${c.table}.${c.from}=${c.table}.${c.to}`
            }`,
          );
        }
      }
    }
    for (const warning of diff.warnings) reporter.warn(warning.message);
    const { dialect } = session;
    const online = dialect.preferOnlineForms?.(diff.operations) ?? diff.operations;
    const operations = dialect.addExplicitCasts?.(online) ?? online;
    const { lintOperations } = await import("../lint/index.js");
    for (const warning of lintOperations(operations, { dialect: session.dialect.name, revision: "(new revision)" })) {
      reporter.warn(`${warning.problem}; safe form: ${warning.safeForm}`);
    }
    const rendered = renderMigrationBodies(operations, {
      notes: diff.revisionNotes,
      reversals: diff.reversals,
      adaptReversed: dialect.addExplicitCasts?.bind(dialect),
    });
    for (const warning of rendered.warnings) reporter.warn(warning);
    const notes = dialect.operationNotes?.(operations, diff.rawModel) ?? [];
    for (const note of notes) reporter.warn(note);
    const upgrade = [...notes.map((note) => `// NOTE: ${codeLineComment(note)}`), rendered.upgrade].filter((part) => part !== "").join("\n");
    return { upgrade, downgrade: rendered.downgrade, changes: summarizeOperations(operations) };
  } finally {
    await session.close();
  }
}

export interface CheckResult {
  /** True when the models and the database match. */
  clean: boolean;
  changes: string[];
  warnings: string[];
  /** The database compared (password masked). */
  database: string;
}

/** `kiln check`: the drift gate. */
export async function checkProject(project: Project): Promise<CheckResult> {
  const session = await openSession(project.config, { write: false, reporter: project.reporter });
  try {
    await requireAtHead(project, session, "check");
    const diff = await diffModelsWithDatabase(project.config, session);
    return {
      clean: diff.operations.length === 0,
      changes: summarizeOperations(diff.operations),
      warnings: diff.warnings.map((w) => w.message),
      database: project.config.url?.display ?? "",
    };
  } finally {
    await session.close();
  }
}
