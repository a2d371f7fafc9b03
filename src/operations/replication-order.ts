/**
 * Logical replication does not carry DDL: a publisher and each of its
 * subscribers run every revision themselves, one after the other. The order
 * decides whether every row the publisher sends in between still applies on
 * the subscriber (docs/replication.md, "Logical replication"):
 *
 * - a change that makes a table accept more (a new table or nullable column,
 *   a wider type, a dropped NOT NULL or CHECK) goes to the subscribers first,
 *   so they accept what the publisher starts sending once it has it too;
 * - a change that makes a table accept less or drops a part of it (a dropped
 *   column or table, a narrower type, NOT NULL or a unique key added) goes to
 *   the publisher first, which then refuses or stops sending what the
 *   subscribers would no longer take;
 * - a change that touches no replicated row shape (an index, a view, a
 *   function, a comment, a grant) goes either way;
 * - a change no order keeps safe (a rename, a data change, raw SQL) needs a
 *   manual plan, and so does a revision mixing the first two kinds.
 *
 * Pure functions over the operations as data; one classifier per kind, kept
 * exhaustive by the type of CLASSIFIERS.
 */
import type { Operation, OperationKind } from "./types.js";
import { describeOperation } from "./reverse.js";

export type ReplicationOrder = "subscribersFirst" | "publisherFirst" | "any" | "manual";

export interface ReplicationEffect {
  order: ReplicationOrder;
  /** Why, in a few words (for "manual", what a user should do instead). */
  why: string;
}

const any = (why: string): ReplicationEffect => ({ order: "any", why });
const widens = (why: string): ReplicationEffect => ({ order: "subscribersFirst", why });
const narrows = (why: string): ReplicationEffect => ({ order: "publisherFirst", why });
const manual = (why: string): ReplicationEffect => ({ order: "manual", why });

type Classifiers = { [K in OperationKind]: (op: Extract<Operation, { kind: K }>) => ReplicationEffect };

/** A default that calls a function (now(), nextval(...), gen_random_uuid()) gives each side its own values. */
function volatileDefault(text: string | undefined): boolean {
  if (text === undefined) return false;
  const outsideStrings = text.replace(/'(?:[^']|'')*'/g, "''");
  return /[A-Za-z_][A-Za-z0-9_]*\s*\(/.test(outsideStrings.replace(/::\s*[A-Za-z_ ]+\([0-9, ]+\)/g, ""));
}

const INTEGER_RANK: Record<string, number> = { smallint: 1, int2: 1, integer: 2, int: 2, int4: 2, bigint: 3, int8: 3 };
const FLOAT_RANK: Record<string, number> = { real: 1, float4: 1, "double precision": 2, float8: 2 };

interface ParsedType {
  base: string;
  args: number[];
}

function parseType(text: string): ParsedType {
  const t = text.trim().toLowerCase().replace(/\s+/g, " ");
  const match = /^(.*?)\s*(?:\(([\d,\s]+)\))?$/.exec(t)!;
  let base = match[1]!;
  if (base === "varchar") base = "character varying";
  if (base === "decimal") base = "numeric";
  return { base, args: match[2] ? match[2].split(",").map((n) => Number(n.trim())) : [] };
}

