/**
 * User operators in models (PostgreSQL). Export them from a model module like
 * tables, after the function they call:
 *
 *   export const reverseTextregexeq = func("reverse_textregexeq", {
 *     args: ["text", "text"], returns: "boolean", volatility: "immutable", parallel: "safe",
 *     body: sql` SELECT textregexeq($2, $1); `,
 *   });
 *   export const reverseMatch = operator("~<<", { left: "text", right: "text", function: reverseTextregexeq });
 *
 * The name is a symbol (+ - * / < > = ~ ! @ # % ^ & | ` ?), checked here;
 * `left` left out makes a prefix operator. The result type is the function's.
 */
import type { Operator } from "../catalog/operators.js";
import { operatorFromSpec, type OperatorSpec, type OperatorTargetSpec } from "../operations/facade-operators.js";
import { brandObject, type ModelObject } from "./objects.js";
import type { RoutineObject } from "./routines.js";

export interface OperatorOptions extends Omit<OperatorSpec, "function" | "restrict" | "join" | "commutator" | "negator"> {
  /** The function it calls: a func() of the models, its name, or { schema, name }. */
  function: RoutineObject | OperatorTargetSpec;
  /** COMMUTATOR: the operator (right, left) giving the same result with the arguments swapped: an operator() of the models or its name. */
  commutator?: OperatorObject | OperatorTargetSpec;
  /** NEGATOR: the operator (left, right) giving the negated result: an operator() of the models or its name. */
  negator?: OperatorObject | OperatorTargetSpec;
  /** RESTRICT: the selectivity estimator (`eqsel`, `scalarltsel`, ...): a func() of the models or its name. */
  restrict?: RoutineObject | OperatorTargetSpec;
  /** JOIN: the join selectivity estimator (`eqjoinsel`, ...). */
  join?: RoutineObject | OperatorTargetSpec;
}

/** An operator of the models: what another operator names as its commutator or negator. */
export interface OperatorObject extends ModelObject {
  readonly name: string;
  readonly schema?: string;
}

/** `{ schema, name }` of a func() or operator() of the models, or the name as given. */
function targetOf(value: { readonly name: string; readonly schema?: string } | string): OperatorTargetSpec {
  if (typeof value === "string") return value;
  return { ...(value.schema !== undefined ? { schema: value.schema } : {}), name: value.name };
}

/** CREATE OPERATOR name (FUNCTION = ..., LEFTARG = ..., RIGHTARG = ..., ...). */
export function operator(name: string, options: OperatorOptions): OperatorObject {
  const { function: fn, commutator, negator, restrict, join, ...rest } = options ?? ({} as OperatorOptions);
  const value: Operator = operatorFromSpec(
    name,
    {
      ...rest,
      function: fn === undefined ? (undefined as unknown as OperatorTargetSpec) : targetOf(fn),
      ...(commutator !== undefined ? { commutator: targetOf(commutator) } : {}),
      ...(negator !== undefined ? { negator: targetOf(negator) } : {}),
      ...(restrict !== undefined ? { restrict: targetOf(restrict) } : {}),
      ...(join !== undefined ? { join: targetOf(join) } : {}),
    },
    `operator("${name}")`,
  );
  const target = { name: value.name, ...(value.schema !== undefined ? { schema: value.schema } : {}) };
  return brandObject(target, { kind: "operator", value }) as OperatorObject;
}
