/**
 * Finds the line of a revision file that called an `op` method, from a stack
 * captured at the call.
 *
 * Two kinds of frames point into a revision file:
 * - a file path or file URL (ES module revisions; tsx maps the position back to
 *   the TypeScript source). The URL may carry `?kiln=...` / `?namespace=...`.
 * - a `data:text/javascript,...?filePath=...` URL: tsx runs a revision that Node
 *   treats as CommonJS (no "type": "module") as generated code without a source
 *   map. Its position is in that generated code, which the URL itself holds; the
 *   call is mapped back by counting: the n-th call of the same function in the
 *   generated code is the n-th call in the source (the transform keeps calls in
 *   order and drops only comments and types).
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface Frame {
  /** File system path of the module (query removed). */
  path: string;
  line: number;
  column: number;
  /** Generated code the position refers to (data: URL frames). */
  generated?: string;
}

const DATA_PREFIX = "data:text/javascript,";
const FILE_PATH_PARAM = "?filePath=";

function withoutQuery(text: string): string {
  const query = text.indexOf("?");
  return query < 0 ? text : text.slice(0, query);
}

function toPath(location: string): string | undefined {
  try {
    if (location.startsWith("file://")) return fileURLToPath(withoutQuery(location));
  } catch {
    return undefined;
  }
  return withoutQuery(location);
}

function parseFrame(text: string): Frame | undefined {
  const position = /:(\d+):(\d+)\)?\s*$/.exec(text);
  if (!position) return undefined;
  const line = Number(position[1]);
  const column = Number(position[2]);
  const head = text.slice(0, position.index);
  const data = head.indexOf(DATA_PREFIX);
  if (data >= 0) {
    const url = head.slice(data);
    const param = url.lastIndexOf(FILE_PATH_PARAM);
    if (param < 0) return undefined;
    try {
      const path = toPath(decodeURIComponent(url.slice(param + FILE_PATH_PARAM.length)));
      const generated = decodeURIComponent(url.slice(DATA_PREFIX.length, param));
      return path === undefined ? undefined : { path, line, column, generated };
    } catch {
      return undefined;
    }
  }
  const location = /(?:\(|^\s*at (?:async )?)((?:file:\/\/|\/|[A-Za-z]:[\\/]).*)$/.exec(head);
  if (!location) return undefined;
  const path = toPath(location[1]!);
  return path === undefined ? undefined : { path, line, column };
}

/** Real paths already looked up: a stack has many frames, mostly in the same few files. */
const canonicalPaths = new Map<string, string>();

function canonical(path: string): string {
  let real = canonicalPaths.get(path);
  if (real === undefined) {
    try {
      real = realpathSync(path);
    } catch {
      real = resolve(path);
    }
    canonicalPaths.set(path, real);
  }
  return real;
}

/** The source with comments blanked out (line breaks kept, so offsets keep their line). */
export function blankComments(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? source.length : end;
      out += " ".repeat(stop - i);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < source.length && source[j] !== c) {
        if (source[j] === "\\") j++;
        else if (c !== "`" && source[j] === "\n") break;
        j++;
      }
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const end = text.indexOf("\n", offset);
    if (end < 0) return -1;
    offset = end + 1;
  }
  return offset + column - 1;
}

/** Maps a call position in tsx's generated code back to a source line (see the file comment). */
function mapGeneratedCall(frame: Frame & { generated: string }, source: string): number | undefined {
  const offset = offsetOf(frame.generated, frame.line, frame.column);
  if (offset < 0) return undefined;
  const callee = /^[A-Za-z_$][\w$]*/.exec(frame.generated.slice(offset))?.[0];
  if (!callee) return undefined;
  const call = new RegExp(`(?<![\\w$])${escapeRegExp(callee)}\\s*\\(`, "g");
  let index = 0;
  for (const match of frame.generated.matchAll(call)) {
    if (match.index! >= offset) break;
    index++;
  }
  const original = [...blankComments(source).matchAll(call)][index];
  if (!original) return undefined;
  return source.slice(0, original.index).split("\n").length;
}

/**
 * The line in `file` (whose text is `source`) of the innermost call in `stack`
 * made from that file, or undefined when no frame is in it.
 */
export function callSiteLine(stack: string, file: string, source: string): number | undefined {
  const wanted = canonical(file);
  for (const text of stack.split("\n").slice(1)) {
    const frame = parseFrame(text);
    if (!frame || (frame.path !== file && canonical(frame.path) !== wanted)) continue;
    if (frame.generated === undefined) return frame.line;
    return mapGeneratedCall(frame as Frame & { generated: string }, source);
  }
  return undefined;
}

/**
 * The stack at the call, with room for the frames between the revision and
 * kiln, as `new Error().stack` gives it in Node's own format: a custom
 * Error.prepareStackTrace (test runners, source-map libraries) is set aside so
 * Node applies the source maps of the revision. The frames are taken now; the
 * text (the costly part: source maps) is made on the first call, if ever.
 */
export function captureStack(): () => string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  let error: Error;
  try {
    error = new Error("call site");
  } finally {
    Error.stackTraceLimit = limit;
  }
  let text: string | undefined;
  return () => {
    if (text !== undefined) return text;
    const custom = Error.prepareStackTrace;
    // Deleting (not assigning undefined) restores Node's formatter; the Node types do not allow undefined.
    delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
    try {
      text = error.stack ?? "";
    } finally {
      if (custom !== undefined) Error.prepareStackTrace = custom;
    }
    return text;
  };
}
