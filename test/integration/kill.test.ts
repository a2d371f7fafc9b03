/**
 * The kill test: `kiln upgrade head` over thirty multi-statement steps (create a
 * table, fill it, add a column, index it), SIGKILLed at random moments, at least
 * thirty times per database. Kills land in successive runs of one project (each
 * run continues where the last one died); a run that reaches head starts again
 * from an empty database. After every kill the state must be one kiln explains:
 * - the version table names at most one revision of the plan (or does not exist);
 * - the schema holds exactly the steps up to it (tables, columns, rows, indexes)
 *   and the history one 'up' row for each;
 * - and nothing of the next step, unless the database cannot roll back DDL and
 *   `kiln current` names the partly applied step.
 * A run that is not killed must reach head, and a last run reaches head at the end.
 *
 * PostgreSQL server, MariaDB and SQLite get thirty kills, PGlite (seconds to start)
 * five. On MariaDB, where DDL commits as it runs, a killed step may be partly
 * applied: `kiln current` must say how many of its statements ran and how to go
 * on, and the way it documents (running `kiln upgrade head` again) must continue it.
 * The kill moments come from a seeded PRNG: the seed is printed, and
 * KILN_KILL_SEED=<seed> replays it. KILN_KILL_COUNT changes the number of kills.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { PGlite } from "@electric-sql/pglite";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, createPgDatabase, serverAvailable, tempDir } from "../helpers/databases.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";
import { queryDb } from "../helpers/query.js";
import { type RunningKiln, seededRandom, sleep, startKiln } from "./safety-fixtures.js";

const STEPS = 30;
const ROWS = 3;
const KILLS = Number(process.env.KILN_KILL_COUNT ?? 30);
const SEED = Number(process.env.KILN_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));

const revisionId = (n: number) => `kill${String(n).padStart(8, "0")}`;

/** Step n: four statements, each leaving a mark that `describeState` can see. */
function killRevision(n: number): string {
  const values = Array.from({ length: ROWS }, (_, i) => `(${i + 1}, 'row ${i + 1}')`).join(", ");
  return revisionSource({
    revision: revisionId(n),
    downRevision: n === 1 ? null : revisionId(n - 1),
    message: `step ${n}`,
    upgrade: `await op.createTable("kill_${n}", { id: { type: "integer", primaryKey: true }, note: { type: "varchar(40)" } });
    await op.execute("INSERT INTO kill_${n} (id, note) VALUES ${values}");
    await op.addColumn("kill_${n}", "extra", { type: "varchar(20)" });
    await op.createIndex("ix_kill_${n}_note", "kill_${n}", ["note"]);`,
    downgrade: `await op.dropTable("kill_${n}");`,
  });
}

/** What the database holds, in the terms the steps leave marks in. */
interface State {
  /** kill_N tables: column names (sorted) and row count. */
  tables: Map<number, { columns: string[]; rows: number }>;
  /** Tables kill_N with an index ix_kill_N_note. */
  indexed: Set<number>;
  /** The version table's rows; undefined when kiln's tables do not exist. */
  versions?: string[];
  /** History rows, oldest first: "revision direction". */
  history: string[];
}

/** The marks of step n's first `done` statements (4: the whole step). */
function marks(done: number): { columns: string[]; rows: number; indexed: boolean } | undefined {
  if (done === 0) return undefined;
  return { columns: done >= 3 ? ["extra", "id", "note"] : ["id", "note"], rows: done >= 2 ? ROWS : 0, indexed: done >= 4 };
}

