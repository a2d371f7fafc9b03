/**
 * A small SQL tokenizer for the CREATE TABLE / CREATE INDEX text SQLite keeps in
 * sqlite_schema. SQLite does not expose constraint names, CHECK expressions or
 * index expressions through pragmas, so introspection reads them from that text.
 *
 * It knows exactly what matters for splitting: quoted identifiers ("x", `x`, [x]),
 * string literals ('it''s'), comments, and parentheses. Everything else is a word
 * or a single punctuation character.
 */
export type TokenKind = "word" | "quoted" | "string" | "punct";

export interface Token {
  kind: TokenKind;
  /** The token as written. */
  text: string;
  /** For `quoted`: the identifier with quotes removed and doubled quotes undone; for `word`: the text. */
  value: string;
  start: number;
  end: number;
}

const CLOSERS: Record<string, string> = { '"': '"', "`": "`", "[": "]" };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (ch === "'" || ch in CLOSERS) {
      const closer = ch === "'" ? "'" : CLOSERS[ch]!;
      let j = i + 1;
      let value = "";
      for (;;) {
        if (j >= sql.length) break;
        if (sql[j] === closer) {
          // A doubled closing quote is an escaped quote (not for [brackets]).
          if (closer !== "]" && sql[j + 1] === closer) {
            value += closer;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      const end = Math.min(j + 1, sql.length);
      tokens.push({ kind: ch === "'" ? "string" : "quoted", text: sql.slice(i, end), value, start: i, end });
      i = end;
    } else if (/[A-Za-z0-9_$\u0080-\uffff]/.test(ch) || (ch === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++;
      // Keep numbers such as 1.5 or 1e-3 whole.
      if (/[0-9.]/.test(ch)) {
        while (j < sql.length && /[0-9.eE]/.test(sql[j]!)) {
          if (/[eE]/.test(sql[j]!) && /[+-]/.test(sql[j + 1] ?? "")) j++;
          j++;
        }
      }
      const text = sql.slice(i, j);
      tokens.push({ kind: "word", text, value: text, start: i, end: j });
      i = j;
    } else {
      tokens.push({ kind: "punct", text: ch, value: ch, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/** True when the token is the keyword `word` (case-insensitive, unquoted). */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === "word" && token.value.toUpperCase() === word;
}

/** An identifier's name: quoted tokens unquoted, bare words as written. */
export function identifierName(token: Token): string {
  return token.value;
}

/** Index of the `)` matching the `(` at `open`. */
export function matchingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "punct") continue;
    if (t.text === "(") depth++;
    else if (t.text === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error("unbalanced parentheses");
}

/** Split tokens[from, to) on commas at parenthesis depth 0. */
export function splitTopLevel(tokens: Token[], from: number, to: number): Token[][] {
  const parts: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")") depth--;
    if (depth === 0 && t.kind === "punct" && t.text === ",") {
      parts.push(current);
      current = [];
    } else {
      current.push(t);
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** The original text spanned by a token run. */
export function sourceText(sql: string, tokens: Token[]): string {
  if (tokens.length === 0) return "";
  return sql.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);
}

/**
 * The expression with column references qualified by the table's own name made
 * bare (`"tags"."weight" > 0` -> `"weight" > 0`), or undefined when there are none.
 * drizzle-kit writes CHECK and partial-index text that way; it means the same
 * as the bare spelling, so introspection gives it as the canonical form.
 */
export function withoutTableQualifier(expression: string, table: string): string | undefined {
  const tokens = tokenize(expression);
  const lower = table.toLowerCase();
  let result = "";
  let from = 0;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [name, dot, column] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if ((name.kind === "word" || name.kind === "quoted") && name.value.toLowerCase() === lower && dot.text === "." && dot.start === name.end && column.start === dot.end && (column.kind === "word" || column.kind === "quoted")) {
      result += expression.slice(from, name.start);
      from = column.start;
    }
  }
  return from === 0 ? undefined : result + expression.slice(from);
}

/**
 * True when the text names a column through the table's own name (`"tags"."weight"`,
 * `tags . weight`), as drizzle-kit writes CHECK expressions. SQLite resolves such
 * a qualifier against the table's current name, so the table cannot be renamed
 * with legacy_alter_table on (which leaves the text as it is).
 */
export function qualifiesOwnColumns(sql: string, table: string): boolean {
  const tokens = tokenize(sql);
  const lower = table.toLowerCase();
  const isName = (t: Token | undefined) => t !== undefined && (t.kind === "word" || t.kind === "quoted");
  return tokens.some((t, i) => isName(t) && t.value.toLowerCase() === lower && tokens[i + 1]?.text === "." && isName(tokens[i + 2]));
}
