import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { buildGraph, type RevisionGraph } from "../../src/revisions/graph.js";
import {
  appliedRevisions,
  nextHeads,
  parseRange,
  planDowngrade,
  planUpgrade,
  resolveRevision,
  resolveRevisions,
  type Step,
} from "../../src/revisions/resolve.js";
import type { RevisionNode } from "../../src/revisions/types.js";
import { kilnErrorOf } from "../helpers/errors.js";

let fileOrder = 0;
function rev(revision: string, parents: string[] = [], extra: { dependsOn?: string[]; branchLabels?: string[] } = {}): RevisionNode {
  fileOrder += 1;
  return {
    revision,
    downRevisions: parents,
    dependsOn: extra.dependsOn ?? [],
    branchLabels: extra.branchLabels ?? [],
    message: `msg ${revision}`,
    file: `/m/${String(fileOrder).padStart(4, "0")}_${revision}.ts`,
  };
}

const failure = kilnErrorOf;

const ups = (steps: Step[]) => steps.map((step) => `+${step.revision.revision}`);
const downs = (steps: Step[]) => steps.map((step) => `-${step.revision.revision}`);

/** Applies steps one by one through nextHeads, as the runner does. */
function run(graph: RevisionGraph, heads: string[], steps: Step[]): string[] {
  return steps.reduce((current, step) => nextHeads(graph, current, step), heads);
}

// aaaa0001 - aaaa0002 - abcd0003 - abce0004
const linear = buildGraph([rev("aaaa0001"), rev("aaaa0002", ["aaaa0001"]), rev("abcd0003", ["aaaa0002"]), rev("abce0004", ["abcd0003"])]);

// root - r2 - f1 [feature] - f2
//           \ g1 [other] - g2
const branched = buildGraph([
  rev("root"),
  rev("r2", ["root"]),
  rev("f1", ["r2"], { branchLabels: ["feature"] }),
  rev("g1", ["r2"], { branchLabels: ["other"] }),
  rev("f2", ["f1"]),
  rev("g2", ["g1"]),
]);

// root - r2 - f1 - f2 - m
//           \ g1 - g2 /
const merged = buildGraph([
  rev("root"),
  rev("r2", ["root"]),
  rev("f1", ["r2"]),
  rev("g1", ["r2"]),
  rev("f2", ["f1"]),
  rev("g2", ["g1"]),
  rev("m", ["f2", "g2"]),
]);

// Two bases; y2 depends on x1 across the branches.
// x1 [xs] - x2
// y1 [ys] - y2 (dependsOn x1)
const twoBases = buildGraph([
  rev("x1", [], { branchLabels: ["xs"] }),
  rev("y1", [], { branchLabels: ["ys"] }),
  rev("x2", ["x1"]),
  rev("y2", ["y1"], { dependsOn: ["x1"] }),
]);

