/**
 * The batch "copy and move" for what SQLite's ALTER TABLE cannot do: build the new
 * definition in memory from the table's current one, then
 *
 *   CREATE TABLE "_kiln_new_t" (...new definition...)
 *   INSERT INTO "_kiln_new_t" (cols) SELECT exprs FROM "t"
 *   DROP TABLE "t"
 *   ALTER TABLE "_kiln_new_t" RENAME TO "t"     (with legacy_alter_table on)
 *   recreate the indexes and triggers
 *
 * inside the step's transaction. It must run with foreign key ENFORCEMENT OFF
 * (see index.ts, beforeStep): with it on, DROP TABLE "t" deletes every row first,
 * which fires ON DELETE CASCADE in the tables referencing "t" (their rows vanish),
 * and RENAME rewrites their REFERENCES clauses. SQLite ignores PRAGMA foreign_keys
 * inside a transaction, and defer_foreign_keys does not stop cascades. Integrity is
 * checked instead with PRAGMA foreign_key_check before the step commits.
 */
import { elementColumn, elementExpression, mapIndexElement } from "../../catalog/index-elements.js";
import type { Column, Index, Table } from "../../catalog/types.js";
import { KilnError } from "../../errors.js";
import { REBUILT_TABLE_OPTIONS, type DropConstraint, type Operation, type SetTableOptions, type Statement } from "../../operations/types.js";
import type { Connection } from "../types.js";
import { isBatchAlterTable, type BatchAlterTable } from "../../operations/batch.js";
import { columnAfterAlter } from "../../operations/column-after.js";
import { compileOperation, needsTableDefinition } from "./compile.js";
import { columnList, createIndexSql, createTableSql, isAutoKey } from "./ddl.js";
import { buildTables, readRawSchema, REBUILD_PREFIX } from "./introspect.js";
import { isDefaultSchema, quoteIdentifier, tableName } from "./quote.js";
import { qualifiesOwnColumns, tokenize } from "./tokens.js";
import { rebuiltTableText } from "./table-text.js";

/** True when the SQL expression mentions the column (as a bare or quoted identifier). */
export function mentionsColumn(expression: string, column: string): boolean {
  const lower = column.toLowerCase();
  return tokenize(expression).some((t) => (t.kind === "word" || t.kind === "quoted") && t.value.toLowerCase() === lower);
}

/** The expression with every reference to column `from` renamed to `to`. */
export function renameColumnIn(expression: string, from: string, to: string): string {
  const lower = from.toLowerCase();
  let out = "";
  let at = 0;
  for (const t of tokenize(expression)) {
    if ((t.kind === "word" || t.kind === "quoted") && t.value.toLowerCase() === lower) {
      out += expression.slice(at, t.start) + quoteIdentifier(to);
      at = t.end;
    }
  }
  return out + expression.slice(at);
}

/** The result of applying operations to a table definition in memory. */
export interface RebuiltTable {
  table: Table;
  /** New column name -> SQL expression over the old table that fills it (absent: the column's default). */
  sources: Map<string, string>;
  /** Indexes whose SQL must be generated (new or changed); others keep their original text. */
  changedIndexes: Set<string>;
  /** True when STRICT or WITHOUT ROWID changed: the text after the column list is written anew. */
  optionsChanged?: boolean;
}

/** The table's SQLite options as kiln writes them after the column list (`WITHOUT ROWID, STRICT`; "" for none). */
export function tableOptionsText(table: Table): string {
  return [table.options?.withoutRowid ? "WITHOUT ROWID" : "", table.options?.strict ? "STRICT" : ""].filter(Boolean).join(", ");
}

/** STRICT / WITHOUT ROWID set (`true`) or taken off (`null`) on the definition in memory. */
function setOptions(state: RebuiltTable, changes: SetTableOptions["options"]): void {
  const { table } = state;
  const before = tableOptionsText(table);
  const options: Record<string, unknown> = { ...table.options };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (!(REBUILT_TABLE_OPTIONS as readonly string[]).includes(key)) fail(table, `"${key}" is a MySQL table option; SQLite has only STRICT and WITHOUT ROWID`);
    if (value === null) delete options[key];
    else options[key] = true;
  }
  if (Object.keys(options).length > 0) table.options = options as NonNullable<Table["options"]>;
  else delete table.options;
  if (table.options?.withoutRowid && !table.primaryKey) fail(table, "a WITHOUT ROWID table needs a PRIMARY KEY, and this one has none");
  if (tableOptionsText(table) !== before) state.optionsChanged = true;
}

