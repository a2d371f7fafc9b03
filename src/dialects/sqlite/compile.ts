/**
 * Pure compilation of operations to SQLite statements. Changes SQLite cannot make
 * with ALTER TABLE need the table's current definition and are compiled by
 * rebuild.ts on a live connection; here they raise a KilnError that says so.
 */
import { refuseUnsupportedFeatures, type IndexConstraintFeature } from "../features.js";
import type { Column, Index, Table } from "../../catalog/types.js";
import { createdName, parseCreateTable, qualifyCreate } from "./parse.js";
import { KilnError } from "../../errors.js";
import { REBUILT_TABLE_OPTIONS, type BulkInsert, type Operation, type SetTableOptions, type Statement } from "../../operations/types.js";
import { isBatchAlterTable, type BatchAlterTable } from "../../operations/batch.js";
import { refusePartitioning } from "../partitioning.js";
import { columnDefinition, columnList, createIndexSql, createTableSql, isAutoKey, isConstantDefault } from "./ddl.js";
import { isDefaultSchema, quoteIdentifier, tableName, toSqliteValue } from "./quote.js";
import { isObjectOperation, refuseObjectOperation } from "../../operations/objects.js";
import { isViewOperation } from "../../operations/views.js";
import { compileSqliteTrigger } from "./triggers.js";
import { compileSqliteView } from "./views.js";

/** True when ALTER TABLE ADD COLUMN can add this column (SQLite's restrictions on ADD COLUMN). */
export function canAddColumnDirectly(column: Column): boolean {
  if (isAutoKey(column)) return false;
  if (column.default !== undefined && !isConstantDefault(column.default)) return false;
  if (!column.nullable && (column.default === undefined || /^null$/i.test(column.default.trim()))) return false;
  return true;
}

/**
 * True when the operation needs the table's current definition (a copy-and-move
 * rebuild, or at least a look at the table to decide). dropColumn is listed: it
 * compiles offline to DROP COLUMN, but online kiln rebuilds when the column sits
 * in an index or constraint, which DROP COLUMN refuses.
 */
export function needsTableDefinition(op: Operation | BatchAlterTable): boolean {
  if (isBatchAlterTable(op)) return true;
  switch (op.kind) {
    case "alterColumn":
      return op.type !== undefined || op.nullable !== undefined || op.default !== undefined || op.identity !== undefined || op.collation !== undefined || op.generated !== undefined;
    case "addColumn":
      return !canAddColumnDirectly(op.column);
    case "dropColumn":
    case "createPrimaryKey":
    case "createUniqueConstraint":
    case "createForeignKey":
    case "createCheckConstraint":
    case "dropConstraint":
      return true;
    case "setTableOptions":
      return changesRebuiltOptions(op);
    default:
      return false;
  }
}

/** True when a setTableOptions changes STRICT or WITHOUT ROWID (a rebuild), and nothing of MySQL's. */
function changesRebuiltOptions(op: SetTableOptions): boolean {
  const keys = Object.entries(op.options)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  return keys.length > 0 && keys.every((key) => (REBUILT_TABLE_OPTIONS as readonly string[]).includes(key));
}

function needsConnection(what: string, table: string): KilnError {
  return new KilnError(
    `SQLite cannot ${what} on table "${table}" with ALTER TABLE; kiln rebuilds the table (copy and move), which needs the table's current definition from the database. ` +
      `This works online (kiln upgrade) but not in offline --sql mode; for a script, write the rebuild with op.execute().`,
  );
}

function describe(op: Operation | BatchAlterTable): string {
  if (isBatchAlterTable(op)) return `apply a batch of ${op.operations.length} change(s)`;
  switch (op.kind) {
    case "alterColumn":
      return `change the type, nullability, default, identity, collation or generation expression of column "${op.column}"`;
    case "addColumn":
      return `add column "${op.column.name}" (NOT NULL without a constant default, a non-constant default, or an auto-generated key)`;
    case "createPrimaryKey":
      return `add primary key "${op.constraint.name}"`;
    case "createUniqueConstraint":
      return `add unique constraint "${op.constraint.name}"`;
    case "createForeignKey":
      return `add foreign key "${op.constraint.name}"`;
    case "createCheckConstraint":
      return `add check constraint "${op.constraint.name}"`;
    case "dropConstraint":
      return `drop constraint "${op.name}"`;
    case "setTableOptions":
      return `change STRICT / WITHOUT ROWID`;
    default:
      return `apply ${op.kind}`;
  }
}