describe("resolveRevision", () => {
  it("resolves full ids, unique prefixes, head and base", () => {
    expect(resolveRevision(linear, "abcd0003")).toBe("abcd0003");
    expect(resolveRevision(linear, "abcd")).toBe("abcd0003");
    expect(resolveRevision(linear, "abce")).toBe("abce0004");
    expect(resolveRevision(linear, "head")).toBe("abce0004");
    expect(resolveRevision(linear, "heads")).toBe("abce0004");
    expect(resolveRevision(linear, "base")).toBe("aaaa0001");
    expect(resolveRevision(linear, " abcd ")).toBe("abcd0003");
  });

  it("lists the candidates of an ambiguous prefix", () => {
    const error = failure(() => resolveRevision(linear, "ab"));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('revision prefix "ab" is ambiguous');
    expect(error.details).toEqual(["abcd0003  msg abcd0003", "abce0004  msg abce0004"]);
  });

  it("points at kiln history for an unknown revision", () => {
    const error = failure(() => resolveRevision(linear, "ffff"));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe('no revision matches "ffff". Run `kiln history` to list the revisions.');
  });

  it("explains several heads", () => {
    const error = failure(() => resolveRevision(branched, "head"));
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.message).toContain("there are several heads (f2, g2)");
    expect(error.message).toContain("kiln heads");
    expect(error.message).toContain("LABEL@head");
    expect(error.message).toContain("kiln merge heads -m MSG");
    expect(error.details).toEqual(["f2  msg f2", "g2  msg g2"]);
    expect(failure(() => resolveRevision(branched, "heads")).message).toContain("kiln merge heads");
  });

  it("resolves labels and LABEL@ forms", () => {
    expect(resolveRevision(branched, "feature")).toBe("f1");
    expect(resolveRevision(branched, "feature@head")).toBe("f2");
    expect(resolveRevision(branched, "other@head")).toBe("g2");
    expect(resolveRevision(branched, "other@base")).toBe("g1");
    expect(resolveRevision(branched, "feature@f2")).toBe("f2");
    expect(resolveRevision(branched, "feature@f1+1")).toBe("f2");
    expect(failure(() => resolveRevision(branched, "feature@g2")).message).toContain('that revision is not on branch "feature"');
    expect(failure(() => resolveRevision(branched, "nolabel@head")).message).toContain('there is no branch label "nolabel". Known labels: feature, other.');
  });

  it("counts with REV+N and REV-N along parents", () => {
    expect(resolveRevision(linear, "aaaa0001+2")).toBe("abcd0003");
    expect(resolveRevision(linear, "abce-3")).toBe("aaaa0001");
    expect(resolveRevision(linear, "head-1")).toBe("abcd0003");
    expect(resolveRevision(linear, "base+1")).toBe("aaaa0001");
    expect(resolveRevision(branched, "feature+1")).toBe("f2");
    expect(failure(() => resolveRevision(linear, "abcd0003+2")).message).toBe(
      "cannot go 2 steps forward from abcd0003: only 1 revision above it.",
    );
    expect(failure(() => resolveRevision(linear, "abcd0003-5")).message).toBe(
      "cannot go 5 steps back from abcd0003: only 3 revisions down to the base.",
    );
    expect(failure(() => resolveRevision(linear, "abcd0003-3")).message).toContain("goes below the base revision aaaa0001");
  });

  it("refuses ambiguous walks through branch points and merges", () => {
    const forward = failure(() => resolveRevision(branched, "r2+1"));
    expect(forward.message).toContain("r2 (msg r2) has several children");
    expect(forward.details).toEqual(["f1  msg f1", "g1  msg g1"]);
    expect(failure(() => resolveRevision(merged, "m-1")).message).toContain("m (msg m) is a merge of f2, g2");
  });

  it("needs the database for +N and -N", () => {
    expect(failure(() => resolveRevision(linear, "+1")).message).toContain("only valid for upgrade and downgrade");
    expect(resolveRevision(linear, "+1", { currentHeads: ["aaaa0002"] })).toBe("abcd0003");
    expect(resolveRevision(linear, "-1", { currentHeads: ["aaaa0002"] })).toBe("aaaa0001");
  });

  it("resolveRevisions gives version-table heads", () => {
    expect(resolveRevisions(branched, "heads")).toEqual(["f2", "g2"]);
    expect(resolveRevisions(branched, "base")).toEqual([]);
    expect(resolveRevisions(branched, "feature@head")).toEqual(["f2"]);
  });
});

