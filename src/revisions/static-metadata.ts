/**
 * Reads a revision's metadata from its source text without importing it, so that
 * building the graph of hundreds of revisions costs a file read each instead of a
 * TypeScript compile and a module evaluation each.
 *
 * It accepts only what it can read exactly: a top-level
 * `export default { ... }` (optionally `satisfies X` / `as X`) whose metadata
 * properties are plain literals and whose upgrade/downgrade are written as
 * functions. An anonymous object literal cannot be reached, and so cannot be
 * changed, by any other code, so its literal values are the values the module
 * exports. Anything else (spreads, computed or accessor keys, variables, a token
 * the scanner cannot classify for certain) makes it return null, and the caller
 * imports the module instead.
 */
import { validateMigration, type RevisionMetadata } from "./validate.js";

type TokenKind = "name" | "string" | "number" | "punct" | "template" | "regex";

interface Token {
  kind: TokenKind;
  text: string;
}

class Decline extends Error {}

const REGEX_AFTER_KEYWORD = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await", "default",
]);
const METADATA_KEYS = new Set(["revision", "downRevision", "dependsOn", "branchLabels", "message", "transactional"]);
const FUNCTION_KEYS = new Set(["upgrade", "downgrade"]);

/** The metadata, or null when the file is not in a shape this reader can read exactly. */
export function readStaticMetadata(source: string): RevisionMetadata | null {
  try {
    const tokens = tokenize(source);
    const values = readDefaultObject(tokens);
    if (!values) return null;
    return validateMigration("", true, values).metadata;
  } catch {
    // A Decline, or a validation error the import path will report in full.
    return null;
  }
}

// ---- scanner ---------------------------------------------------------------

// Runs of characters matched natively (sticky): the scanner runs once per file,
// mostly before the JIT has warmed up, so a loop per character would be slow.
const WHITESPACE = /[ \t\n\r\f\v\ufeff]+/y;
const NAME = /[A-Za-z_$#][\w$]*/y;
const NUMBER = /(?:[0-9]|\.(?=[0-9]))[\w.]*/y;
/** A quoted string on one line (an escaped line break continues it). */
const STRING = { '"': /"(?:[^"\\\n]|\\[\s\S])*"/y, "'": /'(?:[^'\\\n]|\\[\s\S])*'/y } as const;
const CLOSER_OF: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** The end of the match of sticky `pattern` at `start`, or -1. */
function matchEnd(pattern: RegExp, source: string, start: number): number {
  pattern.lastIndex = start;
  return pattern.test(source) ? pattern.lastIndex : -1;
}

/** Tokens of the whole file, with brackets checked to balance. Throws Decline when unsure. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** Open brackets; "`" marks a `${` inside a template literal. */
  const open: string[] = [];
  let i = source.startsWith("#!") ? source.indexOf("\n") + 1 || source.length : 0;
  const n = source.length;

  const previous = () => tokens[tokens.length - 1];

  /** Scans template text from `start` (just after ` or }) to its end or to `${`. */
  const scanTemplate = (start: number): number => {
    let j = start;
    while (j < n) {
      const c = source[j]!;
      if (c === "\\") j += 2;
      else if (c === "`") {
        tokens.push({ kind: "template", text: "`" });
        return j + 1;
      } else if (c === "$" && source[j + 1] === "{") {
        open.push("`");
        tokens.push({ kind: "template", text: "${" });
        return j + 2;
      } else j += 1;
    }
    throw new Decline();
  };

  while (i < n) {
    const c = source[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v" || c === "\ufeff") {
      i = matchEnd(WHITESPACE, source, i);
    } else if (c === "/" && source[i + 1] === "/") {
      const end = source.indexOf("\n", i);
      i = end < 0 ? n : end;
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) throw new Decline();
      i = end + 2;
    } else if (c === '"' || c === "'") {
      // Unclosed on its line (or at the end of the file): not a string this reader knows.
      const end = matchEnd(STRING[c], source, i);
      if (end < 0) throw new Decline();
      tokens.push({ kind: "string", text: source.slice(i, end) });
      i = end;
    } else if (c === "`") {
      i = scanTemplate(i + 1);
    } else if (matchEnd(NAME, source, i) > 0) {
      const j = NAME.lastIndex;
      tokens.push({ kind: "name", text: source.slice(i, j) });
      i = j;
    } else if (matchEnd(NUMBER, source, i) > 0) {
      const j = NUMBER.lastIndex;
      tokens.push({ kind: "number", text: source.slice(i, j) });
      i = j;
    } else if (c === "/") {
      const before = previous();
      if (slashIsDivision(tokens, before)) {
        tokens.push({ kind: "punct", text: "/" });
        i += 1;
      } else {
        i = scanRegex(source, i);
        tokens.push({ kind: "regex", text: "/" });
      }
    } else if (c === "(" || c === "[" || c === "{") {
      open.push(c);
      tokens.push({ kind: "punct", text: c });
      i += 1;
    } else if (c === ")" || c === "]" || c === "}") {
      const opener = open.pop();
      if (c === "}" && opener === "`") {
        tokens.push({ kind: "template", text: "}" });
        i = scanTemplate(i + 1);
        continue;
      }
      if (opener !== CLOSER_OF[c]) throw new Decline();
      tokens.push({ kind: "punct", text: c });
      i += 1;
    } else if (source.startsWith("...", i)) {
      tokens.push({ kind: "punct", text: "..." });
      i += 3;
    } else if (source.startsWith("=>", i)) {
      tokens.push({ kind: "punct", text: "=>" });
      i += 2;
    } else if ("+-*%=<>!&|^~?:;,.@".includes(c)) {
      tokens.push({ kind: "punct", text: c });
      i += 1;
    } else {
      // Non-ASCII identifiers, stray characters: not worth guessing.
      throw new Decline();
    }
  }
  if (open.length > 0) throw new Decline();
  return tokens;
}

