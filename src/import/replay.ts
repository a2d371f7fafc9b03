/**
 * Replays another tool's history on a scratch database, one migration at a
 * time, and derives each downgrade: the schema is read before and after the
 * migration, and kiln's own compare (run from "after" to "before") gives the
 * operations that undo it. What compare cannot see (rows a statement changes,
 * objects kiln does not model) is named as a note, never dropped in silence.
 * A tool's own undo script (Flyway U files, *.down.sql) is used as it is.
 */
import { compareCatalogs } from "../autogenerate/compare.js";
import { catalogObjects, describeRef, refKey, type ObjectRef } from "../catalog/objects.js";
import type { Catalog } from "../catalog/types.js";
import type { Connection, Dialect, IntrospectOptions, ObjectSurvey } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import type { Operation } from "../operations/types.js";
import { NotReversibleError, reverseOperation } from "../operations/reverse.js";
import { redactedMessage } from "../config/secrets.js";
import { bareName, insertSelectTarget, isDataChange, leadingWords, statementObject } from "./split.js";
import type { RenameDecision } from "../autogenerate/types.js";
import type { SourceMigration } from "./types.js";

/** How one migration is undone. */
export interface DerivedDowngrade {
  /** `derived`: operations from the schema diff; `undo`: the tool's own undo script. */
  source: "derived" | "undo";
  operations: Operation[];
  /** The undo script's statements (source `undo`). */
  statements: string[];
  /** What the downgrade does not undo, each a complete sentence: written into the revision and printed as a warning. */
  notes: string[];
}

export interface ReplayedMigration {
  migration: SourceMigration;
  downgrade: DerivedDowngrade;
  /** The schema after the migration (for the caller's checks). */
  after: Catalog;
}

export interface ReplayInput {
  dialect: Dialect;
  /** A connection to an empty scratch database. */
  conn: Connection;
  migrations: SourceMigration[];
  /** Schemas to read besides the default one. */
  schemas: string[];
  /** Called when a migration has been replayed, for progress. */
  onMigration?(done: ReplayedMigration, index: number): void;
}

