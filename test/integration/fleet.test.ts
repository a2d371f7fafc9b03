/**
 * Fleets (`--all`, docs/fleets.md) on the real servers: 12 PostgreSQL
 * databases, 6 MariaDB databases and 30 tenant schemas in one PostgreSQL
 * database, migrated together from base to head by one config. Then the
 * faults: a target that cannot be reached and a target whose revision fails
 * (stop at the first failure, --canary, --continue-on-error, the rerun after
 * the fix), a SIGKILL of kiln in the middle of a fleet run and the resume, and
 * two fleet runs at once applying each step once per target.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, PG_ADMIN_URL, type ScratchDatabase, serverAvailable } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { sleep, startKiln } from "./safety-fixtures.js";

const PG_DATABASES = 12;
const MARIADB_DATABASES = 6;
const SCHEMAS = 30;

const available = (await serverAvailable("postgresql")) && (await serverAvailable("mysql"));

interface JsonRecord {
  name: string;
  database: string;
  schema: string | null;
  status: "changed" | "unchanged" | "failed" | "not-run";
  before: string[] | null;
  after: string[] | null;
  steps: { revision: string; direction: string; message: string }[];
  durationMs: number;
  error: { message: string; details: string[] } | null;
  upToDate?: boolean;
}
interface JsonDocument {
  command: string;
  heads: string[];
  summary: { targets: number; changed: number; unchanged: number; failed: number; notRun: number };
  stopped: string | null;
  targets: JsonRecord[];
}

const parse = (stdout: string) => JSON.parse(stdout) as JsonDocument;
const byName = (doc: JsonDocument) => new Map(doc.targets.map((t) => [t.name, t]));

/** Items, one row naming the target (op.target), a note column. A later revision is added per test. */
const BASE_REVISIONS: [string, string][] = [
  [
    "f1_items.ts",
    revisionSource({
      revision: "f1",
      downRevision: null,
      message: "items",
      upgrade: `await op.createTable("items", { id: { type: "integer", primaryKey: true }, name: { type: "varchar(60)" } });`,
      downgrade: `await op.dropTable("items");`,
    }),
  ],
  [
    "f2_first_row.ts",
    revisionSource({
      revision: "f2",
      downRevision: "f1",
      message: "first row names the target",
      upgrade: `await op.bulkInsert("items", [{ id: 1, name: op.target ?? "none" }]);`,
      downgrade: `await op.execute("DELETE FROM items WHERE id = 1");`,
    }),
  ],
  [
    "f3_note.ts",
    revisionSource({
      revision: "f3",
      downRevision: "f2",
      message: "note column",
      upgrade: `await op.addColumn("items", "note", { type: "varchar(20)" });`,
      downgrade: `await op.dropColumn("items", "note");`,
    }),
  ],
];

