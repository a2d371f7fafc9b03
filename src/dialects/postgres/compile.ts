/**
 * Operation -> PostgreSQL statements (pure: no connection, no state).
 *
 * Every identifier goes through quoteIdentifier and every value through
 * quoteLiteral or a $n parameter. Statements carry no trailing semicolon; the
 * offline writer adds them. `transactional: false` marks statements PostgreSQL
 * refuses (or cannot use safely) inside a transaction block.
 */
import type {
  CheckConstraint,
  Column,
  FkAction,
  ForeignKey,
  IndexElement,
  PrimaryKey,
  Table,
  UniqueConstraint,
} from "../../catalog/types.js";
import { KilnError } from "../../errors.js";
import type {
  AddColumn,
  AddEnumValue,
  AlterColumn,
  BulkInsert,
  CreateIndex,
  CreateTable,
  DropIndex,
  Operation,
  Statement,
} from "../../operations/types.js";
import { deferrableSql, exclusionBody, includeSql, indexElementSql, keyIndexSql, storageParametersSql } from "./compile/indexes.js";
import { isObjectOperation } from "../../operations/objects.js";
import { typeComment } from "./compile/composite-types.js";
import { compileObjectOperation } from "./compile/objects.js";
import { identityOptionStatements, ownedSequenceStatements } from "./compile/sequences.js";
import { distributeSql } from "./compile/distribution.js";
import { columnStatisticsStatements, indexStatisticsStatements, tableStorageSql } from "./compile/table-storage.js";
import { collationSql, generatedSql } from "./columns.js";
import { placeholder, quoteIdentifier, quoteLiteral, tableName } from "./sql.js";
import { postgresType, serialType } from "./types.js";
import { compileAttachPartition, compileDetachPartition, createPartitionSql, detachBeforeDrop, partitionByPart } from "./compile/partitions.js";

/** PostgreSQL accepts at most 65535 bound parameters in one statement. */
const MAX_PARAMETERS = 65535;

function statement(sql: string): Statement {
  return { sql };
}

function nonTransactional(sql: string): Statement {
  return { sql, transactional: false };
}

/** SQL text the user wrote (defaults, expressions, predicates): it must say something. */
function sqlText(text: string, what: string): string {
  if (text.trim() === "") throw new KilnError(`${what} is empty; give SQL text, or leave the field out.`);
  return text;
}

function columnList(columns: string[]): string {
  return `(${columns.map(quoteIdentifier).join(", ")})`;
}

