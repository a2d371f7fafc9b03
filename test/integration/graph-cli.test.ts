/**
 * `kiln history --graph` and `kiln graph --format mermaid|dot` on a real project
 * (SQLite): a branch and a merge drawn as lines, the current revision marked
 * with -i, a hostile message neutralized, a usage error for a bad format.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";

let project: TestProject;

beforeAll(async () => {
  project = createProject({ url: "sqlite://app.db" });
  const write = (order: number, revision: string, downRevision: string | string[] | null, message: string) =>
    project.write(`migrations/20260101000${order}_${revision}.ts`, revisionSource({ revision, downRevision, message, upgrade: "", downgrade: "" }));
  write(1, "aaaaaaaaaaaa", null, "create users");
  write(2, "bbbbbbbbbbbb", "aaaaaaaaaaaa", "add email");
  write(3, "cccccccccccc", "aaaaaaaaaaaa", 'evil"] --> x\u001b[2J');
  write(4, "dddddddddddd", ["bbbbbbbbbbbb", "cccccccccccc"], "merge");
  const up = await project.kiln(["upgrade", "bbbbbbbbbbbb"]);
  expect(up.code, up.stderr).toBe(0);
});

afterAll(() => project?.remove());

describe("kiln history --graph", () => {
  it("draws the branch and the merge as lines, @ at the revision the database is at", async () => {
    const { code, stdout, stderr } = await project.kiln(["history", "--graph", "--indicate-current"]);
    expect(code, stderr).toBe(0);
    expect(stdout.split("\n")).toEqual([
      "*  dddddddddddd (head) (mergepoint) merge",
      "|\\",
      "| *  cccccccccccc evil\"] --> x\\x1b[2J",
      "@ |  bbbbbbbbbbbb (current) add email",
      "|/",
      "*  aaaaaaaaaaaa (branchpoint) create users",
      "",
    ]);
  });

  it("refuses --graph with --json (usage error)", async () => {
    const { code, stderr } = await project.kiln(["history", "--graph", "--json"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--graph and --json cannot go together");
  });
});

describe("kiln graph", () => {
  it("writes a Mermaid flowchart with the current revision marked", async () => {
    const { code, stdout, stderr } = await project.kiln(["graph", "-i"]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("flowchart TD\n");
    expect(stdout).toContain('  n2["cccccccccccc evil#34;#93; --#62; x#92;x1b#91;2J"]\n');
    expect(stdout).toContain("  n1 --> n3\n  n2 --> n3\n");
    expect(stdout).toContain("  class n1 current\n");
  });

  it("writes DOT with --format dot", async () => {
    const { code, stdout, stderr } = await project.kiln(["graph", "--format", "dot"]);
    expect(code, stderr).toBe(0);
    expect(stdout.startsWith("digraph revisions {\n")).toBe(true);
    expect(stdout).toContain('  "cccccccccccc" [label="cccccccccccc evil\\"] --> x\\\\x1b[2J"];\n');
    expect(stdout).toContain('  "bbbbbbbbbbbb" -> "dddddddddddd";\n');
  });

  it("refuses an unknown format with a usage error", async () => {
    const { code, stderr } = await project.kiln(["graph", "--format", "png"]);
    expect(code).toBe(2);
    expect(stderr).toContain("png");
  });
});
