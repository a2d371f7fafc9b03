/**
 * Operations -> the TypeScript statements of a revision's upgrade/downgrade
 * body, calling the `op` facade (operations/facade.ts) exactly as a person
 * would write them. Running the text against the facade gives back the same
 * operations, except the `old`/`existing` data the facade has no argument for.
 */
import type { Column, ExclusionConstraint, ForeignKey, Index, Table } from "../catalog/types.js";
import { keyIndexOptions } from "../catalog/key-index.js";
import { partitionOfSpec } from "../catalog/partitions.js";
import { withoutCanonical } from "../catalog/exact-text.js";
import { codeLineComment } from "../neutralize.js";
import type { ColumnSpec } from "../operations/facade.js";
import { describeOperation, NotReversibleError, reverseOperation } from "../operations/reverse.js";
import type { DropConstraint, Operation } from "../operations/types.js";
import { isObjectOperation } from "../operations/objects.js";
import { renderObjectCall } from "./render-objects.js";
import { defined, formatCall, inline, LINE_WIDTH, Multiline, withOptions } from "./format.js";
import { defaultName } from "./names.js";
import { operationRisks } from "./risks.js";
import { sameTable } from "./targets.js";
import type { Reversals } from "./types.js";

export interface RenderOptions {
  /** Prefix of every line (default none: the revision writer indents the body). */
  indent?: string;
  /** Downgrades compare() worked out for operations reverse() cannot undo alone (Diff.reversals). */
  reversals?: Reversals;
  /** The dialect's final touch on each derived downgrade step (Dialect.addExplicitCasts). */
  adaptReversed?: (operations: Operation[]) => Operation[];
  /** `// WARNING:` lines at the top of the upgrade (objects kiln does not model that the revision affects). */
  notes?: readonly string[];
}


export function columnSpec(column: Column): ColumnSpec {
  const spec: ColumnSpec = { type: column.type };
  // Nullable is the default; identity columns are NOT NULL by definition, but say it anyway for the reader.
  if (!column.nullable) spec.nullable = false;
  if (column.default !== undefined) spec.default = column.default;
  if (column.generated) spec.generated = { expression: column.generated.expression, stored: column.generated.stored };
  if (column.identity) spec.identity = column.identity.always ? "always" : "byDefault";
  if (column.autoIncrement) spec.autoIncrement = true;
  if (column.sequence && (column.identity || column.autoIncrement)) spec.sequence = structuredClone(column.sequence);
  if (column.comment !== undefined) spec.comment = column.comment;
  if (column.onUpdate !== undefined) spec.onUpdate = column.onUpdate;
  if (column.charset !== undefined) spec.charset = column.charset;
  if (column.collation !== undefined) spec.collation = column.collation;
  if (column.statistics !== undefined) spec.statistics = column.statistics;
  return spec;
}

function foreignKeySpec(fk: ForeignKey): Record<string, unknown> {
  return defined({
    name: fk.name,
    columns: fk.columns,
    refSchema: fk.refSchema,
    refTable: fk.refTable,
    refColumns: fk.refColumns,
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
    match: fk.match,
    deferrable: fk.deferrable,
    notValid: fk.notValid || undefined,
    comment: fk.comment,
  })!;
}

function exclusionSpec(ex: ExclusionConstraint): Record<string, unknown> {
  return defined({
    name: ex.name,
    method: ex.method,
    elements: ex.elements,
    include: ex.include,
    where: ex.where,
    with: ex.with,
    tablespace: ex.tablespace,
    deferrable: ex.deferrable,
    comment: ex.comment,
  })!;
}

