/**
 * CPU profile of one kiln run (`node --cpu-prof`), boiled down to where the
 * time went: the functions with the most self time, and self time per source
 * file (which tells kiln's code from tsx/esbuild, pg and Node's own).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { runOnce } from "./measure.mjs";
import { REPO_ROOT } from "./paths.mjs";

/** Self time per profile node, in ms (samples are spread over timeDeltas). */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, { node, ms: 0 }]));
  for (let i = 0; i < profile.samples.length; i++) {
    const entry = byId.get(profile.samples[i]);
    if (entry) entry.ms += (profile.timeDeltas[i] ?? 0) / 1000;
  }
  return [...byId.values()];
}

function shortFile(url) {
  if (!url) return "(native / VM)";
  const path = url.replace(/^file:\/\//, "");
  if (path.startsWith(REPO_ROOT)) return relative(REPO_ROOT, path);
  return path.replace(/^.*node_modules\//, "node_modules/");
}

function top(map, n, totalMs) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms, share: ms / totalMs }));
}

/** Summarizes a .cpuprofile: total sampled ms, top functions and top files by self time. */
export function summarizeProfile(profile, n = 12) {
  const entries = selfTimes(profile);
  const totalMs = entries.reduce((sum, e) => sum + e.ms, 0);
  const functions = new Map();
  const files = new Map();
  for (const { node, ms } of entries) {
    const frame = node.callFrame;
    const file = shortFile(frame.url);
    const fn = `${frame.functionName || "(anonymous)"} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  return { totalMs, functions: top(functions, n, totalMs), files: top(files, n, totalMs) };
}

/** Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread. */
function threadName(file) {
  const id = Number(file.split(".")[4]);
  return id === 0 ? "main thread" : `thread ${id} (Node's module loader hooks, where tsx compiles TypeScript)`;
}

/** Runs `node --cpu-prof <args>` once (after `prepare`) and returns a summary per thread. */
export async function profileRun({ args, cwd, env, prepare }) {
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-prof-"));
  try {
    if (prepare) await prepare();
    await runOnce(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, ...args], { cwd, env });
    const files = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile")).sort();
    if (files.length === 0) throw new Error("node --cpu-prof wrote no profile");
    return {
      threads: files.map((file) => ({ name: threadName(file), ...summarizeProfile(JSON.parse(readFileSync(join(dir, file), "utf8"))) })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
