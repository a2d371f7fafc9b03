/**
 * What the three Drizzle readers share: SQL fragments to text, the spelling of
 * literal defaults as drizzle-kit writes them, and messages.
 */
import type { ForeignKey } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import type { DrizzleModules } from "./load.js";

/** Where a Drizzle object came from, for messages: `table "users"`. */
export function describe(table: string, schema?: string): string {
  return `Drizzle table "${schema ? `${schema}.` : ""}${table}"`;
}

/**
 * An SQL fragment as the dialect writes it (drizzle-kit's own call: column
 * references quoted, table-qualified unless `indexes`). Parameters (a JS value
 * interpolated into `sql`) have no place in DDL: drizzle-kit would write `$1`,
 * kiln refuses with the place named.
 */
export function sqlText(dialect: any, fragment: unknown, where: string, source?: "indexes"): string {
  const query = dialect.sqlToQuery(fragment, source) as { sql: string; params: unknown[] };
  if (query.params.length > 0) {
    throw new KilnError(
      `${where}: the sql\`...\` text interpolates a value (${JSON.stringify(query.params[0])}), which DDL cannot bind; write it into the text (sql.raw or the literal itself)`,
    );
  }
  return query.sql;
}

/** True when `value` is a Drizzle `sql\`...\`` fragment. */
export function isSql(drizzle: DrizzleModules, value: unknown): boolean {
  return drizzle.orm.is(value, drizzle.orm.SQL);
}

export function quoteText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Drizzle's referential action as the Catalog keeps it (`no action` is the database's default). */
export function fkAction(action: string | undefined, keepNoAction: boolean): ForeignKey["onDelete"] {
  if (action === undefined) return undefined;
  const lower = action.toLowerCase() as NonNullable<ForeignKey["onDelete"]>;
  if (lower === "no action" && !keepNoAction) return undefined;
  return lower;
}

/** The column's database name as drizzle-kit computes it (`casing` turns key-named columns into snake_case or camelCase). */
export function columnName(column: { name: string; keyAsName?: boolean }, casing: Casing | undefined): string {
  if (!casing || !column.keyAsName) return column.name;
  return casing === "snake_case" ? toSnakeCase(column.name) : toCamelCase(column.name);
}

export type Casing = "snake_case" | "camelCase";

function toSnakeCase(input: string): string {
  const words = input.replace(/['\u2019]/g, "").match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? [];
  return words.map((word) => word.toLowerCase()).join("_");
}

function toCamelCase(input: string): string {
  const words = input.replace(/['\u2019]/g, "").match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? [];
  return words.reduce((acc, word, i) => acc + (i === 0 ? word.toLowerCase() : `${word[0]!.toUpperCase()}${word.slice(1)}`), "");
}
