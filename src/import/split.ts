/**
 * One SQL file -> its statements, for migration files written for another tool.
 * A statement ends at a `;` outside quotes, comments, PostgreSQL dollar quotes
 * and the BEGIN ... END body of a trigger or routine. MySQL's client-side
 * `DELIMITER` lines are followed. Comments between statements are dropped;
 * comments inside a statement stay with it. Pure.
 */
import { skipLeadingComments } from "../runtime/statement-kind.js";

export interface SplitOptions {
  /** Backslash escapes inside '...' (MySQL/MariaDB). */
  backslashEscapes?: boolean;
  /** `#` starts a line comment (MySQL/MariaDB). */
  hashComments?: boolean;
}

const BLOCK_OPENER = /^\s*create\s+(?:or\s+replace\s+)?(?:definer\s*=\s*\S+\s+)?(?:temp\s+|temporary\s+)?(trigger|procedure|function|event)\b/i;

/** True when `text` (a statement so far) holds a trigger or routine whose body uses BEGIN ... END with inner `;`. */
function opensBlock(text: string): boolean {
  return BLOCK_OPENER.test(stripLeadingComments(text));
}

/** `text` after its leading white space and comments; `#` counts as a comment here, as MySQL's client reads it. */
function stripLeadingComments(text: string): string {
  return skipLeadingComments(text, { hashComments: true });
}

/** True when the text holds something besides whitespace and comments. */
export function hasSql(text: string): boolean {
  return stripLeadingComments(text).trim() !== "";
}

export function splitStatements(sql: string, options: SplitOptions = {}): string[] {
  const statements: string[] = [];
  let delimiter = ";";
  let start = 0;
  let i = 0;
  /** BEGIN/CASE/IF/LOOP nesting inside a trigger or routine body. */
  let depth = 0;
  let inBlock: boolean | undefined;
  const n = sql.length;

  const push = (end: number) => {
    const text = sql.slice(start, end).trim();
    if (hasSql(text)) statements.push(text);
    depth = 0;
    inBlock = undefined;
  };

  while (i < n) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    // Line start: a client-side DELIMITER command (mysql client, also used in Flyway scripts).
    if ((i === 0 || sql[i - 1] === "\n") && /^[ \t]*delimiter[ \t]+\S/i.test(sql.slice(i, i + 40))) {
      const lineEnd = sql.indexOf("\n", i);
      const line = sql.slice(i, lineEnd < 0 ? n : lineEnd);
      if (hasSql(sql.slice(start, i))) push(i);
      delimiter = line.trim().split(/\s+/)[1]!;
      i = lineEnd < 0 ? n : lineEnd + 1;
      start = i;
      continue;
    }
    if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (ch === "#" && options.hashComments) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") {
      i = endOfQuoted(sql, i, ch, options.backslashEscapes === true && ch !== "`");
      continue;
    }
    if (ch === "$") {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        continue;
      }
    }
    if (/[A-Za-z]/.test(ch) && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? "")) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 64))![0];
      if (delimiter === ";") {
        const lower = word.toLowerCase();
        if (lower === "begin" || lower === "case") {
          if (inBlock === undefined) inBlock = opensBlock(sql.slice(start, i));
          // BEGIN TRANSACTION / BEGIN; at statement level is not a block.
          const after = sql.slice(i + word.length).match(/^\s*(\w+|;)?/)?.[1]?.toLowerCase();
          const isTransaction = lower === "begin" && (after === ";" || after === "transaction" || after === "work" || after === undefined || after === "deferred" || after === "immediate" || after === "exclusive");
          if (inBlock && !isTransaction) depth++;
        } else if (lower === "end" && inBlock && depth > 0) {
          // END IF / END LOOP / END CASE close the inner construct; END alone (or END CASE) too.
          const after = sql.slice(i + word.length).match(/^\s*(\w+)?/)?.[1]?.toLowerCase();
          if (after !== "if" && after !== "loop" && after !== "while" && after !== "repeat") depth--;
        }
      }
      i += word.length;
      continue;
    }
    if (sql.startsWith(delimiter, i) && depth === 0) {
      push(i);
      i += delimiter.length;
      start = i;
      continue;
    }
    i++;
  }
  if (hasSql(sql.slice(start))) push(n);
  return statements;
}

function endOfQuoted(sql: string, open: number, quote: string, backslash: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (backslash && ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** The statement's first keywords, lowercased (`create table`, `insert into`), for classifying it. */
export function leadingWords(statement: string, count = 3): string[] {
  return stripLeadingComments(statement)
    .split(/[^A-Za-z_]+/)
    .filter(Boolean)
    .slice(0, count)
    .map((w) => w.toLowerCase());
}

/** Statements that change rows, not the schema: the derived downgrade cannot undo them. */
export function isDataChange(statement: string): boolean {
  const [first] = leadingWords(statement, 1);
  if (first === "with") return /\b(insert|update|delete|merge)\b/i.test(statement);
  return ["insert", "update", "delete", "merge", "replace", "copy", "truncate", "upsert", "load"].includes(first ?? "");
}

/** Transaction control the file carries itself (kiln runs each revision in its own transaction). */
export function isTransactionControl(statement: string): boolean {
  const words = leadingWords(statement, 2);
  const text = stripLeadingComments(statement).trim().replace(/;$/, "").trim().toLowerCase();
  if (["commit", "rollback", "end", "end transaction", "commit work", "commit transaction", "start transaction", "begin", "begin transaction", "begin work", "begin immediate", "begin exclusive", "begin deferred"].includes(text)) return true;
  return words[0] === "set" && words[1] === "autocommit";
}

/** The object a CREATE/ALTER/DROP statement is about: `{ action: "create", kind: "trigger", name: "t_audit" }`. */
export function statementObject(statement: string): { action: string; kind: string; name: string } | undefined {
  const text = stripLeadingComments(statement);
  const m = /^(create|alter|drop)\s+(?:or\s+replace\s+)?(?:definer\s*=\s*\S+\s+)?(?:algorithm\s*=\s*\w+\s+)?(?:sql\s+security\s+\w+\s+)?(?:(?:temp|temporary|unique|materialized|recursive|unlogged|global|local|virtual|aggregate)\s+)*(\w+)\s+(?:if\s+(?:not\s+)?exists\s+)?((?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[\w$]+)(?:\.(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[\w$]+))?)/i.exec(text);
  if (!m) return undefined;
  return { action: m[1]!.toLowerCase(), kind: m[2]!.toLowerCase(), name: m[3]! };
}

/** The table an `INSERT INTO t ... SELECT` fills, or undefined. */
export function insertSelectTarget(statement: string): string | undefined {
  const m = /^insert\s+(?:or\s+\w+\s+)?into\s+("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[\w$.]+)[\s\S]*\bselect\b/i.exec(stripLeadingComments(statement));
  return m ? bareName(m[1]!) : undefined;
}

/** A possibly quoted name without its quotes (and without a schema prefix). */
export function bareName(name: string): string {
  const last = name.match(/("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[^.]+)$/)?.[1] ?? name;
  if (last.startsWith('"')) return last.slice(1, -1).replace(/""/g, '"');
  if (last.startsWith("`") || last.startsWith("[")) return last.slice(1, -1);
  return last;
}
