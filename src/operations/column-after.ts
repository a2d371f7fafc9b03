/**
 * The column as an alterColumn leaves it: one definition of what each field of
 * the operation means, shared by reversal, the autogenerate simulator and
 * dialects that restate whole columns (MySQL's MODIFY, SQLite's rebuild).
 */
import type { Column } from "../catalog/types.js";
import { dropCanonical } from "../catalog/exact-text.js";
import type { AlterColumn } from "./types.js";

export function columnAfterAlter(existing: Column, op: AlterColumn): Column {
  const after: Column = { ...existing, name: op.newName ?? existing.name };
  if (op.type !== undefined) after.type = op.type;
  if (op.nullable !== undefined) after.nullable = op.nullable;
  if (op.default === null) delete after.default;
  else if (op.default !== undefined) after.default = op.default;
  // The canonical form belonged to the old text.
  if (op.default !== undefined) dropCanonical(after, "default");
  if (op.comment === null) delete after.comment;
  else if (op.comment !== undefined) after.comment = op.comment;
  if (op.generated !== undefined) after.generated = { ...op.generated };
  for (const field of ["onUpdate", "charset", "collation"] as const) {
    const value = op[field];
    if (value === null) delete after[field];
    else if (value !== undefined) after[field] = value;
  }
  if (op.identityOptions !== undefined) {
    const sequence: NonNullable<Column["sequence"]> = { ...(existing.sequence ?? { name: `${existing.name}_seq` }) };
    for (const [key, value] of Object.entries(op.identityOptions)) {
      if (value === null || value === false) delete (sequence as unknown as Record<string, unknown>)[key];
      else (sequence as unknown as Record<string, unknown>)[key] = value;
    }
    after.sequence = sequence;
  }
  if (op.identity === null) delete after.identity;
  else if (op.identity !== undefined) {
    after.identity = { ...op.identity };
    // An identity column is NOT NULL by definition, and has no default of its own.
    after.nullable = false;
    delete after.default;
    dropCanonical(after, "default");
  }
  return after;
}