function indexMentions(index: Index, column: string): boolean {
  const lower = column.toLowerCase();
  return (
    index.columns.some((e) => {
      const name = elementColumn(e);
      return name !== undefined ? name.toLowerCase() === lower : mentionsColumn(elementExpression(e)!, column);
    }) ||
    (index.where !== undefined && mentionsColumn(index.where, column))
  );
}

const hasColumn = (columns: string[], column: string) => columns.some((c) => c.toLowerCase() === column.toLowerCase());

function fail(table: Table, message: string): never {
  throw new KilnError(`cannot rebuild table "${table.name}": ${message}`);
}

function findColumn(table: Table, name: string): Column {
  const column = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!column) fail(table, `it has no column "${name}" (columns: ${table.columns.map((c) => c.name).join(", ")})`);
  return column;
}

function dropColumnFrom(state: RebuiltTable, name: string): void {
  const { table } = state;
  const column = findColumn(table, name);
  table.columns = table.columns.filter((c) => c !== column);
  state.sources.delete(column.name);
  // Like PostgreSQL: indexes and constraints that involve the column go with it.
  if (table.primaryKey && hasColumn(table.primaryKey.columns, column.name)) delete table.primaryKey;
  table.uniques = table.uniques.filter((u) => !hasColumn(u.columns, column.name));
  table.foreignKeys = table.foreignKeys.filter((fk) => !hasColumn(fk.columns, column.name));
  table.checks = table.checks.filter((ck) => !mentionsColumn(ck.expression, column.name));
  table.indexes = table.indexes.filter((ix) => !indexMentions(ix, column.name));
}

function renameColumn(state: RebuiltTable, from: string, to: string): void {
  const { table } = state;
  const column = findColumn(table, from);
  const old = column.name;
  column.name = to;
  const source = state.sources.get(old);
  state.sources.delete(old);
  if (source !== undefined) state.sources.set(to, source);
  const swap = (cols: string[]) => cols.map((c) => (c.toLowerCase() === old.toLowerCase() ? to : c));
  if (table.primaryKey) table.primaryKey.columns = swap(table.primaryKey.columns);
  for (const u of table.uniques) u.columns = swap(u.columns);
  for (const fk of table.foreignKeys) fk.columns = swap(fk.columns);
  for (const ck of table.checks) ck.expression = renameColumnIn(ck.expression, old, to);
  for (const ix of table.indexes) {
    if (!indexMentions(ix, old)) continue;
    ix.columns = ix.columns.map((e) =>
      mapIndexElement(e, {
        column: (name) => (name.toLowerCase() === old.toLowerCase() ? to : name),
        expression: (text) => renameColumnIn(text, old, to),
      }),
    );
    if (ix.where) ix.where = renameColumnIn(ix.where, old, to);
    state.changedIndexes.add(ix.name!);
  }
}

/** The constraint declared without a name that `op` (name "") describes by its `old` definition. */
function unnamedConstraint(table: Table, op: DropConstraint): { name?: string } | undefined {
  const definition = op.old;
  if (!definition || definition.type !== op.type) {
    fail(table, `dropping a ${op.type} constraint without a name needs its definition (op.dropConstraint("", table, { type, definition }))`);
  }
  // Everything but the name, with "absent" and "no action" / "main" alike.
  const shape = (c: object) => {
    const { name: _name, ...rest } = c as Record<string, unknown>;
    if (rest.onDelete === "no action") delete rest.onDelete;
    if (rest.onUpdate === "no action") delete rest.onUpdate;
    if (isDefaultSchema(rest.refSchema as string | undefined)) delete rest.refSchema;
    return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
  };
  const wanted = shape(definition.constraint);
  const unnamed = (items: { name?: string }[]) => items.find((c) => (c.name === undefined || c.name === "") && shape(c) === wanted);
  switch (definition.type) {
    case "primary":
      return table.primaryKey && shape({ columns: table.primaryKey.columns }) === shape({ columns: definition.constraint.columns }) ? table.primaryKey : undefined;
    case "unique":
      return unnamed(table.uniques);
    case "check":
      return unnamed(table.checks);
    case "foreignkey":
      return unnamed(table.foreignKeys);
  }
}

