/**
 * kiln.config.ts for pulled models (pure): a new config, or the user's config
 * with `models`, `naming`, `schemas` and `excludeTables` set. An existing
 * config is edited only where it is the plain object literal `kiln init`
 * writes (`defineConfig({ ... })` or `export default { ... }`): the keys pull
 * sets are replaced or added, everything else stays byte for byte. Any other
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

/** Where a property's value ends: the comma or closing brace at the object's own depth. */
function valueEnd(text: string, from: number, objectEnd: number): number {
  for (let i = from; i < objectEnd; i++) {
    const c = text[i]!;
    if (c === "{" || c === "[" || c === "(" || c === '"' || c === "'" || c === "`") {
      if (c === '"' || c === "'" || c === "`") {
        for (i++; i < objectEnd && text[i] !== c; i++) if (text[i] === "\\") i++;
        continue;
      }
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
  const close = matching(text, open);
  if (close < 0) return undefined;
  let result = text;
  let end = close - 1; // the index of the object's closing brace in `result`
  for (const [key, source] of settingEntries(settings)) {
    const body = result.slice(open, end);
    const found = new RegExp(`\\n(\\s*)${key}\\s*:`).exec(body);
    if (found) {
      const start = open + found.index + found[0].length;
      const stop = valueEnd(result, start, end + 1);
      if (stop < 0) return undefined;
      result = `${result.slice(0, start)} ${source}${result.slice(stop)}`;
    } else {
      // Add it before the closing brace, after a comma.
      let before = end;
      while (before > open && /\s/.test(result[before - 1]!)) before--;
      const needsComma = result[before - 1] !== "," && result[before - 1] !== "{";
      const insertion = `${needsComma ? "," : ""}\n  ${key}: ${source},\n`;
      result = `${result.slice(0, before)}${insertion}${result.slice(end)}`;
    }
    end = matching(result, open) - 1;
    if (end < 0) return undefined;
  }
  return result;
}
