/**
 * Statements kiln turns into operations rather than `op.execute`, where the
 * operation runs differently in a way that matters: `ALTER TYPE ... ADD VALUE`
 * becomes `op.addEnumValue`, which kiln commits before a later statement of the
 * same revision uses the new value (PostgreSQL refuses that use inside the
 * transaction that added it). Everything else stays SQL. Pure.
 */
import type { AddEnumValue } from "../operations/types.js";
import { hasSql } from "./split.js";

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const LITERAL = String.raw`'((?:[^']|'')*)'`;
const ADD_VALUE = new RegExp(
  String.raw`^ALTER\s+TYPE\s+(${NAME})(?:\s*\.\s*(${NAME}))?\s+ADD\s+VALUE\s+(?:IF\s+NOT\s+EXISTS\s+)?${LITERAL}(?:\s+(BEFORE|AFTER)\s+${LITERAL})?\s*;?\s*$`,
  "i",
);

/** An identifier as PostgreSQL reads it: quoted as written, unquoted folded to lower case. */
function identifier(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text.toLowerCase();
}

/** Leading `--` and `/* *\/` comments of a statement, and the rest. */
export function splitLeadingComments(statement: string): { comments: string[]; body: string } {
  const comments: string[] = [];
  let rest = statement;
  for (;;) {
    const trimmed = rest.replace(/^\s+/, "");
    if (trimmed.startsWith("--")) {
      const end = trimmed.indexOf("\n");
      comments.push(trimmed.slice(2, end < 0 ? undefined : end).trim());
      rest = end < 0 ? "" : trimmed.slice(end + 1);
    } else if (trimmed.startsWith("/*") && trimmed.includes("*/")) {
      const end = trimmed.indexOf("*/");
      comments.push(...trimmed.slice(2, end).split("\n").map((l) => l.trim()).filter(Boolean));
      rest = trimmed.slice(end + 2);
    } else {
      return { comments, body: hasSql(trimmed) ? trimmed : "" };
    }
  }
}

/** `ALTER TYPE [schema.]name ADD VALUE [IF NOT EXISTS] 'v' [BEFORE|AFTER 'w']` as an operation, or undefined. */
export function parseAddEnumValue(statement: string): AddEnumValue | undefined {
  const m = ADD_VALUE.exec(splitLeadingComments(statement).body);
  if (!m) return undefined;
  const [first, second] = [identifier(m[1]!), m[2] !== undefined ? identifier(m[2]) : undefined];
  const op: AddEnumValue = second === undefined ? { kind: "addEnumValue", name: first, value: m[3]!.replace(/''/g, "'") } : { kind: "addEnumValue", schema: first, name: second, value: m[3]!.replace(/''/g, "'") };
  if (m[4] && m[5] !== undefined) op[m[4].toLowerCase() as "before" | "after"] = m[5].replace(/''/g, "'");
  return op;
}

/** Statements PostgreSQL refuses inside a transaction block. */
const OUTSIDE_TRANSACTION = /^(?:create\s+(?:unique\s+)?index\s+concurrently|drop\s+index\s+concurrently|reindex\b[\s\S]*\bconcurrently|refresh\s+materialized\s+view\s+concurrently|vacuum\b|create\s+database\b|drop\s+database\b|alter\s+system\b)/i;

/** True when the statement cannot run in a transaction, so its revision must say `transactional: false`. */
export function needsNoTransaction(statement: string): boolean {
  return OUTSIDE_TRANSACTION.test(splitLeadingComments(statement).body);
}