describe("planUpgrade", () => {
  it("upgrades a fresh database to head in order", () => {
    expect(ups(planUpgrade(linear, [], "head"))).toEqual(["+aaaa0001", "+aaaa0002", "+abcd0003", "+abce0004"]);
    expect(ups(planUpgrade(linear, ["aaaa0002"], "head"))).toEqual(["+abcd0003", "+abce0004"]);
    expect(planUpgrade(linear, ["abce0004"], "head")).toEqual([]);
    expect(planUpgrade(linear, ["abce0004"], "aaaa0002")).toEqual([]);
  });

  it("accepts ids, prefixes, +N and REV+N", () => {
    expect(ups(planUpgrade(linear, [], "abcd"))).toEqual(["+aaaa0001", "+aaaa0002", "+abcd0003"]);
    expect(ups(planUpgrade(linear, [], "+2"))).toEqual(["+aaaa0001", "+aaaa0002"]);
    expect(ups(planUpgrade(linear, ["aaaa0001"], "+1"))).toEqual(["+aaaa0002"]);
    expect(ups(planUpgrade(linear, ["aaaa0001"], "aaaa0001+2"))).toEqual(["+aaaa0002", "+abcd0003"]);
    expect(failure(() => planUpgrade(linear, ["abcd0003"], "+2")).message).toBe(
      "cannot go 2 steps forward from abcd0003: only 1 revision above it.",
    );
  });

  it("refuses head with several heads but upgrades heads and LABEL@head", () => {
    expect(failure(() => planUpgrade(branched, [], "head")).message).toContain("several heads");
    expect(ups(planUpgrade(branched, [], "heads"))).toEqual(["+root", "+r2", "+f1", "+g1", "+f2", "+g2"]);
    expect(ups(planUpgrade(branched, [], "feature@head"))).toEqual(["+root", "+r2", "+f1", "+f2"]);
    expect(ups(planUpgrade(branched, ["f2"], "other@head"))).toEqual(["+g1", "+g2"]);
  });

  it("counts +N within a branch with LABEL@+N, and refuses +N with several heads", () => {
    expect(ups(planUpgrade(branched, ["f1", "g1"], "other@+1"))).toEqual(["+g2"]);
    expect(ups(planUpgrade(branched, ["r2"], "feature@+2"))).toEqual(["+f1", "+f2"]);
    const error = failure(() => planUpgrade(branched, ["f1", "g1"], "+1"));
    expect(error.message).toContain("several heads (f1, g1)");
    expect(error.message).toContain("LABEL@+1");
    expect(failure(() => planUpgrade(branched, ["r2"], "+1")).message).toContain("several children");
  });

  it("applies a merge's parents from both branches", () => {
    expect(ups(planUpgrade(merged, ["f1"], "m"))).toEqual(["+g1", "+f2", "+g2", "+m"]);
  });

  it("applies dependsOn first, across bases", () => {
    expect(ups(planUpgrade(twoBases, [], "y2"))).toEqual(["+x1", "+y1", "+y2"]);
    expect(ups(planUpgrade(twoBases, [], "ys@head"))).toEqual(["+x1", "+y1", "+y2"]);
    expect(ups(planUpgrade(twoBases, [], "heads"))).toEqual(["+x1", "+y1", "+x2", "+y2"]);
    expect(failure(() => planUpgrade(twoBases, [], "+1")).message).toContain("the history starts at several bases");
    expect(ups(planUpgrade(twoBases, [], "ys@+1"))).toEqual(["+y1"]);
  });

  it("has nothing to do in a project without revisions, and says so when a revision is asked for", () => {
    const empty = buildGraph([]);
    expect(planUpgrade(empty, [], "head")).toEqual([]);
    expect(planUpgrade(empty, [], "heads")).toEqual([]);
    expect(failure(() => resolveRevision(empty, "head")).message).toContain("no revisions yet");
    expect(failure(() => resolveRevision(empty, "heads")).message).toContain("no revisions yet");
    expect(failure(() => resolveRevision(empty, "base")).message).toContain("no revisions yet");
    expect(planDowngrade(empty, [], "base")).toEqual([]);
  });

  it("refuses base as an upgrade target and unknown current heads", () => {
    expect(failure(() => planUpgrade(linear, [], "base"))).toBeInstanceOf(UsageError);
    expect(failure(() => planUpgrade(linear, ["gone"], "head")).message).toContain(
      'version table lists revision "gone", which is not in the migrations folder',
    );
  });
});

