/**
 * KilnError: the one error type users see. Its message is complete and readable
 * on its own (what went wrong, naming the file, revision or statement, and what to
 * do next); the CLI prints it without a stack trace and exits with `exitCode`.
 *
 * Exit codes: 0 success, 1 failure (including drift found by `kiln check`), 2 usage error.
 */
export class KilnError extends Error {
  readonly exitCode: number;
  /** Extra lines printed under the message (candidates, hints). */
  readonly details: string[];

  constructor(message: string, options: { exitCode?: number; details?: string[]; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "KilnError";
    this.exitCode = options.exitCode ?? 1;
    this.details = options.details ?? [];
  }
}

/** A usage error: bad arguments, unknown or ambiguous target. Exit code 2. */
export class UsageError extends KilnError {
  constructor(message: string, details: string[] = []) {
    super(message, { exitCode: 2, details });
    this.name = "UsageError";
  }
}

/** `value` when it is a string with something besides blanks; otherwise a KilnError naming `what` and the value given. */
export function nonEmptyText(value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new KilnError(`${what} must be a non-empty string, got ${JSON.stringify(value)}.`);
  return value;
}
