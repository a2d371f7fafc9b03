/** Text and JSON forms of a lint run, for the terminal and for CI tools. */
import { terminalText } from "../neutralize.js";
import type { DialectName } from "../dialects/types.js";
import type { RevisionLintResult } from "./revision.js";
import type { LintWarning } from "./types.js";

export interface LintReport {
  dialect: DialectName;
  revisions: RevisionLintResult[];
}

/** Colour functions (picocolors in the CLI); identity by default. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

const plain: Palette = { bold: (t) => t, dim: (t) => t, yellow: (t) => t, red: (t) => t, green: (t) => t };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function warningLines(warning: LintWarning, colors: Palette): string[] {
  // Names and messages come from revision files: none of their control characters reaches the terminal.
  const where = terminalText(`${warning.file ?? ""}${warning.line !== undefined ? `:${warning.line}` : ""}`);
  const head = `  ${colors.yellow(warning.rule)}  ${where}${warning.table ? `  table ${terminalText(warning.table)}` : ""}`;
  return [
    head,
    `    ${terminalText(warning.problem)}`,
    `    ${colors.dim("safe form:")}`,
    ...warning.safeForm.split("\n").map((line) => `      ${terminalText(line)}`),
  ];
}

/** Warnings grouped by revision, then skipped and failed revisions. Lines for stdout. */
export function formatLintText(report: LintReport, colors: Palette = plain): string[] {
  const lines: string[] = [];
  for (const r of report.revisions) {
    const title = `${colors.bold(terminalText(r.revision))}${r.message ? ` ${terminalText(r.message)}` : ""} ${colors.dim(`(${terminalText(r.file)})`)}`;
    if (r.status === "skipped") {
      lines.push(`${title}: ${colors.dim(`skipped: ${terminalText(String(r.reason))}`)}`);
      continue;
    }
    if (r.status === "failed") {
      lines.push(`${title}: ${colors.red(`cannot lint: ${terminalText(String(r.reason))}`)}`);
      continue;
    }
    if (r.warnings.length === 0) continue;
    lines.push(title);
    for (const warning of r.warnings) lines.push(...warningLines(warning, colors));
    lines.push("");
  }
  return lines;
}

export interface LintCounts {
  revisions: number;
  warnings: number;
  silenced: number;
  skipped: number;
  failed: number;
}

export function countLint(report: LintReport): LintCounts {
  const counts: LintCounts = { revisions: report.revisions.length, warnings: 0, silenced: 0, skipped: 0, failed: 0 };
  for (const r of report.revisions) {
    counts.warnings += r.warnings.length;
    counts.silenced += r.silenced.length;
    if (r.status === "skipped") counts.skipped++;
    if (r.status === "failed") counts.failed++;
  }
  return counts;
}

/** One line: how many revisions were linted and what was found. */
export function formatLintSummary(report: LintReport, colors: Palette = plain): string {
  const c = countLint(report);
  const extras = [
    ...(c.silenced ? [`${c.silenced} silenced`] : []),
    ...(c.skipped ? [`${plural(c.skipped, "revision")} skipped`] : []),
    ...(c.failed ? [`${plural(c.failed, "revision")} could not be linted`] : []),
  ];
  const tail = extras.length ? ` (${extras.join(", ")})` : "";
  const scope = `${plural(c.revisions, "revision")} linted for ${report.dialect}`;
  if (c.warnings === 0 && c.failed === 0) return `${colors.green("no lint warnings")}: ${scope}${tail}`;
  const revisionsWithWarnings = report.revisions.filter((r) => r.warnings.length > 0).length;
  return `${colors.yellow(plural(c.warnings, "lint warning"))} in ${plural(revisionsWithWarnings, "revision")}: ${scope}${tail}`;
}

/** The whole report as JSON (stable field names for CI tools). */
export function formatLintJson(report: LintReport): string {
  const counts = countLint(report);
  return JSON.stringify({ dialect: report.dialect, clean: counts.warnings === 0 && counts.failed === 0, counts, revisions: report.revisions }, null, 2);
}
