/**
 * kiln does not create roles. Policies and grants name them: before a revision
 * that would fail on a missing role is written, say which role is missing and
 * what names it (from the database's role list, Dialect.surveyObjects).
 */
import { policyLabel } from "../catalog/policies.js";
import type { Operation } from "../operations/types.js";

/** Keywords that stand for a role without naming one. */
const ROLE_KEYWORDS = /^(public|current_user|current_role|session_user)$/i;

/** The roles an operation names, with what names them: `policy p on t`. */
export function operationRoles(op: Operation): { role: string; by: string }[] {
  switch (op.kind) {
    case "createPolicy":
      return (op.policy.roles ?? []).map((role) => ({ role, by: `policy ${policyLabel(op.policy)}` }));
    case "alterPolicy":
      return (op.changes.roles ?? []).map((role) => ({ role, by: `policy ${policyLabel(op)}` }));
    default:
      return [];
  }
}

export function missingRoleWarnings(operations: readonly Operation[], roles: readonly string[] | undefined): string[] {
  if (!roles) return [];
  const known = new Set(roles);
  const missing = new Map<string, string[]>();
  for (const op of operations) {
    for (const { role, by } of operationRoles(op)) {
      if (known.has(role) || ROLE_KEYWORDS.test(role)) continue;
      const list = missing.get(role) ?? [];
      if (!list.includes(by)) list.push(by);
      missing.set(role, list);
    }
  }
  return [...missing].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(
    ([role, by]) =>
      `role ${role} does not exist in the database; ${by.join(", ")} ${by.length === 1 ? "names" : "name"} it. kiln does not create roles: create it first (CREATE ROLE ${role} ...), or the upgrade fails.`,
  );
}
