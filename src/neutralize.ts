/**
 * Text from outside kiln (revision messages, names, database errors, command
 * arguments) made safe for the place it is written to: a comment in a SQL
 * script or a TypeScript file must not end early (a line break after `--`, a
 * `*\/`), and the terminal must not obey control sequences (ESC, CR, bidi
 * overrides). Unsafe characters become visible escapes such as `\n`, `\x1b`
 * or `\u{202e}`, so the reader still sees that they were there.
 */

/** Line breaks as JavaScript, SQL and terminals count them: LF, CR, NEL, LS, PS. */
const LINE_BREAKS = new Set([0x0a, 0x0d, 0x85, 0x2028, 0x2029]);

/** Characters that reorder or hide text on screen (Trojan Source): bidi embeddings, overrides, isolates, marks. */
const BIDI_CONTROLS = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

const NAMED_ESCAPES: Record<number, string> = { 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };

function isControl(code: number): boolean {
  // C0 controls, DEL and C1 controls (C1 0x9b is a one-byte CSI on some terminals).
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function escapeChar(code: number): string {
  const named = NAMED_ESCAPES[code];
  if (named) return named;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
}

/** Replaces each unsafe character (as `unsafe` decides) by its visible escape. */
function escapeWhere(text: string, unsafe: (code: number) => boolean): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out += unsafe(code) ? escapeChar(code) : char;
  }
  return out;
}

const unsafeOnOneLine = (code: number) => isControl(code) || LINE_BREAKS.has(code) || BIDI_CONTROLS.has(code);

/** One line of text for the terminal: no control character, no line break, no bidi control. */
export function terminalText(text: string): string {
  return escapeWhere(text, unsafeOnOneLine);
}

/** A possibly multi-line message for the terminal: line breaks (LF) and tabs stay, every other control is escaped. */
export function terminalMessage(text: string): string {
  return escapeWhere(text.replace(/\r\n/g, "\n"), (code) => code !== 0x0a && code !== 0x09 && unsafeOnOneLine(code));
}

/** Text for a SQL `-- ` comment: nothing in it can end the line, so nothing after it becomes a statement. */
export function sqlLineComment(text: string): string {
  return escapeWhere(text, unsafeOnOneLine);
}

/**
 * Text for a SQL `/* ... *\/` comment: one line, with `*\/` and `/*` broken up
 * (PostgreSQL nests block comments, so a stray `/*` would swallow what follows).
 */
export function sqlBlockComment(text: string): string {
  return breakCommentMarkers(escapeWhere(text, unsafeOnOneLine));
}

/** Text for a TypeScript `//` comment: nothing in it can end the line. */
export function codeLineComment(text: string): string {
  return escapeWhere(text, unsafeOnOneLine);
}

/** The lines of text for a TypeScript `/** ... *\/` comment: split at line breaks, each line safe, `*\/` broken up. */
export function codeBlockCommentLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u0085\u2028\u2029]/).map((line) => breakCommentMarkers(escapeWhere(line, unsafeOnOneLine)));
}

function breakCommentMarkers(text: string): string {
  return text.replace(/\*\//g, "* /").replace(/\/\*/g, "/ *");
}
