/**
 * kiln's own tables on PostgreSQL. The version table has Alembic's exact shape
 * (version_num varchar(32), primary key <table>_pkc), so a database migrated by
 * Alembic can be taken over. The history table is append-only: one row per step
 * (direction 'up', 'down' or 'stamp': varchar(5), since 'stamp' has five letters).
 */
import type { BookkeepingNames } from "../types.js";
import { quoteIdentifier as quoteIdent, tableName as qualified } from "./sql.js";

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
