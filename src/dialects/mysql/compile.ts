/**
 * Operations -> MySQL/MariaDB statements. Pure given its context (the enums
 * known so far and the server flavour); no database is consulted.
 *
 * MySQL commits DDL implicitly, so no statement is marked non-transactional:
 * the runner cannot roll DDL back on MySQL whatever it does.
 */
import { elementColumn, elementExpression, elementOptions } from "../../catalog/index-elements.js";
import { refuseUnsupportedFeatures, type IndexConstraintFeature } from "../features.js";
import type { Column, FkAction, ForeignKey, Index, IndexElement, Table } from "../../catalog/types.js";
import { refusePartitioning } from "../partitioning.js";
import { KilnError } from "../../errors.js";
import { isObjectOperation, refuseObjectOperation } from "../../operations/objects.js";
import { isViewOperation } from "../../operations/views.js";
import { compileMysqlTrigger } from "./triggers.js";
import { compileMysqlRoutine } from "./routines.js";
import { ROUTINE_OPERATION_KINDS, type RoutineOperation } from "../../operations/routines.js";

const ROUTINE_KINDS: ReadonlySet<string> = new Set(ROUTINE_OPERATION_KINDS);
function isRoutineOperation(op: { kind: string }): op is RoutineOperation {
  return ROUTINE_KINDS.has(op.kind);
}
import { compileMysqlView } from "./views.js";
import type {
  AddEnumValue,
  AlterColumn,
  BulkInsert,
  CreateIndex,
  DropConstraint,
  Operation,
  SetTableOptions,
  Statement,
  TableRef,
} from "../../operations/types.js";
import { columnAfterAlter } from "../../operations/column-after.js";
import { toMysqlType } from "./column-types.js";
import { columnDefinition, columnLabel, defaultSql, optionName } from "./column-sql.js";
import type { EnumRegistry } from "./enums.js";
import { mysqlExpression } from "./expression.js";
import { assertReadableMetadata, quoteIdentifier, quoteLiteral, tableName } from "./quote.js";

/** "mariadb" turns MySQL-8-only syntax (functional index parts) into a clear error. */
export type MysqlFlavor = "mysql" | "mariadb";

export interface CompileContext {
  enums: EnumRegistry;
  flavor: MysqlFlavor;
}

/** Rows per INSERT statement in bulkInsert: keeps each statement well under max_allowed_packet. */
const BULK_INSERT_CHUNK = 500;

function target(ref: TableRef): string {
  return tableName(ref.schema, ref.table);
}

function columnList(columns: string[]): string {
  return columns.map(quoteIdentifier).join(", ");
}

function sql(text: string, params?: unknown[]): Statement {
  return params && params.length > 0 ? { sql: text, params } : { sql: text };
}

function fkAction(action: FkAction): string {
  return action.toUpperCase();
}

function foreignKeyClause(fk: ForeignKey): string {
  const parts = [
    `FOREIGN KEY (${columnList(fk.columns)})`,
    `REFERENCES ${tableName(fk.refSchema, fk.refTable)} (${columnList(fk.refColumns)})`,
  ];
  if (fk.onDelete) parts.push(`ON DELETE ${fkAction(fk.onDelete)}`);
  if (fk.onUpdate) parts.push(`ON UPDATE ${fkAction(fk.onUpdate)}`);
  return parts.join(" ");
}

function named(name: string | undefined, clause: string): string {
  return name ? `CONSTRAINT ${quoteIdentifier(name)} ${clause}` : clause;
}

/** MySQL allows AUTO_INCREMENT only on the first column of a key; say so before the server does, naming the column. */
function checkAutoIncrementKeys(table: Table): void {
  const keyLeaders = new Set([table.primaryKey?.columns[0], ...table.uniques.map((unique) => unique.columns[0])]);
  for (const column of table.columns) {
    if ((column.autoIncrement || column.identity) && !keyLeaders.has(column.name)) {
      throw new KilnError(
        `column ${columnLabel(table.name, column.name)} is auto-incrementing, but MySQL requires such a column to be the first ` +
          "column of the primary key or of a unique constraint. Make it the primary key (or add a unique constraint on it).",
      );
    }
  }
}

