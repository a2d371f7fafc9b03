/**
 * Sixteen `kiln upgrade head` processes started at once, on the PostgreSQL
 * server, MariaDB and a SQLite file: every process exits 0, every step is
 * applied exactly once (one 'up' history row per revision), and the processes
 * that had to wait say so, naming who holds the migration lock.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { createProject, revisionSource, type CliResult, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";

const PROCESSES = 16;
const REVISIONS = 5;
/** Each step sleeps this long inside its transaction, so the processes overlap for sure. */
const STEP_SLEEP_MS = 300;

const id = (n: number) => `race0000000${n}`;

function raceRevision(n: number): string {
  return revisionSource({
    revision: id(n),
    downRevision: n === 1 ? null : id(n - 1),
    message: `race step ${n}`,
    upgrade: `await op.execute("CREATE TABLE race_${n} (id integer)");
    await op.execute("INSERT INTO race_${n} (id) VALUES (${n})");
    await new Promise((resolve) => setTimeout(resolve, ${STEP_SLEEP_MS}));`,
    downgrade: `await op.execute("DROP TABLE race_${n}");`,
  });
}

interface Target {
  name: string;
  /** What a waiting process says about the lock holder on this database. */
  holder: RegExp;
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
  available(): Promise<boolean>;
}

const targets: Target[] = [
  {
    name: "postgresql server",
    holder: /waiting for the migration lock held by pid \d+ \(kiln, 127\.0\.0\.1\) since \d{4}-/,
    available: () => serverAvailable("postgresql"),
    async setup() {
      const db = await createPgDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
  },
  {
    name: "mariadb",
    holder: /waiting for the migration lock held by connection \d+ \(root@[^)]+\)/,
    available: () => serverAvailable("mysql"),
    async setup() {
      const db = await createMysqlDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
  },
  {
    name: "sqlite file",
    holder: /waiting for the migration lock held by process \d+ on \S+ \(since \d{4}-/,
    available: async () => true,
    async setup() {
      const dir = tempDir("kiln-race-");
      return { url: `sqlite://${join(dir.path, "race.db")}`, cleanup: async () => dir.remove() };
    },
  },
];

const available = await Promise.all(targets.map((t) => t.available()));

describe.each(targets.filter((_, i) => available[i]))("$name: sixteen concurrent upgrades", (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject;
  let runs: CliResult[];

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    // The machine may be slow: waiting must end because the lock is free, never by timing out.
    project = createProject({ url, extraConfig: "migrationLockTimeoutMs: 600000," });
    for (let n = 1; n <= REVISIONS; n++) project.write(`migrations/00${n}_race.ts`, raceRevision(n));
    runs = await Promise.all(Array.from({ length: PROCESSES }, () => project.kiln(["upgrade", "head"])));
  }, 600_000);
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  it("ends every process with exit 0 and no error", () => {
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/error:/);
    }
  });

  it("applies each step exactly once", async () => {
    const rows = await queryDb(url, "SELECT revision, direction FROM kiln_history ORDER BY id");
    expect(rows).toEqual(Array.from({ length: REVISIONS }, (_, i) => ({ revision: id(i + 1), direction: "up" })));
    expect(await queryDb(url, "SELECT version_num FROM kiln_version")).toEqual([{ version_num: id(REVISIONS) }]);
    for (let n = 1; n <= REVISIONS; n++) {
      expect(await queryDb(url, `SELECT id FROM race_${n}`)).toEqual([{ id: n }]);
    }
    // Across all processes, each step was reported applied once.
    const applied = runs.flatMap((r) => r.stderr.split("\n").filter((line) => /^upgraded\s/.test(line)));
    expect(applied).toHaveLength(REVISIONS);
  });

  it("has the waiting processes say that they wait and who holds the lock", () => {
    const waiting = runs.filter((r) => r.stderr.includes("waiting for the migration lock"));
    expect(waiting.length).toBeGreaterThan(0);
    for (const run of waiting) expect(run.stderr).toMatch(target.holder);
    // A process that applied nothing says why.
    for (const run of runs.filter((r) => !/^upgraded\s/m.test(r.stderr))) {
      expect(run.stderr).toMatch(/nothing to do|already applied by another kiln process/);
    }
  });
});
