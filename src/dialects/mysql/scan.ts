/**
 * MySQL text scanning shared by the parameter binder (format.ts) and the
 * identifier rewriter (expression.ts): where a quoted string, identifier or
 * comment that starts at `start` ends. Both copy those spans unchanged.
 */

/**
 * End (exclusive) of the quoted span at `start`; a doubled quote stays inside.
 * `\` escapes the next character in MySQL's '…' and "…" strings, not in `…`
 * identifiers (nor in "…" when it is a standard SQL identifier, as in model text).
 */
export function endOfQuoted(text: string, start: number, backslashEscapes = text[start] !== "`"): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (backslashEscapes && ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return text.length;
}

/** True when a comment starts at `i`: `#`, `/*`, or `-- ` (MySQL needs whitespace or the end after "--"). */
export function startsComment(text: string, i: number): boolean {
  return text[i] === "#" || text.startsWith("/*", i) || (text.startsWith("--", i) && /\s/.test(text[i + 2] ?? " "));
}

/** End (exclusive) of the comment at `start`, its closing newline included. */
export function endOfComment(text: string, start: number): number {
  if (text.startsWith("/*", start)) {
    const close = text.indexOf("*/", start + 2);
    return close === -1 ? text.length : close + 2;
  }
  const newline = text.indexOf("\n", start);
  return newline === -1 ? text.length : newline + 1;
}
