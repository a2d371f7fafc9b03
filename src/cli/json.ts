/**
 * The `--json` documents: one JSON document per command on stdout, built from
 * what the command functions return (and, for upgrade/downgrade, from the
 * reporter's step events). Keys are camelCase and stable; docs/json-output.md
 * lists them. Progress and warnings stay on stderr.
 */
import { redactSecrets } from "../config/secrets.js";
import { KilnError } from "../errors.js";
import type { Reporter, StepInfo } from "../runtime/reporter.js";

/** Writes one document. Secrets are removed from string values (never from the JSON text, which redaction could break). */
export function printJson(document: unknown): void {
  const text = JSON.stringify(document, (_key, value: unknown) => (typeof value === "string" ? redactSecrets(value) : value), 2);
  process.stdout.write(text + "\n");
}

export interface JsonError {
  error: { message: string; exitCode: number; details: string[]; steps?: StepRecord[] };
}

/** What a command knew when it failed (upgrade/downgrade: the steps that finished), for its error document. */
const failureContext = new WeakMap<object, { steps?: StepRecord[] }>();

/** Remembers, for the error document, what the command had done before `error`. Returns the error to rethrow. */
export function withFailureContext(error: unknown, context: { steps?: StepRecord[] }): unknown {
  if (typeof error === "object" && error !== null) failureContext.set(error, context);
  return error;
}

/** The document printed instead of a result when a command fails in JSON mode. */
export function errorDocument(error: unknown, exitCode: number): JsonError {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof KilnError ? [...error.details] : [];
  const context = typeof error === "object" && error !== null ? failureContext.get(error) : undefined;
  return { error: { message, exitCode, details, ...context } };
}

export interface StepRecord {
  revision: string;
  message: string;
  direction: "up" | "down";
  file: string;
  /** "applied" by this run, or "skipped" because another kiln process applied it meanwhile. */
  status: "applied" | "skipped";
  /** Milliseconds the step took (0 for a skipped step). */
  durationMs: number;
  reason?: string;
}

/** A reporter that passes every event on and records the steps run, with their durations. */
export function recordSteps(inner: Reporter): { reporter: Reporter; steps: StepRecord[] } {
  const steps: StepRecord[] = [];
  const base = (step: StepInfo) => ({ revision: step.revision, message: step.message, direction: step.direction, file: step.file });
  const reporter: Reporter = {
    info: (message) => inner.info(message),
    warn: (message) => inner.warn(message),
    stepStarted: (step) => inner.stepStarted(step),
    ...(inner.progress ? { progress: (message: string | undefined) => inner.progress!(message) } : {}),
    stepFinished: (step, durationMs) => {
      steps.push({ ...base(step), status: "applied", durationMs });
      inner.stepFinished(step, durationMs);
    },
    stepSkipped: (step, reason) => {
      steps.push({ ...base(step), status: "skipped", durationMs: 0, reason });
      inner.stepSkipped(step, reason);
    },
  };
  return { reporter, steps };
}

/** Runs `work` with a reporter that records the steps (recordSteps); when it fails, the error carries the steps that finished before the failure (withFailureContext). */
export async function runRecordingSteps<T>(inner: Reporter, work: (reporter: Reporter) => Promise<T>): Promise<{ result: T; steps: StepRecord[] }> {
  const recorder = recordSteps(inner);
  try {
    return { result: await work(recorder.reporter), steps: recorder.steps };
  } catch (error) {
    // A failed run still committed the steps before the failing one: the error document lists them.
    throw withFailureContext(error, { steps: recorder.steps });
  }
}
