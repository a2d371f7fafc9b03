/** Column definitions and DEFAULT clauses in MySQL syntax. */
import type { Column } from "../../catalog/types.js";
import { KilnError } from "../../errors.js";
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

/** `ON UPDATE` value: MySQL accepts only CURRENT_TIMESTAMP (with the column's precision). */
export function onUpdateSql(expression: string, mysqlType: string, where: string): string {
  if (!NOW.test(expression.trim())) {
    throw new KilnError(`column ${where} has ON UPDATE ${JSON.stringify(expression)}, but MySQL allows only CURRENT_TIMESTAMP there.`);
  }
  return defaultSql(expression, mysqlType);
}

/** A charset, collation or engine name: a bare word, checked because it is written into SQL unquoted. */
export function optionName(name: string, what: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new KilnError(`${what} ${JSON.stringify(name)} is not a valid name (letters, digits and _ only).`);
  return name;
}

/** Where a column lives, for messages: `table`.`column`. */
export function columnLabel(table: string, column: string): string {
  return `${quoteIdentifier(table)}.${quoteIdentifier(column)}`;
}

/** `name TYPE [CHARACTER SET c] [COLLATE c] NULL|NOT NULL [DEFAULT x] [ON UPDATE x] [AUTO_INCREMENT] [COMMENT '...']`. */
export function columnDefinition(table: string, column: Column, lookupEnum: EnumLookup): string {
  const label = columnLabel(table, column.name);
  const type = toMysqlType(column.type, label, lookupEnum);
  if (column.comment) assertReadableMetadata(column.comment, `the comment of column ${label}`);
  const parts = [quoteIdentifier(column.name), type];
  if (column.charset !== undefined) parts.push(`CHARACTER SET ${optionName(column.charset, `the character set of column ${label}`)}`);
  if (column.collation !== undefined) parts.push(`COLLATE ${optionName(column.collation, `the collation of column ${label}`)}`);
  const autoIncrement = Boolean(column.autoIncrement || column.identity);
  if (column.generated) {
    // VIRTUAL or STORED (MariaDB's PERSISTENT reads back as STORED); MariaDB takes no NULL/NOT NULL here.
    parts.push(`GENERATED ALWAYS AS (${mysqlExpression(column.generated.expression)}) ${column.generated.stored ? "STORED" : "VIRTUAL"}`);
    if (!column.nullable) parts.push("NOT NULL");
    if (column.comment !== undefined && column.comment !== "") parts.push(`COMMENT ${quoteLiteral(column.comment)}`);
    return parts.join(" ");
  }
  // NULL is written out: with explicit_defaults_for_timestamp off, a bare TIMESTAMP would become NOT NULL.
  parts.push(column.nullable && !autoIncrement ? "NULL" : "NOT NULL");
  if (column.default !== undefined && !autoIncrement) parts.push(`DEFAULT ${defaultSql(column.default, type)}`);
  if (column.onUpdate !== undefined) parts.push(`ON UPDATE ${onUpdateSql(column.onUpdate, type, label)}`);
  if (autoIncrement) parts.push("AUTO_INCREMENT");
  if (column.comment !== undefined && column.comment !== "") parts.push(`COMMENT ${quoteLiteral(column.comment)}`);
  return parts.join(" ");
}
