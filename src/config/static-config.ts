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
import JSON5 from "json5";

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
    const value: unknown = JSON5.parse(body);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

