/**
 * Index and constraint options that not every database can express. A dialect
 * lists the ones it compiles (`Dialect.indexConstraintFeatures`); its compile
 * refuses an operation that uses any other, naming it, rather than dropping it
 * in silence.
 */
import { elementOptions } from "../catalog/index-elements.js";
import type { CheckConstraint, ForeignKey, Index, IndexElement, PrimaryKey, Table, UniqueConstraint } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import type { Operation } from "../operations/types.js";

export type IndexConstraintFeature =
  | "collation"
  | "opclass"
  | "descending"
  | "nullsOrder"
  | "include"
  | "nullsNotDistinct"
  | "storageParameters"
  | "tablespace"
  | "indexComment"
  | "deferrable"
  | "matchFull"
  | "notValid"
  | "exclusion"
  | "constraintComment"
  | "tableStorage";

const LABELS: Record<IndexConstraintFeature, string> = {
  collation: "a COLLATE on an index element",
  opclass: "an operator class on an index element",
  descending: "DESC on an index element",
  nullsOrder: "NULLS FIRST/LAST on an index element",
  include: "INCLUDE columns",
  nullsNotDistinct: "NULLS NOT DISTINCT",
  storageParameters: "storage parameters (WITH ...)",
  tablespace: "a tablespace",
  indexComment: "a comment on an index",
  deferrable: "DEFERRABLE",
  matchFull: "MATCH FULL",
  notValid: "NOT VALID",
  exclusion: "an exclusion constraint",
  constraintComment: "a comment on a constraint",
  tableStorage: "PostgreSQL table storage (UNLOGGED, WITH (...), CLUSTER ON, SET STATISTICS)",
};

interface Use {
  feature: IndexConstraintFeature;
  what: string;
}

function elementUses(elements: readonly IndexElement[], what: string, uses: Use[]): void {
  for (const element of elements) {
    const o = elementOptions(element);
    if (o.collation !== undefined) uses.push({ feature: "collation", what });
    if (o.opclass !== undefined || o.opclassParams !== undefined) uses.push({ feature: "opclass", what });
    if (o.descending) uses.push({ feature: "descending", what });
    if (o.nulls !== undefined) uses.push({ feature: "nullsOrder", what });
  }
}

function indexUses(index: Index, what: string, uses: Use[]): void {
  elementUses(index.columns, what, uses);
  if (index.include && index.include.length > 0) uses.push({ feature: "include", what });
  if (index.nullsNotDistinct) uses.push({ feature: "nullsNotDistinct", what });
  if (index.with && Object.keys(index.with).length > 0) uses.push({ feature: "storageParameters", what });
  if (index.tablespace !== undefined) uses.push({ feature: "tablespace", what });
  if (index.comment !== undefined) uses.push({ feature: "indexComment", what });
  if (index.statistics !== undefined) uses.push({ feature: "tableStorage", what });
}

type AnyConstraint = Partial<PrimaryKey & UniqueConstraint & ForeignKey & CheckConstraint>;

function constraintUses(c: AnyConstraint, what: string, uses: Use[]): void {
  // The index behind a primary key or unique constraint: the same options as on an index.
  if (c.include && c.include.length > 0) uses.push({ feature: "include", what });
  if (c.with && Object.keys(c.with).length > 0) uses.push({ feature: "storageParameters", what });
  if (c.tablespace !== undefined) uses.push({ feature: "tablespace", what });
  if (c.deferrable !== undefined) uses.push({ feature: "deferrable", what });
  if (c.nullsNotDistinct) uses.push({ feature: "nullsNotDistinct", what });
  if (c.match !== undefined) uses.push({ feature: "matchFull", what });
  if (c.notValid) uses.push({ feature: "notValid", what });
  if (c.comment !== undefined) uses.push({ feature: "constraintComment", what });
}

function tableUses(table: Table, uses: Use[]): void {
  const at = table.schema ? `${table.schema}.${table.name}` : table.name;
  if (table.primaryKey) constraintUses(table.primaryKey, `the primary key of ${at}`, uses);
  for (const c of [...table.uniques, ...table.foreignKeys, ...table.checks]) constraintUses(c, `constraint ${c.name ?? "(unnamed)"} on ${at}`, uses);
  for (const ex of table.exclusions ?? []) uses.push({ feature: "exclusion", what: `constraint ${ex.name ?? "(unnamed)"} on ${at}` });
  for (const index of table.indexes) indexUses(index, `index ${index.name ?? "(unnamed)"} on ${at}`, uses);
  if (table.unlogged || table.with !== undefined || table.clusterOn !== undefined) uses.push({ feature: "tableStorage", what: `table ${at}` });
  for (const column of table.columns) if (column.statistics !== undefined) uses.push({ feature: "tableStorage", what: `column ${at}.${column.name}` });
}

/** Which options `op` uses, with what uses them. */
export function featuresUsed(op: Operation): Use[] {
  const uses: Use[] = [];
  const ref = op as { schema?: string; table?: unknown };
  const at = typeof ref.table === "string" ? (ref.schema ? `${ref.schema}.${ref.table}` : ref.table) : "";
  switch (op.kind) {
    case "createTable":
      tableUses(op.table, uses);
      break;
    case "createIndex":
      indexUses(op.index, `index ${op.index.name} on ${at}`, uses);
      if (op.clusterOn) uses.push({ feature: "tableStorage", what: `index ${op.index.name} on ${at}` });
      break;
    case "addColumn":
      if (op.column.statistics !== undefined) uses.push({ feature: "tableStorage", what: `column ${at}.${op.column.name}` });
      break;
    case "createPrimaryKey":
    case "createUniqueConstraint":
    case "createForeignKey":
    case "createCheckConstraint":
      constraintUses(op.constraint, `constraint ${op.constraint.name} on ${at}`, uses);
      break;
    case "createExclusionConstraint":
      uses.push({ feature: "exclusion", what: `constraint ${op.constraint.name} on ${at}` });
      break;
    case "batchAlterTable":
      for (const inner of op.operations) uses.push(...featuresUsed(inner));
      break;
    default:
      break;
  }
  return uses;
}

/** Throws when `op` uses an option outside `supported`, naming each one and what uses it. */
export function refuseUnsupportedFeatures(op: Operation, supported: readonly IndexConstraintFeature[], database: string): void {
  const missing = featuresUsed(op).filter((use) => !supported.includes(use.feature));
  if (missing.length === 0) return;
  const list = missing.map((use) => `${LABELS[use.feature]} (${use.what})`).join("; ");
  throw new KilnError(`${database} cannot express ${list}. Remove ${missing.length === 1 ? "it" : "them"} from the model or the revision for this database.`);
}
