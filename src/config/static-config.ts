/**
 * Reads a config file written as plain data without importing it:
 *
 *   import { defineConfig } from "kiln-migrate";
 *   export default defineConfig({ url: "...", migrations: "migrations" });
 *
 * Importing TypeScript starts a loader (hundreds of milliseconds on every kiln
 * call); reading a literal costs nothing. Anything that is not exactly an import
 * of defineConfig followed by `export default defineConfig({...literal...})` or
 * `export default {...literal...}` (a variable, process.env, a template string, a
 * function call inside) returns undefined, and the caller imports the file.
 */
import { createRequire } from "node:module";

const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//g;
const LINE_COMMENT = /\/\/[^\n]*/g;
const PREFIX = /^\s*(import\s*(type\s*)?\{\s*defineConfig\s*\}\s*from\s*["']kiln(?:-migrate)?["']\s*;?\s*)?export\s+default\s+(defineConfig\s*\(\s*)?$/;

export function readStaticConfig(source: string): unknown {
  const start = source.indexOf("export default");
  const open = source.indexOf("{", start);
  if (start === -1 || open === -1) return undefined;
  // Before the object: only the defineConfig import, comments and `export default defineConfig(`.
  const prefix = source.slice(0, open).replace(BLOCK_COMMENT, "").replace(LINE_COMMENT, "");
  const match = PREFIX.exec(prefix);
  if (!match) return undefined;
  const wrapped = match[3] !== undefined;
  let body = source.slice(open).trimEnd();
  if (body.endsWith(";")) body = body.slice(0, -1).trimEnd();
  if (wrapped) {
    if (!body.endsWith(")")) return undefined;
    body = body.slice(0, -1);
  }
  try {
    const plain = plainLiteral(body);
    const value: unknown = plain !== NOT_PLAIN ? plain : json5().parse(body);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** JSON5, loaded only for a literal plainLiteral leaves to it (loading it costs every command 5-15 ms). */
function json5(): { parse(text: string): unknown } {
  return createRequire(import.meta.url)("json5") as { parse(text: string): unknown };
}

const NOT_PLAIN = Symbol("not plain");
const IDENTIFIER = /[A-Za-z_$][\w$]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SPACE = /(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/y;

/**
 * The usual config literal, read without JSON5: objects (keys bare or quoted), arrays, strings without
 * escapes, decimal numbers, true, false, null, comments and trailing commas. Anything else is
 * NOT_PLAIN, and JSON5 reads it (so what is accepted here reads as JSON5 would read it).
 */
function plainLiteral(text: string): unknown {
  let at = 0;
  const skip = () => {
    SPACE.lastIndex = at;
    SPACE.exec(text);
    at = SPACE.lastIndex;
  };
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) return undefined;
    at = pattern.lastIndex;
    return m[0];
  };
  const string = (): string | typeof NOT_PLAIN => {
    const quote = text[at]!;
    const end = text.indexOf(quote, at + 1);
    if (end < 0) return NOT_PLAIN;
    const content = text.slice(at + 1, end);
    if (content.includes("\\") || content.includes("\n") || content.includes("\r") || content.includes("\u2028") || content.includes("\u2029")) return NOT_PLAIN;
    at = end + 1;
    return content;
  };
  const value = (): unknown => {
    skip();
    const ch = text[at];
    if (ch === '"' || ch === "'") return string();
    if (ch === "{") {
      at++;
      const object: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (text[at] === "}") {
          at++;
          return object;
        }
        const key = text[at] === '"' || text[at] === "'" ? string() : match(IDENTIFIER);
        if (key === undefined || key === NOT_PLAIN || key === "__proto__") return NOT_PLAIN;
        skip();
        if (text[at] !== ":") return NOT_PLAIN;
        at++;
        const item = value();
        if (item === NOT_PLAIN) return NOT_PLAIN;
        object[key] = item;
        skip();
        if (text[at] === ",") at++;
        else if (text[at] !== "}") return NOT_PLAIN;
      }
    }
    if (ch === "[") {
      at++;
      const array: unknown[] = [];
      for (;;) {
        skip();
        if (text[at] === "]") {
          at++;
          return array;
        }
        const item = value();
        if (item === NOT_PLAIN) return NOT_PLAIN;
        array.push(item);
        skip();
        if (text[at] === ",") at++;
        else if (text[at] !== "]") return NOT_PLAIN;
      }
    }
    const number = match(NUMBER);
    if (number !== undefined) return /[\w$.]/.test(text[at] ?? "") ? NOT_PLAIN : Number(number);
    const word = match(IDENTIFIER);
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    return NOT_PLAIN;
  };
  const result = value();
  skip();
  return at === text.length ? result : NOT_PLAIN;
}
