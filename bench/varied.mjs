#!/usr/bin/env node
/**
 * The varied workload (issue 16), side by side on the local PostgreSQL server:
 * kiln `revision --autogenerate` (with an empty spelling cache, and with the
 * cache of an earlier run), kiln `check` (cached), `pg_dump --schema-only`
 * and `alembic revision --autogenerate`, runs interleaved (tool after tool,
 * round after round) on a quiet server and reported as medians (issue 16's own
 * table was measured so). Then each kiln command and pg_dump run again
 * (--load-runs, default 1) beside other clients: a concurrent client runs
 * CREATE DATABASE, a simple query and DROP DATABASE in a loop (any error it
 * sees is reported) and the locks each tool's backend holds are sampled from
 * pg_locks every 5 ms; those times are reported in columns of their own.
 * Every run's output is checked: exactly one added column per table, any
 * other difference is a failure, counted per kind.
 *
 *   node bench/varied.mjs --tables=100,1000 --runs=3 [--load-runs=1] [--seed=16] [--no-alembic] [--alembic-max=5000] [--uniform] [--real] [--dev-url] [--out=FILE]
 *
 * --real adds a real application's schema (test/fixtures/pg/danbooru), its models written by `kiln pull`,
 * one column added to every table in the database; kiln must drop exactly those (`--tables= --real`: it alone).
 *
 * --dev-url adds kiln autogenerate spelling in a dev database (config devUrl:
 * an empty scratch database on the same server) beside spelling on the target.
 *
 * Writes a Markdown table on stdout (and to --out); progress on stderr.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { REPO_ROOT, WORK_DIR } from "./lib/paths.mjs";
import { createScratchDatabase, dropScratchDatabase, runSql, ADMIN_URL, databaseUrl } from "./lib/pg.mjs";
import { createAlembicProject, alembicCommand } from "./peers/alembic.mjs";
import { createKilnProject, kilnCommand } from "./peers/kiln.mjs";
import { pgDumpSchemaCommand } from "./peers/postgres-tools.mjs";
import { describeVaried, variedKilnModels, variedSchema, variedSql, variedSqlalchemyModels } from "./workloads/varied-schema.mjs";
import { kilnModels, largeSchema, schemaSql, sqlalchemyModels } from "./workloads/large-schema.mjs";

const log = (line) => process.stderr.write(`${line}\n`);

function options(argv) {
  const o = { tables: [100, 1000], runs: 3, loadRuns: 1, real: false, seed: 16, alembic: true, alembicMax: Infinity, uniform: false, devUrl: false, out: undefined };
  for (const arg of argv) {
    const [k, v] = arg.replace(/^--/, "").split("=");
    if (k === "tables") o.tables = v === "" ? [] : v.split(",").map(Number);
    else if (k === "runs") o.runs = Number(v);
    else if (k === "load-runs") o.loadRuns = Number(v);
    else if (k === "seed") o.seed = Number(v);
    else if (k === "no-alembic") o.alembic = false;
    else if (k === "alembic-max") o.alembicMax = Number(v);
    else if (k === "uniform") o.uniform = true;
    else if (k === "real") o.real = true;
    else if (k === "dev-url") o.devUrl = true;
    else if (k === "out") o.out = v;
    else throw new Error(`unknown option ${arg}`);
  }
  return o;
}

/** Runs a command under GNU time; resolves with time, peak RSS, output and exit code (never rejects on exit codes). */
function run(command, args, { cwd, env = {} } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), "kiln-varied-"));
  const timeFile = join(scratch, "rss");
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", timeFile, command, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
    const out = [];
    const err = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      let rssKb = NaN;
      try {
        const lines = readFileSync(timeFile, "utf8").trim().split("\n");
        rssKb = Number(lines[lines.length - 1]);
      } catch {
        // no file
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ ms, rssKb, code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** Samples the locks held by every backend of `database` except its own, every few ms; stop() gives the peak per backend. */
async function lockSampler(database) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  let peak = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query(
        `SELECT COALESCE(max(n), 0)::int AS n FROM (
           SELECT l.pid, count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.datname = $1 AND l.pid <> pg_backend_pid() GROUP BY l.pid) s`,
        [database],
      );
      peak = Math.max(peak, rows[0].n);
      samples++;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return { peak, samples };
    },
  };
}

