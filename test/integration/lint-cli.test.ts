/**
 * `kiln lint` through the real CLI (bin/kiln.js, built to dist/): warnings grouped
 * by revision with file:line and the safe form, exit 1 with warnings and 0 when
 * clean, --json, revision and range selection, --dialect, silencing comments, a
 * revision that uses op.query, and --pending against an embedded PGlite database.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";

const CREATE_USERS = revisionSource({
  revision: "aaaaaaaaaaa1",
  downRevision: null,
  message: "create users",
  upgrade: `await op.createTable("users", {
      id: { type: "integer", primaryKey: true },
      email: { type: "text" },
    });
    await op.createIndex("ix_users_email", "users", ["email"]);`,
});

// Line numbers below count from the top of the file revisionSource writes:
// the upgrade body starts on line 8.
const TIGHTEN_USERS = revisionSource({
  revision: "bbbbbbbbbbb2",
  downRevision: "aaaaaaaaaaa1",
  message: "tighten users",
  upgrade: `await op.createIndex("ix_users_email_lower", "users", [{ expression: "lower(email)" }]);
    await op.alterColumn("users", "email", { nullable: false });
    // kiln-lint-ignore rename-breaks-app: the app stopped reading it in 2.4
    await op.dropColumn("users", "legacy");`,
});

const BACKFILL = revisionSource({
  revision: "ccccccccccc3",
  downRevision: "bbbbbbbbbbb2",
  message: "backfill",
  upgrade: `const rows = await op.query<{ id: number }>("select id from users");
    for (const row of rows) await op.execute("update users set email = lower(email) where id = $1", [row.id]);`,
});

const TIGHTEN_USERS_SAFELY = revisionSource({
  revision: "bbbbbbbbbbb2",
  downRevision: "aaaaaaaaaaa1",
  message: "tighten users",
  upgrade: `await op.createIndex("ix_users_email_lower", "users", [{ expression: "lower(email)" }], { concurrently: true });
    // kiln-lint-ignore set-not-null: users has a few hundred rows; the scan takes milliseconds
    await op.alterColumn("users", "email", { nullable: false });
    // kiln-lint-ignore rename-breaks-app: the app stopped reading it in 2.4
    await op.dropColumn("users", "legacy");`,
});

describe("kiln lint (CLI)", () => {
  let project: TestProject;

  beforeAll(() => {
    // A fresh path for the embedded database (PGlite creates the folder).
    const scratch = createProject({ url: "pglite://memory" });
    const dbDir = join(scratch.dir, "db");
    scratch.remove();
    project = createProject({ url: `pglite://${dbDir}` });
    project.write("migrations/0001_create_users.ts", CREATE_USERS);
    project.write("migrations/0002_tighten_users.ts", TIGHTEN_USERS);
    project.write("migrations/0003_backfill.ts", BACKFILL);
  });
  afterAll(() => project.remove());

  it("prints warnings grouped by revision with file:line and safe forms, and exits 1", async () => {
    const result = await project.kiln(["lint"]);
    expect(result.code).toBe(1);
    const out = result.stdout;
    expect(out).toContain("bbbbbbbbbbb2 tighten users (migrations/0002_tighten_users.ts)");
    expect(out).toContain('index-not-concurrent  migrations/0002_tighten_users.ts:8  table "users"');
    expect(out).toContain('set-not-null  migrations/0002_tighten_users.ts:9  table "users"');
    expect(out).toContain(
      'await op.createIndex("ix_users_email_lower", "users", [{ expression: "lower(email)" }], { concurrently: true });',
    );
    expect(out).toContain('await op.createCheckConstraint("users_email_not_null", "users", "email IS NOT NULL", { notValid: true });');
    expect(out).toContain("ccccccccccc3 backfill (migrations/0003_backfill.ts): skipped: uses op.query");
    // The first revision creates its table: nothing to say about it; the silenced drop is not printed.
    expect(out).not.toContain("aaaaaaaaaaa1");
    expect(out).not.toContain("rename-breaks-app");
    expect(result.stderr).toContain("2 lint warnings in 1 revision: 3 revisions linted for postgresql (1 silenced, 1 revision skipped)");
  });

  it("prints JSON with --json", async () => {
    const result = await project.kiln(["lint", "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.dialect).toBe("postgresql");
    expect(report.clean).toBe(false);
    expect(report.counts).toEqual({ revisions: 3, warnings: 2, silenced: 1, skipped: 1, failed: 0 });
    const tighten = report.revisions.find((r: { revision: string }) => r.revision === "bbbbbbbbbbb2");
    expect(tighten.warnings.map((w: { rule: string; line: number }) => [w.rule, w.line])).toEqual([
      ["index-not-concurrent", 8],
      ["set-not-null", 9],
    ]);
    expect(tighten.warnings[1].message).toBe(
      'revision bbbbbbbbbbb2 (migrations/0002_tighten_users.ts:9), table "users": SET NOT NULL on "users"."email" scans every row of "users" under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole scan',
    );
    expect(tighten.silenced).toMatchObject([{ rule: "rename-breaks-app", line: 11, reason: "the app stopped reading it in 2.4" }]);
  });

  it("lints one revision or a range, and exits 0 when they are clean", async () => {
    const one = await project.kiln(["lint", "aaaa"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe("");
    expect(one.stderr).toContain("no lint warnings: 1 revision linted for postgresql");

    const range = await project.kiln(["lint", "aaaaaaaaaaa1:bbbbbbbbbbb2"]);
    expect(range.code).toBe(1);
    expect(range.stderr).toContain("2 revisions linted");

    const unknown = await project.kiln(["lint", "zzzz"]);
    expect(unknown.code).toBe(2);
  });

  it("applies only the rules of the chosen dialect", async () => {
    const result = await project.kiln(["lint", "--dialect", "mysql", "--json"]);
    const report = JSON.parse(result.stdout);
    expect(report.dialect).toBe("mysql");
    expect(report.counts.warnings).toBe(0);
    expect(report.counts.silenced).toBe(1);
    expect(result.code).toBe(0);
  });

  it("exits 0 once the revision uses the safe forms or says why it is safe", async () => {
    project.write("migrations/0002_tighten_users.ts", TIGHTEN_USERS_SAFELY);
    const result = await project.kiln(["lint"]);
    expect(result.stdout).not.toContain("index-not-concurrent");
    expect(result.stderr).toContain("no lint warnings: 3 revisions linted for postgresql (2 silenced, 1 revision skipped)");
    expect(result.code).toBe(0);
    project.write("migrations/0002_tighten_users.ts", TIGHTEN_USERS);
  });

  it("with --pending, lints only what the database has not applied", async () => {
    const up = await project.kiln(["upgrade", "aaaaaaaaaaa1"]);
    expect(up.code).toBe(0);
    project.write("migrations/0001_create_users.ts", CREATE_USERS.replace('["email"]);', '["email"]);\n    await op.dropTable("sessions");'));
    const all = await project.kiln(["lint", "--json"]);
    expect(JSON.parse(all.stdout).revisions.map((r: { revision: string }) => r.revision)).toEqual(["aaaaaaaaaaa1", "bbbbbbbbbbb2", "ccccccccccc3"]);
    const pending = await project.kiln(["lint", "--pending", "--json"]);
    const report = JSON.parse(pending.stdout);
    expect(report.revisions.map((r: { revision: string }) => r.revision)).toEqual(["bbbbbbbbbbb2", "ccccccccccc3"]);
    expect(pending.code).toBe(1);
  });
});
