/**
 * What each operation creates, drops and needs, as object references
 * (catalog/objects.ts): the facts the dependency order (autogenerate/
 * dependency-order.ts) and the warnings about unmodelled objects work from.
 * A new operation family adds one case here.
 */
import { collationRef } from "../catalog/collations.js";
import { type ObjectRef, typeRef } from "../catalog/objects.js";
import type { Column, Table } from "../catalog/types.js";
import { isObjectOperation } from "./objects.js";
import { objectOperationRefs } from "./refs-objects.js";
import type { Operation } from "./types.js";

export interface OperationRefs {
  /** Objects that exist after the operation and not before. */
  creates: ObjectRef[];
  /** Objects that exist before the operation and not after. */
  drops: ObjectRef[];
  /**
   * Objects that must exist while the operation runs: what it uses, and for a
   * drop, what the dropped thing used (so the drop comes before theirs).
   */
  needs: ObjectRef[];
  /** Existing objects the operation changes in place (a table it alters): unmodelled objects using them may break. */
  alters: ObjectRef[];
}

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function tableRef(schema: string | undefined, name: string): ObjectRef {
  return { kind: "table", ...inSchema(schema), name };
}

function schemaNeeds(schema: string | undefined): ObjectRef[] {
  return schema === undefined ? [] : [{ kind: "schema", name: schema }];
}

/** The sequence a `nextval('name'::regclass)` default draws from. */
function sequenceInDefault(text: string | undefined, tableSchema: string | undefined): ObjectRef | undefined {
  const match = text === undefined ? null : /nextval\('((?:[^']|'')+)'(?:::regclass)?\)/i.exec(text);
  if (!match) return undefined;
  const parts = match[1]!.replace(/''/g, "'").split(".").map((p) => p.replace(/^"(.*)"$/, "$1").replace(/""/g, '"'));
  const name = parts.at(-1)!;
  // Unqualified: found on the search path, normally the table's own schema or the default one.
  const schema = parts.length > 1 ? parts.at(-2) : tableSchema;
  return { kind: "sequence", ...inSchema(schema === "public" ? undefined : schema), name };
}

/** What a column uses: its type and collation, the sequence its default draws from. */
export function columnNeeds(column: Column, tableSchema: string | undefined): ObjectRef[] {
  const needs: ObjectRef[] = [typeRef(column.type)];
  if (column.collation !== undefined) needs.push(collationRef(column.collation));
  const sequence = sequenceInDefault(column.default, tableSchema);
  if (sequence) needs.push(sequence);
  return needs;
}

/** What a table uses: its schema, column types and sequences, the tables its foreign keys point at. */
export function tableNeeds(table: Table): ObjectRef[] {
  const self = tableRef(table.schema, table.name);
  return [
    ...schemaNeeds(table.schema),
    ...table.columns.flatMap((c) => columnNeeds(c, table.schema)),
    ...table.foreignKeys
      .map((fk) => tableRef(fk.refSchema, fk.refTable))
      .filter((ref) => ref.name !== self.name || ref.schema !== self.schema),
    // A partition needs its parent.
    ...(table.partitionOf ? [tableRef(table.partitionOf.schema, table.partitionOf.table)] : []),
  ];
}

/** The index behind a table's own index or key constraint (PostgreSQL: named like the constraint, in the table's schema). */
function indexRef(schema: string | undefined, name: string): ObjectRef {
  return { kind: "index", ...inSchema(schema), name };
}

/** The indexes a table's primary key, unique and exclusion constraints create with it. */
function keyIndexes(table: Table): ObjectRef[] {
  return [table.primaryKey, ...table.uniques, ...(table.exclusions ?? [])]
    .map((c) => c?.name)
    .filter((n): n is string => n !== undefined && n !== "")
    .map((n) => indexRef(table.schema, n));
}

const none = (): OperationRefs => ({ creates: [], drops: [], needs: [], alters: [] });