/** A client of the same server doing what other applications do; counts errors. */
async function concurrentClient() {
  let running = true;
  let rounds = 0;
  const errors = [];
  const loop = (async () => {
    while (running) {
      const name = `kiln_bench_probe_${process.pid}_${rounds}`;
      try {
        const admin = new pg.Client({ connectionString: ADMIN_URL });
        await admin.connect();
        await admin.query(`CREATE DATABASE "${name}"`);
        const c = new pg.Client({ connectionString: databaseUrl(name) });
        await c.connect();
        await c.query("CREATE TABLE probe (id integer PRIMARY KEY, note text); INSERT INTO probe VALUES (1, 'x'); SELECT * FROM probe");
        await c.end();
        await admin.query(`DROP DATABASE "${name}"`);
        await admin.end();
      } catch (error) {
        errors.push(String(error.message ?? error));
        await runSql(ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      }
      rounds++;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { rounds, errors };
    },
  };
}

function onlyFile(dir) {
  const files = readdirSync(dir).filter((n) => /\.(ts|py)$/.test(n));
  if (files.length !== 1) throw new Error(`${files.length} revision files in ${dir}, expected 1`);
  return readFileSync(join(dir, files[0]), "utf8");
}

function upgradeBody(source) {
  const start = source.search(/(async upgrade\(op\)|def upgrade\(\))/);
  const end = source.search(/(async downgrade\(op\)|def downgrade\(\))/);
  return source.slice(start, end);
}

/** Operation kinds in an upgrade body: expected `addColumn` (or `add_column`) once per table, naming the added column. */
function checkOutput(body, pattern, addKind, tableCount, addedColumn) {
  const kinds = {};
  for (const m of body.matchAll(pattern)) kinds[m[1]] = (kinds[m[1]] ?? 0) + 1;
  const added = kinds[addKind] ?? 0;
  const mentions = (body.match(new RegExp(addedColumn, "g")) ?? []).length;
  const spurious = Object.fromEntries(Object.entries(kinds).filter(([k]) => k !== addKind));
  const ok = added === tableCount && mentions >= tableCount && Object.keys(spurious).length === 0;
  return { ok, added, spurious };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/** A generated workload (varied or uniform): the database from its SQL, kiln and Alembic models of it plus one column. */
async function generatedWorkload(kind, tableCount, o) {
  const varied = kind === "varied";
  const schema = varied ? variedSchema(tableCount, o.seed) : largeSchema(tableCount);
  const sql = varied ? variedSql(schema) : schemaSql(schema);
  const db = await createScratchDatabase(`${kind}_${tableCount}`);
  log(`${kind} ${tableCount}: loading the schema into ${db.name}`);
  // In chunks of statements, each its own transaction: one transaction creating thousands of tables holds
  // thousands of locks and fails with "out of shared memory" on a server others use too.
  const statements = sql.split(/;\n/).filter((st) => st.trim() !== "");
  for (let at = 0; at < statements.length; at += 100) await runSql(db.url, statements.slice(at, at + 100).join(";\n"));
  const root = join(WORK_DIR, `${kind}-${tableCount}`);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "schema.sql"), sql);
  const kiln = createKilnProject(join(root, "kiln"), { url: db.url, models: varied ? variedKilnModels(schema) : kilnModels(schema) });
  const alembic = createAlembicProject(join(root, "alembic"), { url: db.url, models: varied ? variedSqlalchemyModels(schema) : sqlalchemyModels(schema) });
  return {
    kind,
    tableCount,
    describe: varied ? describeVaried(schema) : undefined,
    db,
    root,
    kiln,
    alembic,
    // kiln's revision: one addColumn per table (varied) or one in all (uniform); Alembic's: as many add_column.
    expected: { kiln: "addColumn", alembic: "add_column", count: varied ? tableCount : 1, column: schema.addedColumn },
  };
}

/**
 * A real application's schema (test/fixtures/pg/danbooru: 64 tables, 391 indexes, views, functions, an
 * operator), its models written by `kiln pull`, then one column added to every table in the database:
 * kiln's revision must drop exactly those columns. (Alembic has no models of it: not run.)
 */
async function danbooruWorkload() {
  const db = await createScratchDatabase("real_danbooru");
  log(`danbooru: loading test/fixtures/pg/danbooru/structure.sql into ${db.name}`);
  const loaded = await run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.url, "-f", join(REPO_ROOT, "test/fixtures/pg/danbooru/structure.sql")]);
  if (loaded.code !== 0) throw new Error(`loading danbooru failed:\n${loaded.stderr}`);
  const root = join(WORK_DIR, "real-danbooru");
  mkdirSync(root, { recursive: true });
  const kiln = createKilnProject(join(root, "kiln"), { url: db.url });
  rmSync(join(kiln.dir, "kiln.config.ts"));
  const pull = kilnCommand(["pull", "--url", db.url]);
  const pulled = await run(pull.command, pull.args, { cwd: kiln.dir });
  if (pulled.code !== 0) throw new Error(`kiln pull failed:\n${pulled.stderr}`);
  const check = kilnCommand(["check"]);
  const clean = await run(check.command, check.args, { cwd: kiln.dir });
  if (clean.code !== 0) throw new Error(`kiln check on the pulled models found differences:\n${clean.stdout}\n${clean.stderr}`);
  // Every table of the models' schema gets a column the models do not have (the config's excludeTables left out).
  const { rows } = await runSql(
    db.url,
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('ar_internal_metadata', 'schema_migrations')`,
  );
  await runSql(db.url, rows.map((r) => `ALTER TABLE ${r.name} ADD COLUMN bench_extra text;`).join("\n"));
  return {
    kind: "danbooru",
    tableCount: rows.length,
    describe: undefined,
    db,
    root,
    kiln,
    alembic: undefined,
    expected: { kiln: "dropColumn", alembic: undefined, count: rows.length, column: "bench_extra" },
  };
}

async function measureWorkload(w, o) {
  const { kind, tableCount, db, root, kiln, alembic } = w;
  const dev = o.devUrl ? await createScratchDatabase(`dev_${kind}_${tableCount}`) : undefined;
  const warmCache = join(root, "spellings-warm.json");
  rmSync(warmCache, { force: true });
  const expectedAdds = w.expected.count;
  const addedColumn = w.expected.column;
  const clean = () => runSql(db.url, "DROP TABLE IF EXISTS alembic_version");
  const empty = (dir) => {
    for (const n of readdirSync(dir)) rmSync(join(dir, n), { recursive: true, force: true });
  };

  const kilnRevision = kilnCommand(["revision", "--autogenerate", "-m", "bench"]);
  const kilnCheck = kilnCommand(["check"]);
  const tools = [
    {
      name: "kiln autogenerate (no spelling cache)",
      locks: true,
      async once() {
        empty(kiln.migrationsDir);
        const cold = join(root, `spellings-cold-${Math.random().toString(36).slice(2)}.json`);
        const r = await run(kilnRevision.command, kilnRevision.args, { cwd: kiln.dir, env: { KILN_SPELLING_CACHE: cold } });
        rmSync(cold, { force: true });
        if (r.code !== 0) throw new Error(`kiln failed:\n${r.stderr}`);
        return { ...r, check: checkOutput(upgradeBody(onlyFile(kiln.migrationsDir)), /await op\.(\w+)\(/g, w.expected.kiln, expectedAdds, addedColumn) };
      },
    },
    ...(dev
      ? [
          {
            name: "kiln autogenerate, devUrl (no spelling cache)",
            locks: true,
            async once() {
              empty(kiln.migrationsDir);
              const cold = join(root, `spellings-cold-${Math.random().toString(36).slice(2)}.json`);
              const r = await run(kilnRevision.command, kilnRevision.args, { cwd: kiln.dir, env: { KILN_SPELLING_CACHE: cold, KILN_DEV_URL: dev.url } });
              rmSync(cold, { force: true });
              if (r.code !== 0) throw new Error(`kiln failed:\n${r.stderr}`);
              return { ...r, check: checkOutput(upgradeBody(onlyFile(kiln.migrationsDir)), /await op\.(\w+)\(/g, w.expected.kiln, expectedAdds, addedColumn) };
            },
          },
        ]
      : []),
    {
      name: "kiln autogenerate (spelling cache of an earlier run)",
      locks: true,
      async once() {
        empty(kiln.migrationsDir);
        const r = await run(kilnRevision.command, kilnRevision.args, { cwd: kiln.dir, env: { KILN_SPELLING_CACHE: warmCache } });
        if (r.code !== 0) throw new Error(`kiln failed:\n${r.stderr}`);
        return { ...r, check: checkOutput(upgradeBody(onlyFile(kiln.migrationsDir)), /await op\.(\w+)\(/g, w.expected.kiln, expectedAdds, addedColumn) };
      },
    },
    {
      name: "kiln check (spelling cache of an earlier run)",
      locks: true,
      async once() {
        empty(kiln.migrationsDir);
        const r = await run(kilnCheck.command, kilnCheck.args, { cwd: kiln.dir, env: { KILN_SPELLING_CACHE: warmCache } });
        const changes = (r.stdout + r.stderr).split("\n").filter((l) => /^\s*[+~-] /.test(l) || /add column/i.test(l));
        const added = changes.filter((l) => l.includes(addedColumn)).length;
        return { ...r, check: { ok: r.code !== 0 && added === expectedAdds && changes.length === expectedAdds, added, spurious: changes.length === added ? {} : { other: changes.length - added } } };
      },
    },
    {
      name: "pg_dump --schema-only",
      locks: true,
      async once() {
        const d = pgDumpSchemaCommand(db.name);
        const r = await run(d.command, d.args);
        const tables = (r.stdout.match(/^CREATE TABLE /gm) ?? []).length;
        return { ...r, check: { ok: r.code === 0 && tables >= tableCount, added: 0, spurious: {} } };
      },
    },
    ...(alembic && o.alembic && tableCount <= o.alembicMax
      ? [
          {
            name: "Alembic 1.8 autogenerate",
            async once() {
              empty(alembic.versionsDir);
              await clean();
              const a = alembicCommand(["revision", "--autogenerate", "-m", "bench"]);
              const r = await run(a.command, a.args, { cwd: alembic.dir });
              await clean();
              if (r.code !== 0) throw new Error(`alembic failed:\n${r.stderr.slice(-2000)}`);
              return { ...r, check: checkOutput(upgradeBody(onlyFile(alembic.versionsDir)), /^\s+op\.(\w+)\(/gm, w.expected.alembic, expectedAdds, addedColumn) };
            },
          },
        ]
      : []),
  ];

  // Fill the warm cache once (untimed).
  log(`${kind} ${tableCount}: priming the spelling cache`);
  await run(kilnCheck.command, kilnCheck.args, { cwd: kiln.dir, env: { KILN_SPELLING_CACHE: warmCache } });

  const results = new Map(tools.map((t) => [t.name, { runs: [], rss: [], checks: [], loaded: [], locks: [] }]));
  const loadStart = loadavg()[0];
  let probeResult;
  try {
    // Timed rounds on a quiet server: nothing else of the benchmark's runs beside the tool (as in issue 16's table).
    for (let round = 0; round < o.runs; round++) {
      for (const tool of tools) {
        const r = await tool.once();
        const entry = results.get(tool.name);
        entry.runs.push(r.ms);
        entry.rss.push(r.rssKb);
        entry.checks.push(r.check);
        log(`  ${tool.name}: ${seconds(r.ms)}, ${Math.round(r.rssKb / 1024)} MB${r.check.ok ? "" : `, OUTPUT WRONG: ${JSON.stringify(r.check)}`}`);
      }
    }
    // Rounds beside other clients: every kiln command (and pg_dump, for the ratio) while a concurrent client loops
    // CREATE DATABASE and simple queries, the locks of its backend sampled every 5 ms. Their outputs are checked too.
    const probe = await concurrentClient();
    try {
      for (let round = 0; round < o.loadRuns; round++) {
        for (const tool of tools.filter((t) => t.locks)) {
          const sampler = tool.locks ? await lockSampler(db.name) : undefined;
          const r = await tool.once();
          const locks = sampler ? await sampler.stop() : undefined;
          const entry = results.get(tool.name);
          entry.loaded.push(r.ms);
          if (locks) entry.locks.push(locks.peak);
          entry.checks.push(r.check);
          log(`  beside the concurrent client: ${tool.name}: ${seconds(r.ms)}${locks ? `, peak locks ${locks.peak} (${locks.samples} samples)` : ""}${r.check.ok ? "" : `, OUTPUT WRONG: ${JSON.stringify(r.check)}`}`);
        }
      }
    } finally {
      probeResult = await probe.stop();
    }
  } finally {
    await dropScratchDatabase(db.name);
    if (dev) await dropScratchDatabase(dev.name);
  }
  return { kind, tableCount, describe: w.describe, results, probe: probeResult, load: [loadStart, loadavg()[0]] };
}

function report(all, o) {
  const lines = [];
  for (const w of all) {
    const dump = median(w.results.get("pg_dump --schema-only").runs);
    const dumpLoaded = median(w.results.get("pg_dump --schema-only").loaded);
    const alembic = w.results.get("Alembic 1.8 autogenerate");
    const alembicMedian = alembic ? median(alembic.runs) : NaN;
    const title = { varied: "Varied workload", uniform: "Uniform workload", danbooru: "A real application's schema (danbooru, pulled by kiln; one column added to every table in the database)" }[w.kind];
    lines.push(`#### ${title}, ${w.tableCount.toLocaleString("en")} tables`);
    lines.push("");
    if (w.describe) lines.push(`Schema (seed ${o.seed}): ${Object.entries(w.describe).map(([k, v]) => `${v} ${k}`).join(", ")}.`, "");
    lines.push("| command | median | min | max | peak RSS | kiln ÷ pg_dump | kiln ÷ Alembic | beside the concurrent client | ÷ pg_dump there | peak locks (its backend) | output |");
    lines.push("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
    for (const [name, r] of w.results) {
      const m = median(r.runs);
      const isKiln = name.startsWith("kiln");
      const bad = r.checks.filter((c) => !c.ok);
      const spurious = {};
      for (const c of bad) for (const [k, v] of Object.entries(c.spurious ?? {})) spurious[k] = Math.max(spurious[k] ?? 0, v);
      const output = bad.length === 0 ? "exact" : `WRONG in ${bad.length}/${r.checks.length} runs (added ${bad[0].added}; spurious: ${Object.entries(spurious).map(([k, v]) => `${k} ×${v}`).join(", ") || "none"})`;
      lines.push(
        `| ${name} | ${seconds(m)} | ${seconds(Math.min(...r.runs))} | ${seconds(Math.max(...r.runs))} | ${Math.round(median(r.rss) / 1024)} MB | ${isKiln ? `${(m / dump).toFixed(2)}×` : ""} | ${isKiln && alembic ? `${(m / alembicMedian).toFixed(2)}×` : ""} | ${r.loaded.length ? seconds(median(r.loaded)) : ""} | ${isKiln && r.loaded.length ? `${(median(r.loaded) / dumpLoaded).toFixed(2)}×` : ""} | ${r.locks.length ? Math.max(...r.locks) : ""} | ${output} |`,
      );
    }
    lines.push("");
    lines.push(
      `Concurrent client (CREATE DATABASE, CREATE TABLE/INSERT/SELECT, DROP DATABASE in a loop, during the runs beside it: ${o.loadRuns} of each kiln command and pg_dump, after the quiet rounds): ${w.probe.rounds} rounds, ${w.probe.errors.length} errors${w.probe.errors.length ? ` (${[...new Set(w.probe.errors)].slice(0, 3).join("; ")})` : ""}. Load average (1 min) ${w.load[0].toFixed(1)} at the start, ${w.load[1].toFixed(1)} at the end.`,
    );
    lines.push("");
  }
  return lines.join("\n");
}

async function main() {
  const o = options(process.argv.slice(2));
  const all = [];
  const write = () => {
    const text = `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`node bench/varied.mjs ${process.argv.slice(2).join(" ")}\`; ${o.runs} interleaved rounds, medians.\n\n${report(all, o)}`;
    if (o.out) writeFileSync(o.out, text + "\n");
    return text;
  };
  for (const n of o.tables) {
    all.push(await measureWorkload(await generatedWorkload("varied", n, o), o));
    write();
    if (o.uniform) {
      all.push(await measureWorkload(await generatedWorkload("uniform", n, o), o));
      write();
    }
  }
  if (o.real) {
    all.push(await measureWorkload(await danbooruWorkload(), o));
    write();
  }
  process.stdout.write(write() + "\n");
}

main().catch((error) => {
  log(error?.stack ?? String(error));
  process.exitCode = 1;
});