function createTable(op: Extract<Operation, { kind: "createTable" }>, context: CompileContext): Statement[] {
  const table = op.table;
  checkAutoIncrementKeys(table);
  const columnChecks = new Map(table.checks.filter((check) => check.column !== undefined && check.name === check.column).map((check) => [check.column, check]));
  const lines = table.columns.map((column) => {
    const definition = columnDefinition(table.name, column, context.enums.lookup);
    const check = columnChecks.get(column.name);
    // MariaDB's column-level CHECK stays in the column's definition, as SHOW CREATE TABLE prints it.
    return check ? `${definition} CHECK (${mysqlExpression(check.expression)})` : definition;
  });
  // MySQL names every primary key PRIMARY; a given name would be ignored.
  if (table.primaryKey) lines.push(`PRIMARY KEY (${columnList(table.primaryKey.columns)})`);
  for (const unique of table.uniques) lines.push(named(unique.name, `UNIQUE (${columnList(unique.columns)})`));
  for (const fk of table.foreignKeys) lines.push(named(fk.name, foreignKeyClause(fk)));
  for (const check of table.checks) {
    if (!columnChecks.has(check.column)) lines.push(named(check.name, `CHECK (${mysqlExpression(check.expression)})`));
  }
  if (lines.length === 0) {
    throw new KilnError(`cannot create table ${target({ schema: table.schema, table: table.name })}: MySQL tables need at least one column.`);
  }
  let text = `CREATE TABLE ${tableName(table.schema, table.name)} (\n  ${lines.join(",\n  ")}\n)`;
  text += tableOptionsSql(table);
  if (table.comment !== undefined && table.comment !== "") {
    assertReadableMetadata(table.comment, `the comment of table ${quoteIdentifier(table.name)}`);
    text += ` COMMENT = ${quoteLiteral(table.comment)}`;
  }
  return [sql(text)];
}

/** ` ENGINE = x DEFAULT CHARSET = y ...` for the options a table sets (each checked: they go into SQL unquoted). */
function tableOptionsSql(table: Table): string {
  const options = table.options;
  if (!options) return "";
  const where = `of table ${quoteIdentifier(table.name)}`;
  let text = "";
  if (options.engine !== undefined) text += ` ENGINE = ${optionName(options.engine, `the engine ${where}`)}`;
  if (options.charset !== undefined) text += ` DEFAULT CHARSET = ${optionName(options.charset, `the character set ${where}`)}`;
  if (options.collation !== undefined) text += ` COLLATE = ${optionName(options.collation, `the collation ${where}`)}`;
  if (options.rowFormat !== undefined) text += ` ROW_FORMAT = ${optionName(options.rowFormat, `the row format ${where}`)}`;
  if (options.autoIncrement !== undefined) {
    if (!Number.isSafeInteger(options.autoIncrement) || options.autoIncrement < 1) {
      throw new KilnError(`the AUTO_INCREMENT start ${where} must be a positive integer, got ${JSON.stringify(options.autoIncrement)}.`);
    }
    text += ` AUTO_INCREMENT = ${options.autoIncrement}`;
  }
  return text;
}

/**
 * ALTER TABLE ... ENGINE / DEFAULT CHARSET / COLLATE / ROW_FORMAT. Going back to
 * a default (null) asks the server what it is (a prepared statement), so the
 * same script works online and from --sql. Columns keep their character set.
 */
