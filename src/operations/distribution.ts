/**
 * Citus table distribution as an operation: `setDistribution` makes a table
 * distributed by a column (`create_distributed_table`), a reference table
 * (`create_reference_table`) or a plain local table again (`undistribute_table`).
 * It carries what it replaces, so that it is its own reverse: the reverse of
 * distributing a plain table is `undistribute_table`.
 */
import type { Distribution } from "../catalog/types.js";
import type { ObjectRef } from "../catalog/objects.js";
import type { OperationRefs } from "./refs.js";

export interface SetDistribution {
  kind: "setDistribution";
  schema?: string;
  table: string;
  /** The distribution to give the table; `null`: undistribute it (a local table again). */
  distribution: Distribution | null;
  /** The table's distribution before (`null`: a local table), for reversal. */
  existing?: Distribution | null;
}

export type DistributionOperation = SetDistribution;

export const DISTRIBUTION_OPERATION_KINDS = ["setDistribution"] as const;

export function isDistributionOperation(op: { kind: string }): op is DistributionOperation {
  return op.kind === "setDistribution";
}

/** Equal as compare sees them: the kind and the distribution column (creation-time hints aside). */
export function sameDistribution(a: Distribution | null | undefined, b: Distribution | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.kind !== b.kind) return false;
  return a.kind === "reference" || (b.kind === "distributed" && a.column === b.column);
}

/** The reverse (the distribution it replaces), or a reason why there is none. */
export function reverseDistributionOperation(op: DistributionOperation): DistributionOperation | string {
  if (op.existing === undefined) return 'the table\'s distribution before the change is unknown; give "existing" (null for a local table)';
  return { kind: "setDistribution", ...(op.schema !== undefined ? { schema: op.schema } : {}), table: op.table, distribution: op.existing, existing: op.distribution };
}

function at(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

function describeDistribution(distribution: Distribution | null): string {
  if (distribution === null) return "local (undistributed)";
  return distribution.kind === "reference" ? "reference table" : `distributed by ${distribution.column}`;
}

export function describeDistributionOperation(op: DistributionOperation): string {
  return `setDistribution ${at(op.schema, op.table)}`;
}

/** One short line (`kiln check`, autogenerate output). */
export function summarizeDistributionOperation(op: DistributionOperation): string {
  return `~ table ${at(op.schema, op.table)}: ${describeDistribution(op.distribution)}`;
}

export function distributionOperationRefs(op: DistributionOperation, refs: OperationRefs): void {
  const table: ObjectRef = { kind: "table", ...(op.schema !== undefined ? { schema: op.schema } : {}), name: op.table };
  refs.needs.push(table);
  refs.alters.push(table);
  const colocateWith = op.distribution?.kind === "distributed" ? op.distribution.colocateWith : undefined;
  // A plain name is in the table's schema; "schema.table" names its own.
  if (colocateWith !== undefined && colocateWith !== "default" && colocateWith !== "none") {
    const dot = colocateWith.indexOf(".");
    const schema = dot > 0 ? colocateWith.slice(0, dot) : op.schema;
    refs.needs.push({ kind: "table", ...(schema !== undefined ? { schema } : {}), name: dot > 0 ? colocateWith.slice(dot + 1) : colocateWith });
  }
}
