/**
 * A table's Citus distribution, compared on a table both sides have: the kind
 * (distributed or reference) and the distribution column. A difference is one
 * setDistribution carrying what it replaces (operations/distribution.ts).
 * Introspection reads the distribution only where Citus's catalog exists, so on
 * plain PostgreSQL a model without distribution never differs.
 */
import type { Table } from "../../catalog/types.js";
import { type DistributionOperation, sameDistribution } from "../../operations/distribution.js";

export function compareDistribution(model: Table, database: Table, add: (phase: "createConstraintsAndIndexes", op: DistributionOperation) => void): void {
  if (sameDistribution(model.distribution, database.distribution)) return;
  add("createConstraintsAndIndexes", {
    kind: "setDistribution",
    ...(model.schema !== undefined ? { schema: model.schema } : {}),
    table: model.name,
    distribution: model.distribution ?? null,
    existing: database.distribution ?? null,
  });
}