export function operationRefs(op: Operation): OperationRefs {
  const refs = none();
  if (isObjectOperation(op)) {
    objectOperationRefs(op, refs);
    return refs;
  }
  switch (op.kind) {
    case "createTable":
      refs.creates.push(tableRef(op.table.schema, op.table.name), ...keyIndexes(op.table));
      refs.needs.push(...tableNeeds(op.table));
      break;
    case "dropTable":
      refs.drops.push(tableRef(op.schema, op.table));
      if (op.old) refs.drops.push(...keyIndexes({ ...op.old, ...inSchema(op.schema) }), ...op.old.indexes.filter((i) => i.name).map((i) => indexRef(op.schema, i.name!)));
      if (op.old) refs.needs.push(...tableNeeds(op.old));
      break;
    case "renameTable":
      refs.drops.push(tableRef(op.schema, op.table));
      refs.creates.push(tableRef(op.schema, op.newName));
      break;
    case "addColumn":
      refs.needs.push(tableRef(op.schema, op.table), ...columnNeeds(op.column, op.schema));
      refs.alters.push(tableRef(op.schema, op.table));
      break;
    case "dropColumn":
      refs.needs.push(tableRef(op.schema, op.table), ...(op.old ? columnNeeds(op.old, op.schema) : []));
      refs.alters.push(tableRef(op.schema, op.table));
      break;
    case "alterColumn":
      refs.needs.push(tableRef(op.schema, op.table));
      if (op.type !== undefined) refs.needs.push(typeRef(op.type));
      if (typeof op.collation === "string") refs.needs.push(collationRef(op.collation));
      if (typeof op.default === "string") refs.needs.push(...columnNeeds({ name: op.column, type: op.type ?? "", nullable: true, default: op.default }, op.schema).slice(1));
      if (op.existing) refs.needs.push(...columnNeeds(op.existing, op.schema));
      refs.alters.push(tableRef(op.schema, op.table));
      break;
    case "createForeignKey":
      refs.needs.push(tableRef(op.schema, op.table), tableRef(op.constraint.refSchema, op.constraint.refTable));
      break;
    case "dropConstraint":
      refs.needs.push(tableRef(op.schema, op.table));
      if (op.type === "primary" || op.type === "unique" || op.type === "exclusion") refs.drops.push(indexRef(op.schema, op.name));
      if (op.old?.type === "foreignkey") refs.needs.push(tableRef(op.old.constraint.refSchema, op.old.constraint.refTable));
      refs.alters.push(tableRef(op.schema, op.table));
      break;
    // An index created IF NOT EXISTS or dropped IF EXISTS is one autogenerate places itself, in its
    // order, to hold a MySQL foreign key while the table's indexes change (compare.ts, bridges): it
    // is created before and dropped after the others, never the other way round.
    case "createIndex":
      refs.needs.push(tableRef(op.schema, op.table));
      if (!op.ifNotExists) refs.creates.push(indexRef(op.schema, op.index.name));
      break;
    case "dropIndex":
      refs.needs.push(tableRef(op.schema, op.table));
      if (!op.ifExists) refs.drops.push(indexRef(op.schema, op.name));
      break;
    case "createPrimaryKey":
    case "createUniqueConstraint":
    case "createExclusionConstraint":
      refs.needs.push(tableRef(op.schema, op.table));
      refs.creates.push(indexRef(op.schema, op.constraint.name));
      break;
    case "createCheckConstraint":
    case "validateConstraint":
    case "setTableComment":
    case "bulkInsert":
      refs.needs.push(tableRef(op.schema, op.table));
      break;
    case "setTableOptions":
      refs.alters.push(tableRef(op.schema, op.table));
      break;
    case "createEnum":
      refs.creates.push({ kind: "type", ...inSchema(op.schema), name: op.name });
      refs.needs.push(...schemaNeeds(op.schema));
      break;
    case "dropEnum":
      refs.drops.push({ kind: "type", ...inSchema(op.schema), name: op.name });
      break;
    case "addEnumValue":
      refs.needs.push({ kind: "type", ...inSchema(op.schema), name: op.name });
      refs.alters.push({ kind: "type", ...inSchema(op.schema), name: op.name });
      break;
    case "createSchema":
      refs.creates.push({ kind: "schema", name: op.name });
      break;
    case "dropSchema":
      refs.drops.push({ kind: "schema", name: op.name });
      break;
    case "batchAlterTable":
      for (const inner of op.operations) {
        const r = operationRefs(inner);
        refs.creates.push(...r.creates);
        refs.drops.push(...r.drops);
        refs.needs.push(...r.needs);
        refs.alters.push(...r.alters);
      }
      break;
    case "attachPartition":
    case "detachPartition":
      refs.needs.push(tableRef(op.schema, op.table), tableRef(op.partition.schema, op.partition.table));
      refs.alters.push(tableRef(op.schema, op.table), tableRef(op.partition.schema, op.partition.table));
      break;
    case "execute":
      // Hand-written SQL: kiln does not know what it touches.
      break;
    default: {
      // A new operation kind must say what it touches (compile error until it does).
      const unhandled: never = op;
      void unhandled;
    }
  }
  return refs;
}
