/**
 * Source text for values in pulled models: string literals, sql`...`
 * templates and option objects. Text from the database may hold anything, so
 * line breaks other than LF, control characters and bidi controls are written
 * as escapes: the file shows them, nothing in them can end a literal or
 * reorder what a reader sees.
 */
import { inline } from "../autogenerate/format.js";

const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** A string literal ("..."). */
export function str(text: string): string {
  return escapeInvisible(JSON.stringify(text).slice(1, -1)).replace(/^/, '"').replace(/$/, '"');
}

/** A sql`...` template whose text is exactly `text` (backslashes, backticks and `${` escaped). */
export function sqlCode(text: string): string {
  const body = text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${").replace(/\t/g, "\\t");
  return `sql\`${escapeInvisible(body)}\``;
}

/** A value as inline source, strings escaped as str() does. */
export function value(v: unknown): string {
  if (typeof v === "string") return str(v);
  if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
  if (v !== null && typeof v === "object" && !(v instanceof Code)) {
    const parts = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : str(k)}: ${value(x)}`);
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  if (v instanceof Code) return v.text;
  return inline(v);
}

/** Source text passed through value() as it is (a column reference, a sql template). */
export class Code {
  constructor(readonly text: string) {}
}

export function code(text: string): Code {
  return new Code(text);
}

/** An options object, or "" when it has nothing to say. */
export function options(o: Record<string, unknown>): string {
  const present = Object.entries(o).filter(([, x]) => x !== undefined);
  return present.length === 0 ? "" : value(Object.fromEntries(present));
}

/** `f(a, b)` leaving out trailing empty arguments. */
export function call(fn: string, args: string[]): string {
  const list = [...args];
  while (list.length > 0 && list[list.length - 1] === "") list.pop();
  return `${fn}(${list.map((a) => (a === "" ? "undefined" : a)).join(", ")})`;
}
