// SQL text built from the models' names. Only identifiers from src/db/schema.ts
// go through here, quoted by pg's escapeIdentifier; values always travel as $n parameters.
import type { AnyColumn, AnyTable } from "kiln-migrate/schema";
import { escapeIdentifier } from "pg";

export function tableName(table: AnyTable): string {
  const name = escapeIdentifier(table.$name);
  return table.$schema === undefined ? name : `${escapeIdentifier(table.$schema)}.${name}`;
}

export function columnName(column: AnyColumn): string {
  return escapeIdentifier(column.name);
}

/** `"prototype_id" AS "prototypeId", ...`: rows come back keyed like the model. */
export function selectList(columns: Record<string, AnyColumn>): string {
  return Object.values(columns)
    .map((column) => `${columnName(column)} AS ${escapeIdentifier(column.key)}`)
    .join(", ");
}

/** `$1, $2, ...` for `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, (_, i) => `$${i + 1}`).join(", ");
}
