import { describe, expect, it } from "vitest";
import type { Table } from "../../src/catalog/types.js";
import { createMysqlDialect, mariadbDialect, mysqlDialect } from "../../src/dialects/mysql/index.js";
import { fromMysqlType, toMysqlType } from "../../src/dialects/mysql/column-types.js";
import { defaultSql } from "../../src/dialects/mysql/column-sql.js";
import { mysqlLockName } from "../../src/dialects/mysql/lock.js";
import { bindParameters } from "../../src/dialects/mysql/format.js";
import { KilnError } from "../../src/errors.js";
import type { Operation } from "../../src/operations/types.js";

/** A fresh dialect per test: the enum memory must not leak between tests. */
function compile(op: Operation, dialect = createMysqlDialect()): string[] {
  return dialect.compile(op).map((statement) => statement.sql);
}

const prototypes: Table = {
  name: "prototypes",
  columns: [
    { name: "id", type: "bigint", nullable: false, identity: { always: false } },
    { name: "name", type: "varchar(100)", nullable: false, comment: "display name" },
    { name: "status", type: "varchar", nullable: false, default: "'draft'" },
    { name: "created_at", type: "timestamptz", nullable: false, default: "now()" },
    { name: "owner_id", type: "integer", nullable: true },
    { name: "notes", type: "text", nullable: true, default: "'none'" },
  ],
  primaryKey: { name: "pk_prototypes", columns: ["id"] },
  uniques: [{ name: "uq_prototypes_name", columns: ["name"] }],
  foreignKeys: [
    { name: "fk_prototypes_owner", columns: ["owner_id"], refTable: "owners", refColumns: ["id"], onDelete: "set null" },
  ],
  checks: [{ name: "ck_name_not_empty", expression: "name <> ''" }],
  indexes: [],
  comment: "prototype machines",
};

describe("mysql quoting", () => {
  it("doubles backticks in identifiers and qualifies with the database", () => {
    expect(mysqlDialect.quoteIdentifier("we`ird")).toBe("`we``ird`");
    expect(mysqlDialect.tableName("app", "t")).toBe("`app`.`t`");
    expect(mysqlDialect.tableName(undefined, "t")).toBe("`t`");
    expect(mysqlDialect.placeholder(3)).toBe("?");
  });

  it("escapes quotes and backslashes in literals", () => {
    expect(mysqlDialect.quoteLiteral("it's a \\ path")).toBe("'it''s a \\\\ path'");
    expect(mysqlDialect.quoteLiteral("a\nb\u0000")).toBe("'a\\nb\\0'");
    expect(mysqlDialect.quoteLiteral(null)).toBe("NULL");
    expect(mysqlDialect.quoteLiteral(true)).toBe("TRUE");
    expect(mysqlDialect.quoteLiteral(12.5)).toBe("12.5");
    expect(mysqlDialect.quoteLiteral(10n)).toBe("10");
    expect(mysqlDialect.quoteLiteral(new Date("2024-02-03T04:05:06.007Z"))).toBe("'2024-02-03 04:05:06.007'");
    expect(mysqlDialect.quoteLiteral(Buffer.from([1, 255]))).toBe("X'01ff'");
    expect(mysqlDialect.quoteLiteral({ a: "b'" })).toBe(`'{"a":"b''"}'`);
    expect(() => mysqlDialect.quoteLiteral(Number.NaN)).toThrow(KilnError);
  });
});

