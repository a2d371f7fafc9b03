/** What compare() hands back, and the rename vocabulary shared with the revision command. */
import type { Operation } from "../operations/types.js";

/**
 * Something the user must read before applying the generated revision.
 * - `dataLoss`: the operation destroys data or may fail on existing rows.
 * - `manualStep`: a change kiln detected but cannot express as an operation.
 * - `unmanaged`: an object kiln leaves alone (unnamed constraint, extra schema).
 */
export interface DiffWarning {
  kind: "dataLoss" | "manualStep" | "unmanaged";
  /** Complete, readable sentence(s) naming the object and what to do. */
  message: string;
}

/** A table or column that disappeared while a lookalike appeared: maybe a rename. */
export interface RenameCandidate {
  kind: "table" | "column";
  schema?: string;
  /** For a column: the table (its name in the models). For a table: equals `from`. */
  table: string;
  from: string;
  to: string;
}

/** The user's answer about one rename (from a prompt or a `--rename` hint). */
export interface RenameDecision {
  kind: "table" | "column";
  schema?: string;
  /** Column decisions: the table, by its name in the models. */
  table?: string;
  from: string;
  to: string;
  accept: boolean;
}

export interface CompareOptions {
  renames?: RenameDecision[];
  /** Dialect.dropsUnnamedConstraints: drop constraints the database holds without a name, found by definition. */
  dropUnnamedConstraints?: boolean;
  /** Dialect.commentsInPlace: a comment-only change of an index or constraint is a setComment, not drop + create. */
  commentsInPlace?: boolean;
  /** Dialect.foreignKeysNeedIndex: keep an index serving each foreign key while the table's indexes change (MySQL). */
  foreignKeysNeedIndex?: boolean;
  /** Dialect.routinesByName: a routine is its schema and name (no overloading); other parameters drop and create it. */
  routinesByName?: boolean;
  /** Dialect.viewsKeepAlteredColumns: a column's new type or collation leaves the views on it standing (MySQL). */
  viewsKeepAlteredColumns?: boolean;
  /** Dialect.generationInPlace: a generated column's new expression is an alterColumn (MySQL's MODIFY keeps its place), not a drop and add. */
  generationInPlace?: boolean;
  /** Dialect.indexesInCreationOrder: a new table's indexes are created in the models' order, not by name. */
  indexesInCreationOrder?: boolean;
  /** Dialect.rebuildsTableOptions: a changed STRICT / WITHOUT ROWID is a setTableOptions (SQLite rebuilds the table); else a warning. */
  rebuildsTableOptions?: boolean;
  /** Dialect.replacesAnyView: a changed view is one replaceView whatever its columns become (MySQL, SQLite). */
  viewsReplacedWhole?: boolean;
  /** The caller names objects kiln does not model from the dialect's survey (Dialect.surveyObjects): compare leaves that to it. */
  unmodelledFromSurvey?: boolean;
  /**
   * Only which operations and rename candidates there are, in no particular order and without
   * warnings (autogenerate's first compare, which only finds the tables that differ): skips ordering
   * the operations by dependency and naming their risks.
   */
  operationsOnly?: boolean;
}

export interface Diff {
  operations: Operation[];
  warnings: DiffWarning[];
  /** Possible renames without a decision; compare() treated them as drop + add. */
  renameCandidates: RenameCandidate[];
  /**
   * The downgrade of operations that reverse() cannot undo on its own because it
   * needs the database's schema (e.g. the columns using an enum that gains a
   * value); pass it to renderMigrationBodies. Present only when not empty.
   */
  reversals?: Reversals;
}

/** Upgrade operation -> the operations that undo it, in the order they run. */
export type Reversals = ReadonlyMap<Operation, Operation[]>;
