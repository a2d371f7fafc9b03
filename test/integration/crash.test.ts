/**
 * Crash safety: a fifty-step `kiln upgrade head` killed with SIGKILL at random
 * moments, many times, on the PostgreSQL server and on a SQLite file. After
 * every kill:
 * - the migration lock is free again (PostgreSQL drops a dead client's advisory
 *   lock; SQLite's lock row names a dead process, which the next run takes over);
 * - the version table holds at most one row, and exactly the revisions up to it
 *   have their tables (with their rows) and one 'up' history row each: a step is
 *   all there or not there at all;
 * and every few kills, and at the end, `kiln upgrade head` runs to the end.
 *
 * The kill moments come from a seeded PRNG; the seed is printed, and
 * KILN_CRASH_SEED=<seed> replays a run. KILN_CRASH_KILLS sets the number of kills
 * on PostgreSQL (default 100; SQLite gets a quarter).
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { seededRandom, sleep, startKiln } from "./safety-fixtures.js";

const STEPS = 50;
const ROWS_PER_STEP = 3;
const KILLS = Number(process.env.KILN_CRASH_KILLS ?? 100);
const SEED = Number(process.env.KILN_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** A full `upgrade head` run after this many kills (and after the last). */
const COMPLETE_EVERY = 10;
/** How long a dead process's lock may take to disappear. */
const LOCK_RELEASE_MS = 10_000;

const id = (n: number) => `crash${String(n).padStart(7, "0")}`;

function crashRevision(n: number, pause: string): string {
  const values = Array.from({ length: ROWS_PER_STEP }, (_, i) => `(${i + 1}, 'row ${i + 1} of ${n}')`).join(", ");
  return revisionSource({
    revision: id(n),
    downRevision: n === 1 ? null : id(n - 1),
    message: `step ${n}`,
    upgrade: `await op.execute("CREATE TABLE crash_${n} (id integer NOT NULL, note varchar(40))");
    ${pause}
    await op.execute("INSERT INTO crash_${n} (id, note) VALUES ${values}");
    await new Promise((resolve) => setTimeout(resolve, 5));`,
    downgrade: `await op.execute("DROP TABLE crash_${n}");`,
  });
}

interface Target {
  name: string;
  kills: number;
  /** A statement that makes the database itself busy for a moment inside the step. */
  pause: string;
  available(): Promise<boolean>;
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
  /** Back to an empty database (kiln's tables included). */
  reset(url: string): Promise<void>;
  /** Names of the crash_N tables that exist, and whether kiln's tables do. */
  tables(url: string): Promise<{ crash: string[]; kiln: boolean }>;
  /** Resolves true once no live process holds the migration lock. */
  lockReleased(url: string): Promise<boolean>;
}

