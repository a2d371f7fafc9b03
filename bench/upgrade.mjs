#!/usr/bin/env node
/**
 * Upgrading through a long history (issue 16, item 4), measured side by side
 * in interleaved rounds on one scratch database:
 *
 *   - `kiln upgrade head` from an empty database, compiled-file cache warm;
 *   - the same with a cold cache (a fresh TMPDIR, so nothing compiled is kept);
 *   - `psql -1 -f` and `psql -f` of the script `kiln upgrade head --sql` prints
 *     (the same statements and version-table writes with no tool in between:
 *     the floor);
 *   - `alembic upgrade head` (transaction_per_migration);
 *   - `current`, `history` and `heads` of kiln and Alembic at head.
 *
 *   node bench/upgrade.mjs [--revisions=500,2000] [--runs=5] [--no-alembic] [--no-build] [--out=FILE]
 *
 * Prints a markdown table and writes it between the `bench:upgrade` markers
 * of docs/benchmarks.md (or to --out).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measure, runOnce, summarize } from "./lib/measure.mjs";
import { DOC_FILE, WORK_DIR } from "./lib/paths.mjs";
import { dropScratchDatabase, serverVersion } from "./lib/pg.mjs";
import { buildKiln, ensureAlembic, ensureGnuTime } from "./lib/setup.mjs";
import { alembicCommand } from "./peers/alembic.mjs";
import { kilnCommand } from "./peers/kiln.mjs";
import { psqlFileCommand } from "./peers/postgres-tools.mjs";
import { expectHead, historyProjects } from "./suites/history-projects.mjs";

const log = (line) => process.stderr.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    revisions: { type: "string", default: "500,2000" },
    runs: { type: "string", default: "5" },
    alembic: { type: "boolean", default: true },
    "no-alembic": { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    out: { type: "string" },
  },
});
const revisionCounts = values.revisions.split(",").map(Number);
const runs = Number(values.runs);
const withAlembic = values.alembic && !values["no-alembic"];

function psqlSingleTransaction(database, file) {
  const base = psqlFileCommand(database, file);
  return { ...base, args: ["-1", ...base.args], display: "psql -X -q -1 -v ON_ERROR_STOP=1 -f upgrade.sql" };
}

function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

async function historyRound(n) {
  const p = await historyProjects({ revisionCount: n, name: `upgrade_${n}_${process.pid}`, workDir: WORK_DIR });
  const rows = new Map();
  const add = (key, display, result) => {
    const row = rows.get(key) ?? { key, display, samples: [] };
    row.samples.push(result);
    rows.set(key, row);
  };
  const once = async (key, spec, { prepare, verify, env } = {}) => {
    const m = await measure({ ...spec, runs: 1, env, prepare, verify, log, tool: key, label: `${n} revisions` });
    add(key, spec.display, m.last);
    return m.last;
  };
  try {
    // Untimed: fill the compiled-file cache and write the --sql script.
    await p.kilnToHead();
    const script = join(p.root, "upgrade.sql");
    const offline = await runOnce(kilnCommand(["upgrade", "head", "--sql"]).command, kilnCommand(["upgrade", "head", "--sql"]).args, { cwd: p.kiln.dir });
    writeFileSync(script, offline.stdout);
    const migrated = (tool, bookkeeping) => () => p.expectMigrated(tool, bookkeeping);
    for (let round = 0; round < runs; round++) {
      await once("kiln upgrade head (warm cache)", { ...kilnCommand(["upgrade", "head"]), cwd: p.kiln.dir }, { prepare: p.reset, verify: migrated("kiln", 2) });
      await once("psql -1 -f (kiln's --sql script)", psqlSingleTransaction(p.db.name, script), { prepare: p.reset, verify: migrated("psql", 2) });
      await once("psql -f (kiln's --sql script)", psqlFileCommand(p.db.name, script), { prepare: p.reset, verify: migrated("psql", 2) });
      const cold = mkdtempSync(join(tmpdir(), "kiln-bench-cold-"));
      try {
        await once("kiln upgrade head (cold cache)", { ...kilnCommand(["upgrade", "head"]), cwd: p.kiln.dir }, { prepare: p.reset, verify: migrated("kiln", 2), env: { TMPDIR: cold } });
      } finally {
        rmSync(cold, { recursive: true, force: true });
      }
      if (withAlembic) {
        await once("alembic upgrade head", { ...alembicCommand(["upgrade", "head"]), cwd: p.alembic.dir }, { prepare: p.reset, verify: migrated("Alembic", 1) });
      }
    }
    // Read-only commands at head.
    for (const [tool, toHead, command, dir] of [
      ["kiln", p.kilnToHead, kilnCommand, p.kiln.dir],
      ...(withAlembic ? [["alembic", p.alembicToHead, alembicCommand, p.alembic.dir]] : []),
    ]) {
      await toHead();
      for (let round = 0; round < runs; round++) {
        await once(`${tool} current`, { ...command(["current"]), cwd: dir }, { verify: expectHead(tool, p.head) });
        await once(`${tool} history`, { ...command(["history"]), cwd: dir });
        await once(`${tool} heads`, { ...command(["heads"]), cwd: dir }, { verify: expectHead(tool, p.head) });
      }
    }
  } finally {
    await dropScratchDatabase(p.db.name);
    rmSync(p.root, { recursive: true, force: true });
  }
  const summary = new Map();
  for (const row of rows.values()) {
    summary.set(row.key, { ...row, time: summarize(row.samples.map((s) => s.ms)), rss: summarize(row.samples.map((s) => s.rssKb / 1024)) });
  }
  return summary;
}

function ratio(summary, a, b) {
  const x = summary.get(a);
  const y = summary.get(b);
  return x && y ? `${(x.time.median / y.time.median).toFixed(2)}×` : "";
}

const started = new Date();
const loadStart = loadavg()[1];
ensureGnuTime(log);
if (withAlembic) ensureAlembic(log);
if (!values["no-build"]) buildKiln(log);
mkdirSync(WORK_DIR, { recursive: true });
const sections = [];
for (const n of revisionCounts) {
  log(`upgrade: ${n} revisions`);
  const s = await historyRound(n);
  const lines = [
    `**${n} revisions** (${runs} interleaved rounds):`,
    "",
    "| command | median | min | max | peak RSS | ratio |",
    "|---|--:|--:|--:|--:|---|",
  ];
  const ratios = {
    "kiln upgrade head (warm cache)": `${ratio(s, "kiln upgrade head (warm cache)", "psql -1 -f (kiln's --sql script)")} psql -1 -f`,
    "kiln upgrade head (cold cache)": `${ratio(s, "kiln upgrade head (cold cache)", "psql -1 -f (kiln's --sql script)")} psql -1 -f`,
    "kiln current": withAlembic ? `${ratio(s, "kiln current", "alembic current")} Alembic` : "",
    "kiln history": withAlembic ? `${ratio(s, "kiln history", "alembic history")} Alembic` : "",
    "kiln heads": withAlembic ? `${ratio(s, "kiln heads", "alembic heads")} Alembic` : "",
  };
  for (const row of s.values()) {
    lines.push(`| ${row.key}: \`${row.display}\` | ${fmt(row.time.median)} | ${fmt(row.time.min)} | ${fmt(row.time.max)} | ${row.rss.median.toFixed(0)} MB | ${ratios[row.key] ?? ""} |`);
  }
  sections.push(lines.join("\n"));
  log(lines.join("\n"));
}
const header = `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC with \`node bench/upgrade.mjs --revisions=${revisionCounts.join(",")} --runs=${runs}${withAlembic ? "" : " --no-alembic"}\`: Node ${process.version}, PostgreSQL ${await serverVersion()}, load average (5 min) ${loadStart.toFixed(1)} at the start, ${loadavg()[1].toFixed(1)} at the end. Each round runs every command once, one after the other; the database is emptied (untimed) before each upgrade.`;
const markdown = [header, "", ...sections.flatMap((s) => [s, ""])].join("\n").trimEnd();
if (values.out) {
  writeFileSync(values.out, `${markdown}\n`);
} else {
  const doc = readFileSync(DOC_FILE, "utf8");
  const start = "<!-- bench:upgrade:start (generated by `node bench/upgrade.mjs`; do not edit by hand) -->";
  const end = "<!-- bench:upgrade:end -->";
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`docs/benchmarks.md has no ${start} ... ${end} markers`);
  writeFileSync(DOC_FILE, `${doc.slice(0, i + start.length)}\n${markdown}\n${doc.slice(j)}`);
}
log(`done (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`);
