/** Object operations (operations/objects.ts) -> `await op.x(...)` calls of a revision file (pure). */
import { inputArguments, type Routine } from "../catalog/routines.js";
import { isGrantOperation } from "../operations/grants.js";
import { renderGrantCall, summarizeGrantOperation } from "./render-grants.js";
import type { Sequence } from "../catalog/sequences.js";
import type { Trigger } from "../catalog/triggers.js";
import type { ObjectOperation } from "../operations/objects.js";
import { defined, formatCall, withOptions } from "./format.js";
import { isViewOperation } from "../operations/views.js";
import { renderViewCall, summarizeViewOperation } from "./render-views.js";
import { isPolicyOperation } from "../operations/policies.js";
import { renderPolicyCall, summarizePolicyOperation } from "./render-policies.js";
import { isOperatorOperation } from "../operations/operators.js";
import { renderOperatorCall, summarizeOperatorOperation } from "./render-operators.js";
import { summarizeTableStorageOperation } from "../operations/table-storage.js";
import { isDistributionOperation, summarizeDistributionOperation } from "../operations/distribution.js";
import { renderDistributionCall } from "./render-distribution.js";
import { isCollationOperation } from "../operations/collations.js";
import { renderCollationCall, summarizeCollationOperation } from "./render-collations.js";
import { isAggregateOperation, operationAggregate } from "../operations/aggregates.js";
import { aggregateSignatureSpec, aggregateSpec } from "../operations/facade-aggregates.js";
import { aggregateLabel } from "../catalog/aggregates.js";


function sequenceOptions(sequence: Sequence): Record<string, unknown> {
  return {
    schema: sequence.schema,
    type: sequence.type,
    start: sequence.start,
    increment: sequence.increment,
    min: sequence.min,
    max: sequence.max,
    cache: sequence.cache,
    cycle: sequence.cycle,
    ownedBy: sequence.ownedBy,
    comment: sequence.comment,
    value: sequence.value,
    unlogged: sequence.unlogged,
  };
}

/** op.createAggregate / op.dropAggregate / op.commentAggregate (operations/facade-aggregates.ts). */
function renderAggregateCall(op: Parameters<typeof operationAggregate>[0]): string[] {
  switch (op.kind) {
    case "createAggregate":
      return [formatCall("createAggregate", withOptions([op.aggregate.name], aggregateSpec(op.aggregate)))];
    case "dropAggregate":
      return [formatCall("dropAggregate", withOptions([op.name], aggregateSignatureSpec(op)))];
    case "commentAggregate":
      return [formatCall("commentAggregate", withOptions([op.name, op.comment], { ...aggregateSignatureSpec(op), existing: op.existing }))];
  }
}

/** A routine as the options of op.createFunction / op.createProcedure (operations/facade-routines.ts). */
export function routineOptions(routine: Routine): Record<string, unknown> {
  return {
    schema: routine.schema,
    args: routine.arguments.length > 0 ? routine.arguments.map((a) => defined({ name: a.name, type: a.type, mode: a.mode, default: a.default })) : undefined,
    returns: routine.returns,
    language: routine.language,
    volatility: routine.volatility,
    strict: routine.strict,
    securityDefiner: routine.securityDefiner,
    leakproof: routine.leakproof,
    parallel: routine.parallel,
    cost: routine.cost,
    rows: routine.rows,
    set: routine.config && routine.config.length > 0 ? Object.fromEntries(routine.config) : undefined,
    comment: routine.comment,
    deterministic: routine.deterministic,
    dataAccess: routine.dataAccess,
    securityInvoker: routine.securityInvoker,
    parameterText: routine.parameterText,
    body: routine.body,
  };
}

/** A trigger as the options of op.createTrigger (operations/facade-routines.ts). */
export function triggerOptions(trigger: Trigger): Record<string, unknown> {
  return {
    schema: trigger.schema,
    timing: trigger.timing,
    events: trigger.events.map((e) => (e.columns && e.columns.length > 0 ? { update: e.columns } : e.event)),
    forEach: trigger.forEach,
    when: trigger.when,
    function: trigger.function === undefined ? undefined : trigger.function.schema === undefined ? trigger.function.name : { schema: trigger.function.schema, name: trigger.function.name },
    args: trigger.args && trigger.args.length > 0 ? trigger.args : undefined,
    body: trigger.body,
    constraint: trigger.constraint ? { ...defined({ deferrable: trigger.constraint.deferrable, from: trigger.constraint.from }) } : undefined,
    referencing: trigger.referencing,
    enabled: trigger.enabled,
    comment: trigger.comment,
    follows: trigger.follows,
    sql: trigger.sql,
  };
}

