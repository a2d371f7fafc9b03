/**
 * Flyway placeholders: `${name}` in a migration is replaced by its value before
 * the SQL runs (Flyway's default prefix `${` and suffix `}`). Values come from
 * `flyway.placeholders.<name>=<value>` lines of a flyway.conf (Java properties:
 * the one beside the folder or in the working directory, or the file named),
 * and from `--placeholder name=value` (which wins). Flyway's own
 * `${flyway:filename}` and `${flyway:table}` are known; any other placeholder
 * without a value stops the import, naming the file, line and placeholder (a
 * migration imported with `${name}` left in would not be the one Flyway ran).
 * `flyway.placeholderReplacement=false` turns replacement off, and
 * `flyway.placeholderPrefix` / `flyway.placeholderSuffix` change the markers,
 * as in Flyway.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { KilnError, UsageError } from "../../errors.js";
import { readText } from "./common.js";

export interface FlywayPlaceholders {
  /** Values by name (Flyway matches names case-insensitively: kept lower case). */
  values: Map<string, string>;
  prefix: string;
  suffix: string;
  /** False: `flyway.placeholderReplacement=false`, the text runs as written. */
  replace: boolean;
  /** The flyway.conf read, if any (for messages). */
  configFile?: string;
}

export interface PlaceholderOptions {
  /** `name=value` pairs (the CLI's --placeholder), over the config file's. */
  placeholders?: string[];
  /** A flyway.conf to read; default: flyway.conf in the migrations folder, its parent, or `cwd`. */
  configFile?: string;
  cwd?: string;
}

/** Java properties lines: `key=value` or `key: value`, `#`/`!` comments, `\` line continuations and escapes. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, "");
    const m = /^((?:[^=:\s\\]|\\.)+)\s*[=:\s]\s*(.*)$/.exec(line);
    const key = unescape(m ? m[1]! : line);
    out.set(key, m ? unescape(m[2]!) : "");
  }
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_all, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === "n" ? "\n" : c === "t" ? "\t" : c === "r" ? "\r" : c === "f" ? "\f" : c;
  });
}

/** The placeholders for a Flyway folder: flyway.conf's, then the given pairs over them. */
export function flywayPlaceholders(folder: string, options: PlaceholderOptions = {}): FlywayPlaceholders {
  const cwd = options.cwd ?? process.cwd();
  const candidates = options.configFile !== undefined ? [resolve(cwd, options.configFile)] : [join(folder, "flyway.conf"), join(dirname(resolve(folder)), "flyway.conf"), join(cwd, "flyway.conf")];
  const configFile = candidates.find((f) => existsSync(f));
  if (options.configFile !== undefined && configFile === undefined) throw new KilnError(`the Flyway configuration ${candidates[0]} does not exist`);
  const properties = configFile !== undefined ? parseProperties(readText(configFile, "the Flyway configuration")) : new Map<string, string>();
  const values = new Map<string, string>();
  for (const [key, value] of properties) {
    const m = /^flyway\.placeholders\.(.+)$/.exec(key);
    if (m) values.set(m[1]!.toLowerCase(), value);
  }
  for (const pair of options.placeholders ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--placeholder takes name=value, got ${JSON.stringify(pair)}`);
    values.set(pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1));
  }
  return {
    values,
    prefix: properties.get("flyway.placeholderPrefix") ?? "${",
    suffix: properties.get("flyway.placeholderSuffix") ?? "}",
    replace: (properties.get("flyway.placeholderReplacement") ?? "true").trim().toLowerCase() !== "false",
    ...(configFile !== undefined ? { configFile } : {}),
  };
}

/**
 * The text with every placeholder replaced; an unknown one is an error naming
 * `file`, its line and how to give it a value. `builtIn` are Flyway's own
 * (`flyway:filename`, `flyway:table`) for this file.
 */
export function replacePlaceholders(text: string, file: string, placeholders: FlywayPlaceholders, builtIn: Record<string, string>): string {
  if (!placeholders.replace) return text;
  const { prefix, suffix } = placeholders;
  let out = "";
  let at = 0;
  for (;;) {
    const start = text.indexOf(prefix, at);
    if (start < 0) break;
    const end = text.indexOf(suffix, start + prefix.length);
    if (end < 0) break;
    const name = text.slice(start + prefix.length, end);
    // Only a name (letters, digits, `_`, `.`, `-`, `:`) is a placeholder, as Flyway reads them.
    if (!/^[A-Za-z0-9_.:-]+$/.test(name)) {
      out += text.slice(at, start + prefix.length);
      at = start + prefix.length;
      continue;
    }
    const key = name.toLowerCase();
    const value = placeholders.values.get(key) ?? builtIn[key];
    if (value === undefined) {
      const line = text.slice(0, start).split("\n").length;
      const known = [...placeholders.values.keys(), ...Object.keys(builtIn)].sort();
      throw new KilnError(`${file} line ${line} uses the Flyway placeholder ${prefix}${name}${suffix}, which has no value`, {
        details: [
          `give it one with --placeholder ${name}=VALUE, or a flyway.placeholders.${name}=VALUE line in ${placeholders.configFile ?? "a flyway.conf beside the folder"}`,
          `known placeholders: ${known.length > 0 ? known.join(", ") : "none"}`,
          "nothing was written",
        ],
      });
    }
    out += text.slice(at, start) + value;
    at = end + suffix.length;
  }
  return out + text.slice(at);
}
