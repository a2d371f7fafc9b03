#!/usr/bin/env node
/**
 * Issue 17, point 10: should kiln load revision files through a library
 * (jiti, or Node's own type stripping) instead of its own loader
 * (src/revisions/direct-import.ts, compile-cache.ts, import-module.ts)?
 *
 * Each measurement is a fresh Node process that imports the 500 revision files
 * of the long-history workload and reads their default exports, as
 * `kiln upgrade head` does before its first step. Cold: the loader's on-disk
 * cache emptied first; warm: its cache filled by an earlier run.
 *
 *   node bench/loader.mjs [--runs=5] [--count=500] [--out=FILE]
 *
 * Node type stripping needs Node 22.18+; the runtimes test installs one from
 * the npm registry into $TMPDIR/kiln-runtimes-<uid>/ (test/integration/runtimes.test.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { summarize } from "./lib/measure.mjs";
import { DOC_FILE, REPO_ROOT, WORK_DIR } from "./lib/paths.mjs";
import { historySteps, writeKilnHistory } from "./workloads/history.mjs";

const log = (line) => process.stderr.write(`${line}\n`);
const args = process.argv.slice(2);
const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const runs = Number(option("runs", 5));
const count = Number(option("count", 500));
const out = option("out", DOC_FILE);

const work = join(WORK_DIR, "loader");
const folder = join(work, "migrations");
// The children's temporary folder, so that kiln's compile cache here is the benchmark's own.
const childTmp = join(work, "tmp");
const kilnCache = join(childTmp, `kiln-${userInfo().uid}`, "revisions");
const jitiCache = join(work, "jiti-cache");

/** What each child process runs: import every file, touch every default export. */
const LOADERS = {
  kiln: `
    const { importDefaultExport } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, "dist", "revisions", "import-module.js")).href)});
    const { createHash } = await import("node:crypto");
    const { readFileSync } = await import("node:fs");
    const texts = files.map((f) => readFileSync(f, "utf8"));
    const mods = await Promise.all(files.map((f, i) => importDefaultExport(f, createHash("sha256").update(texts[i]).digest("hex"), texts[i])));
    count = mods.filter((m) => m.hasDefault && m.value.revision).length;`,
  jiti: `
    const { createJiti } = await import("jiti");
    const jiti = createJiti(import.meta.url, { fsCache: ${JSON.stringify(jitiCache)}, moduleCache: false });
    const mods = await Promise.all(files.map((f) => jiti.import(f, { default: true })));
    count = mods.filter((m) => m.revision).length;`,
  tsx: `
    const { tsxImport } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, "dist", "revisions", "import-module.js")).href)});
    const { pathToFileURL } = await import("node:url");
    const load = await tsxImport();
    const mods = await Promise.all(files.map((f) => load(pathToFileURL(f).href, import.meta.url)));
    count = mods.filter((m) => (m.default ?? m).revision || m.default?.default?.revision).length;`,
  strip: `
    const { pathToFileURL } = await import("node:url");
    const mods = await Promise.all(files.map((f) => import(pathToFileURL(f).href)));
    count = mods.filter((m) => m.default.revision).length;`,
};

function script(loader, files) {
  return `const started = performance.now(); const files = ${JSON.stringify(files)}; let count = 0;\n${LOADERS[loader]}\nconsole.log(JSON.stringify({ count, ms: performance.now() - started }));`;
}

function newerNode() {
  const candidates = ["24", "22"].map((major) => join(tmpdir(), `kiln-runtimes-${userInfo().uid}`, `node-${major}`, "node_modules", `node-${process.platform}-${process.arch}`, "bin", "node"));
  return candidates.find((path) => existsSync(path));
}

/** One fresh process; wall time from spawn to exit (start-up included), and the import phase alone. */
function once(node, loader, files, extraArgs = []) {
  const entry = join(work, `run-${loader}.mjs`);
  writeFileSync(entry, script(loader, files));
  const started = performance.now();
  mkdirSync(childTmp, { recursive: true, mode: 0o700 });
  const result = spawnSync(node, [...extraArgs, entry], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, TMPDIR: childTmp } });
  const wall = performance.now() - started;
  if (result.status !== 0) throw new Error(`${loader} failed:\n${result.stderr}`);
  const report = JSON.parse(result.stdout.trim().split("\n").at(-1));
  if (report.count !== files.length) throw new Error(`${loader} loaded ${report.count} of ${files.length} revisions`);
  return wall;
}

function measure(label, node, loader, files, { clear, extraArgs } = {}) {
  const samples = [];
  if (!clear) once(node, loader, files, extraArgs); // warm-up fills the cache
  for (let i = 0; i < runs; i++) {
    if (clear) clear();
    samples.push(once(node, loader, files, extraArgs));
  }
  const s = summarize(samples);
  log(`${label}: median ${s.median.toFixed(0)} ms`);
  return { label, ...s };
}

rmSync(work, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });
// Revision files import only types from kiln; the folder is an ES module package, like `kiln init` projects.
writeFileSync(join(work, "package.json"), JSON.stringify({ type: "module" }));
writeKilnHistory(folder, historySteps(count));
const files = historySteps(count).map((_, i) => join(folder, readFileSyncName(i)));

function readFileSyncName(i) {
  // writeKilnHistory names files in step order; read the folder's listing once.
  readFileSyncName.names ??= (spawnSync("ls", [folder], { encoding: "utf8" }).stdout.trim().split("\n"));
  return readFileSyncName.names[i];
}

const node20 = process.execPath;
const rows = [
  measure("kiln's loader (esbuild in the main thread), cold cache", node20, "kiln", files, { clear: () => rmSync(kilnCache, { recursive: true, force: true }) }),
  measure("kiln's loader, warm cache", node20, "kiln", files),
  measure("jiti 2, cold cache", node20, "jiti", files, { clear: () => rmSync(jitiCache, { recursive: true, force: true }) }),
  measure("jiti 2, warm cache", node20, "jiti", files),
  measure("tsx loader (kiln's fallback)", node20, "tsx", files),
];
const newer = newerNode();
if (newer) {
  const version = spawnSync(newer, ["--version"], { encoding: "utf8" }).stdout.trim();
  rows.push({ ...measure(`Node ${version} type stripping (import())`, newer, "strip", files, { extraArgs: ["--no-warnings"] }) });
  rows.push({ ...measure(`kiln's loader on Node ${version}, warm cache`, newer, "kiln", files) });
} else {
  log("no Node 22.18+/24 in the runtimes cache: run test/integration/runtimes.test.ts first to add type stripping");
}

const base = rows[1].median;
const table = [
  `Importing ${count} revision files (the long-history workload) in a fresh process, ${runs} runs each, \`node bench/loader.mjs\`; Node ${process.version} unless named; load average ${loadavg()[0].toFixed(1)} at the end.`,
  "",
  "| loader | median | min | max | ÷ kiln's loader (warm) |",
  "|---|--:|--:|--:|--:|",
  ...rows.map((r) => `| ${r.label} | ${r.median.toFixed(0)} ms | ${r.min.toFixed(0)} ms | ${r.max.toFixed(0)} ms | ${(r.median / base).toFixed(2)}× |`),
].join("\n");
console.log(table);

const START = "<!-- loader:start -->";
const END = "<!-- loader:end -->";
const doc = readFileSync(out, "utf8");
const section = `${START}\n${table}\n${END}`;
writeFileSync(out, doc.includes(START) ? doc.replace(new RegExp(`${START}[\\s\\S]*?${END}`), section) : `${doc.trimEnd()}\n\n## Loading revision files: kiln's loader, jiti, Node type stripping\n\n${section}\n`);
