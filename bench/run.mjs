#!/usr/bin/env node
/**
 * kiln's benchmark suite (`npm run bench`): kiln against Alembic, drizzle-kit
 * and PostgreSQL's own tools, on the local PostgreSQL server, in one run.
 * Installs what it needs (and says so), measures, and writes the results
 * section of docs/benchmarks.md. See lib/options.mjs for the flags.
 */
import { mkdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { machineFacts } from "./lib/machine.mjs";
import { parseOptions } from "./lib/options.mjs";
import { WORK_DIR } from "./lib/paths.mjs";
import { dropAllScratchDatabases, serverVersion } from "./lib/pg.mjs";
import { renderResults, writeResults } from "./lib/report.mjs";
import { buildKiln, ensureAlembic, ensureDrizzleKit, ensureGnuTime, toolVersions } from "./lib/setup.mjs";
import { autogenerateSuite } from "./suites/autogenerate.mjs";
import { longHistorySuite } from "./suites/long-history.mjs";
import { startupSuite } from "./suites/startup.mjs";

const SLOW_TABLE_COUNT = 500;

const log = (line) => process.stderr.write(`${line}\n`);

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    log("usage: node bench/run.mjs [--quick] [--tables=100,1000] [--revisions=500] [--startup-revisions=20] [--runs=5] [--slow-runs=3] [--only=autogenerate,startup,history] [--no-build] [--no-profile] [--out=FILE]");
    return;
  }
  const startedAt = new Date();
  const loadAverageAtStart = machineFacts().loadAverage;
  const started = performance.now();

  ensureGnuTime(log);
  ensureAlembic(log);
  ensureDrizzleKit(log);
  if (options.build) buildKiln(log);
  mkdirSync(WORK_DIR, { recursive: true });
  await dropAllScratchDatabases();

  const context = { workDir: WORK_DIR, log };
  const results = [];
  if (options.only.includes("autogenerate")) {
    const largest = Math.max(...options.tables);
    for (const tableCount of options.tables) {
      const runs = tableCount >= SLOW_TABLE_COUNT ? options.slowRuns : options.runs;
      results.push(
        await autogenerateSuite({ ...context, tableCount, runs, slowRuns: options.slowRuns, profile: options.profile && tableCount === largest }),
      );
    }
  }
  if (options.only.includes("startup")) {
    results.push(await startupSuite({ ...context, revisionCount: options.startupRevisions, runs: options.runs }));
  }
  if (options.only.includes("history")) {
    results.push(
      await longHistorySuite({ ...context, revisionCount: options.revisions, runs: options.runs, slowRuns: options.slowRuns, profile: options.profile }),
    );
  }

  const { markdown, targets } = renderResults({
    machine: { ...machineFacts(), loadAverageAtStart },
    versions: { ...toolVersions(), postgres: await serverVersion() },
    settings: options,
    results,
    startedAt,
    durationMs: performance.now() - started,
    command: ["node bench/run.mjs", ...process.argv.slice(2)].join(" "),
  });
  writeResults(options.out, markdown);
  log("");
  for (const t of targets) log(`${t.met ? "met   " : "MISSED"} ${t.name}: ${t.measured} (limit ${t.limit})`);
  log(`results written to ${options.out}`);
}

main().catch((error) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
