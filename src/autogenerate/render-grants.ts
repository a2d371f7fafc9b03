/** GRANT / REVOKE operations -> `await op.grant(...)` calls and summary lines (pure). */
import { grantObjectLabel, type GrantObject } from "../catalog/grants.js";
import type { GrantOperation } from "../operations/grants.js";
import { formatCall, withOptions } from "./format.js";

/** The object as op.grant takes it: `{ table: "t", schema: "app" }`, `{ column: "email", table: "users" }`, `{ schema: "app" }`. */
export function grantTargetSpec(on: GrantObject): Record<string, unknown> {
  const schema = on.schema !== undefined ? { schema: on.schema } : {};
  switch (on.kind) {
    case "schema":
      return { schema: on.name };
    case "column":
      return { table: on.name, ...schema, column: on.column };
    case "materialized view":
      return { materializedView: on.name, ...schema };
    default:
      return { [on.kind]: on.name, ...schema };
  }
}

export function renderGrantCall(op: GrantOperation): string[] {
  const privileges = op.privileges.map((p) => p.toLowerCase());
  return [formatCall(op.kind, withOptions([privileges, grantTargetSpec(op.on), op.grantee], { withGrantOption: op.withGrantOption ? true : undefined }))];
}

export function summarizeGrantOperation(op: GrantOperation): string {
  const what = `${op.privileges.join(", ")} on ${grantObjectLabel(op.on)}`;
  return op.kind === "grant" ? `+ grant ${what} to ${op.grantee}${op.withGrantOption ? " with grant option" : ""}` : `- grant ${what} from ${op.grantee}`;
}