describe("planDowngrade", () => {
  it("downgrades a linear history to a revision, to base, by -N and by REV-N", () => {
    expect(downs(planDowngrade(linear, ["abce0004"], "aaaa0002"))).toEqual(["-abce0004", "-abcd0003"]);
    expect(downs(planDowngrade(linear, ["abce0004"], "base"))).toEqual(["-abce0004", "-abcd0003", "-aaaa0002", "-aaaa0001"]);
    expect(downs(planDowngrade(linear, ["abce0004"], "-1"))).toEqual(["-abce0004"]);
    expect(downs(planDowngrade(linear, ["abce0004"], "-4"))).toEqual(["-abce0004", "-abcd0003", "-aaaa0002", "-aaaa0001"]);
    expect(downs(planDowngrade(linear, ["abce0004"], "abce0004-2"))).toEqual(["-abce0004", "-abcd0003"]);
    expect(planDowngrade(linear, ["abce0004"], "head")).toEqual([]);
    expect(planDowngrade(linear, [], "base")).toEqual([]);
  });

  it("refuses -N past the base", () => {
    expect(failure(() => planDowngrade(linear, ["aaaa0002"], "-3")).message).toBe(
      "cannot go 3 steps back from aaaa0002: only 2 applied.",
    );
    expect(failure(() => planDowngrade(linear, [], "-1")).message).toBe("cannot go 1 steps back: nothing is applied.");
  });

  it("refuses a target that is not applied", () => {
    const error = failure(() => planDowngrade(linear, ["aaaa0002"], "abcd"));
    expect(error.message).toContain("cannot downgrade to abcd0003 (msg abcd0003): it is not applied");
    expect(error.message).toContain("The database is at aaaa0002");
    expect(failure(() => planDowngrade(linear, [], "aaaa0001")).message).toContain("base (nothing applied)");
  });

  it("downgrading one branch leaves the other alone", () => {
    expect(downs(planDowngrade(branched, ["f2", "g2"], "f1"))).toEqual(["-f2"]);
    expect(downs(planDowngrade(branched, ["f2", "g2"], "other@-2"))).toEqual(["-g2", "-g1"]);
    expect(downs(planDowngrade(branched, ["f2", "g2"], "r2"))).toEqual(["-g2", "-f2", "-g1", "-f1"]);
    expect(downs(planDowngrade(branched, ["f2", "g2"], "g2-2"))).toEqual(["-g2", "-g1"]);
    expect(downs(planDowngrade(branched, ["f2"], "-2"))).toEqual(["-f2", "-f1"]);
    expect(failure(() => planDowngrade(branched, ["f2"], "g2-1")).message).toContain("cannot downgrade to g1 (msg g1): it is not applied");
    expect(failure(() => planDowngrade(branched, ["f2", "g2"], "-1")).message).toContain("several heads (f2, g2)");
  });

  it("downgrading below a merge keeps the other parent's branch", () => {
    expect(downs(planDowngrade(merged, ["m"], "f1"))).toEqual(["-m", "-f2"]);
    expect(failure(() => planDowngrade(merged, ["m"], "-1")).message).toContain("is a merge of f2, g2");
    const steps = planDowngrade(merged, ["m"], "f1");
    expect(run(merged, ["m"], steps)).toEqual(["f1", "g2"]);
  });

  it("downgrading a dependency unapplies its dependents, and -N to below a base stays in its chain", () => {
    expect(downs(planDowngrade(twoBases, ["x2", "y2"], "base"))).toEqual(["-y2", "-x2", "-y1", "-x1"]);
    expect(downs(planDowngrade(twoBases, ["x2", "y2"], "xs@-2"))).toEqual(["-y2", "-x2", "-x1"]);
    expect(downs(planDowngrade(twoBases, ["x2", "y2"], "ys@-2"))).toEqual(["-y2", "-y1"]);
  });

  it("refuses heads as a downgrade target", () => {
    expect(failure(() => planDowngrade(linear, ["abce0004"], "heads"))).toBeInstanceOf(UsageError);
  });
});

