/**
 * Operations on PostgreSQL schema objects other than tables: sequences,
 * domains, composite types, extensions, and their comments. Each layer
 * (compile, reverse, render, summary) handles them in one place of its own,
 * entered through isObjectOperation.
 */
import { KilnError } from "../errors.js";
import type { CommentTarget, SetComment } from "./comments.js";
import { COMMENT_OPERATION_KINDS } from "./comments.js";
import { COLLATION_OPERATION_KINDS, describeCollationOperation, isCollationOperation, type CollationOperation } from "./collations.js";
import type { CompositeTypeOperation } from "./composite-types.js";
import { COMPOSITE_TYPE_OPERATION_KINDS } from "./composite-types.js";
import type { DomainOperation } from "./domains.js";
import { DOMAIN_OPERATION_KINDS } from "./domains.js";
import type { ExtensionOperation } from "./extensions.js";
import { EXTENSION_OPERATION_KINDS } from "./extensions.js";
import { routineLabel } from "../catalog/routines.js";
import type { RoutineOperation } from "./routines.js";
import { ROUTINE_OPERATION_KINDS } from "./routines.js";
import type { SequenceOperation } from "./sequences.js";
import { SEQUENCE_OPERATION_KINDS } from "./sequences.js";
import type { TriggerOperation } from "./triggers.js";
import { TRIGGER_OPERATION_KINDS } from "./triggers.js";
import { describeViewOperation, isViewOperation, VIEW_OPERATION_KINDS, type ViewOperation } from "./views.js";

import { AGGREGATE_OPERATION_KINDS, type AggregateOperation, describeAggregateOperation, isAggregateOperation } from "./aggregates.js";
import { describePolicyOperation, isPolicyOperation, POLICY_OPERATION_KINDS, type PolicyOperation } from "./policies.js";
import { describeGrantOperation, GRANT_OPERATION_KINDS, isGrantOperation, type GrantOperation } from "./grants.js";
import { describeOperatorOperation, isOperatorOperation, OPERATOR_OPERATION_KINDS, type OperatorOperation } from "./operators.js";

import type { TableStorageOperation } from "./table-storage.js";
import { describeDistributionOperation, DISTRIBUTION_OPERATION_KINDS, type DistributionOperation, isDistributionOperation } from "./distribution.js";
import { describeTableStorageOperation, TABLE_STORAGE_OPERATION_KINDS } from "./table-storage.js";

export type ObjectOperation =
  | CollationOperation
  | SequenceOperation
  | DomainOperation
  | CompositeTypeOperation
  | ExtensionOperation
  | SetComment
  | ViewOperation
  | PolicyOperation
  | RoutineOperation
  | AggregateOperation
  | TriggerOperation
  | OperatorOperation
  | GrantOperation
  | TableStorageOperation
  | DistributionOperation;
export type { CommentTarget };

const KINDS: ReadonlySet<string> = new Set([
  ...COLLATION_OPERATION_KINDS,
  ...SEQUENCE_OPERATION_KINDS,
  ...DOMAIN_OPERATION_KINDS,
  ...COMPOSITE_TYPE_OPERATION_KINDS,
  ...EXTENSION_OPERATION_KINDS,
  ...COMMENT_OPERATION_KINDS,
  ...VIEW_OPERATION_KINDS,
  ...POLICY_OPERATION_KINDS,
  ...ROUTINE_OPERATION_KINDS,
  ...AGGREGATE_OPERATION_KINDS,
  ...TRIGGER_OPERATION_KINDS,
  ...OPERATOR_OPERATION_KINDS,
  ...GRANT_OPERATION_KINDS,
  ...TABLE_STORAGE_OPERATION_KINDS,
  ...DISTRIBUTION_OPERATION_KINDS,
]);

export function isObjectOperation(op: { kind: string }): op is ObjectOperation {
  return KINDS.has(op.kind);
}

