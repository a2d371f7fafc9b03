/**
 * Compare row-level security: the ENABLE / FORCE switches of tables and their
 * policies (catalog/policies.ts). Policies go before anything changes under
 * them (phase dropPolicies) and come after the tables and columns they use
 * (phase createPolicies). A changed policy is one ALTER POLICY where PostgreSQL
 * allows it (roles, USING, WITH CHECK); a changed command or PERMISSIVE /
 * RESTRICTIVE, or a USING / WITH CHECK that goes away, drops and creates it.
 */
import { sameText, withoutCanonical } from "../../catalog/exact-text.js";
import { policyKey, type Policy } from "../../catalog/policies.js";
import { qualifiedName, type Catalog, type Table } from "../../catalog/types.js";
import type { PolicyChanges } from "../../operations/policies.js";
import type { Operation } from "../../operations/types.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";

function onTable(t: { schema?: string; name: string }): { schema?: string; table: string } {
  return { ...(t.schema !== undefined ? { schema: t.schema } : {}), table: t.name };
}

function compareSwitches(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const modelTables = new Map(model.tables.map((t) => [qualifiedName(t), t]));
  const databaseTables = new Map(database.tables.map((t) => [qualifiedName(t), t]));
  const names = [...new Set([...modelTables.keys(), ...databaseTables.keys()])].sort();
  for (const name of names) {
    const wanted: Table | undefined = modelTables.get(name);
    const existing: Table | undefined = databaseTables.get(name);
    const want = { enabled: !!wanted?.rowLevelSecurity?.enabled, forced: !!wanted?.rowLevelSecurity?.forced };
    const have = { enabled: !!existing?.rowLevelSecurity?.enabled, forced: !!existing?.rowLevelSecurity?.forced };
    const ref = onTable((wanted ?? existing)!);
    // Switched off before the table goes or changes (the downgrade switches them on after it is back).
    if (have.forced && !want.forced) diff.add("dropPolicies", { kind: "noForceRowLevelSecurity", ...ref });
    if (have.enabled && !want.enabled) diff.add("dropPolicies", { kind: "disableRowLevelSecurity", ...ref });
    // Switched on once the table and its policies exist.
    if (want.enabled && !have.enabled) diff.add("createPolicies", { kind: "enableRowLevelSecurity", ...ref });
    if (want.forced && !have.forced) diff.add("createPolicies", { kind: "forceRowLevelSecurity", ...ref });
  }
}

function sameRoles(a: Policy, b: Policy): boolean {
  return (a.roles ?? []).join("\u0000") === (b.roles ?? []).join("\u0000");
}

/** What ALTER POLICY would change, or undefined when it cannot (drop and create instead). */
function policyChanges(wanted: Policy, existing: Policy): PolicyChanges | undefined {
  if ((wanted.command ?? "all") !== (existing.command ?? "all") || !!wanted.restrictive !== !!existing.restrictive) return undefined;
  const changes: PolicyChanges = {};
  if (!sameRoles(wanted, existing)) changes.roles = [...(wanted.roles ?? [])];
  for (const field of ["using", "withCheck"] as const) {
    if (sameText(wanted, existing, field)) continue;
    // ALTER POLICY can set an expression, not remove one.
    if (wanted[field] === undefined) return undefined;
    changes[field] = wanted[field];
  }
  if ((wanted.comment ?? null) !== (existing.comment ?? null)) changes.comment = wanted.comment ?? null;
  return changes;
}

function comparePolicyList(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  const modelPolicies = new Map((model.policies ?? []).map((p) => [policyKey(p), p]));
  const databasePolicies = new Map((database.policies ?? []).map((p) => [policyKey(p), p]));
  const sorted = (list: Iterable<Policy>) => [...list].sort(byName(policyKey));
  const create = (p: Policy) => diff.add("createPolicies", { kind: "createPolicy", policy: structuredClone(p) });
  const drop = (p: Policy) =>
    diff.add("dropPolicies", { kind: "dropPolicy", ...(p.schema !== undefined ? { schema: p.schema } : {}), table: p.table, name: p.name, old: withoutCanonical(p) });
  for (const p of sorted(databasePolicies.values())) if (!modelPolicies.has(policyKey(p))) drop(p);
  for (const wanted of sorted(modelPolicies.values())) {
    const existing = databasePolicies.get(policyKey(wanted));
    if (!existing) {
      create(wanted);
      continue;
    }
    const changes = policyChanges(wanted, existing);
    if (changes === undefined) {
      drop(existing);
      create(wanted);
    } else if (Object.keys(changes).length > 0) {
      const op: Operation = {
        kind: "alterPolicy",
        ...(wanted.schema !== undefined ? { schema: wanted.schema } : {}),
        table: wanted.table,
        name: wanted.name,
        changes,
        existing: withoutCanonical(existing),
      };
      diff.add("createPolicies", op);
    }
  }
}

export function comparePolicies(model: Catalog, database: Catalog, diff: ObjectDiff): void {
  compareSwitches(model, database, diff);
  comparePolicyList(model, database, diff);
}
