// Maps failures to HTTP responses. Database rule violations are the client's
// fault (400) and are reported with the rule's name; anything else is a 500.
import { DatabaseError } from "pg";
import { InvalidInput } from "../prototypes/validate.js";

export interface ErrorResponse {
  status: number;
  body: { error: string; message: string; constraint?: string };
  headers?: Record<string, string>;
}

// PostgreSQL error codes (SQLSTATE) that mean "the data broke a rule".
const CLIENT_ERRORS = new Map([
  ["23514", "check_violation"],
  ["23505", "unique_violation"],
  ["23503", "foreign_key_violation"],
  ["23502", "not_null_violation"],
  ["22001", "value_too_long"],
  ["22003", "number_out_of_range"],
]);

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: error.code, message: error.message }, headers: error.headers };
  }
  if (error instanceof InvalidInput) {
    return { status: 400, body: { error: "invalid_input", message: error.message } };
  }
  if (error instanceof DatabaseError) {
    const kind = CLIENT_ERRORS.get(error.code ?? "");
    if (kind) {
      const body: ErrorResponse["body"] = { error: kind, message: error.message };
      if (error.constraint) body.constraint = error.constraint;
      return { status: 400, body };
    }
  }
  return { status: 500, body: { error: "internal_error", message: "the server could not complete the request" } };
}
