import { describe, expect, it } from "vitest";
import { buildGraph } from "../../src/revisions/graph.js";
import type { RevisionNode } from "../../src/revisions/types.js";
import { kilnErrorOf } from "../helpers/errors.js";

/** A revision whose file name sorts by `order` (kiln file names start with a timestamp). */
function rev(
  revision: string,
  parents: string[] = [],
  extra: Partial<Pick<RevisionNode, "dependsOn" | "branchLabels" | "message">> & { order?: number } = {},
): RevisionNode {
  const order = String(extra.order ?? 0).padStart(3, "0");
  return {
    revision,
    downRevisions: parents,
    dependsOn: extra.dependsOn ?? [],
    branchLabels: extra.branchLabels ?? [],
    message: extra.message ?? `message of ${revision}`,
    file: `/project/migrations/${order}_${revision}.ts`,
  };
}

const ids = (nodes: readonly RevisionNode[]) => nodes.map((node) => node.revision);
const sorted = (set: Set<string>) => [...set].sort();

const errorOf = kilnErrorOf;

describe("buildGraph: shapes", () => {
  it("orders a linear history parents first, whatever the input order", () => {
    const graph = buildGraph([rev("c", ["b"], { order: 3 }), rev("a", [], { order: 1 }), rev("b", ["a"], { order: 2 })]);
    expect(ids(graph.revisions)).toEqual(["a", "b", "c"]);
    expect(ids(graph.heads())).toEqual(["c"]);
    expect(ids(graph.bases())).toEqual(["a"]);
    expect(sorted(graph.ancestors("c"))).toEqual(["a", "b"]);
    expect(sorted(graph.descendants("a"))).toEqual(["b", "c"]);
    expect(graph.ancestors("a").size).toBe(0);
    expect(graph.isHead("c")).toBe(true);
    expect(graph.isHead("b")).toBe(false);
    expect(graph.branchPoints()).toEqual([]);
    expect(graph.order("b")).toBe(1);
  });

  it("handles branches and merges", () => {
    //      b1 - b2
    //    /          \
    // a              m
    //    \          /
    //      c1 ----
    const graph = buildGraph([
      rev("a", [], { order: 1 }),
      rev("b1", ["a"], { order: 2 }),
      rev("c1", ["a"], { order: 3 }),
      rev("b2", ["b1"], { order: 4 }),
      rev("m", ["b2", "c1"], { order: 5 }),
    ]);
    expect(ids(graph.revisions)).toEqual(["a", "b1", "c1", "b2", "m"]);
    expect(ids(graph.heads())).toEqual(["m"]);
    expect(ids(graph.branchPoints())).toEqual(["a"]);
    expect(ids(graph.children("a"))).toEqual(["b1", "c1"]);
    expect(sorted(graph.ancestors("m"))).toEqual(["a", "b1", "b2", "c1"]);
    expect(sorted(graph.descendants("c1"))).toEqual(["m"]);
  });

  it("ties in the topological order go to the file name that sorts first", () => {
    const graph = buildGraph([rev("a", [], { order: 1 }), rev("z", ["a"], { order: 2 }), rev("y", ["a"], { order: 3 })]);
    expect(ids(graph.revisions)).toEqual(["a", "z", "y"]);
    expect(ids(graph.heads())).toEqual(["z", "y"]);
  });

  it("supports several bases", () => {
    const graph = buildGraph([rev("x1", [], { order: 1 }), rev("y1", [], { order: 2 }), rev("x2", ["x1"], { order: 3 })]);
    expect(ids(graph.bases())).toEqual(["x1", "y1"]);
    expect(ids(graph.heads())).toEqual(["y1", "x2"]);
  });

  it("counts dependsOn in ancestors and descendants but not in heads or children", () => {
    const graph = buildGraph([
      rev("a1", [], { order: 1 }),
      rev("b1", [], { order: 2, dependsOn: ["a1"] }),
      rev("b2", ["b1"], { order: 3 }),
    ]);
    expect(ids(graph.heads())).toEqual(["a1", "b2"]);
    expect(ids(graph.bases())).toEqual(["a1", "b1"]);
    expect(sorted(graph.ancestors("b2"))).toEqual(["a1", "b1"]);
    expect(sorted(graph.descendants("a1"))).toEqual(["b1", "b2"]);
    expect(ids(graph.dependents("a1"))).toEqual(["b1"]);
    expect(graph.children("a1")).toEqual([]);
    expect(graph.isHead("a1")).toBe(true);
  });

  it("places a dependency before its dependent even when its file sorts later", () => {
    const graph = buildGraph([rev("early", [], { order: 1, dependsOn: ["late"] }), rev("late", [], { order: 9 })]);
    expect(ids(graph.revisions)).toEqual(["late", "early"]);
  });

  it("get() returns the node and names unknown ids", () => {
    const graph = buildGraph([rev("a")]);
    expect(graph.get("a").file).toBe("/project/migrations/000_a.ts");
    expect(graph.has("nope")).toBe(false);
    expect(errorOf(() => graph.get("nope")).message).toContain('unknown revision "nope"');
  });

  it("builds an empty graph", () => {
    const graph = buildGraph([]);
    expect(graph.heads()).toEqual([]);
    expect(graph.bases()).toEqual([]);
  });
});