/** A constraint without a name (SQLite) is found by its definition, which the call must then carry. */
function unnamedDefinition(op: DropConstraint): Record<string, unknown> | undefined {
  if (op.name !== "" || !op.old) return undefined;
  const { name: _name, ...definition } = op.old.constraint as unknown as Record<string, unknown>;
  return defined(definition);
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function createTableCalls(table: Table): string[] {
  const columns = new Multiline(Object.fromEntries(table.columns.map((c) => [c.name, columnSpec(c)])));
  const options = {
    schema: table.schema,
    primaryKey: table.primaryKey
      ? defined({ name: table.primaryKey.name, columns: table.primaryKey.columns, ...keyIndexOptions(table.primaryKey), deferrable: table.primaryKey.deferrable, comment: table.primaryKey.comment })
      : undefined,
    uniques: nonEmpty(
      table.uniques.map((u) =>
        defined({ name: u.name, columns: u.columns, nullsNotDistinct: u.nullsNotDistinct || undefined, ...keyIndexOptions(u), deferrable: u.deferrable, comment: u.comment }),
      ),
    ),
    foreignKeys: nonEmpty(table.foreignKeys.map(foreignKeySpec)),
    checks: nonEmpty(
      table.checks.map((c) => defined({ name: c.name, expression: c.expression, column: c.column, notValid: c.notValid || undefined, comment: c.comment })),
    ),
    exclusions: nonEmpty((table.exclusions ?? []).map(exclusionSpec)),
    comment: table.comment,
    options: table.options ? defined({ ...table.options }) : undefined,
    sql: table.sql,
    triggers: table.triggers && table.triggers.length > 0 ? table.triggers.map((t) => ({ name: t.name, sql: t.sql })) : undefined,
    partitionBy: table.partitionBy ? { ...table.partitionBy } : undefined,
    partitionOf: table.partitionOf ? defined({ ...partitionOfSpec(table.partitionOf) }) : undefined,
    unlogged: table.unlogged || undefined,
    with: table.with,
    clusterOn: table.clusterOn,
  };
  // createTable takes no indexes; a table definition that carries some gets them as separate calls.
  const taken = new Set(table.indexes.map((i) => i.name).filter((n): n is string => n !== undefined));
  const indexes = table.indexes.map((index) => {
    const name = index.name ?? defaultName(table.name, "idx", index.columns, taken);
    taken.add(name);
    return createIndexCall(name, table.name, table.schema, index);
  });
  return [formatCall("createTable", withOptions([table.name, columns], options)), ...indexes];
}

export function createIndexCall(name: string, table: string, schema: string | undefined, index: Index, concurrently?: boolean, clusterOn?: boolean, ifNotExists?: boolean): string {
  return formatCall(
    "createIndex",
    withOptions([name, table, withoutCanonical(index.columns)], { schema, ...indexOptions(index), concurrently, clusterOn: clusterOn || undefined, ifNotExists, sql: index.sql }),
  );
}

/** createIndex's options beside the name, table and columns. */
function indexOptions(index: Index): Record<string, unknown> {
  return {
    unique: index.unique || undefined,
    where: index.where,
    method: index.method,
    include: index.include,
    nullsNotDistinct: index.nullsNotDistinct || undefined,
    with: index.with,
    tablespace: index.tablespace,
    comment: index.comment,
    statistics: index.statistics,
  };
}

/** True when a constraint or index carries an option batchAlterTable's builder has no argument for. */
function beyondBatch(item: object): boolean {
  return ["include", "nullsNotDistinct", "with", "tablespace", "comment", "deferrable", "match", "notValid", "statistics"].some(
    (key) => (item as Record<string, unknown>)[key] !== undefined,
  );
}

/** An operation inside `op.batchAlterTable(table, (batch) => ...)`, as a BatchBuilder call; undefined when the builder has no way to say it. */
function batchCall(op: Operation): string | undefined {
  const call = (method: string, args: unknown[]) => formatCall(method, args, `batch.${method}`);
  switch (op.kind) {
    case "addColumn":
      return call("addColumn", [op.column.name, columnSpec(op.column)]);
    case "dropColumn":
      return call("dropColumn", [op.column]);
    case "alterColumn":
      return call("alterColumn", [op.column, alterColumnOptions({ ...op, schema: undefined }) ?? {}]);
    case "createIndex":
      if (op.index.method !== undefined || op.concurrently || op.clusterOn || op.ifNotExists || beyondBatch(op.index)) return undefined;
      return call("createIndex", withOptions([op.index.name, withoutCanonical(op.index.columns)], { unique: op.index.unique || undefined, where: op.index.where }));
    case "dropIndex":
      return op.concurrently || op.clustered || op.ifExists ? undefined : call("dropIndex", [op.name]);
    case "createPrimaryKey":
      return beyondBatch(op.constraint) ? undefined : call("createPrimaryKey", [op.constraint.name, op.constraint.columns]);
    case "createUniqueConstraint":
      return beyondBatch(op.constraint) ? undefined : call("createUniqueConstraint", [op.constraint.name, op.constraint.columns]);
    case "createForeignKey": {
      if (op.notValid || beyondBatch(op.constraint)) return undefined;
      const fk = op.constraint;
      return call("createForeignKey", withOptions([fk.name, fk.refTable, fk.columns, fk.refColumns], { refSchema: fk.refSchema, onDelete: fk.onDelete, onUpdate: fk.onUpdate }));
    }
    case "createCheckConstraint":
      return op.notValid || beyondBatch(op.constraint) ? undefined : call("createCheckConstraint", [op.constraint.name, op.constraint.expression]);
    case "dropConstraint": {
      const definition = unnamedDefinition(op);
      return call("dropConstraint", definition ? [op.name, op.type, definition] : [op.name, op.type]);
    }
    default:
      return undefined;
  }
}

function batchCalls(op: Extract<Operation, { kind: "batchAlterTable" }>): string[] {
  const body = op.operations.flatMap((inner) => {
    const call = sameTable(inner, op) ? batchCall(inner) : undefined;
    if (call === undefined) {
      return [`// TODO: batchAlterTable cannot express ${describeOperation(inner)}; write it by hand after the batch.`];
    }
    return [...operationRisks(inner).flatMap((risk) => comment("WARNING", risk)), call];
  });
  const callback = `(batch) => {\n${body.flatMap((line) => line.split("\n")).map((line) => `  ${line}`).join("\n")}\n}`;
  const tail = defined({ schema: op.schema });
  return [`await op.batchAlterTable(${JSON.stringify(op.table)}, ${callback}${tail ? `, ${inline(tail)}` : ""});`];
}

function alterColumnOptions(op: Extract<Operation, { kind: "alterColumn" }>): Record<string, unknown> | undefined {
  return defined({
    schema: op.schema,
    type: op.type,
    using: op.using,
    nullable: op.nullable,
    default: op.default,
    newName: op.newName,
    comment: op.comment,
    identity: op.identity === undefined || op.identity === null ? op.identity : op.identity.always ? "always" : "byDefault",
    identityOptions: op.identityOptions,
    onUpdate: op.onUpdate,
    generated: op.generated,
    charset: op.charset,
    collation: op.collation,
    existing: op.existing ? columnSpec(op.existing) : undefined,
  });
}

function renderCall(op: Operation): string[] {
  if (isObjectOperation(op)) return renderObjectCall(op);
  switch (op.kind) {
    case "batchAlterTable":
      return batchCalls(op);
    case "createTable":
      return createTableCalls(op.table);
    case "dropTable":
      return [formatCall("dropTable", withOptions([op.table], { schema: op.schema, detachFrom: op.detachFrom }))];
    case "renameTable":
      return [formatCall("renameTable", withOptions([op.table, op.newName], { schema: op.schema }))];
    case "addColumn":
      return [formatCall("addColumn", withOptions([op.table, op.column.name, columnSpec(op.column)], { schema: op.schema }))];
    case "dropColumn":
      return [formatCall("dropColumn", withOptions([op.table, op.column], { schema: op.schema }))];
    case "alterColumn":
      return [formatCall("alterColumn", [op.table, op.column, alterColumnOptions(op) ?? {}])];
    case "createIndex":
      return [createIndexCall(op.index.name, op.table, op.schema, op.index, op.concurrently, op.clusterOn, op.ifNotExists)];
    case "dropIndex":
      return [formatCall("dropIndex", withOptions([op.name, op.table], { schema: op.schema, concurrently: op.concurrently, clustered: op.clustered || undefined, ifExists: op.ifExists }))];
    case "createPrimaryKey": {
      const pk = op.constraint;
      return [formatCall("createPrimaryKey", withOptions([pk.name, op.table, pk.columns], { schema: op.schema, ...keyIndexOptions(pk), deferrable: pk.deferrable, comment: pk.comment }))];
    }
    case "createUniqueConstraint": {
      const u = op.constraint;
      const options = { schema: op.schema, nullsNotDistinct: u.nullsNotDistinct || undefined, ...keyIndexOptions(u), deferrable: u.deferrable, comment: u.comment };
      return [formatCall("createUniqueConstraint", withOptions([u.name, op.table, u.columns], options))];
    }
    case "createExclusionConstraint": {
      const { name, ...spec } = exclusionSpec(op.constraint);
      return [formatCall("createExclusionConstraint", withOptions([name, op.table, spec], { schema: op.schema }))];
    }
    case "createForeignKey": {
      const fk = op.constraint;
      return [
        formatCall(
          "createForeignKey",
          withOptions([fk.name, op.table, fk.refTable, fk.columns, fk.refColumns], {
            schema: op.schema,
            refSchema: fk.refSchema,
            onDelete: fk.onDelete,
            onUpdate: fk.onUpdate,
            match: fk.match,
            deferrable: fk.deferrable,
            notValid: op.notValid || fk.notValid || undefined,
            comment: fk.comment,
          }),
        ),
      ];
    }
    case "createCheckConstraint":
      return [
        formatCall(
          "createCheckConstraint",
          withOptions([op.constraint.name, op.table, op.constraint.expression], {
            schema: op.schema,
            notValid: op.notValid || op.constraint.notValid || undefined,
            comment: op.constraint.comment,
          }),
        ),
      ];
    case "dropConstraint":
      return [formatCall("dropConstraint", [op.name, op.table, defined({ schema: op.schema, type: op.type, definition: unnamedDefinition(op) })])];
    case "validateConstraint":
      return [formatCall("validateConstraint", withOptions([op.name, op.table], { schema: op.schema }))];
    case "createEnum":
      return [formatCall("createEnum", withOptions([op.name, op.values], { schema: op.schema, comment: op.comment }))];
    case "dropEnum":
      return [formatCall("dropEnum", withOptions([op.name], { schema: op.schema }))];
    case "addEnumValue":
      return [formatCall("addEnumValue", withOptions([op.name, op.value], { schema: op.schema, before: op.before, after: op.after }))];
    case "setTableComment":
      return [formatCall("setTableComment", withOptions([op.table, op.comment], { schema: op.schema }))];
    case "setTableOptions":
      return [formatCall("setTableOptions", withOptions([op.table, op.options], { schema: op.schema, existing: op.existing }))];
    case "createSchema":
      return [formatCall("createSchema", [op.name])];
    case "dropSchema":
      return [formatCall("dropSchema", [op.name])];
    case "execute":
      return [formatCall("execute", op.params !== undefined ? [op.sql, op.params] : [op.sql])];
    case "bulkInsert":
      return [formatCall("bulkInsert", withOptions([op.table, op.rows], { schema: op.schema }))];
    case "attachPartition":
      return [formatCall("attachPartition", withOptions([op.table, op.partition.table, op.bound], { schema: op.schema, partitionSchema: op.partition.schema }))];
    case "detachPartition":
      return [formatCall("detachPartition", withOptions([op.table, op.partition.table], { schema: op.schema, partitionSchema: op.partition.schema, bound: op.bound }))];
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

/** `// LABEL: text`, wrapped at the line width; continuation lines are indented under the text. */
function comment(label: "WARNING" | "TODO", text: string): string[] {
  const lines: string[] = [];
  let line = `// ${label}:`;
  for (const word of codeLineComment(oneLine(text)).split(" ")) {
    if (line.length + 1 + word.length > LINE_WIDTH && line.trim() !== "//") {
      lines.push(line);
      line = "//  ";
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}

function indentLines(lines: string[], indent: string): string {
  return lines
    .flatMap((line) => line.split("\n"))
    .map((line) => (line.length > 0 ? indent + line : line))
    .join("\n");
}

function renderLines(op: Operation): string[] {
  // A batch carries its warnings inside, next to the inner call they are about.
  const risks = op.kind === "batchAlterTable" ? [] : operationRisks(op);
  return [...risks.flatMap((risk) => comment("WARNING", risk)), ...renderCall(op)];
}

/** The statements for `ops`, one `await op.x(...)` each, data-loss operations preceded by a `// WARNING:` line. */
export function renderOperations(ops: Operation[], options: RenderOptions = {}): string {
  return indentLines(ops.flatMap(renderLines), options.indent ?? "");
}

/** What to do by hand when an operation has no automatic reverse. */
function manualReverse(op: Operation, reason: string): string {
  switch (op.kind) {
    case "addEnumValue": {
      const type = op.schema ? `${op.schema}.${op.name}` : op.name;
      return (
        `cannot remove the value '${op.value}' from enum ${type}: ${reason}. ` +
        `To undo by hand: update rows that use '${op.value}', then rename the type (ALTER TYPE ${type} RENAME TO ${op.name}_old), ` +
        `create ${type} again without the value, convert each column (ALTER TABLE ... ALTER COLUMN ... TYPE ${type} USING col::text::${type}) and drop ${op.name}_old, all in op.execute() calls.`
      );
    }
    default:
      return `${oneLine(new NotReversibleError(op, reason).message)} Write this downgrade step by hand.`;
  }
}

export interface MigrationBodies {
  upgrade: string;
  downgrade: string;
  /** Downgrade steps kiln could not write (each is also a `// TODO` line in `downgrade`). */
  warnings: string[];
}

/**
 * The positions of the index drops a downgrade leaves out: an index of a table the downgrade drops
 * next goes with the table. (MySQL refuses to drop an index a foreign key of the table still needs:
 * a revision that creates a table with a foreign key, then an index on its column, had a downgrade
 * MySQL refused.) The drop stays when another index takes the name before the table goes. One pass
 * from the end, keeping each table's and each index name's next appearance.
 */
function indexesDroppedWithTheirTable(items: (Operation | string)[]): Set<number> {
  const nextTableEvent = new Map<string, { at: number; drops: boolean }>();
  const nextCreatedName = new Map<string, number>();
  const left = new Set<number>();
  for (let at = items.length - 1; at >= 0; at--) {
    const item = items[at]!;
    if (typeof item === "string") continue;
    if (item.kind === "dropIndex") {
      const event = nextTableEvent.get(`${item.schema ?? ""}\u0000${item.table}`);
      const taken = nextCreatedName.get(item.name);
      if (event?.drops && (taken === undefined || taken > event.at)) left.add(at);
    } else if (item.kind === "createIndex") {
      nextCreatedName.set(item.index.name, at);
    } else if (item.kind === "dropTable") {
      nextTableEvent.set(`${item.schema ?? ""}\u0000${item.table}`, { at, drops: true });
    } else if (item.kind === "createTable") {
      nextTableEvent.set(`${item.table.schema ?? ""}\u0000${item.table.name}`, { at, drops: false });
    }
  }
  return left;
}

/**
 * The upgrade body for `upgradeOps` and the downgrade body that undoes it.
 * An operation without an automatic reverse becomes a `// TODO` comment in the
 * downgrade (never broken code) and a warning.
 */
export function renderMigrationBodies(upgradeOps: Operation[], options: RenderOptions = {}): MigrationBodies {
  const indent = options.indent ?? "";
  const downgradeLines: string[] = [];
  const warnings: string[] = [];
  const steps: (Operation[] | string[])[] = [];
  for (const op of [...upgradeOps].reverse()) {
    try {
      const reversed = options.reversals?.get(op) ?? reverseOperation(op);
      steps.push(options.adaptReversed?.(reversed) ?? reversed);
    } catch (error) {
      if (!(error instanceof NotReversibleError)) throw error;
      const todo = manualReverse(op, error.reason);
      steps.push(comment("TODO", todo));
      warnings.push(`downgrade: ${todo}`);
    }
  }
  const items = steps.flat();
  const withTheirTable = indexesDroppedWithTheirTable(items);
  items.forEach((item, at) => {
    if (typeof item === "string") downgradeLines.push(item);
    else if (!withTheirTable.has(at)) downgradeLines.push(...renderLines(item));
  });
  // Notes about objects kiln does not model come first: they say what to do before the operations run.
  const notes = (options.notes ?? []).flatMap((note) => comment("WARNING", note));
  const upgrade = renderOperations(upgradeOps, options);
  return { upgrade: notes.length > 0 ? [indentLines(notes, indent), upgrade].join("\n") : upgrade, downgrade: indentLines(downgradeLines, indent), warnings };
}