export function renderObjectCall(op: ObjectOperation): string[] {
  if (isViewOperation(op)) return renderViewCall(op);
  if (isPolicyOperation(op)) return renderPolicyCall(op);
  if (isOperatorOperation(op)) return renderOperatorCall(op);
  if (isDistributionOperation(op)) return renderDistributionCall(op);
  if (isGrantOperation(op)) return renderGrantCall(op);
  if (isCollationOperation(op)) return renderCollationCall(op);
  if (isAggregateOperation(op)) return renderAggregateCall(op);
  switch (op.kind) {
    case "createSequence":
      return [formatCall("createSequence", withOptions([op.sequence.name], sequenceOptions(op.sequence)))];
    case "dropSequence":
      return [formatCall("dropSequence", withOptions([op.name], { schema: op.schema }))];
    case "alterSequence":
      return [formatCall("alterSequence", [op.name, { ...defined({ schema: op.schema }), ...op.changes }])];
    case "createDomain": {
      const d = op.domain;
      const checks = d.checks.length > 0 ? d.checks.map((c) => ({ name: c.name, expression: c.expression })) : undefined;
      return [
        formatCall(
          "createDomain",
          withOptions([d.name, d.type], { schema: d.schema, collation: d.collation, default: d.default, notNull: d.notNull, checks, comment: d.comment }),
        ),
      ];
    }
    case "dropDomain":
      return [formatCall("dropDomain", withOptions([op.name], { schema: op.schema }))];
    case "alterDomain":
      return [formatCall("alterDomain", [op.name, defined({ schema: op.schema, default: op.default, notNull: op.notNull }) ?? {}])];
    case "addDomainConstraint":
      return [formatCall("addDomainConstraint", withOptions([op.name, op.constraint.name, op.constraint.expression], { schema: op.schema, notValid: op.notValid }))];
    case "dropDomainConstraint":
      return [formatCall("dropDomainConstraint", withOptions([op.name, op.constraint], { schema: op.schema }))];
    case "createCompositeType": {
      const t = op.type;
      const attributes = t.attributes.map((a) => defined({ name: a.name, type: a.type, collation: a.collation }));
      return [formatCall("createCompositeType", withOptions([t.name, attributes], { schema: t.schema, comment: t.comment }))];
    }
    case "dropCompositeType":
      return [formatCall("dropCompositeType", withOptions([op.name], { schema: op.schema }))];
    case "addCompositeAttribute":
      return [formatCall("addCompositeAttribute", withOptions([op.name, op.attribute.name, op.attribute.type], { schema: op.schema, collation: op.attribute.collation }))];
    case "dropCompositeAttribute":
      return [formatCall("dropCompositeAttribute", withOptions([op.name, op.attribute], { schema: op.schema }))];
    case "createExtension":
      return [formatCall("createExtension", withOptions([op.extension.name], { schema: op.extension.schema }))];
    case "dropExtension":
      return [formatCall("dropExtension", [op.name])];
    case "setComment":
      return [formatCall("setComment", withOptions([op.target, op.name, op.comment], { schema: op.schema, table: op.table }))];
    case "createFunction":
    case "createProcedure":
      return [formatCall(op.kind, withOptions([op.routine.name], routineOptions(op.routine)))];
    case "replaceFunction":
    case "replaceProcedure":
      return [formatCall(op.kind, withOptions([op.routine.name], { ...routineOptions(op.routine), old: op.old ? defined(routineOptions(op.old)) : undefined }))];
    case "dropFunction":
    case "dropProcedure":
      return [formatCall(op.kind, withOptions([op.name], { schema: op.schema, args: op.argumentTypes }))];
    case "createTrigger":
      return [formatCall("createTrigger", withOptions([op.trigger.name, op.trigger.table], triggerOptions(op.trigger)))];
    case "dropTrigger":
      return [formatCall("dropTrigger", withOptions([op.name, op.table], { schema: op.schema }))];
    case "setLogged":
      return [formatCall("setLogged", withOptions([op.table, op.logged], { schema: op.schema }))];
    case "setTableStorage":
      return [formatCall("setTableStorage", withOptions([op.table, op.with], { schema: op.schema, existing: op.existing }))];
    case "setClusterOn":
      return [formatCall("setClusterOn", withOptions([op.table, op.index], { schema: op.schema, existing: op.existing }))];
    case "setStatistics":
      return [formatCall("setStatistics", withOptions([op.table, op.column, op.statistics], { schema: op.schema, existing: op.existing }))];
    case "setIndexStatistics":
      return [formatCall("setIndexStatistics", [op.index, op.column, op.statistics, defined({ schema: op.schema, table: op.table, existing: op.existing })])];
  }
}