describe("buildGraph: branch labels", () => {
  // a - b (branch point) - c1 [feature] - d1
  //                      \ c2 - d2
  const graph = buildGraph([
    rev("a", [], { order: 1, branchLabels: ["main"] }),
    rev("b", ["a"], { order: 2 }),
    rev("c1", ["b"], { order: 3, branchLabels: ["feature"] }),
    rev("c2", ["b"], { order: 4 }),
    rev("d1", ["c1"], { order: 5 }),
    rev("d2", ["c2"], { order: 6 }),
  ]);

  it("a label covers its revision, its descendants and its chain down to the branch point", () => {
    expect(ids(graph.labelMembers("feature"))).toEqual(["c1", "d1"]);
    expect(ids(graph.labelMembers("main"))).toEqual(["a", "b", "c1", "c2", "d1", "d2"]);
    expect(graph.labelOwner("feature")?.revision).toBe("c1");
    expect(graph.labelOwner("nope")).toBeUndefined();
    expect(graph.labels()).toEqual(["feature", "main"]);
    expect(graph.labelsOf("d1")).toEqual(["feature", "main"]);
    expect(graph.labelsOf("d2")).toEqual(["main"]);
  });

  it("a label declared on a tip extends down a linear chain", () => {
    const linear = buildGraph([rev("a", [], { order: 1 }), rev("b", ["a"], { order: 2 }), rev("c", ["b"], { order: 3, branchLabels: ["tip"] })]);
    expect(ids(linear.labelMembers("tip"))).toEqual(["a", "b", "c"]);
  });
});

describe("buildGraph: errors", () => {
  it("names both files of a duplicate id", () => {
    const error = errorOf(() => buildGraph([rev("a", [], { order: 1 }), rev("a", [], { order: 2 })]));
    expect(error.message).toContain('revision id "a" is used by two files');
    expect(error.message).toContain("/project/migrations/001_a.ts");
    expect(error.message).toContain("/project/migrations/002_a.ts");
  });

  it("names the file and the missing parent", () => {
    const error = errorOf(() => buildGraph([rev("a"), rev("b", ["zzz"], { order: 2 })]));
    expect(error.message).toContain("revision b (/project/migrations/002_b.ts)");
    expect(error.message).toContain('downRevision "zzz"');
    expect(error.message).toContain("no revision file has that id");
  });

  it("names an unknown dependsOn", () => {
    const error = errorOf(() => buildGraph([rev("a", [], { dependsOn: ["ghost"] })]));
    expect(error.message).toContain('depends on "ghost"');
    expect(error.message).toContain("000_a.ts");
  });

  it("reports a revision that is its own parent", () => {
    expect(errorOf(() => buildGraph([rev("a", ["a"])])).message).toContain("lists itself as its downRevision");
  });

  it("names the revisions and files of a cycle", () => {
    const error = errorOf(() =>
      buildGraph([rev("root"), rev("a", ["c"], { order: 1 }), rev("b", ["a"], { order: 2 }), rev("c", ["b"], { order: 3 }), rev("d", ["c"], { order: 4 })]),
    );
    expect(error.message).toMatch(/cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/);
    expect(error.details).toEqual(
      expect.arrayContaining(["a  /project/migrations/001_a.ts", "b  /project/migrations/002_b.ts", "c  /project/migrations/003_c.ts"]),
    );
    expect(error.details).toHaveLength(3);
  });

  it("reports a cycle made through dependsOn", () => {
    const error = errorOf(() => buildGraph([rev("a", [], { dependsOn: ["b"] }), rev("b", ["a"], { order: 1 })]));
    expect(error.message).toContain("cycle");
    expect(error.details).toHaveLength(2);
  });

  it("names both revisions that declare the same label", () => {
    const error = errorOf(() =>
      buildGraph([rev("a", [], { branchLabels: ["x"] }), rev("b", [], { order: 1, branchLabels: ["x"] })]),
    );
    expect(error.message).toContain('branch label "x" is declared twice');
    expect(error.message).toContain("000_a.ts");
    expect(error.message).toContain("001_b.ts");
  });

  it("rejects reserved, malformed and id-shadowing labels", () => {
    expect(errorOf(() => buildGraph([rev("a", [], { branchLabels: ["head"] })])).message).toContain("reserved word");
    expect(errorOf(() => buildGraph([rev("a", [], { branchLabels: ["x@y"] })])).message).toContain('cannot contain "@"');
    expect(errorOf(() => buildGraph([rev("a", [], { branchLabels: ["b"] }), rev("b")])).message).toContain(
      "is also the id of revision b",
    );
  });
});

describe("buildGraph: isAncestor", () => {
  it("answers exactly what ancestors() says, on random DAGs with branches, merges and dependsOn", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 30; round++) {
      const nodes: RevisionNode[] = [];
      const count = 2 + Math.floor(random() * 25);
      for (let i = 0; i < count; i++) {
        const earlier = nodes.map((node) => node.revision);
        const pick = () => earlier[Math.floor(random() * earlier.length)]!;
        const parents = earlier.length === 0 || random() < 0.1 ? [] : [...new Set([pick(), ...(random() < 0.3 ? [pick()] : [])])];
        const dependsOn = earlier.length > 0 && random() < 0.2 ? [pick()].filter((d) => !parents.includes(d)) : [];
        // File names in reverse creation order, so topological order is not file order.
        nodes.push(rev(`r${i}`, parents, { dependsOn, order: count - i }));
      }
      const graph = buildGraph(nodes);
      for (const a of nodes) {
        for (const b of nodes) {
          expect(graph.isAncestor(a.revision, b.revision), `${a.revision} ancestor of ${b.revision}`).toBe(graph.ancestors(b.revision).has(a.revision));
        }
      }
    }
  });
});
