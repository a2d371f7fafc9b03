/**
 * Upgrade operations -> downgrade operations (pure).
 *
 * Each operation is undone by one or more operations built from the operation
 * itself and from the definitions it carries (`old`, `existing`). Where those are
 * missing, or where the database cannot undo the change (a new enum value on
 * PostgreSQL, inserted rows), NotReversibleError says which operation and why,
 * and the caller decides: autogenerate writes a comment, the runner stops.
 */
import type { Column, Table } from "../catalog/types.js";
import { identityOptions, type IdentityOptionChanges } from "../catalog/sequences.js";
import { KilnError } from "../errors.js";
import { columnAfterAlter } from "./column-after.js";
import { describePartitionOperation, detachFromOf, reverseAttachPartition, reverseDetachPartition } from "./partitions.js";
import type { AlterColumn, DropConstraint, DropIndex, DropTable, Operation, TableOptionChanges } from "./types.js";
import { describeObjectOperation, isObjectOperation } from "./objects.js";
import { reverseObjectOperation } from "./reverse-objects.js";
import { splitClusterOn } from "./table-storage.js";

export class NotReversibleError extends KilnError {
  readonly operation: Operation;
  readonly reason: string;

  constructor(operation: Operation, reason: string) {
    super(`Cannot reverse ${describeOperation(operation)}: ${reason}.`, {
      details: ["Write the downgrade for this step by hand in the revision file."],
    });
    this.name = "NotReversibleError";
    this.operation = operation;
    this.reason = reason;
  }
}

