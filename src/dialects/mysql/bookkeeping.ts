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
