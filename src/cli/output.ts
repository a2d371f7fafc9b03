/**
 * Terminal output: progress and messages go to stderr (so stdout stays clean for
 * data such as --sql scripts and `kiln current` in scripts), colour only on a
 * terminal, NO_COLOR respected (picocolors checks both).
 */
import pc from "picocolors";
import { redactSecrets } from "../config/secrets.js";
import { KilnError } from "../errors.js";
import { terminalMessage, terminalText } from "../neutralize.js";
import type { Reporter, StepInfo } from "../runtime/reporter.js";

export const colors = pc;

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * A line of a --sql script: written exactly as generated, because a script is
 * data (redacting a password that happens to spell a table name would change
 * it). No URL or driver error reaches a script.
 */
export function printScript(line: string): void {
  process.stdout.write(line + "\n");
}

export function printOut(line: string): void {
  process.stdout.write(redactSecrets(line) + "\n");
}

/** Several lines on stdout in one write (a history of thousands of revisions is one call, not thousands). */
export function printOutLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(lines.map((line) => redactSecrets(line) + "\n").join(""));
}

export function printErr(line: string): void {
  process.stderr.write(redactSecrets(line) + "\n");
}

function describe(step: StepInfo): string {
  return `${pc.bold(terminalText(step.revision))}${step.message ? ` ${terminalText(step.message)}` : ""}`;
}

export function terminalReporter(): Reporter {
  return {
    info: (message) => printErr(terminalMessage(message)),
    warn: (message) => printErr(`${pc.yellow("warning:")} ${terminalMessage(message)}`),
    stepStarted: () => undefined,
    stepFinished: (step, ms) =>
      printErr(`${step.direction === "up" ? pc.green("upgraded  ") : pc.cyan("downgraded")} ${describe(step)} ${pc.dim(`(${formatDuration(ms)})`)}`),
    stepSkipped: (step, reason) => printErr(`${pc.dim("skipped   ")} ${describe(step)} ${pc.dim(`(${terminalText(reason)})`)}`),
    // A status line redrawn in place, on a terminal only (a log gets the lines that follow it).
    ...(process.stderr.isTTY
      ? {
          progress: (message: string | undefined) => {
            const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
            const line = message === undefined ? "" : pc.dim(redactSecrets(terminalMessage(message)).slice(0, width));
            process.stderr.write(`\r\x1b[K${line}`);
          },
        }
      : {}),
  };
}

/** Prints an error for the user and returns the exit code. Unexpected errors (bugs) keep their stack when KILN_DEBUG is set. */
export function reportError(error: unknown): number {
  if (error instanceof KilnError) {
    // Messages echo database text and names: no control sequence of theirs reaches the terminal.
    printErr(`${pc.red("error:")} ${terminalMessage(error.message)}`);
    for (const line of error.details) printErr(`  ${terminalMessage(line)}`);
    if (process.env.KILN_DEBUG && error.cause instanceof Error && error.cause.stack) printErr(pc.dim(error.cause.stack));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  printErr(`${pc.red("error:")} ${terminalMessage(message)}`);
  if (process.env.KILN_DEBUG && error instanceof Error && error.stack) printErr(pc.dim(error.stack));
  else printErr(pc.dim("  (set KILN_DEBUG=1 for a stack trace; this may be a bug in kiln: please report it)"));
  return 1;
}
