/**
 * `--json` through the real CLI: each command prints exactly one JSON document on
 * stdout with the keys docs/json-output.md lists, messages stay on stderr, exit
 * codes are those of the text mode, and a failure prints a JSON error document.
 * On SQLite for every command, and upgrade/downgrade on the PostgreSQL server too.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, type ScratchDatabase } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";

function table(name: string) {
  return {
    upgrade: `await op.createTable(${JSON.stringify(name)}, { id: { type: "integer", primaryKey: true } });`,
    downgrade: `await op.dropTable(${JSON.stringify(name)});`,
  };
}

/** r1 -> r2 and r1 -> r3: two heads and a branch point. */
function writeRevisions(project: TestProject): void {
  project.write("migrations/r1.ts", revisionSource({ revision: "aaaaaaaaaaa1", downRevision: null, message: "one", ...table("one") }));
  project.write("migrations/r2.ts", revisionSource({ revision: "bbbbbbbbbbb2", downRevision: "aaaaaaaaaaa1", message: "two", ...table("two") }));
  project.write("migrations/r3.ts", revisionSource({ revision: "ccccccccccc3", downRevision: "aaaaaaaaaaa1", message: "three", ...table("three") }));
}

const MODELS = `import { table, integer } from "kiln-migrate/schema";
export const widgets = table("widgets", { id: integer().primaryKey() });
`;

/** Runs kiln with --json and parses the whole stdout as one document. */
async function kilnJson(project: TestProject, args: string[]) {
  const result = await project.kiln([...args, "--json"]);
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout of kiln ${args.join(" ")} --json is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { ...result, document };
}

const keys = (value: unknown) => Object.keys(value as object).sort();
const REVISION_KEYS = ["branchLabels", "dependsOn", "downRevisions", "file", "isBranchPoint", "isHead", "isMergePoint", "message", "revision"];
const STEP_KEYS = ["direction", "durationMs", "file", "message", "revision", "status"];

