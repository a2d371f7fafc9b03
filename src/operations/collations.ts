/** Collation operations (CREATE / DROP COLLATION, PostgreSQL), their reverse and what they create and need. */
import type { Collation } from "../catalog/collations.js";
import type { ObjectRef } from "../catalog/objects.js";
import { NotReversibleError } from "./reverse.js";
import type { OperationRefs } from "./refs.js";
import type { Operation } from "./types.js";

export interface CreateCollation {
  kind: "createCollation";
  collation: Collation;
}

export interface DropCollation {
  kind: "dropCollation";
  schema?: string;
  name: string;
  old?: Collation;
}

export type CollationOperation = CreateCollation | DropCollation;

export const COLLATION_OPERATION_KINDS = ["createCollation", "dropCollation"] as const;

const KINDS: ReadonlySet<string> = new Set(COLLATION_OPERATION_KINDS);

export function isCollationOperation(op: { kind: string }): op is CollationOperation {
  return KINDS.has(op.kind);
}

function inSchema(schema: string | undefined): { schema?: string } {
  return schema === undefined ? {} : { schema };
}

function label(schema: string | undefined, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

export function describeCollationOperation(op: CollationOperation): string {
  return op.kind === "createCollation" ? `createCollation ${label(op.collation.schema, op.collation.name)}` : `dropCollation ${label(op.schema, op.name)}`;
}

export function reverseCollationOperation(op: CollationOperation): Operation[] {
  if (op.kind === "createCollation") return [{ kind: "dropCollation", ...inSchema(op.collation.schema), name: op.collation.name, old: op.collation }];
  if (!op.old) throw new NotReversibleError(op, "the old collation definition is unknown");
  return [{ kind: "createCollation", collation: { ...op.old, ...inSchema(op.schema), name: op.name } }];
}

export function collationOperationRefs(op: CollationOperation, refs: OperationRefs): void {
  const schema = op.kind === "createCollation" ? op.collation.schema : op.schema;
  const self: ObjectRef = { kind: "collation", ...inSchema(schema), name: op.kind === "createCollation" ? op.collation.name : op.name };
  if (op.kind === "createCollation") {
    refs.creates.push(self);
    if (schema !== undefined) refs.needs.push({ kind: "schema", name: schema });
  } else refs.drops.push(self);
}
