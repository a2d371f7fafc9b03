/**
 * The revision graph drawn for people: `kiln history --graph` lanes and the
 * Mermaid / DOT diagrams of `kiln graph`, as pure functions of the graph.
 */
import { describe, expect, it } from "vitest";
import { renderGraph, mermaidText, dotString, nodeLabel } from "../../src/revisions/graph-export.js";
import { layoutGraph } from "../../src/revisions/graph-layout.js";
import { buildGraph } from "../../src/revisions/graph.js";
import type { RevisionNode } from "../../src/revisions/types.js";

/** Revisions in file-name order (kiln file names start with a timestamp). */
function project(spec: [revision: string, parents?: string[], extra?: Partial<RevisionNode>][]): RevisionNode[] {
  return spec.map(([revision, parents = [], extra = {}], index) => ({
    revision,
    downRevisions: parents,
    dependsOn: [],
    branchLabels: [],
    message: `message of ${revision}`,
    file: `/project/migrations/${String(index).padStart(3, "0")}_${revision}.ts`,
    ...extra,
  }));
}

/** The drawing as `history --graph` prints it (newest first), revision ids beside the nodes. */
function draw(nodes: RevisionNode[], current: string[] = []): string[] {
  const newestFirst = buildGraph(nodes).revisions.slice().reverse();
  return layoutGraph(newestFirst, new Set(current)).map((row) => (row.revision ? `${row.graph}  ${row.revision}` : row.graph));
}

describe("layoutGraph (history --graph)", () => {
  it("draws a linear history as one lane, @ at the current revision", () => {
    expect(draw(project([["a"], ["b", ["a"]], ["c", ["b"]]]), ["b"])).toEqual(["*  c", "@  b", "*  a"]);
  });

  it("draws a branch point: two heads whose lanes join above their parent", () => {
    expect(draw(project([["a"], ["b", ["a"]], ["c", ["a"]]]))).toEqual(["*  c", "| *  b", "|/", "*  a"]);
  });

  it("draws a merge: the lane splits below the merge and joins again at the branch point", () => {
    expect(draw(project([["a"], ["b", ["a"]], ["c", ["a"]], ["d", ["b", "c"]]]))).toEqual([
      "*  d",
      "|\\",
      "| *  c",
      "* |  b",
      "|/",
      "*  a",
    ]);
  });

  it("draws a three-parent merge and joins lanes that are not next to each other along _", () => {
    expect(draw(project([["a"], ["b", ["a"]], ["c", ["a"]], ["d", ["a"]], ["e", ["b", "c", "d"]]]))).toEqual([
      "*  e",
      "|\\",
      "| |\\",
      "| | *  d",
      "| * |  c",
      "* | |  b",
      "|_|/",
      "|/",
      "*  a",
    ]);
  });

  it("draws several roots: a lane ends at its base and the lanes right of it move left", () => {
    expect(draw(project([["a"], ["b"], ["c", ["a"]], ["d", ["b"]]]))).toEqual(["*  d", "| *  c", "* |  b", " /", "*  a"]);
  });

  it("draws dependsOn as order only (no line), and a second root beside the trunk", () => {
    const nodes = project([["a"], ["b", ["a"]], ["x"], ["c", ["b"]], ["e", ["x"], { dependsOn: ["c"] }]]);
    expect(draw(nodes)).toEqual(["*  e", "| *  c", "* |  x", " /", "*  b", "*  a"]);
  });

  it("ends a lane at a parent outside the drawn range", () => {
    const nodes = project([["a"], ["b", ["a"]], ["c", ["b"]]]);
    const newestFirst = buildGraph(nodes).revisions.slice().reverse().slice(0, 2);
    expect(layoutGraph(newestFirst).map((row) => row.graph)).toEqual(["*", "*"]);
  });

  it("draws the graph only: a hostile message never reaches the lanes", () => {
    const nodes = project([["a", [], { message: "x\n| * fake\u001b[2J" }], ["b", ["a"]]]);
    expect(layoutGraph(buildGraph(nodes).revisions.slice().reverse()).map((row) => row.graph)).toEqual(["*", "*"]);
  });
});

describe("renderGraph (kiln graph)", () => {
  const branchy = project([
    ["a1b2c3d4e5f6", [], { message: "create users" }],
    ["b2", ["a1b2c3d4e5f6"]],
    ["c3", ["a1b2c3d4e5f6"]],
    ["d4", ["b2", "c3"], { message: "merge" }],
    ["e5", [], { dependsOn: ["d4"] }],
  ]);

  it("writes a Mermaid flowchart: parent --> child, dependsOn dashed, the current revision marked", () => {
    expect(renderGraph("mermaid", branchy, new Set(["d4"]))).toBe(
      [
        "flowchart TD",
        '  n0["a1b2c3d4e5f6 create users"]',
        '  n1["b2 message of b2"]',
        '  n2["c3 message of c3"]',
        '  n3["d4 merge"]',
        '  n4["e5 message of e5"]',
        "  n0 --> n1",
        "  n0 --> n2",
        "  n1 --> n3",
        "  n2 --> n3",
        "  n3 -.->|depends on| n4",
        "  classDef current stroke-width:3px",
        "  class n3 current",
        "",
      ].join("\n"),
    );
  });

  it("writes a DOT digraph with the same edges", () => {
    const dot = renderGraph("dot", branchy, new Set(["d4"]));
    expect(dot.split("\n")).toEqual([
      "digraph revisions {",
      "  rankdir=TB;",
      "  node [shape=box];",
      '  "a1b2c3d4e5f6" [label="a1b2c3d4e5f6 create users"];',
      '  "b2" [label="b2 message of b2"];',
      '  "c3" [label="c3 message of c3"];',
      '  "d4" [label="d4 merge", penwidth=3];',
      '  "e5" [label="e5 message of e5"];',
      '  "a1b2c3d4e5f6" -> "b2";',
      '  "a1b2c3d4e5f6" -> "c3";',
      '  "b2" -> "d4";',
      '  "c3" -> "d4";',
      '  "d4" -> "e5" [style=dashed, label="depends on"];',
      "}",
      "",
    ]);
  });

  it("labels with a short id and the first line of the message, cut when long", () => {
    const [node] = project([["0123456789abcdef", [], { message: `${"m".repeat(80)}\nsecond line` }]]);
    expect(nodeLabel(node!)).toBe(`0123456789a… ${"m".repeat(59)}…`);
  });

  // All on the first line (the one labels show): quotes, brackets, comment and markup, escapes, controls.
  const hostile = 'x"]; e["p"] --> n0 %% <b>i</b> \\" \t\u001b[31m\u202e';

  it("keeps a hostile message inside its Mermaid label", () => {
    const text = renderGraph("mermaid", project([["a", [], { message: hostile }], ["b", ["a"]]]));
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^ {2}n0\["[^"\]\[<>\\\u001b\u202e%\n]*"\]$/);
    expect(lines[2]).toBe('  n1["b message of b"]');
    expect(lines[3]).toBe("  n0 --> n1");
    expect(mermaidText('a"b]<#')).toBe("a#34;b#93;#60;#35;");
  });

  it("keeps a hostile message inside its DOT label", () => {
    const text = renderGraph("dot", project([["a", [], { message: hostile }]]));
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    const label = lines[3]!;
    // Inside the quotes only escaped quotes and backslashes, no control characters.
    expect(label).toMatch(/^ {2}"a" \[label="(?:[^"\\\u0000-\u001f\u007f-\u009f\u202e]|\\["\\])*"\];$/);
    expect(dotString('a"b\\')).toBe('"a\\"b\\\\"');
  });
});
