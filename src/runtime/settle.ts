/**
 * Guards a step against revision code that escapes the runner's `await`:
 * - it awaits a promise that nothing will ever settle: Node then finds nothing
 *   left to wait for and exits, with code 0, the step half done and the
 *   migration lock held. That moment (the process's 'beforeExit') becomes an
 *   error instead;
 * - a promise it did not await rejects: Node would crash with a raw stack trace.
 *   The rejection becomes the step's error instead.
 * Either way the step fails like any other: rolled back, the lock released, a
 * message naming the revision, a non-zero exit.
 */
import { KilnError } from "../errors.js";

export async function guardRevisionCode<T>(work: () => Promise<T>, functionName: string): Promise<T> {
  let fail: (error: Error) => void = () => undefined;
  const escaped = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const onDrained = () =>
    fail(new KilnError(`its ${functionName}() never finished: it waits for a promise that nothing will ever settle, so kiln stopped there`));
  const onUnhandled = (reason: unknown) =>
    fail(new KilnError(`a promise that its ${functionName}() did not await failed: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason }));
  process.on("beforeExit", onDrained);
  process.on("unhandledRejection", onUnhandled);
  try {
    return await Promise.race([work(), escaped]);
  } finally {
    process.off("beforeExit", onDrained);
    process.off("unhandledRejection", onUnhandled);
  }
}