describe("nextHeads", () => {
  const step = (graph: RevisionGraph, id: string, direction: "up" | "down"): Step => ({ revision: graph.get(id), direction });

  it("replaces the parent on upgrade and restores it on downgrade", () => {
    expect(nextHeads(linear, [], step(linear, "aaaa0001", "up"))).toEqual(["aaaa0001"]);
    expect(nextHeads(linear, ["aaaa0001"], step(linear, "aaaa0002", "up"))).toEqual(["aaaa0002"]);
    expect(nextHeads(linear, ["aaaa0002"], step(linear, "aaaa0002", "down"))).toEqual(["aaaa0001"]);
    expect(nextHeads(linear, ["aaaa0001"], step(linear, "aaaa0001", "down"))).toEqual([]);
  });

  it("adds a row per branch and joins them on a merge", () => {
    expect(nextHeads(merged, ["f2"], step(merged, "g1", "up"))).toEqual(["g1", "f2"]);
    expect(nextHeads(merged, ["f2", "g2"], step(merged, "m", "up"))).toEqual(["m"]);
    expect(nextHeads(merged, ["m"], step(merged, "m", "down"))).toEqual(["f2", "g2"]);
    // Unapplying the second child of a branch point leaves only the other child.
    expect(nextHeads(merged, ["f2", "g1"], step(merged, "g1", "down"))).toEqual(["f2"]);
  });

  it("treats dependsOn like parents", () => {
    expect(nextHeads(twoBases, ["x1", "y1"], step(twoBases, "y2", "up"))).toEqual(["y2"]);
    expect(nextHeads(twoBases, ["y2"], step(twoBases, "y2", "down"))).toEqual(["x1", "y1"]);
    expect(nextHeads(twoBases, ["x2", "y2"], step(twoBases, "y2", "down"))).toEqual(["y1", "x2"]);
  });

  it("replays every plan to the expected version table", () => {
    expect(run(branched, [], planUpgrade(branched, [], "heads"))).toEqual(["f2", "g2"]);
    expect(run(twoBases, [], planUpgrade(twoBases, [], "heads"))).toEqual(["x2", "y2"]);
    expect(run(twoBases, ["x2", "y2"], planDowngrade(twoBases, ["x2", "y2"], "ys@-2"))).toEqual(["x2"]);
    expect(run(merged, [], planUpgrade(merged, [], "head"))).toEqual(["m"]);
    expect(run(merged, ["m"], planDowngrade(merged, ["m"], "base"))).toEqual([]);
    for (const graph of [linear, branched, merged, twoBases]) {
      const top = run(graph, [], planUpgrade(graph, [], "heads"));
      expect(appliedRevisions(graph, top).size).toBe(graph.revisions.length);
    }
  });

  it("refuses impossible steps", () => {
    expect(failure(() => nextHeads(linear, [], step(linear, "aaaa0002", "up"))).message).toContain("aaaa0001 must be applied first");
    expect(failure(() => nextHeads(linear, ["aaaa0002"], step(linear, "aaaa0001", "up"))).message).toContain("already applied");
    expect(failure(() => nextHeads(linear, ["aaaa0002"], step(linear, "aaaa0001", "down"))).message).toContain(
      "not one of the database's heads",
    );
  });
});

describe("parseRange", () => {
  it("splits START:END with either side empty", () => {
    expect(parseRange("base:head")).toEqual({ start: "base", end: "head" });
    expect(parseRange(":ae10")).toEqual({ start: null, end: "ae10" });
    expect(parseRange("ae10:")).toEqual({ start: "ae10", end: null });
    expect(parseRange(":")).toEqual({ start: null, end: null });
  });

  it("rejects anything else", () => {
    expect(failure(() => parseRange("head"))).toBeInstanceOf(UsageError);
    expect(failure(() => parseRange("a:b:c")).message).toContain("is not a range");
  });
});
