/**
 * Operations: one schema change each, as plain data.
 *
 * Revision files build them through the `op` facade (operations/facade.ts);
 * autogenerate builds them from a Catalog diff. Dialects compile them to SQL
 * (pure), reverse() turns an upgrade list into a downgrade list (pure), and
 * render turns them into TypeScript source (pure).
 *
 * Fields named `existing*` / `old` carry the definition before the change so that
 * the operation can be reversed (and so MySQL can restate a whole column).
 */
import type {
  CheckConstraint,
  Column,
  ExclusionConstraint,
  ForeignKey,
  Index,
  PrimaryKey,
  Table,
  TableOptions,
  UniqueConstraint,
} from "../catalog/types.js";

import type { AttachPartition, DetachPartition } from "./partitions.js";
import type { IdentityOptionChanges } from "../catalog/sequences.js";

export type { AttachPartition, DetachPartition } from "./partitions.js";
import type { ObjectOperation } from "./objects.js";

export type ConstraintType = "check" | "unique" | "foreignkey" | "primary" | "exclusion";

/** Where a table lives. `schema` undefined = the default schema. */
export interface TableRef {
  schema?: string;
  table: string;
}

export interface CreateTable {
  kind: "createTable";
  /** Full definition: columns, primary key, uniques, foreign keys, checks, comment. Indexes are created by separate createIndex ops. */
  table: Table;
}

export interface DropTable extends TableRef {
  kind: "dropTable";
  /** A partition: detached from this parent first (PostgreSQL refuses to drop a partition of a table a foreign key references). */
  detachFrom?: TableRef;
  /** Full definition before the drop, for reversal. */
  old?: Table;
}

export interface RenameTable extends TableRef {
  kind: "renameTable";
  newName: string;
}

export interface AddColumn extends TableRef {
  kind: "addColumn";
  column: Column;
}

export interface DropColumn extends TableRef {
  kind: "dropColumn";
  column: string;
  old?: Column;
}

export interface AlterColumn extends TableRef {
  kind: "alterColumn";
  column: string;
  /** New type. */
  type?: string;
  /** PostgreSQL `USING` expression for the type change. */
  using?: string;
  nullable?: boolean;
  /** New default: SQL text; `null` drops the default; undefined leaves it alone. */
  default?: string | null;
  /** New column name. */
  newName?: string;
  /** New comment; `null` removes it. */
  comment?: string | null;
  /** Make it an identity column (or change ALWAYS/BY DEFAULT); `null` makes it a plain column. */
  identity?: { always: boolean } | null;
  /** PostgreSQL: new options of an identity column's sequence (SET INCREMENT BY ..., `null`: the type's default). */
  identityOptions?: IdentityOptionChanges;
  /** New MySQL `ON UPDATE` expression; `null` removes it. */
  onUpdate?: string | null;
  /**
   * MySQL/MariaDB: a generated column's new expression (same STORED or VIRTUAL),
   * restated by MODIFY COLUMN; SQLite: by a table rebuild. Either way the column keeps its place.
   * PostgreSQL refuses it.
   */
  generated?: { expression: string; stored: boolean };
  /** New character set (MySQL); `null` goes back to the table's default. */
  charset?: string | null;
  /**
   * New collation; `null` goes back to the default (MySQL: the table's; PostgreSQL:
   * the type's). PostgreSQL changes it with ALTER COLUMN ... TYPE ... COLLATE, so
   * the type comes from `type` or else `existing`.
   */
  collation?: string | null;
  /** The column as it was before (needed for reversal and by MySQL's MODIFY). */
  existing?: Column;
}

export interface CreateIndex extends TableRef {
  kind: "createIndex";
  index: Index & { name: string };
  concurrently?: boolean;
  /** PostgreSQL: cluster the table on the new index (ALTER TABLE ... CLUSTER ON) once it is built. */
  clusterOn?: boolean;
  /** Create it only when no index of that name is there (the index MySQL keeps for a foreign key). */
  ifNotExists?: boolean;
}

export interface DropIndex extends TableRef {
  kind: "dropIndex";
  name: string;
  concurrently?: boolean;
  /** Drop it only when it is there (the index MySQL keeps for a foreign key, which the server may have dropped itself). */
  ifExists?: boolean;
  old?: Index & { name: string };
  /** The table was clustered on this index: its reverse clusters it again. */
  clustered?: boolean;
}

export interface CreatePrimaryKey extends TableRef {
  kind: "createPrimaryKey";
  constraint: PrimaryKey & { name: string };
}

export interface CreateUniqueConstraint extends TableRef {
  kind: "createUniqueConstraint";
  constraint: UniqueConstraint & { name: string };
}

export interface CreateForeignKey extends TableRef {
  kind: "createForeignKey";
  constraint: ForeignKey & { name: string };
  /** PostgreSQL NOT VALID: add without scanning existing rows; validate later. */
  notValid?: boolean;
}

export interface CreateCheckConstraint extends TableRef {
  kind: "createCheckConstraint";
  constraint: CheckConstraint & { name: string };
  notValid?: boolean;
}

/** EXCLUDE USING ... (PostgreSQL). */
export interface CreateExclusionConstraint extends TableRef {
  kind: "createExclusionConstraint";
  constraint: ExclusionConstraint & { name: string };
}