/** How a column type change changes the values it takes (pure; "unknown" when kiln cannot tell). */
export function typeChange(from: string, to: string): "same" | "widens" | "narrows" | "unknown" {
  const a = parseType(from);
  const b = parseType(to);
  if (a.base === b.base && a.args.join(",") === b.args.join(",")) return "same";
  const textLike = (p: ParsedType) => p.base === "text" || (p.base === "character varying" && p.args.length === 0);
  if (textLike(a) && textLike(b)) return "same";
  if (a.base === "character varying" && (b.base === "character varying" || textLike(b))) {
    if (textLike(b)) return "widens";
    return b.args[0]! > a.args[0]! ? "widens" : "narrows";
  }
  if (textLike(a) && b.base === "character varying") return "narrows";
  if (a.base in INTEGER_RANK && b.base in INTEGER_RANK) return INTEGER_RANK[b.base]! > INTEGER_RANK[a.base]! ? "widens" : INTEGER_RANK[b.base] === INTEGER_RANK[a.base] ? "same" : "narrows";
  if (a.base in FLOAT_RANK && b.base in FLOAT_RANK) return FLOAT_RANK[b.base]! > FLOAT_RANK[a.base]! ? "widens" : FLOAT_RANK[b.base] === FLOAT_RANK[a.base] ? "same" : "narrows";
  if (a.base in INTEGER_RANK && b.base === "numeric") {
    if (b.args.length === 0) return "widens";
    const digits = { 1: 5, 2: 10, 3: 19 }[INTEGER_RANK[a.base]!]!;
    return b.args[0]! - (b.args[1] ?? 0) >= digits ? "widens" : "unknown";
  }
  if (a.base === "numeric" && b.base === "numeric") {
    if (b.args.length === 0) return "widens";
    if (a.args.length === 0) return "narrows";
    const [p1, s1 = 0] = a.args as [number, number?];
    const [p2, s2 = 0] = b.args as [number, number?];
    if (p2 - s2 >= p1 - s1 && s2 >= s1) return "widens";
    if (p2 - s2 <= p1 - s1 && s2 <= s1) return "narrows";
    return "unknown";
  }
  return "unknown";
}

function columnTypeEffect(op: Extract<Operation, { kind: "alterColumn" }>): ReplicationEffect | undefined {
  if (op.type === undefined) return undefined;
  const before = op.existing?.type;
  if (before === undefined) return manual(`the column's type before is unknown to kiln, so it cannot tell whether ${op.type} widens or narrows it (give the revision the existing column)`);
  switch (typeChange(before, op.type)) {
    case "same":
      return any("the type is spelled differently, not changed");
    case "widens":
      return widens(`${before} to ${op.type} takes every value it took`);
    case "narrows":
      return narrows(`${before} to ${op.type} takes fewer values`);
    default:
      return manual(`kiln cannot tell whether ${before} to ${op.type} widens or narrows the column: add a column of the new type, copy, and drop the old one in later revisions`);
  }
}

function combineEffects(effects: ReplicationEffect[]): ReplicationEffect {
  const strongest = effects.find((e) => e.order === "manual");
  if (strongest) return strongest;
  const widening = effects.filter((e) => e.order === "subscribersFirst");
  const narrowing = effects.filter((e) => e.order === "publisherFirst");
  if (widening.length > 0 && narrowing.length > 0) {
    return manual(`it both widens (${widening[0]!.why}) and narrows (${narrowing[0]!.why}): split it in two revisions`);
  }
  return widening[0] ?? narrowing[0] ?? effects[0] ?? any("nothing changes");
}

