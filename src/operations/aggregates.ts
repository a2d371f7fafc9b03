/**
 * Aggregate operations (catalog/aggregates.ts). PostgreSQL has no CREATE OR
 * REPLACE for most of an aggregate's definition, so a changed aggregate is a
 * drop and a create; the whole definition rides on each operation so that both
 * reverse exactly.
 */
import { type Aggregate, aggregateLabel, aggregateSignature, aggregateSupportFunctions } from "../catalog/aggregates.js";
import { type ObjectRef, typeRef } from "../catalog/objects.js";
import { routineSignature } from "../catalog/routines.js";
import type { OperationRefs } from "./refs.js";
import type { Operation } from "./types.js";

/** CREATE AGGREGATE (and COMMENT ON AGGREGATE when it has a comment). */
export interface CreateAggregate {
  kind: "createAggregate";
  aggregate: Aggregate;
}

/** How DROP and COMMENT ON name an aggregate: schema, name, input arguments (and, for an ordered-set one, how many are direct). */
export interface AggregateSignatureFields {
  schema?: string;
  name: string;
  /** The input arguments (types, VARIADIC). */
  arguments: Aggregate["arguments"];
  directArguments?: number;
  /** The aggregate's kind, so the signature is written with ORDER BY where it needs one. */
  aggregateKind?: Aggregate["kind"];
}

/** DROP AGGREGATE name(signature). `old`: the definition, for the downgrade. */
export interface DropAggregate extends AggregateSignatureFields {
  kind: "dropAggregate";
  old?: Aggregate;
}

/** COMMENT ON AGGREGATE: the only change made in place. */
export interface CommentAggregate extends AggregateSignatureFields {
  kind: "commentAggregate";
  /** null: no comment. */
  comment: string | null;
  existing?: string | null;
}

export type AggregateOperation = CreateAggregate | DropAggregate | CommentAggregate;

export const AGGREGATE_OPERATION_KINDS = ["createAggregate", "dropAggregate", "commentAggregate"] as const;

const KINDS: ReadonlySet<string> = new Set(AGGREGATE_OPERATION_KINDS);

export function isAggregateOperation(op: { kind: string }): op is AggregateOperation {
  return KINDS.has(op.kind);
}

/** The aggregate an operation is about, as far as its signature goes. */
export function operationAggregate(op: AggregateOperation): Pick<Aggregate, "schema" | "name" | "arguments" | "directArguments" | "kind"> {
  if (op.kind === "createAggregate") return op.aggregate;
  return {
    ...(op.schema !== undefined ? { schema: op.schema } : {}),
    name: op.name,
    arguments: op.arguments,
    ...(op.directArguments !== undefined ? { directArguments: op.directArguments } : {}),
    ...(op.aggregateKind !== undefined ? { kind: op.aggregateKind } : {}),
  };
}

/** `createAggregate public.group_concat(text)`. */
export function describeAggregateOperation(op: AggregateOperation): string {
  return `${op.kind} ${aggregateLabel(operationAggregate(op))}`;
}

/** The signature fields of `aggregate`. */
export function aggregateSignatureFields(aggregate: Pick<Aggregate, "schema" | "name" | "arguments" | "directArguments" | "kind">): AggregateSignatureFields {
  return {
    ...(aggregate.schema !== undefined ? { schema: aggregate.schema } : {}),
    name: aggregate.name,
    arguments: structuredClone(aggregate.arguments),
    ...(aggregate.directArguments !== undefined ? { directArguments: aggregate.directArguments } : {}),
    ...(aggregate.kind !== undefined ? { aggregateKind: aggregate.kind } : {}),
  };
}

/** The drop of `aggregate`, carrying it whole for the downgrade. */
export function dropAggregateOf(aggregate: Aggregate): DropAggregate {
  return { kind: "dropAggregate", ...aggregateSignatureFields(aggregate), old: structuredClone(aggregate) };
}

/** `notReversible` throws (reverse.ts's NotReversibleError: passed in, as reverse.ts imports this module's neighbours). */
export function reverseAggregateOperation(op: AggregateOperation, notReversible: (op: Operation, reason: string) => never): Operation[] {
  switch (op.kind) {
    case "createAggregate":
      return [dropAggregateOf(op.aggregate)];
    case "dropAggregate":
      if (!op.old) return notReversible(op, "the old aggregate definition is unknown");
      return [{ kind: "createAggregate", aggregate: { ...structuredClone(op.old), ...(op.schema !== undefined ? { schema: op.schema } : {}), name: op.name } }];
    case "commentAggregate":
      if (op.existing === undefined) return notReversible(op, 'the comment it replaces is unknown; give "existing"');
      return [{ ...op, comment: op.existing, existing: op.comment }];
  }
}

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

/** The aggregate as object references name it. */
export function aggregateRef(aggregate: Pick<Aggregate, "schema" | "name" | "arguments">): ObjectRef {
  return { kind: "aggregate", ...inSchema(aggregate.schema), name: aggregateSignature(aggregate) };
}

/** What a definition uses: its support functions (by the argument types PostgreSQL looks them up by) and types. */
function aggregateNeeds(aggregate: Aggregate): ObjectRef[] {
  const functions = aggregateSupportFunctions(aggregate).map(({ fn, types }): ObjectRef => ({
    kind: "function",
    ...inSchema(fn.schema),
    name: routineSignature({ name: fn.name, arguments: types.map((type) => ({ type })) }),
  }));
  const types = [...aggregate.arguments.map((a) => a.type), aggregate.stype, ...(aggregate.mstype !== undefined ? [aggregate.mstype] : [])].flatMap((type) => {
    const ref = typeRef(type);
    return [ref, { ...ref, kind: "table" }];
  });
  return [...(aggregate.schema !== undefined ? [{ kind: "schema", name: aggregate.schema }] : []), ...functions, ...types];
}

/** Creates and drops, with what they need: created after its support functions, dropped before them. */
export function aggregateOperationRefs(op: AggregateOperation, refs: OperationRefs): void {
  switch (op.kind) {
    case "createAggregate":
      refs.creates.push(aggregateRef(op.aggregate));
      refs.needs.push(...aggregateNeeds(op.aggregate));
      break;
    case "dropAggregate":
      refs.drops.push(aggregateRef(operationAggregate(op)));
      if (op.old) refs.needs.push(...aggregateNeeds(op.old));
      break;
    case "commentAggregate":
      refs.needs.push(aggregateRef(operationAggregate(op)));
      refs.alters.push(aggregateRef(operationAggregate(op)));
      break;
  }
}
