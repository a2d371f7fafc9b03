#!/usr/bin/env node
/**
 * Install size and time of a fresh project (issue 17, point 2): kiln (from
 * `npm pack` of this repository) with its PostgreSQL or PGlite driver, against
 * drizzle-kit, kysely-ctl and node-pg-migrate from the npm registry. Each
 * project is installed into an empty folder once to warm the npm cache, then
 * timed `--runs` times; writes its section of docs/benchmarks.md.
 *
 *   node bench/install.mjs [--runs=3] [--no-pack] [--out=FILE]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { summarize } from "./lib/measure.mjs";
import { DOC_FILE, REPO_ROOT, WORK_DIR } from "./lib/paths.mjs";
import { compiledNatively, installedPackages, renderInstallResults, replaceInstallSection } from "./lib/install-report.mjs";

const log = (line) => process.stderr.write(`${line}\n`);
const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice(7) ?? 3);
const out = args.find((a) => a.startsWith("--out="))?.slice(6) ?? DOC_FILE;
const installDir = join(WORK_DIR, "install");

function packKiln() {
  mkdirSync(installDir, { recursive: true });
  if (!args.includes("--no-pack")) {
    log("npm pack (runs the build)");
    execFileSync("npm", ["pack", "--silent", "--pack-destination", installDir], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  const tarball = readdirSync(installDir).find((f) => /^kiln-migrate-.*\.tgz$/.test(f));
  if (!tarball) throw new Error(`no kiln-migrate tarball in ${installDir}`);
  return join(installDir, tarball);
}

/** One install into a new empty folder; returns its time, log and what it left. */
function installOnce(name, packages) {
  const dir = join(installDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `bench-${name}`, private: true, type: "module" }));
  const started = performance.now();
  // --foreground-scripts: install scripts print into the log, so a native build shows.
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--foreground-scripts", ...packages], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`npm install ${packages.join(" ")} failed:\n${output}`);
  const sizeKb = Number(execFileSync("du", ["-sk", "node_modules"], { cwd: dir, encoding: "utf8" }).split("\t")[0]);
  const lock = JSON.parse(readFileSync(join(dir, "node_modules", ".package-lock.json"), "utf8"));
  return { ms, output, sizeKb, ...installedPackages(lock) };
}

function measure(label, name, packages) {
  log(`${label}: warm-up`);
  installOnce(name, packages);
  const measured = [];
  for (let i = 0; i < runs; i++) {
    measured.push(installOnce(name, packages));
    log(`${label}: ${(measured.at(-1).ms / 1000).toFixed(1)} s`);
  }
  const last = measured.at(-1);
  const named = packages.map((p) => (p.endsWith(".tgz") ? "kiln-migrate" : p.replace(/(.)@.*$/, "$1")));
  writeFileSync(join(installDir, `${name}.log`), last.output);
  rmSync(join(installDir, name), { recursive: true, force: true });
  return {
    label,
    sizeKb: last.sizeKb,
    packages: last.count,
    time: summarize(measured.map((m) => m.ms)),
    compiled: measured.some((m) => compiledNatively(m.output)),
    installScripts: last.withInstallScript,
    installed: named.map((n) => `${n}@${last.versions[n]}`).join(", "),
  };
}

const startedAt = new Date();
const loadAtStart = loadavg()[1];
const tarball = packKiln();
const projects = [
  ["kiln-migrate + pg", "kiln-pg", [tarball, "pg"]],
  ["kiln-migrate + @electric-sql/pglite", "kiln-pglite", [tarball, "@electric-sql/pglite"]],
  ["drizzle-kit + drizzle-orm + pg", "drizzle", ["drizzle-kit", "drizzle-orm", "pg"]],
  ["kysely-ctl + kysely@0.28 + pg", "kysely", ["kysely-ctl", "kysely@0.28", "pg"]],
  ["node-pg-migrate + pg", "node-pg-migrate", ["node-pg-migrate", "pg"]],
];
const rows = projects.map(([label, name, packages]) => measure(label, name, packages));
const markdown = renderInstallResults({
  rows,
  startedAt,
  runs,
  command: ["node bench/install.mjs", ...args].join(" "),
  npmVersion: execFileSync("npm", ["--version"], { encoding: "utf8" }).trim(),
  nodeVersion: process.version,
  loadAverage: [loadAtStart, loadavg()[1]],
});
writeFileSync(out, replaceInstallSection(readFileSync(out, "utf8"), markdown));
log(markdown);
log(`results written to ${out}`);
