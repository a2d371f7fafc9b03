/**
 * The revision graph drawn as text, newest first, like `git log --graph`: one
 * column (lane) per line of descent, `*` for a revision (`@` for one the
 * database is at), `|` `/` `\` for the lines between them, `_` where a line
 * joins a lane further left. Pure: the caller prints the rows and the text
 * beside them. Only parent edges are lines; dependsOn only orders revisions.
 */
import type { RevisionNode } from "./types.js";

export interface GraphRow {
  /** The lanes drawn on this row. */
  graph: string;
  /** The revision drawn on this row (`*` or `@`), or undefined for a row of lines only. */
  revision?: string;
}

/** A line of descent moving from one column to another between two rows. */
interface Track {
  from: number;
  to: number;
}

/**
 * Rows for `nodes` given newest first (children before parents, as
 * `graph.revisions.slice().reverse()`). Parents not among `nodes` (cut off by a
 * range) are left out, so the lane ends there.
 */
export function layoutGraph(nodes: readonly RevisionNode[], current: ReadonlySet<string> = new Set()): GraphRow[] {
  const included = new Set(nodes.map((node) => node.revision));
  const rows: GraphRow[] = [];
  /** The revision each lane is waiting for, left to right. */
  let lanes: string[] = [];

  for (const node of nodes) {
    if (!lanes.includes(node.revision)) lanes.push(node.revision);
    // Several children share this parent: their lanes join the leftmost one, one at a time.
    for (let dup = lanes.lastIndexOf(node.revision); dup !== lanes.indexOf(node.revision); dup = lanes.lastIndexOf(node.revision)) {
      const into = lanes.indexOf(node.revision);
      rows.push(...transition(lanes.map((_, i) => ({ from: i, to: i < dup ? i : i === dup ? into : i - 1 }))));
      lanes = lanes.filter((_, i) => i !== dup);
    }

    const column = lanes.indexOf(node.revision);
    const glyph = current.has(node.revision) ? "@" : "*";
    rows.push({ graph: drawLanes(lanes.length, (i) => (i === column ? glyph : "|")), revision: node.revision });

    const parents = [...new Set(node.downRevisions)].filter((id) => included.has(id));
    const tracks: Track[] = [];
    lanes.forEach((_, i) => {
      if (i < column) tracks.push({ from: i, to: i });
      else if (i > column) tracks.push({ from: i, to: i + parents.length - 1 });
    });
    parents.forEach((_, p) => tracks.push({ from: column, to: column + p }));
    lanes = [...lanes.slice(0, column), ...parents, ...lanes.slice(column + 1)];
    rows.push(...transition(tracks));
  }
  return rows;
}

/** Row text with `lanes` columns, two characters apart. */
function drawLanes(count: number, glyph: (lane: number) => string): string {
  const cells: string[] = [];
  for (let i = 0; i < count; i++) cells.push(glyph(i), " ");
  return cells.join("").trimEnd();
}

/**
 * The rows that move every track to its column: nothing when none moves. Tracks
 * never cross (their targets keep their order), a move right takes one column
 * per row, and a move left takes one row, along `_` when it passes other lanes.
 */
function transition(tracks: Track[]): GraphRow[] {
  const rows: GraphRow[] = [];
  let positions = tracks.map((track) => ({ at: track.from, to: track.to }));
  while (positions.some((p) => p.at !== p.to)) {
    const width = Math.max(...positions.map((p) => Math.max(p.at, p.to))) * 2 + 2;
    const cells = Array.from({ length: width }, () => " ");
    for (const p of positions) {
      if (p.to === p.at) cells[2 * p.at] = "|";
      else if (p.to > p.at) cells[2 * p.at + 1] = "\\";
      else {
        cells[2 * p.at - 1] = "/";
        for (let gap = 2 * p.to + 1; gap < 2 * p.at - 1; gap += 2) cells[gap] = "_";
      }
    }
    rows.push({ graph: cells.join("").trimEnd() });
    positions = positions.map((p) => ({ at: p.to > p.at ? p.at + 1 : p.to, to: p.to }));
  }
  return rows;
}
