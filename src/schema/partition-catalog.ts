/** The Catalog's partitionBy/partitionOf for a model table (see partitions.ts). */
import type { PartitionBy, PartitionOf } from "../catalog/partitions.js";
import type { TableDefinition } from "./table.js";

export function partitionFields(definition: TableDefinition): { partitionBy?: PartitionBy; partitionOf?: PartitionOf } {
  const fields: { partitionBy?: PartitionBy; partitionOf?: PartitionOf } = {};
  if (definition.partitionBy) fields.partitionBy = { ...definition.partitionBy };
  if (definition.partitionOf) {
    const { parent, bound } = definition.partitionOf;
    fields.partitionOf = { ...(parent.schema !== undefined ? { schema: parent.schema } : {}), table: parent.name, bound };
  }
  return fields;
}
