/**
 * What `kiln lint` reports. A rule looks at one operation of a revision (with
 * what the revision did before it) and says, in a finding, what lock or rewrite
 * the operation causes and the safe form to write instead.
 */
import type { DialectName } from "../dialects/types.js";
import type { Operation } from "../operations/types.js";

/** Rules about schema changes. */
export type RuleId =
  | "index-not-concurrent"
  | "constraint-not-valid"
  | "set-not-null"
  | "type-change-rewrite"
  | "volatile-default"
  | "not-null-without-default"
  | "rename-breaks-app"
  | "add-unique-constraint"
  | "rls-without-policy"
  | "refresh-not-concurrent"
  | "trigger-on-existing-table"
  | "immutable-function-change";

/** Rules about the silencing comments themselves. */
export type SilenceRuleId = "ignore-without-reason" | "ignore-invalid";

export type LintId = RuleId | SilenceRuleId;

/** One problem found by a rule, before it is placed in a revision and file. */
export interface Finding {
  rule: RuleId;
  /** The table concerned, display form (`users`, `billing.invoices`). */
  table?: string;
  /** What the operation does to the running application, e.g. which lock it takes for how long. */
  problem: string;
  /** What to write instead (revision code, possibly several lines). */
  safeForm: string;
}

export interface LintWarning {
  rule: LintId;
  revision: string;
  /** The revision file as given in the context (absolute path when linted by kiln). */
  file?: string;
  /** 1-based line of the operation (or of the comment, for silence rules) in the file. */
  line?: number;
  table?: string;
  problem: string;
  safeForm: string;
  /** Complete one-line message: revision, file:line, table and problem. */
  message: string;
}

/** A warning a `kiln-lint-ignore` comment or the revision's `lint.ignore` silenced, with the reason given. */
export interface SilencedWarning extends LintWarning {
  reason: string;
}

/** A revision-wide silence: `lint: { ignore: ["rule-id"], reason: "..." }` in the revision's default export. */
export interface RevisionIgnore {
  rules: string[];
  reason?: string;
}

export interface LintContext {
  dialect: DialectName;
  revision: string;
  /** Path of the revision file, for messages. */
  file?: string;
  /** Source line of each top-level operation (same index as the operations), or a function giving it (asked only for findings). */
  lines?: readonly (number | undefined)[] | ((index: number) => number | undefined);
  /** Text of the revision file: `// kiln-lint-ignore rule-id: reason` comments are read from it. */
  source?: string;
  /** Revision-wide silence. */
  ignore?: RevisionIgnore;
  /** False when the revision runs outside a transaction (`transactional: false`). Default true. */
  transactional?: boolean;
  /**
   * Operations of the revisions applied before this one, in order. Only facts that
   * outlive a revision are taken from them (validated `col IS NOT NULL` checks).
   */
  before?: readonly Operation[];
}

export interface LintOutcome {
  warnings: LintWarning[];
  silenced: SilencedWarning[];
}
