/**
 * Comments on schemas (catalog/schema-comments.ts): for each schema the models
 * hold (and one they comment on), the model's comment or none, set where the
 * database says otherwise. Schemas only the database has are not kiln's to touch.
 */
import { schemaComment } from "../../catalog/schema-comments.js";
import type { Catalog } from "../../catalog/types.js";
import type { SetComment } from "../../operations/comments.js";

export function compareSchemaComments(model: Catalog, database: Catalog): SetComment[] {
  const names = new Set([...model.schemas, ...Object.keys(model.schemaComments ?? {})]);
  const changes: SetComment[] = [];
  for (const name of [...names].sort()) {
    const wanted = schemaComment(model.schemaComments, name);
    const existing = schemaComment(database.schemaComments, name);
    if (wanted !== existing) changes.push({ kind: "setComment", target: "schema", name, comment: wanted, existing });
  }
  return changes;
}
