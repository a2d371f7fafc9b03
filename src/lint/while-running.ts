/**
 * Lint warnings for `upgrade`, from the operations each step really applies: the
 * revision code runs once, for the step, never a second time just to be linted
 * (it may have side effects, or read the database with op.query). A step's
 * warnings come when its revision function has finished, before it commits.
 */
import type { DialectName } from "../dialects/types.js";
import { Op } from "../operations/facade.js";
import type { Operation } from "../operations/types.js";
import type { StepWatch, WatchStep } from "../runtime/step-watch.js";
import { lineFinder, recordCallSites } from "./collect.js";
import { analyzeRevision } from "./revision.js";
import type { LintWarning } from "./types.js";

export interface LintWhileRunningOptions {
  dialect: DialectName;
  /** How to show a revision file in messages. */
  displayFile(file: string): string;
  warn(warning: LintWarning): void;
}

export function lintWhileRunning(options: LintWhileRunningOptions): WatchStep {
  // A step tried again (lock timeout, heads changed) is reported once.
  const reported = new Set<string>();
  return (step, revision, migration): StepWatch | undefined => {
    if (step.direction !== "up" || reported.has(revision.revision)) return undefined;
    const operations: Operation[] = [];
    let stacks: (() => string)[] = [];
    return {
      op(real: Op): Op {
        const recorded = recordCallSites(real);
        stacks = recorded.stacks;
        return recorded.op;
      },
      applied(operation) {
        operations.push(operation);
      },
      finished() {
        reported.add(revision.revision);
        const lineOf = lineFinder(stacks, operations.length, revision.file, revision.source);
        const result = analyzeRevision(revision, migration, operations, lineOf, {
          dialect: options.dialect,
          displayFile: options.displayFile(revision.file),
        });
        for (const warning of result.warnings) options.warn(warning);
      },
    };
  };
}
