#!/usr/bin/env node
/**
 * The embedded default (issue 16, item 4): what PGlite itself costs a
 * short-lived command, and what kiln's commands cost on top, in interleaved
 * rounds. Each row is a fresh process under GNU time (wall time, peak RSS):
 *
 *   - PGlite's own open of an existing data directory, and of a fresh one
 *     (initdb), with V8's default WebAssembly tiering and with Liftoff only;
 *   - PGlite's own fresh open from a prepared data directory (loadDataDir of a
 *     tarball dumped right after initdb), what kiln now does for fresh databases;
 *   - `kiln current` on an up-to-date database (20 revisions);
 *   - `kiln upgrade head` on a fresh directory: with kiln's template prepared
 *     (every fresh database after the first), and with none (the first on a
 *     machine: initdb, then the template is written).
 *
 *   node bench/pglite.mjs [--runs=5] [--revisions=20] [--out=FILE]
 *
 * Writes a markdown table between the bench:pglite markers of docs/benchmarks.md (or to --out).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runOnce, summarize } from "./lib/measure.mjs";
import { DOC_FILE, WORK_DIR } from "./lib/paths.mjs";
import { createKilnProject, kilnCommand } from "./peers/kiln.mjs";
import { historySteps, writeKilnHistory } from "./workloads/history.mjs";

const log = (line) => process.stderr.write(`${line}\n`);
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, revisions: { type: "string", default: "20" }, out: { type: "string" } } });
const runs = Number(values.runs);
const revisions = Number(values.revisions);
const pgliteEntry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
const pgliteVersion = JSON.parse(readFileSync(join(pgliteEntry, "..", "..", "package.json"), "utf8")).version;

const root = join(WORK_DIR, `pglite-${process.pid}`);
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });

/** A script that opens PGlite the way kiln does and runs one query; `mode` dump writes a template tarball. */
const openScript = join(root, "open.mjs");
writeFileSync(
  openScript,
  `import { readFileSync, writeFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
if (process.env.LIFTOFF === "1") setFlagsFromString("--liftoff-only");
const { PGlite } = await import(${JSON.stringify(pgliteEntry)});
const [mode, dir, file] = process.argv.slice(2);
const options = mode === "template" ? { loadDataDir: new Blob([readFileSync(file)]) } : {};
const db = dir === "memory" ? new PGlite(options) : new PGlite(dir, options);
await db.waitReady;
await db.query("SELECT current_setting('server_version')");
if (mode === "dump") writeFileSync(file, Buffer.from(await (await db.dumpDataDir("none")).arrayBuffer()));
await db.close();
`,
);

const existing = join(root, "existing");
const template = join(root, "template.tar");
await runOnce(process.execPath, [openScript, "dump", existing, template]);

const kilnDir = join(root, "kiln");
const project = createKilnProject(kilnDir, { url: "pglite://./db" });
writeKilnHistory(project.migrationsDir, historySteps(revisions));
const kilnCache = mkdtempSync(join(tmpdir(), "kiln-bench-pglite-"));
const kilnEnv = { TMPDIR: kilnCache };
// Untimed: compile the revision files, prepare kiln's template, bring ./db to head for `current`.
await runOnce(...kilnRun(["upgrade", "head"]), { cwd: kilnDir, env: kilnEnv });

function kilnRun(args) {
  const c = kilnCommand(args);
  return [c.command, c.args];
}

const rows = new Map();
async function once(key, display, command, args, options = {}) {
  if (options.prepare) options.prepare();
  const r = await runOnce(command, args, { cwd: options.cwd, env: options.env });
  const row = rows.get(key) ?? { key, display, samples: [] };
  row.samples.push(r);
  rows.set(key, row);
  log(`  ${key}: ${(r.ms / 1000).toFixed(2)} s, ${(r.rssKb / 1024).toFixed(0)} MB`);
}
const fresh = join(root, "fresh");
const wipe = () => rmSync(fresh, { recursive: true, force: true });
const kilnTemplate = () => readdirTemplates();
function readdirTemplates() {
  return join(kilnCache, `kiln-${process.getuid?.() ?? "user"}`, "pglite", `template-${pgliteVersion}.tar`);
}
const started = new Date();
const loadStart = loadavg()[1];
for (let round = 0; round < runs; round++) {
  log(`round ${round + 1}/${runs}`);
  for (const liftoff of ["0", "1"]) {
    const tier = liftoff === "1" ? "Liftoff only" : "V8 default tiering";
    await once(`PGlite open, existing directory (${tier})`, "new PGlite(dir); waitReady; one query; close", process.execPath, [openScript, "open", existing], { env: { LIFTOFF: liftoff } });
    await once(`PGlite open, fresh directory: initdb (${tier})`, "new PGlite(emptyDir); ...", process.execPath, [openScript, "open", fresh], { env: { LIFTOFF: liftoff }, prepare: wipe });
    await once(`PGlite open, fresh directory from a template (${tier})`, "new PGlite(emptyDir, { loadDataDir }); ...", process.execPath, [openScript, "template", fresh, template], { env: { LIFTOFF: liftoff }, prepare: wipe });
  }
  await once(`kiln current, ${revisions} revisions, up to date`, "kiln current", ...kilnRun(["current"]), { cwd: kilnDir, env: kilnEnv });
  await once(`kiln upgrade head, ${revisions} revisions, fresh directory, kiln's template prepared`, "kiln upgrade head", ...kilnRun(["upgrade", "head"]), {
    cwd: kilnDir,
    env: { ...kilnEnv },
    prepare: () => rmSync(join(kilnDir, "db"), { recursive: true, force: true }),
  });
  await once(`kiln upgrade head, ${revisions} revisions, fresh directory, no template yet (first on the machine)`, "kiln upgrade head", ...kilnRun(["upgrade", "head"]), {
    cwd: kilnDir,
    env: { ...kilnEnv },
    prepare: () => {
      rmSync(join(kilnDir, "db"), { recursive: true, force: true });
      rmSync(kilnTemplate(), { force: true });
    },
  });
}
// Leave ./db at head for nothing: clean up.
rmSync(root, { recursive: true, force: true });
rmSync(kilnCache, { recursive: true, force: true });

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const lines = [
  `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC with \`node bench/pglite.mjs --runs=${runs} --revisions=${revisions}\`: Node ${process.version}, PGlite ${pgliteVersion}, ${runs} interleaved rounds, load average (5 min) ${loadStart.toFixed(1)} at the start, ${loadavg()[1].toFixed(1)} at the end. kiln's rows are the CLI (which runs PGlite with Liftoff only).`,
  "",
  "| what | median | min | max | peak RSS (median) |",
  "|---|--:|--:|--:|--:|",
];
for (const row of rows.values()) {
  const t = summarize(row.samples.map((s) => s.ms));
  const m = summarize(row.samples.map((s) => s.rssKb / 1024));
  lines.push(`| ${row.key} | ${fmt(t.median)} | ${fmt(t.min)} | ${fmt(t.max)} | ${m.median.toFixed(0)} MB |`);
}
const markdown = lines.join("\n");
log(markdown);
if (values.out) writeFileSync(values.out, `${markdown}\n`);
else {
  const doc = readFileSync(DOC_FILE, "utf8");
  const start = "<!-- bench:pglite:start (generated by `node bench/pglite.mjs`; do not edit by hand) -->";
  const end = "<!-- bench:pglite:end -->";
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`docs/benchmarks.md has no ${start} ... ${end} markers`);
  writeFileSync(DOC_FILE, `${doc.slice(0, i + start.length)}\n${markdown}\n${doc.slice(j)}`);
}