const CLASSIFIERS: Classifiers = {
  createTable: (op) => (op.table.unlogged ? any("an unlogged table cannot be published") : widens("a new table")),
  dropTable: () => narrows("the publisher stops sending its rows before the subscribers lose the table"),
  renameTable: () => manual("the subscription matches tables by name, so changes to the table stop applying in either order: create the new table, copy, and drop the old one in later revisions"),
  addColumn: (op) => {
    const c = op.column;
    if (c.identity || volatileDefault(c.default)) {
      return manual(`${c.name}'s values for existing rows would be made on each side on its own (${c.identity ? "identity" : `default ${c.default}`}), and differ: add it without, fill it on the publisher, then add the default`);
    }
    if (!c.nullable && c.default === undefined && c.generated === undefined) {
      return manual(`${c.name} is NOT NULL without a default, so rows the publisher sends before it has the column fail on a subscriber that has it: add it nullable or with a default, then set NOT NULL in a later revision`);
    }
    return widens(`a new ${c.nullable ? "nullable " : ""}column${c.default !== undefined ? " with a default" : ""}`);
  },
  dropColumn: () => narrows("the publisher stops sending the column before the subscribers lose it"),
  alterColumn: (op) => {
    if (op.newName !== undefined) return manual("the subscription matches columns by name, so changes stop applying in either order: add a column, copy, and drop the old one in later revisions");
    const effects: ReplicationEffect[] = [];
    const type = columnTypeEffect(op);
    if (type) effects.push(type);
    if (op.nullable === true) effects.push(widens("NOT NULL dropped"));
    if (op.nullable === false) effects.push(narrows("NOT NULL added"));
    return combineEffects(effects.length > 0 ? effects : [any("a default, comment, identity or collation, which rows from the publisher carry no trace of")]);
  },
  createIndex: (op) => (op.index.unique ? narrows("a unique index refuses duplicates: the publisher must refuse them first") : any("an index")),
  dropIndex: (op) => (op.old?.unique === false ? any("an index") : widens("a dropped index (unique ones refuse rows)")),
  createPrimaryKey: () => narrows("a primary key refuses duplicates and NULLs"),
  createUniqueConstraint: () => narrows("a unique constraint refuses duplicates"),
  createCheckConstraint: () => narrows("a check constraint refuses rows"),
  createExclusionConstraint: () => narrows("an exclusion constraint refuses rows"),
  createForeignKey: () => any("the subscription's apply worker does not check foreign keys (session_replication_role = replica)"),
  dropConstraint: (op) =>
    op.type === "primary"
      ? manual("the primary key is the replica identity that UPDATE and DELETE on a published table need: set REPLICA IDENTITY to another unique index first")
      : op.type === "foreignkey"
        ? any("the apply worker does not check foreign keys")
        : widens(`a dropped ${op.type} constraint`),
  validateConstraint: () => any("validating checks the rows there"),
  createEnum: () => widens("a new type"),
  dropEnum: () => narrows("a dropped type"),
  addEnumValue: () => widens("an enum value the subscribers must know before the publisher sends it"),
  setTableComment: () => any("a comment"),
  setTableOptions: () => any("table options"),
  createSchema: () => widens("a new schema"),
  dropSchema: () => narrows("a dropped schema"),
  execute: () => manual("kiln cannot tell what raw SQL changes, and data changes made on the publisher replicate (on the subscriber too, they would apply twice)"),
  bulkInsert: () => manual("rows inserted on the publisher replicate to the subscribers: inserting them there too would apply them twice"),
  batchAlterTable: (op) => combineEffects(op.operations.map(replicationEffect)),
  attachPartition: () => manual("which table a partition's rows are published as depends on publish_via_partition_root: attach it on each side by hand"),
  detachPartition: () => manual("which table a partition's rows are published as depends on publish_via_partition_root: detach it on each side by hand"),
  // PostgreSQL objects beyond tables.
  createSequence: () => any("sequences are not replicated"),
  dropSequence: () => any("sequences are not replicated"),
  alterSequence: () => any("sequences are not replicated"),
  createDomain: () => widens("a new domain"),
  dropDomain: () => narrows("a dropped domain"),
  alterDomain: (op) => (op.notNull === true ? narrows("NOT NULL added to a domain") : op.notNull === false ? widens("NOT NULL dropped from a domain") : any("a domain's default")),
  addDomainConstraint: () => narrows("a domain check refuses values"),
  dropDomainConstraint: () => widens("a dropped domain check"),
  createCompositeType: () => widens("a new type"),
  dropCompositeType: () => narrows("a dropped type"),
  addCompositeAttribute: () => widens("a new attribute"),
  dropCompositeAttribute: () => narrows("a dropped attribute"),
  createExtension: () => widens("an extension (its types and functions)"),
  dropExtension: () => narrows("a dropped extension"),
  createCollation: () => widens("a new collation"),
  dropCollation: () => narrows("a dropped collation"),
  setComment: () => any("a comment"),
  createView: () => any("views are not replicated"),
  replaceView: () => any("views are not replicated"),
  dropView: () => any("views are not replicated"),
  createMaterializedView: () => any("materialized views are not replicated"),
  dropMaterializedView: () => any("materialized views are not replicated"),
  refreshMaterializedView: () => any("materialized views are not replicated"),
  enableRowLevelSecurity: () => any("row-level security"),
  disableRowLevelSecurity: () => any("row-level security"),
  forceRowLevelSecurity: () => any("row-level security"),
  noForceRowLevelSecurity: () => any("row-level security"),
  createAggregate: () => any("an aggregate (not replicated)"),
  dropAggregate: () => any("an aggregate (not replicated)"),
  commentAggregate: () => any("a comment"),
  createPolicy: () => any("a policy"),
  dropPolicy: () => any("a policy"),
  alterPolicy: () => any("a policy"),
  createFunction: () => any("a function"),
  createProcedure: () => any("a procedure"),
  replaceFunction: () => any("a function"),
  replaceProcedure: () => any("a procedure"),
  dropFunction: () => any("a function"),
  dropProcedure: () => any("a procedure"),
  createOperator: () => any("an operator"),
  dropOperator: () => any("an operator"),
  alterOperator: () => any("an operator"),
  createTrigger: () => any("triggers do not fire for replicated rows (unless ENABLE REPLICA)"),
  dropTrigger: () => any("triggers do not fire for replicated rows (unless ENABLE REPLICA)"),
  grant: () => any("a privilege"),
  revoke: () => any("a privilege"),
  setLogged: (op) => (op.logged ? any("a table made logged") : manual("an unlogged table cannot be published: take it out of the publication first")),
  setTableStorage: () => any("storage parameters"),
  setClusterOn: () => any("the clustering index"),
  setStatistics: () => any("statistics targets"),
  setIndexStatistics: () => any("statistics targets"),
  setDistribution: () => any("where Citus keeps a table's rows, not their shape"),
};

