/**
 * Runs a command as a child process and measures it: wall time (from spawn to
 * exit, as a user waits for it) and peak resident memory (GNU time's %M, the
 * child's max RSS in KiB). Repeats give a median, a min and a max.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export const GNU_TIME = "/usr/bin/time";

/** A run stopped because it took longer than its limit. */
export class TimeoutError extends Error {
  constructor(display, limitMs) {
    super(`\`${display}\` was stopped after ${(limitMs / 1000).toFixed(0)} s`);
    this.limitMs = limitMs;
  }
}

/**
 * One run. Resolves to { ms, rssKb, stdout, stderr }; rejects with the output
 * when the command fails, since a failed run's time means nothing, and with a
 * TimeoutError when it runs longer than `timeoutMs` (then it is killed).
 */
export function runOnce(command, args, { cwd, env = {}, stdin, timeoutMs } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), "kiln-bench-time-"));
  const timeFile = join(scratch, "rss");
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(GNU_TIME, ["-f", "%M", "-o", timeFile, command, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      // Its own process group, so that a timeout kills the command and not only GNU time.
      detached: true,
    });
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            process.kill(-child.pid, "SIGKILL");
          }, timeoutMs);
    const out = [];
    const err = [];
    child.stdout.on("data", (chunk) => out.push(chunk));
    child.stderr.on("data", (chunk) => err.push(chunk));
    if (stdin !== undefined) child.stdin.end(stdin);
    child.on("error", (error) => {
      rmSync(scratch, { recursive: true, force: true });
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      let rssKb = NaN;
      try {
        // GNU time prints "Command exited with non-zero status N" before %M on failure.
        const lines = readFileSync(timeFile, "utf8").trim().split("\n");
        rssKb = Number(lines[lines.length - 1]);
      } catch {
        // No file: the command could not be started; the exit code tells.
      }
      rmSync(scratch, { recursive: true, force: true });
      if (timedOut) {
        reject(new TimeoutError(`${command} ${args.join(" ")}`, timeoutMs));
        return;
      }
      if (code !== 0) {
        const shown = `${command} ${args.join(" ")}`;
        reject(new Error(`\`${shown}\` (in ${cwd ?? process.cwd()}) exited with ${code}:\n${tail(stderr || stdout)}`));
        return;
      }
      resolve({ ms, rssKb, stdout, stderr });
    });
  });
}

function tail(text, lines = 30) {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Median, min and max of a list of numbers. */
export function summarize(values) {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/**
 * Runs `prepare()` (untimed, e.g. delete the file the last run wrote), then the
 * command, `runs` times. `verify(result)` may throw when the output is wrong:
 * a fast wrong answer is not a result. A run longer than `timeoutMs` is
 * stopped, and so are the runs after it: the result then says `stoppedAfterMs`.
 */
export async function measure({ tool, label, command, args, display, cwd, env, runs, timeoutMs, prepare, verify, log }) {
  const samples = [];
  let stoppedAfterMs;
  for (let i = 0; i < runs; i++) {
    if (prepare) await prepare();
    let result;
    try {
      result = await runOnce(command, args, { cwd, env, timeoutMs });
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      stoppedAfterMs = error.limitMs;
      log?.(`  ${tool} ${label}: run ${i + 1}/${runs} stopped after ${(error.limitMs / 1000).toFixed(0)} s`);
      break;
    }
    if (verify) await verify(result);
    samples.push(result);
    log?.(`  ${tool} ${label}: run ${i + 1}/${runs} ${(result.ms / 1000).toFixed(2)} s, ${(result.rssKb / 1024).toFixed(0)} MB`);
  }
  return {
    tool,
    label,
    command: display ?? displayCommand(command, args),
    time: summarize(samples.map((s) => s.ms)),
    rssMb: summarize(samples.map((s) => s.rssKb / 1024)),
    stoppedAfterMs,
    last: samples[samples.length - 1],
  };
}

function displayCommand(command, args) {
  return [command, ...args].map((part) => (/[\s"']/.test(part) ? JSON.stringify(part) : part)).join(" ");
}