/** The first line of a statement, shortened, for messages. */
export function statementHead(statement: string): string {
  const line = statement.trim().split(/\r?\n/)[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

async function survey(input: ReplayInput, scope: IntrospectOptions): Promise<ObjectSurvey | undefined> {
  return input.dialect.surveyObjects?.(input.conn, scope);
}

/** Objects the survey sees that the Catalog does not hold. */
function unmodelled(surveyed: ObjectSurvey | undefined, catalog: Catalog): Map<string, ObjectRef> {
  const result = new Map<string, ObjectRef>();
  if (!surveyed) return result;
  const modelled = new Set(catalogObjects(catalog).map(refKey));
  for (const object of surveyed.objects) {
    const key = refKey(object);
    if (!modelled.has(key)) result.set(key, object);
  }
  return result;
}

/**
 * Renames the upgrade made, read back from its statements: compare sees a
 * rename as a drop and an add (which would lose the data on downgrade), so a
 * candidate is taken as a rename when a statement of the migration renames the
 * one name to the other.
 */
function renamesFromStatements(migration: SourceMigration, candidates: { kind: "table" | "column"; schema?: string; table: string; from: string; to: string }[]): RenameDecision[] {
  const renames = migration.statements.filter((s) => /\brename\b/i.test(s));
  if (renames.length === 0) return [];
  const mentions = (statement: string, name: string) => new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_$])`).test(statement);
  return candidates
    .filter((c) => renames.some((s) => mentions(s, c.from) && mentions(s, c.to)))
    .map((c) => ({ kind: c.kind, schema: c.schema, table: c.kind === "column" ? c.table : undefined, from: c.from, to: c.to, accept: true }));
}

/** Kinds of objects the Catalog holds on every database (the rest is named from the survey where the dialect has one). */
const COMPARED_EVERYWHERE = new Set(["table", "index"]);

/**
 * What the statements say that a schema comparison cannot see: rows they change
 * (except the copy into a table the migration creates, as a table rebuild does),
 * permissions, and, where the dialect cannot survey its objects, objects of kinds
 * kiln does not read there (triggers, views, routines, events).
 */
function statementNotes(migration: SourceMigration, surveyed: boolean, readKinds: ReadonlySet<string>): string[] {
  const notes: string[] = [];
  const created = new Set(
    migration.statements.map(statementObject).filter((o) => o?.action === "create" && o.kind === "table").map((o) => bareName(o!.name).toLowerCase()),
  );
  for (const [position, statement] of migration.statements.entries()) {
    const which = `statement ${position + 1} (${statementHead(statement)})`;
    if (isDataChange(statement)) {
      const target = insertSelectTarget(statement);
      if (target === undefined || !created.has(target.toLowerCase())) {
        notes.push(`${which} changes rows, which the downgrade does not undo; undo it by hand if it matters`);
      }
      continue;
    }
    const [first] = leadingWords(statement, 1);
    if (first === "grant" || first === "revoke") {
      notes.push(`${which} changes permissions, which kiln does not compare: the downgrade does not undo it; add the opposite ${first === "grant" ? "REVOKE" : "GRANT"} by hand`);
      continue;
    }
    const object = statementObject(statement);
    if (!surveyed && object && !COMPARED_EVERYWHERE.has(object.kind) && !readKinds.has(object.kind)) {
      notes.push(`${which} ${object.action === "create" ? "creates" : object.action === "drop" ? "drops" : "changes"} ${object.kind} ${bareName(object.name)}, which kiln does not read on this database: the downgrade does not undo it; write that part by hand`);
    }
  }
  return notes;
}

/**
 * The downgrade as autogenerate writes it: the forward diff (before -> after),
 * each operation undone in reverse order, with compare's reversals for what
 * needs the schema. Undefined when an operation has no automatic reverse or the
 * forward diff itself needs a manual step.
 */
function undoOfForward(before: Catalog, after: Catalog, options: { dropUnnamedConstraints: boolean }): Operation[] | undefined {
  const forward = compareCatalogs(after, before, options);
  if (forward.warnings.some((w) => w.kind === "manualStep") || forward.renameCandidates.length > 0) return undefined;
  const undo: Operation[] = [];
  try {
    for (const op of [...forward.operations].reverse()) undo.push(...(forward.reversals?.get(op) ?? reverseOperation(op)));
  } catch (error) {
    if (error instanceof NotReversibleError) return undefined;
    throw error;
  }
  return undo;
}

export async function replayHistory(input: ReplayInput): Promise<ReplayedMigration[]> {
  const { dialect, conn } = input;
  const scope: IntrospectOptions = { schemas: input.schemas };
  const results: ReplayedMigration[] = [];
  let before = await dialect.introspect(conn, scope);
  let beforeSurvey = await survey(input, scope);
  for (const [index, migration] of input.migrations.entries()) {
    for (const [position, statement] of migration.statements.entries()) {
      try {
        await conn.query(statement);
      } catch (error) {
        throw new KilnError(
          `${migration.file}, statement ${position + 1} of ${migration.statements.length} (${statementHead(statement)}), fails on the scratch database: ${redactedMessage(error)}`,
          {
            details: [
              "kiln replays the history in order on an empty scratch database to derive each downgrade; nothing was written",
              "check that the folder is for this kind of database and that every migration is listed, then try again",
            ],
            cause: error,
          },
        );
      }
    }
    const after = await dialect.introspect(conn, scope);
    const afterSurvey = await survey(input, scope);
    const notes: string[] = [];
    // A tool's undo script is its author's word on what to undo, rows included.
    if (!migration.undo) notes.push(...statementNotes(migration, dialect.surveyObjects !== undefined, new Set(dialect.readsObjectKinds ?? [])));
    let downgrade: DerivedDowngrade;
    if (migration.undo) {
      downgrade = { source: "undo", operations: [], statements: migration.undo.statements, notes: [] };
    } else {
      const options = { dropUnnamedConstraints: dialect.dropsUnnamedConstraints === true, viewsReplacedWhole: dialect.replacesAnyView === true, routinesByName: dialect.routinesByName === true, rebuildsTableOptions: dialect.rebuildsTableOptions === true, indexesInCreationOrder: dialect.indexesInCreationOrder === true, generationInPlace: dialect.generationInPlace === true, viewsKeepAlteredColumns: dialect.viewsKeepAlteredColumns === true };
      // compare(model, database): the operations that turn `after` back into `before`.
      let diff = compareCatalogs(before, after, options);
      const renames = renamesFromStatements(migration, diff.renameCandidates);
      if (renames.length > 0) diff = compareCatalogs(before, after, { ...options, renames });
      for (const c of diff.renameCandidates) {
        notes.push(`${c.kind} ${c.kind === "column" ? `${c.table}.` : ""}${c.from} may have been renamed from ${c.to}: the downgrade drops and adds it, which loses its data; write op.renameColumn/op.renameTable instead if it was a rename`);
      }
      let derived = diff.operations;
      let warnings = diff.warnings;
      // Some changes have no reverse diff (a value added to a PostgreSQL enum cannot be dropped):
      // autogenerate's own downgrade of the forward diff knows how to undo them (recreating the type).
      if (warnings.some((w) => w.kind === "manualStep")) {
        const forward = undoOfForward(before, after, options);
        if (forward) {
          derived = forward;
          warnings = warnings.filter((w) => w.kind !== "manualStep");
        }
      }
      // A schema this migration created goes with it (compare never drops a schema: models may not list it).
      const created = after.schemas.filter((name) => !before.schemas.includes(name));
      const createdNote = (message: string) => created.some((name) => message.startsWith(`schema ${name} exists in the database but not in the models`));
      for (const warning of warnings) if (warning.kind !== "dataLoss" && !createdNote(warning.message)) notes.push(warning.message);
      const operations = [...(dialect.addExplicitCasts?.(derived) ?? derived), ...created
        .filter((name) => !derived.some((op) => op.kind === "dropSchema" && op.name === name))
        .map((name) => ({ kind: "dropSchema" as const, name }))];
      const gone = unmodelled(beforeSurvey, before);
      const now = unmodelled(afterSurvey, after);
      for (const [key, object] of now) {
        if (!gone.has(key)) notes.push(`${describeRef(object)}, created by this migration, is not modelled by kiln: the downgrade does not drop it; add op.execute("DROP ...") by hand`);
      }
      for (const [key, object] of gone) {
        if (!now.has(key)) notes.push(`${describeRef(object)}, dropped by this migration, is not modelled by kiln: the downgrade does not recreate it; add its CREATE statement by hand`);
      }
      downgrade = { source: "derived", operations, statements: [], notes };
    }
    const done = { migration, downgrade, after };
    results.push(done);
    input.onMigration?.(done, index);
    before = after;
    beforeSurvey = afterSurvey;
  }
  return results;
}
