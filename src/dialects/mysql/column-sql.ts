/** Column definitions and DEFAULT clauses in MySQL syntax. */
import type { Column } from "../../catalog/types.js";
import { isBlobLike, temporalPrecision, toMysqlType, type EnumLookup } from "./column-types.js";
import { mysqlExpression } from "./expression.js";
import { assertReadableMetadata, quoteIdentifier, quoteLiteral } from "./quote.js";

const LITERAL = /^(?:'(?:[^'\\]|''|\\.)*'|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|null|true|false|[bx]'[0-9a-f]*')$/is;
const NOW = /^(?:current_timestamp|now|localtime|localtimestamp)(?:\s*\(\s*(\d)?\s*\))?$/i;

function isParenthesised(expression: string): boolean {
  if (!expression.startsWith("(") || !expression.endsWith(")")) return false;
  // "(a) + (b)" starts and ends with parentheses but is not one group.
  let depth = 0;
  for (let i = 0; i < expression.length; i++) {
    if (expression[i] === "(") depth++;
    else if (expression[i] === ")") depth--;
    if (depth === 0 && i < expression.length - 1) return false;
  }
  return true;
}

/**
 * The DEFAULT clause value for a column of MySQL type `mysqlType`.
 * - now()/CURRENT_TIMESTAMP get the column's fractional precision (MySQL requires it to match).
 * - Literals stay bare, except on TEXT/BLOB/JSON where MySQL 8 wants `('x')`.
 * - Any other expression is parenthesised: MySQL 8 requires `DEFAULT (expr)`; MariaDB accepts it.
 */
export function defaultSql(expression: string, mysqlType: string | undefined): string {
  const text = expression.trim();
  const now = NOW.exec(text);
  if (now) {
    const precision = mysqlType ? temporalPrecision(mysqlType) : undefined;
    if (precision !== undefined && precision > 0) return `CURRENT_TIMESTAMP(${precision})`;
    return now[1] ? `CURRENT_TIMESTAMP(${now[1]})` : "CURRENT_TIMESTAMP";
  }
  if (LITERAL.test(text)) {
    const literal = /^null$/i.test(text) ? "NULL" : text;
    return mysqlType && isBlobLike(mysqlType) && literal !== "NULL" ? `(${literal})` : literal;
  }
  const expressionText = mysqlExpression(text);
  return isParenthesised(expressionText) ? expressionText : `(${expressionText})`;
}

/** Where a column lives, for messages: `table`.`column`. */
export function columnLabel(table: string, column: string): string {
  return `${quoteIdentifier(table)}.${quoteIdentifier(column)}`;
}

/** `name TYPE NULL|NOT NULL [DEFAULT x] [AUTO_INCREMENT] [COMMENT '...']`. */
export function columnDefinition(table: string, column: Column, lookupEnum: EnumLookup): string {
  const label = columnLabel(table, column.name);
  const type = toMysqlType(column.type, label, lookupEnum);
  if (column.comment) assertReadableMetadata(column.comment, `the comment of column ${label}`);
  const parts = [quoteIdentifier(column.name), type];
  const autoIncrement = Boolean(column.autoIncrement || column.identity);
  // NULL is written out: with explicit_defaults_for_timestamp off, a bare TIMESTAMP would become NOT NULL.
  parts.push(column.nullable && !autoIncrement ? "NULL" : "NOT NULL");
  if (column.default !== undefined && !autoIncrement) parts.push(`DEFAULT ${defaultSql(column.default, type)}`);
  if (autoIncrement) parts.push("AUTO_INCREMENT");
  if (column.comment !== undefined && column.comment !== "") parts.push(`COMMENT ${quoteLiteral(column.comment)}`);
  return parts.join(" ");
}
