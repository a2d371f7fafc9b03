/**
 * Row-level security (PostgreSQL): the ENABLE / FORCE switches of a table
 * (Table.rowLevelSecurity) and its policies (Catalog.policies).
 *
 * A policy's USING and WITH CHECK are exact text (EXACT TEXT in types.ts): the
 * database side as pg_get_expr prints them, the model side as written, with a
 * canonical form beside them for comparison.
 */
import type { Canonical } from "./types.js";

/** ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY; each flag left out when off (PostgreSQL keeps them apart). */
export interface RowLevelSecurity {
  enabled?: true;
  /** FORCE: the table's owner is subject to the policies too. */
  forced?: true;
}

export type PolicyCommand = "all" | "select" | "insert" | "update" | "delete";

export const POLICY_COMMANDS: readonly PolicyCommand[] = ["all", "select", "insert", "update", "delete"];

export interface Policy {
  /** The table's schema (a policy lives on its table). */
  schema?: string;
  table: string;
  name: string;
  /** FOR ...; left out: ALL. */
  command?: Exclude<PolicyCommand, "all">;
  /** AS RESTRICTIVE; left out: PERMISSIVE (the default). */
  restrictive?: true;
  /** TO roles, sorted; left out or empty: PUBLIC. Role names as the database stores them. */
  roles?: string[];
  /** USING (...): which existing rows the policy lets through. */
  using?: string;
  /** WITH CHECK (...): which new rows it accepts. */
  withCheck?: string;
  comment?: string;
  canonical?: Canonical<"using" | "withCheck">;
}

/** The key that matches a policy across Catalogs: its table and its name. */
export function policyKey(p: { schema?: string; table: string; name: string }): string {
  return `${p.schema ?? ""}\u0000${p.table}\u0000${p.name}`;
}

export function policyLabel(p: { schema?: string; table: string; name: string }): string {
  return `${p.name} on ${p.schema ? `${p.schema}.` : ""}${p.table}`;
}

/** Roles normalized: PUBLIC is the empty list, names deduplicated and sorted. */
export function normalizeRoles(roles: readonly string[] | undefined): string[] {
  const list = [...new Set((roles ?? []).filter((r) => r.toLowerCase() !== "public"))];
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Left-out flags and the normal form of roles and command, so that both Catalog sides compare equal. */
export function normalizePolicy(policy: Policy): Policy {
  const out: Policy = { ...policy };
  const roles = normalizeRoles(policy.roles);
  if (roles.length > 0) out.roles = roles;
  else delete out.roles;
  if ((out.command as string | undefined) === "all") delete out.command;
  if (!out.restrictive) delete out.restrictive;
  return out;
}

export function normalizeRowLevelSecurity(rls: { enabled?: boolean; forced?: boolean } | undefined): RowLevelSecurity | undefined {
  if (!rls) return undefined;
  const out: RowLevelSecurity = {};
  if (rls.enabled) out.enabled = true;
  if (rls.forced) out.forced = true;
  return Object.keys(out).length > 0 ? out : undefined;
}
