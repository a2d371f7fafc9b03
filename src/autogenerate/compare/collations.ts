/**
 * Compare user collations (catalog/collations.ts). PostgreSQL cannot change a
 * collation's provider or locale in place: a changed one is dropped and created
 * again (which PostgreSQL refuses while a column or index uses it; the revision
 * then fails before changing anything else). Creates go before the domains and
 * tables using them, drops after (order.ts phases).
 */
import { type Collation, sameCollationDefinition } from "../../catalog/collations.js";
import { type Catalog, qualifiedName } from "../../catalog/types.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

export function compareCollations(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const existing = new Map((database.collations ?? []).map((c) => [qualifiedName(c), c]));
  const wanted = new Map((model.collations ?? []).map((c) => [qualifiedName(c), c]));
  const drop = (c: Collation) => ({ kind: "dropCollation" as const, ...inSchema(c.schema), name: c.name, old: structuredClone(c) });
  for (const c of [...wanted.values()].sort(byName(qualifiedName))) {
    const old = existing.get(qualifiedName(c));
    if (!old) diff.add("createCollations", { kind: "createCollation", collation: structuredClone(c) });
    else if (!sameCollationDefinition(c, old)) diff.add("createCollations", drop(old), { kind: "createCollation", collation: structuredClone(c) });
    else if ((c.comment ?? null) !== (old.comment ?? null)) {
      diff.add("createCollations", { kind: "setComment", target: "collation", ...inSchema(c.schema), name: c.name, comment: c.comment ?? null, existing: old.comment ?? null });
    }
  }
  for (const c of [...existing.values()].sort(byName(qualifiedName))) if (!wanted.has(qualifiedName(c))) diff.add("dropCollations", drop(c));
}