/** Whether a `/` (not a comment) divides; throws Decline where a scanner cannot know. */
function slashIsDivision(tokens: Token[], before: Token | undefined): boolean {
  if (!before) return false;
  if (before.kind === "name") {
    // After `.` a keyword is a property name (`x.default / 2`).
    return tokens[tokens.length - 2]?.text === "." || !REGEX_AFTER_KEYWORD.has(before.text);
  }
  if (before.kind === "number" || before.kind === "string" || before.kind === "regex") return true;
  if (before.kind === "template") return before.text === "`";
  // `)` and `}` end expressions and statements alike; `!` may be TypeScript's non-null
  // assertion; `++`/`--` may be postfix.
  if (before.text === ")" || before.text === "}" || before.text === "!") throw new Decline();
  const beforeThat = tokens[tokens.length - 2];
  if ((before.text === "+" || before.text === "-") && beforeThat?.text === before.text) throw new Decline();
  return before.text === "]";
}

function scanRegex(source: string, start: number): number {
  let j = start + 1;
  let inClass = false;
  for (;;) {
    const c = source[j];
    if (c === undefined || c === "\n" || c === "\r") throw new Decline();
    if (c === "\\") j += 2;
    else {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      j += 1;
    }
  }
  j += 1;
  while (j < source.length && /[a-z]/.test(source[j]!)) j += 1;
  return j;
}

// ---- the default-exported object literal ----------------------------------

const FUNCTION_VALUE = () => undefined;

/** The object's readable properties, or null when the default export is not an object literal. */
function readDefaultObject(tokens: Token[]): Record<string, unknown> | null {
  const match = matchingBrackets(tokens);
  let depth = 0;
  let start = -1;
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === "punct" && (token.text === "(" || token.text === "[" || token.text === "{")) depth += 1;
    else if (token.kind === "punct" && (token.text === ")" || token.text === "]" || token.text === "}")) depth -= 1;
    else if (token.kind === "template" && token.text === "${") depth += 1;
    else if (token.kind === "template" && token.text === "}") depth -= 1;
    else if (depth === 0 && token.kind === "name" && token.text === "export" && tokens[k + 1]?.text === "default") {
      if (start >= 0) throw new Decline();
      start = k + 2;
    }
  }
  if (start < 0 || tokens[start]?.text !== "{") return null;
  const end = match.get(start)!;
  checkTail(tokens, end + 1);

  const values: Record<string, unknown> = Object.create(null);
  let k = start + 1;
  while (k < end) {
    const memberEnd = nextMemberEnd(tokens, match, k, end);
    readMember(tokens.slice(k, memberEnd), values, match, k);
    k = memberEnd + 1;
  }
  return { ...values };
}

/** After the object: nothing, `;`, or `satisfies Type` / `as Type` then `;` or the end. */
function checkTail(tokens: Token[], from: number): void {
  let k = from;
  if (tokens[k]?.text === "satisfies" || tokens[k]?.text === "as") {
    k += 1;
    if (tokens[k]?.kind !== "name") throw new Decline();
    k += 1;
    while (tokens[k]?.text === "." && tokens[k + 1]?.kind === "name") k += 2;
  }
  if (k < tokens.length && tokens[k]!.text !== ";") throw new Decline();
}

/** Index of the `,` or closing `}` that ends the member starting at `k`. */
function nextMemberEnd(tokens: Token[], match: Map<number, number>, k: number, end: number): number {
  let j = k;
  while (j < end && tokens[j]!.text !== ",") {
    j = match.has(j) ? match.get(j)! + 1 : j + 1;
  }
  return j;
}