function applyOne(state: RebuiltTable, op: Operation): void {
  const { table } = state;
  switch (op.kind) {
    case "addColumn":
      if (table.columns.some((c) => c.name.toLowerCase() === op.column.name.toLowerCase())) fail(table, `column "${op.column.name}" already exists`);
      table.columns.push({ ...op.column });
      return;
    case "dropColumn":
      dropColumnFrom(state, op.column);
      return;
    case "alterColumn": {
      const column = findColumn(table, op.column);
      // PostgreSQL's USING expression doubles as the copy expression.
      if (op.type !== undefined && op.using !== undefined) state.sources.set(column.name, op.using);
      // The rename below also rewrites indexes and constraints, so the name stays for now.
      table.columns[table.columns.indexOf(column)] = { ...columnAfterAlter(column, op), name: column.name };
      if (op.newName !== undefined && op.newName !== column.name) renameColumn(state, column.name, op.newName);
      return;
    }
    case "createIndex":
      if (table.indexes.some((ix) => ix.name === op.index.name)) fail(table, `index "${op.index.name}" already exists`);
      table.indexes.push({ ...op.index });
      state.changedIndexes.add(op.index.name);
      return;
    case "dropIndex":
      if (!table.indexes.some((ix) => ix.name === op.name)) fail(table, `it has no index "${op.name}"`);
      table.indexes = table.indexes.filter((ix) => ix.name !== op.name);
      return;
    case "createPrimaryKey":
      if (table.primaryKey) fail(table, `it already has a primary key (${table.primaryKey.columns.join(", ")}); drop it first`);
      table.primaryKey = { ...op.constraint };
      for (const name of op.constraint.columns) findColumn(table, name).nullable = false;
      return;
    case "createUniqueConstraint":
      table.uniques.push({ ...op.constraint });
      return;
    case "createForeignKey":
      table.foreignKeys.push({ ...op.constraint });
      return;
    case "createCheckConstraint":
      table.checks.push({ ...op.constraint });
      return;
    case "dropConstraint": {
      const lists = {
        check: table.checks,
        unique: table.uniques,
        foreignkey: table.foreignKeys,
        primary: table.primaryKey ? [table.primaryKey] : [],
        exclusion: [],
      } as const;
      const list = lists[op.type] as { name?: string }[];
      const target = op.name === "" ? unnamedConstraint(table, op) : list.find((c) => c.name === op.name);
      if (!target) {
        const known = list.map((c) => c.name).filter(Boolean);
        fail(table, `it has no ${op.type} constraint named "${op.name}"${known.length ? ` (named ones: ${known.join(", ")})` : " (SQLite only knows names given with CONSTRAINT in CREATE TABLE)"}`);
      }
      if (op.type === "primary") delete table.primaryKey;
      else if (op.type === "check") table.checks = table.checks.filter((c) => c !== target);
      else if (op.type === "unique") table.uniques = table.uniques.filter((c) => c !== target);
      else table.foreignKeys = table.foreignKeys.filter((c) => c !== target);
      return;
    }
    case "setTableOptions":
      setOptions(state, op.options);
      return;
    default:
      fail(table, `${op.kind} cannot be part of a batch on one table`);
  }
}

/** Apply operations to a copy of the table definition (pure). */
export function applyToTable(current: Table, operations: Operation[]): RebuiltTable {
  const table = structuredClone(current);
  const sources = new Map(table.columns.map((c) => [c.name, quoteIdentifier(c.name)]));
  const state: RebuiltTable = { table, sources, changedIndexes: new Set() };
  for (const op of operations) applyOne(state, op);
  return state;
}

/** What the database holds besides the Table: raw SQL the rebuild must restore. */
export interface TableSurroundings {
  /** The table's CREATE TABLE text as stored and the table it describes: untouched definitions keep their text. */
  original?: { sql: string; table: Table };
  /** WITHOUT ROWID / STRICT, for a table written anew. */
  options: string;
  /** Original CREATE INDEX text by index name. */
  indexSql: Map<string, string>;
  /** CREATE TRIGGER text of the table's triggers. */
  triggerSql: string[];
  /** sqlite_sequence value for an AUTOINCREMENT table. */
  sequence?: number;
}

/**
 * The statements that take the old table's name away, leaving its rows in `aside`.
 * Usually a rename. But when its stored text qualifies a column with the table's
 * own name (drizzle-kit's `CHECK("tags"."weight" > 0)`), a rename with
 * legacy_alter_table on leaves that qualifier naming a table that is gone, and
 * SQLite refuses ("no such column: tags.weight"); with it off, the rename would
 * also rewrite the other tables' REFERENCES and the views and triggers naming the
 * table. So the rows are copied into a plain table instead and the old one dropped
 * (which, like the rename in legacy mode, leaves every other object's text alone).
 * The copy keeps each value as stored: its columns have the affinity of the
 * columns they come from.
 */