describe("--json on SQLite", () => {
  let project: TestProject;
  beforeAll(() => {
    project = createProject({ url: "sqlite://db.sqlite", models: MODELS });
    writeRevisions(project);
  });
  afterAll(() => project.remove());

  it("current at base, upgrade with steps and durations, then current at the heads", async () => {
    const before = await kilnJson(project, ["current"]);
    expect(before.code).toBe(0);
    expect(before.document).toEqual({ database: "sqlite://db.sqlite", current: [], upToDate: false });
    expect(before.stderr).toContain("at base");

    const up = await kilnJson(project, ["upgrade", "heads"]);
    expect(up.code).toBe(0);
    expect(keys(up.document)).toEqual(["command", "database", "heads", "steps", "target"]);
    expect(up.document.command).toBe("upgrade");
    expect(up.document.target).toBe("heads");
    const steps = up.document.steps as Record<string, unknown>[];
    expect(steps.map((s) => s.revision).sort()).toEqual(["aaaaaaaaaaa1", "bbbbbbbbbbb2", "ccccccccccc3"]);
    for (const step of steps) {
      expect(keys(step)).toEqual(STEP_KEYS);
      expect(step.status).toBe("applied");
      expect(step.direction).toBe("up");
      expect(typeof step.durationMs).toBe("number");
    }
    expect((up.document.heads as string[]).sort()).toEqual(["bbbbbbbbbbb2", "ccccccccccc3"]);
    // The progress lines are still there, on stderr.
    expect(up.stderr).toContain("upgraded");

    const now = await kilnJson(project, ["current"]);
    expect(now.document.upToDate).toBe(true);
    const entries = now.document.current as Record<string, unknown>[];
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(keys(entry)).toEqual([...REVISION_KEYS, "known"].sort());
  });

  it("history, heads, branches and show", async () => {
    const history = await kilnJson(project, ["history", "--indicate-current"]);
    expect(history.code).toBe(0);
    expect(keys(history.document)).toEqual(["revisions"]);
    const revisions = history.document.revisions as Record<string, unknown>[];
    expect(revisions.map((r) => r.revision).at(-1)).toBe("aaaaaaaaaaa1");
    for (const r of revisions) expect(keys(r)).toEqual([...REVISION_KEYS, "isCurrent"].sort());

    const heads = await kilnJson(project, ["heads"]);
    expect(keys(heads.document)).toEqual(["heads"]);
    expect((heads.document.heads as { revision: string }[]).map((h) => h.revision).sort()).toEqual(["bbbbbbbbbbb2", "ccccccccccc3"]);

    const branches = await kilnJson(project, ["branches"]);
    const points = branches.document.branches as Record<string, unknown>[];
    expect(points).toHaveLength(1);
    expect(keys(points[0])).toEqual([...REVISION_KEYS, "children"].sort());
    expect(points[0]!.revision).toBe("aaaaaaaaaaa1");
    expect((points[0]!.children as string[]).sort()).toEqual(["bbbbbbbbbbb2", "ccccccccccc3"]);

    const show = await kilnJson(project, ["show", "bbbb"]);
    expect(keys(show.document)).toEqual(REVISION_KEYS);
    expect(show.document.downRevisions).toEqual(["aaaaaaaaaaa1"]);
    expect(show.document.file).toBe(join(project.dir, "migrations", "r2.ts"));
  });

  it("check reports drift as a document and still exits 1", async () => {
    const check = await kilnJson(project, ["check"]);
    expect(check.code).toBe(1);
    expect(keys(check.document)).toEqual(["changes", "clean", "database", "warnings"]);
    expect(check.document.clean).toBe(false);
    expect((check.document.changes as string[]).join("\n")).toContain("widgets");
  });

  it("downgrade lists the steps undone", async () => {
    const down = await kilnJson(project, ["downgrade", "base"]);
    expect(down.code).toBe(0);
    const steps = down.document.steps as Record<string, unknown>[];
    expect(steps).toHaveLength(3);
    expect(steps.every((s) => s.direction === "down" && s.status === "applied")).toBe(true);
    expect(down.document.heads).toEqual([]);
  });

  it("test (the stairway) prints its passes in the document and its progress on stderr", async () => {
    const test = await kilnJson(project, ["test"]);
    expect(test.code).toBe(0);
    expect(keys(test.document)).toEqual(["database", "failure", "kept", "ok", "passed", "revisions"]);
    expect(test.document.ok).toBe(true);
    expect(test.document.failure).toBeNull();
    const passed = test.document.passed as Record<string, unknown>[];
    expect(passed).toHaveLength(3);
    for (const p of passed) expect(keys(p)).toEqual(["downgradeMs", "file", "message", "reupgradeMs", "revision", "upgradeMs"]);
    expect(test.stderr).toContain("✓");
  });

  it("a failure prints a JSON error document with the exit code, the message on stderr too", async () => {
    const unknown = await kilnJson(project, ["show", "nosuchrev"]);
    expect(unknown.code).toBe(2);
    expect(keys(unknown.document)).toEqual(["error"]);
    const error = unknown.document.error as { message: string; exitCode: number; details: string[] };
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("nosuchrev");
    expect(Array.isArray(error.details)).toBe(true);
    expect(unknown.stderr).toContain("nosuchrev");

    const notUpToDate = await kilnJson(project, ["current", "--check-heads"]);
    expect(notUpToDate.code).toBe(1);
    expect((notUpToDate.document.error as { exitCode: number }).exitCode).toBe(1);

    const usage = await kilnJson(project, ["upgrade", "head", "--sql"]);
    expect(usage.code).toBe(2);
    expect((usage.document.error as { message: string }).message).toContain("--sql");

    const failing = createProject({ url: "sqlite://db.sqlite", models: MODELS });
    try {
      failing.write("migrations/r1.ts", revisionSource({ revision: "aaaaaaaaaaa1", downRevision: null, message: "one", ...table("one") }));
      failing.write(
        "migrations/r2.ts",
        revisionSource({ revision: "bbbbbbbbbbb2", downRevision: "aaaaaaaaaaa1", message: "two", upgrade: `await op.execute("create table one (id integer)");` }),
      );
      const failed = await kilnJson(failing, ["upgrade", "head"]);
      expect(failed.code).toBe(1);
      const failure = failed.document.error as { message: string; steps: Record<string, unknown>[] };
      expect(failure.message).toContain("bbbbbbbbbbb2");
      // The first step committed before the second failed: the document says so.
      expect(failure.steps.map((s) => [s.revision, s.status, s.direction])).toEqual([["aaaaaaaaaaa1", "applied", "up"]]);
      expect(keys(failure.steps[0])).toEqual(STEP_KEYS);
    } finally {
      failing.remove();
    }

    const badOption = await kilnJson(project, ["heads", "--no-such-option"]);
    expect(badOption.code).toBe(2);
    expect((badOption.document.error as { exitCode: number }).exitCode).toBe(2);
  });
});

const pgUp = await serverAvailable("postgresql");

describe.runIf(pgUp)("--json upgrade/downgrade on the PostgreSQL server", () => {
  let db: ScratchDatabase;
  let project: TestProject;
  beforeAll(async () => {
    db = await createPgDatabase();
    project = createProject({ url: db.url });
    writeRevisions(project);
  });
  afterAll(async () => {
    project.remove();
    await db.drop();
  });

  it("reports each step with its duration, and an empty list when there is nothing to do", async () => {
    const up = await kilnJson(project, ["upgrade", "bbbbbbbbbbb2"]);
    expect(up.code).toBe(0);
    const steps = up.document.steps as Record<string, unknown>[];
    expect(steps.map((s) => s.revision)).toEqual(["aaaaaaaaaaa1", "bbbbbbbbbbb2"]);
    for (const step of steps) {
      expect(keys(step)).toEqual(STEP_KEYS);
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(up.document.heads).toEqual(["bbbbbbbbbbb2"]);

    const again = await kilnJson(project, ["upgrade", "bbbbbbbbbbb2"]);
    expect(again.code).toBe(0);
    expect(again.document.steps).toEqual([]);
    expect(again.stderr).toContain("nothing to do");

    const down = await kilnJson(project, ["downgrade", "-1"]);
    expect(down.code).toBe(0);
    expect((down.document.steps as { revision: string; direction: string }[]).map((s) => [s.revision, s.direction])).toEqual([["bbbbbbbbbbb2", "down"]]);
    expect(down.document.heads).toEqual(["aaaaaaaaaaa1"]);
  });
});
