/**
 * Volatile functions in a column default. Since PostgreSQL 11, ADD COLUMN with a
 * non-volatile default (a constant, `now()`, CURRENT_TIMESTAMP) stores the value
 * once in the catalog; a volatile default must be computed per row, so the table
 * is rewritten. Only functions known to be volatile are named; a user-defined
 * function is volatile unless declared otherwise, which the docs point out.
 */

const VOLATILE_FUNCTIONS = new Set([
  "random",
  "random_normal",
  "gen_random_uuid",
  "gen_random_bytes",
  "uuidv4",
  "uuidv7",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "setval",
]);

/** SQL text without its string literals and quoted identifiers, so names inside them are not read as calls. */
function withoutQuotedText(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
}

/** The volatile functions the expression calls, lower case, in order of appearance. */
export function volatileFunctions(expression: string): string[] {
  const found: string[] = [];
  for (const match of withoutQuotedText(expression).matchAll(/([A-Za-z_][\w$]*(?:\s*\.\s*[A-Za-z_][\w$]*)*)\s*\(/g)) {
    const name = match[1]!.split(".").pop()!.trim().toLowerCase();
    if (VOLATILE_FUNCTIONS.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
}
