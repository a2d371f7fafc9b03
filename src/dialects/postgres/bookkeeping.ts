/**
 * kiln's own tables on PostgreSQL. The version table has Alembic's exact shape
 * (version_num varchar(32), primary key <table>_pkc), so a database migrated by
 * Alembic can be taken over. The history table is append-only: one row per step
 * (direction 'up', 'down' or 'stamp': varchar(5), since 'stamp' has five letters).
 */
import type { BookkeepingNames } from "../types.js";
import { quoteIdentifier as quoteIdent, quoteString, tableName as qualified } from "./sql.js";

/** Statements that create the version and history tables (and their schema) if missing. */
export function postgresBookkeepingDDL(names: BookkeepingNames): string[] {
  const { schema, versionTable, historyTable } = names;
  const statements: string[] = [];
  if (schema) statements.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${qualified(schema, versionTable)} (\n` +
      `    version_num varchar(32) NOT NULL,\n` +
      `    CONSTRAINT ${quoteIdent(`${versionTable}_pkc`)} PRIMARY KEY (version_num)\n` +
      `)`,
  );
  statements.push(
    `CREATE TABLE IF NOT EXISTS ${qualified(schema, historyTable)} (\n` +
      `    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n` +
      `    revision varchar(32) NOT NULL,\n` +
      `    direction varchar(5) NOT NULL,\n` +
      `    checksum varchar(64),\n` +
      `    started_at timestamptz NOT NULL,\n` +
      `    duration_ms integer,\n` +
      `    kiln_version varchar(32),\n` +
      `    source text\n` +
      `)`,
  );
  return statements;
}

/**
 * A statement that fails unless the version table holds exactly `heads` (its
 * rows are unique: the same count, and no row outside `heads`). A step sends it
 * with its DDL, so the re-check against a concurrent change needs no round trip
 * of its own; when it fails, the runner rolls back and reads the table again.
 */
export function postgresHeadsGuard(names: BookkeepingNames, heads: string[]): string {
  const table = qualified(names.schema, names.versionTable);
  const expected = `ARRAY[${heads.map(quoteString).join(", ")}]::text[]`;
  const changed = `(SELECT count(*) <> ${heads.length} OR coalesce(bool_or(version_num::text <> ALL (${expected})), false) FROM ${table})`;
  const body = `BEGIN IF ${changed} THEN RAISE EXCEPTION 'kiln: the version table changed since it was read'; END IF; END`;
  return `DO ${dollarQuote(body)}`;
}

/** `sql` (an UPDATE or DELETE) in a block that raises `failure` unless it changed exactly one row. */
export function postgresOneRowGuard(sql: string, failure: string): string {
  const body = `DECLARE changed bigint; BEGIN ${sql}; GET DIAGNOSTICS changed = ROW_COUNT; IF changed <> 1 THEN RAISE EXCEPTION USING MESSAGE = ${quoteString(failure)}; END IF; END`;
  return `DO ${dollarQuote(body)}`;
}

/** The body between dollar quotes whose tag it does not contain. */
function dollarQuote(body: string): string {
  let tag = "$kiln$";
  for (let n = 1; body.includes(tag); n++) tag = `$kiln${n}$`;
  return `${tag}${body}${tag}`;
}

/** Milliseconds since the transaction began (the step's BEGIN), where the statement runs. */
export const POSTGRES_ELAPSED_MS = "(extract(epoch FROM clock_timestamp() - transaction_timestamp()) * 1000)::integer";

/**
 * A step's own clock when several steps go in one query (Dialect.stepClock):
 * transaction_timestamp() is then the query's arrival for every one of them.
 * The start is kept as epoch seconds in a setting local to the transaction
 * (text that reads back the same whatever DateStyle and TimeZone say).
 */
export const POSTGRES_STEP_CLOCK = {
  startSql: "SELECT set_config('kiln.step_started', extract(epoch FROM clock_timestamp())::text, true)",
  elapsedMsSql: "((extract(epoch FROM clock_timestamp()) - current_setting('kiln.step_started')::numeric) * 1000)::integer",
};

/** kiln's step journal (runtime/journal.ts): the durable statements of a step in progress. */
export function postgresJournalDDL(table: string): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${table} (\n` +
    `    seq integer PRIMARY KEY,\n` +
    `    revision varchar(32) NOT NULL,\n` +
    `    direction varchar(5) NOT NULL,\n` +
    `    checksum varchar(64),\n` +
    `    state varchar(8) NOT NULL,\n` +
    `    statement_hash varchar(64),\n` +
    `    statement text,\n` +
    `    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()\n` +
    `)`
  );
}

/**
 * SQLSTATEs a statement gives when its effect is already there: duplicate_table,
 * duplicate_column, duplicate_object, duplicate_schema, undefined_table,
 * undefined_column, undefined_object.
 */
const ALREADY_APPLIED = new Set(["42P07", "42701", "42710", "42P06", "42P01", "42703", "42704"]);

export function postgresIsAlreadyApplied(error: unknown): boolean {
  return ALREADY_APPLIED.has(String((error as { code?: unknown } | null)?.code));
}
