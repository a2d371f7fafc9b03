/**
 * SQL expressions (CHECK clauses, DEFAULT expressions, index expressions) in
 * MySQL spelling.
 *
 * kiln's models write identifiers the standard way: sql`${t.prototypeId} >= 0`
 * becomes `"prototype_id" >= 0`. Without ANSI_QUOTES (the default sql_mode),
 * MySQL and MariaDB read "prototype_id" as a STRING, so that check would compare
 * a constant and never reject a row. Double-quoted identifiers are therefore
 * rewritten to backticks; string literals, backtick identifiers and comments are
 * copied untouched.
 */
import { quoteIdentifier } from "./quote.js";
import { endOfComment, endOfQuoted, startsComment } from "./scan.js";

/** Index of the character after the quoted run starting at `start` (a doubled quote continues it). */
/** `expression` with every "double-quoted" identifier written `backticked`. */
export function mysqlExpression(expression: string): string {
  let out = "";
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i]!;
    let end: number;
    if (ch === "'" || ch === "`") end = endOfQuoted(expression, i);
    else if (startsComment(expression, i)) end = endOfComment(expression, i);
    else if (ch === '"') {
      end = endOfQuoted(expression, i, false);
      const closed = expression[end - 1] === '"' && end - i >= 2;
      if (closed) {
        out += quoteIdentifier(expression.slice(i + 1, end - 1).replaceAll('""', '"'));
        i = end;
        continue;
      }
    } else {
      out += ch;
      i++;
      continue;
    }
    out += expression.slice(i, end);
    i = end;
  }
  return out;
}
