/** The shape every lint rule has: a pure check of one operation in its revision. */
import type { DialectName } from "../../dialects/types.js";
import type { Operation } from "../../operations/types.js";
import type { RevisionFacts } from "../facts.js";
import type { Finding, RuleId } from "../types.js";

/** What a rule may know besides the operation itself. */
export interface RuleScope {
  dialect: DialectName;
  /** What the revision (and, for lasting facts, earlier revisions) did before this operation. */
  facts: RevisionFacts;
  /** Operations of this revision before and after this one (batches flattened). */
  earlier: readonly Operation[];
  later: readonly Operation[];
  /** False when the revision runs outside a transaction. */
  transactional: boolean;
  /** True when the operation sits inside `op.batchAlterTable(...)`. */
  inBatch: boolean;
}

export interface LintRule {
  id: RuleId;
  /** Databases where the problem exists (lock behaviour differs between them). */
  dialects: readonly DialectName[];
  /** One line for `--help` style listings and the docs. */
  summary: string;
  check(op: Operation, scope: RuleScope): Finding | undefined;
}

export const ALL_DIALECTS: readonly DialectName[] = ["postgresql", "mysql", "sqlite"];
export const POSTGRES_ONLY: readonly DialectName[] = ["postgresql"];
