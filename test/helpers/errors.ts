/** The KilnError a call throws (or a promise rejects with); fails the test when there is none. */
import { expect } from "vitest";
import { KilnError } from "../../src/errors.js";

function asKilnError(error: unknown): KilnError {
  expect(error).toBeInstanceOf(KilnError);
  return error as KilnError;
}

export function kilnErrorOf(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (error) {
    return asKilnError(error);
  }
  throw new Error("expected a KilnError");
}

export async function kilnErrorOfAsync(promise: Promise<unknown>): Promise<KilnError> {
  try {
    await promise;
  } catch (error) {
    return asKilnError(error);
  }
  throw new Error("expected a KilnError");
}