describe("mysql types", () => {
  it("maps the neutral vocabulary", () => {
    const cases: Record<string, string> = {
      boolean: "TINYINT(1)",
      integer: "INT",
      smallint: "SMALLINT",
      bigint: "BIGINT",
      real: "FLOAT",
      "double precision": "DOUBLE",
      numeric: "DECIMAL(65,30)",
      "numeric(10)": "DECIMAL(10,0)",
      "numeric(10,2)": "DECIMAL(10,2)",
      text: "TEXT",
      varchar: "VARCHAR(255)",
      "varchar(20)": "VARCHAR(20)",
      "char(3)": "CHAR(3)",
      date: "DATE",
      time: "TIME(6)",
      timestamp: "DATETIME(6)",
      timestamptz: "TIMESTAMP(6)",
      uuid: "CHAR(36)",
      json: "JSON",
      jsonb: "JSON",
      bytea: "LONGBLOB",
      mediumtext: "mediumtext",
      "enum('a','b')": "enum('a','b')",
    };
    for (const [neutral, mysql] of Object.entries(cases)) expect(toMysqlType(neutral, "`t`.`c`")).toBe(mysql);
  });

  it("refuses types MySQL does not have, naming the column", () => {
    expect(() => toMysqlType("interval", "`t`.`c`")).toThrow(/`t`.`c`.*interval/);
    expect(() => toMysqlType("timetz", "`t`.`c`")).toThrow(KilnError);
    expect(() => toMysqlType("integer[]", "`t`.`c`")).toThrow(/array type "integer\[\]"/);
  });

  it("reads server spellings back into the vocabulary", () => {
    const cases: [string, string][] = [
      ["tinyint(1)", "boolean"],
      ["int(11)", "integer"],
      ["int", "integer"],
      ["int(10) unsigned", "int unsigned"],
      ["bigint(20)", "bigint"],
      ["smallint(6)", "smallint"],
      ["tinyint(4)", "tinyint"],
      ["decimal(65,30)", "numeric"],
      ["decimal(10,0)", "numeric(10)"],
      ["decimal(10,2)", "numeric(10,2)"],
      ["float", "real"],
      ["double", "double precision"],
      ["datetime(6)", "timestamp"],
      ["timestamp(6)", "timestamptz"],
      ["time(6)", "time"],
      ["datetime", "timestamp(0)"],
      ["datetime(3)", "timestamp(3)"],
      ["timestamp", "timestamptz(0)"],
      ["int(4) unsigned zerofill", "int(4) unsigned zerofill"],
      ["int(10) unsigned", "int unsigned"],
      ["smallint(6)", "smallint"],
      ["longblob", "bytea"],
      ["varchar(20)", "varchar(20)"],
      ["char(36)", "char(36)"],
      ["enum('Draft','x')", "enum('Draft','x')"],
    ];
    for (const [server, neutral] of cases) expect(fromMysqlType(server, false)).toBe(neutral);
    expect(fromMysqlType("longtext", true)).toBe("json");
  });

  it("every vocabulary type survives the round trip through the server spelling", () => {
    for (const neutral of ["boolean", "integer", "bigint", "smallint", "real", "double precision", "numeric", "numeric(8,3)", "text", "varchar(9)", "date", "time", "timestamp", "timestamptz", "bytea", "json"]) {
      expect(fromMysqlType(toMysqlType(neutral, "c").toLowerCase(), neutral === "json")).toBe(neutral);
    }
  });

  it("writes defaults the way MySQL accepts them", () => {
    expect(defaultSql("now()", "DATETIME(6)")).toBe("CURRENT_TIMESTAMP(6)");
    expect(defaultSql("CURRENT_TIMESTAMP", "DATETIME")).toBe("CURRENT_TIMESTAMP");
    expect(defaultSql("'x'", "TEXT")).toBe("('x')");
    expect(defaultSql("'x'", "VARCHAR(3)")).toBe("'x'");
    expect(defaultSql("-1.5", "DOUBLE")).toBe("-1.5");
    expect(defaultSql("uuid()", "CHAR(36)")).toBe("(uuid())");
    expect(defaultSql("(1 + 2)", "INT")).toBe("(1 + 2)");
    expect(defaultSql("(1) + (2)", "INT")).toBe("((1) + (2))");
  });
});

