/** Sequence operations -> PostgreSQL statements (pure). */
import { sequenceDefaults, type Sequence, type SequenceOptions } from "../../../catalog/sequences.js";
import { KilnError } from "../../../errors.js";
import type { AlterSequence, CreateSequence } from "../../../operations/sequences.js";
import type { Statement } from "../../../operations/types.js";
import type { Column } from "../../../catalog/types.js";
import type { IdentityOptionChanges } from "../../../catalog/sequences.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

const SEQUENCE_TYPES = new Set(["smallint", "integer", "bigint"]);

/** A whole number as SQL text (bound for a sequence option): refuses anything else. */
function whole(value: string | number | bigint, what: string): string {
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) throw new KilnError(`${what} must be a whole number, got ${JSON.stringify(String(value))}.`);
  return String(BigInt(text));
}

function sequenceType(type: string, label: string): string {
  if (!SEQUENCE_TYPES.has(type)) throw new KilnError(`sequence ${label}: the type must be smallint, integer or bigint, got ${JSON.stringify(type)}.`);
  return type;
}

function label(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

/** The option clauses of CREATE SEQUENCE for the options given (defaults left to PostgreSQL). */
function optionClauses(options: SequenceOptions, where: string): string[] {
  const clauses: string[] = [];
  if (options.type !== undefined) clauses.push(`AS ${sequenceType(options.type, where)}`);
  if (options.increment !== undefined) clauses.push(`INCREMENT BY ${whole(options.increment, `the increment of sequence ${where}`)}`);
  if (options.min !== undefined) clauses.push(`MINVALUE ${whole(options.min, `the minimum of sequence ${where}`)}`);
  if (options.max !== undefined) clauses.push(`MAXVALUE ${whole(options.max, `the maximum of sequence ${where}`)}`);
  if (options.start !== undefined) clauses.push(`START WITH ${whole(options.start, `the start of sequence ${where}`)}`);
  if (options.cache !== undefined) clauses.push(`CACHE ${whole(options.cache, `the cache of sequence ${where}`)}`);
  if (options.cycle) clauses.push("CYCLE");
  return clauses;
}

function ownedByClause(schema: string | undefined, ownedBy: Sequence["ownedBy"] | null): string {
  if (!ownedBy) return "OWNED BY NONE";
  // The owning table lives in the sequence's schema (PostgreSQL requires it).
  return `OWNED BY ${tableName(schema, ownedBy.table)}.${quoteIdentifier(ownedBy.column)}`;
}

/** `SELECT pg_catalog.setval('schema.name', last, called)`, as pg_dump restores a sequence. */
export function setSequenceValue(schema: string | undefined, name: string, value: { last: string; called: boolean }): Statement {
  const last = whole(value.last, `the value of sequence ${label(schema, name)}`);
  return { sql: `SELECT pg_catalog.setval(${quoteLiteral(tableName(schema, name))}, ${last}, ${value.called ? "true" : "false"})` };
}

export function sequenceComment(schema: string | undefined, name: string, comment: string | null): Statement {
  return { sql: `COMMENT ON SEQUENCE ${tableName(schema, name)} IS ${quoteLiteral(comment)}` };
}

export function createSequence({ sequence }: CreateSequence): Statement[] {
  const where = label(sequence.schema, sequence.name);
  const clauses = optionClauses(sequence, where);
  if (sequence.ownedBy) clauses.push(ownedByClause(sequence.schema, sequence.ownedBy));
  const statements: Statement[] = [{ sql: `CREATE ${sequence.unlogged ? "UNLOGGED " : ""}SEQUENCE ${tableName(sequence.schema, sequence.name)}${clauses.map((c) => ` ${c}`).join("")}` }];
  if (sequence.comment !== undefined) statements.push(sequenceComment(sequence.schema, sequence.name, sequence.comment));
  if (sequence.value) statements.push(setSequenceValue(sequence.schema, sequence.name, sequence.value));
  return statements;
}

export function alterSequence(op: AlterSequence): Statement[] {
  const where = label(op.schema, op.name);
  const { changes } = op;
  // What a reset option goes back to depends on the type and direction the sequence ends up with.
  const pick = <K extends keyof SequenceOptions>(key: K): SequenceOptions[K] | undefined =>
    changes[key] === null ? undefined : changes[key] !== undefined ? (changes[key] as SequenceOptions[K]) : op.existing?.[key];
  const defaults = sequenceDefaults(pick("type") ?? "bigint", BigInt(pick("increment") ?? "1"));
  const clauses: string[] = [];
  if (changes.type !== undefined) clauses.push(`AS ${sequenceType(changes.type ?? "bigint", where)}`);
  if (changes.increment !== undefined) clauses.push(`INCREMENT BY ${whole(changes.increment ?? "1", `the increment of sequence ${where}`)}`);
  if (changes.min !== undefined) clauses.push(changes.min === null ? "NO MINVALUE" : `MINVALUE ${whole(changes.min, `the minimum of sequence ${where}`)}`);
  if (changes.max !== undefined) clauses.push(changes.max === null ? "NO MAXVALUE" : `MAXVALUE ${whole(changes.max, `the maximum of sequence ${where}`)}`);
  if (changes.start !== undefined) {
    const start = changes.start ?? (BigInt(defaults.increment) > 0n ? (pick("min") ?? defaults.min) : (pick("max") ?? defaults.max));
    clauses.push(`START WITH ${whole(start, `the start of sequence ${where}`)}`);
  }
  if (changes.cache !== undefined) clauses.push(`CACHE ${whole(changes.cache ?? "1", `the cache of sequence ${where}`)}`);
  if (changes.cycle !== undefined) clauses.push(changes.cycle ? "CYCLE" : "NO CYCLE");
  if (changes.restart !== undefined) clauses.push(changes.restart === true ? "RESTART" : `RESTART WITH ${whole(changes.restart, `the restart value of sequence ${where}`)}`);
  if (changes.ownedBy !== undefined) clauses.push(ownedByClause(op.schema, changes.ownedBy));
  const statements: Statement[] = clauses.length === 0 ? [] : [{ sql: `ALTER SEQUENCE ${tableName(op.schema, op.name)} ${clauses.join(" ")}` }];
  if (changes.unlogged !== undefined) statements.push({ sql: `ALTER SEQUENCE ${tableName(op.schema, op.name)} SET ${changes.unlogged ? "UNLOGGED" : "LOGGED"}` });
  return statements;
}

/**
 * After a serial or identity column is created: give its sequence the options
 * and the value it had (Column.sequence), so that a table dropped and created
 * again goes on counting where it stood instead of at 1.
 */
export function ownedSequenceStatements(schema: string | undefined, table: string, column: Column): Statement[] {
  const owned = column.sequence;
  if (!owned || !(column.identity || column.autoIncrement)) return [];
  const where = `${label(schema, table)}.${column.name}`;
  const statements: Statement[] = [];
  const clauses = optionClauses(owned, `of column ${where}`);
  if (clauses.length > 0) {
    statements.push(
      column.identity
        ? { sql: `ALTER TABLE ${tableName(schema, table)} ALTER COLUMN ${quoteIdentifier(column.name)} ${clauses.map((c) => `SET ${c}`).join(" ")}` }
        : { sql: `ALTER SEQUENCE ${tableName(schema, owned.name)} ${clauses.join(" ")}` },
    );
  }
  if (owned.unlogged !== undefined) {
    statements.push({ sql: `ALTER SEQUENCE ${tableName(schema, owned.name)} SET ${owned.unlogged ? "UNLOGGED" : "LOGGED"}` });
  }
  if (owned.value) {
    const last = whole(owned.value.last, `the sequence value of column ${where}`);
    const sequence = `pg_catalog.pg_get_serial_sequence(${quoteLiteral(tableName(schema, table))}, ${quoteLiteral(column.name)})`;
    statements.push({ sql: `SELECT pg_catalog.setval(${sequence}, ${last}, ${owned.value.called ? "true" : "false"})` });
  }
  return statements;
}

/**
 * `ALTER TABLE t ALTER COLUMN c SET INCREMENT BY 5 SET START WITH 10 ...`: an identity
 * column's sequence options; an option given as `null` goes back to the default for
 * the column's type (NO MINVALUE, START WITH the minimum, CACHE 1, NO CYCLE).
 */
export function identityOptionStatements(
  schema: string | undefined,
  table: string,
  column: string,
  columnType: string,
  changes: IdentityOptionChanges,
  existing: SequenceOptions = {},
): Statement[] {
  const where = `${label(schema, table)}.${column}`;
  const type = columnType === "smallint" || columnType === "integer" ? columnType : "bigint";
  // What the sequence ends up with, for the defaults of options put back.
  const after = <K extends "increment" | "min" | "max">(key: K) => (changes[key] === null ? undefined : (changes[key] ?? existing[key]));
  const increment = BigInt(after("increment") ?? "1");
  const defaults = sequenceDefaults(type, increment);
  const clauses: string[] = [];
  if (changes.increment !== undefined) clauses.push(`SET INCREMENT BY ${whole(changes.increment ?? "1", `the increment of identity ${where}`)}`);
  if (changes.min !== undefined) clauses.push(changes.min === null ? "SET NO MINVALUE" : `SET MINVALUE ${whole(changes.min, `the minimum of identity ${where}`)}`);
  if (changes.max !== undefined) clauses.push(changes.max === null ? "SET NO MAXVALUE" : `SET MAXVALUE ${whole(changes.max, `the maximum of identity ${where}`)}`);
  if (changes.start !== undefined) {
    const start = changes.start ?? (increment > 0n ? (after("min") ?? defaults.min) : (after("max") ?? defaults.max));
    clauses.push(`SET START WITH ${whole(start, `the start of identity ${where}`)}`);
  }
  if (changes.cache !== undefined) clauses.push(`SET CACHE ${whole(changes.cache ?? "1", `the cache of identity ${where}`)}`);
  if (changes.cycle !== undefined) clauses.push(changes.cycle ? "SET CYCLE" : "SET NO CYCLE");
  if (clauses.length === 0) return [];
  return [{ sql: `ALTER TABLE ${tableName(schema, table)} ALTER COLUMN ${quoteIdentifier(column)} ${clauses.join(" ")}` }];
}
