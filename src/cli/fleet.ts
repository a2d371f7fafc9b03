/**
 * `--all` on upgrade, downgrade, current, check and stamp (docs/fleets.md): the
 * options, the progress (a bar with counts on a terminal, one plain line per
 * finished target in a pipe), the summary table or matrix, the JSON document
 * and the exit code (0 all fine, 1 any target failed, drifted or was not run).
 */
import { type Command, Option } from "commander";
import type { FleetOptions, FleetResult } from "../fleet/commands.js";
import type { FleetRecord } from "../fleet/run.js";
import type { FleetTarget } from "../fleet/targets.js";
import { UsageError } from "../errors.js";
import { terminalMessage, terminalText } from "../neutralize.js";
import type { Reporter } from "../runtime/reporter.js";
import { printJson } from "./json.js";
import { colors as pc, formatDuration, printErr, printOut } from "./output.js";

export interface FleetFlags {
  all?: boolean;
  parallel?: string;
  canary?: string;
  continueOnError?: boolean;
  verbose?: boolean;
}

const DEFAULT_PARALLEL = 4;

/** Adds --all, --parallel, --canary and --continue-on-error to a command. */
export function addFleetOptions(command: Command, what: string, writes: boolean): Command {
  command
    .option("--all", `${what} on every target of the config's \`targets\` (docs/fleets.md)`)
    .addOption(new Option("--parallel <n>", `with --all: targets (connections) at a time (default ${DEFAULT_PARALLEL})`));
  if (writes) {
    command
      .addOption(new Option("--canary <k>", "with --all: run the first K targets first, and stop if any of them fails"))
      .option("--continue-on-error", "with --all: start every target even after one fails (default: start no new target after the first failure)");
  }
  return command;
}

/** The checked flags, or a usage error for a fleet flag without --all. */
export function fleetFlags(flags: FleetFlags): Pick<FleetOptions, "parallel" | "canary" | "continueOnError"> {
  if (!flags.all) {
    const stray = flags.parallel !== undefined ? "--parallel" : flags.canary !== undefined ? "--canary" : flags.continueOnError ? "--continue-on-error" : undefined;
    if (stray) throw new UsageError(`${stray} goes with --all (run on every target of the config's \`targets\`)`);
  }
  return {
    parallel: wholeNumber(flags.parallel, "--parallel", 1) ?? DEFAULT_PARALLEL,
    canary: wholeNumber(flags.canary, "--canary", 0) ?? 0,
    continueOnError: flags.continueOnError ?? false,
  };
}

