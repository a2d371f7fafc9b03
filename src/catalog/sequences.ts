/**
 * Sequences that stand on their own (CREATE SEQUENCE), not the ones behind an
 * identity or serial column (those belong to their column).
 *
 * Numbers are decimal strings: a bigint sequence reaches 2^63 - 1, beyond what a
 * JavaScript number holds exactly. Options equal to PostgreSQL's defaults for the
 * sequence's type and direction are left out (normalizeSequence), so that a model
 * that says nothing and a database that shows the default compare equal.
 */
export interface SequenceOptions {
  /** smallint, integer or bigint (the default, left out). */
  type?: string;
  start?: string;
  increment?: string;
  min?: string;
  max?: string;
  cache?: string;
  cycle?: boolean;
}

/** Where a sequence stands: `setval(seq, last, called)`. Read from the database, restored on re-creation, never compared. */
export interface SequenceValue {
  last: string;
  called: boolean;
}

export interface Sequence extends SequenceOptions {
  schema?: string;
  name: string;
  /** OWNED BY: a column of a table in the sequence's schema (dropped with it). */
  ownedBy?: { table: string; column: string };
  comment?: string;
  value?: SequenceValue;
  /** `CREATE UNLOGGED SEQUENCE` (PostgreSQL 15+); absent: logged. */
  unlogged?: boolean;
}

export const SEQUENCE_OPTION_KEYS = ["type", "start", "increment", "min", "max", "cache", "cycle"] as const;
export type SequenceOptionKey = (typeof SEQUENCE_OPTION_KEYS)[number];

const TYPE_RANGE: Record<string, { min: bigint; max: bigint }> = {
  smallint: { min: -32768n, max: 32767n },
  integer: { min: -2147483648n, max: 2147483647n },
  bigint: { min: -9223372036854775808n, max: 9223372036854775807n },
};

const TYPE_SYNONYMS: Record<string, string> = { int2: "smallint", int4: "integer", int: "integer", int8: "bigint" };

/** PostgreSQL's defaults for a sequence of `type` counting by `increment`. */
export function sequenceDefaults(type: string, increment: bigint): Required<Omit<SequenceOptions, "type">> {
  const range = TYPE_RANGE[type] ?? TYPE_RANGE.bigint!;
  const min = increment > 0n ? 1n : range.min;
  const max = increment > 0n ? range.max : -1n;
  return { start: String(increment > 0n ? min : max), increment: "1", min: String(min), max: String(max), cache: "1", cycle: false };
}

/** The sequence's options with every default left out (the form both Catalog sides use). */
export function normalizeSequenceOptions<T extends SequenceOptions>(sequence: T): T {
  const type = TYPE_SYNONYMS[sequence.type ?? "bigint"] ?? sequence.type ?? "bigint";
  const increment = BigInt(sequence.increment ?? "1");
  const range = TYPE_RANGE[type];
  const min = sequence.min !== undefined ? BigInt(sequence.min) : increment > 0n ? 1n : (range?.min ?? 0n);
  const max = sequence.max !== undefined ? BigInt(sequence.max) : increment > 0n ? (range?.max ?? 0n) : -1n;
  const defaults = sequenceDefaults(type, increment);
  const result = { ...sequence } as T;
  for (const key of SEQUENCE_OPTION_KEYS) delete result[key];
  if (type !== "bigint") result.type = type;
  if (sequence.start !== undefined && BigInt(sequence.start) !== (increment > 0n ? min : max)) result.start = String(BigInt(sequence.start));
  if (increment !== 1n) result.increment = String(increment);
  if (min !== BigInt(defaults.min)) result.min = String(min);
  if (max !== BigInt(defaults.max)) result.max = String(max);
  if (sequence.cache !== undefined && BigInt(sequence.cache) !== 1n) result.cache = String(BigInt(sequence.cache));
  if (sequence.cycle) result.cycle = true;
  return result;
}

/** The option keys whose values differ between two normalized sequences. */
export function changedSequenceOptions(a: SequenceOptions, b: SequenceOptions): SequenceOptionKey[] {
  return SEQUENCE_OPTION_KEYS.filter((key) => (a[key] ?? null) !== (b[key] ?? null));
}

/**
 * The sequence behind a serial or identity column, where it differs from a
 * fresh one: its non-default options and where it stands. Read from the
 * database and restored when the column is created again; never compared.
 */
export interface OwnedSequence extends SequenceOptions {
  /** The sequence's name (PostgreSQL's default: `<table>_<column>_seq`). */
  name: string;
  /** Only a serial column's sequence whose type is not the column's (a bigint sequence behind an integer column, as Rails makes them). */
  type?: string;
  value?: SequenceValue;
  /**
   * Only when the sequence's persistence differs from its table's (a new one gets the table's):
   * true for an UNLOGGED sequence behind a logged table, false for a logged one behind an UNLOGGED table.
   */
  unlogged?: boolean;
}

/** The options of an identity column's sequence that ALTER COLUMN ... SET can change. */
export const IDENTITY_OPTION_KEYS = ["start", "increment", "min", "max", "cache", "cycle"] as const;
export type IdentityOptionKey = (typeof IDENTITY_OPTION_KEYS)[number];
/** New values; `null` puts an option back to the default for the column's type. */
export type IdentityOptionChanges = { [K in IdentityOptionKey]?: (K extends "cycle" ? boolean : string) | null };

/** The sequence type of an identity column of `columnType` (PostgreSQL: the column's own integer type). */
function identitySequenceType(columnType: string): string {
  return columnType === "smallint" || columnType === "integer" ? columnType : "bigint";
}

/** An identity column's sequence options with every default for its type left out. */
export function identityOptions(columnType: string, sequence: SequenceOptions | undefined): SequenceOptions {
  const { type: _type, ...options } = normalizeSequenceOptions({ ...pickOptions(sequence), type: identitySequenceType(columnType) });
  return options;
}

function pickOptions(sequence: SequenceOptions | undefined): SequenceOptions {
  const picked: SequenceOptions = {};
  for (const key of IDENTITY_OPTION_KEYS) if (sequence?.[key] !== undefined) (picked as Record<string, unknown>)[key] = sequence[key];
  return picked;
}

/** What turns the database's identity options into the model's; undefined when they agree. */
export function identityOptionChanges(columnType: string, model: SequenceOptions | undefined, database: SequenceOptions | undefined): IdentityOptionChanges | undefined {
  // The same options on both sides normalize alike: no change (the common case, every identity column of a large schema, without BigInt work).
  if (sameIdentityOptions(model, database)) return undefined;
  const wanted = identityOptions(columnType, model);
  const present = identityOptions(columnType, database);
  const changes: IdentityOptionChanges = {};
  for (const key of IDENTITY_OPTION_KEYS) {
    if ((wanted[key] ?? null) === (present[key] ?? null)) continue;
    (changes as Record<string, unknown>)[key] = key === "cycle" ? !!wanted.cycle : (wanted[key] ?? null);
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

function sameIdentityOptions(a: SequenceOptions | undefined, b: SequenceOptions | undefined): boolean {
  for (const key of IDENTITY_OPTION_KEYS) if (a?.[key] !== b?.[key]) return false;
  return true;
}
