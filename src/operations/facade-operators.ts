/**
 * Arguments of the operator operations in revision files and of operator() in
 * models -> Operators and operations. Names are checked here, where they come
 * in (and again by compile, for hand-written operations).
 */
import { checkOperatorName, type Operator, type OperatorTarget } from "../catalog/operators.js";
import { KilnError, nonEmptyText } from "../errors.js";
import type { AlterOperator, CreateOperator, DropOperator, OperatorChanges, OperatorName } from "./operators.js";

/** A function or operator: its name (in the default schema, or a built-in), or `{ schema, name }`. */
export type OperatorTargetSpec = string | { readonly schema?: string; readonly name: string };

export interface OperatorSpec {
  schema?: string;
  /** LEFTARG; leave it out for a prefix operator. */
  left?: string;
  /** RIGHTARG. */
  right: string;
  /** The function it calls, taking (left, right) (or (right) for a prefix operator). */
  function: OperatorTargetSpec;
  commutator?: OperatorTargetSpec;
  negator?: OperatorTargetSpec;
  restrict?: OperatorTargetSpec;
  join?: OperatorTargetSpec;
  hashes?: boolean;
  merges?: boolean;
  comment?: string;
}

/** Names one operator in op.dropOperator / op.alterOperator. */
export interface OperatorNameSpec {
  schema?: string;
  left?: string;
  right: string;
}

function target(value: OperatorTargetSpec, what: string, isOperator: boolean): OperatorTarget {
  const raw = typeof value === "string" ? { name: value } : value;
  if (raw === null || typeof raw !== "object") throw new KilnError(`${what} must be a name or { schema, name }.`);
  const name = isOperator ? checkOperatorName(raw.name, what) : nonEmptyText(raw.name, `${what}: the name`);
  return { ...(raw.schema !== undefined ? { schema: nonEmptyText(raw.schema, `${what}: the schema`) } : {}), name };
}

function nameOf(name: string, spec: OperatorNameSpec, where: string): OperatorName {
  return {
    ...(spec.schema !== undefined ? { schema: nonEmptyText(spec.schema, `${where}: schema`) } : {}),
    name: checkOperatorName(name, where),
    ...(spec.left !== undefined ? { left: nonEmptyText(spec.left, `${where}: left`) } : {}),
    right: nonEmptyText(spec.right, `${where}: right (the right argument's type)`),
  };
}

export function operatorFromSpec(name: string, spec: OperatorSpec, where: string): Operator {
  if (spec === null || typeof spec !== "object") throw new KilnError(`${where}: give its options ({ left, right, function }).`);
  if (spec.function === undefined) throw new KilnError(`${where}: give the function it calls (function: "name" or a func() of the models).`);
  const operator: Operator = { ...nameOf(name, spec, where), function: target(spec.function, `${where}: function`, false) };
  if (spec.commutator !== undefined) {
    if (operator.left === undefined) throw new KilnError(`${where}: a prefix operator (no left argument) has no commutator.`);
    operator.commutator = target(spec.commutator, `${where}: commutator`, true);
  }
  if (spec.negator !== undefined) operator.negator = target(spec.negator, `${where}: negator`, true);
  if (spec.restrict !== undefined) operator.restrict = target(spec.restrict, `${where}: restrict`, false);
  if (spec.join !== undefined) operator.join = target(spec.join, `${where}: join`, false);
  if (spec.hashes) operator.hashes = true;
  if (spec.merges) operator.merges = true;
  if (spec.comment !== undefined) operator.comment = spec.comment;
  return operator;
}

export function createOperatorFromSpec(name: string, spec: OperatorSpec): CreateOperator {
  return { kind: "createOperator", operator: operatorFromSpec(name, spec, `op.createOperator("${name}")`) };
}

export function dropOperatorFromSpec(name: string, spec: OperatorNameSpec & { old?: Omit<OperatorSpec, "schema" | "left" | "right"> }): DropOperator {
  const where = `op.dropOperator("${name}")`;
  const { old, ...rest } = spec;
  const op: DropOperator = { kind: "dropOperator", ...nameOf(name, rest, where) };
  if (old) op.old = operatorFromSpec(name, { ...old, ...rest }, where);
  return op;
}

export interface OperatorChangeSpec extends OperatorNameSpec {
  /** RESTRICT = function; `null`: NONE. */
  restrict?: OperatorTargetSpec | null;
  /** JOIN = function; `null`: NONE. */
  join?: OperatorTargetSpec | null;
  /** COMMENT ON OPERATOR; `null` removes it. */
  comment?: string | null;
  /** The operator before the change (what op.createOperator would take, less schema and types), so that the change can be reversed. */
  existing?: Omit<OperatorSpec, "schema" | "left" | "right">;
}

export function alterOperatorFromSpec(name: string, spec: OperatorChangeSpec): AlterOperator {
  const where = `op.alterOperator("${name}")`;
  const { restrict, join, comment, existing, ...rest } = spec;
  const changes: OperatorChanges = {};
  if (restrict !== undefined) changes.restrict = restrict === null ? null : target(restrict, `${where}: restrict`, false);
  if (join !== undefined) changes.join = join === null ? null : target(join, `${where}: join`, false);
  if (comment !== undefined) changes.comment = comment;
  if (Object.keys(changes).length === 0) throw new KilnError(`${where}: nothing to change; give restrict, join or comment (any other change is op.dropOperator and op.createOperator).`);
  return {
    kind: "alterOperator",
    ...nameOf(name, rest, where),
    changes,
    ...(existing ? { existing: operatorFromSpec(name, { ...existing, ...rest }, where) } : {}),
  };
}