function wholeNumber(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new UsageError(`${flag} takes a whole number of ${min} or more, got ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * Progress on stderr. On a terminal: one line redrawn, a bar with counts, and
 * messages (warnings, lock waits) printed above it. Elsewhere: a plain line per
 * finished target (when `lines`), so a CI log shows each target once.
 */
export class FleetProgress {
  private total = 0;
  private done = 0;
  private running = 0;
  private failed = 0;
  private changed = 0;
  private steps = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;
  private readonly warnings = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly verb: string,
    private readonly tty: boolean,
    private readonly lines: boolean,
    private readonly describe: (record: FleetRecord) => string,
  ) {}

  targets(targets: FleetTarget[]): void {
    this.total = targets.length;
    if (!this.tty) printErr(pc.dim(`${this.verb}: ${targets.length} target(s)`));
    else this.timer = setInterval(() => this.draw(true), 250).unref();
    this.draw(true);
  }

  start(): void {
    this.running++;
    this.draw(false);
  }

  finish(record: FleetRecord): void {
    this.running--;
    this.done++;
    if (record.status === "failed") this.failed++;
    if (record.status === "changed") this.changed++;
    if (this.tty) {
      if (record.status === "failed") this.message(`${pc.red("✗")} ${terminalText(record.name)}: ${terminalMessage(record.error?.message ?? "")}`);
    } else if (this.lines) {
      printErr(`[${this.done}/${this.total}] ${this.describe(record)}`);
    }
    this.draw(this.done === this.total);
  }

  /** A reporter for one target: warnings once per text, info (lock waits, resumes) with the target's name. */
  reporter(target: FleetTarget): Reporter {
    const name = terminalText(target.name);
    return {
      info: (message) => this.message(pc.dim(`${name}: ${terminalMessage(message)}`)),
      warn: (message) => {
        const seen = this.warnings.get(message);
        this.warnings.set(message, (seen ?? 0) + 1);
        if (seen === undefined) this.message(`${pc.yellow("warning:")} ${name}: ${terminalMessage(message)}`);
      },
      stepStarted: () => undefined,
      stepFinished: () => {
        this.steps++;
        this.draw(false);
      },
      stepSkipped: () => undefined,
    };
  }

  message(line: string): void {
    this.clear();
    printErr(line);
    this.draw(true);
  }

  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
    const repeated = [...this.warnings.values()].reduce((n, c) => n + c - 1, 0);
    if (repeated > 0) printErr(pc.dim(`(${repeated} more warning(s) repeated the ones above on other targets)`));
  }

  private clear(): void {
    if (this.tty && this.drawn) process.stderr.write("\r\x1b[2K");
    this.drawn = false;
  }

  private draw(force: boolean): void {
    if (!this.tty || this.total === 0) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round((this.done / this.total) * width);
    const bar = pc.green("█".repeat(filled)) + pc.dim("░".repeat(width - filled));
    const counts = [
      `${this.done}/${this.total}`,
      this.changed ? pc.green(`${this.changed} changed`) : "",
      this.failed ? pc.red(`${this.failed} failed`) : "",
      this.running ? `${this.running} running` : "",
      this.steps ? `${this.steps} step(s)` : "",
      pc.dim(formatDuration(now - this.started)),
    ].filter((s) => s !== "");
    process.stderr.write(`\r\x1b[2K${this.verb} ${bar} ${counts.join("  ")}`);
    this.drawn = true;
  }
}

export function revisions(heads: string[] | undefined): string {
  if (heads === undefined) return "?";
  return heads.length === 0 ? "base" : heads.join(",");
}

const STATUS_WORD: Record<string, Record<FleetRecord["status"], string>> = {
  upgrade: { changed: "upgraded", unchanged: "unchanged", failed: "FAILED", "not-run": "not run" },
  downgrade: { changed: "downgraded", unchanged: "unchanged", failed: "FAILED", "not-run": "not run" },
  stamp: { changed: "stamped", unchanged: "unchanged", failed: "FAILED", "not-run": "not run" },
  current: { changed: "", unchanged: "ok", failed: "FAILED", "not-run": "not run" },
  check: { changed: "", unchanged: "ok", failed: "FAILED", "not-run": "not run" },
};

export function statusWord(command: string, record: FleetRecord): string {
  if (command === "check" && record.status === "unchanged") return record.clean ? "clean" : `drift (${record.changes?.length ?? 0})`;
  return STATUS_WORD[command]![record.status];
}

/** One progress line for a finished target (pipes). */
export function describeRecord(command: string, record: FleetRecord): string {
  const name = terminalText(record.name);
  const time = pc.dim(`(${formatDuration(record.durationMs)})`);
  if (record.status === "failed") return `${pc.red("✗")} ${name}: ${terminalMessage(record.error?.message ?? "")} ${time}`;
  const word = statusWord(command, record);
  const writes = command === "upgrade" || command === "downgrade" || command === "stamp";
  const move = !writes || record.before === undefined ? "" : record.status === "changed" ? ` ${revisions(record.before)} -> ${revisions(record.after)}` : ` at ${revisions(record.after)}`;
  const steps = record.steps.length ? `, ${record.steps.length} step(s)` : "";
  return `${pc.green("✓")} ${name}: ${word}${move}${steps} ${time}`;
}

/** Rows padded to their columns' widths (no colour inside cells, so widths hold). */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [pc.bold(line(header)), ...rows.map(line)];
}

/** Every target's row up to this many targets (or with --verbose); beyond, the rows that need attention and one line per group. */
const FULL_TABLE_UP_TO = 50;

function shortError(record: FleetRecord): string {
  const message = terminalMessage(record.error?.message ?? "").replace(/\s+/g, " ");
  return message.length > 160 ? message.slice(0, 157) + "..." : message;
}

/** The summary of upgrade/downgrade/stamp --all: a table (stdout) and a closing line (stderr). */
export function printRunSummary(command: "upgrade" | "downgrade" | "stamp", goal: string, result: FleetResult, verbose: boolean): void {
  const { records } = result;
  const full = verbose || records.length <= FULL_TABLE_UP_TO;
  const shown = full ? records : records.filter((r) => r.status === "failed" || r.status === "not-run");
  const rows = shown.map((r) => [
    terminalText(r.name),
    statusWord(command, r),
    revisions(r.before),
    r.status === "failed" || r.status === "not-run" ? "" : revisions(r.after),
    String(r.steps.length),
    r.status === "not-run" ? "" : formatDuration(r.durationMs),
    r.status === "failed" ? shortError(r) : "",
  ]);
  if (rows.length > 0) for (const line of table(["TARGET", "STATUS", "BEFORE", "AFTER", "STEPS", "TIME", "ERROR"], rows)) printOut(line);
  if (!full) {
    const groups = new Map<string, number>();
    for (const r of records) {
      if (r.status === "failed" || r.status === "not-run") continue;
      const key = `${statusWord(command, r)}: ${revisions(r.before)} -> ${revisions(r.after)}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    for (const [key, n] of groups) printOut(`${String(n).padStart(5)} target(s) ${key}`);
  }
  const count = (s: FleetRecord["status"]) => records.filter((r) => r.status === s).length;
  const changed = count("changed");
  const failed = count("failed");
  const notRun = count("not-run");
  const steps = records.reduce((n, r) => n + r.steps.length, 0);
  const verb = command === "upgrade" ? "upgraded" : command === "downgrade" ? "downgraded" : "stamped";
  if (result.stopped) printErr(pc.yellow(result.stopped));
  if (changed === 0 && failed === 0 && notRun === 0) {
    printErr(pc.green(`nothing to do: all ${records.length} target(s) are already at ${goal} ${pc.dim(`(checked in ${formatDuration(result.durationMs)})`)}`));
    return;
  }
  const parts = [
    `${changed} ${verb}${command === "stamp" ? "" : ` (${steps} step(s))`}`,
    `${count("unchanged")} already at ${goal}`,
    failed ? pc.red(`${failed} failed`) : "0 failed",
    ...(notRun ? [pc.yellow(`${notRun} not run`)] : []),
  ];
  printErr(`${records.length} target(s): ${parts.join(", ")} ${pc.dim(`in ${formatDuration(result.durationMs)}`)}`);
  if (failed || notRun) printErr(pc.dim(`run the same command again after fixing ${failed ? "the failures" : "the cause"}: targets already at ${goal} are skipped after one read each`));
}

/** `current --all`: the matrix target -> revision (stdout), and how many are where (stderr). */
export function printCurrentMatrix(result: FleetResult): void {
  const heads = new Set(result.heads);
  const where = (r: FleetRecord) => {
    if (r.status === "failed") return "";
    if (r.upToDate) return "head";
    if (r.partial) return "partly applied";
    const at = r.after ?? [];
    return at.length === 0 ? "behind" : at.every((h) => heads.has(h)) ? "at some heads" : "not at head";
  };
  const rows = result.records.map((r) => [terminalText(r.name), r.status === "failed" ? "?" : revisions(r.after), r.status === "failed" ? `unreachable or unreadable: ${shortError(r)}` : where(r)]);
  for (const line of table(["TARGET", "REVISION", "STATE"], rows)) printOut(line);
  const groups = new Map<string, number>();
  for (const r of result.records) {
    const key = r.status === "failed" ? "failed" : `${revisions(r.after)}${r.upToDate ? " (head)" : ""}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const summary = [...groups].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${n} at ${key}`.replace("at failed", "failed"));
  printErr(`${result.records.length} target(s): ${summary.join(", ")} ${pc.dim(`(read in ${formatDuration(result.durationMs)})`)}`);
}

/** `check --all`: one row per target, the differences of each drifted one under the table. */
export function printCheckTable(result: FleetResult): void {
  const rows = result.records.map((r) => [terminalText(r.name), statusWord("check", r), r.status === "failed" ? shortError(r) : ""]);
  for (const line of table(["TARGET", "RESULT", "ERROR"], rows)) printOut(line);
  for (const r of result.records) {
    if (r.status !== "unchanged" || r.clean) continue;
    printOut("");
    printOut(`${terminalText(r.name)}:`);
    for (const change of r.changes ?? []) printOut(`  ${terminalText(change)}`);
  }
  const drifted = result.records.filter((r) => r.status === "unchanged" && !r.clean).length;
  const failed = result.records.filter((r) => r.status === "failed").length;
  const clean = result.records.length - drifted - failed;
  const line = `${result.records.length} target(s): ${clean} match the models, ${drifted} drifted, ${failed} failed`;
  printErr(drifted || failed ? pc.red(line) : pc.green(line));
}

/** The --json document of any fleet command. */
export function printFleetJson(command: string, extra: Record<string, unknown>, result: FleetResult): void {
  const count = (s: FleetRecord["status"]) => result.records.filter((r) => r.status === s).length;
  printJson({
    command,
    all: true,
    ...extra,
    heads: result.heads,
    summary: {
      targets: result.records.length,
      changed: count("changed"),
      unchanged: count("unchanged"),
      failed: count("failed"),
      notRun: count("not-run"),
      ...(command === "check" ? { drifted: result.records.filter((r) => r.status === "unchanged" && !r.clean).length } : {}),
      durationMs: result.durationMs,
    },
    stopped: result.stopped ?? null,
    targets: result.records.map((r) => ({
      name: r.name,
      database: r.database,
      schema: r.schema ?? null,
      status: r.status,
      before: r.before ?? null,
      after: r.after ?? null,
      steps: r.steps,
      durationMs: r.durationMs,
      error: r.error ?? null,
      ...(r.upToDate !== undefined ? { upToDate: r.upToDate, partial: r.partial ?? false } : {}),
      ...(r.clean !== undefined ? { clean: r.clean, changes: r.changes ?? [] } : {}),
    })),
  });
}

/** 1 when a target failed or was not run (check: or drifted), else 0. */
export function fleetExitCode(result: FleetResult): number {
  return result.records.some((r) => r.status === "failed" || r.status === "not-run" || r.clean === false) ? 1 : 0;
}

/**
 * Runs a fleet command with the CLI's progress and prints its result:
 * `run` gets the flags, the progress hooks and the per-target reporters.
 */
export async function fleetCli(
  command: "upgrade" | "downgrade" | "current" | "check" | "stamp",
  flags: FleetFlags & { json?: boolean },
  extra: Record<string, unknown>,
  setExitCode: (code: number) => void,
  run: (options: Omit<FleetOptions, keyof import("../commands/context.js").CommonOptions>) => Promise<FleetResult>,
): Promise<void> {
  const writes = command === "upgrade" || command === "downgrade" || command === "stamp";
  const progress = new FleetProgress(`${command} --all`, Boolean(process.stderr.isTTY), writes, (r) => describeRecord(command, r));
  let result: FleetResult;
  try {
    result = await run({
      ...fleetFlags(flags),
      onTargets: (targets) => progress.targets(targets),
      onStart: () => progress.start(),
      onFinish: (record) => progress.finish(record),
      targetReporter: (target) => progress.reporter(target),
    });
  } finally {
    progress.end();
  }
  if (flags.json) printFleetJson(command, extra, result);
  else if (command === "current") printCurrentMatrix(result);
  else if (command === "check") printCheckTable(result);
  else printRunSummary(command, String(extra.target ?? extra.revisions ?? ""), result, flags.verbose ?? false);
  if (flags.json && result.stopped) printErr(pc.yellow(result.stopped));
  setExitCode(fleetExitCode(result));
}
