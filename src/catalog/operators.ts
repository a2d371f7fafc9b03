/**
 * User operators (CREATE OPERATOR), PostgreSQL: what pg_operator holds of one.
 *
 * An operator is identified by its schema, its symbol and its argument types:
 * `~<<(text, text)`, a prefix operator `-(NONE, integer)`. Its result type is
 * not kept: PostgreSQL takes it from the function (oprresult), and so does a
 * model. Not modelled: the owner. A commutator or negator that does not exist
 * yet is created by PostgreSQL as a "shell" (a name without a function), filled
 * in when that operator is created; introspection never reads a shell (pg_dump
 * leaves them out too), and the operator naming one counts as modelling it
 * (catalog/objects.ts), so only a shell no operator names any more is named
 * as unmodelled by check's survey.
 *
 * Types are SQL text as format_type prints them (database) or as written
 * (model), compared through routineTypeKey.
 */
import { KilnError } from "../errors.js";
import { routineTypeKey } from "./routines.js";

/** A function or operator named by schema and name (the schema absent: the default schema, or pg_catalog's built-ins). */
export interface OperatorTarget {
  schema?: string;
  name: string;
}

export interface Operator {
  schema?: string;
  /** The symbol: `~<<`, `===`, `@@@` (operatorNameProblem says which are valid). */
  name: string;
  /** LEFTARG; absent: a prefix operator (LEFTARG NONE). */
  left?: string;
  /** RIGHTARG. */
  right: string;
  /** FUNCTION: it takes (left, right), or (right) for a prefix operator. */
  function: OperatorTarget;
  /** COMMUTATOR: the operator (right, left) whose result is this one's with the arguments swapped. */
  commutator?: OperatorTarget;
  /** NEGATOR: the operator (left, right) whose result is this one's negated. */
  negator?: OperatorTarget;
  /** RESTRICT: the selectivity estimator for `column op constant`. */
  restrict?: OperatorTarget;
  /** JOIN: the selectivity estimator for `a op b` across tables. */
  join?: OperatorTarget;
  /** HASHES: the operator can be used in hash joins. */
  hashes?: boolean;
  /** MERGES: the operator can be used in merge joins. */
  merges?: boolean;
  comment?: string;
}

/** The characters an operator name may use (PostgreSQL's lexer, "Operators" in the SQL syntax chapter). */
const OPERATOR_CHARACTERS = /^[+\-*/<>=~!@#%^&|`?]+$/;
/** NAMEDATALEN - 1. */
const OPERATOR_NAME_LIMIT = 63;

/**
 * Why `name` cannot be a PostgreSQL operator name, or undefined when it can:
 * only + - * / < > = ~ ! @ # % ^ & | ` ?, no -- or / * (comments), a name of
 * several characters ending in + or - only when it holds one of ~ ! @ # % ^ & | ` ?
 * (so that `a*-b` still lexes), and neither `=>` (reserved) nor `!=` (read as <>).
 */
export function operatorNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name === "") return "an operator name must be a non-empty string";
  if (!OPERATOR_CHARACTERS.test(name)) return `${JSON.stringify(name)} is not an operator name: it may hold only + - * / < > = ~ ! @ # % ^ & | \` ?`;
  if (name.length > OPERATOR_NAME_LIMIT) return `the operator name ${JSON.stringify(name)} is longer than PostgreSQL's ${OPERATOR_NAME_LIMIT} characters`;
  if (name.includes("--") || name.includes("/*")) return `the operator name ${JSON.stringify(name)} holds -- or /*, which start a comment`;
  if (name.length > 1 && /[+-]$/.test(name) && !/[~!@#%^&|`?]/.test(name)) {
    return `the operator name ${JSON.stringify(name)} ends in + or -, which PostgreSQL allows only when the name also holds one of ~ ! @ # % ^ & | \` ?`;
  }
  if (name === "=>") return `"=>" is reserved (named function arguments) and cannot be an operator name`;
  if (name === "!=") return `"!=" is read as "<>" by PostgreSQL: name the operator "<>"`;
  return undefined;
}

/** The name, or a KilnError saying why it is not an operator name (before it reaches SQL). */
export function checkOperatorName(name: unknown, where: string): string {
  const problem = operatorNameProblem(name);
  if (problem !== undefined) throw new KilnError(`${where}: ${problem}.`);
  return name as string;
}

/** `~<<(text, text)`, `-(NONE, integer)`: how object references and the survey name an operator. */
export function operatorSignature(operator: Pick<Operator, "name" | "left" | "right">): string {
  return `${operator.name}(${operator.left === undefined ? "NONE" : routineTypeKey(operator.left)}, ${routineTypeKey(operator.right)})`;
}

/**
 * `~<<(text\ntext)` (the catalog queries' spelling: the argument types one a
 * line, NONE for a prefix operator's left) -> operatorSignature's spelling.
 */
export function operatorNameFromSurvey(name: string): string {
  const open = name.indexOf("(");
  const [left, right] = name.slice(open + 1, -1).split("\n");
  return operatorSignature({ name: name.slice(0, open), ...(left !== "NONE" ? { left: left! } : {}), right: right ?? "" });
}

/** `app.~<<(text, text)`: for messages. */
export function operatorLabel(operator: Pick<Operator, "schema" | "name" | "left" | "right">): string {
  return `${operator.schema ? `${operator.schema}.` : ""}${operatorSignature(operator)}`;
}

/** schema + signature: equal for the same operator on both sides. */
export function operatorKey(operator: Pick<Operator, "schema" | "name" | "left" | "right">): string {
  return `${operator.schema ?? ""}\u0000${operatorSignature(operator)}`;
}

/**
 * The operators this one names that PostgreSQL creates as shells when they do
 * not exist: the commutator takes (right, left), the negator (left, right).
 */
export function impliedOperators(operator: Operator): Pick<Operator, "schema" | "name" | "left" | "right">[] {
  const implied: Pick<Operator, "schema" | "name" | "left" | "right">[] = [];
  const at = (t: OperatorTarget) => (t.schema !== undefined ? { schema: t.schema } : {});
  if (operator.commutator && operator.left !== undefined) implied.push({ ...at(operator.commutator), name: operator.commutator.name, left: operator.right, right: operator.left });
  if (operator.negator) implied.push({ ...at(operator.negator), name: operator.negator.name, ...(operator.left !== undefined ? { left: operator.left } : {}), right: operator.right });
  return implied;
}

/** The error for models that declare operators on a database without them (Dialect.operators absent: MySQL, SQLite). */
export function operatorsUnsupported(database: string, operators: readonly Operator[]): KilnError {
  const names = operators.map(operatorLabel);
  return new KilnError(
    `the models declare ${names.length === 1 ? `operator ${names[0]}` : `operators ${names.join(", ")}`}, but user operators (CREATE OPERATOR) are PostgreSQL's; ${database} has none. Remove operator() from the models for this database.`,
  );
}