async function pollUntil(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const targets: Target[] = [
  {
    name: "postgresql server",
    kills: KILLS,
    pause: `await op.execute("SELECT pg_sleep(0.01)");`,
    available: () => serverAvailable("postgresql"),
    async setup() {
      const db = await createPgDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
    async reset(url) {
      await queryDb(url, "DROP SCHEMA public CASCADE");
      await queryDb(url, "CREATE SCHEMA public");
    },
    async tables(url) {
      const rows = await queryDb(url, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'");
      const names = rows.map((r) => String(r.t));
      return { crash: names.filter((n) => n.startsWith("crash_")), kiln: names.includes("kiln_version") };
    },
    lockReleased: (url) =>
      pollUntil(async () => {
        const rows = await queryDb(
          url,
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE l.locktype = 'advisory' AND d.datname = current_database() AND l.pid <> pg_backend_pid()`,
        );
        return rows[0]!.n === 0;
      }, LOCK_RELEASE_MS),
  },
  {
    name: "sqlite file",
    kills: Math.max(1, Math.round(KILLS / 4)),
    pause: "",
    available: async () => true,
    async setup() {
      const dir = tempDir("kiln-crash-");
      return { url: `sqlite://${join(dir.path, "crash.db")}`, cleanup: async () => dir.remove() };
    },
    async reset(url) {
      const file = url.slice("sqlite://".length);
      for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    },
    async tables(url) {
      if (!existsSync(url.slice("sqlite://".length))) return { crash: [], kiln: false };
      const names = (await queryDb(url, "SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => String(r.name));
      return { crash: names.filter((n) => n.startsWith("crash_")), kiln: names.includes("kiln_version") };
    },
    async lockReleased(url) {
      if (!existsSync(url.slice("sqlite://".length))) return true;
      const hasLockTable = (await queryDb(url, "SELECT name FROM sqlite_master WHERE name = 'kiln_lock'")).length > 0;
      if (!hasLockTable) return true;
      // A row of a dead process is stale: the next run takes it over.
      const holders = await queryDb(url, "SELECT pid FROM kiln_lock");
      return holders.every((h) => !processAlive(Number(h.pid)));
    },
  },
];

const available = await Promise.all(targets.map((t) => t.available()));

describe.each(targets.filter((_, i) => available[i]))("$name: SIGKILL during a fifty-step upgrade", (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject;

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    project = createProject({ url, extraConfig: "migrationLockTimeoutMs: 120000," });
    for (let n = 1; n <= STEPS; n++) project.write(`migrations/${String(n).padStart(3, "0")}_step.ts`, crashRevision(n, target.pause));
  });
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  /** The number of applied steps, after checking that the database is consistent. */
  async function checkConsistent(context: string): Promise<number> {
    expect(await target.lockReleased(url), `${context}: the migration lock of the killed process was not released within ${LOCK_RELEASE_MS} ms`).toBe(true);
    const { crash, kiln } = await target.tables(url);
    if (!kiln) {
      // Killed before kiln wrote anything: no step may be there either.
      expect(crash, context).toEqual([]);
      return 0;
    }
    const versions = (await queryDb(url, "SELECT version_num FROM kiln_version")).map((r) => String(r.version_num));
    expect(versions.length, `${context}: kiln_version holds ${JSON.stringify(versions)}`).toBeLessThanOrEqual(1);
    const applied = versions.length === 0 ? 0 : Number(versions[0]!.slice("crash".length));
    expect(crash.sort(), `${context}: at ${versions[0] ?? "base"}`).toEqual(
      Array.from({ length: applied }, (_, i) => `crash_${i + 1}`).sort(),
    );
    for (let n = 1; n <= applied; n++) {
      const [{ rows }] = (await queryDb(url, `SELECT count(*) AS rows FROM crash_${n}`)) as { rows: number | string }[];
      expect(Number(rows), `${context}: rows of crash_${n}`).toBe(ROWS_PER_STEP);
    }
    const history = await queryDb(url, "SELECT revision, direction FROM kiln_history ORDER BY id");
    expect(history, `${context}: history`).toEqual(Array.from({ length: applied }, (_, i) => ({ revision: id(i + 1), direction: "up" })));
    return applied;
  }

  async function upgradeToTheEnd(context: string): Promise<void> {
    const run = startKiln(project.dir, ["upgrade", "head"]);
    const timeout = setTimeout(() => run.child.kill("SIGKILL"), 180_000);
    const result = await run.done;
    clearTimeout(timeout);
    expect(result.signal, `${context}: the next \`kiln upgrade head\` hung and was stopped after 180 s\n${result.stderr}`).toBeNull();
    expect(result.code, `${context}: the next \`kiln upgrade head\` failed\n${result.stderr}`).toBe(0);
    expect(await checkConsistent(`${context}, after the completing run`)).toBe(STEPS);
  }

  it(`stays consistent after ${target.kills} kills`, async () => {
    const random = seededRandom(SEED + target.name.length);
    console.log(`[crash ${target.name}] seed ${SEED} (replay with KILN_CRASH_SEED=${SEED}), ${target.kills} kills`);

    // Calibration: one full run tells how long starting up and a step take here.
    await target.reset(url);
    const started = Date.now();
    const first = await startKiln(project.dir, ["upgrade", "head"]).done;
    expect(first.code, first.stderr).toBe(0);
    const total = Date.now() - started;
    const stepMs = [...first.stderr.matchAll(/\((\d+) ms\)/g)].reduce((sum, m) => sum + Number(m[1]), 0) / STEPS;
    const startupMs = Math.max(200, total - stepMs * STEPS);
    await target.reset(url);

    let landed = 0;
    let applied = 0;
    const outcomes: string[] = [];
    for (let kill = 1; kill <= target.kills; kill++) {
      if (applied === STEPS) {
        await target.reset(url);
        applied = 0;
      }
      const run = startKiln(project.dir, ["upgrade", "head"]);
      // A fifth of the kills anywhere from start-up on; the rest while steps run.
      let delay: number;
      if (random() < 0.2) {
        delay = random() * (startupMs + stepMs * 2);
        await sleep(delay);
      } else {
        const progress = await Promise.race([
          new Promise<boolean>((resolve) => run.child.stderr!.on("data", (d: Buffer) => /upgraded/.test(d.toString()) && resolve(true))),
          run.done.then(() => false),
        ]);
        // 0.8: the calibrated pace varies with the machine's load; stay inside the run.
        delay = progress ? random() * stepMs * (STEPS - applied) * 0.8 : 0;
        await sleep(delay);
      }
      run.child.kill("SIGKILL");
      const result = await run.done;
      const context = `kill ${kill} (seed ${SEED}, ${Math.round(delay)} ms)`;
      if (result.signal === "SIGKILL") landed++;
      else expect(result.code, `${context}: the run ended on its own with an error\n${result.stderr}`).toBe(0);
      const before = applied;
      applied = await checkConsistent(context);
      expect(applied, `${context}: applied steps went down`).toBeGreaterThanOrEqual(before);
      outcomes.push(`${before}->${applied}${result.signal ? "" : "(done)"}`);
      if (kill % COMPLETE_EVERY === 0 || kill === target.kills) {
        await upgradeToTheEnd(context);
        applied = STEPS;
      }
    }
    console.log(`[crash ${target.name}] ${landed} of ${target.kills} kills landed while kiln ran; steps applied per kill: ${outcomes.join(" ")}`);
    // The kills must have hit running processes, most of them mid-migration.
    expect(landed).toBeGreaterThan(target.kills * 0.7);
    const midRun = outcomes.filter((o) => /^(\d+)->(\d+)$/.exec(o) && Number(o.split("->")[1]) < STEPS).length;
    expect(midRun).toBeGreaterThan(target.kills * 0.5);
  }, 1_800_000);
});