function qualified(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

/** A short human description: `dropColumn app.users.email`. */
export function describeOperation(op: Operation): string {
  if (isObjectOperation(op)) return describeObjectOperation(op);
  switch (op.kind) {
    case "batchAlterTable":
      return `batchAlterTable ${qualified(op.schema, op.table)} (${op.operations.length} change(s))`;
    case "createTable":
      return `createTable ${qualified(op.table.schema, op.table.name)}`;
    case "addColumn":
      return `addColumn ${qualified(op.schema, op.table)}.${op.column.name}`;
    case "dropColumn":
    case "alterColumn":
      return `${op.kind} ${qualified(op.schema, op.table)}.${op.column}`;
    case "createIndex":
      return `createIndex ${op.index.name} on ${qualified(op.schema, op.table)}`;
    case "createPrimaryKey":
    case "createUniqueConstraint":
    case "createForeignKey":
    case "createCheckConstraint":
    case "createExclusionConstraint":
      return `${op.kind} ${op.constraint.name} on ${qualified(op.schema, op.table)}`;
    case "dropIndex":
    case "dropConstraint":
    case "validateConstraint":
      return `${op.kind} ${op.name} on ${qualified(op.schema, op.table)}`;
    case "dropTable":
    case "renameTable":
    case "setTableComment":
    case "setTableOptions":
    case "bulkInsert":
      return `${op.kind} ${qualified(op.schema, op.table)}`;
    case "createEnum":
    case "dropEnum":
      return `${op.kind} ${qualified(op.schema, op.name)}`;
    case "addEnumValue":
      return `addEnumValue ${qualified(op.schema, op.name)} '${op.value}'`;
    case "createSchema":
    case "dropSchema":
      return `${op.kind} ${op.name}`;
    case "attachPartition":
    case "detachPartition":
      return describePartitionOperation(op);
    case "execute": {
      const firstLine = op.sql.trim().split("\n")[0] ?? "";
      return `execute "${firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine}"`;
    }
  }
}

/** `{ schema }` when defined, `{}` otherwise: keeps reversed operations free of `schema: undefined`. */
function schemaOf(schema: string | undefined): { schema?: string } {
  return schema !== undefined ? { schema } : {};
}

function reverseDropTable(op: DropTable): Operation[] {
  if (!op.old) throw new NotReversibleError(op, "the old table definition is unknown");
  const table: Table = { ...op.old, name: op.table };
  if (op.schema !== undefined) table.schema = op.schema;
  else delete table.schema;
  const { table: created, clusterIndex } = splitClusterOn(table);
  const indexes = table.indexes.map((index) => {
    if (!index.name) throw new NotReversibleError(op, "an index of the old table has no name, so it cannot be recreated");
    return { kind: "createIndex" as const, ...schemaOf(op.schema), table: op.table, index: { ...index, name: index.name }, ...(index.name === clusterIndex ? { clusterOn: true } : {}) };
  });
  return [{ kind: "createTable", table: { ...created, indexes: [] } }, ...indexes];
}

function reverseAlterColumn(op: AlterColumn): Operation[] {
  const changesNeedingExisting = (["type", "nullable", "default", "comment", "identity", "collation", "identityOptions", "generated"] as const).filter((key) => op[key] !== undefined);
  const { existing } = op;
  if (changesNeedingExisting.length > 0 && !existing) {
    throw new NotReversibleError(op, `the column as it was before is unknown (needed to undo ${changesNeedingExisting.join(", ")}); give "existing"`);
  }
  const reversed: AlterColumn = {
    kind: "alterColumn",
    ...schemaOf(op.schema),
    table: op.table,
    column: op.newName ?? op.column,
  };
  if (op.newName !== undefined && op.newName !== op.column) reversed.newName = op.column;
  if (existing) {
    if (op.type !== undefined) reversed.type = existing.type;
    if (op.nullable !== undefined) reversed.nullable = existing.nullable;
    if (op.default !== undefined) reversed.default = existing.default ?? null;
    if (op.comment !== undefined) reversed.comment = existing.comment ?? null;
    if (op.identity !== undefined) reversed.identity = existing.identity ?? null;
    if (op.onUpdate !== undefined) reversed.onUpdate = existing.onUpdate ?? null;
    if (op.generated !== undefined) {
      if (!existing.generated) throw new NotReversibleError(op, `column ${op.column} was not generated before; give "existing" with its "generated"`);
      reversed.generated = { ...existing.generated };
    }
    if (op.charset !== undefined) reversed.charset = existing.charset ?? null;
    if (op.collation !== undefined) reversed.collation = existing.collation ?? null;
    if (op.identityOptions !== undefined) {
      const before = identityOptions(existing.type, existing.sequence);
      reversed.identityOptions = Object.fromEntries(
        Object.keys(op.identityOptions).map((key) => [key, key === "cycle" ? !!before.cycle : (before[key as "start"] ?? null)]),
      ) as IdentityOptionChanges;
    }
    reversed.existing = columnAfterAlter(existing, op);
  }
  return [reversed];
}

function reverseDropIndex(op: DropIndex): Operation[] {
  if (!op.old) throw new NotReversibleError(op, "the old index definition is unknown");
  return [
    {
      kind: "createIndex",
      ...schemaOf(op.schema),
      table: op.table,
      index: { ...op.old, name: op.name },
      ...(op.concurrently !== undefined ? { concurrently: op.concurrently } : {}),
      ...(op.clustered ? { clusterOn: true } : {}),
      ...(op.ifExists ? { ifNotExists: true } : {}),
    },
  ];
}

function reverseDropConstraint(op: DropConstraint): Operation[] {
  const { old } = op;
  if (!old) throw new NotReversibleError(op, `the old ${op.type} constraint definition is unknown`);
  if (old.type !== op.type) {
    throw new NotReversibleError(op, `the old definition is a ${old.type} constraint but the operation drops a ${op.type} constraint`);
  }
  const target = { ...schemaOf(op.schema), table: op.table };
  switch (old.type) {
    case "primary":
      return [{ kind: "createPrimaryKey", ...target, constraint: { ...old.constraint, name: op.name } }];
    case "unique":
      return [{ kind: "createUniqueConstraint", ...target, constraint: { ...old.constraint, name: op.name } }];
    case "foreignkey":
      return [{ kind: "createForeignKey", ...target, constraint: { ...old.constraint, name: op.name } }];
    case "check":
      return [{ kind: "createCheckConstraint", ...target, constraint: { ...old.constraint, name: op.name } }];
    case "exclusion":
      return [{ kind: "createExclusionConstraint", ...target, constraint: { ...old.constraint, name: op.name } }];
  }
}

/** The constraint an add-constraint operation leaves: NOT VALID when the operation said so. */
function withNotValid<C extends { notValid?: boolean }>(op: { notValid?: boolean; constraint: C }): C {
  return op.notValid ? { ...op.constraint, notValid: true } : op.constraint;
}

/** The operations that undo `op`. Throws NotReversibleError when that cannot be known or done. */
export function reverseOperation(op: Operation): Operation[] {
  if (isObjectOperation(op)) return reverseObjectOperation(op);
  switch (op.kind) {
    case "batchAlterTable":
      return [{ ...op, operations: reverseOperations(op.operations) }];
    case "createTable":
      return [{ kind: "dropTable", ...schemaOf(op.table.schema), table: op.table.name, ...detachFromOf(op.table), old: op.table }];
    case "dropTable":
      return reverseDropTable(op);
    case "renameTable":
      return [{ kind: "renameTable", ...schemaOf(op.schema), table: op.newName, newName: op.table }];
    case "addColumn":
      return [{ kind: "dropColumn", ...schemaOf(op.schema), table: op.table, column: op.column.name, old: op.column }];
    case "dropColumn":
      if (!op.old) throw new NotReversibleError(op, "the old column definition is unknown");
      return [{ kind: "addColumn", ...schemaOf(op.schema), table: op.table, column: { ...op.old, name: op.column } }];
    case "alterColumn":
      return reverseAlterColumn(op);
    case "createIndex":
      return [
        {
          kind: "dropIndex",
          ...schemaOf(op.schema),
          table: op.table,
          name: op.index.name,
          old: op.index,
          ...(op.concurrently !== undefined ? { concurrently: op.concurrently } : {}),
          ...(op.clusterOn ? { clustered: true } : {}),
          ...(op.ifNotExists ? { ifExists: true } : {}),
        },
      ];
    case "dropIndex":
      return reverseDropIndex(op);
    case "createPrimaryKey":
      return [{ kind: "dropConstraint", ...schemaOf(op.schema), table: op.table, name: op.constraint.name, type: "primary", old: { type: "primary", constraint: op.constraint } }];
    case "createUniqueConstraint":
      return [{ kind: "dropConstraint", ...schemaOf(op.schema), table: op.table, name: op.constraint.name, type: "unique", old: { type: "unique", constraint: op.constraint } }];
    case "createForeignKey":
      return [{ kind: "dropConstraint", ...schemaOf(op.schema), table: op.table, name: op.constraint.name, type: "foreignkey", old: { type: "foreignkey", constraint: withNotValid(op) } }];
    case "createCheckConstraint":
      return [{ kind: "dropConstraint", ...schemaOf(op.schema), table: op.table, name: op.constraint.name, type: "check", old: { type: "check", constraint: withNotValid(op) } }];
    case "createExclusionConstraint":
      return [{ kind: "dropConstraint", ...schemaOf(op.schema), table: op.table, name: op.constraint.name, type: "exclusion", old: { type: "exclusion", constraint: op.constraint } }];
    case "dropConstraint":
      return reverseDropConstraint(op);
    case "validateConstraint":
      // Validation only checks rows; there is nothing to undo.
      return [];
    case "createEnum":
      return [{ kind: "dropEnum", ...schemaOf(op.schema), name: op.name, old: op.values, ...(op.comment !== undefined ? { oldComment: op.comment } : {}) }];
    case "dropEnum":
      if (!op.old) throw new NotReversibleError(op, "the old enum values are unknown");
      return [{ kind: "createEnum", ...schemaOf(op.schema), name: op.name, values: op.old, ...(op.oldComment !== undefined ? { comment: op.oldComment } : {}) }];
    case "addEnumValue":
      throw new NotReversibleError(op, "PostgreSQL cannot remove a value from an enum type (it would have to recreate the type and rewrite every column using it)");
    case "setTableOptions": {
      if (!op.existing) throw new NotReversibleError(op, "the table's options before the change are unknown");
      const existing = op.existing;
      // A SQLite option the table did not have (absent or false) goes back to null: off.
      const options = Object.fromEntries(
        Object.keys(op.options).map((key) => {
          const before = existing[key as keyof TableOptionChanges];
          return [key, before === undefined || before === false ? null : before];
        }),
      ) as TableOptionChanges;
      const after: Record<string, unknown> = { ...existing };
      for (const [key, value] of Object.entries(op.options)) {
        if (value === null) delete after[key];
        else if (value !== undefined) after[key] = value;
      }
      return [{ kind: "setTableOptions", ...schemaOf(op.schema), table: op.table, options, existing: after as typeof existing }];
    }
    case "setTableComment":
      return [{ kind: "setTableComment", ...schemaOf(op.schema), table: op.table, comment: op.existing ?? null, existing: op.comment }];
    case "createSchema":
      return [{ kind: "dropSchema", name: op.name }];
    case "dropSchema":
      return [{ kind: "createSchema", name: op.name }];
    case "execute":
      if (op.reverseSql === undefined) throw new NotReversibleError(op, "raw SQL has no known reverse; give reverseSql");
      // The reverse SQL takes no parameters, so re-reversing can only restore a parameterless statement.
      return [{ kind: "execute", sql: op.reverseSql, ...(op.params === undefined ? { reverseSql: op.sql } : {}) }];
    case "bulkInsert":
      throw new NotReversibleError(op, "inserted rows cannot be identified for deletion in general; delete them with op.execute()");
    case "attachPartition":
      return [reverseAttachPartition(op)];
    case "detachPartition": {
      const attach = reverseDetachPartition(op);
      if (!attach) throw new NotReversibleError(op, "the partition's bound is unknown; give bound");
      return [attach];
    }
  }
}

/** The downgrade for an upgrade list: each operation reversed, in reverse order. */
export function reverseOperations(ops: Operation[]): Operation[] {
  return [...ops].reverse().flatMap(reverseOperation);
}
