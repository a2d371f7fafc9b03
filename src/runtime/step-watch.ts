/**
 * A look at each step's revision code as the runner runs it, for what wants to
 * know what a revision does without running it a second time (lint warnings
 * during `upgrade`).
 */
import type { Op } from "../operations/facade.js";
import type { Operation } from "../operations/types.js";
import type { LoadedRevision } from "../revisions/load.js";
import type { Step } from "../revisions/resolve.js";
import type { Migration } from "../revisions/types.js";

export interface StepWatch {
  /** The `op` the revision function gets, in place of the runner's (a wrapper that still calls it). */
  op?(op: Op): Op;
  /** Each operation, in order, as the step applies it. */
  applied(operation: Operation): void;
  /** The revision function returned and all its operations were applied (the step has not committed yet). */
  finished(): void;
}

/** Called once per attempt at a step; undefined when this step is not watched. */
export type WatchStep = (step: Step, revision: LoadedRevision, migration: Migration) => StepWatch | undefined;