function readMember(member: Token[], values: Record<string, unknown>, match: Map<number, number>, offset: number): void {
  if (member.length === 0) throw new Decline();
  const first = member[0]!;
  if (first.text === "..." || first.text === "[" || first.text === "*") throw new Decline();

  let keyIndex = 0;
  let isAsync = false;
  if ((first.text === "async" || first.text === "get" || first.text === "set") && member.length > 1 && member[1]!.text !== "(" && member[1]!.text !== ":") {
    if (first.text !== "async") {
      if (interesting(keyText(member[1]!))) throw new Decline();
      return;
    }
    isAsync = true;
    keyIndex = 1;
  }
  const key = keyText(member[keyIndex]!);
  if (key === "__proto__") throw new Decline();
  const rest = member.slice(keyIndex + 1);

  if (rest.length === 0) {
    // Shorthand `name,`: its value comes from a variable.
    if (interesting(key)) throw new Decline();
    return;
  }
  if (rest[0]!.text === "(") {
    if (!isMethod(rest, match, offset + keyIndex + 1)) {
      if (interesting(key)) throw new Decline();
      return;
    }
    if (METADATA_KEYS.has(key)) throw new Decline();
    values[key] = FUNCTION_VALUE;
    return;
  }
  if (isAsync || rest[0]!.text !== ":") {
    if (interesting(key)) throw new Decline();
    return;
  }
  const value = rest.slice(1);
  if (METADATA_KEYS.has(key)) values[key] = literal(value);
  else if (FUNCTION_KEYS.has(key)) {
    if (!isFunctionExpression(value)) throw new Decline();
    values[key] = FUNCTION_VALUE;
  }
}

function interesting(key: string): boolean {
  return METADATA_KEYS.has(key) || FUNCTION_KEYS.has(key);
}

function keyText(token: Token): string {
  if (token.kind === "name") return token.text;
  if (token.kind === "string") return decodeString(token.text);
  if (token.kind === "number") return `#number ${token.text}`;
  throw new Decline();
}

/** `(params) { body }` or `(params): Type { body }` ending the member. */
function isMethod(rest: Token[], match: Map<number, number>, offset: number): boolean {
  const paramsEnd = match.get(offset)! - offset;
  let k = paramsEnd + 1;
  if (rest[k]?.text === ":") {
    while (k < rest.length && rest[k]!.text !== "{") k += 1;
  }
  if (rest[k]?.text !== "{") return false;
  return match.get(offset + k)! - offset === rest.length - 1;
}

/** `function ...`, `async function ...`, `(...) => ...`, `async (...) => ...`, `x => ...`. */
function isFunctionExpression(value: Token[]): boolean {
  let k = value[0]?.text === "async" && value.length > 1 ? 1 : 0;
  const head = value[k];
  if (!head) return false;
  if (head.text === "function") return true;
  if (head.kind === "name" && value[k + 1]?.text === "=>") return true;
  if (head.text !== "(") return false;
  let depth = 0;
  for (; k < value.length; k++) {
    const text = value[k]!.text;
    if (text === "(" || text === "[" || text === "{") depth += 1;
    else if (text === ")" || text === "]" || text === "}") depth -= 1;
    else if (text === "=>" && depth === 0) return true;
    if (depth === 0 && text === ")") {
      const next = value[k + 1]?.text;
      return next === "=>" || next === ":" ? value.slice(k + 1).some((t) => t.text === "=>") : false;
    }
  }
  return false;
}

/** A string, null, a boolean, or an array of strings, written as a literal. */
function literal(value: Token[]): unknown {
  if (value.length === 1) {
    const token = value[0]!;
    if (token.kind === "string") return decodeString(token.text);
    if (token.kind === "name" && token.text === "null") return null;
    if (token.kind === "name" && token.text === "true") return true;
    if (token.kind === "name" && token.text === "false") return false;
    throw new Decline();
  }
  if (value[0]?.text !== "[" || value[value.length - 1]?.text !== "]") throw new Decline();
  const items: string[] = [];
  for (let k = 1; k < value.length - 1; k++) {
    const token = value[k]!;
    if (token.kind !== "string") throw new Decline();
    items.push(decodeString(token.text));
    const separator = value[k + 1]!;
    if (separator.text === ",") k += 1;
    else if (k + 1 !== value.length - 1) throw new Decline();
  }
  return items;
}

/** Double-quoted strings JSON reads identically to JavaScript; single-quoted ones only without escapes. */
function decodeString(text: string): string {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new Decline();
    }
  }
  const body = text.slice(1, -1);
  if (body.includes("\\")) throw new Decline();
  return body;
}

function matchingBrackets(tokens: Token[]): Map<number, number> {
  const match = new Map<number, number>();
  const stack: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === "punct" && (token.text === "(" || token.text === "[" || token.text === "{")) stack.push(k);
    else if (token.kind === "punct" && (token.text === ")" || token.text === "]" || token.text === "}")) match.set(stack.pop()!, k);
  }
  return match;
}