function at(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

/** One short line per object operation (`kiln check`, autogenerate output). */
export function summarizeObjectOperation(op: ObjectOperation): string {
  if (isViewOperation(op)) return summarizeViewOperation(op);
  if (isPolicyOperation(op)) return summarizePolicyOperation(op);
  if (isOperatorOperation(op)) return summarizeOperatorOperation(op);
  if (isDistributionOperation(op)) return summarizeDistributionOperation(op);
  if (isGrantOperation(op)) return summarizeGrantOperation(op);
  if (isCollationOperation(op)) return summarizeCollationOperation(op);
  if (isAggregateOperation(op)) {
    const label = aggregateLabel(operationAggregate(op));
    if (op.kind === "createAggregate") return `+ aggregate ${label}`;
    if (op.kind === "dropAggregate") return `- aggregate ${label}`;
    return `~ aggregate ${label}: ${op.comment === null ? "comment removed" : `comment ${JSON.stringify(op.comment)}`}`;
  }
  switch (op.kind) {
    case "createSequence":
      return `+ sequence ${at(op.sequence.schema, op.sequence.name)}`;
    case "dropSequence":
      return `- sequence ${at(op.schema, op.name)}`;
    case "alterSequence": {
      const changes = Object.entries(op.changes).map(([key, value]) =>
        key === "ownedBy" ? (value === null ? "owned by none" : `owned by ${(value as { table: string }).table}.${(value as { column: string }).column}`) : `${key} ${value === null ? "default" : String(value)}`,
      );
      return `~ sequence ${at(op.schema, op.name)}: ${changes.join(", ") || "no change"}`;
    }
    case "createDomain":
      return `+ domain ${at(op.domain.schema, op.domain.name)} (${op.domain.type})`;
    case "dropDomain":
      return `- domain ${at(op.schema, op.name)}`;
    case "alterDomain": {
      const changes = [
        op.default === undefined ? "" : op.default === null ? "default removed" : `default ${op.default}`,
        op.notNull === undefined ? "" : op.notNull ? "not null" : "nullable",
      ].filter(Boolean);
      return `~ domain ${at(op.schema, op.name)}: ${changes.join(", ")}`;
    }
    case "addDomainConstraint":
      return `+ check ${op.constraint.name} on domain ${at(op.schema, op.name)}`;
    case "dropDomainConstraint":
      return `- check ${op.constraint} on domain ${at(op.schema, op.name)}`;
    case "createCompositeType":
      return `+ type ${at(op.type.schema, op.type.name)} (${op.type.attributes.map((a) => `${a.name} ${a.type}`).join(", ")})`;
    case "dropCompositeType":
      return `- type ${at(op.schema, op.name)}`;
    case "addCompositeAttribute":
      return `+ attribute ${at(op.schema, op.name)}.${op.attribute.name} ${op.attribute.type}`;
    case "dropCompositeAttribute":
      return `- attribute ${at(op.schema, op.name)}.${op.attribute}`;
    case "createExtension":
      return `+ extension ${op.extension.name}${op.extension.schema ? ` in ${op.extension.schema}` : ""}`;
    case "dropExtension":
      return `- extension ${op.name}`;
    case "setComment":
      return `~ ${op.target} ${at(op.schema, op.name)}: ${op.comment === null ? "comment removed" : `comment ${JSON.stringify(op.comment)}`}`;
    case "createFunction":
    case "createProcedure":
      return `+ ${op.routine.kind} ${at(op.routine.schema, op.routine.name)}(${inputArguments(op.routine).map((a) => a.type).join(", ")})`;
    case "replaceFunction":
    case "replaceProcedure": {
      const what = `${op.routine.kind} ${at(op.routine.schema, op.routine.name)}(${inputArguments(op.routine).map((a) => a.type).join(", ")})`;
      const changes = op.old ? routineChanges(op.old, op.routine) : ["replaced"];
      return `~ ${what}: ${changes.join(", ")}`;
    }
    case "dropFunction":
    case "dropProcedure":
      return `- ${op.kind === "dropProcedure" ? "procedure" : "function"} ${at(op.schema, op.name)}(${op.argumentTypes.join(", ")})`;
    case "createTrigger":
      return `+ trigger ${op.trigger.name} on ${at(op.trigger.schema, op.trigger.table)}`;
    case "dropTrigger":
      return `- trigger ${op.name} on ${at(op.schema, op.table)}`;
    case "setLogged":
    case "setTableStorage":
    case "setClusterOn":
    case "setStatistics":
    case "setIndexStatistics":
      return summarizeTableStorageOperation(op);
  }
}

/** The properties that differ between two definitions of a routine (`body`, `volatility`, `comment`). */
function routineChanges(old: Routine, routine: Routine): string[] {
  const a = routineOptions(old);
  const b = routineOptions(routine);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}
