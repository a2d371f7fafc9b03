/** Operator operations -> `await op.x(...)` calls and summary lines (pure). */
import { type Operator, operatorLabel, type OperatorTarget } from "../catalog/operators.js";
import type { OperatorOperation } from "../operations/operators.js";
import { formatCall, withOptions } from "./format.js";

/** A function or operator as the facade takes it: its name, or { schema, name }. */
function target(t: OperatorTarget | undefined | null): unknown {
  if (t === undefined || t === null) return t;
  return t.schema === undefined ? t.name : { schema: t.schema, name: t.name };
}

/** The definition less its name fields, as op.createOperator's options and `old` / `existing` take it. */
function definition(o: Operator): Record<string, unknown> {
  return {
    function: target(o.function),
    commutator: target(o.commutator),
    negator: target(o.negator),
    restrict: target(o.restrict),
    join: target(o.join),
    hashes: o.hashes,
    merges: o.merges,
    comment: o.comment,
  };
}

/** The options of op.createOperator(name, options), in the DSL's words. */
export function operatorOptions(o: Operator): Record<string, unknown> {
  return { schema: o.schema, left: o.left, right: o.right, ...definition(o) };
}

export function renderOperatorCall(op: OperatorOperation): string[] {
  switch (op.kind) {
    case "createOperator":
      return [formatCall("createOperator", withOptions([op.operator.name], operatorOptions(op.operator)))];
    case "dropOperator":
      return [formatCall("dropOperator", withOptions([op.name], { schema: op.schema, left: op.left, right: op.right }))];
    case "alterOperator": {
      const changes = { restrict: target(op.changes.restrict), join: target(op.changes.join), comment: op.changes.comment };
      return [formatCall("alterOperator", withOptions([op.name], { schema: op.schema, left: op.left, right: op.right, ...changes }))];
    }
  }
}

export function summarizeOperatorOperation(op: OperatorOperation): string {
  switch (op.kind) {
    case "createOperator":
      return `+ operator ${operatorLabel(op.operator)}`;
    case "dropOperator":
      return `- operator ${operatorLabel(op)}`;
    case "alterOperator": {
      const c = op.changes;
      const what = [
        c.restrict !== undefined ? `restrict ${c.restrict === null ? "none" : c.restrict.name}` : "",
        c.join !== undefined ? `join ${c.join === null ? "none" : c.join.name}` : "",
        c.comment !== undefined ? (c.comment === null ? "comment removed" : `comment ${JSON.stringify(c.comment)}`) : "",
      ].filter(Boolean);
      return `~ operator ${operatorLabel(op)}: ${what.join(", ")}`;
    }
  }
}