describe.skipIf(!available)("fleets: --all on PostgreSQL databases, MariaDB databases and tenant schemas", () => {
  const pgDatabases: ScratchDatabase[] = [];
  const mariaDatabases: ScratchDatabase[] = [];
  let schemaDb: ScratchDatabase;
  const schemas = Array.from({ length: SCHEMAS }, (_, i) => `tenant_${String(i + 1).padStart(2, "0")}`);
  const missing = `kiln_t_missing_${randomBytes(4).toString("hex")}`;
  const missingUrl = (() => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${missing}`;
    return url.toString();
  })();
  let project: TestProject;
  let all: string[];

  /** Writes the config: the given target list (URLs and schema names; schema names live in the schema database). */
  function writeConfig(targets: string[]): void {
    project.write(
      "kiln.config.ts",
      `import { defineConfig } from "kiln-migrate";\nexport default defineConfig({\n  url: ${JSON.stringify(schemaDb.url)},\n  migrations: "migrations",\n  models: "schema.ts",\n  naming: { pk: "%(table)s_pkey" },\n  targets: ${JSON.stringify(targets, null, 2)},\n});\n`,
    );
  }

  beforeAll(async () => {
    for (let i = 0; i < PG_DATABASES; i++) pgDatabases.push(await createPgDatabase());
    for (let i = 0; i < MARIADB_DATABASES; i++) mariaDatabases.push(await createMysqlDatabase());
    schemaDb = await createPgDatabase();
    await queryDb(schemaDb.url, schemas.map((s) => `CREATE SCHEMA "${s}"`).join("; "));
    project = createProject({ url: schemaDb.url });
    for (const [file, source] of BASE_REVISIONS) project.write(`migrations/${file}`, source);
    all = [...pgDatabases.map((d) => d.url), ...mariaDatabases.map((d) => d.url.replace(/^mysql:/, "mariadb:")), ...schemas];
    writeConfig(all);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...pgDatabases, ...mariaDatabases, ...(schemaDb ? [schemaDb] : [])].map((d) => d.drop().catch(() => undefined)));
    await queryDb(PG_ADMIN_URL, `DROP DATABASE IF EXISTS "${missing}" WITH (FORCE)`).catch(() => undefined);
    project?.remove();
  }, 60_000);

  it("brings every target from base to head, says so in JSON, and a second run does nothing", async () => {
    const run = await project.kiln(["upgrade", "head", "--all", "--parallel", "8", "--json"]);
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(0);
    const doc = parse(run.stdout);
    expect(doc.summary).toMatchObject({ targets: all.length, changed: all.length, failed: 0, notRun: 0 });
    for (const t of doc.targets) {
      expect(t.before).toEqual([]);
      expect(t.after).toEqual(["f3"]);
      expect(t.steps.map((s) => s.revision)).toEqual(["f1", "f2", "f3"]);
    }
    // Pipes get one plain line per target on stderr, no bar.
    expect(run.stderr).toContain(`[${all.length}/${all.length}]`);
    expect(run.stderr).not.toContain("\r");

    // Names: the database's for a URL, the schema's for a schema; no password anywhere.
    const names = doc.targets.map((t) => t.name);
    expect(names).toEqual([...pgDatabases.map((d) => d.name), ...mariaDatabases.map((d) => d.name), ...schemas]);
    // op.target: each target's first row names it; schema tenants have their own tables, and public has none.
    expect(await queryDb(pgDatabases[3]!.url, "SELECT name FROM items")).toEqual([{ name: pgDatabases[3]!.name }]);
    expect(await queryDb(mariaDatabases[2]!.url, "SELECT name FROM items")).toEqual([{ name: mariaDatabases[2]!.name }]);
    const tenantRows = await queryDb(schemaDb.url, `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.relname IN ('items', 'kiln_version') GROUP BY 1 HAVING count(*) = 2 ORDER BY 1`);
    expect(tenantRows).toEqual(schemas.map((schema) => ({ schema })));
    expect(await queryDb(schemaDb.url, `SELECT name FROM "tenant_07".items`)).toEqual([{ name: "tenant_07" }]);
    expect(await queryDb(schemaDb.url, "SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'")).toEqual([{ n: 0 }]);

    const current = await project.kiln(["current", "--all", "--json"]);
    expect(current.code).toBe(0);
    const matrix = parse(current.stdout);
    expect(matrix.targets.every((t) => t.upToDate === true && t.after?.join() === "f3")).toBe(true);

    const again = await project.kiln(["upgrade", "head", "--all", "--parallel", "8"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`nothing to do: all ${all.length} target(s) are already at head`);
    const text = await project.kiln(["current", "--all"]);
    expect(text.stdout.split("\n")[0]).toMatch(/^TARGET\s+REVISION\s+STATE$/);
    expect(text.stdout).toMatch(/tenant_30\s+f3\s+head/);
    expect(text.stderr).toContain(`${all.length} target(s): ${all.length} at f3 (head)`);
  }, 120_000);

  it("with an unreachable target and a failing revision: stops by default, --canary stops early, --continue-on-error upgrades the rest; the rerun after the fix finishes", async () => {
    // f4 adds a check that one PostgreSQL target's data breaks.
    project.write(
      "migrations/f4_check.ts",
      revisionSource({
        revision: "f4",
        downRevision: "f3",
        message: "ids stay small",
        upgrade: `await op.createCheckConstraint("items_id_small", "items", "id < 100");`,
        downgrade: `await op.dropConstraint("items_id_small", "items", { type: "check" });`,
      }),
    );
    const bad = pgDatabases[5]!;
    await queryDb(bad.url, "INSERT INTO items (id, name) VALUES (500, 'too big')");
    writeConfig([missingUrl, ...all]);

    // Default: the first failure stops the run; with one at a time nothing else starts.
    const stop = await project.kiln(["upgrade", "head", "--all", "--parallel", "1", "--json"]);
    expect(stop.code).toBe(1);
    const stopped = parse(stop.stdout);
    expect(stopped.summary).toMatchObject({ failed: 1, changed: 0, notRun: all.length });
    expect(stopped.targets[0]).toMatchObject({ name: missing, status: "failed" });
    expect(stopped.targets[0]!.error!.message).toContain(`cannot connect to`);
    expect(stopped.stopped).toContain(`stopped after ${missing} failed`);

    // --canary 2: the unreachable target is among the first two, so the others never start.
    const canary = await project.kiln(["upgrade", "head", "--all", "--canary", "2", "--continue-on-error", "--json"]);
    expect(canary.code).toBe(1);
    const canaryDoc = parse(canary.stdout);
    expect(canaryDoc.summary).toMatchObject({ failed: 1, changed: 1, notRun: all.length - 1 });
    expect(canaryDoc.stopped).toContain("the canary failed");

    const cont = await project.kiln(["upgrade", "head", "--all", "--parallel", "8", "--continue-on-error", "--json"]);
    expect(cont.code).toBe(1);
    const doc = parse(cont.stdout);
    const records = byName(doc);
    expect(doc.summary).toMatchObject({ targets: all.length + 1, failed: 2, notRun: 0, changed: all.length - 2, unchanged: 1 });
    expect(records.get(missing)).toMatchObject({ status: "failed", before: null });
    expect(records.get(bad.name)).toMatchObject({ status: "failed", before: ["f3"], steps: [] });
    expect(records.get(bad.name)!.error!.message).toMatch(/f4/);
    expect(records.get(bad.name)!.error!.message).toMatch(/items_id_small/);
    expect(records.get(schemas[0]!)).toMatchObject({ status: "changed", before: ["f3"], after: ["f4"] });
    // Not a password, not a raw URL beyond what kiln prints.
    expect(cont.stdout).not.toMatch(/:[^@/]+@127/);

    // The text form: a summary table naming both failures, exit 1.
    const text = await project.kiln(["upgrade", "head", "--all", "--continue-on-error"]);
    expect(text.code).toBe(1);
    const failedRows = text.stdout.split("\n").filter((l) => / FAILED /.test(l));
    expect(failedRows.map((l) => l.split(/\s+/)[0]).sort()).toEqual([bad.name, missing].sort());
    expect(text.stderr).toMatch(new RegExp(`${all.length + 1} target\\(s\\): 0 upgraded \\(0 step\\(s\\)\\), ${all.length - 1} already at head, 2 failed`));

    // Fix both: the rerun finishes them and leaves the others after one read each.
    await queryDb(PG_ADMIN_URL, `CREATE DATABASE "${missing}"`);
    await queryDb(bad.url, "DELETE FROM items WHERE id = 500");
    const rerun = await project.kiln(["upgrade", "head", "--all", "--parallel", "8", "--json"]);
    expect(rerun.code).toBe(0);
    const after = byName(parse(rerun.stdout));
    expect(after.get(missing)).toMatchObject({ status: "changed", before: [], after: ["f4"] });
    expect(after.get(missing)!.steps).toHaveLength(4);
    expect(after.get(bad.name)).toMatchObject({ status: "changed", before: ["f3"], after: ["f4"] });
    expect(parse(rerun.stdout).summary).toMatchObject({ changed: 2, unchanged: all.length - 1, failed: 0 });
  }, 180_000);

  it("resumes a fleet run killed in the middle (SIGKILL): no target is left half-way, the rerun finishes the rest", async () => {
    writeConfig(all);
    project.write(
      "migrations/f5_slow.ts",
      revisionSource({
        revision: "f5",
        downRevision: "f4",
        message: "slow step",
        upgrade: `await op.createTable("slow_marks", { id: { type: "integer", primaryKey: true } });
    await op.execute(op.dialect === "postgresql" ? "SELECT pg_sleep(0.25)" : "SELECT SLEEP(0.25)");
    await op.bulkInsert("slow_marks", [{ id: 1 }]);`,
        downgrade: `await op.dropTable("slow_marks");`,
      }),
    );
    const running = startKiln(project.dir, ["upgrade", "head", "--all", "--parallel", "3"]);
    let progress = "";
    running.child.stderr!.on("data", (chunk: Buffer) => (progress += chunk.toString()));
    // Wait until a few targets are done, then kill while others are inside f5.
    for (let i = 0; i < 400 && !/\[(?:[4-9]|\d\d)\/\d+\]/.test(progress); i++) await sleep(25);
    running.child.kill("SIGKILL");
    const killed = await running.done;
    expect(killed.signal).toBe("SIGKILL");

    const mid = parse((await project.kiln(["current", "--all", "--json"])).stdout);
    const atHead = mid.targets.filter((t) => t.after?.join() === "f5").length;
    expect(atHead).toBeGreaterThan(0);
    expect(atHead).toBeLessThan(all.length);
    // Every target is at f4 or f5, never in between: PostgreSQL rolled the killed step back, MariaDB's journal names what ran.
    for (const t of mid.targets) expect(["f4", "f5"]).toContain(t.after?.join());

    const resume = await project.kiln(["upgrade", "head", "--all", "--parallel", "8", "--json"]);
    expect(resume.stderr).not.toMatch(/error:/);
    expect(resume.code).toBe(0);
    const doc = parse(resume.stdout);
    expect(doc.summary.changed + doc.summary.unchanged).toBe(all.length);
    expect(doc.summary.unchanged).toBeGreaterThanOrEqual(atHead);
    for (const t of doc.targets) expect(t.after).toEqual(["f5"]);
    expect(await queryDb(pgDatabases[0]!.url, "SELECT count(*)::int AS n FROM slow_marks")).toEqual([{ n: 1 }]);
    expect(await queryDb(mariaDatabases[5]!.url, "SELECT count(*) AS n FROM slow_marks")).toEqual([{ n: 1 }]);
  }, 120_000);

  it("two fleet runs at once apply each step once per target", async () => {
    project.write(
      "migrations/f6_marks.ts",
      revisionSource({
        revision: "f6",
        downRevision: "f5",
        message: "one mark per run of the step",
        upgrade: `await op.execute(op.dialect === "postgresql" ? "SELECT pg_sleep(0.05)" : "SELECT SLEEP(0.05)");
    await op.bulkInsert("slow_marks", [{ id: 6 }]);`,
        downgrade: `await op.execute("DELETE FROM slow_marks WHERE id = 6");`,
      }),
    );
    const [a, b] = await Promise.all([
      project.kiln(["upgrade", "head", "--all", "--parallel", "6", "--json"]),
      project.kiln(["upgrade", "head", "--all", "--parallel", "6", "--json"]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ra = byName(parse(a.stdout));
    const rb = byName(parse(b.stdout));
    for (const name of ra.keys()) {
      const applied = [...ra.get(name)!.steps, ...rb.get(name)!.steps].filter((s) => s.revision === "f6");
      expect(applied, name).toHaveLength(1);
    }
    // A second insert of id 6 would have failed its step: one row each, and one 'up' row in the history.
    expect(await queryDb(pgDatabases[1]!.url, "SELECT count(*)::int AS n FROM slow_marks WHERE id = 6")).toEqual([{ n: 1 }]);
    expect(await queryDb(schemaDb.url, `SELECT count(*)::int AS n FROM "tenant_15".kiln_history WHERE revision = 'f6' AND direction = 'up'`)).toEqual([{ n: 1 }]);
    expect(await queryDb(mariaDatabases[0]!.url, "SELECT count(*) AS n FROM slow_marks WHERE id = 6")).toEqual([{ n: 1 }]);
  }, 120_000);

  it("downgrade, stamp and check --all, and refuses fleet flags without --all", async () => {
    const down = await project.kiln(["downgrade", "-1", "--all", "--parallel", "8", "--json"]);
    expect(down.code, down.stderr).toBe(0);
    expect(parse(down.stdout).targets.every((t) => t.after?.join() === "f5" && t.steps.length === 1)).toBe(true);
    const stamp = await project.kiln(["stamp", "head", "--all", "--json"]);
    expect(stamp.code, stamp.stderr).toBe(0);
    expect(parse(stamp.stdout).targets.every((t) => t.status === "changed" && t.after?.join() === "f6")).toBe(true);
    const behind = await project.kiln(["current", "--all", "--check-heads"]);
    expect(behind.code).toBe(0);

    // check compares databases; a fleet with schema targets is refused, saying what to use instead.
    const refused = await project.kiln(["check", "--all"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("kiln current --all --check-heads");
    writeConfig(pgDatabases.slice(0, 3).map((d) => d.url));
    project.write("schema.ts", `import { table, integer, varchar, check, sql } from "kiln-migrate/schema";\nexport const items = table("items", { id: integer().primaryKey(), name: varchar(60), note: varchar(20) }, () => [check("items_id_small", sql\`id < 100\`)]);\nexport const slowMarks = table("slow_marks", { id: integer().primaryKey() });\n`);
    await queryDb(pgDatabases[2]!.url, "ALTER TABLE items ADD COLUMN extra integer");
    const check = await project.kiln(["check", "--all", "--json"]);
    expect(check.code).toBe(1);
    const checked = parse(check.stdout) as Omit<JsonDocument, "targets"> & { targets: (JsonRecord & { clean: boolean; changes: string[] })[] };
    expect(checked.summary.failed, check.stdout).toBe(0);
    expect(checked.targets.map((t) => t.clean), JSON.stringify(checked.targets.map((t) => t.changes))).toEqual([true, true, false]);
    expect(checked.targets[2]!.changes.join("\n")).toMatch(/extra/);

    // A tenant schema that does not exist is named as such (kiln does not create tenants).
    writeConfig(["tenant_01", "tenant_gone"]);
    const gone = await project.kiln(["upgrade", "head", "--all", "--json"]);
    expect(gone.code).toBe(1);
    expect(byName(parse(gone.stdout)).get("tenant_gone")!.error!.message).toMatch(/the schema "tenant_gone" does not exist in .*create the tenant's schema first/);

    const stray = await project.kiln(["upgrade", "head", "--parallel", "4"]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("--parallel goes with --all");
  }, 120_000);
});
