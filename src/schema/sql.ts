/**
 * The `sql` tag: SQL text written in models (defaults, checks, index expressions).
 *
 * Interpolating a table column inserts its quoted column name; interpolating
 * another fragment splices it in. Anything else is refused, so values can never
 * be pasted into SQL by accident. `sql.raw(text)` is the explicit escape hatch
 * for trusted text.
 */
import { KilnError } from "../errors.js";
import { COLUMN, SQL } from "./brand.js";

/** Anything that can name a database column inside a fragment (a table's column). */
export interface ColumnReference {
  readonly [COLUMN]: true;
  /** Database column name. */
  readonly name: string;
}

type Chunk = string | ColumnReference;

export class SqlFragment {
  readonly [SQL] = true as const;
  readonly chunks: readonly Chunk[];

  constructor(chunks: readonly Chunk[]) {
    this.chunks = chunks;
  }

  /** Database names of the columns interpolated into this fragment, in order, without repeats. */
  columnNames(): string[] {
    const names: string[] = [];
    for (const chunk of this.chunks) {
      if (typeof chunk !== "string" && !names.includes(chunk.name)) names.push(chunk.name);
    }
    return names;
  }

  /** The SQL text, columns rendered as quoted identifiers. */
  toSql(): string {
    return this.chunks.map((chunk) => (typeof chunk === "string" ? chunk : quoteIdentifier(chunk.name))).join("");
  }

  toString(): string {
    return this.toSql();
  }
}

/** What may appear inside `${...}` in a `sql` template. */
export type SqlValue = ColumnReference | SqlFragment;

export interface SqlTag {
  (strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment;
  /** Trusted SQL text, inserted verbatim. Never pass user input. */
  raw(text: string): SqlFragment;
}

export function isSqlFragment(value: unknown): value is SqlFragment {
  return typeof value === "object" && value !== null && (value as { [SQL]?: unknown })[SQL] === true;
}

export function isColumnReference(value: unknown): value is ColumnReference {
  return typeof value === "object" && value !== null && (value as { [COLUMN]?: unknown })[COLUMN] === true;
}

/** Standard SQL identifier quoting (double quotes, embedded quotes doubled). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "object") return "an object that is neither a table column nor a sql fragment";
  return `a ${typeof value} (${String(value)})`;
}

function template(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  const chunks: Chunk[] = [];
  const pushText = (text: string) => {
    if (text === "") return;
    const last = chunks[chunks.length - 1];
    if (typeof last === "string") chunks[chunks.length - 1] = last + text;
    else chunks.push(text);
  };
  strings.forEach((text, i) => {
    pushText(text);
    if (i >= values.length) return;
    const value = values[i];
    if (isSqlFragment(value)) {
      for (const chunk of value.chunks) {
        if (typeof chunk === "string") pushText(chunk);
        else chunks.push(chunk);
      }
    } else if (isColumnReference(value)) {
      chunks.push(value);
    } else {
      throw new KilnError(
        `sql\`...\`: interpolation #${i + 1} is ${describe(value)}. Only table columns and other sql fragments may be interpolated, ` +
          "so that values never become SQL text by accident. Write constants in the template itself, or wrap trusted text in sql.raw(...).",
      );
    }
  });
  return new SqlFragment(chunks);
}

export const sql: SqlTag = Object.assign(template, {
  raw(text: string): SqlFragment {
    if (typeof text !== "string") {
      throw new KilnError(`sql.raw(...) expects a string, got ${describe(text)}.`);
    }
    return new SqlFragment(text === "" ? [] : [text]);
  },
});
