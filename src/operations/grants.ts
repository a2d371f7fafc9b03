/**
 * Privilege operations (PostgreSQL): GRANT and REVOKE on an object kiln models,
 * to one role, with their reverse and what each needs (catalog/grants.ts).
 */
import { grantObjectLabel, type GrantObject } from "../catalog/grants.js";
import type { ObjectRef } from "../catalog/objects.js";
import type { OperationRefs } from "./refs.js";
import type { Operation } from "./types.js";

export interface GrantPrivileges {
  kind: "grant";
  on: GrantObject;
  /** A role name, or `public`. */
  grantee: string;
  /** Upper case: SELECT, INSERT, ..., USAGE, CREATE, EXECUTE. */
  privileges: string[];
  withGrantOption?: boolean;
}

export interface RevokePrivileges {
  kind: "revoke";
  on: GrantObject;
  grantee: string;
  privileges: string[];
  /** The privileges were held WITH GRANT OPTION (for reversal; REVOKE takes both). */
  withGrantOption?: boolean;
}

export type GrantOperation = GrantPrivileges | RevokePrivileges;

export const GRANT_OPERATION_KINDS = ["grant", "revoke"] as const;

export function isGrantOperation(op: { kind: string }): op is GrantOperation {
  return op.kind === "grant" || op.kind === "revoke";
}

export function describeGrantOperation(op: GrantOperation): string {
  return `${op.kind} ${op.privileges.join(", ")} on ${grantObjectLabel(op.on)} ${op.kind === "grant" ? "to" : "from"} ${op.grantee}`;
}

export function reverseGrantOperation(op: GrantOperation): Operation[] {
  const option = op.withGrantOption ? { withGrantOption: true } : {};
  return [{ kind: op.kind === "grant" ? "revoke" : "grant", on: { ...op.on }, grantee: op.grantee, privileges: [...op.privileges], ...option }];
}

/** The object a grant is on, as the dependency order names it. */
export function grantObjectRef(on: GrantObject): ObjectRef {
  const schema = on.schema !== undefined ? { schema: on.schema } : {};
  switch (on.kind) {
    case "schema":
      return { kind: "schema", name: on.name };
    case "column":
      return { kind: "table", ...schema, name: on.name };
    default:
      return { kind: on.kind, ...schema, name: on.name };
  }
}

export function grantOperationRefs(op: GrantOperation, refs: OperationRefs): void {
  refs.needs.push(grantObjectRef(op.on));
}