/** The kinds classified (every OperationKind, by the type of CLASSIFIERS). */
export const CLASSIFIED_KINDS = Object.keys(CLASSIFIERS) as OperationKind[];

/** Where one operation must run first (pure). */
export function replicationEffect(op: Operation): ReplicationEffect {
  const classify = CLASSIFIERS[op.kind] as (op: Operation) => ReplicationEffect;
  return classify(op);
}

export interface ReplicationPlan {
  /** "any" when nothing in it depends on the order (kiln then runs the publisher first). */
  order: ReplicationOrder;
  /** For "manual": each operation that makes it so, described, with why. */
  blockers: string[];
  /** Tables the operations create (to publish). */
  newTables: { schema?: string; name: string }[];
}

/** The order for a revision's operations (pure): see the module comment. */
export function planReplicationOrder(operations: Operation[]): ReplicationPlan {
  const effects = operations.map((op) => ({ op, effect: replicationEffect(op) }));
  const newTables = operations.flatMap((op) =>
    op.kind === "createTable" && !op.table.unlogged ? [{ ...(op.table.schema !== undefined ? { schema: op.table.schema } : {}), name: op.table.name }] : [],
  );
  const manualOnes = effects.filter((e) => e.effect.order === "manual");
  if (manualOnes.length > 0) return { order: "manual", blockers: manualOnes.map((e) => `${describeOperation(e.op)}: ${e.effect.why}`), newTables };
  const widening = effects.filter((e) => e.effect.order === "subscribersFirst");
  const narrowing = effects.filter((e) => e.effect.order === "publisherFirst");
  if (widening.length > 0 && narrowing.length > 0) {
    return {
      order: "manual",
      blockers: [
        ...widening.map((e) => `${describeOperation(e.op)} (subscribers first: ${e.effect.why})`),
        ...narrowing.map((e) => `${describeOperation(e.op)} (publisher first: ${e.effect.why})`),
      ],
      newTables,
    };
  }
  return { order: widening.length > 0 ? "subscribersFirst" : narrowing.length > 0 ? "publisherFirst" : "any", blockers: [], newTables };
}
