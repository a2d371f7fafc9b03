/** The reverse of each object operation (operations/objects.ts). */
import { inputArguments } from "../catalog/routines.js";
import { isGrantOperation, reverseGrantOperation } from "./grants.js";
import { SEQUENCE_OPTION_KEYS, type Sequence } from "../catalog/sequences.js";
import { isCollationOperation, reverseCollationOperation } from "./collations.js";
import type { ObjectOperation } from "./objects.js";
import { isPolicyOperation, reversePolicyOperation } from "./policies.js";
import { isOperatorOperation, reverseOperatorOperation } from "./operators.js";
import { isAggregateOperation, reverseAggregateOperation } from "./aggregates.js";
import { isDistributionOperation, reverseDistributionOperation } from "./distribution.js";
import { NotReversibleError } from "./reverse.js";
import type { AlterSequence, SequenceChanges } from "./sequences.js";
import type { Operation } from "./types.js";
import { isViewOperation, reverseViewOperation } from "./views.js";
import { reverseTableStorageOperation } from "./table-storage.js";

function schemaOf(schema: string | undefined): { schema?: string } {
  return schema !== undefined ? { schema } : {};
}

function reverseAlterSequence(op: AlterSequence): Operation[] {
  if (op.changes.restart !== undefined) {
    throw new NotReversibleError(op, "a RESTART moves the sequence's current value, which is not recorded");
  }
  const { existing } = op;
  if (!existing) throw new NotReversibleError(op, 'the sequence as it was before is unknown; give "existing"');
  const changes: SequenceChanges = {};
  for (const key of SEQUENCE_OPTION_KEYS) {
    if (op.changes[key] === undefined) continue;
    (changes as Record<string, unknown>)[key] = existing[key] ?? null;
  }
  if (op.changes.ownedBy !== undefined) changes.ownedBy = existing.ownedBy ?? null;
  if (op.changes.unlogged !== undefined) changes.unlogged = existing.unlogged ?? false;
  const after: Sequence = { ...existing };
  for (const [key, value] of Object.entries(op.changes)) {
    if (key === "restart") continue;
    if (key === "unlogged") {
      if (value) after.unlogged = true;
      else delete after.unlogged;
      continue;
    }
    if (value === null) delete (after as unknown as Record<string, unknown>)[key];
    else (after as unknown as Record<string, unknown>)[key] = value;
  }
  return [{ kind: "alterSequence", ...schemaOf(op.schema), name: op.name, changes, existing: after }];
}

