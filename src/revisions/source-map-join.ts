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
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** The values of one segment (base64 VLQ), as written (relative). */
function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`invalid source map mappings character ${JSON.stringify(c)}`);
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
  return values;
}

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

/** One source map for the pieces, in order of their lines (a piece must start below the previous one's last mapped line). */
export function joinSourceMaps(pieces: readonly MapPiece[]): RawSourceMap {
  const sources: string[] = [];
  const names: string[] = [];
  const lines: string[] = [];
  // Absolute values of the last segment written: the joined mappings are relative to them.
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  let name = 0;
  for (const { map, line } of pieces) {
    if (line < lines.length) throw new Error("source map pieces overlap");
    while (lines.length < line) lines.push("");
    const sourceBase = sources.length;
    const nameBase = names.length;
    sources.push(...map.sources);
    names.push(...map.names);
    // This piece's own running values (its mappings are relative within the piece).
    let pieceSource = 0;
    let pieceLine = 0;
    let pieceColumn = 0;
    let pieceName = 0;
    for (const lineText of map.mappings.split(";")) {
      // Generated columns are relative to the previous segment of the same line.
      let column = 0;
      let written = 0;
      const segments: string[] = [];
      for (const segmentText of lineText.split(",")) {
        if (segmentText === "") continue;
        const values = decodeSegment(segmentText);
        column += values[0]!;
        let out = encodeValue(column - written);
        written = column;
        if (values.length >= 4) {
          pieceSource += values[1]!;
          pieceLine += values[2]!;
          pieceColumn += values[3]!;
          out += encodeValue(sourceBase + pieceSource - source) + encodeValue(pieceLine - originalLine) + encodeValue(pieceColumn - originalColumn);
          source = sourceBase + pieceSource;
          originalLine = pieceLine;
          originalColumn = pieceColumn;
          if (values.length >= 5) {
            pieceName += values[4]!;
            out += encodeValue(nameBase + pieceName - name);
            name = nameBase + pieceName;
          }
        }
        segments.push(out);
      }
      lines.push(segments.join(","));
    }
  }
  return { version: 3, sources, names, mappings: lines.join(";") };
}
