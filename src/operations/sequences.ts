/** Sequence operations and their reverse. */
import type { Sequence, SequenceOptions } from "../catalog/sequences.js";

export interface CreateSequence {
  kind: "createSequence";
  /** With `value`, the sequence is set there after creation (setval), as pg_dump restores it. */
  sequence: Sequence;
}

export interface DropSequence {
  kind: "dropSequence";
  schema?: string;
  name: string;
  old?: Sequence;
}

/** New option values; `null` puts an option back to PostgreSQL's default (NO MINVALUE, ...). */
export type SequenceChanges = { [K in keyof SequenceOptions]?: SequenceOptions[K] | null } & {
  /** OWNED BY a column, or `null` for OWNED BY NONE. */
  ownedBy?: { table: string; column: string } | null;
  /** SET UNLOGGED (true) or SET LOGGED (false). */
  unlogged?: boolean;
  /** RESTART [WITH n]: `true` restarts at the start value. Not reversible. */
  restart?: string | true;
};

export interface AlterSequence {
  kind: "alterSequence";
  schema?: string;
  name: string;
  changes: SequenceChanges;
  /** The sequence before, for reversal. */
  existing?: Sequence;
}

export type SequenceOperation = CreateSequence | DropSequence | AlterSequence;

export const SEQUENCE_OPERATION_KINDS = ["createSequence", "dropSequence", "alterSequence"] as const;