export function reverseObjectOperation(op: ObjectOperation): Operation[] {
  if (isViewOperation(op)) return reverseViewOperation(op, (o, reason) => { throw new NotReversibleError(o, reason); });
  if (isPolicyOperation(op)) return reversePolicyOperation(op);
  if (isCollationOperation(op)) return reverseCollationOperation(op);
  if (isOperatorOperation(op)) return reverseOperatorOperation(op, (o, reason) => { throw new NotReversibleError(o, reason); });
  if (isDistributionOperation(op)) {
    const reversed = reverseDistributionOperation(op);
    if (typeof reversed === "string") throw new NotReversibleError(op, reversed);
    return [reversed];
  }
  if (isGrantOperation(op)) return reverseGrantOperation(op);
  if (isAggregateOperation(op)) return reverseAggregateOperation(op, (o, reason) => { throw new NotReversibleError(o, reason); });
  switch (op.kind) {
    case "createSequence":
      return [{ kind: "dropSequence", ...schemaOf(op.sequence.schema), name: op.sequence.name, old: op.sequence }];
    case "dropSequence":
      if (!op.old) throw new NotReversibleError(op, "the old sequence definition is unknown");
      return [{ kind: "createSequence", sequence: { ...op.old, ...schemaOf(op.schema), name: op.name } }];
    case "alterSequence":
      return reverseAlterSequence(op);
    case "createDomain":
      return [{ kind: "dropDomain", ...schemaOf(op.domain.schema), name: op.domain.name, old: op.domain }];
    case "dropDomain":
      if (!op.old) throw new NotReversibleError(op, "the old domain definition is unknown");
      return [{ kind: "createDomain", domain: { ...op.old, ...schemaOf(op.schema), name: op.name } }];
    case "alterDomain": {
      const { existing } = op;
      if (!existing) throw new NotReversibleError(op, 'the domain as it was before is unknown; give "existing"');
      const reversed: Operation = { kind: "alterDomain", ...schemaOf(op.schema), name: op.name };
      const after = { ...existing };
      if (op.default !== undefined) {
        reversed.default = existing.default ?? null;
        if (op.default === null) delete after.default;
        else after.default = op.default;
      }
      if (op.notNull !== undefined) {
        reversed.notNull = existing.notNull ?? false;
        if (op.notNull) after.notNull = true;
        else delete after.notNull;
      }
      reversed.existing = after;
      return [reversed];
    }
    case "addDomainConstraint":
      return [{ kind: "dropDomainConstraint", ...schemaOf(op.schema), name: op.name, constraint: op.constraint.name, old: op.constraint }];
    case "dropDomainConstraint":
      if (!op.old) throw new NotReversibleError(op, "the old constraint definition is unknown");
      return [{ kind: "addDomainConstraint", ...schemaOf(op.schema), name: op.name, constraint: { ...op.old, name: op.constraint } }];
    case "createCompositeType":
      return [{ kind: "dropCompositeType", ...schemaOf(op.type.schema), name: op.type.name, old: op.type }];
    case "dropCompositeType":
      if (!op.old) throw new NotReversibleError(op, "the old type definition is unknown");
      return [{ kind: "createCompositeType", type: { ...op.old, ...schemaOf(op.schema), name: op.name } }];
    case "addCompositeAttribute":
      return [{ kind: "dropCompositeAttribute", ...schemaOf(op.schema), name: op.name, attribute: op.attribute.name, old: op.attribute }];
    case "dropCompositeAttribute":
      if (!op.old) throw new NotReversibleError(op, "the old attribute definition is unknown");
      return [{ kind: "addCompositeAttribute", ...schemaOf(op.schema), name: op.name, attribute: { ...op.old, name: op.attribute } }];
    case "createExtension":
      return [{ kind: "dropExtension", name: op.extension.name, old: op.extension }];
    case "dropExtension":
      if (!op.old) throw new NotReversibleError(op, "the old extension definition is unknown");
      return [{ kind: "createExtension", extension: { ...op.old, name: op.name } }];
    case "setComment":
      return [{ kind: "setComment", target: op.target, ...schemaOf(op.schema), name: op.name, ...(op.table !== undefined ? { table: op.table } : {}), comment: op.existing ?? null, existing: op.comment }];
    case "createFunction":
    case "createProcedure": {
      const r = op.routine;
      const kind = op.kind === "createFunction" ? "dropFunction" : "dropProcedure";
      return [{ kind, ...schemaOf(r.schema), name: r.name, argumentTypes: inputArguments(r).map((a) => a.type), old: r }];
    }
    case "dropFunction":
    case "dropProcedure":
      if (!op.old) throw new NotReversibleError(op, "the old definition is unknown");
      return [{ kind: op.kind === "dropFunction" ? "createFunction" : "createProcedure", routine: { ...op.old, ...schemaOf(op.schema), name: op.name } }];
    case "replaceFunction":
    case "replaceProcedure":
      if (!op.old) throw new NotReversibleError(op, 'the definition it replaces is unknown; give "old"');
      return [{ kind: op.kind, routine: op.old, old: op.routine }];
    case "createTrigger":
      return [{ kind: "dropTrigger", ...schemaOf(op.trigger.schema), table: op.trigger.table, name: op.trigger.name, old: op.trigger }];
    case "dropTrigger":
      if (!op.old) throw new NotReversibleError(op, "the old trigger definition is unknown");
      return [{ kind: "createTrigger", trigger: { ...op.old, ...schemaOf(op.schema), table: op.table, name: op.name } }];
    case "setLogged":
    case "setTableStorage":
    case "setClusterOn":
    case "setStatistics":
    case "setIndexStatistics": {
      const reversed = reverseTableStorageOperation(op);
      if (typeof reversed === "string") throw new NotReversibleError(op, reversed);
      return [reversed];
    }
  }
}
