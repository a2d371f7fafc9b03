/**
 * PostgreSQL's dependency catalog in kiln's output, on PGlite and the
 * PostgreSQL 15 server: a failing statement is reported with the server's
 * DETAIL and HINT lines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

describe.each(PG_TARGETS)("dependencies on $name", (target) => {
  let project: TestProject;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const db = await target.setup();
    cleanup = db.cleanup;
    project = createProject({ url: db.url, models: `export {};\n` });
  });
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  it("a failing DROP shows the server's DETAIL and HINT", async () => {
    project.write(
      "migrations/001_base.ts",
      revisionSource({
        revision: "aaaa00000001",
        downRevision: null,
        upgrade: `await op.execute("CREATE TABLE t (id integer)");
    await op.execute("CREATE VIEW v AS SELECT id FROM t");`,
        downgrade: `await op.execute("DROP VIEW v"); await op.execute("DROP TABLE t");`,
      }),
    );
    project.write(
      "migrations/002_drop.ts",
      revisionSource({ revision: "aaaa00000002", downRevision: "aaaa00000001", upgrade: `await op.dropTable("t");` }),
    );
    const result = await project.kiln(["upgrade", "head"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: upgrade of revision aaaa00000002 \(\S*migrations\/002_drop.ts\) failed: cannot drop table t because other objects depend on it\n/);
    expect(result.stderr).toContain("\n  DETAIL: view v depends on table t\n");
    expect(result.stderr).toContain("\n  HINT: Use DROP ... CASCADE to drop the dependent objects too.\n");
    expect(result.stderr).toContain("\n  failing statement: DROP TABLE");
  });
});
