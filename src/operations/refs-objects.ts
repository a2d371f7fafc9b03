/** What each object operation creates, drops and needs (operations/refs.ts, for the dependency order). */
import { grantOperationRefs, isGrantOperation } from "./grants.js";
import { type ObjectRef, typeRef } from "../catalog/objects.js";
import { splitTopLevel } from "../catalog/routines.js";
import { type Routine, routineSignature } from "../catalog/routines.js";
import { collationOperationRefs, isCollationOperation } from "./collations.js";
import type { ObjectOperation } from "./objects.js";
import { isPolicyOperation, policyOperationRefs } from "./policies.js";
import { isOperatorOperation, operatorOperationRefs } from "./operators.js";
import { aggregateOperationRefs, isAggregateOperation } from "./aggregates.js";
import { distributionOperationRefs, isDistributionOperation } from "./distribution.js";
import type { OperationRefs } from "./refs.js";
import { isViewOperation, viewOperationRefs } from "./views.js";

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function schemaNeeds(schema: string | undefined): ObjectRef[] {
  return schema === undefined ? [] : [{ kind: "schema", name: schema }];
}

function routineRef(routine: Routine): ObjectRef {
  return { kind: routine.kind, ...inSchema(routine.schema), name: routineSignature(routine) };
}

/**
 * The types a routine's signature and result use. A row type is its table's
 * (`RETURNS SETOF film`): both are named, a reference that matches nothing is
 * harmless. Built-in types match no object kiln creates or drops.
 */
function routineNeeds(routine: Routine): ObjectRef[] {
  const types = routine.arguments.map((a) => a.type);
  const result = routine.returns?.replace(/^SETOF\s+/i, "");
  if (result !== undefined) {
    const table = /^TABLE\((.*)\)$/is.exec(result);
    if (table) types.push(...splitTopLevel(table[1]!).map((column) => column.trim().replace(/^("(?:[^"]|"")*"|\S+)\s+/, "")));
    else types.push(result);
  }
  return types.flatMap((type) => {
    const ref = typeRef(type);
    return [ref, { ...ref, kind: "table" }];
  });
}


export function objectOperationRefs(op: ObjectOperation, refs: OperationRefs): void {
  if (isViewOperation(op)) return viewOperationRefs(op, refs);
  if (isPolicyOperation(op)) return policyOperationRefs(op, refs);
  if (isCollationOperation(op)) return collationOperationRefs(op, refs);
  if (isOperatorOperation(op)) return operatorOperationRefs(op, refs);
  if (isDistributionOperation(op)) return distributionOperationRefs(op, refs);
  if (isGrantOperation(op)) return grantOperationRefs(op, refs);
  if (isAggregateOperation(op)) return aggregateOperationRefs(op, refs);
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
      if (op.target === "schema") refs.needs.push({ kind: "schema", name: op.name });
      else if (op.target === "collation") refs.needs.push({ kind: "collation", ...inSchema(op.schema), name: op.name });
      else if (op.target === "index") refs.needs.push({ kind: "index", ...inSchema(op.schema), name: op.name });
      else if (op.target === "constraint") refs.needs.push({ kind: "table", ...inSchema(op.schema), name: op.table ?? "" });
      else refs.needs.push(
        op.target === "sequence" || op.target === "view" || op.target === "materialized view"
          ? { kind: op.target, ...inSchema(op.schema), name: op.name }
          : { kind: "type", ...inSchema(op.schema), name: op.name },
      );
      break;
    case "setLogged":
    case "setTableStorage":
    case "setStatistics": {
      const table: ObjectRef = { kind: "table", ...inSchema(op.schema), name: op.table };
      refs.needs.push(table);
      refs.alters.push(table);
      break;
    }
    case "setClusterOn": {
      const table: ObjectRef = { kind: "table", ...inSchema(op.schema), name: op.table };
      refs.needs.push(table);
      // The index clustered on must exist first (a CREATE INDEX before it, a DROP INDEX after un-clustering).
      for (const index of [op.index, op.existing]) if (typeof index === "string") refs.needs.push({ kind: "index", ...inSchema(op.schema), name: index });
      break;
    }
    case "setIndexStatistics":
      refs.needs.push({ kind: "table", ...inSchema(op.schema), name: op.table }, { kind: "index", ...inSchema(op.schema), name: op.index });
      break;
    case "createFunction":
    case "createProcedure":
      refs.creates.push(routineRef(op.routine));
      refs.needs.push(...schemaNeeds(op.routine.schema), ...routineNeeds(op.routine));
      break;
    case "replaceFunction":
    case "replaceProcedure": {
      const self = routineRef(op.routine);
      refs.needs.push(self, ...routineNeeds(op.routine), ...(op.old ? routineNeeds(op.old) : []));
      refs.alters.push(self);
      break;
    }
    case "dropFunction":
    case "dropProcedure":
      refs.drops.push({ kind: op.kind === "dropFunction" ? "function" : "procedure", ...inSchema(op.schema), name: routineSignature({ name: op.name, arguments: op.argumentTypes.map((type) => ({ type })) }) });
      if (op.old) refs.needs.push(...routineNeeds(op.old));
      break;
    case "createTrigger":
    case "dropTrigger": {
      const t = op.kind === "createTrigger" ? op.trigger : op.old;
      const schema = op.kind === "createTrigger" ? op.trigger.schema : op.schema;
      const table = op.kind === "createTrigger" ? op.trigger.table : op.table;
      const self: ObjectRef = { kind: "trigger", ...inSchema(schema), name: op.kind === "createTrigger" ? op.trigger.name : op.name, table };
      (op.kind === "createTrigger" ? refs.creates : refs.drops).push(self);
      refs.needs.push({ kind: "table", ...inSchema(schema), name: table });
      if (t) {
        // A trigger function takes no declared arguments.
        if (t.function) refs.needs.push({ kind: "function", ...inSchema(t.function.schema), name: `${t.function.name}()` });
        if (t.constraint?.from) refs.needs.push({ kind: "table", ...inSchema(t.constraint.from.schema), name: t.constraint.from.table });
      }
      break;
    }
  }
}
