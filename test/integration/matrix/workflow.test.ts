/**
 * The user's workflow through the real CLI on every database: autogenerate from
 * models, upgrade, current, the check enforced, nothing left to generate,
 * downgrade; then a revision that fails halfway (rolled back, or on databases
 * without transactional DDL reported statement by statement with the way out);
 * then the offline script (`--sql`) run with the database's own client, which
 * must give the same schema and version table as the online upgrade.
 *
 * The tests of one database run in order and share one project and database.
 */
import { describe, expect, it } from "vitest";
import { revisionSource } from "../../helpers/project.js";
import { ALL_DATABASES, isAvailable } from "./databases.js";
import { createdRevision, errorOf, expectSuccess, introspectUrl, tableNames, upCounts, versionRows, SCENARIO_TIMEOUT_MS, scenarioOn } from "./support.js";

const MODELS = `import { table, integer, varchar, timestamp, sql, check, index } from "kiln-migrate/schema";

export const prototypes = table("prototypes", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  prototypeId: integer("prototype_id").notNull(),
  name: varchar(200).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql\`now()\`),
}, (t) => [check("check_id_prototype_positive", sql\`\${t.prototypeId} >= 0\`), index("ix_prototypes_name").on(t.name)]);
`;

const FAILING_REVISION = "f41150000001";
const FAILING_FILE = "migrations/zz_add_audit_log.ts";
const CREATE_AUDIT_LOG = `await op.createTable("audit_log", {
      id: { type: "integer", nullable: false },
      note: { type: "varchar(100)" },
    }, { primaryKey: { columns: ["id"] } });`;

function auditRevision(parent: string, upgrade: string): string {
  return revisionSource({
    revision: FAILING_REVISION,
    downRevision: parent,
    message: "add audit log",
    upgrade,
    downgrade: `await op.dropTable("audit_log");`,
  });
}