function moveAside(table: Table, aside: string, storedSql: string | undefined): Statement[] {
  const name = tableName(table.schema, table.name);
  if (storedSql === undefined || !qualifiesOwnColumns(storedSql, table.name)) {
    return [{ sql: `ALTER TABLE ${name} RENAME TO ${quoteIdentifier(aside)}` }];
  }
  return [{ sql: `CREATE TABLE ${tableName(table.schema, aside)} AS SELECT * FROM ${name}` }, { sql: `DROP TABLE ${name}` }];
}

/**
 * The rebuild statements (pure). The old table moves aside first, so the new one
 * is created under its own name with its CREATE TABLE text as written (a rename
 * afterwards would rewrite the name in that text).
 */
export function rebuildStatements(rebuilt: RebuiltTable, around: TableSurroundings): Statement[] {
  const { table } = rebuilt;
  const aside = `${REBUILD_PREFIX}${table.name}`;
  const copied = table.columns.filter((c) => rebuilt.sources.has(c.name) && !c.generated);
  // A changed STRICT / WITHOUT ROWID is written in kiln's spelling after the column list; else the text there stays as stored.
  const options = rebuilt.optionsChanged ? tableOptionsText(table) : undefined;
  const edited = around.original ? rebuiltTableText(around.original.sql, around.original.table, table, options) : undefined;
  const statements: Statement[] = [
    // Lets a self-referencing table be copied in any row order; checked at commit.
    { sql: "PRAGMA defer_foreign_keys = ON" },
    // Legacy mode: the rename leaves views, triggers and other tables' REFERENCES naming the table as they are.
    { sql: "PRAGMA legacy_alter_table = ON" },
    ...moveAside(table, aside, around.original?.sql),
    { sql: edited ?? createTableSql(table, { options: options ?? around.options }) },
  ];
  if (copied.length > 0) {
    statements.push({
      sql: `INSERT INTO ${tableName(table.schema, table.name)} (${columnList(copied.map((c) => c.name))}) SELECT ${copied
        .map((c) => rebuilt.sources.get(c.name))
        .join(", ")} FROM ${tableName(table.schema, aside)}`,
    });
  }
  statements.push({ sql: `DROP TABLE ${tableName(table.schema, aside)}` }, { sql: "PRAGMA legacy_alter_table = OFF" });
  if (around.sequence !== undefined && table.columns.some(isAutoKey)) {
    // Keep AUTOINCREMENT from reusing ids of rows deleted before the rebuild.
    const seqTable = `${isDefaultSchema(table.schema) ? "" : `${quoteIdentifier(table.schema!)}.`}sqlite_sequence`;
    statements.push(
      { sql: `DELETE FROM ${seqTable} WHERE name = ?`, params: [table.name] },
      { sql: `INSERT INTO ${seqTable} (name, seq) SELECT ?, max(?, coalesce((SELECT max(rowid) FROM ${tableName(table.schema, table.name)}), 0))`, params: [table.name, around.sequence] },
    );
  }
  for (const index of table.indexes) {
    const original = around.indexSql.get(index.name!);
    statements.push({
      sql: original && !rebuilt.changedIndexes.has(index.name!) ? original : createIndexSql(table.schema, table.name, { ...index, name: index.name! }),
    });
  }
  // Dropped with the old table; their text as stored (a trigger on a dropped column fails here, loudly).
  for (const trigger of around.triggerSql) statements.push({ sql: trigger });
  return statements;
}

async function foreignKeysEnforced(conn: Connection): Promise<boolean> {
  const { rows } = await conn.query("PRAGMA foreign_keys");
  return Number(rows[0]?.foreign_keys ?? 0) === 1;
}

/**
 * Compile an operation (or a batch group) against the live database: operations
 * ALTER TABLE can do compile as usual; the others become one rebuild. Call it
 * just before running the statements, inside the step's transaction.
 */