function setTableOptions(op: SetTableOptions): Statement[] {
  const where = `of table ${target(op)}`;
  if (op.options.strict !== undefined || op.options.withoutRowid !== undefined) {
    throw new KilnError(`STRICT and WITHOUT ROWID are SQLite's table options; MySQL has neither (op.setTableOptions on ${op.table}).`);
  }
  const fixed: string[] = [];
  const fromServer: string[] = [];
  const { engine, charset, collation, rowFormat } = op.options;
  const schema = op.schema === undefined ? "DATABASE()" : quoteLiteral(op.schema);
  if (engine === null) fromServer.push("' ENGINE = ', @@default_storage_engine");
  else if (engine !== undefined) fixed.push(`ENGINE = ${optionName(engine, `the engine ${where}`)}`);
  if (charset === null || (charset === undefined && collation === null)) {
    fromServer.push(`' DEFAULT CHARSET = ', (SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${schema})`);
  } else if (charset !== undefined) fixed.push(`DEFAULT CHARSET = ${optionName(charset, `the character set ${where}`)}`);
  if (collation === null) {
    fromServer.push(`' COLLATE = ', (SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${schema})`);
  } else if (collation !== undefined) fixed.push(`COLLATE = ${optionName(collation, `the collation ${where}`)}`);
  if (rowFormat === null) fixed.push("ROW_FORMAT = DEFAULT");
  else if (rowFormat !== undefined) fixed.push(`ROW_FORMAT = ${optionName(rowFormat, `the row format ${where}`)}`);
  if (fromServer.length === 0) return fixed.length === 0 ? [] : [sql(`ALTER TABLE ${target(op)} ${fixed.join(" ")}`)];
  const text = `ALTER TABLE ${target(op)}${fixed.map((part) => ` ${part}`).join("")}`;
  return [
    sql(`SET @kiln_table_options = CONCAT(${quoteLiteral(text)}, ${fromServer.join(", ")})`),
    sql("PREPARE kiln_table_options FROM @kiln_table_options"),
    sql("EXECUTE kiln_table_options"),
    sql("DEALLOCATE PREPARE kiln_table_options"),
  ];
}

function needsRestatement(op: AlterColumn): boolean {
  return (
    op.type !== undefined ||
    op.nullable !== undefined ||
    op.comment !== undefined ||
    op.identity !== undefined ||
    op.onUpdate !== undefined ||
    op.generated !== undefined ||
    op.charset !== undefined ||
    op.collation !== undefined
  );
}

