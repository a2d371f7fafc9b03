/**
 * Binds `?` parameters into SQL text as literals, skipping `?` inside string
 * literals, quoted identifiers and comments. mysql2's own formatting replaces
 * every `?` it sees, so `SET note = 'why?' WHERE id = ?` would go wrong; with this
 * the online statement is also exactly the text --sql mode prints.
 */
import { KilnError } from "../../errors.js";
import { quoteLiteral } from "./quote.js";
import { endOfComment, endOfQuoted, startsComment } from "./scan.js";

export function bindParameters(sql: string, params: unknown[]): string {
  let out = "";
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"' || ch === "`") {
      const end = endOfQuoted(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else if (startsComment(sql, i)) {
      const end = endOfComment(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "?") {
      if (next >= params.length) {
        throw new KilnError(`the statement has more ? placeholders than the ${params.length} parameter(s) given: ${sql}`);
      }
      out += quoteLiteral(params[next++]);
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  if (next < params.length) {
    throw new KilnError(`the statement has ${next} ? placeholder(s) but ${params.length} parameters were given: ${sql}`);
  }
  return out;
}
