/**
 * Offline (--sql) scripts cannot bind parameters: inline them as literals.
 * Placeholders inside string literals, quoted identifiers and comments are left alone.
 */
import type { Dialect } from "../dialects/types.js";
import type { Statement } from "../operations/types.js";

export function inlineParameters(dialect: Dialect, statement: Statement): string {
  const params = statement.params ?? [];
  if (params.length === 0) return statement.sql;
  const dollarStyle = dialect.placeholder(0) === "$1";
  const sql = statement.sql;
  let out = "";
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === "`") {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (dollarStyle && ch === "$" && /[0-9]/.test(sql[i + 1] ?? "")) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      out += dialect.quoteLiteral(params[Number(sql.slice(i + 1, j)) - 1]);
      i = j;
    } else if (!dollarStyle && ch === "?") {
      out += dialect.quoteLiteral(params[next++]);
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    if (sql[i] === "\\" && quote !== '"') i++;
    i++;
  }
  return sql.length;
}