export function objectLabel(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

/** A short human description: `createSequence app.order_no`. */
export function describeObjectOperation(op: ObjectOperation): string {
  // Kinds with a file of their own (operations/<kind>.ts) are entered through their guard.
  if (isViewOperation(op)) return describeViewOperation(op);
  if (isCollationOperation(op)) return describeCollationOperation(op);
  if (isPolicyOperation(op)) return describePolicyOperation(op);
  if (isGrantOperation(op)) return describeGrantOperation(op);
  if (isDistributionOperation(op)) return describeDistributionOperation(op);
  if (isOperatorOperation(op)) return describeOperatorOperation(op);
  if (isAggregateOperation(op)) return describeAggregateOperation(op);
  switch (op.kind) {
    case "createSequence":
      return `createSequence ${objectLabel(op.sequence.schema, op.sequence.name)}`;
    case "createDomain":
      return `createDomain ${objectLabel(op.domain.schema, op.domain.name)}`;
    case "createCompositeType":
      return `createCompositeType ${objectLabel(op.type.schema, op.type.name)}`;
    case "createExtension":
      return `createExtension ${op.extension.name}`;
    case "dropExtension":
      return `dropExtension ${op.name}`;
    case "addDomainConstraint":
      return `addDomainConstraint ${op.constraint.name} on ${objectLabel(op.schema, op.name)}`;
    case "dropDomainConstraint":
      return `dropDomainConstraint ${op.constraint} on ${objectLabel(op.schema, op.name)}`;
    case "addCompositeAttribute":
      return `addCompositeAttribute ${objectLabel(op.schema, op.name)}.${op.attribute.name}`;
    case "dropCompositeAttribute":
      return `dropCompositeAttribute ${objectLabel(op.schema, op.name)}.${op.attribute}`;
    case "setComment":
      return `setComment on ${op.target} ${objectLabel(op.schema, op.name)}${op.table !== undefined ? ` on ${objectLabel(op.schema, op.table)}` : ""}`;
    case "createFunction":
    case "createProcedure":
    case "replaceFunction":
    case "replaceProcedure":
      return `${op.kind} ${routineLabel(op.routine)}`;
    case "dropFunction":
    case "dropProcedure":
      return `${op.kind} ${routineLabel({ schema: op.schema, name: op.name, arguments: op.argumentTypes.map((type) => ({ type })) })}`;
    case "createTrigger":
      return `createTrigger ${op.trigger.name} on ${objectLabel(op.trigger.schema, op.trigger.table)}`;
    case "dropTrigger":
      return `dropTrigger ${op.name} on ${objectLabel(op.schema, op.table)}`;
    case "setLogged":
    case "setTableStorage":
    case "setClusterOn":
    case "setStatistics":
    case "setIndexStatistics":
      return describeTableStorageOperation(op);
    case "dropSequence":
    case "alterSequence":
    case "dropDomain":
    case "alterDomain":
    case "dropCompositeType":
      return `${op.kind} ${objectLabel(op.schema, op.name)}`;
  }
}

/** For a database without these object kinds (MySQL, SQLite): a clear refusal at compile time. */
export function refuseObjectOperation(op: ObjectOperation, database: string): never {
  if (isGrantOperation(op)) {
    throw new KilnError(`${describeObjectOperation(op)}: kiln manages grants on PostgreSQL only (${database} has its own privilege system); use op.execute for ${database}'s GRANT.`);
  }
  if (isDistributionOperation(op)) {
    throw new KilnError(`${describeObjectOperation(op)}: table distribution is Citus's (PostgreSQL with the citus extension); ${database} has none. Remove it from the revision, or guard it with op.dialect.`);
  }
  if (isCollationOperation(op)) {
    throw new KilnError(`${describeObjectOperation(op)}: ${database} has no user collations (CREATE COLLATION is PostgreSQL's); this operation works on PostgreSQL only. Remove it from the revision, or guard it with op.dialect.`);
  }
  if (isOperatorOperation(op)) {
    throw new KilnError(`${describeObjectOperation(op)}: ${database} has no user operators (CREATE OPERATOR is PostgreSQL's); this operation works on PostgreSQL only. Remove it from the revision, or guard it with op.dialect.`);
  }
  if (isAggregateOperation(op)) {
    throw new KilnError(`${describeObjectOperation(op)}: ${database} has no CREATE AGGREGATE; kiln models aggregates on PostgreSQL only. Remove it from the revision, or guard it with op.dialect.`);
  }
  if (isPolicyOperation(op)) {
    throw new KilnError(`${describeObjectOperation(op)}: ${database} has no row-level security or policies; this operation works on PostgreSQL only. Remove it from the revision, or guard it with op.dialect.`);
  }
  throw new KilnError(
    `${describeObjectOperation(op)}: ${database} has no ${op.kind.replace(/^(create|drop|alter|add|set)/, "").replace(/([A-Z])/g, " $1").trim().toLowerCase()}s of this kind; this operation works on PostgreSQL only. Remove it from the revision, or guard it with op.dialect.`,
  );
}
