/** What each object operation creates, drops and needs (operations/refs.ts, for the dependency order). */
import { type ObjectRef, typeRef } from "../catalog/objects.js";
import type { ObjectOperation } from "./objects.js";
import { isPolicyOperation, policyOperationRefs } from "./policies.js";
import type { OperationRefs } from "./refs.js";
import { isViewOperation, viewOperationRefs } from "./views.js";

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function schemaNeeds(schema: string | undefined): ObjectRef[] {
  return schema === undefined ? [] : [{ kind: "schema", name: schema }];
}

export function objectOperationRefs(op: ObjectOperation, refs: OperationRefs): void {
  if (isViewOperation(op)) return viewOperationRefs(op, refs);
  if (isPolicyOperation(op)) return policyOperationRefs(op, refs);
  switch (op.kind) {
    case "createSequence": {
      const s = op.sequence;
      refs.creates.push({ kind: "sequence", ...inSchema(s.schema), name: s.name });
      refs.needs.push(...schemaNeeds(s.schema));
      if (s.ownedBy) refs.needs.push({ kind: "table", ...inSchema(s.schema), name: s.ownedBy.table });
      break;
    }
    case "dropSequence":
      refs.drops.push({ kind: "sequence", ...inSchema(op.schema), name: op.name });
      break;
    case "alterSequence": {
      const self: ObjectRef = { kind: "sequence", ...inSchema(op.schema), name: op.name };
      refs.needs.push(self);
      refs.alters.push(self);
      if (op.changes.ownedBy) refs.needs.push({ kind: "table", ...inSchema(op.schema), name: op.changes.ownedBy.table });
      if (op.existing?.ownedBy) refs.needs.push({ kind: "table", ...inSchema(op.schema), name: op.existing.ownedBy.table });
      break;
    }
    case "createDomain":
      refs.creates.push({ kind: "type", ...inSchema(op.domain.schema), name: op.domain.name });
      refs.needs.push(...schemaNeeds(op.domain.schema), typeRef(op.domain.type));
      break;
    case "dropDomain":
      refs.drops.push({ kind: "type", ...inSchema(op.schema), name: op.name });
      if (op.old) refs.needs.push(typeRef(op.old.type));
      break;
    case "alterDomain":
    case "addDomainConstraint":
    case "dropDomainConstraint":
    case "addCompositeAttribute":
    case "dropCompositeAttribute": {
      const self: ObjectRef = { kind: "type", ...inSchema(op.schema), name: op.name };
      refs.needs.push(self);
      refs.alters.push(self);
      if (op.kind === "addCompositeAttribute") refs.needs.push(typeRef(op.attribute.type));
      break;
    }
    case "createCompositeType":
      refs.creates.push({ kind: "type", ...inSchema(op.type.schema), name: op.type.name });
      refs.needs.push(...schemaNeeds(op.type.schema), ...op.type.attributes.map((a) => typeRef(a.type)));
      break;
    case "dropCompositeType":
      refs.drops.push({ kind: "type", ...inSchema(op.schema), name: op.name });
      if (op.old) refs.needs.push(...op.old.attributes.map((a) => typeRef(a.type)));
      break;
    case "createExtension":
      refs.creates.push({ kind: "extension", ...inSchema(op.extension.schema), name: op.extension.name });
      refs.needs.push(...schemaNeeds(op.extension.schema));
      break;
    case "dropExtension":
      refs.drops.push({ kind: "extension", ...inSchema(op.old?.schema), name: op.name });
      break;
    case "setComment":
      refs.needs.push(
        op.target === "sequence" || op.target === "view" || op.target === "materialized view"
          ? { kind: op.target, ...inSchema(op.schema), name: op.name }
          : { kind: "type", ...inSchema(op.schema), name: op.name },
      );
      break;
  }
}