export async function compileOnline(conn: Connection, op: Operation | BatchAlterTable): Promise<Statement[]> {
  if (!needsTableDefinition(op)) return compileOperation(op);
  const operations = isBatchAlterTable(op) ? op.operations : [op];
  const target = op as { schema?: string; table: string };
  const schema = isDefaultSchema(target.schema) ? "main" : target.schema!;

  const raw = await readRawSchema(conn, [schema]);
  const { tables, extras } = buildTables(raw, (_s, name) => name === target.table);
  const current = tables[0];
  if (!current) throw new KilnError(`cannot alter table "${target.table}"${schema === "main" ? "" : ` in "${schema}"`}: it does not exist.`);
  const extra = extras.get(`${schema}\u0000${target.table}`)!;

  // A plain DROP COLUMN works when nothing else uses the column.
  if (!isBatchAlterTable(op) && op.kind === "dropColumn") {
    const after = applyToTable(current, [op]).table;
    const untouched =
      after.primaryKey?.columns.join() === current.primaryKey?.columns.join() &&
      after.uniques.length === current.uniques.length &&
      after.foreignKeys.length === current.foreignKeys.length &&
      after.checks.length === current.checks.length &&
      after.indexes.length === current.indexes.length;
    if (untouched) return compileOperation(op);
  }
  // Operations ALTER TABLE could do alone may sit in a batch too: everything goes into one copy.
  const rebuilt = applyToTable(current, operations);

  if (await foreignKeysEnforced(conn)) {
    const referenced = raw.foreignKeys.some((fk) => String(fk.ref_table).toLowerCase() === current.name.toLowerCase());
    if (referenced || rebuilt.table.foreignKeys.some((fk) => fk.refTable.toLowerCase() === current.name.toLowerCase())) {
      throw new KilnError(
        `cannot rebuild table "${current.name}" while foreign key enforcement is on: other tables reference it, and dropping the old copy would cascade to their rows. ` +
          `The step must run with PRAGMA foreign_keys = OFF (the SQLite dialect's beforeStep does this).`,
      );
    }
  }

  const objects = raw.objects.filter((o) => o.tbl_name === current.name && o.sql);
  let sequence: number | undefined;
  if (raw.objects.some((o) => o.name === "sqlite_sequence")) {
    const seqTable = schema === "main" ? "sqlite_sequence" : `${quoteIdentifier(schema)}.sqlite_sequence`;
    const row = (await conn.query(`SELECT seq FROM ${seqTable} WHERE name = ?`, [current.name])).rows[0];
    if (row) sequence = Number(row.seq);
  }
  const stored = objects.find((o) => o.type === "table" && o.name === current.name)?.sql;
  return rebuildStatements(rebuilt, {
    ...(stored ? { original: { sql: stored, table: current } } : {}),
    options: extra.options,
    indexSql: new Map(objects.filter((o) => o.type === "index").map((o) => [o.name, o.sql!])),
    triggerSql: objects.filter((o) => o.type === "trigger").map((o) => o.sql!),
    ...(sequence !== undefined ? { sequence } : {}),
  });
}

/** Fail with a readable error when rows point at missing parents (PRAGMA foreign_key_check). */
export async function checkForeignKeys(conn: Connection, table?: { schema?: string; name: string }): Promise<void> {
  const sql = table
    ? `SELECT * FROM pragma_foreign_key_check(?${isDefaultSchema(table.schema) ? "" : ", ?"})`
    : "SELECT * FROM pragma_foreign_key_check";
  const params = table ? (isDefaultSchema(table.schema) ? [table.name] : [table.name, table.schema]) : [];
  const { rows } = await conn.query(sql, params);
  if (rows.length === 0) return;
  const shown = rows.slice(0, 10).map((r) => `table "${r.table}" rowid ${r.rowid} references a missing row in "${r.parent}"`);
  throw new KilnError(
    `foreign key check failed after the migration step: ${rows.length} row(s) reference rows that do not exist. The step was rolled back; fix the data (or the constraint) and run again.`,
    { details: rows.length > 10 ? [...shown, `... and ${rows.length - 10} more`] : shown },
  );
}

/**
 * Merge runs of consecutive operations on the same table that each need a
 * rebuild into one BatchAlterTable, so the table is copied once (pure).
 */
export function groupRebuilds(operations: Operation[]): (Operation | BatchAlterTable)[] {
  const out: (Operation | BatchAlterTable)[] = [];
  for (const op of operations) {
    const last = out[out.length - 1];
    if (needsTableDefinition(op) && last && needsTableDefinition(last)) {
      const ref = op as { schema?: string; table: string };
      const lastRef = last as { schema?: string; table: string };
      const schemaOf = (r: { schema?: string }) => (isDefaultSchema(r.schema) ? "main" : r.schema);
      if (lastRef.table === ref.table && schemaOf(lastRef) === schemaOf(ref)) {
        const group: BatchAlterTable = isBatchAlterTable(last)
          ? { ...last, operations: [...last.operations] }
          : { kind: "batchAlterTable", table: ref.table, ...(ref.schema ? { schema: ref.schema } : {}), operations: [last as Operation] };
        group.operations.push(op);
        out[out.length - 1] = group;
        continue;
      }
    }
    out.push(op);
  }
  return out;
}
