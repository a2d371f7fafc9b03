/**
 * joinSourceMaps (revisions compiled as one script): every segment of every
 * piece maps, in the joined map, to the source, line, column and name it has
 * in its own map, whatever the pieces' sources and names.
 */
import Module from "node:module";
import { describe, expect, it } from "vitest";
import { joinSourceMaps, type RawSourceMap } from "../../src/revisions/source-map-join.js";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function vlq(value: number): string {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let text = "";
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    text += BASE64[rest > 0 ? digit | 32 : digit];
  } while (rest > 0);
  return text;
}

interface Mapped {
  line: number;
  column: number;
  source: string;
  originalLine: number;
  originalColumn: number;
  name?: string;
}

/** A map with random segments (some with no source, some with names), and what each maps to. */
function randomMap(piece: number, next: (n: number) => number): { map: RawSourceMap; mapped: Mapped[] } {
  const sources = Array.from({ length: 1 + next(3) }, (_, i) => `/p${piece}/s${i}.ts`);
  const names = Array.from({ length: next(3) }, (_, i) => `p${piece}n${i}`);
  const mapped: Mapped[] = [];
  const last = { source: 0, line: 0, column: 0, name: 0 };
  const lines: string[] = [];
  for (let line = 0, count = 1 + next(4); line < count; line++) {
    const segments: string[] = [];
    let column = 0;
    for (let i = 0, k = next(5); i < k; i++) {
      const at = column + 1 + next(30);
      let text = vlq(at - column);
      column = at;
      const kind = next(3);
      if (kind > 0) {
        const source = next(sources.length);
        const originalLine = next(60);
        const originalColumn = next(90);
        text += vlq(source - last.source) + vlq(originalLine - last.line) + vlq(originalColumn - last.column);
        Object.assign(last, { source, line: originalLine, column: originalColumn });
        const entry: Mapped = { line, column: at, source: sources[source]!, originalLine, originalColumn };
        if (kind === 2 && names.length > 0) {
          const name = next(names.length);
          text += vlq(name - last.name);
          last.name = name;
          entry.name = names[name]!;
        }
        mapped.push(entry);
      }
      segments.push(text);
    }
    lines.push(segments.join(","));
  }
  return { map: { version: 3, sources, names, mappings: lines.join(";") }, mapped };
}

describe("joinSourceMaps", () => {
  it("keeps every position of every piece, with sources and names of several pieces", () => {
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let trial = 0; trial < 100; trial++) {
      const pieces = [0, 1, 2, 3].map((piece) => randomMap(piece, next));
      const starts = [1, 7, 13, 20];
      const joined = new Module.SourceMap(joinSourceMaps(pieces.map(({ map }, i) => ({ map, line: starts[i]! }))) as never);
      pieces.forEach(({ mapped }, i) => {
        for (const entry of mapped) {
          const found = joined.findEntry(entry.line + starts[i]!, entry.column) as { originalSource: string; originalLine: number; originalColumn: number; name?: string };
          expect([found.originalSource.replace(/^file:\/\//, ""), found.originalLine, found.originalColumn]).toEqual([entry.source, entry.originalLine, entry.originalColumn]);
          if (entry.name !== undefined) expect(found.name).toBe(entry.name);
        }
      });
    }
  });

  it("refuses pieces that would share a line", () => {
    const map: RawSourceMap = { version: 3, sources: ["/a.ts"], names: [], mappings: "AAAA;AACA" };
    expect(() => joinSourceMaps([{ map, line: 0 }, { map, line: 1 }])).toThrow(/overlap/);
  });
});
