/**
 * Notes a MySQL revision carries about what the server makes of the models:
 * MySQL has no GENERATED ALWAYS AS IDENTITY, so such a column becomes
 * AUTO_INCREMENT, which also takes values an INSERT gives explicitly.
 */
import { qualifiedName, type Catalog } from "../../catalog/types.js";
import type { Operation } from "../../operations/types.js";

export function mysqlOperationNotes(operations: Operation[], model: Catalog): string[] {
  const always = new Set<string>();
  for (const table of model.tables) {
    for (const column of table.columns) if (column.identity?.always) always.add(`${qualifiedName(table)}.${column.name}`);
  }
  if (always.size === 0) return [];
  const touched = new Set<string>();
  for (const op of operations) {
    if (op.kind === "createTable") {
      for (const column of op.table.columns) touched.add(`${qualifiedName(op.table)}.${column.name}`);
    } else if (op.kind === "addColumn") {
      touched.add(`${qualifiedName({ schema: op.schema, name: op.table })}.${op.column.name}`);
    } else if (op.kind === "alterColumn" && op.identity) {
      touched.add(`${qualifiedName({ schema: op.schema, name: op.table })}.${op.newName ?? op.column}`);
    }
  }
  return [...always]
    .filter((column) => touched.has(column))
    .sort()
    .map(
      (column) =>
        `column ${column} is generatedAlwaysAsIdentity() in the models; MySQL has no GENERATED ALWAYS identity, so it becomes AUTO_INCREMENT, which also accepts values an INSERT gives explicitly`,
    );
}
