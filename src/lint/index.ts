/**
 * The linter: which operations of a revision lock or rewrite a table for long,
 * break running code, or fail on existing rows, each with the safe form to write
 * instead. Pure: it reads only the operations and the context it is given
 * (collect.ts gets both from a revision file without a database).
 */
import type { Operation } from "../operations/types.js";
import { RevisionFacts } from "./facts.js";
import { RULES } from "./rules/index.js";
import { directivesFor, type IgnoreDirective, readIgnoreDirectives } from "./silence.js";
import type { Finding, LintContext, LintId, LintOutcome, LintWarning, RuleId, SilencedWarning } from "./types.js";

export type {
  Finding,
  LintContext,
  LintId,
  LintOutcome,
  LintWarning,
  RevisionIgnore,
  RuleId,
  SilencedWarning,
} from "./types.js";
export { RULES } from "./rules/index.js";

export const RULE_IDS: readonly RuleId[] = RULES.map((rule) => rule.id);

interface Located {
  op: Operation;
  /** Index of the top-level operation (its line is the line of a batch's inner operations). */
  top: number;
  inBatch: boolean;
}

/** Batches are linted through their inner operations, which share the batch call's line. */
function flatten(ops: readonly Operation[]): Located[] {
  const located: Located[] = [];
  ops.forEach((op, top) => {
    if (op.kind === "batchAlterTable") for (const inner of op.operations) located.push({ op: inner, top, inBatch: true });
    else located.push({ op, top, inBatch: false });
  });
  return located;
}

/** The line of each top-level operation, looked up (it may cost a stack to format) only for findings. */
function lineLookup(lines: LintContext["lines"]): (top: number) => number | undefined {
  if (typeof lines !== "function") return (top) => lines?.[top];
  const known = new Map<number, number | undefined>();
  return (top) => {
    if (!known.has(top)) known.set(top, lines(top));
    return known.get(top);
  };
}

function locationText(context: LintContext, line: number | undefined): string {
  if (context.file === undefined) return line === undefined ? "" : ` (line ${line})`;
  return ` (${context.file}${line === undefined ? "" : `:${line}`})`;
}

function warningFrom(context: LintContext, fields: Omit<LintWarning, "revision" | "file" | "message">): LintWarning {
  const where = `revision ${context.revision}${locationText(context, fields.line)}`;
  const table = fields.table === undefined ? "" : `, table ${fields.table}`;
  return {
    ...fields,
    revision: context.revision,
    ...(context.file !== undefined ? { file: context.file } : {}),
    message: `${where}${table}: ${fields.problem}`,
  };
}

/** Warnings about the silences themselves: unknown rule ids, no rule ids, no reason. */
function silenceWarnings(context: LintContext, directives: readonly IgnoreDirective[]): LintWarning[] {
  const known = new Set<string>(RULE_IDS);
  const warnings: LintWarning[] = [];
  const check = (rules: readonly string[], reason: string | undefined, line: number | undefined, what: string) => {
    const add = (rule: LintId, problem: string, safeForm: string) =>
      warnings.push(warningFrom(context, { rule, ...(line !== undefined ? { line } : {}), problem, safeForm }));
    if (rules.length === 0) {
      add("ignore-invalid", `${what} names no rule, so it silences nothing`, "// kiln-lint-ignore <rule-id>: <why it is safe here>");
    }
    for (const rule of rules.filter((r) => !known.has(r))) {
      add("ignore-invalid", `${what} names ${JSON.stringify(rule)}, which is not a kiln lint rule (rules: ${RULE_IDS.join(", ")})`, "use one of the rule ids above");
    }
    if (rules.length > 0 && reason === undefined) {
      add(
        "ignore-without-reason",
        `${what} silences ${rules.join(", ")} without saying why; write the reason after a colon`,
        `// kiln-lint-ignore ${rules.join(", ")}: <why it is safe here, e.g. the table has 20 rows>`,
      );
    }
  };
  for (const d of directives) check(d.rules, d.reason, d.line, "the kiln-lint-ignore comment");
  if (context.ignore) check(context.ignore.rules, context.ignore.reason, undefined, 'the revision\'s "lint.ignore"');
  return warnings;
}

/** The reason a finding on `line` is silenced, or undefined when it is not ("" when a silence gives no reason). */
function silenceReason(finding: Finding, line: number | undefined, context: LintContext, directives: readonly IgnoreDirective[]): string | undefined {
  if (line !== undefined && context.source !== undefined) {
    const directive = directivesFor(line, context.source, directives).find((d) => d.rules.includes(finding.rule));
    if (directive) return directive.reason ?? "";
  }
  if (context.ignore?.rules.includes(finding.rule)) return context.ignore.reason ?? "";
  return undefined;
}

/** Lints one revision's operations: what is reported and what was silenced (with the reasons given). */
export function analyzeOperations(ops: readonly Operation[], context: LintContext): LintOutcome {
  const located = flatten(ops);
  const lineOf = lineLookup(context.lines);
  const directives = context.source === undefined ? [] : readIgnoreDirectives(context.source);
  const facts = RevisionFacts.after(context.before ?? []);
  const rules = RULES.filter((rule) => rule.dialects.includes(context.dialect));
  const plain = located.map((l) => l.op);
  const outcome: LintOutcome = { warnings: silenceWarnings(context, directives), silenced: [] };

  located.forEach(({ op, top, inBatch }, index) => {
    const scope = {
      dialect: context.dialect,
      facts,
      earlier: plain.slice(0, index),
      later: plain.slice(index + 1),
      transactional: context.transactional ?? true,
      inBatch,
    };
    for (const rule of rules) {
      const finding = rule.check(op, scope);
      if (!finding) continue;
      const line = lineOf(top);
      const warning = warningFrom(context, { ...finding, ...(line !== undefined ? { line } : {}) });
      const reason = silenceReason(finding, line, context, directives);
      if (reason === undefined) outcome.warnings.push(warning);
      else outcome.silenced.push({ ...warning, reason } satisfies SilencedWarning);
    }
    facts.record(op);
  });
  outcome.warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return outcome;
}

/**
 * The warnings for one revision's operations (silenced ones left out). Pure; for
 * `upgrade` (print before applying) and autogenerate (warn about what it wrote).
 */
export function lintOperations(ops: readonly Operation[], context: LintContext): LintWarning[] {
  return analyzeOperations(ops, context).warnings;
}
