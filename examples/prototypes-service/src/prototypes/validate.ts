// Turns a request body into a NewPrototype, or says what is wrong with it.
// Rules the database enforces (the check constraint, varchar(200)) are left to
// the database, so there is one source of truth; see src/http/errors.ts.
import { prototypeStatus } from "../db/schema.js";
import type { NewPrototype } from "./repository.js";

export class InvalidInput extends Error {}

const FIELDS = new Set(["prototypeId", "name", "status"]);

export function parseNewPrototype(body: unknown): NewPrototype {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidInput('the body must be a JSON object such as {"prototypeId": 1, "name": "Mk I"}');
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) {
    throw new InvalidInput(`unknown field(s): ${unknown.join(", ")}; allowed: ${[...FIELDS].join(", ")}`);
  }
  const { prototypeId, name, status } = input;
  if (typeof prototypeId !== "number" || !Number.isInteger(prototypeId)) {
    throw new InvalidInput("prototypeId must be an integer");
  }
  if (typeof name !== "string" || name.trim() === "") {
    throw new InvalidInput("name must be a non-empty string");
  }
  if (status !== undefined && !prototypeStatus.values.includes(status as never)) {
    throw new InvalidInput(`status must be one of: ${prototypeStatus.values.join(", ")}`);
  }
  return { prototypeId, name, status: status as NewPrototype["status"] };
}
