/**
 * Compare aggregates (catalog/aggregates.ts), matched by schema, name and input
 * argument types like functions. Any change of the definition drops the
 * aggregate and creates it again (PostgreSQL's CREATE OR REPLACE AGGREGATE
 * cannot change every part of it, and one rule is easier to trust); a comment
 * alone is COMMENT ON AGGREGATE.
 */
import { type Aggregate, aggregateDefinitionKey, aggregateLabel, aggregateSignature } from "../../catalog/aggregates.js";
import { refKey } from "../../catalog/objects.js";
import type { Catalog } from "../../catalog/types.js";
import { aggregateSignatureFields, dropAggregateOf } from "../../operations/aggregates.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";

export function aggregateKey(aggregate: Pick<Aggregate, "schema" | "name" | "arguments">): string {
  return `${aggregate.schema ?? ""}\u0000${aggregateSignature(aggregate)}`;
}

export function compareAggregates(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const databaseByKey = new Map((database.aggregates ?? []).map((a) => [aggregateKey(a), a]));
  const modelKeys = new Set((model.aggregates ?? []).map(aggregateKey));
  const sorted = (items: readonly Aggregate[]) => [...items].sort(byName(aggregateKey));
  for (const aggregate of sorted(model.aggregates ?? [])) {
    const existing = databaseByKey.get(aggregateKey(aggregate));
    if (!existing) {
      diff.add("createAggregates", { kind: "createAggregate", aggregate: structuredClone(aggregate) });
      continue;
    }
    if (aggregateDefinitionKey(aggregate) !== aggregateDefinitionKey(existing)) {
      warnAboutUsers(existing, database, diff);
      diff.add("dropChangedAggregates", dropAggregateOf(existing));
      diff.add("rebuildAggregates", { kind: "createAggregate", aggregate: structuredClone(aggregate) });
      continue;
    }
    if ((aggregate.comment ?? null) !== (existing.comment ?? null)) {
      diff.add("createAggregates", { kind: "commentAggregate", ...aggregateSignatureFields(existing), comment: aggregate.comment ?? null, existing: existing.comment ?? null });
    }
  }
  for (const aggregate of sorted(database.aggregates ?? [])) {
    if (!modelKeys.has(aggregateKey(aggregate))) diff.add("dropAggregates", dropAggregateOf(aggregate));
  }
}

/** Objects that use an aggregate about to be dropped and created again (a view): PostgreSQL refuses the drop while they do. */
function warnAboutUsers(aggregate: Aggregate, database: Catalog, diff: ObjectDiff): void {
  const self = refKey({ kind: "aggregate", ...(aggregate.schema !== undefined ? { schema: aggregate.schema } : {}), name: aggregateSignature(aggregate) });
  const users = (database.dependencies ?? []).filter((d) => refKey(d.referenced) === self);
  if (users.length === 0) return;
  const names = users.map((d) => `${d.dependent.kind} ${d.dependent.schema ? `${d.dependent.schema}.` : ""}${d.dependent.name}`);
  diff.warn(
    "manualStep",
    `aggregate ${aggregateLabel(aggregate)} changes, so the revision drops it and creates it again; ${names.join(", ")} use${names.length === 1 ? "s" : ""} it, and PostgreSQL refuses the drop while they do. Drop and recreate them around it in the revision by hand (op.execute()).`,
  );
}
