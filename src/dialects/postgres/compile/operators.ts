/**
 * Operator operations -> PostgreSQL statements (pure). An operator's name is a
 * symbol, not an identifier: it is checked against PostgreSQL's operator
 * characters (catalog/operators.ts) before it is written, never quoted or
 * concatenated unchecked; a schema-qualified one is `"schema".~<<` where
 * PostgreSQL takes a bare operator name and OPERATOR("schema".~<<) where it
 * takes an operator inside an expression-like list (COMMUTATOR, NEGATOR).
 */
import { checkOperatorName, type Operator, operatorLabel, type OperatorTarget } from "../../../catalog/operators.js";
import { KilnError } from "../../../errors.js";
import type { AlterOperator, CreateOperator, DropOperator, OperatorName, OperatorOperation } from "../../../operations/operators.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

/** `"app".~<<` or `~<<`: the name as CREATE, DROP, ALTER and COMMENT take it. */
export function qualifiedOperator(schema: string | undefined, name: string, where: string): string {
  const symbol = checkOperatorName(name, where);
  return schema ? `${quoteIdentifier(schema)}.${symbol}` : symbol;
}

/** `OPERATOR("app".~<<)`: an operator named inside CREATE OPERATOR's list. */
function operatorReference(target: OperatorTarget, where: string): string {
  return `OPERATOR(${qualifiedOperator(target.schema, target.name, where)})`;
}

function typeText(type: string | undefined, where: string): string {
  if (typeof type !== "string" || type.trim() === "") throw new KilnError(`${where}: an argument type is empty; give SQL text (\`text\`, \`integer\`).`);
  return type;
}

/** `"app".~<< (text, text)`, `-(NONE, integer)`: how DROP, ALTER and COMMENT name one operator. */
export function operatorSignatureSql(op: OperatorName, where: string): string {
  const left = op.left === undefined ? "NONE" : typeText(op.left, where);
  return `${qualifiedOperator(op.schema, op.name, where)} (${left}, ${typeText(op.right, where)})`;
}

function functionName(target: OperatorTarget, what: string, where: string): string {
  if (typeof target?.name !== "string" || target.name === "") throw new KilnError(`${where}: ${what} needs a function name.`);
  return tableName(target.schema, target.name);
}

/** CREATE OPERATOR ... (FUNCTION = ..., LEFTARG = ..., RIGHTARG = ..., ...) in the order pg_dump prints them. */
export function createOperatorSql(operator: Operator): string {
  const where = `operator ${operatorLabel(operator)}`;
  const items = [`FUNCTION = ${functionName(operator.function, "FUNCTION", where)}`];
  if (operator.left !== undefined) items.push(`LEFTARG = ${typeText(operator.left, where)}`);
  items.push(`RIGHTARG = ${typeText(operator.right, where)}`);
  if (operator.commutator) {
    if (operator.left === undefined) throw new KilnError(`${where}: a prefix operator (no left argument) has no commutator.`);
    items.push(`COMMUTATOR = ${operatorReference(operator.commutator, `${where}: the commutator`)}`);
  }
  if (operator.negator) items.push(`NEGATOR = ${operatorReference(operator.negator, `${where}: the negator`)}`);
  if (operator.merges) items.push("MERGES");
  if (operator.hashes) items.push("HASHES");
  if (operator.restrict) items.push(`RESTRICT = ${functionName(operator.restrict, "RESTRICT", where)}`);
  if (operator.join) items.push(`JOIN = ${functionName(operator.join, "JOIN", where)}`);
  return `CREATE OPERATOR ${qualifiedOperator(operator.schema, operator.name, where)} (\n    ${items.join(",\n    ")}\n)`;
}

function commentSql(op: OperatorName, comment: string | null, where: string): Statement {
  return { sql: `COMMENT ON OPERATOR ${operatorSignatureSql(op, where)} IS ${quoteLiteral(comment)}` };
}

function createOperator({ operator }: CreateOperator): Statement[] {
  const statements: Statement[] = [{ sql: createOperatorSql(operator) }];
  if (operator.comment !== undefined) statements.push(commentSql(operator, operator.comment, `operator ${operatorLabel(operator)}`));
  return statements;
}

function dropOperator(op: DropOperator): Statement[] {
  return [{ sql: `DROP OPERATOR ${operatorSignatureSql(op, `operator ${operatorLabel(op)}`)}` }];
}

function alterOperator(op: AlterOperator): Statement[] {
  const where = `operator ${operatorLabel(op)}`;
  const settings: string[] = [];
  for (const [field, word] of [["restrict", "RESTRICT"], ["join", "JOIN"]] as const) {
    const value = op.changes[field];
    if (value === undefined) continue;
    settings.push(`${word} = ${value === null ? "NONE" : functionName(value, word, where)}`);
  }
  const statements: Statement[] = [];
  if (settings.length > 0) statements.push({ sql: `ALTER OPERATOR ${operatorSignatureSql(op, where)} SET (${settings.join(", ")})` });
  if (op.changes.comment !== undefined) statements.push(commentSql(op, op.changes.comment, where));
  if (statements.length === 0) throw new KilnError(`${where}: alterOperator changes nothing; give restrict, join or comment.`);
  return statements;
}

export function compileOperatorOperation(op: OperatorOperation): Statement[] {
  switch (op.kind) {
    case "createOperator":
      return createOperator(op);
    case "dropOperator":
      return dropOperator(op);
    case "alterOperator":
      return alterOperator(op);
  }
}
