/**
 * Tells data statements from schema changes by their first keyword, for the
 * "ddl-outside" transaction strategy (runtime/strategy.ts): a data statement
 * runs in a transaction with its journal row (applied exactly once), a schema
 * change in a transaction of its own between 'running' and 'done' journal rows.
 * Anything not known to be data counts as a schema change (the careful side:
 * it is never mixed with other writes).
 */
const DATA_KEYWORDS = new Set(["insert", "update", "delete", "merge", "select", "with", "values", "table", "copy"]);

/**
 * `sql` after its leading white space and comments (`--` to the end of the line,
 * `/* ... *\/`, and with `hashComments` MySQL's `#` to the end of the line); with
 * `parentheses`, opening parentheses are passed over too. Serves firstKeyword
 * here and the statement splitter of `kiln import` (import/split.ts).
 */
export function skipLeadingComments(sql: string, options: { hashComments?: boolean; parentheses?: boolean } = {}): string {
  const space = options.parentheses ? /^[\s(]+/ : /^\s+/;
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(space, "");
    if (trimmed.startsWith("--") || (options.hashComments === true && trimmed.startsWith("#"))) {
      const end = trimmed.indexOf("\n");
      rest = end < 0 ? "" : trimmed.slice(end + 1);
    } else if (trimmed.startsWith("/*")) {
      const end = trimmed.indexOf("*/");
      rest = end < 0 ? "" : trimmed.slice(end + 2);
    } else {
      return trimmed;
    }
  }
}

/** The first keyword of `sql`, lower case, after comments and opening parentheses ("" when none). */
export function firstKeyword(sql: string): string {
  return (/^[A-Za-z]+/.exec(skipLeadingComments(sql, { parentheses: true }))?.[0] ?? "").toLowerCase();
}

/** True for INSERT, UPDATE, DELETE, MERGE, SELECT, WITH ..., VALUES, TABLE and COPY. */
export function isDataStatement(sql: string): boolean {
  return DATA_KEYWORDS.has(firstKeyword(sql));
}