interface Target {
  name: string;
  /** Kills to land (an embedded database takes seconds to start: fewer). */
  kills: number;
  /** DDL rolls back with the step (else a killed step may be partly applied, and `kiln current` must say so). */
  transactionalDDL: boolean;
  available(): Promise<boolean>;
  setup(): Promise<{ url: string; cleanup(): Promise<void> }>;
  /** Back to an empty database. */
  reset(url: string): Promise<void>;
  /** Table names (in a column `t`) of the database. */
  tablesSql: string;
  /** Every table's columns: table name in `t`, column name in `c`. */
  columnsSql: string;
  /** Index names (in `i`) of the database's kill_N tables. */
  indexesSql: string;
  /** False when the database file does not exist yet. */
  exists(url: string): boolean;
  /**
   * SQL counting (in `n`) the other sessions on this database. A server finishes
   * what a killed client sent (a whole step, COMMIT included) before it notices:
   * the state is read once they are gone.
   */
  otherSessionsSql?: string;
  open(url: string): Promise<{ query: Query; close(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: "PostgreSQL",
    kills: KILLS,
    transactionalDDL: true,
    available: () => serverAvailable("postgresql"),
    async setup() {
      const db = await createPgDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
    async reset(url) {
      await queryDb(url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    },
    tablesSql: "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'",
    columnsSql: "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public'",
    indexesSql: "SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public'",
    exists: () => true,
    otherSessionsSql: "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    open: openPg,
  },
  {
    name: "SQLite",
    kills: KILLS,
    transactionalDDL: true,
    available: async () => true,
    async setup() {
      const dir = tempDir("kiln-kill-");
      return { url: `sqlite://${join(dir.path, "kill.db")}`, cleanup: async () => dir.remove() };
    },
    async reset(url) {
      const file = url.slice("sqlite://".length);
      for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    },
    tablesSql: "SELECT name AS t FROM sqlite_master WHERE type = 'table'",
    columnsSql: "SELECT m.name AS t, p.name AS c FROM sqlite_master AS m, pragma_table_info(m.name) AS p WHERE m.type = 'table'",
    indexesSql: "SELECT name AS i FROM sqlite_master WHERE type = 'index'",
    exists: (url) => existsSync(url.slice("sqlite://".length)),
    open: openSqlite,
  },
  {
    name: "MariaDB",
    kills: KILLS,
    transactionalDDL: false,
    available: () => serverAvailable("mysql"),
    async setup() {
      const db = await createMysqlDatabase();
      return { url: db.url, cleanup: () => db.drop() };
    },
    async reset(url) {
      const db = await openMysql(url);
      try {
        const tables = await db.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()");
        await db.query("SET FOREIGN_KEY_CHECKS = 0");
        for (const { t } of tables) await db.query(`DROP TABLE \`${String(t)}\``);
      } finally {
        await db.close();
      }
    },
    tablesSql: "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()",
    columnsSql: "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE()",
    indexesSql: "SELECT DISTINCT index_name AS i FROM information_schema.statistics WHERE table_schema = DATABASE()",
    exists: () => true,
    otherSessionsSql: "SELECT count(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()",
    open: openMysql,
  },
  {
    name: "PGlite",
    kills: Math.max(1, Math.round(KILLS / 6)),
    transactionalDDL: true,
    available: async () => true,
    async setup() {
      const dir = tempDir("kiln-kill-pglite-");
      return { url: `pglite://${join(dir.path, "db")}`, cleanup: async () => dir.remove() };
    },
    async reset(url) {
      rmSync(url.slice("pglite://".length), { recursive: true, force: true });
    },
    tablesSql: "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'",
    columnsSql: "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public'",
    indexesSql: "SELECT indexname AS i FROM pg_indexes WHERE schemaname = 'public'",
    // A database whose creation was killed (kiln's creation mark still there) holds nothing yet: kiln starts it afresh.
    exists: (url) => existsSync(url.slice("pglite://".length)) && !existsSync(join(url.slice("pglite://".length), "kiln.creating")),
    async open(url) {
      const db = new PGlite(url.slice("pglite://".length));
      return { query: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows, close: () => db.close() };
    },
  },
];

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

async function describeState(target: Target, url: string): Promise<State> {
  const state: State = { tables: new Map(), indexed: new Set(), history: [] };
  if (!target.exists(url)) return state;
  if (target.otherSessionsSql) {
    const deadline = Date.now() + 30_000;
    while (Number((await queryDb(url, target.otherSessionsSql))[0]!.n) > 0) {
      if (Date.now() > deadline) throw new Error("the killed kiln's session is still on the server after 30 s");
      await sleep(20);
    }
  }
  const db = await target.open(url);
  try {
    await readState(target, db.query, state);
  } finally {
    await db.close();
  }
  return state;
}

async function readState(target: Target, query: Query, state: State): Promise<void> {
  const names = (await query(target.tablesSql)).map((r) => String(r.t));
  const steps = names.map((name) => /^kill_(\d+)$/.exec(name)).filter((m) => m !== null).map((m) => Number(m[1]));
  if (steps.length > 0) {
    const columns = await query(target.columnsSql);
    const counts = await query(steps.map((n) => `SELECT ${n} AS step, count(*) AS n FROM kill_${n}`).join(" UNION ALL "));
    for (const { step, n } of counts) {
      const names = columns.filter((c) => String(c.t) === `kill_${step}`).map((c) => String(c.c)).sort();
      state.tables.set(Number(step), { columns: names, rows: Number(n) });
    }
  }
  for (const row of await query(target.indexesSql)) {
    const match = /^ix_kill_(\d+)_note$/.exec(String(row.i));
    if (match) state.indexed.add(Number(match[1]));
  }
  if (names.includes("kiln_version")) {
    state.versions = (await query("SELECT version_num FROM kiln_version")).map((r) => String(r.version_num));
  }
  // On MySQL kiln's CREATE TABLE statements commit one by one: a kill on the first run
  // can leave the version table without the history table (the next run creates it).
  if (names.includes("kiln_history")) {
    state.history = (await query("SELECT revision, direction FROM kiln_history ORDER BY id")).map((r) => `${r.revision} ${r.direction}`);
  }
}

/** One connection for reading a state (opening an embedded database costs seconds). */
async function openPg(url: string): Promise<{ query: Query; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return { query: async (sql) => (await client.query(sql)).rows, close: () => client.end() };
}

async function openMysql(url: string): Promise<{ query: Query; close(): Promise<void> }> {
  const conn = await mysql.createConnection({ uri: url });
  return { query: async (sql) => (await conn.query(sql))[0] as Record<string, unknown>[], close: () => conn.end() };
}

async function openSqlite(url: string): Promise<{ query: Query; close(): Promise<void> }> {
  // Read-write: opening rolls back the hot journal a killed writer left, as any next connection does.
  const db = new Database(url.slice("sqlite://".length));
  return { query: async (sql) => db.prepare(sql).all() as Record<string, unknown>[], close: async () => void db.close() };
}

/** The state after `applied` whole steps and the first `partial` statements of the next one. */
function expectedState(applied: number, partial: number): Omit<State, "versions"> & { versions: string[] } {
  const state = { tables: new Map<number, { columns: string[]; rows: number }>(), indexed: new Set<number>(), history: [] as string[], versions: [] as string[] };
  for (let n = 1; n <= applied + 1 && n <= STEPS; n++) {
    const mark = marks(n <= applied ? 4 : partial);
    if (!mark) continue;
    state.tables.set(n, { columns: mark.columns, rows: mark.rows });
    if (mark.indexed) state.indexed.add(n);
  }
  for (let n = 1; n <= applied; n++) state.history.push(`${revisionId(n)} up`);
  if (applied > 0) state.versions.push(revisionId(applied));
  return state;
}

/** Resolves once the run has reported `count` steps done (or ended), with the time between its last two steps. */
function stepsDone(run: RunningKiln, count: number): Promise<number | undefined> {
  let seen = 0;
  let last: number | undefined;
  let pace: number | undefined;
  return Promise.race([
    new Promise<number | undefined>((resolve) => {
      if (count === 0) resolve(undefined);
      run.child.stderr!.on("data", (d: Buffer) => {
        const steps = d.toString().match(/^upgraded/gm)?.length ?? 0;
        if (steps === 0) return;
        const now = Date.now();
        if (last !== undefined) pace = (now - last) / steps;
        last = now;
        seen += steps;
        if (seen >= count) resolve(pace);
      });
    }),
    run.done.then(() => pace),
  ]);
}

const available = await Promise.all(targets.map((t) => t.available()));

for (const [index, target] of targets.entries()) {
  describe.skipIf(!available[index])(`${target.name}: ${target.kills} SIGKILLs during a ${STEPS}-step upgrade`, () => {
    let url: string;
    let cleanup: () => Promise<void>;
    let project: TestProject;

    beforeAll(async () => {
      ({ url, cleanup } = await target.setup());
      project = createProject({ url });
      for (let n = 1; n <= STEPS; n++) project.write(`migrations/${String(n).padStart(3, "0")}_step.ts`, killRevision(n));
    });
    afterAll(async () => {
      project?.remove();
      await cleanup?.();
    });

    /**
     * Checks that kiln can explain the database as it is, and returns how many
     * steps are applied.
     */
    async function checkExplained(context: string): Promise<{ applied: number; partial: number }> {
      const state = await describeState(target, url);
      const versions = state.versions ?? [];
      expect(versions.length, `${context}: the version table holds ${JSON.stringify(versions)}`).toBeLessThanOrEqual(1);
      const applied = versions.length === 0 ? 0 : Number(versions[0]!.slice("kill".length));
      expect(versions.every((v) => v === revisionId(applied)), `${context}: unknown revision ${versions[0]}`).toBe(true);
      const next = state.tables.get(applied + 1);
      let partial = 0;
      if (next) {
        // Which statements of the next step ran, judged by their marks.
        partial = [1, 2, 3, 4].find((done) => {
          const mark = marks(done)!;
          return JSON.stringify(mark.columns) === JSON.stringify(next.columns) && mark.rows === next.rows && mark.indexed === state.indexed.has(applied + 1);
        }) ?? -1;
        expect(partial, `${context}: step ${applied + 1} left ${JSON.stringify(next)} behind`).toBeGreaterThan(0);
        expect(target.transactionalDDL, `${context}: at ${applied}, step ${applied + 1} is partly applied (${partial} of 4 statements) on a database that rolls DDL back`).toBe(false);
        // kiln's journal must say which statements of the step ran, and how to go on.
        const current = await project.kiln(["current"]);
        const said = current.stdout + current.stderr;
        const explained = `${context}: at ${applied}, ${partial} of 4 statements of step ${applied + 1} ran; \`kiln current\` says:\n${said}`;
        expect(said, explained).toContain(`revision ${revisionId(applied + 1)} is partly applied`);
        const ran = Number(/(\d+) statement\(s\) ran and stay applied/.exec(said)?.[1]);
        const running = /statement (\d+) \(.*\) was running when kiln stopped/.exec(said);
        expect(running ? [ran, ran + 1] : [ran], explained).toContain(partial);
        expect(said, explained).toContain("to continue");
      }
      const expected = expectedState(applied, partial);
      expect([...state.tables.entries()].sort((a, b) => a[0] - b[0]), `${context}: tables at ${applied}`).toEqual(
        [...expected.tables.entries()].sort((a, b) => a[0] - b[0]),
      );
      expect([...state.indexed].sort((a, b) => a - b), `${context}: indexes at ${applied}`).toEqual([...expected.indexed].sort((a, b) => a - b));
      expect(state.history, `${context}: history at ${applied}`).toEqual(expected.history);
      return { applied, partial };
    }

    it(`leaves only states kiln explains, from which \`upgrade head\` reaches head`, async () => {
      const random = seededRandom(SEED + index);
      const began = Date.now();
      console.log(`[kill ${target.name}] seed ${SEED} (replay with KILN_KILL_SEED=${SEED})`);

      // Calibration: how long start-up and a step take here.
      await target.reset(url);
      let started = Date.now();
      const calibration = startKiln(project.dir, ["upgrade", "head"]);
      await stepsDone(calibration, 1);
      const startupMs = Date.now() - started;
      started = Date.now();
      const full = await calibration.done;
      expect(full.code, full.stderr).toBe(0);
      const stepMs = Math.max(1, (Date.now() - started) / (STEPS - 1));
      await target.reset(url);

      let applied = 0;
      let landed = 0;
      let runs = 0;
      const seen = new Set<string>();
      const outcomes: string[] = [];
      while (landed < target.kills) {
        runs++;
        expect(runs, "too many runs ended before the kill: the kill moments are off").toBeLessThan(target.kills * 3);
        // Near the end a run has little left to kill: start again from an empty database.
        if (applied >= STEPS - 2) {
          await target.reset(url);
          applied = 0;
        }
        const run = startKiln(project.dir, ["upgrade", "head"]);
        // A sixth of the kills anywhere in start-up; the rest at a random moment of a random
        // remaining step: after the run reported some steps done, within a step's time (as the
        // run's own pace shows it, whatever the machine's load).
        const t0 = Date.now();
        if (random() < 1 / 6) {
          await sleep(random() * startupMs);
        } else {
          // Within the next few steps: a kill deep into a long run costs its whole time.
          const pace = await stepsDone(run, 1 + Math.floor(random() * Math.min(STEPS - applied, 6)));
          await sleep(random() * (pace ?? stepMs));
        }
        const delay = Date.now() - t0;
        run.child.kill("SIGKILL");
        const result = await run.done;
        const context = `run ${runs} (seed ${SEED}, killed after ${Math.round(delay)} ms)`;
        if (result.signal === "SIGKILL") landed++;
        else expect(result.code, `${context}: the run ended on its own with an error\n${result.stderr}`).toBe(0);
        const before = applied;
        const state = await checkExplained(context);
        applied = state.applied;
        expect(applied, `${context}: applied steps went down`).toBeGreaterThanOrEqual(before);
        if (result.signal === null) expect(applied, `${context}: the run ended without reaching head`).toBe(STEPS);
        const label = state.partial > 0 ? `${applied}+${state.partial}/4` : String(applied);
        seen.add(label);
        outcomes.push(`${before}->${label}${result.signal ? "" : "(done)"}`);
      }
      const last = await startKiln(project.dir, ["upgrade", "head"]).done;
      expect(last.code, `the last \`kiln upgrade head\` failed\n${last.stderr}`).toBe(0);
      expect((await checkExplained("after the last run")).applied).toBe(STEPS);
      const seconds = ((Date.now() - began) / 1000).toFixed(1);
      console.log(
        `[kill ${target.name}] ${landed} kills in ${runs} runs, ${seen.size} distinct states, ${seconds} s (start-up ${startupMs} ms, step ${stepMs.toFixed(0)} ms); runs: ${outcomes.join(" ")}`,
      );
      // Most kills hit a run between its first and its last step.
      const midRun = outcomes.filter((o) => /^\d+->\d+/.test(o) && !o.endsWith("(done)") && !o.startsWith(`${STEPS}`)).length;
      expect(midRun).toBeGreaterThan(target.kills / 2);
    }, 300_000);
  });
}
