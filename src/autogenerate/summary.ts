/**
 * One short human line per operation, for `kiln check` and the autogenerate
 * terminal output: `+` adds, `-` removes, `~` changes.
 */
import { describeIndexElement } from "../catalog/index-elements.js";
import type { Column, IndexElement } from "../catalog/types.js";
import { isObjectOperation } from "../operations/objects.js";
import type { Operation } from "../operations/types.js";
import { summarizeObjectOperation } from "./render-objects.js";

function at(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

function elements(columns: readonly IndexElement[]): string {
  return columns.map(describeIndexElement).join(", ");
}

function describeColumn(column: Column): string {
  const parts = [column.type];
  if (!column.nullable) parts.push("not null");
  if (column.collation !== undefined) parts.push(`collate ${column.collation}`);
  if (column.default !== undefined) parts.push(`default ${column.default}`);
  if (column.generated) parts.push(`generated always as (${column.generated.expression}) ${column.generated.stored ? "stored" : "virtual"}`);
  if (column.identity) parts.push(column.identity.always ? "identity always" : "identity");
  if (column.autoIncrement) parts.push("auto increment");
  return parts.join(" ");
}

function shown(value: string | null | undefined, none = "none"): string {
  return value === null || value === undefined ? none : value;
}

function alterations(op: Extract<Operation, { kind: "alterColumn" }>): string[] {
  const before = op.existing;
  const changes: string[] = [];
  if (op.newName !== undefined && op.newName !== op.column) changes.push(`renamed to ${op.newName}`);
  if (op.type !== undefined) changes.push(before ? `${before.type} -> ${op.type}` : `type ${op.type}`);
  if (op.nullable !== undefined) changes.push(op.nullable ? "nullable" : "not null");
  if (op.default !== undefined) changes.push(before ? `default ${shown(before.default)} -> ${shown(op.default)}` : `default ${shown(op.default)}`);
  if (op.comment !== undefined) changes.push(op.comment === null ? "comment removed" : `comment ${JSON.stringify(op.comment)}`);
  if (op.onUpdate !== undefined) changes.push(op.onUpdate === null ? "ON UPDATE removed" : `ON UPDATE ${op.onUpdate}`);
  if (op.charset !== undefined) changes.push(op.charset === null ? "the table's character set" : `character set ${op.charset}`);
  if (op.collation !== undefined) changes.push(op.collation === null ? "the default collation" : `collation ${op.collation}`);
  if (op.identity === null) changes.push("no longer an identity column");
  else if (op.identity !== undefined) changes.push(`identity ${op.identity.always ? "ALWAYS" : "BY DEFAULT"}`);
  if (op.identityOptions !== undefined) {
    changes.push(`identity ${Object.entries(op.identityOptions).map(([key, value]) => `${key} ${value === null ? "default" : String(value)}`).join(", ")}`);
  }
  return changes;
}

export function summarizeOperation(op: Operation): string {
  if (isObjectOperation(op)) return summarizeObjectOperation(op);
  switch (op.kind) {
    case "batchAlterTable":
      return `~ table ${at(op.schema, op.table)}: ${op.operations.length} change${op.operations.length === 1 ? "" : "s"} in one batch`;
    case "createSchema":
      return `+ schema ${op.name}`;
    case "dropSchema":
      return `- schema ${op.name}`;
    case "createEnum":
      return `+ enum ${at(op.schema, op.name)} (${op.values.join(", ")})`;
    case "dropEnum":
      return `- enum ${at(op.schema, op.name)}`;
    case "addEnumValue": {
      const position = op.after !== undefined ? ` after ${op.after}` : op.before !== undefined ? ` before ${op.before}` : "";
      return `+ enum value ${at(op.schema, op.name)}.${op.value}${position}`;
    }
    case "createTable":
      return `+ table ${at(op.table.schema, op.table.name)}`;
    case "dropTable":
      return `- table ${at(op.schema, op.table)}`;
    case "renameTable":
      return `~ table ${at(op.schema, op.table)} renamed to ${op.newName}`;
    case "addColumn":
      return `+ column ${at(op.schema, op.table)}.${op.column.name} ${describeColumn(op.column)}`;
    case "dropColumn":
      return `- column ${at(op.schema, op.table)}.${op.column}`;
    case "alterColumn":
      return `~ column ${at(op.schema, op.table)}.${op.column}: ${alterations(op).join(", ") || "no change"}`;
    case "createIndex":
      return `+ ${op.index.unique ? "unique index" : "index"} ${op.index.name} on ${at(op.schema, op.table)} (${elements(op.index.columns)})`;
    case "dropIndex":
      return `- index ${op.name} on ${at(op.schema, op.table)}`;
    case "createPrimaryKey":
      return `+ primary key ${op.constraint.name} on ${at(op.schema, op.table)} (${op.constraint.columns.join(", ")})`;
    case "createUniqueConstraint":
      return `+ unique ${op.constraint.name} on ${at(op.schema, op.table)} (${op.constraint.columns.join(", ")})`;
    case "createForeignKey": {
      const fk = op.constraint;
      return `+ foreign key ${fk.name} on ${at(op.schema, op.table)} (${fk.columns.join(", ")}) -> ${at(fk.refSchema, fk.refTable)} (${fk.refColumns.join(", ")})`;
    }
    case "createCheckConstraint":
      return `+ check ${op.constraint.name} on ${at(op.schema, op.table)}: ${op.constraint.expression}`;
    case "createExclusionConstraint":
      return `+ exclusion ${op.constraint.name} on ${at(op.schema, op.table)} USING ${op.constraint.method} (${op.constraint.elements
        .map((e) => `${describeIndexElement(e.element)} WITH ${e.operator}`)
        .join(", ")})`;
    case "dropConstraint": {
      const kind = { check: "check", unique: "unique", foreignkey: "foreign key", primary: "primary key", exclusion: "exclusion" }[op.type];
      return `- ${kind} ${op.name} on ${at(op.schema, op.table)}`;
    }
    case "validateConstraint":
      return `~ validate ${op.name} on ${at(op.schema, op.table)}`;
    case "setTableComment":
      return op.comment === null ? `~ table ${at(op.schema, op.table)}: comment removed` : `~ table ${at(op.schema, op.table)}: comment ${JSON.stringify(op.comment)}`;
    case "setTableOptions":
      return `~ table ${at(op.schema, op.table)}: ${Object.entries(op.options)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => (value === true ? key : `${key} ${value === null ? (key === "strict" || key === "withoutRowid" ? "off" : "default") : value}`))
        .join(", ")}`;
    case "execute": {
      const first = op.sql.trim().split("\n")[0] ?? "";
      return `~ execute ${first.length > 60 ? `${first.slice(0, 57)}...` : first}`;
    }
    case "attachPartition":
      return `~ table ${at(op.schema, op.table)}: attach partition ${at(op.partition.schema, op.partition.table)} ${op.bound}`;
    case "detachPartition":
      return `~ table ${at(op.schema, op.table)}: detach partition ${at(op.partition.schema, op.partition.table)}`;
    case "bulkInsert":
      return `+ ${op.rows.length} row${op.rows.length === 1 ? "" : "s"} into ${at(op.schema, op.table)}`;
  }
}

/** One line per operation; a batch shows as its inner operations, which is what the reader cares about. */
export function summarizeOperations(ops: readonly Operation[]): string[] {
  return ops.flatMap((op) => (op.kind === "batchAlterTable" ? summarizeOperations(op.operations) : [summarizeOperation(op)]));
}