describe("mysql compile", () => {
  it("createTable with every kind of constraint and comments", () => {
    expect(compile({ kind: "createTable", table: prototypes })).toEqual([
      "CREATE TABLE `prototypes` (\n" +
        "  `id` BIGINT NOT NULL AUTO_INCREMENT,\n" +
        "  `name` VARCHAR(100) NOT NULL COMMENT 'display name',\n" +
        "  `status` VARCHAR(255) NOT NULL DEFAULT 'draft',\n" +
        "  `created_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n" +
        "  `owner_id` INT NULL,\n" +
        "  `notes` TEXT NULL DEFAULT ('none'),\n" +
        "  PRIMARY KEY (`id`),\n" +
        "  CONSTRAINT `uq_prototypes_name` UNIQUE (`name`),\n" +
        "  CONSTRAINT `fk_prototypes_owner` FOREIGN KEY (`owner_id`) REFERENCES `owners` (`id`) ON DELETE SET NULL,\n" +
        "  CONSTRAINT `ck_name_not_empty` CHECK (name <> '')\n" +
        ") COMMENT = 'prototype machines'",
    ]);
  });

  it("createTable in another database, with unnamed constraints", () => {
    const table: Table = {
      schema: "inventory",
      name: "parts",
      columns: [{ name: "sku", type: "char(8)", nullable: false }],
      uniques: [{ columns: ["sku"] }],
      foreignKeys: [{ columns: ["sku"], refSchema: "catalog", refTable: "skus", refColumns: ["code"], onUpdate: "cascade" }],
      checks: [{ expression: "sku <> ''" }],
      indexes: [],
    };
    expect(compile({ kind: "createTable", table })).toEqual([
      "CREATE TABLE `inventory`.`parts` (\n" +
        "  `sku` CHAR(8) NOT NULL,\n" +
        "  UNIQUE (`sku`),\n" +
        "  FOREIGN KEY (`sku`) REFERENCES `catalog`.`skus` (`code`) ON UPDATE CASCADE,\n" +
        "  CHECK (sku <> '')\n" +
        ")",
    ]);
  });

  it("refuses an auto-increment column that leads no key", () => {
    const table: Table = {
      name: "t",
      columns: [
        { name: "code", type: "text", nullable: false },
        { name: "n", type: "integer", nullable: false, autoIncrement: true },
      ],
      primaryKey: { columns: ["code", "n"] },
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
    };
    expect(() => compile({ kind: "createTable", table })).toThrow(/column `t`.`n` is auto-incrementing/);
    expect(compile({ kind: "createTable", table: { ...table, uniques: [{ name: "uq_n", columns: ["n"] }] } })[0]).toContain(
      "`n` INT NOT NULL AUTO_INCREMENT",
    );
  });

  it("dropTable, renameTable", () => {
    expect(compile({ kind: "dropTable", table: "t", schema: "s" })).toEqual(["DROP TABLE `s`.`t`"]);
    expect(compile({ kind: "renameTable", table: "a", newName: "b" })).toEqual(["RENAME TABLE `a` TO `b`"]);
  });

  it("addColumn and dropColumn", () => {
    expect(
      compile({ kind: "addColumn", table: "t", column: { name: "flag", type: "boolean", nullable: false, default: "false" } }),
    ).toEqual(["ALTER TABLE `t` ADD COLUMN `flag` TINYINT(1) NOT NULL DEFAULT false"]);
    expect(compile({ kind: "dropColumn", table: "t", column: "flag" })).toEqual(["ALTER TABLE `t` DROP COLUMN `flag`"]);
  });

  describe("alterColumn", () => {
    const existing = { name: "title", type: "varchar(50)", nullable: true, default: "'x'", comment: "the title" };

    it("renames alone with RENAME COLUMN", () => {
      expect(compile({ kind: "alterColumn", table: "t", column: "title", newName: "heading" })).toEqual([
        "ALTER TABLE `t` RENAME COLUMN `title` TO `heading`",
      ]);
    });

    it("sets and drops defaults without restating the column", () => {
      expect(compile({ kind: "alterColumn", table: "t", column: "title", default: "'y'" })).toEqual([
        "ALTER TABLE `t` ALTER COLUMN `title` SET DEFAULT 'y'",
      ]);
      expect(compile({ kind: "alterColumn", table: "t", column: "title", default: null })).toEqual([
        "ALTER TABLE `t` ALTER COLUMN `title` DROP DEFAULT",
      ]);
      expect(
        compile({ kind: "alterColumn", table: "t", column: "at", default: "now()", existing: { name: "at", type: "timestamp", nullable: true } }),
      ).toEqual(["ALTER TABLE `t` ALTER COLUMN `at` SET DEFAULT CURRENT_TIMESTAMP(6)"]);
      expect(compile({ kind: "alterColumn", table: "t", column: "title", default: "'y'", newName: "heading" })).toEqual([
        "ALTER TABLE `t` ALTER COLUMN `title` SET DEFAULT 'y'",
        "ALTER TABLE `t` RENAME COLUMN `title` TO `heading`",
      ]);
    });

    it("restates the whole column for type, nullability and comment changes", () => {
      expect(compile({ kind: "alterColumn", table: "t", column: "title", type: "text", existing })).toEqual([
        "ALTER TABLE `t` MODIFY COLUMN `title` TEXT NULL DEFAULT ('x') COMMENT 'the title'",
      ]);
      expect(compile({ kind: "alterColumn", table: "t", column: "title", nullable: false, default: null, existing })).toEqual([
        "ALTER TABLE `t` MODIFY COLUMN `title` VARCHAR(50) NOT NULL COMMENT 'the title'",
      ]);
      expect(compile({ kind: "alterColumn", table: "t", column: "title", comment: null, existing })).toEqual([
        "ALTER TABLE `t` MODIFY COLUMN `title` VARCHAR(50) NULL DEFAULT 'x'",
      ]);
      expect(compile({ kind: "alterColumn", table: "t", column: "title", comment: "new", newName: "heading", existing })).toEqual([
        "ALTER TABLE `t` CHANGE COLUMN `title` `heading` VARCHAR(50) NULL DEFAULT 'x' COMMENT 'new'",
      ]);
    });

    it("keeps AUTO_INCREMENT when restating an identity column", () => {
      expect(
        compile({
          kind: "alterColumn",
          table: "t",
          column: "id",
          type: "bigint",
          existing: { name: "id", type: "integer", nullable: false, identity: { always: false } },
        }),
      ).toEqual(["ALTER TABLE `t` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT"]);
    });

    it("asks for `existing` when MODIFY needs it", () => {
      expect(() => compile({ kind: "alterColumn", table: "t", column: "title", type: "text", nullable: false })).toThrow(
        /type, nullability of column `t`.`title`.*Pass it as `existing`/,
      );
    });
  });

  describe("indexes", () => {
    it("plain, unique, method and prefix parts", () => {
      expect(compile({ kind: "createIndex", table: "t", index: { name: "ix_a_b", columns: ["a", "b"] } })).toEqual([
        "CREATE INDEX `ix_a_b` ON `t` (`a`, `b`)",
      ]);
      expect(
        compile({ kind: "createIndex", table: "t", schema: "s", index: { name: "ux", columns: ["a"], unique: true, method: "hash" } }),
      ).toEqual(["CREATE UNIQUE INDEX `ux` ON `s`.`t` (`a`) USING HASH"]);
      expect(compile({ kind: "createIndex", table: "t", index: { name: "ft", columns: ["body"], method: "fulltext" } })).toEqual([
        "CREATE FULLTEXT INDEX `ft` ON `t` (`body`)",
      ]);
      expect(compile({ kind: "createIndex", table: "t", index: { name: "px", columns: [{ expression: "`body`(20)" }] } })).toEqual([
        "CREATE INDEX `px` ON `t` (`body`(20))",
      ]);
    });

    it("concurrently asks for online DDL", () => {
      expect(compile({ kind: "createIndex", table: "t", concurrently: true, index: { name: "ix", columns: ["a"] } })).toEqual([
        "CREATE INDEX `ix` ON `t` (`a`) ALGORITHM=INPLACE LOCK=NONE",
      ]);
      expect(compile({ kind: "dropIndex", table: "t", name: "ix", concurrently: true })).toEqual([
        "DROP INDEX `ix` ON `t` ALGORITHM=INPLACE LOCK=NONE",
      ]);
      expect(compile({ kind: "dropIndex", table: "t", name: "ix" })).toEqual(["DROP INDEX `ix` ON `t`"]);
    });

    it("expression indexes: MySQL functional key parts; MariaDB refuses them", () => {
      const op: Operation = { kind: "createIndex", table: "t", index: { name: "ix_lower", columns: [{ expression: "lower(email)" }] } };
      expect(compile(op)).toEqual(["CREATE INDEX `ix_lower` ON `t` ((lower(email)))"]);
      expect(() => compile(op, mariadbDialect)).toThrow(/MariaDB has no expression indexes/);
    });

    it("refuses partial indexes and unknown methods", () => {
      expect(() => compile({ kind: "createIndex", table: "t", index: { name: "ix", columns: ["a"], where: "a > 0" } })).toThrow(
        /`ix` on `t` is partial \(WHERE a > 0\)/,
      );
      expect(() => compile({ kind: "createIndex", table: "t", index: { name: "ix", columns: ["a"], method: "gin" } })).toThrow(
        /method "gin"/,
      );
    });
  });

  it("constraints", () => {
    expect(compile({ kind: "createPrimaryKey", table: "t", constraint: { name: "pk_t", columns: ["a", "b"] } })).toEqual([
      "ALTER TABLE `t` ADD PRIMARY KEY (`a`, `b`)",
    ]);
    expect(compile({ kind: "createUniqueConstraint", table: "t", constraint: { name: "uq", columns: ["a"] } })).toEqual([
      "ALTER TABLE `t` ADD CONSTRAINT `uq` UNIQUE (`a`)",
    ]);
    expect(
      compile({
        kind: "createForeignKey",
        table: "t",
        notValid: true,
        constraint: { name: "fk", columns: ["a"], refTable: "r", refColumns: ["id"], onDelete: "cascade", onUpdate: "restrict" },
      }),
    ).toEqual(["ALTER TABLE `t` ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `r` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT"]);
    expect(compile({ kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: "a > 0" } })).toEqual([
      "ALTER TABLE `t` ADD CONSTRAINT `ck` CHECK (a > 0)",
    ]);
    expect(compile({ kind: "dropConstraint", table: "t", name: "ck", type: "check" })).toEqual(["ALTER TABLE `t` DROP CONSTRAINT `ck`"]);
    expect(compile({ kind: "dropConstraint", table: "t", name: "fk", type: "foreignkey" })).toEqual([
      "ALTER TABLE `t` DROP FOREIGN KEY `fk`",
      // The index MySQL made for the key goes with it, when there is one.
      "SET @kiln_fk_index = (SELECT IF(COUNT(*) = 0, 'DO 0', 'ALTER TABLE `t` DROP INDEX `fk`') FROM information_schema.STATISTICS " +
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't' AND INDEX_NAME = 'fk')",
      "PREPARE kiln_fk_index FROM @kiln_fk_index",
      "EXECUTE kiln_fk_index",
      "DEALLOCATE PREPARE kiln_fk_index",
    ]);
    expect(compile({ kind: "dropConstraint", table: "t", name: "uq", type: "unique" })).toEqual(["ALTER TABLE `t` DROP INDEX `uq`"]);
    expect(compile({ kind: "dropConstraint", table: "t", name: "pk_t", type: "primary" })).toEqual(["ALTER TABLE `t` DROP PRIMARY KEY"]);
    expect(compile({ kind: "validateConstraint", table: "t", name: "fk" })).toEqual([]);
  });

  describe("enums", () => {
    it("createEnum emits nothing and later columns inline its values", () => {
      const dialect = createMysqlDialect();
      expect(compile({ kind: "createEnum", name: "status", values: ["draft", "it's live"] }, dialect)).toEqual([]);
      expect(compile({ kind: "addColumn", table: "t", column: { name: "s", type: "status", nullable: false, default: "'draft'" } }, dialect)).toEqual([
        "ALTER TABLE `t` ADD COLUMN `s` ENUM('draft', 'it''s live') NOT NULL DEFAULT 'draft'",
      ]);
      expect(compile({ kind: "dropEnum", name: "status" }, dialect)).toEqual([]);
      // Forgotten after dropEnum: the name passes through as MySQL's own spelling.
      expect(compile({ kind: "addColumn", table: "t", column: { name: "s", type: "status", nullable: true } }, dialect)).toEqual([
        "ALTER TABLE `t` ADD COLUMN `s` status NULL",
      ]);
    });

    it("enums of one dialect instance do not leak into another", () => {
      const first = createMysqlDialect();
      compile({ kind: "createEnum", name: "mood", values: ["ok"] }, first);
      expect(compile({ kind: "addColumn", table: "t", column: { name: "m", type: "mood", nullable: true } })).toEqual([
        "ALTER TABLE `t` ADD COLUMN `m` mood NULL",
      ]);
    });

    it("addEnumValue explains how to change the columns instead", () => {
      expect(() => compile({ kind: "addEnumValue", name: "status", value: "retired" })).toThrow(
        /enum "status".*op.alterColumn\(table, column, \{ type: "enum\('a','b','retired'\)"/,
      );
    });
  });

  it("comments, schemas and raw SQL", () => {
    expect(compile({ kind: "setTableComment", table: "t", comment: "it's" })).toEqual(["ALTER TABLE `t` COMMENT = 'it''s'"]);
    expect(compile({ kind: "setTableComment", table: "t", comment: null })).toEqual(["ALTER TABLE `t` COMMENT = ''"]);
    expect(compile({ kind: "createSchema", name: "reports" })).toEqual(["CREATE DATABASE `reports`"]);
    expect(compile({ kind: "dropSchema", name: "reports" })).toEqual(["DROP DATABASE `reports`"]);
    expect(mysqlDialect.compile({ kind: "execute", sql: "UPDATE t SET a = ?", params: [1] })).toEqual([
      { sql: "UPDATE t SET a = ?", params: [1] },
    ]);
    expect(mysqlDialect.compile({ kind: "execute", sql: "SELECT 1" })).toEqual([{ sql: "SELECT 1" }]);
  });

  it("bulkInsert: multi-row with placeholders, DEFAULT for missing keys, JSON for objects, in chunks", () => {
    expect(
      mysqlDialect.compile({ kind: "bulkInsert", table: "t", rows: [{ a: 1, b: "x" }, { a: 2, c: { k: [1] } }] }),
    ).toEqual([{ sql: "INSERT INTO `t` (`a`, `b`, `c`) VALUES (?, ?, DEFAULT), (?, DEFAULT, ?)", params: [1, "x", 2, '{"k":[1]}'] }]);
    expect(mysqlDialect.compile({ kind: "bulkInsert", table: "t", rows: [] })).toEqual([]);
    const many = mysqlDialect.compile({ kind: "bulkInsert", table: "t", rows: Array.from({ length: 1001 }, (_, i) => ({ i })) });
    expect(many.map((s) => s.params?.length)).toEqual([500, 500, 1]);
  });

  it("bookkeeping tables and transactions", () => {
    const [version, history] = mysqlDialect.bookkeepingDDL({ versionTable: "kiln_version", historyTable: "kiln_history" });
    expect(version).toBe("CREATE TABLE IF NOT EXISTS `kiln_version` (\n  version_num VARCHAR(32) NOT NULL,\n  PRIMARY KEY (version_num)\n) ENGINE=InnoDB");
    expect(history).toMatch(/^CREATE TABLE IF NOT EXISTS `kiln_history` \(\n  id BIGINT NOT NULL AUTO_INCREMENT,/);
    expect(history).toContain("direction VARCHAR(5) NOT NULL");
    expect(mysqlDialect.bookkeepingDDL({ schema: "ops", versionTable: "v", historyTable: "h" })[0]).toContain("`ops`.`v`");
    expect(mysqlDialect.beginSql).toBe("START TRANSACTION");
    expect(mysqlDialect.transactionalDDL).toBe(false);
    expect(mysqlDialect.name).toBe("mysql");
  });

  it("lock names fit MySQL's 64 characters", () => {
    expect(mysqlLockName("`app`.`migrations`")).toBe("kiln:`app`.`migrations`");
    const long = mysqlLockName(`\`db\`.\`${"k".repeat(80)}\``);
    expect(long).toHaveLength(64);
    expect(long).toBe(mysqlLockName(`\`db\`.\`${"k".repeat(80)}\``));
    expect(long).not.toBe(mysqlLockName(`\`other\`.\`${"k".repeat(80)}\``));
  });
});

describe("mysql parameter binding", () => {
  it("binds ? outside literals, identifiers and comments", () => {
    expect(bindParameters("UPDATE `t?` SET note = 'why?', x = ? -- what?\nWHERE id = ? /* ? */ AND y = \"?\" # ?", ["it's", 3])).toBe(
      "UPDATE `t?` SET note = 'why?', x = 'it''s' -- what?\nWHERE id = 3 /* ? */ AND y = \"?\" # ?",
    );
    expect(bindParameters("SELECT 'a\\'?' , ?", [1])).toBe("SELECT 'a\\'?' , 1");
    // "--" without a following space is minus minus in MySQL, not a comment.
    expect(bindParameters("SELECT 1--?", [5])).toBe("SELECT 1--5");
  });

  it("counts placeholders against parameters", () => {
    expect(() => bindParameters("SELECT ?, ?", [1])).toThrow(/more \? placeholders than the 1 parameter/);
    expect(() => bindParameters("SELECT ?", [1, 2])).toThrow(/1 \? placeholder\(s\) but 2 parameters/);
  });
});

describe("mysql: ON UPDATE, character sets, table options, temporal types (issue 13)", () => {
  const updated = {
    name: "updated_at",
    type: "timestamptz(3)",
    nullable: false,
    default: "current_timestamp(3)",
    onUpdate: "current_timestamp(3)",
  };
  const label = { name: "label", type: "varchar(80)", nullable: false, charset: "utf8mb3", collation: "utf8mb3_bin" };

  it("a MODIFY keeps ON UPDATE and the column's character set and collation", () => {
    expect(compile({ kind: "alterColumn", table: "t", column: "updated_at", nullable: true, existing: updated })).toEqual([
      "ALTER TABLE `t` MODIFY COLUMN `updated_at` TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)",
    ]);
    expect(compile({ kind: "alterColumn", table: "t", column: "label", type: "varchar(100)", existing: label })).toEqual([
      "ALTER TABLE `t` MODIFY COLUMN `label` VARCHAR(100) CHARACTER SET utf8mb3 COLLATE utf8mb3_bin NOT NULL",
    ]);
  });

  it("changes and removes ON UPDATE and the collation with a MODIFY", () => {
    expect(compile({ kind: "alterColumn", table: "t", column: "updated_at", onUpdate: null, existing: updated })).toEqual([
      "ALTER TABLE `t` MODIFY COLUMN `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)",
    ]);
    expect(compile({ kind: "alterColumn", table: "t", column: "label", charset: null, collation: null, existing: label })).toEqual([
      "ALTER TABLE `t` MODIFY COLUMN `label` VARCHAR(80) NOT NULL",
    ]);
    expect(() => compile({ kind: "alterColumn", table: "t", column: "label", collation: "x; DROP TABLE t", existing: label })).toThrow(/not a valid name/);
  });

  it("creates tables with their options and a MariaDB column-level check", () => {
    const table: Table = {
      name: "t",
      columns: [{ name: "n", type: "integer", nullable: false }],
      uniques: [],
      foreignKeys: [],
      checks: [{ name: "n", expression: "`n` >= 0", column: "n" }],
      indexes: [],
      options: { engine: "MyISAM", charset: "utf8mb3", collation: "utf8mb3_bin", rowFormat: "DYNAMIC", autoIncrement: 100 },
    };
    expect(compile({ kind: "createTable", table })).toEqual([
      "CREATE TABLE `t` (\n  `n` INT NOT NULL CHECK (`n` >= 0)\n) ENGINE = MyISAM DEFAULT CHARSET = utf8mb3 COLLATE = utf8mb3_bin ROW_FORMAT = DYNAMIC AUTO_INCREMENT = 100",
    ]);
  });

  it("maps timestamp(p) to DATETIME(p) and timestamptz(p) to TIMESTAMP(p)", () => {
    expect(toMysqlType("timestamp(0)", "c")).toBe("DATETIME");
    expect(toMysqlType("timestamp(3)", "c")).toBe("DATETIME(3)");
    expect(toMysqlType("timestamptz(3)", "c")).toBe("TIMESTAMP(3)");
    expect(toMysqlType("timestamptz(0)", "c")).toBe("TIMESTAMP");
    expect(toMysqlType("time(2)", "c")).toBe("TIME(2)");
  });
});

describe("mysql: generated columns, DESC key parts, index comments (issue 13)", () => {
  it("writes VIRTUAL and STORED generated columns, without NULL (MariaDB refuses it there)", () => {
    const table: Table = {
      name: "t",
      columns: [
        { name: "title", type: "varchar(20)", nullable: true },
        { name: "len", type: "integer", nullable: true, generated: { expression: "char_length(`title`)", stored: false }, comment: "c" },
        { name: "up", type: "varchar(20)", nullable: true, generated: { expression: 'upper("title")', stored: true } },
      ],
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
    };
    expect(compile({ kind: "createTable", table })).toEqual([
      "CREATE TABLE `t` (\n  `title` VARCHAR(20) NULL,\n  `len` INT GENERATED ALWAYS AS (char_length(`title`)) VIRTUAL COMMENT 'c',\n  `up` VARCHAR(20) GENERATED ALWAYS AS (upper(`title`)) STORED\n)",
    ]);
  });

  it("writes DESC key parts (also on prefixes) and index comments", () => {
    expect(
      compile({
        kind: "createIndex",
        table: "t",
        index: { name: "ix", columns: [{ column: "a", descending: true }, { expression: "`b`(10)", descending: true }, "c"], comment: "why" },
      }),
    ).toEqual(["CREATE INDEX `ix` ON `t` (`a` DESC, `b`(10) DESC, `c`) COMMENT 'why'"]);
  });
});

describe("mysql: setTableOptions", () => {
  it("sets options, and asks the server for the defaults it goes back to", () => {
    expect(compile({ kind: "setTableOptions", table: "t", options: { engine: "MyISAM", rowFormat: null } })).toEqual(["ALTER TABLE `t` ENGINE = MyISAM ROW_FORMAT = DEFAULT"]);
    expect(compile({ kind: "setTableOptions", table: "t", options: { engine: null, charset: null } })).toEqual([
      "SET @kiln_table_options = CONCAT('ALTER TABLE `t`', ' ENGINE = ', @@default_storage_engine, ' DEFAULT CHARSET = ', (SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()))",
      "PREPARE kiln_table_options FROM @kiln_table_options",
      "EXECUTE kiln_table_options",
      "DEALLOCATE PREPARE kiln_table_options",
    ]);
    expect(() => compile({ kind: "setTableOptions", table: "t", options: { engine: "InnoDB; DROP TABLE t" } })).toThrow(/not a valid name/);
  });
});
