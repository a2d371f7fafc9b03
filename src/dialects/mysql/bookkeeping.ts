/** kiln's own tables on MySQL: the version table (applied heads) and the append-only history. */
import type { BookkeepingNames } from "../types.js";
import { tableName } from "./quote.js";

export function mysqlBookkeepingDDL(names: BookkeepingNames): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${tableName(names.schema, names.versionTable)} (
  version_num VARCHAR(32) NOT NULL,
  PRIMARY KEY (version_num)
) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS ${tableName(names.schema, names.historyTable)} (
  id BIGINT NOT NULL AUTO_INCREMENT,
  revision VARCHAR(32) NOT NULL,
  direction VARCHAR(5) NOT NULL,
  checksum VARCHAR(64) NULL,
  started_at DATETIME(6) NOT NULL,
  duration_ms INT NULL,
  kiln_version VARCHAR(32) NULL,
  source LONGTEXT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB`,
  ];
}

/** kiln's step journal (runtime/journal.ts): the statements of a step in progress that already ran (DDL commits at once). */
export function mysqlJournalDDL(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  seq INT NOT NULL,
  revision VARCHAR(32) NOT NULL,
  direction VARCHAR(5) NOT NULL,
  checksum VARCHAR(64) NULL,
  state VARCHAR(8) NOT NULL,
  statement_hash VARCHAR(64) NULL,
  statement LONGTEXT NULL,
  recorded_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (seq)
) ENGINE=InnoDB`;
}

/**
 * Errors a DDL statement gives when run again after it took effect: table,
 * column, key, foreign key, database, routine or trigger already there, or
 * already gone (1050, 1060, 1061, 1826, 1007, 1304, 1359; 1051, 1091, 1146,
 * 1054, 1008, 1305, 1360).
 */
const ALREADY_APPLIED = new Set([1050, 1060, 1061, 1826, 1007, 1304, 1359, 1051, 1091, 1146, 1054, 1008, 1305, 1360]);

export function mysqlIsAlreadyApplied(error: unknown): boolean {
  return ALREADY_APPLIED.has(Number((error as { errno?: unknown } | null)?.errno));
}
