/**
 * Row-level security operations (PostgreSQL): the table switches
 * (ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY) and policies
 * (CREATE / ALTER / DROP POLICY), with their reverse and what each needs.
 */
import type { ObjectRef } from "../catalog/objects.js";
import { policyLabel, type Policy } from "../catalog/policies.js";
import type { OperationRefs } from "./refs.js";
import { NotReversibleError } from "./reverse.js";
import type { Operation } from "./types.js";

interface OnTable {
  schema?: string;
  table: string;
}

export interface EnableRowLevelSecurity extends OnTable {
  kind: "enableRowLevelSecurity";
}

export interface DisableRowLevelSecurity extends OnTable {
  kind: "disableRowLevelSecurity";
}

export interface ForceRowLevelSecurity extends OnTable {
  kind: "forceRowLevelSecurity";
}

export interface NoForceRowLevelSecurity extends OnTable {
  kind: "noForceRowLevelSecurity";
}

export interface CreatePolicy {
  kind: "createPolicy";
  policy: Policy;
}

export interface DropPolicy extends OnTable {
  kind: "dropPolicy";
  name: string;
  /** The policy before the drop, for reversal. */
  old?: Policy;
}

/** What ALTER POLICY can change in place; a field left out stays as it is. */
export interface PolicyChanges {
  /** TO roles; `[]` is PUBLIC. */
  roles?: string[];
  using?: string;
  withCheck?: string;
  /** COMMENT ON POLICY; `null` removes it. */
  comment?: string | null;
}

export interface AlterPolicy extends OnTable {
  kind: "alterPolicy";
  name: string;
  changes: PolicyChanges;
  /** The policy before, for reversal. */
  existing?: Policy;
}

export type PolicyOperation =
  | EnableRowLevelSecurity
  | DisableRowLevelSecurity
  | ForceRowLevelSecurity
  | NoForceRowLevelSecurity
  | CreatePolicy
  | DropPolicy
  | AlterPolicy;

export const POLICY_OPERATION_KINDS = [
  "enableRowLevelSecurity",
  "disableRowLevelSecurity",
  "forceRowLevelSecurity",
  "noForceRowLevelSecurity",
  "createPolicy",
  "dropPolicy",
  "alterPolicy",
] as const;

const KINDS: ReadonlySet<string> = new Set(POLICY_OPERATION_KINDS);

export function isPolicyOperation(op: { kind: string }): op is PolicyOperation {
  return KINDS.has(op.kind);
}

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function at(schema: string | undefined, table: string): string {
  return schema ? `${schema}.${table}` : table;
}

export function describePolicyOperation(op: PolicyOperation): string {
  switch (op.kind) {
    case "createPolicy":
      return `createPolicy ${policyLabel(op.policy)}`;
    case "dropPolicy":
    case "alterPolicy":
      return `${op.kind} ${policyLabel(op)}`;
    default:
      return `${op.kind} on ${at(op.schema, op.table)}`;
  }
}

/** The policy an ALTER POLICY leaves behind. */
export function policyAfter(existing: Policy, changes: PolicyChanges): Policy {
  const after: Policy = { ...existing };
  if (changes.roles !== undefined) {
    if (changes.roles.length > 0) after.roles = [...changes.roles];
    else delete after.roles;
  }
  for (const field of ["using", "withCheck"] as const) {
    if (changes[field] === undefined) continue;
    after[field] = changes[field];
    if (after.canonical) {
      const canonical = { ...after.canonical };
      delete canonical[field];
      if (Object.keys(canonical).length > 0) after.canonical = canonical;
      else delete after.canonical;
    }
  }
  if (changes.comment !== undefined) {
    if (changes.comment === null) delete after.comment;
    else after.comment = changes.comment;
  }
  return after;
}

/** The reverse of a row-level security operation. */
export function reversePolicyOperation(op: PolicyOperation): Operation[] {
  const notReversible = (o: Operation, why: string): never => {
    throw new NotReversibleError(o, why);
  };
  const table = { ...inSchema(op.kind === "createPolicy" ? op.policy.schema : op.schema) };
  switch (op.kind) {
    case "enableRowLevelSecurity":
      return [{ kind: "disableRowLevelSecurity", ...table, table: op.table }];
    case "disableRowLevelSecurity":
      return [{ kind: "enableRowLevelSecurity", ...table, table: op.table }];
    case "forceRowLevelSecurity":
      return [{ kind: "noForceRowLevelSecurity", ...table, table: op.table }];
    case "noForceRowLevelSecurity":
      return [{ kind: "forceRowLevelSecurity", ...table, table: op.table }];
    case "createPolicy":
      return [{ kind: "dropPolicy", ...table, table: op.policy.table, name: op.policy.name, old: op.policy }];
    case "dropPolicy":
      if (!op.old) return notReversible(op, "the old policy definition is unknown");
      return [{ kind: "createPolicy", policy: { ...op.old, ...table, table: op.table, name: op.name } }];
    case "alterPolicy": {
      const { existing } = op;
      if (!existing) return notReversible(op, 'the policy as it was before is unknown; give "existing"');
      const changes: PolicyChanges = {};
      if (op.changes.roles !== undefined) changes.roles = [...(existing.roles ?? [])];
      for (const field of ["using", "withCheck"] as const) {
        if (op.changes[field] === undefined) continue;
        if (existing[field] === undefined) return notReversible(op, `the policy had no ${field === "using" ? "USING" : "WITH CHECK"} expression, and ALTER POLICY cannot remove one`);
        changes[field] = existing[field];
      }
      if (op.changes.comment !== undefined) changes.comment = existing.comment ?? null;
      return [{ kind: "alterPolicy", ...table, table: op.table, name: op.name, changes, existing: policyAfter(existing, op.changes) }];
    }
  }
}

export function policyOperationRefs(op: PolicyOperation, refs: OperationRefs): void {
  const tableOf = (schema: string | undefined, table: string): ObjectRef => ({ kind: "table", ...inSchema(schema), name: table });
  switch (op.kind) {
    case "createPolicy": {
      const p = op.policy;
      refs.creates.push({ kind: "policy", ...inSchema(p.schema), name: p.name, table: p.table });
      refs.needs.push(tableOf(p.schema, p.table));
      break;
    }
    case "dropPolicy":
      refs.drops.push({ kind: "policy", ...inSchema(op.schema), name: op.name, table: op.table });
      refs.needs.push(tableOf(op.schema, op.table));
      break;
    case "alterPolicy": {
      const self: ObjectRef = { kind: "policy", ...inSchema(op.schema), name: op.name, table: op.table };
      refs.needs.push(self, tableOf(op.schema, op.table));
      refs.alters.push(self);
      break;
    }
    default:
      refs.needs.push(tableOf(op.schema, op.table));
      refs.alters.push({ kind: "row-level security", ...inSchema(op.schema), name: op.table, table: op.table });
  }
}