describe.each(ALL_DATABASES)("kiln workflow on $name", (db) => {
  const scenario = scenarioOn(db, (project) => project.write("schema.ts", MODELS));
  let first: string;

  it.skipIf(!isAvailable(db))("autogenerates, upgrades, enforces the check, finds nothing more, and downgrades", async () => {
    const { project, target } = scenario;
    const generated = await project.kiln(["revision", "--autogenerate", "-m", "create prototypes"]);
    expectSuccess(generated, "revision --autogenerate");
    first = createdRevision(generated)!;
    expect(first).toMatch(/^\w+$/);
    expect(project.revisionFiles()).toHaveLength(1);
    const source = project.read(`migrations/${project.revisionFiles()[0]}`);
    expect(source).toContain(`op.createTable("prototypes"`);
    expect(source).toContain("check_id_prototype_positive");

    const up = await project.kiln(["upgrade", "head"]);
    expectSuccess(up, "upgrade head");
    expect(up.stderr).toContain(first);

    const current = await project.kiln(["current"]);
    expectSuccess(current, "current");
    expect(current.stdout).toContain(`${first} (head) create prototypes`);

    const rejected = await errorOf(target.url, "INSERT INTO prototypes (prototype_id, name) VALUES (-1, 'x')");
    expect(rejected, "the database accepted prototype_id = -1").toBeDefined();
    expect(rejected).toMatchObject(db.checkViolation);
    expect(rejected!.message).toMatch(/check_id_prototype_positive/);
    expect(await errorOf(target.url, "INSERT INTO prototypes (prototype_id, name) VALUES (1, 'x')")).toBeUndefined();

    const again = await project.kiln(["revision", "--autogenerate", "-m", "nothing to do"]);
    expectSuccess(again, "second revision --autogenerate");
    expect(createdRevision(again), again.stderr).toBeUndefined();
    expect(again.stderr).toMatch(/no changes/);
    expect(project.revisionFiles()).toHaveLength(1);

    const down = await project.kiln(["downgrade", "-1"]);
    expectSuccess(down, "downgrade -1");
    expect(await tableNames(db, target.url)).toEqual(db.kilnTables);
    expect(await versionRows(target.url)).toEqual([]);
    expect((await project.kiln(["current"])).stdout.trim()).toBe("");
  }, SCENARIO_TIMEOUT_MS);

  it.skipIf(!isAvailable(db))("reports a revision that fails in its second statement, and the way out works", async () => {
    const { project, target } = scenario;
    const file = project.write(FAILING_FILE, auditRevision(first, `${CREATE_AUDIT_LOG}\n    await op.execute("ALTER TABLE no_such_table ADD COLUMN x integer");`));
    const failed = await project.kiln(["upgrade", "head"]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toContain(`revision ${FAILING_REVISION} (${file}) failed`);
    expect(failed.stderr).toMatch(/failing statement: ALTER TABLE no_such_table ADD COLUMN x integer/);
    expect(failed.stderr).toMatch(/no_such_table/);
    // The first revision went through; the failing one is not recorded anywhere.
    expect(await versionRows(target.url)).toEqual([first]);
    expect((await upCounts(target.url))[FAILING_REVISION]).toBeUndefined();

    if (db.transactionalDDL) {
      expect(failed.stderr).toMatch(/rolled back/);
      expect(await tableNames(db, target.url)).not.toContain("audit_log");
    } else {
      // Said before anything ran, then exactly what ran and what failed, and how to recover.
      const warned = failed.stderr.search(/cannot roll back/);
      expect(warned, failed.stderr).toBeGreaterThanOrEqual(0);
      expect(warned).toBeLessThan(failed.stderr.indexOf(`upgraded   ${first}`));
      expect(failed.stderr).toMatch(/1 statement\(s\) of this step stay applied/);
      expect(failed.stderr).toMatch(/stays applied: CREATE TABLE \S*audit_log/);
      expect(failed.stderr).not.toMatch(/stays applied: ALTER TABLE no_such_table/);
      expect(failed.stderr).toContain(`the version table still names ${first}`);
      expect(failed.stderr).toContain(`kiln stamp ${first}`);
      expect(await tableNames(db, target.url)).toContain("audit_log");
      // The way out the message gives when the revision itself is wrong: undo by hand, stamp (which clears
      // kiln's journal of the partial step), fix the revision, upgrade again.
      expect(await errorOf(target.url, "DROP TABLE audit_log")).toBeUndefined();
      expectSuccess(await project.kiln(["stamp", first]), "stamp after undoing by hand");
    }

    project.write(FAILING_FILE, auditRevision(first, CREATE_AUDIT_LOG));
    const retried = await project.kiln(["upgrade", "head"]);
    expectSuccess(retried, "upgrade after fixing the revision");
    expect(await versionRows(target.url)).toEqual([FAILING_REVISION]);
    expect(await tableNames(db, target.url)).toContain("audit_log");
  }, SCENARIO_TIMEOUT_MS);

  it.skipIf(!isAvailable(db))("an offline --sql script run with the database's client gives the same schema and versions", async () => {
    const { project, target } = scenario;
    expectSuccess(await project.kiln(["downgrade", "base"]), "downgrade base");
    const script = await project.kiln(["upgrade", "head", "--sql"]);
    expectSuccess(script, "upgrade head --sql");
    expect(script.stdout).toContain(first);
    expect(script.stdout).toContain(FAILING_REVISION);

    const offline = await db.create();
    try {
      await db.applyScript(offline.url, script.stdout);
      expectSuccess(await project.kiln(["upgrade", "head"]), "online upgrade head");

      expect(await introspectUrl(offline.url)).toEqual(await introspectUrl(target.url));
      expect(await versionRows(offline.url)).toEqual(await versionRows(target.url));
      expect(await upCounts(offline.url)).toEqual({ [first]: 1, [FAILING_REVISION]: 1 });
      const rejected = await errorOf(offline.url, "INSERT INTO prototypes (prototype_id, name) VALUES (-1, 'x')");
      expect(rejected).toMatchObject(db.checkViolation);
    } finally {
      await offline.drop();
    }
  }, SCENARIO_TIMEOUT_MS);
});