function alterColumn(op: AlterColumn, context: CompileContext): Statement[] {
  const table = target(op);
  if (needsRestatement(op)) {
    if (!op.existing) {
      const changed = [
        op.type !== undefined && "type",
        op.nullable !== undefined && "nullability",
        op.comment !== undefined && "comment",
        op.identity !== undefined && "auto-increment",
        op.onUpdate !== undefined && "ON UPDATE",
        op.generated !== undefined && "generation expression",
        (op.charset !== undefined || op.collation !== undefined) && "character set or collation",
      ]
        .filter(Boolean)
        .join(", ");
      throw new KilnError(
        `cannot change the ${changed} of column ${columnLabel(op.table, op.column)} on MySQL without its current definition: ` +
          "MySQL's MODIFY COLUMN restates the whole column (type, nullability, default, comment). " +
          `Pass it as \`existing\`, e.g. op.alterColumn("${op.table}", "${op.column}", { ..., existing: { type: "varchar(100)", nullable: true } }).`,
      );
    }
    const definition = columnDefinition(op.table, columnAfterAlter(op.existing, op), context.enums.lookup);
    if (op.newName !== undefined && op.newName !== op.column) {
      return [sql(`ALTER TABLE ${table} CHANGE COLUMN ${quoteIdentifier(op.column)} ${definition}`)];
    }
    return [sql(`ALTER TABLE ${table} MODIFY COLUMN ${definition}`)];
  }

  const statements: Statement[] = [];
  if (op.default === null) {
    statements.push(sql(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdentifier(op.column)} DROP DEFAULT`));
  } else if (op.default !== undefined) {
    const mysqlType = op.existing ? toMysqlType(op.existing.type, columnLabel(op.table, op.column), context.enums.lookup) : undefined;
    statements.push(
      sql(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdentifier(op.column)} SET DEFAULT ${defaultSql(op.default, mysqlType)}`),
    );
  }
  if (op.newName !== undefined && op.newName !== op.column) {
    statements.push(sql(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdentifier(op.column)} TO ${quoteIdentifier(op.newName)}`));
  }
  return statements;
}

const PREFIX_PART = /^`?([^`()]+)`?\s*\(\s*(\d+)\s*\)$/;

function indexPart(element: IndexElement, index: Index & { name: string }, context: CompileContext): string {
  return keyPart(element, index, context) + (elementOptions(element).descending ? " DESC" : "");
}

function keyPart(element: IndexElement, index: Index & { name: string }, context: CompileContext): string {
  const column = elementColumn(element);
  if (column !== undefined) return quoteIdentifier(column);
  const expression = mysqlExpression(elementExpression(element)!.trim());
  // MySQL's prefix key part, col(10), is how introspect reports prefix indexes.
  const prefix = PREFIX_PART.exec(expression);
  if (prefix) return `${quoteIdentifier(prefix[1])}(${prefix[2]})`;
  if (context.flavor === "mariadb") {
    throw new KilnError(
      `index ${quoteIdentifier(index.name)} uses the expression ${JSON.stringify(expression)}, but MariaDB has no expression indexes. ` +
        "Add a generated (virtual) column holding the expression and index that column instead.",
    );
  }
  // MySQL 8.0.13+ functional key part.
  return `(${expression})`;
}

const INDEX_KINDS: Record<string, { prefix: string; using?: string }> = {
  btree: { prefix: "", using: "BTREE" },
  hash: { prefix: "", using: "HASH" },
  fulltext: { prefix: "FULLTEXT " },
  spatial: { prefix: "SPATIAL " },
};

const ONLINE = " ALGORITHM=INPLACE LOCK=NONE";

function createIndex(op: CreateIndex, context: CompileContext): Statement[] {
  const index = op.index;
  if (index.where !== undefined) {
    throw new KilnError(
      `index ${quoteIdentifier(index.name)} on ${target(op)} is partial (WHERE ${index.where}), which MySQL does not support. ` +
        "Index all rows instead, or index a generated column that is NULL for the rows to leave out.",
    );
  }
  const method = index.method?.toLowerCase();
  const kind = method === undefined ? { prefix: "" } : INDEX_KINDS[method];
  if (!kind) {
    throw new KilnError(
      `index ${quoteIdentifier(index.name)} on ${target(op)} uses the method "${index.method}", which MySQL does not have. ` +
        "Use btree (the default), hash, fulltext or spatial.",
    );
  }
  if (index.columns.length === 0) throw new KilnError(`index ${quoteIdentifier(index.name)} on ${target(op)} names no columns.`);
  const unique = index.unique ? "UNIQUE " : "";
  const parts = index.columns.map((element) => indexPart(element, index, context)).join(", ");
  let text = `CREATE ${unique}${kind.prefix}INDEX ${quoteIdentifier(index.name)} ON ${target(op)} (${parts})`;
  if (kind.using) text += ` USING ${kind.using}`;
  if (index.comment !== undefined && index.comment !== "") {
    assertReadableMetadata(index.comment, `the comment of index ${quoteIdentifier(index.name)}`);
    text += ` COMMENT ${quoteLiteral(index.comment)}`;
  }
  // "concurrently" on MySQL: online DDL, refused by the server instead of silently locking the table.
  if (op.concurrently) text += ONLINE;
  return [sql(text)];
}

/**
 * Adding a foreign key makes MySQL create an index of the same name when no
 * index covers its columns; introspect() counts that index as part of the key and
 * hides it. Dropping the key leaves the index behind, where it would surface as
 * an index nobody declared (and the downgrade of "add foreign key" would not
 * restore the schema). So it goes with its key, if it is there: whether it is
 * depends on the indexes that existed when the key was added, so the statement is
 * chosen by the server (no DROP INDEX IF EXISTS on MySQL), the same way online
 * and in a --sql script.
 */
function dropForeignKeyIndex(op: DropConstraint): Statement[] {
  return ifIndex(op, op.name, true, `ALTER TABLE ${target(op)} DROP INDEX ${quoteIdentifier(op.name)}`);
}

/**
 * `statement` run only when the table has (present) or lacks (!present) an
 * index of that name: chosen by the server, since MySQL has no IF [NOT] EXISTS
 * for indexes (MariaDB has), the same way online and in a --sql script.
 */
function ifIndex(op: { schema?: string; table: string }, name: string, present: boolean, statement: string): Statement[] {
  const schema = op.schema === undefined ? "DATABASE()" : quoteLiteral(op.schema);
  const run = present ? `IF(COUNT(*) = 0, 'DO 0', ${quoteLiteral(statement)})` : `IF(COUNT(*) = 0, ${quoteLiteral(statement)}, 'DO 0')`;
  return [
    sql(
      `SET @kiln_fk_index = (SELECT ${run} FROM information_schema.STATISTICS ` +
        `WHERE TABLE_SCHEMA = ${schema} AND TABLE_NAME = ${quoteLiteral(op.table)} AND INDEX_NAME = ${quoteLiteral(name)})`,
    ),
    sql("PREPARE kiln_fk_index FROM @kiln_fk_index"),
    sql("EXECUTE kiln_fk_index"),
    sql("DEALLOCATE PREPARE kiln_fk_index"),
  ];
}

function dropConstraint(op: DropConstraint): Statement[] {
  const table = target(op);
  const name = quoteIdentifier(op.name);
  switch (op.type) {
    case "check":
      // DROP CONSTRAINT works for checks on MariaDB 10.2+ and MySQL 8.0.19+ (DROP CHECK is MySQL-only).
      return [sql(`ALTER TABLE ${table} DROP CONSTRAINT ${name}`)];
    case "foreignkey":
      return [sql(`ALTER TABLE ${table} DROP FOREIGN KEY ${name}`), ...dropForeignKeyIndex(op)];
    case "unique":
      // A MySQL unique constraint is a unique index of the same name.
      return [sql(`ALTER TABLE ${table} DROP INDEX ${name}`)];
    case "primary":
      return [sql(`ALTER TABLE ${table} DROP PRIMARY KEY`)];
    default:
      throw new KilnError(`unknown constraint type "${String(op.type)}" for constraint ${name} on ${table}.`);
  }
}

function addEnumValue(op: AddEnumValue): never {
  const name = op.schema ? `${op.schema}.${op.name}` : op.name;
  throw new KilnError(
    `cannot add the value ${quoteLiteral(op.value)} to enum "${name}" on MySQL: MySQL has no enum types, each column spells ` +
      "its values inline as ENUM(...), and kiln cannot tell from this operation which columns use it. " +
      `Change each such column instead: op.alterColumn(table, column, { type: "enum('a','b',${quoteLiteral(op.value)})", existing: {...} }).`,
  );
}

function bulkInsert(op: BulkInsert): Statement[] {
  if (op.rows.length === 0) return [];
  const columns: string[] = [];
  for (const row of op.rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  if (columns.length === 0) throw new KilnError(`bulkInsert into ${target(op)}: the rows have no columns.`);
  const statements: Statement[] = [];
  for (let start = 0; start < op.rows.length; start += BULK_INSERT_CHUNK) {
    const chunk = op.rows.slice(start, start + BULK_INSERT_CHUNK);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const cells = columns.map((column) => {
        // A key missing from this row takes the column default, as in a single-row INSERT.
        if (!(column in row)) return "DEFAULT";
        params.push(parameterValue(row[column]));
        return "?";
      });
      return `(${cells.join(", ")})`;
    });
    statements.push(sql(`INSERT INTO ${target(op)} (${columnList(columns)}) VALUES ${tuples.join(", ")}`, params));
  }
  return statements;
}

/** Plain objects and arrays go to JSON columns as JSON text. */
function parameterValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || value instanceof Date || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

/** Index and constraint options MySQL compile writes; others are refused (dialects/features.ts). */
export const MYSQL_FEATURES: readonly IndexConstraintFeature[] = ["descending", "indexComment"];

export function compileOperation(op: Operation, context: CompileContext): Statement[] {
  refuseUnsupportedFeatures(op, MYSQL_FEATURES, "MySQL");
  refusePartitioning("MySQL/MariaDB", op);
  if (isViewOperation(op)) return compileMysqlView(op);
  if (op.kind === "createTrigger" || op.kind === "dropTrigger") return compileMysqlTrigger(op);
  if (isRoutineOperation(op)) return compileMysqlRoutine(op, context.flavor);
  if (isObjectOperation(op)) refuseObjectOperation(op, "MySQL");
  switch (op.kind) {
    case "createTable":
      return createTable(op, context);
    case "dropTable":
      return [sql(`DROP TABLE ${target(op)}`)];
    case "renameTable":
      return [sql(`RENAME TABLE ${target(op)} TO ${tableName(op.schema, op.newName)}`)];
    case "addColumn":
      return [sql(`ALTER TABLE ${target(op)} ADD COLUMN ${columnDefinition(op.table, op.column, context.enums.lookup)}`)];
    case "dropColumn":
      return [sql(`ALTER TABLE ${target(op)} DROP COLUMN ${quoteIdentifier(op.column)}`)];
    case "alterColumn":
      return alterColumn(op, context);
    case "createIndex": {
      const created = createIndex(op, context);
      return op.ifNotExists ? created.flatMap((s) => ifIndex(op, op.index.name, false, s.sql)) : created;
    }
    case "dropIndex": {
      const text = `DROP INDEX ${quoteIdentifier(op.name)} ON ${target(op)}${op.concurrently ? ONLINE : ""}`;
      return op.ifExists ? ifIndex(op, op.name, true, text) : [sql(text)];
    }
    case "createPrimaryKey":
      return [sql(`ALTER TABLE ${target(op)} ADD PRIMARY KEY (${columnList(op.constraint.columns)})`)];
    case "createUniqueConstraint":
      return [sql(`ALTER TABLE ${target(op)} ADD ${named(op.constraint.name, `UNIQUE (${columnList(op.constraint.columns)})`)}`)];
    case "createForeignKey":
      // MySQL always checks existing rows when adding a key: notValid has no equivalent and is ignored.
      return [sql(`ALTER TABLE ${target(op)} ADD ${named(op.constraint.name, foreignKeyClause(op.constraint))}`)];
    case "createCheckConstraint":
      return [sql(`ALTER TABLE ${target(op)} ADD ${named(op.constraint.name, `CHECK (${mysqlExpression(op.constraint.expression)})`)}`)];
    case "dropConstraint":
      return dropConstraint(op);
    case "validateConstraint":
      // Constraints are validated when added on MySQL; nothing is left to do.
      return [];
    case "createEnum":
      context.enums.define(op);
      return [];
    case "dropEnum":
      context.enums.drop(op);
      return [];
    case "addEnumValue":
      return addEnumValue(op);
    case "setTableComment":
      assertReadableMetadata(op.comment ?? "", `the comment of table ${target(op)}`);
      return [sql(`ALTER TABLE ${target(op)} COMMENT = ${quoteLiteral(op.comment ?? "")}`)];
    case "setTableOptions":
      return setTableOptions(op);
    case "createSchema":
      // A MySQL schema is a database. No IF NOT EXISTS: like CREATE SCHEMA, a clash is worth an error.
      return [sql(`CREATE DATABASE ${quoteIdentifier(op.name)}`)];
    case "dropSchema":
      // Caution: unlike PostgreSQL's DROP SCHEMA, this drops every table in the database.
      return [sql(`DROP DATABASE ${quoteIdentifier(op.name)}`)];
    case "execute":
      return [sql(op.sql, op.params)];
    case "bulkInsert":
      return bulkInsert(op);
    case "attachPartition":
    case "detachPartition":
      return []; // refused above
    case "createExclusionConstraint":
      // refuseUnsupportedFeatures above has already refused it; the compiler wants the case.
      throw new KilnError(`MySQL has no exclusion constraints (${op.constraint.name} on ${target(op)}).`);
    case "batchAlterTable":
      // MySQL alters tables in place: the group is just its changes in order.
      return op.operations.flatMap((inner) => compileOperation(inner, context));
    default: {
      const unknown: never = op;
      throw new KilnError(`unknown operation kind "${(unknown as { kind: string }).kind}"`);
    }
  }
}