function qualifiedLabel(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

// ---- columns ----

function columnType(column: Column, where: string): string {
  if (!column.autoIncrement) return postgresType(column.type);
  const serial = serialType(column.type);
  if (!serial) {
    throw new KilnError(
      `column ${where}.${column.name} has autoIncrement with type "${column.type}"; PostgreSQL auto-increments only smallint, integer and bigint (smallserial, serial, bigserial). Change the type or use identity instead.`,
    );
  }
  return serial;
}

/** `"name" type [COLLATE c] [GENERATED ... AS IDENTITY | GENERATED ALWAYS AS (expr) STORED] [DEFAULT expr] [NOT NULL]`. */
function columnDefinition(column: Column, where: string): string {
  const label = `${where}.${column.name}`;
  if (column.identity && column.autoIncrement) {
    throw new KilnError(`column ${label} has both identity and autoIncrement; PostgreSQL needs one of them (identity is preferred).`);
  }
  if ((column.identity || column.autoIncrement) && column.default !== undefined) {
    throw new KilnError(
      `column ${label} has a default and is ${column.identity ? "an identity" : "an auto-increment"} column; PostgreSQL generates its values, so remove the default.`,
    );
  }
  if (column.generated && (column.identity || column.autoIncrement || column.default !== undefined)) {
    throw new KilnError(
      `column ${label} is generated and also has ${column.identity ? "an identity" : column.autoIncrement ? "auto-increment" : "a default"}; a generated column computes its value, so remove one of them.`,
    );
  }
  const parts = [quoteIdentifier(column.name), columnType(column, where)];
  if (column.collation !== undefined) parts.push(collationSql(column.collation));
  if (column.generated) parts.push(generatedSql(column.generated, label));
  if (column.identity) parts.push(`GENERATED ${column.identity.always ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`);
  if (column.default !== undefined) parts.push(`DEFAULT ${sqlText(column.default, `the default of column ${label}`)}`);
  if (!column.nullable) parts.push("NOT NULL");
  return parts.join(" ");
}

function columnComment(schema: string | undefined, table: string, column: string, comment: string | null): Statement {
  return statement(`COMMENT ON COLUMN ${tableName(schema, table)}.${quoteIdentifier(column)} IS ${quoteLiteral(comment)}`);
}

function tableComment(schema: string | undefined, table: string, comment: string | null): Statement {
  return statement(`COMMENT ON TABLE ${tableName(schema, table)} IS ${quoteLiteral(comment)}`);
}

// ---- constraints ----

function named(name: string | undefined, body: string): string {
  return name ? `CONSTRAINT ${quoteIdentifier(name)} ${body}` : body;
}

function fkAction(action: FkAction): string {
  return action.toUpperCase();
}

function primaryKeyBody(pk: PrimaryKey): string {
  return `PRIMARY KEY ${columnList(pk.columns)}${keyIndexSql(pk, `primary key ${pk.name ?? "(unnamed)"}`)}${deferrableSql(pk.deferrable)}`;
}

function uniqueBody(unique: UniqueConstraint): string {
  const head = `UNIQUE${unique.nullsNotDistinct ? " NULLS NOT DISTINCT" : ""} ${columnList(unique.columns)}`;
  return `${head}${keyIndexSql(unique, `unique constraint ${unique.name ?? "(unnamed)"}`)}${deferrableSql(unique.deferrable)}`;
}

function foreignKeyBody(fk: ForeignKey): string {
  let sql = `FOREIGN KEY ${columnList(fk.columns)} REFERENCES ${tableName(fk.refSchema, fk.refTable)} ${columnList(fk.refColumns)}`;
  if (fk.match === "full") sql += " MATCH FULL";
  if (fk.onDelete) sql += ` ON DELETE ${fkAction(fk.onDelete)}`;
  if (fk.onUpdate) sql += ` ON UPDATE ${fkAction(fk.onUpdate)}`;
  return sql + deferrableSql(fk.deferrable);
}

function checkBody(check: CheckConstraint, where: string): string {
  return `CHECK (${sqlText(check.expression, `The expression of check constraint ${check.name ?? "(unnamed)"} on ${where}`)})`;
}

function addConstraint(schema: string | undefined, table: string, name: string, body: string, notValid?: boolean): Statement {
  return statement(`ALTER TABLE ${tableName(schema, table)} ADD CONSTRAINT ${quoteIdentifier(name)} ${body}${notValid ? " NOT VALID" : ""}`);
}

// ---- operations ----

function createTable({ table }: CreateTable): Statement[] {
  const where = qualifiedLabel(table.schema, table.name);
  // A partition's columns are its parent's: PostgreSQL copies them.
  const elements = table.partitionOf ? [] : table.columns.map((column) => columnDefinition(column, where));
  // CREATE TABLE validates every constraint (the table is empty): a NOT VALID one is added after it, as pg_dump does.
  const later: Statement[] = [];
  const add = (name: string | undefined, body: string, notValid: boolean | undefined) => {
    if (notValid && name !== undefined) later.push(addConstraint(table.schema, table.name, name, body, true));
    else elements.push(named(name, body));
  };
  if (table.primaryKey) add(table.primaryKey.name, primaryKeyBody(table.primaryKey), false);
  for (const unique of table.uniques) add(unique.name, uniqueBody(unique), false);
  for (const fk of table.foreignKeys) add(fk.name, foreignKeyBody(fk), fk.notValid);
  for (const check of table.checks) add(check.name, checkBody(check, where), check.notValid);
  for (const ex of table.exclusions ?? []) add(ex.name, exclusionBody(ex, where, sqlText), false);
  const head = `CREATE ${table.unlogged ? "UNLOGGED " : ""}TABLE`;
  const storage = tableStorageSql(table.with, `table ${where}`);
  const create = table.partitionOf
    ? createPartitionSql(table.schema, table.name, table.partitionOf, elements, table.partitionBy, where, head, storage)
    : // PostgreSQL allows a table without columns (`()`).
      `${head} ${tableName(table.schema, table.name)} ${elements.length > 0 ? `(\n  ${elements.join(",\n  ")}\n)` : "()"}${partitionByPart(table.partitionBy, where)}${storage}`;
  return [
    statement(create),
    ...later,
    ...table.columns.flatMap((column) => ownedSequenceStatements(table.schema, table.name, column)),
    ...(table.partitionOf ? [] : columnStatisticsStatements(table.schema, table.name, table.columns)),
    ...createTableComments({ table }),
    ...tableConstraintComments(table),
    // Clustering on an index created later is its own operation (setClusterOn); a key constraint's index exists now.
    ...(table.clusterOn !== undefined ? [statement(`ALTER TABLE ${tableName(table.schema, table.name)} CLUSTER ON ${quoteIdentifier(table.clusterOn)}`)] : []),
    // Citus: distributed once created with its keys (the coordinator creates the shards on the workers).
    ...(table.distribution !== undefined ? [distributeSql(table.schema, table.name, table.distribution)] : []),
  ];
}

/** COMMENT ON CONSTRAINT for each constraint of the table that has a comment (and a name). */
function tableConstraintComments(table: Table): Statement[] {
  const constraints = [
    ...(table.primaryKey ? [table.primaryKey] : []),
    ...table.uniques,
    ...table.foreignKeys,
    ...table.checks,
    ...(table.exclusions ?? []),
  ];
  return constraints.flatMap((c) => (c.comment !== undefined && c.name !== undefined ? [constraintComment(table.schema, table.name, c.name, c.comment)] : []));
}

function constraintComment(schema: string | undefined, table: string, name: string, comment: string | null): Statement {
  return statement(`COMMENT ON CONSTRAINT ${quoteIdentifier(name)} ON ${tableName(schema, table)} IS ${quoteLiteral(comment)}`);
}

/** ALTER TABLE ADD CONSTRAINT, then its comment. */
function addNamedConstraint(op: { schema?: string; table: string; notValid?: boolean; constraint: { name: string; comment?: string; notValid?: boolean } }, body: string): Statement[] {
  const { schema, table, constraint } = op;
  const statements = [addConstraint(schema, table, constraint.name, body, op.notValid || constraint.notValid)];
  if (constraint.comment !== undefined) statements.push(constraintComment(schema, table, constraint.name, constraint.comment));
  return statements;
}

function createTableComments({ table }: Pick<CreateTable, "table">): Statement[] {
  const comments: Statement[] = [];
  if (table.comment !== undefined) comments.push(tableComment(table.schema, table.name, table.comment));
  for (const column of table.columns) {
    if (column.comment !== undefined) comments.push(columnComment(table.schema, table.name, column.name, column.comment));
  }
  return comments;
}

function addColumn(op: AddColumn): Statement[] {
  const where = qualifiedLabel(op.schema, op.table);
  const statements = [
    statement(`ALTER TABLE ${tableName(op.schema, op.table)} ADD COLUMN ${columnDefinition(op.column, where)}`),
    ...ownedSequenceStatements(op.schema, op.table, op.column),
    ...columnStatisticsStatements(op.schema, op.table, [op.column]),
  ];
  if (op.column.comment !== undefined) statements.push(columnComment(op.schema, op.table, op.column.name, op.column.comment));
  return statements;
}

function alterColumn(op: AlterColumn): Statement[] {
  const table = tableName(op.schema, op.table);
  const column = quoteIdentifier(op.column);
  const label = `${qualifiedLabel(op.schema, op.table)}.${op.column}`;
  if (op.using !== undefined && op.type === undefined) {
    throw new KilnError(`alterColumn ${label} gives "using" without "type"; USING only applies to a type change, so add the new type or remove "using".`);
  }

  const clauses: string[] = [];
  // PostgreSQL casts the old default during a type change, which fails when no
  // cast exists; a default that is being replaced anyway is dropped first.
  if (op.type !== undefined && typeof op.default === "string") clauses.push(`ALTER COLUMN ${column} DROP DEFAULT`);
  if (op.type !== undefined || op.collation !== undefined) {
    // A type change without COLLATE takes the new type's default collation: restate the column's own.
    const type = op.type ?? op.existing?.type;
    if (type === undefined) {
      throw new KilnError(`alterColumn ${label} changes the collation without "type" or "existing"; PostgreSQL changes a collation with ALTER COLUMN ... TYPE, so give the column's type.`);
    }
    const collation = op.collation !== undefined ? op.collation : op.existing?.collation;
    const collate = collation === null || collation === undefined ? "" : ` ${collationSql(collation)}`;
    const using = op.using !== undefined ? ` USING ${sqlText(op.using, `The USING expression of ${label}`)}` : "";
    clauses.push(`ALTER COLUMN ${column} TYPE ${postgresType(type)}${collate}${using}`);
  }
  if (op.nullable !== undefined) clauses.push(`ALTER COLUMN ${column} ${op.nullable ? "DROP" : "SET"} NOT NULL`);
  if (op.default === null) clauses.push(`ALTER COLUMN ${column} DROP DEFAULT`);
  else if (op.default !== undefined) clauses.push(`ALTER COLUMN ${column} SET DEFAULT ${sqlText(op.default, `the new default of ${label}`)}`);

  const statements: Statement[] = [];
  // An identity column has no default of its own: the identity goes before a new default...
  if (op.identity === null) statements.push(statement(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP IDENTITY`));
  if (clauses.length > 0) statements.push(statement(`ALTER TABLE ${table} ${clauses.join(", ")}`));
  // ...and comes after a dropped default, a type change and SET NOT NULL.
  if (op.identity) statements.push(...setIdentity(op, op.identity));
  if (op.identityOptions !== undefined) statements.push(...identityOptionStatements(op.schema, op.table, op.column, op.type ?? op.existing?.type ?? "bigint", op.identityOptions, op.existing?.sequence));
  // RENAME COLUMN cannot share an ALTER TABLE with other clauses.
  const finalName = op.newName ?? op.column;
  if (op.newName !== undefined && op.newName !== op.column) {
    statements.push(statement(`ALTER TABLE ${table} RENAME COLUMN ${column} TO ${quoteIdentifier(op.newName)}`));
  }
  if (op.comment !== undefined) statements.push(columnComment(op.schema, op.table, finalName, op.comment));
  return statements;
}

/**
 * Makes the column an identity column, or switches ALWAYS/BY DEFAULT. A new
 * identity's sequence starts after the rows already there, or the next insert
 * would collide with them.
 */
function setIdentity(op: AlterColumn, identity: { always: boolean }): Statement[] {
  const table = tableName(op.schema, op.table);
  const column = quoteIdentifier(op.column);
  const mode = identity.always ? "ALWAYS" : "BY DEFAULT";
  if (op.existing?.identity) return [statement(`ALTER TABLE ${table} ALTER COLUMN ${column} SET GENERATED ${mode}`)];
  return [
    statement(`ALTER TABLE ${table} ALTER COLUMN ${column} ADD GENERATED ${mode} AS IDENTITY`),
    statement(
      `SELECT setval(pg_get_serial_sequence(${quoteLiteral(table)}, ${quoteLiteral(op.column)}), COALESCE(MAX(${column}), 0) + 1, false) FROM ${table}`,
    ),
  ];
}

function indexElement(element: IndexElement, where: string): string {
  return indexElementSql(element, where, (text) => sqlText(text, "An index expression"));
}

/** CREATE INDEX (and its comment) for one index: also used for the indexes of a materialized view. */
export function createIndexStatements(op: CreateIndex): Statement[] {
  return createIndex(op);
}

function createIndex(op: CreateIndex): Statement[] {
  const { index } = op;
  if (index.columns.length === 0) {
    throw new KilnError(`index ${index.name} on ${qualifiedLabel(op.schema, op.table)} has no columns; give at least one column or expression.`);
  }
  let sql = `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${op.concurrently ? "CONCURRENTLY " : ""}${op.ifNotExists ? "IF NOT EXISTS " : ""}${quoteIdentifier(index.name)}`;
  sql += ` ON ${tableName(op.schema, op.table)}`;
  if (index.method) sql += ` USING ${quoteIdentifier(index.method)}`;
  const label = `index ${index.name} on ${qualifiedLabel(op.schema, op.table)}`;
  sql += ` (${index.columns.map((e) => indexElement(e, label)).join(", ")})`;
  sql += includeSql(index.include);
  if (index.nullsNotDistinct) sql += " NULLS NOT DISTINCT";
  sql += storageParametersSql(index.with, label);
  if (index.tablespace !== undefined) sql += ` TABLESPACE ${quoteIdentifier(index.tablespace)}`;
  if (index.where !== undefined) sql += ` WHERE ${sqlText(index.where, `The WHERE predicate of index ${index.name}`)}`;
  const comment = index.comment === undefined ? [] : [statement(`COMMENT ON INDEX ${tableName(op.schema, index.name)} IS ${quoteLiteral(index.comment)}`)];
  comment.push(...indexStatisticsStatements(op.schema, index));
  if (op.clusterOn) comment.push(statement(`ALTER TABLE ${tableName(op.schema, op.table)} CLUSTER ON ${quoteIdentifier(index.name)}`));
  if (!op.concurrently) return [statement(sql), ...comment];
  // A failed concurrent build leaves an INVALID index under the name: remove it, so that a retry can build it.
  const index_ = indexRegclass(op.schema, index.name);
  return [
    {
      ...nonTransactional(sql),
      recovery: {
        applied: `SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = ${index_} AND indisvalid`,
        leftover: {
          find: `SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = ${index_} AND NOT indisvalid`,
          remove: `DROP INDEX CONCURRENTLY ${tableName(op.schema, index.name)}`,
          what: `the INVALID index ${qualifiedLabel(op.schema, index.name)} the failed build left behind`,
        },
      },
    },
    ...comment,
  ];
}

/** The index's oid (NULL when there is none), found like the statements find it (search_path when unqualified). */
function indexRegclass(schema: string | undefined, name: string): string {
  return `to_regclass(${quoteLiteral(tableName(schema, name))})`;
}

function dropIndex(op: DropIndex): Statement[] {
  // An index lives in its table's schema.
  const sql = `DROP INDEX ${op.concurrently ? "CONCURRENTLY " : ""}${op.ifExists ? "IF EXISTS " : ""}${tableName(op.schema, op.name)}`;
  if (!op.concurrently) return [statement(sql)];
  return [{ ...nonTransactional(sql), recovery: { applied: `SELECT 1 WHERE ${indexRegclass(op.schema, op.name)} IS NULL` } }];
}

function addEnumValue(op: AddEnumValue): Statement[] {
  if (op.before !== undefined && op.after !== undefined) {
    throw new KilnError(`addEnumValue ${qualifiedLabel(op.schema, op.name)} '${op.value}' gives both "before" and "after"; give at most one.`);
  }
  let sql = `ALTER TYPE ${tableName(op.schema, op.name)} ADD VALUE IF NOT EXISTS ${quoteLiteral(op.value)}`;
  if (op.before !== undefined) sql += ` BEFORE ${quoteLiteral(op.before)}`;
  if (op.after !== undefined) sql += ` AFTER ${quoteLiteral(op.after)}`;
  // PostgreSQL 12+ runs it in the step's transaction (all or nothing). The new
  // value is usable only once committed: if the step uses it, the runner runs
  // the step again with this statement committed first.
  return [{ sql, commitBeforeUse: true }];
}

/** Columns in first-seen order; keys whose value is undefined count as absent. */
function insertColumns(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) if (value !== undefined) seen.add(key);
  }
  return [...seen];
}

function bulkInsert(op: BulkInsert): Statement[] {
  if (op.rows.length === 0) return [];
  const table = tableName(op.schema, op.table);
  const columns = insertColumns(op.rows);
  if (columns.length === 0) return op.rows.map(() => statement(`INSERT INTO ${table} DEFAULT VALUES`));

  const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const statements: Statement[] = [];
  for (let start = 0; start < op.rows.length; start += rowsPerStatement) {
    const params: unknown[] = [];
    const tuples = op.rows.slice(start, start + rowsPerStatement).map((row) => {
      const values = columns.map((column) => {
        const value = row[column];
        // A row without the key gets the column default, as a single-row INSERT would.
        if (value === undefined) return "DEFAULT";
        params.push(value);
        return placeholder(params.length - 1);
      });
      return `(${values.join(", ")})`;
    });
    statements.push({ sql: `INSERT INTO ${table} ${columnList(columns)} VALUES ${tuples.join(", ")}`, params });
  }
  return statements;
}

/** Compile one operation into PostgreSQL statements. */
export function compilePostgres(op: Operation): Statement[] {
  if (isObjectOperation(op)) return compileObjectOperation(op);
  switch (op.kind) {
    case "createTable":
      return createTable(op);
    case "dropTable":
      return [...detachBeforeDrop(op), statement(`DROP TABLE ${tableName(op.schema, op.table)}`)];
    case "renameTable":
      return [statement(`ALTER TABLE ${tableName(op.schema, op.table)} RENAME TO ${quoteIdentifier(op.newName)}`)];
    case "addColumn":
      return addColumn(op);
    case "dropColumn":
      return [statement(`ALTER TABLE ${tableName(op.schema, op.table)} DROP COLUMN ${quoteIdentifier(op.column)}`)];
    case "alterColumn":
      if (op.generated !== undefined) throw new KilnError(`column ${op.table}.${op.column}: a generated column\'s expression changes in place only on MySQL/MariaDB; here, drop the column and add it again (op.dropColumn, op.addColumn).`);
      return alterColumn(op);
    case "createIndex":
      return createIndex(op);
    case "dropIndex":
      return dropIndex(op);
    case "createPrimaryKey":
      return addNamedConstraint(op, primaryKeyBody(op.constraint));
    case "createUniqueConstraint":
      return addNamedConstraint(op, uniqueBody(op.constraint));
    case "createForeignKey":
      return addNamedConstraint(op, foreignKeyBody(op.constraint));
    case "createCheckConstraint":
      return addNamedConstraint(op, checkBody(op.constraint, qualifiedLabel(op.schema, op.table)));
    case "createExclusionConstraint":
      return addNamedConstraint(op, exclusionBody(op.constraint, qualifiedLabel(op.schema, op.table), sqlText));
    case "dropConstraint":
      return [statement(`ALTER TABLE ${tableName(op.schema, op.table)} DROP CONSTRAINT ${quoteIdentifier(op.name)}`)];
    case "validateConstraint":
      return [statement(`ALTER TABLE ${tableName(op.schema, op.table)} VALIDATE CONSTRAINT ${quoteIdentifier(op.name)}`)];
    case "createEnum":
      return [
        statement(`CREATE TYPE ${tableName(op.schema, op.name)} AS ENUM (${op.values.map(quoteLiteral).join(", ")})`),
        ...(op.comment !== undefined ? [typeComment(op.schema, op.name, op.comment)] : []),
      ];
    case "dropEnum":
      return [statement(`DROP TYPE ${tableName(op.schema, op.name)}`)];
    case "addEnumValue":
      return addEnumValue(op);
    case "setTableComment":
      return [tableComment(op.schema, op.table, op.comment)];
    case "setTableOptions":
      throw new KilnError(`table options (engine, character set, row format) are MySQL's; PostgreSQL has none (op.setTableOptions on ${op.table}).`);
    case "createSchema":
      return [statement(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(op.name)}`)];
    case "dropSchema":
      return [statement(`DROP SCHEMA ${quoteIdentifier(op.name)}`)];
    case "execute":
      return [op.params !== undefined ? { sql: op.sql, params: op.params } : statement(op.sql)];
    case "bulkInsert":
      return bulkInsert(op);
    case "attachPartition":
      return compileAttachPartition(op);
    case "detachPartition":
      return compileDetachPartition(op);
    case "batchAlterTable":
      // PostgreSQL alters tables in place: the group is just its changes in order.
      return op.operations.flatMap(compilePostgres);
    default: {
      const unknown: never = op;
      throw new KilnError(`PostgreSQL cannot compile the operation kind "${(unknown as { kind: string }).kind}"; this kiln version does not know it.`);
    }
  }
}