function tableOf(op: Operation | BatchAlterTable): string {
  return "table" in op && typeof op.table === "string" ? op.table : "";
}

// SQLite's default limit on bound parameters is 32766; stay well below it.
const MAX_PARAMS = 30000;

function compileBulkInsert(op: BulkInsert): Statement[] {
  const statements: Statement[] = [];
  // Rows with the same keys share one INSERT; missing keys get the column default.
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of op.rows) {
    const key = JSON.stringify(Object.keys(row));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const [key, rows] of groups) {
    const columns = JSON.parse(key) as string[];
    const target = tableName(op.schema, op.table);
    if (columns.length === 0) {
      for (let i = 0; i < rows.length; i++) statements.push({ sql: `INSERT INTO ${target} DEFAULT VALUES` });
      continue;
    }
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const tuple = `(${columns.map(() => "?").join(", ")})`;
      statements.push({
        sql: `INSERT INTO ${target} (${columnList(columns)}) VALUES ${chunk.map(() => tuple).join(", ")}`,
        params: chunk.flatMap((row) => columns.map((c) => toSqliteValue(row[c]))),
      });
    }
  }
  return statements;
}

/** Stored CREATE text for an object of an attached database: sqlite_schema keeps it unqualified. */
function inSchema(sql: string, schema: string | undefined, what: string): string {
  if (isDefaultSchema(schema)) return sql;
  const qualified = qualifyCreate(sql, schema!, quoteIdentifier);
  if (qualified === undefined) throw new KilnError(`cannot tell which name ${what} creates, so it cannot be created in "${schema}": ${sql.slice(0, 80)}`);
  return qualified;
}

const sameNames = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());

/**
 * The table's stored CREATE TABLE text, when it still describes this table (same
 * name, same columns in the same order): recreating from it keeps `.schema` word
 * for word. A definition edited by hand (in a revision file) is written anew.
 */
function storedTableSql(table: Table): string | undefined {
  if (table.sql === undefined) return undefined;
  const parsed = parseCreateTable(table.sql);
  if (createdName(table.sql)?.name.toLowerCase() !== table.name.toLowerCase()) return undefined;
  if (!sameNames(parsed.columns.map((c) => c.name), table.columns.map((c) => c.name))) return undefined;
  const count = (kind: string) => parsed.constraints.filter((c) => c.kind === kind).length;
  if (count("primary") !== (table.primaryKey ? 1 : 0) || count("unique") !== table.uniques.length) return undefined;
  if (count("foreignkey") !== table.foreignKeys.length || count("check") !== table.checks.length) return undefined;
  return inSchema(table.sql, table.schema, `table "${table.name}"`);
}

/** CREATE INDEX: the stored text when it is this index's, else kiln's. */
function indexSql(schema: string | undefined, table: string, index: Index & { name: string }): string {
  if (index.sql !== undefined && createdName(index.sql)?.name === index.name) return inSchema(index.sql, schema, `index "${index.name}"`);
  return createIndexSql(schema, table, index);
}

/** Compile one operation (pure). */
/** Index and constraint options SQLite compile writes; others are refused (dialects/features.ts). */
export const SQLITE_FEATURES: readonly IndexConstraintFeature[] = [];

