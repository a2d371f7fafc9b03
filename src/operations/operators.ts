/**
 * Operator operations (catalog/operators.ts), PostgreSQL: CREATE, DROP, and
 * ALTER OPERATOR ... SET for what it changes in place on every supported
 * server (RESTRICT, JOIN) and COMMENT ON OPERATOR. Any other change is a drop
 * and a create (compare/operators.ts). With their reverse and what each needs.
 */
import type { ObjectRef } from "../catalog/objects.js";
import { type Operator, operatorLabel, operatorSignature, type OperatorTarget } from "../catalog/operators.js";
import { routineSignature } from "../catalog/routines.js";
import { typeRef } from "../catalog/objects.js";
import type { OperationRefs } from "./refs.js";
import type { Operation } from "./types.js";

/** Names one operator: schema, symbol, argument types (`left` absent: a prefix operator). */
export interface OperatorName {
  schema?: string;
  name: string;
  left?: string;
  right: string;
}

/** CREATE OPERATOR (with COMMENT ON OPERATOR when it has a comment). */
export interface CreateOperator {
  kind: "createOperator";
  operator: Operator;
}

/** DROP OPERATOR name (left, right). */
export interface DropOperator extends OperatorName {
  kind: "dropOperator";
  /** The operator before the drop, for reversal. */
  old?: Operator;
}

/** What changes in place; `null` sets RESTRICT / JOIN to NONE, or removes the comment. */
export interface OperatorChanges {
  restrict?: OperatorTarget | null;
  join?: OperatorTarget | null;
  comment?: string | null;
}

/** ALTER OPERATOR ... SET (RESTRICT = ..., JOIN = ...) and/or COMMENT ON OPERATOR. */
export interface AlterOperator extends OperatorName {
  kind: "alterOperator";
  changes: OperatorChanges;
  /** The operator before, for reversal. */
  existing?: Operator;
}

export type OperatorOperation = CreateOperator | DropOperator | AlterOperator;

export const OPERATOR_OPERATION_KINDS = ["createOperator", "dropOperator", "alterOperator"] as const;

const KINDS: ReadonlySet<string> = new Set(OPERATOR_OPERATION_KINDS);

export function isOperatorOperation(op: { kind: string }): op is OperatorOperation {
  return KINDS.has(op.kind);
}

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

/** The name fields of an operator (for a drop or an alter of it). */
export function operatorName(operator: Operator): OperatorName {
  return { ...inSchema(operator.schema), name: operator.name, ...(operator.left !== undefined ? { left: operator.left } : {}), right: operator.right };
}

export function describeOperatorOperation(op: OperatorOperation): string {
  return `${op.kind} ${operatorLabel(op.kind === "createOperator" ? op.operator : op)}`;
}

/** The operator an ALTER leaves behind. */
export function operatorAfter(existing: Operator, changes: OperatorChanges): Operator {
  const after: Operator = { ...existing };
  for (const field of ["restrict", "join", "comment"] as const) {
    const value = changes[field];
    if (value === undefined) continue;
    if (value === null) delete after[field];
    else (after as unknown as Record<string, unknown>)[field] = value;
  }
  return after;
}

/** `notReversible` throws (reverse.ts's NotReversibleError: passed in, so that this module does not import reverse.ts, which imports it). */
export function reverseOperatorOperation(op: OperatorOperation, notReversible: (op: Operation, reason: string) => never): Operation[] {
  switch (op.kind) {
    case "createOperator":
      return [{ kind: "dropOperator", ...operatorName(op.operator), old: op.operator }];
    case "dropOperator": {
      if (!op.old) return notReversible(op, "the old operator definition is unknown");
      const { kind: _kind, old, ...name } = op;
      return [{ kind: "createOperator", operator: { ...old, ...name } }];
    }
    case "alterOperator": {
      const { existing } = op;
      if (!existing) return notReversible(op, 'the operator as it was before is unknown; give "existing"');
      const changes: OperatorChanges = {};
      for (const field of ["restrict", "join", "comment"] as const) {
        if (op.changes[field] !== undefined) (changes as Record<string, unknown>)[field] = existing[field] ?? null;
      }
      const { kind: _kind, changes: _changes, existing: _existing, ...name } = op;
      return [{ kind: "alterOperator", ...name, changes, existing: operatorAfter(existing, op.changes) }];
    }
  }
}

function operatorRef(op: OperatorName): ObjectRef {
  return { kind: "operator", ...inSchema(op.schema), name: operatorSignature(op) };
}

/** What an operator uses: its argument types and its function (named by its signature: (left, right), or (right)). */
function operatorNeeds(operator: Operator): ObjectRef[] {
  const types = operator.left === undefined ? [operator.right] : [operator.left, operator.right];
  const fn: ObjectRef = { kind: "function", ...inSchema(operator.function.schema), name: routineSignature({ name: operator.function.name, arguments: types.map((type) => ({ type })) }) };
  return [...(operator.schema !== undefined ? [{ kind: "schema", name: operator.schema }] : []), ...types.map(typeRef), fn];
}

export function operatorOperationRefs(op: OperatorOperation, refs: OperationRefs): void {
  switch (op.kind) {
    case "createOperator":
      refs.creates.push(operatorRef(op.operator));
      refs.needs.push(...operatorNeeds(op.operator));
      break;
    case "dropOperator":
      refs.drops.push(operatorRef(op));
      if (op.old) refs.needs.push(...operatorNeeds(op.old));
      break;
    case "alterOperator": {
      const self = operatorRef(op);
      refs.needs.push(self);
      refs.alters.push(self);
      break;
    }
  }
}
