/**
 * Joins the source maps of several pieces of generated code placed one after
 * the other in one script into one source map (version 3, no sections: Node's
 * source map cache does not take index maps). Each piece keeps its own sources
 * and names; its mappings move down by the line the piece starts on.
 */

export interface RawSourceMap {
  version: 3;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: (string | null)[];
}

export interface MapPiece {
  map: RawSourceMap;
  /** 0-based line of the joined script on which the piece's first line is. */
  line: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Base64 digit of each character code (-1: not a digit). */
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGITS[BASE64.charCodeAt(i)] = i;
const COMMA = 44;
const SEMICOLON = 59;

function encodeValue(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let text = "";
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    text += BASE64[rest > 0 ? digit | 32 : digit];
  } while (rest > 0);
  return text;
}

interface Segment {
  start: number;
  end: number;
  values: number[];
}

/**
 * A piece's mappings read once: its first segment with a source and its first
 * with a name (their places and values), and the sums of all its relative
 * values (the absolute source, line, column and name its last segment leaves).
 */
function scan(mappings: string): { sourced?: Segment; named?: Segment; sums: number[] } {
  const sums = [0, 0, 0, 0, 0];
  let sourced: Segment | undefined;
  let named: Segment | undefined;
  const values: number[] = [];
  let start = 0;
  let value = 0;
  let shift = 0;
  const endSegment = (end: number) => {
    if (values.length === 0) return;
    if (values.length !== 1 && values.length !== 4 && values.length !== 5) throw new Error("invalid source map segment");
    for (let f = 1; f < values.length; f++) sums[f]! += values[f]!;
    if (!sourced && values.length >= 4) sourced = { start, end, values: [...values] };
    if (!named && values.length === 5) named = { start, end, values: [...values] };
    values.length = 0;
  };
  for (let i = 0; i < mappings.length; i++) {
    const code = mappings.charCodeAt(i);
    if (code === COMMA || code === SEMICOLON) {
      if (shift !== 0) throw new Error("truncated source map segment");
      endSegment(i);
      start = i + 1;
      continue;
    }
    const digit = code < 128 ? DIGITS[code]! : -1;
    if (digit < 0) throw new Error(`invalid source map mappings character ${JSON.stringify(mappings[i])}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new Error("truncated source map segment");
  endSegment(mappings.length);
  return { ...(sourced ? { sourced } : {}), ...(named ? { named } : {}), sums };
}

/**
 * One source map for the pieces, in order of their lines (each piece starting
 * on a line below the previous one's last). A piece's mappings are relative to
 * its own previous segment, continuing across lines: only its first segment
 * with a source (and its first with a name) change, to be relative to the
 * previous piece's last; the rest is copied as it is.
 */
export function joinSourceMaps(pieces: readonly MapPiece[]): RawSourceMap {
  const sources: string[] = [];
  const names: string[] = [];
  const parts: string[] = [];
  let lines = 0;
  // Absolute source, original line, original column and name of the last segment written (index 0 unused).
  const last = [0, 0, 0, 0, 0];
  for (const { map, line } of pieces) {
    if (line < lines || (parts.length > 0 && line === lines)) throw new Error("source map pieces overlap");
    const bases = [0, sources.length, 0, 0, names.length];
    sources.push(...map.sources);
    names.push(...map.names);
    const { sourced, named, sums } = scan(map.mappings);
    // Lines end with ";": the piece's first line is `line`.
    parts.push(";".repeat(line - lines));
    /** The segment with its fields from `from` on made relative to the previous piece's last. */
    const rebased = (segment: Segment, from: number) =>
      segment.values.map((v, f) => encodeValue(f >= from ? bases[f]! + v - last[f]! : v)).join("");
    let mappings = map.mappings;
    // The first named segment comes at or after the first with a source: replaced first, the other's place holds.
    if (named && named !== sourced) mappings = mappings.slice(0, named.start) + rebased(named, 4) + mappings.slice(named.end);
    if (sourced) mappings = mappings.slice(0, sourced.start) + rebased(sourced, 1) + mappings.slice(sourced.end);
    parts.push(mappings);
    if (sourced) for (let f = 1; f <= 3; f++) last[f] = bases[f]! + sums[f]!;
    if (named) last[4] = bases[4]! + sums[4]!;
    lines = line + mappings.split(";").length - 1;
  }
  return { version: 3, sources, names, mappings: parts.join("") };
}