export function compileOperation(op: Operation | BatchAlterTable): Statement[] {
  refuseUnsupportedFeatures(op, SQLITE_FEATURES, "SQLite");
  if (isBatchAlterTable(op)) throw needsConnection(describe(op), op.table);
  refusePartitioning("SQLite", op);
  if (isViewOperation(op)) return compileSqliteView(op);
  if (op.kind === "createTrigger" || op.kind === "dropTrigger") return compileSqliteTrigger(op);
  if (isObjectOperation(op)) refuseObjectOperation(op, "SQLite");
  switch (op.kind) {
    case "createTable": {
      const statements: Statement[] = [{ sql: storedTableSql(op.table) ?? createTableSql(op.table) }];
      // Indexes normally come as separate createIndex ops; honour any listed here too.
      for (const index of op.table.indexes) {
        if (index.name) statements.push({ sql: indexSql(op.table.schema, op.table.name, { ...index, name: index.name }) });
      }
      // Triggers carried verbatim from the database (a downgrade that recreates a dropped table).
      for (const trigger of op.table.triggers ?? []) statements.push({ sql: inSchema(trigger.sql, op.table.schema, `trigger "${trigger.name}"`) });
      return statements;
    }
    case "dropTable":
      return [{ sql: `DROP TABLE ${tableName(op.schema, op.table)}` }];
    case "renameTable":
      return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} RENAME TO ${quoteIdentifier(op.newName)}` }];
    case "addColumn":
      if (!canAddColumnDirectly(op.column)) throw needsConnection(describe(op), op.table);
      return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} ADD COLUMN ${columnDefinition(op.column)}` }];
    case "dropColumn":
      return [{ sql: `ALTER TABLE ${tableName(op.schema, op.table)} DROP COLUMN ${quoteIdentifier(op.column)}` }];
    case "alterColumn": {
      if (needsTableDefinition(op)) throw needsConnection(describe(op), op.table);
      // Only a rename (and comments, which SQLite does not have) remain.
      if (op.newName === undefined || op.newName === op.column) return [];
      return [
        {
          sql: `ALTER TABLE ${tableName(op.schema, op.table)} RENAME COLUMN ${quoteIdentifier(op.column)} TO ${quoteIdentifier(op.newName)}`,
        },
      ];
    }
    case "createIndex":
      if (op.ifNotExists) return [{ sql: createIndexSql(op.schema, op.table, op.index).replace(/^(CREATE (?:UNIQUE )?INDEX )/, "$1IF NOT EXISTS ") }];
      return [{ sql: indexSql(op.schema, op.table, op.index) }];
    case "dropIndex":
      return [{ sql: `DROP INDEX ${op.ifExists ? "IF EXISTS " : ""}${tableName(op.schema, op.name)}` }];
    case "createPrimaryKey":
    case "createUniqueConstraint":
    case "createForeignKey":
    case "createCheckConstraint":
    case "dropConstraint":
      throw needsConnection(describe(op), tableOf(op));
    case "createExclusionConstraint":
      // refuseUnsupportedFeatures above has already refused it; the compiler wants the case.
      throw new KilnError(`SQLite has no exclusion constraints (${op.constraint.name} on ${op.table}).`);
    // SQLite checks every constraint as rows are written: nothing to validate later.
    case "validateConstraint":
    // No enum types (enum columns are TEXT) and no comments in SQLite.
    case "createEnum":
    case "dropEnum":
    case "addEnumValue":
    case "setTableComment":
      return [];
    case "setTableOptions":
      if (changesRebuiltOptions(op)) throw needsConnection(describe(op), op.table);
      throw new KilnError(
        `table options engine, character set, collation and row format are MySQL's; SQLite has only STRICT and WITHOUT ROWID (op.setTableOptions on ${op.table}: ${Object.keys(op.options).join(", ")}).`,
      );
    case "createSchema":
    case "dropSchema":
      throw new KilnError(
        `SQLite has no CREATE/DROP SCHEMA: a schema is another database file attached with ATTACH DATABASE 'file' AS "${op.name}". Attach it yourself (op.execute) instead of op.${op.kind}.`,
      );
    case "execute":
      return [op.params && op.params.length > 0 ? { sql: op.sql, params: op.params } : { sql: op.sql }];
    case "bulkInsert":
      return compileBulkInsert(op);
    case "attachPartition":
    case "detachPartition":
      return []; // refused above
  }
}