export interface DropConstraint extends TableRef {
  kind: "dropConstraint";
  name: string;
  type: ConstraintType;
  /** Definition before the drop, for reversal. */
  old?:
    | { type: "check"; constraint: CheckConstraint & { name: string } }
    | { type: "unique"; constraint: UniqueConstraint & { name: string } }
    | { type: "foreignkey"; constraint: ForeignKey & { name: string } }
    | { type: "primary"; constraint: PrimaryKey & { name: string } }
    | { type: "exclusion"; constraint: ExclusionConstraint & { name: string } };
}

export interface ValidateConstraint extends TableRef {
  kind: "validateConstraint";
  name: string;
}

export interface CreateEnum {
  kind: "createEnum";
  schema?: string;
  name: string;
  values: string[];
  comment?: string;
}

export interface DropEnum {
  kind: "dropEnum";
  schema?: string;
  name: string;
  /** Values before the drop, for reversal. */
  old?: string[];
  /** The comment before the drop, for reversal. */
  oldComment?: string;
}

export interface AddEnumValue {
  kind: "addEnumValue";
  schema?: string;
  name: string;
  value: string;
  before?: string;
  after?: string;
}

export interface SetTableComment extends TableRef {
  kind: "setTableComment";
  /** `null` removes the comment. */
  comment: string | null;
  existing?: string | null;
}

/**
 * Table options: MySQL's ENGINE, DEFAULT CHARSET/COLLATE, ROW_FORMAT (ALTER
 * TABLE), SQLite's STRICT and WITHOUT ROWID (a table rebuild, sqlite/rebuild.ts).
 * A field absent is left as it is; `null` goes back to what a new table gets (the
 * server's engine, the database's charset and collation, the default row format;
 * a rowid table that is not STRICT).
 */
export interface SetTableOptions extends TableRef {
  kind: "setTableOptions";
  options: TableOptionChanges;
  /** The options before (absent fields: the defaults), for reversal. */
  existing?: TableOptions;
}

export type TableOptionChanges = { [K in "engine" | "charset" | "collation" | "rowFormat"]?: string | null } & {
  /** SQLite: `true` makes the table STRICT, `null` a table that is not. */
  strict?: true | null;
  /** SQLite: `true` makes the table WITHOUT ROWID, `null` a rowid table. */
  withoutRowid?: true | null;
};

/** The SQLite table options, which a rebuild changes (the others are MySQL's ALTER TABLE options). */
export const REBUILT_TABLE_OPTIONS = ["strict", "withoutRowid"] as const;

export interface CreateSchema {
  kind: "createSchema";
  name: string;
}

export interface DropSchema {
  kind: "dropSchema";
  name: string;
}

export interface Execute {
  kind: "execute";
  sql: string;
  params?: unknown[];
  /** SQL that undoes this statement, if the author gave one. */
  reverseSql?: string;
}

export interface BulkInsert extends TableRef {
  kind: "bulkInsert";
  rows: Record<string, unknown>[];
}

/**
 * Several changes to one table applied together. SQLite turns the group into ONE
 * table rebuild ("copy and move"); other dialects compile the inner operations
 * one by one. Written in revisions as `op.batchAlterTable(table, (batch) => ...)`.
 */
export interface BatchAlterTable extends TableRef {
  kind: "batchAlterTable";
  operations: Operation[];
}

export type Operation =
  | ObjectOperation
  | BatchAlterTable
  | CreateTable
  | DropTable
  | RenameTable
  | AddColumn
  | DropColumn
  | AlterColumn
  | CreateIndex
  | DropIndex
  | CreatePrimaryKey
  | CreateUniqueConstraint
  | CreateForeignKey
  | CreateCheckConstraint
  | CreateExclusionConstraint
  | DropConstraint
  | ValidateConstraint
  | CreateEnum
  | DropEnum
  | AddEnumValue
  | SetTableComment
  | SetTableOptions
  | CreateSchema
  | DropSchema
  | Execute
  | BulkInsert
  | AttachPartition
  | DetachPartition;

export type OperationKind = Operation["kind"];

/** One SQL statement produced by compiling an operation. */
export interface Statement {
  sql: string;
  params?: unknown[];
  /**
   * False when the database refuses this statement inside a transaction
   * (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE on old PostgreSQL).
   * The runner commits before it and runs it on its own.
   */
  transactional?: boolean;
  /**
   * For a statement run outside a transaction: how to tell whether it took
   * effect, and how to remove what a failed attempt left behind (PostgreSQL's
   * INVALID index after a failed CREATE INDEX CONCURRENTLY). Queries return a
   * row when the answer is yes.
   */
  recovery?: StatementRecovery;
  /**
   * True when the statement may run in the step's transaction but what it adds
   * is usable only once committed (PostgreSQL's ALTER TYPE ... ADD VALUE). When
   * a later statement of the step uses it, the runner runs the step again with
   * this statement committed first (journaled, like `transactional: false`).
   */
  commitBeforeUse?: boolean;
}

export interface StatementRecovery {
  /** A query that returns a row when the statement's effect is there. */
  applied: string;
  /** What a failed attempt leaves behind: a query that finds it, and the statement that removes it. */
  leftover?: { find: string; remove: string; what: string };
}
