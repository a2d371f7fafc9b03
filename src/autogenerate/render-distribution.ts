/** Citus distribution operations as revision code (pure): op.distributeTable, op.createReferenceTable, op.undistributeTable. */
import type { Distribution } from "../catalog/types.js";
import type { DistributionOperation } from "../operations/distribution.js";
import { formatCall, withOptions } from "./format.js";

/** op.distributeTable and op.createReferenceTable take a local table (`existing: null`) unless told otherwise. */
function existingOption(existing: Distribution | null | undefined): Distribution | undefined {
  return existing === null ? undefined : existing;
}

export function renderDistributionCall(op: DistributionOperation): string[] {
  const d = op.distribution;
  if (d === null) return [formatCall("undistributeTable", withOptions([op.table], { schema: op.schema, existing: op.existing ?? undefined }))];
  if (d.kind === "reference") return [formatCall("createReferenceTable", withOptions([op.table], { schema: op.schema, existing: existingOption(op.existing) }))];
  return [
    formatCall(
      "distributeTable",
      withOptions([op.table, d.column], { schema: op.schema, colocateWith: d.colocateWith, shardCount: d.shardCount, existing: existingOption(op.existing) }),
    ),
  ];
}
