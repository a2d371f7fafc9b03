/**
 * kiln.config.ts for pulled models (pure): a new config, or the user's config
 * with `models`, `naming`, `schemas` and `excludeTables` set. An existing
 * config is edited only where it is an object literal (`defineConfig({ ... })`
 * or `export default { ... }`), laid out in any way: the keys pull sets are
 * found among its top-level properties and replaced, or added, and everything
 * else stays byte for byte. Any other
 * shape comes back undefined, and the caller tells the user what to add.
 */
import type { NamingConvention } from "../config/types.js";
import { str, value } from "./code.js";

export interface PulledSettings {
  models: string | string[];
  naming: NamingConvention;
  /** Schemas besides the default one (PostgreSQL). */
  schemas?: string[];
  /** Tables kiln must leave alone (other tools' version tables). */
  excludeTables?: string[];
}

/** The key: value lines pull writes, in this order (undefined/empty ones left out). */
export function settingEntries(settings: PulledSettings): [string, string][] {
  const entries: [string, string][] = [["models", value(settings.models)]];
  if (Object.keys(settings.naming).length > 0) entries.push(["naming", namingSource(settings.naming)]);
  if (settings.schemas && settings.schemas.length > 0) entries.push(["schemas", value(settings.schemas)]);
  if (settings.excludeTables && settings.excludeTables.length > 0) entries.push(["excludeTables", value(settings.excludeTables)]);
  return entries;
}

function namingSource(naming: NamingConvention): string {
  const keys = (["pk", "fk", "uq", "ck", "ix"] as const).filter((k) => naming[k] !== undefined);
  const one = `{ ${keys.map((k) => `${k}: ${str(naming[k]!)}`).join(", ")} }`;
  if (one.length <= 80) return one;
  return `{\n${keys.map((k) => `    ${k}: ${str(naming[k]!)},`).join("\n")}\n  }`;
}

export function newConfigSource(urlLine: string, migrations: string, settings: PulledSettings): string {
  return [
    'import { defineConfig } from "kiln-migrate";',
    "",
    "export default defineConfig({",
    urlLine,
    `  migrations: ${str(migrations)},`,
    ...settingEntries(settings).map(([k, v]) => `  ${k}: ${v},`),
    "});",
    "",
  ].join("\n");
}

/** Index just past the bracket matching the one at `open`, skipping strings and comments; -1 if none. */
function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      i = text.indexOf("\n", i);
      if (i < 0) return -1;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2);
      if (i < 0) return -1;
      i++;
      continue;
    }
    if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Index just past the string, template or comment starting at `i`; `i` when none starts there. */
function skipToken(text: string, i: number): number {
  const c = text[i];
  if (c === '"' || c === "'" || c === "`") {
    let j = i + 1;
    for (; j < text.length && text[j] !== c; j++) if (text[j] === "\\") j++;
    return j + 1;
  }
  if (c === "/" && text[i + 1] === "/") {
    const end = text.indexOf("\n", i);
    return end < 0 ? text.length : end;
  }
  if (c === "/" && text[i + 1] === "*") {
    const end = text.indexOf("*/", i + 2);
    return end < 0 ? text.length : end + 2;
  }
  return i;
}

interface Property {
  key: string;
  /** Where the value starts (just past the colon) and ends (the comma or closing brace after it). */
  valueStart: number;
  valueEnd: number;
}

/**
 * The `key: value` properties at the top level of the object literal whose braces
 * are at `open` and `close`, whatever the layout (one line or many, comments,
 * quoted keys); spreads, shorthands and methods are passed over. Undefined when
 * a bracket is unbalanced.
 */
function properties(text: string, open: number, close: number): Property[] | undefined {
  const result: Property[] = [];
  let i = open + 1;
  while (i < close) {
    // The start of the next property: skip blanks, comments and commas.
    const skipped = skipToken(text, i);
    if (skipped !== i && text[i] === "/") {
      i = skipped;
      continue;
    }
    if (/[\s,]/.test(text[i]!)) {
      i++;
      continue;
    }
    let key: string | undefined;
    const identifier = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, close));
    let after = i;
    if (identifier) {
      key = identifier[0];
      after = i + key.length;
    } else if (text[i] === '"' || text[i] === "'") {
      after = skipToken(text, i);
      try {
        key = text[i] === '"' ? (JSON.parse(text.slice(i, after)) as string) : text.slice(i + 1, after - 1);
      } catch {
        key = undefined;
      }
    }
    let colon = after;
    while (colon < close) {
      const next = skipToken(text, colon);
      if (next !== colon && text[colon] === "/") colon = next;
      else if (/\s/.test(text[colon]!)) colon++;
      else break;
    }
    const end = valueEnd(text, key !== undefined && text[colon] === ":" ? colon + 1 : i, close + 1);
    if (end < 0) return undefined;
    if (key !== undefined && text[colon] === ":") result.push({ key, valueStart: colon + 1, valueEnd: end });
    i = end + 1;
  }
  return result;
}

/** Where a property's value ends: the comma or closing brace at the object's own depth. */
function valueEnd(text: string, from: number, objectEnd: number): number {
  for (let i = from; i < objectEnd; i++) {
    const c = text[i]!;
    const skipped = skipToken(text, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    if (c === "{" || c === "[" || c === "(") {
      const end = matching(text, i);
      if (end < 0) return -1;
      i = end - 1;
      continue;
    }
    if (c === "," || c === "}") return i;
  }
  return -1;
}

/** The config text with the pulled settings in it, or undefined when its shape is not the plain one. */
export function updateConfigSource(text: string, settings: PulledSettings): string | undefined {
  const m = /(defineConfig\(\s*|export\s+default\s+)\{/.exec(text);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  let result = text;
  for (const [key, source] of settingEntries(settings)) {
    const close = matching(result, open) - 1;
    if (close < 0) return undefined;
    const found = properties(result, open, close);
    if (!found) return undefined;
    const existing = found.filter((p) => p.key === key);
    if (existing.length > 1) return undefined;
    if (existing.length === 1) {
      const { valueStart, valueEnd: stop } = existing[0]!;
      // Comments and blanks after the value stay.
      let end = valueStart;
      for (let i = valueStart; i < stop; ) {
        const next = skipToken(result, i);
        if (next !== i && result[i] === "/") i = next;
        else if (/\s/.test(result[i]!)) i++;
        else end = i = Math.max(next, i + 1);
      }
      result = `${result.slice(0, valueStart)} ${source}${result.slice(end)}`;
      continue;
    }
    // Add it before the closing brace, after a comma: on the same line when the object is on one line.
    let before = close;
    while (before > open && /\s/.test(result[before - 1]!)) before--;
    const needsComma = result[before - 1] !== "," && result[before - 1] !== "{";
    const oneLine = !result.slice(open, close).includes("\n");
    const comma = needsComma ? "," : "";
    result = oneLine
      ? `${result.slice(0, before)}${comma} ${key}: ${source}${result.slice(before)}`
      : `${result.slice(0, before)}${comma}\n  ${key}: ${source},\n${result.slice(close)}`;
  }
  return result;
}
