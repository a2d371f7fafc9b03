/**
 * compareCatalogs(model, database): the operations that turn the database's
 * schema into the models' schema, in an order that runs forwards and (reversed)
 * backwards. Pure: both Catalogs are already canonicalized by the dialect, so
 * pieces are compared exactly.
 */
import { compareSchemaComments } from "./compare/schema-comments.js";
import { compareExclusions } from "./compare/exclusions.js";
import { describeIndexElement, elementColumn, elementExpression } from "../catalog/index-elements.js";
import type {
  Catalog,
  CheckConstraint,
  Column,
  EnumType,
  ForeignKey,
  Index,
  IndexElement,
  Table,
  UniqueConstraint,
} from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import { sameText } from "../catalog/exact-text.js";
import { UsageError } from "../errors.js";
import { REBUILT_TABLE_OPTIONS, type AlterColumn, type Operation, type TableOptionChanges } from "../operations/types.js";
import {
  sameCheck,
  sameColumnsAsSet,
  sameForeignKey,
  sameGenerated,
  sameIdentity,
  sameIndex,
  samePrimaryKeyColumns,
  sameConstraintOptions,
  sameKeyIndexOptions,
  sameUnique,
} from "./equality.js";
import { compareObjects } from "./compare/objects.js";
import { compareCollations } from "./compare/collations.js";
import { comparePolicies } from "./compare/policies.js";
import { compareRoutines } from "./compare/routines.js";
import { compareAggregates } from "./compare/aggregates.js";
import { compareTriggers } from "./compare/triggers.js";
import { compareOperators } from "./compare/operators.js";
import { rebuildViewsOverChangedColumns, viewsAroundColumnChanges } from "./compare/views.js";
import { compareGrants } from "./compare/grants.js";
import { compareTableStorage, indexStatisticsChanges } from "./compare/table-storage.js";
import { compareDistribution } from "./compare/distribution.js";
import { splitClusterOn } from "../operations/table-storage.js";
import { identityOptionChanges } from "../catalog/sequences.js";
import { definerWarnings } from "./definers.js";
import { orderOperations } from "./dependency-order.js";
import { enumValueRemoval } from "./enum-reversal.js";
import { columnsComparedOnParent, comparePartitioning, constraintsAfterDetach, partitionColumnWarnings } from "./compare/partitions.js";
import { detachFromOf } from "../operations/partitions.js";
import { defaultName, type NamedKind } from "./names.js";
import { byName, creationOrder, OperationPlan, type Phase, referencedTableKey, tableKey } from "./order.js";
import {
  columnRenameCandidates,
  expressionsMentioning,
  mentionsIdentifier,
  renameColumnInCatalog,
  renameTableInCatalog,
  tableRenameCandidates,
} from "./renames.js";
import { operationRisks } from "./risks.js";
import { tableOptionWarnings, unmodelledWarnings } from "./unmodelled.js";
import type { CompareOptions, Diff, DiffWarning, RenameCandidate, RenameDecision } from "./types.js";

type Named<T> = T & { name: string };

/** Shared state of one comparison. */
class DiffBuilder {
  readonly plan = new OperationPlan();
  readonly warnings: DiffWarning[] = [];
  readonly candidates: RenameCandidate[] = [];
  readonly reversals = new Map<Operation, Operation[]>();
  /** Every constraint and index name in sight: generated names must not collide (PostgreSQL index names are schema-wide). */
  readonly takenNames = new Set<string>();

  constructor(
    readonly dropUnnamed: boolean,
    readonly commentsInPlace = false,
    /** CompareOptions.foreignKeysNeedIndex. */
    readonly foreignKeysNeedIndex = false,
    /** CompareOptions.rebuildsTableOptions. */
    readonly rebuildsTableOptions = false,
    /** CompareOptions.indexesInCreationOrder. */
    readonly indexesInCreationOrder = false,
    /** CompareOptions.generationInPlace. */
    readonly generationInPlace = false,
  ) {}

  /** `same`, or `same` but for the comment when comments change in place (then a kept pair may differ in its comment). */
  matching<T extends { comment?: string }>(same: (a: T, b: T) => boolean): (a: T, b: T) => boolean {
    if (!this.commentsInPlace) return same;
    return (a, b) => same(withoutComment(a), withoutComment(b));
  }

  warn(kind: DiffWarning["kind"], message: string): void {
    this.warnings.push({ kind, message });
  }

  nameFor(table: Table, kind: NamedKind, columns: Index["columns"]): string {
    const name = defaultName(table.name, kind, columns, this.takenNames);
    this.takenNames.add(name);
    return name;
  }
}

function withoutComment<T extends { comment?: string }>(item: T): T {
  if (item.comment === undefined) return item;
  const { comment: _comment, ...rest } = item;
  return rest as T;
}

/** COMMENT ON INDEX / CONSTRAINT for a kept pair whose comments differ; none when they agree. */
function commentChange(
  table: Table,
  target: "index" | "constraint",
  name: string | undefined,
  model: { comment?: string },
  database: { comment?: string },
): Operation[] {
  if (name === undefined || (model.comment ?? null) === (database.comment ?? null)) return [];
  return [withSchema(table.schema, { kind: "setComment" as const, target, table: table.name, name, comment: model.comment ?? null, existing: database.comment ?? null })];
}

function label(schema: string | undefined, name: string): string {
  return qualifiedName({ schema, name });
}

function withSchema<T extends object>(schema: string | undefined, value: T): T & { schema?: string } {
  return schema === undefined ? value : { ...value, schema };
}

function hasName<T extends { name?: string }>(item: T): item is Named<T> {
  return item.name !== undefined;
}

// ---- matching named things ----

interface Match<T> {
  /** Pairs that are equal (by name, or an unnamed model item by definition). */
  kept: { model: T; database: T }[];
  /** Database items to drop: gone from the models, or changed under the same name. */
  drop: Named<T>[];
  /** Model items to create: new, or changed under the same name. */
  create: T[];
  /** Database items without a name that match nothing: kiln cannot drop them. */
  unnamed: T[];
}

/**
 * Pairs model and database items: by name first; an unnamed model item matches
 * any remaining database item with the same definition (the database named it).
 */
function matchItems<T extends { name?: string }>(model: readonly T[], database: readonly T[], same: (a: T, b: T) => boolean): Match<T> {
  const result: Match<T> = { kept: [], drop: [], create: [], unnamed: [] };
  // Most tables have no unique constraints, foreign keys or checks on either side: nothing to pair.
  if (model.length === 0 && database.length === 0) return result;
  const remaining = [...database];
  const take = (item: T) => remaining.splice(remaining.indexOf(item), 1);

  for (const item of model.filter(hasName)) {
    // A database item declared without a name (SQLite) is the model's item when the definitions agree.
    const existing = remaining.find((d) => d.name === item.name) ?? remaining.find((d) => d.name === undefined && same(item, d));
    if (!existing) {
      result.create.push(item);
      continue;
    }
    take(existing);
    if (same(item, existing)) result.kept.push({ model: item, database: existing });
    else {
      result.drop.push(existing as Named<T>);
      result.create.push(item);
    }
  }
  for (const item of model.filter((m) => !hasName(m))) {
    const existing = remaining.find((d) => same(item, d));
    if (existing) {
      take(existing);
      result.kept.push({ model: item, database: existing });
    } else result.create.push(item);
  }
  for (const item of remaining) {
    if (hasName(item)) result.drop.push(item);
    else result.unnamed.push(item);
  }
  result.drop.sort(byName((d) => d.name));
  return result;
}

// ---- schemas and enums ----

function compareSchemas(model: Catalog, database: Catalog, diff: DiffBuilder): void {
  for (const schema of [...model.schemas].sort()) {
    if (!database.schemas.includes(schema)) diff.plan.add("createSchemas", { kind: "createSchema", name: schema });
  }
  for (const schema of [...database.schemas].sort()) {
    if (!model.schemas.includes(schema)) {
      diff.warn(
        "unmanaged",
        `schema ${schema} exists in the database but not in the models. kiln never drops a schema by itself; if it should go, add op.dropSchema(${JSON.stringify(schema)}) to the revision by hand after moving or dropping what it holds.`,
      );
    }
  }
}

/** Model columns whose type is the enum (or an array of it), as `table.column`. */
function columnsUsingEnum(catalog: Catalog, enumType: EnumType): string[] {
  const name = qualifiedName(enumType);
  return catalog.tables.flatMap((t) =>
    t.columns.filter((c) => c.type === name || c.type === `${name}[]`).map((c) => `${qualifiedName(t)}.${c.name}`),
  );
}

/** addEnumValue operations that insert the model's new values at their place. */
function enumAdditions(modelEnum: EnumType, databaseValues: readonly string[]): Operation[] {
  const present = new Set(databaseValues);
  const operations: Operation[] = [];
  const values = modelEnum.values;
  const base = withSchema(modelEnum.schema, { kind: "addEnumValue" as const, name: modelEnum.name });
  const firstPresent = values.findIndex((v) => present.has(v));
  // Values before the first existing one go in front of it, nearest first.
  for (let i = firstPresent - 1; i >= 0; i--) {
    operations.push({ ...base, value: values[i]!, before: values[i + 1]! });
    present.add(values[i]!);
  }
  for (let i = Math.max(firstPresent, 0); i < values.length; i++) {
    const value = values[i]!;
    if (present.has(value)) continue;
    operations.push(i === 0 ? { ...base, value } : { ...base, value, after: values[i - 1]! });
    present.add(value);
  }
  return operations;
}

function compareEnum(modelEnum: EnumType, databaseEnum: EnumType, model: Catalog, database: Catalog, diff: DiffBuilder): void {
  const additions = enumAdditions(modelEnum, databaseEnum.values);
  diff.plan.add("enums", ...additions);
  // The downgrade runs in reverse: the first addition is undone last, once the others are, by recreating the type.
  // Going through text is refused under a view: the modelled views over those columns' tables go round it.
  const aroundViews = () => {
    const tables = database.tables.filter((t) => t.columns.some((c) => c.type === qualifiedName(databaseEnum) || c.type === `${qualifiedName(databaseEnum)}[]`));
    const { drops, creates } = viewsAroundColumnChanges(tables.map(qualifiedName), database);
    return [...drops, ...enumValueRemoval(databaseEnum, modelEnum.values, database), ...creates];
  };
  additions.forEach((op, i) => diff.reversals.set(op, i === 0 ? aroundViews() : []));
  const kept = databaseEnum.values.filter((v) => modelEnum.values.includes(v));
  const removed = databaseEnum.values.filter((v) => !modelEnum.values.includes(v));
  const modelOrder = modelEnum.values.filter((v) => kept.includes(v));
  const reordered = kept.some((v, i) => modelOrder[i] !== v);
  if (removed.length === 0 && !reordered) return;

  const name = qualifiedName(modelEnum);
  const users = columnsUsingEnum(model, modelEnum);
  const change = [
    removed.length > 0 ? `removes the value${removed.length > 1 ? "s" : ""} ${removed.map((v) => JSON.stringify(v)).join(", ")}` : "",
    reordered ? "reorders existing values" : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const using = users.length > 0 ? users.map((c) => `ALTER TABLE ... ALTER COLUMN ${c.split(".").at(-1)} TYPE ${name} USING ${c.split(".").at(-1)}::text::${name} (for ${c})`).join("; ") : "ALTER TABLE ... ALTER COLUMN ... TYPE ... USING col::text::... for each column using it";
  diff.warn(
    "manualStep",
    `Enum ${name}: the models ${change}, which kiln does not generate because PostgreSQL cannot drop or reorder enum values. ` +
      `By hand, in op.execute() calls: update rows that use removed values; ALTER TYPE ${name} RENAME TO ${modelEnum.name}_old; ` +
      `CREATE TYPE ${name} AS ENUM (${modelEnum.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")}); ${using}; DROP TYPE ${name}_old.`,
  );
}

function compareEnums(model: Catalog, database: Catalog, diff: DiffBuilder): void {
  const databaseEnums = new Map(database.enums.map((e) => [qualifiedName(e), e]));
  const modelEnums = new Map(model.enums.map((e) => [qualifiedName(e), e]));
  for (const modelEnum of [...model.enums].sort(byName(qualifiedName))) {
    const existing = databaseEnums.get(qualifiedName(modelEnum));
    if (existing) compareEnum(modelEnum, existing, model, database, diff);
    else diff.plan.add("enums", withSchema(modelEnum.schema, { kind: "createEnum" as const, name: modelEnum.name, values: [...modelEnum.values], ...(modelEnum.comment !== undefined ? { comment: modelEnum.comment } : {}) }));
    if (existing && (modelEnum.comment ?? null) !== (existing.comment ?? null)) {
      diff.plan.add("enums", withSchema(modelEnum.schema, { kind: "setComment" as const, target: "type" as const, name: modelEnum.name, comment: modelEnum.comment ?? null, existing: existing.comment ?? null }));
    }
  }
  for (const databaseEnum of [...database.enums].sort(byName(qualifiedName))) {
    if (modelEnums.has(qualifiedName(databaseEnum))) continue;
    diff.plan.add("dropEnums", withSchema(databaseEnum.schema, { kind: "dropEnum" as const, name: databaseEnum.name, old: [...databaseEnum.values], ...(databaseEnum.comment !== undefined ? { oldComment: databaseEnum.comment } : {}) }));
  }
}

// ---- renames ----

function findTable(catalog: Catalog, schema: string | undefined, name: string): Table | undefined {
  return catalog.tables.find((t) => t.schema === schema && t.name === name);
}

function describeDecision(d: RenameDecision): string {
  return d.kind === "table" ? `table ${label(d.schema, d.from)} -> ${d.to}` : `column ${label(d.schema, d.table ?? "?")}.${d.from} -> ${d.to}`;
}

function rejectDecision(d: RenameDecision, why: string): never {
  throw new UsageError(`cannot rename ${describeDecision(d)}: ${why}. Check the rename hint against the models and the database, or drop the hint.`);
}

/**
 * Applies accepted rename decisions: emits renameTable / alterColumn(newName)
 * and returns the database catalog as it looks after them, so the rest of the
 * comparison sees only the remaining differences.
 */
function applyRenames(model: Catalog, database: Catalog, decisions: readonly RenameDecision[], diff: DiffBuilder): Catalog {
  let view = database;
  const accepted = decisions.filter((d) => d.accept);
  /** Model table key -> the table's name in the database before any rename. */
  const originalNames = new Map<string, string>();

  for (const d of accepted.filter((x) => x.kind === "table").sort(byName((x) => label(x.schema, x.from)))) {
    if (!findTable(view, d.schema, d.from)) rejectDecision(d, `the database has no table ${label(d.schema, d.from)}`);
    if (findTable(model, d.schema, d.from)) rejectDecision(d, `the models still define ${label(d.schema, d.from)}`);
    if (!findTable(model, d.schema, d.to)) rejectDecision(d, `the models define no table ${label(d.schema, d.to)}`);
    if (findTable(view, d.schema, d.to)) rejectDecision(d, `the database already has a table ${label(d.schema, d.to)}`);
    diff.plan.add("renameTables", withSchema(d.schema, { kind: "renameTable" as const, table: d.from, newName: d.to }));
    view = renameTableInCatalog(view, d.schema, d.from, d.to);
    originalNames.set(label(d.schema, d.to), d.from);
  }

  for (const d of accepted.filter((x) => x.kind === "column").sort(byName((x) => `${label(x.schema, x.table ?? "")}.${x.from}`))) {
    const tableName = d.table ?? rejectDecision(d, "the decision names no table");
    const modelTable = findTable(model, d.schema, tableName);
    const viewTable = findTable(view, d.schema, tableName);
    if (!modelTable) rejectDecision(d, `the models define no table ${label(d.schema, tableName)}`);
    if (!viewTable) rejectDecision(d, `the database has no table ${label(d.schema, tableName)}`);
    const old = viewTable.columns.find((c) => c.name === d.from);
    if (!old) rejectDecision(d, `the database table has no column ${d.from}`);
    if (modelTable.columns.some((c) => c.name === d.from)) rejectDecision(d, `the models still define the column ${d.from}`);
    if (!modelTable.columns.some((c) => c.name === d.to)) rejectDecision(d, `the models define no column ${d.to} in that table`);
    if (viewTable.columns.some((c) => c.name === d.to)) rejectDecision(d, `the database table already has a column ${d.to}`);

    // Checks and indexes whose SQL names the old column are dropped before the
    // rename (by their original names) and recreated from the models afterwards.
    const stale = expressionsMentioning(viewTable, d.from);
    const originalTable = originalNames.get(label(d.schema, tableName)) ?? tableName;
    for (const check of stale.checks.filter(hasName)) {
      diff.plan.add("dropBeforeRename", withSchema(d.schema, {
        kind: "dropConstraint" as const,
        table: originalTable,
        name: check.name,
        type: "check" as const,
        old: { type: "check" as const, constraint: { ...check } },
      }));
    }
    for (const index of stale.indexes.filter(hasName)) {
      diff.plan.add("dropBeforeRename", withSchema(d.schema, { kind: "dropIndex" as const, table: originalTable, name: index.name, old: { ...index } }));
    }
    const staleNames = new Set([...stale.checks, ...stale.indexes].filter(hasName).map((x) => x.name));
    view = {
      ...view,
      tables: view.tables.map((t) =>
        t === viewTable
          ? { ...t, checks: t.checks.filter((c) => !staleNames.has(c.name ?? "")), indexes: t.indexes.filter((i) => !staleNames.has(i.name ?? "")) }
          : t,
      ),
    };

    diff.plan.add("renameColumns", withSchema(d.schema, { kind: "alterColumn" as const, table: tableName, column: d.from, newName: d.to, existing: { ...old } }));
    view = renameColumnInCatalog(view, d.schema, tableName, d.from, d.to);
  }
  return view;
}

// ---- columns ----

function alterColumnFor(table: Table, modelColumn: Column, existing: Column, diff: DiffBuilder): AlterColumn | undefined {
  const op: AlterColumn = withSchema(table.schema, { kind: "alterColumn" as const, table: table.name, column: modelColumn.name });
  let changed = false;
  if (modelColumn.type !== existing.type) {
    op.type = modelColumn.type;
    changed = true;
  }
  if (modelColumn.nullable !== existing.nullable) {
    op.nullable = modelColumn.nullable;
    changed = true;
  }
  // Compared canonically; the operation carries the model's text as written.
  if (!sameText(modelColumn, existing, "default")) {
    op.default = modelColumn.default ?? null;
    changed = true;
  }
  if ((modelColumn.comment ?? null) !== (existing.comment ?? null)) {
    op.comment = modelColumn.comment ?? null;
    changed = true;
  }
  // A new expression of a column generated as before (MySQL, DiffBuilder.generationInPlace; else a rebuild, above).
  if (modelColumn.generated && existing.generated && !sameGenerated(modelColumn.generated, existing.generated)) {
    op.generated = { expression: modelColumn.generated.expression, stored: modelColumn.generated.stored };
    changed = true;
  }
  for (const field of ["onUpdate", "charset", "collation"] as const) {
    if ((modelColumn[field] ?? null) !== (existing[field] ?? null)) {
      op[field] = modelColumn[field] ?? null;
      changed = true;
    }
  }
  if (!sameIdentity(modelColumn.identity, existing.identity)) {
    op.identity = modelColumn.identity ? { ...modelColumn.identity } : null;
    changed = true;
  } else if (modelColumn.identity && existing.identity && op.type === undefined) {
    // The identity's sequence options (START, INCREMENT, ...): ALTER COLUMN ... SET each.
    const options = identityOptionChanges(modelColumn.type, modelColumn.sequence, existing.sequence);
    if (options) {
      op.identityOptions = options;
      changed = true;
    }
  }
  if (!!modelColumn.autoIncrement !== !!existing.autoIncrement) {
    const where = `${qualifiedName(table)}.${modelColumn.name}`;
    diff.warn(
      "manualStep",
      `Column ${where} ${modelColumn.autoIncrement ? "is auto-increment in the models but not in the database" : "is auto-increment in the database but not in the models"}. kiln operations cannot change auto-increment yet; change it by hand with op.execute() (PostgreSQL: create or drop an owned sequence and the column default; MySQL: MODIFY the column with or without AUTO_INCREMENT).`,
    );
  }
  if (!changed) return undefined;
  op.existing = { ...existing };
  return op;
}

/**
 * A column whose generation rule changes (plain <-> generated, another
 * expression, STORED <-> VIRTUAL) is dropped and added again: PostgreSQL before
 * 17 cannot change a generation expression in place, nor make a column generated.
 */
function rebuildsColumn(model: Column, database: Column, diff: DiffBuilder): boolean {
  if (diff.generationInPlace && model.generated && database.generated && model.generated.stored === database.generated.stored) return false;
  return !sameGenerated(model.generated, database.generated);
}

function warnRebuild(table: Table, model: Column, database: Column, diff: DiffBuilder): void {
  const where = `${qualifiedName(table)}.${model.name}`;
  const what = !model.generated
    ? `is generated in the database (GENERATED ALWAYS AS (${database.generated!.expression})) but a plain column in the models: the revision drops it and adds a plain column, so its values are lost. If the model should say generatedAlwaysAs(...), fix the model; to keep the values in a plain column, replace the two operations by op.execute("ALTER TABLE ... ALTER COLUMN ${model.name} DROP EXPRESSION")`
    : !database.generated
      ? `is a plain column in the database but generated in the models: the revision drops it (losing its values) and adds it as a generated column, computed from the other columns`
      : `changes its generation rule: the revision drops it and adds it again (PostgreSQL cannot change a generation expression in place before version 17); the values are computed again`;
  diff.warn("dataLoss", `Column ${where} ${what}. The column moves to the end of the table.`);
}

/**
 * Unique constraints, foreign keys, checks and indexes on a column that is
 * dropped and added again go with it: they are dropped first (by name, so the
 * downgrade recreates them), and left out of the database table the rest of the
 * comparison sees, so the models' versions are created after the column.
 */
function withoutRebuiltDependents(modelTable: Table, databaseTable: Table, diff: DiffBuilder): Table {
  const modelColumns = new Map(modelTable.columns.map((c) => [c.name, c]));
  const rebuilt = databaseTable.columns
    .filter((c) => {
      const model = modelColumns.get(c.name);
      return model !== undefined && rebuildsColumn(model, c, diff);
    })
    .map((c) => c.name);
  if (rebuilt.length === 0) return databaseTable;
  const uses = (columns: readonly Index["columns"][number][]) => columns.some((c) => rebuilt.includes(elementColumn(c) ?? ""));
  const mentions = (text: string | undefined) => text !== undefined && rebuilt.some((c) => mentionsIdentifier(text, c));
  const ref = withSchema(databaseTable.schema, { table: databaseTable.name });
  const uniques = databaseTable.uniques.filter((u) => hasName(u) && uses(u.columns));
  const foreignKeys = databaseTable.foreignKeys.filter((f) => hasName(f) && uses(f.columns));
  const checks = databaseTable.checks.filter((c) => hasName(c) && mentions(c.expression));
  const indexes = databaseTable.indexes.filter(
    (i) => hasName(i) && (uses(i.columns) || uses(i.include ?? []) || mentions(i.where) || i.columns.some((e) => mentions(elementExpression(e)))),
  );
  for (const fk of foreignKeys.filter(hasName)) {
    diff.plan.add("dropForeignKeys", { kind: "dropConstraint", ...ref, name: fk.name, type: "foreignkey", old: { type: "foreignkey", constraint: { ...fk } } });
  }
  for (const unique of uniques.filter(hasName)) {
    diff.plan.add("dropConstraintsAndIndexes", { kind: "dropConstraint", ...ref, name: unique.name, type: "unique", old: { type: "unique", constraint: { ...unique } } });
  }
  for (const check of checks.filter(hasName)) {
    diff.plan.add("dropConstraintsAndIndexes", { kind: "dropConstraint", ...ref, name: check.name, type: "check", old: { type: "check", constraint: { ...check } } });
  }
  for (const index of indexes.filter(hasName)) diff.plan.add("dropConstraintsAndIndexes", { kind: "dropIndex", ...ref, name: index.name, old: { ...index } });
  const gone = new Set<unknown>([...uniques, ...foreignKeys, ...checks, ...indexes]);
  return {
    ...databaseTable,
    uniques: databaseTable.uniques.filter((x) => !gone.has(x)),
    foreignKeys: databaseTable.foreignKeys.filter((x) => !gone.has(x)),
    checks: databaseTable.checks.filter((x) => !gone.has(x)),
    indexes: databaseTable.indexes.filter((x) => !gone.has(x)),
  };
}

function compareColumns(modelTable: Table, databaseTable: Table, diff: DiffBuilder): void {
  const phase = "alterTables";
  const databaseColumns = new Map(databaseTable.columns.map((c) => [c.name, c]));
  const modelNames = new Set(modelTable.columns.map((c) => c.name));
  const ref = withSchema(modelTable.schema, { table: modelTable.name });
  for (const column of modelTable.columns) {
    if (!databaseColumns.has(column.name)) diff.plan.add(phase, { kind: "addColumn", ...ref, column: { ...column } });
  }
  for (const column of modelTable.columns) {
    const existing = databaseColumns.get(column.name);
    if (existing && rebuildsColumn(column, existing, diff)) {
      warnRebuild(modelTable, column, existing, diff);
      diff.plan.add(phase, { kind: "dropColumn", ...ref, column: column.name, old: { ...existing } }, { kind: "addColumn", ...ref, column: { ...column } });
      continue;
    }
    const op = existing && alterColumnFor(modelTable, column, existing, diff);
    if (op) diff.plan.add(phase, op);
  }
  for (const column of databaseTable.columns) {
    if (!modelNames.has(column.name)) diff.plan.add(phase, { kind: "dropColumn", ...ref, column: column.name, old: { ...column } });
  }
  const optionChanges: TableOptionChanges = {};
  for (const key of ["engine", "charset", "collation", "rowFormat"] as const) {
    const wanted = modelTable.options?.[key];
    const present = databaseTable.options?.[key];
    // Engine and row format names are not case-sensitive (InnoDB, innodb).
    if ((wanted ?? "").toLowerCase() !== (present ?? "").toLowerCase()) optionChanges[key] = wanted ?? null;
  }
  // SQLite's STRICT and WITHOUT ROWID: a table rebuild (sqlite/rebuild.ts) where the dialect does it; elsewhere said by tableOptionWarnings.
  if (diff.rebuildsTableOptions) {
    for (const key of REBUILT_TABLE_OPTIONS) {
      const wanted = modelTable.options?.[key] === true;
      if (wanted !== (databaseTable.options?.[key] === true)) optionChanges[key] = wanted ? true : null;
    }
  }
  if (Object.keys(optionChanges).length > 0) {
    const { autoIncrement: _start, ...existing } = databaseTable.options ?? {};
    diff.plan.add(phase, { kind: "setTableOptions", ...ref, options: optionChanges, existing });
    if (optionChanges.charset !== undefined || optionChanges.collation !== undefined) {
      diff.warn(
        "manualStep",
        `Table ${qualifiedName(modelTable)}: the models change its default character set or collation; the revision changes the table's default only, and existing columns keep theirs (the next autogenerate shows them). To convert the data too, use op.execute("ALTER TABLE ... CONVERT TO CHARACTER SET ... COLLATE ...") instead.`,
      );
    }
  }
  if ((modelTable.comment ?? null) !== (databaseTable.comment ?? null)) {
    diff.plan.add(phase, { kind: "setTableComment", ...ref, comment: modelTable.comment ?? null, existing: databaseTable.comment ?? null });
  }
}

// ---- constraints and indexes of a table that exists on both sides ----

function warnUnnamed(table: Table, what: string, definition: string, diff: DiffBuilder): void {
  diff.warn(
    "unmanaged",
    `Table ${qualifiedName(table)} has an unnamed ${what} (${definition}) in the database that the models do not define. kiln cannot drop a constraint or index without a name, so it leaves it alone; give it a name in the database, or define it in the models, so kiln can manage it.`,
  );
}

function describeColumns(columns: Index["columns"]): string {
  return columns.map(describeIndexElement).join(", ");
}

/** Column lists of keys that a surviving table loses (or rebuilds): foreign keys pointing at them must be rebuilt too. */
type DroppedKeys = Map<string, string[][]>;

interface TableConstraintResult {
  keptForeignKeys: { model: ForeignKey; database: ForeignKey }[];
  names: IndexNames;
}

/** Index and key-constraint names of one table that a revision creates or drops (for its clustering index). */
interface IndexNames {
  createdIndexes: Set<string>;
  createdKeys: Set<string>;
  dropped: Set<string>;
}

function comparePrimaryKey(modelTable: Table, databaseTable: Table, diff: DiffBuilder, droppedKeys: string[][], names: IndexNames): void {
  const ref = withSchema(modelTable.schema, { table: modelTable.name });
  const wanted = modelTable.primaryKey;
  const existing = databaseTable.primaryKey;
  if (wanted && existing && samePrimaryKeyColumns(wanted, existing) && diff.matching(sameConstraintOptions)(wanted, existing) && sameKeyIndexOptions(wanted, existing) && (wanted.name === undefined || existing.name === undefined || wanted.name === existing.name)) {
    diff.plan.add("createConstraintsAndIndexes", ...commentChange(modelTable, "constraint", existing.name, wanted, existing));
    return;
  }
  if (!wanted && !existing) return;
  if (existing) {
    if (existing.name === undefined && !diff.dropUnnamed) {
      warnUnnamed(databaseTable, "primary key", existing.columns.join(", "), diff);
      return;
    }
    const name = existing.name ?? "";
    const old = { ...existing, name, columns: [...existing.columns] };
    diff.plan.add("dropConstraintsAndIndexes", { kind: "dropConstraint", ...ref, name, type: "primary", old: { type: "primary", constraint: old } });
    droppedKeys.push(existing.columns);
    names.dropped.add(name);
  }
  if (wanted) {
    const name = wanted.name ?? diff.nameFor(modelTable, "pkey", wanted.columns);
    names.createdKeys.add(name);
    diff.plan.add("createConstraintsAndIndexes", { kind: "createPrimaryKey", ...ref, constraint: { ...wanted, name, columns: [...wanted.columns] } });
  }
}

function compareTableConstraints(modelTable: Table, databaseTable: Table, diff: DiffBuilder, droppedKeys: DroppedKeys): TableConstraintResult {
  const ref = withSchema(modelTable.schema, { table: modelTable.name });
  const dropped: string[][] = [];
  const names: IndexNames = { createdIndexes: new Set(), createdKeys: new Set(), dropped: new Set() };
  comparePrimaryKey(modelTable, databaseTable, diff, dropped, names);

  const uniques = matchItems<UniqueConstraint>(modelTable.uniques, databaseTable.uniques, diff.matching(sameUnique));
  const checks = matchItems<CheckConstraint>(modelTable.checks, databaseTable.checks, diff.matching(sameCheck));
  const foreignKeys = matchItems<ForeignKey>(modelTable.foreignKeys, databaseTable.foreignKeys, diff.matching(sameForeignKey));
  const indexes = matchItems<Index>(modelTable.indexes, databaseTable.indexes, diff.matching(sameIndex));
  // New indexes by name, or in the models' order where the database lists them in creation order (MySQL).
  if (!diff.indexesInCreationOrder) indexes.create.sort(byName((i) => i.name ?? ""));
  else keepIndexOrder(databaseTable, indexes);
  // Kept as they are but for a comment (changed in place), or an index column's statistics target.
  for (const { model, database } of [...uniques.kept, ...checks.kept, ...foreignKeys.kept]) {
    diff.plan.add("createConstraintsAndIndexes", ...commentChange(modelTable, "constraint", database.name, model, database));
  }
  for (const { model, database } of indexes.kept) {
    diff.plan.add("createConstraintsAndIndexes", ...commentChange(modelTable, "index", database.name, model, database));
    // Statistics targets of index columns are rare: none on either side, none to change.
    if (database.name !== undefined && (model.statistics !== undefined || database.statistics !== undefined)) {
      diff.plan.add("createConstraintsAndIndexes", ...indexStatisticsChanges(modelTable, { ...model, name: database.name }, database));
    }
  }

  for (const fk of foreignKeys.drop) {
    diff.plan.add("dropForeignKeys", { kind: "dropConstraint", ...ref, name: fk.name, type: "foreignkey", old: { type: "foreignkey", constraint: { ...fk } } });
  }
  for (const unique of uniques.drop) {
    diff.plan.add("dropConstraintsAndIndexes", { kind: "dropConstraint", ...ref, name: unique.name, type: "unique", old: { type: "unique", constraint: { ...unique } } });
    dropped.push(unique.columns);
    names.dropped.add(unique.name);
  }
  for (const check of checks.drop) {
    diff.plan.add("dropConstraintsAndIndexes", { kind: "dropConstraint", ...ref, name: check.name, type: "check", old: { type: "check", constraint: { ...check } } });
  }
  const bridges = diff.foreignKeysNeedIndex ? foreignKeyIndexBridges(modelTable, databaseTable, foreignKeys.kept, indexes, uniques) : [];
  for (const { before } of bridges) if (before) diff.plan.add("dropConstraintsAndIndexes", { ...ref, ...before });
  for (const index of indexes.drop) {
    names.dropped.add(index.name);
    diff.plan.add("dropConstraintsAndIndexes", { kind: "dropIndex", ...ref, name: index.name, old: { ...index }, ...(databaseTable.clusterOn === index.name ? { clustered: true } : {}) });
    if (index.unique && index.columns.every((c) => typeof c === "string")) dropped.push(index.columns as string[]);
  }

  for (const unique of uniques.create) {
    const name = unique.name ?? diff.nameFor(modelTable, "key", unique.columns);
    names.createdKeys.add(name);
    diff.plan.add("createConstraintsAndIndexes", { kind: "createUniqueConstraint", ...ref, constraint: { ...unique, name, columns: [...unique.columns] } });
  }
  for (const check of checks.create) {
    const name = check.name ?? diff.nameFor(modelTable, "check", []);
    diff.plan.add("createConstraintsAndIndexes", { kind: "createCheckConstraint", ...ref, constraint: { ...check, name } });
  }
  for (const index of indexes.create) {
    const op = createIndexFor(modelTable, index, diff);
    names.createdIndexes.add(op.index.name);
    diff.plan.add("createConstraintsAndIndexes", op);
  }
  for (const { after } of bridges) if (after) diff.plan.add("createConstraintsAndIndexes", { ...ref, ...after });
  const exclusions = compareExclusions(modelTable, databaseTable, (ex) => diff.nameFor(modelTable, "excl", ex.elements.map((e) => e.element)), diff.commentsInPlace);
  for (const op of exclusions.drop) {
    diff.plan.add("dropConstraintsAndIndexes", op);
    if (op.kind === "dropConstraint") names.dropped.add(op.name);
  }
  for (const op of exclusions.create) {
    diff.plan.add("createConstraintsAndIndexes", op);
    if (op.kind === "createExclusionConstraint") names.createdKeys.add(op.constraint.name);
  }
  for (const op of exclusions.comments) diff.plan.add("createConstraintsAndIndexes", op);
  for (const ex of exclusions.unnamed) warnUnnamed(databaseTable, "exclusion constraint", `USING ${ex.method}`, diff);
  for (const fk of foreignKeys.create) diff.plan.add("createForeignKeys", createForeignKeyFor(modelTable, fk, diff));

  if (diff.dropUnnamed) {
    // Found by definition (SQLite rebuilds the table without it); the downgrade adds it back unnamed.
    for (const fk of foreignKeys.unnamed) diff.plan.add("dropForeignKeys", { kind: "dropConstraint", ...ref, name: "", type: "foreignkey", old: { type: "foreignkey", constraint: { ...fk, name: "" } } });
    for (const unique of uniques.unnamed) {
      diff.plan.add("dropConstraintsAndIndexes", { kind: "dropConstraint", ...ref, name: "", type: "unique", old: { type: "unique", constraint: { ...unique, name: "" } } });
    }
    for (const check of checks.unnamed) diff.plan.add("dropConstraintsAndIndexes", { kind: "dropConstraint", ...ref, name: "", type: "check", old: { type: "check", constraint: { ...check, name: "" } } });
  } else {
    for (const unique of uniques.unnamed) warnUnnamed(databaseTable, "unique constraint", unique.columns.join(", "), diff);
    for (const check of checks.unnamed) warnUnnamed(databaseTable, "check constraint", check.expression, diff);
    for (const fk of foreignKeys.unnamed) warnUnnamed(databaseTable, "foreign key", `${fk.columns.join(", ")} -> ${referencedTableKey(fk)}`, diff);
  }
  for (const index of indexes.unnamed) warnUnnamed(databaseTable, "index", describeColumns(index.columns), diff);

  if (dropped.length > 0) droppedKeys.set(tableKey(modelTable), dropped);
  return { keptForeignKeys: foreignKeys.kept, names };
}

/**
 * MySQL lists a table's keys in creation order, and a dropped and created index
 * comes back last: so the indexes after the first one dropped go and come back
 * too. Drops run last first and creates in the database's order, so that the
 * upgrade lists the kept ones where they were and the downgrade, the reverse,
 * puts every index back in its place; new ones come after, in the models' order.
 */
function keepIndexOrder(databaseTable: Table, indexes: Match<Index>): void {
  const position = new Map(databaseTable.indexes.map((index, i) => [index, i]));
  const dropped = new Set<Index>(indexes.drop);
  const first = Math.min(...indexes.drop.map((index) => position.get(index) ?? Infinity));
  if (first === Infinity) return;
  const followers = indexes.kept.filter(({ database }) => (position.get(database) ?? -1) > first);
  indexes.kept = indexes.kept.filter((pair) => !followers.includes(pair));
  for (const { database } of followers) dropped.add(database);
  indexes.drop = [...dropped].filter(hasName).sort((a, b) => position.get(b)! - position.get(a)!);
  // The model's index for each database index dropped, in the database's order; then the new ones.
  const replacing = (index: Index) => indexes.drop.find((d) => d.name === index.name);
  const back = [...indexes.create.filter((m) => replacing(m)), ...followers.map(({ model, database }) => ({ ...model, name: database.name }))].sort(
    (a, b) => position.get(replacing(a)!)! - position.get(replacing(b)!)!,
  );
  indexes.create = [...back, ...indexes.create.filter((m) => !replacing(m))];
}

/** True when the key or index starts with the foreign key's columns, in order: InnoDB can check the key with it. */
function servesForeignKey(columns: readonly IndexElement[], fk: ForeignKey): boolean {
  return fk.columns.length <= columns.length && fk.columns.every((c, i) => columns[i] === c);
}

interface ForeignKeyIndexBridge {
  /** Before the drops: the foreign key's own index, while no other index serves it. */
  before?: { kind: "createIndex"; index: Named<Index>; ifNotExists: true };
  /** After the creates: that index again, once a new index serves the key (MySQL drops its own one then). */
  after?: { kind: "dropIndex"; name: string; ifExists: true; old: Named<Index> };
}

/**
 * MySQL/MariaDB (CompareOptions.foreignKeysNeedIndex): every foreign key needs an
 * index starting with its columns. When none exists, adding the key creates one
 * under the key's name (introspect() hides it), and the server drops that one by
 * itself once another index serves the key; an index the key needs cannot be
 * dropped. For a key that stays while the indexes serving it change, the key's own
 * index is created (when missing) before the old ones go and dropped (when there)
 * once new ones serve it: both directions run, and the downgrade restores the
 * index MySQL had made, so SHOW CREATE TABLE comes back identical.
 */
function foreignKeyIndexBridges(
  modelTable: Table,
  databaseTable: Table,
  kept: readonly { model: ForeignKey; database: ForeignKey }[],
  indexes: Match<Index>,
  uniques: Match<UniqueConstraint>,
): ForeignKeyIndexBridge[] {
  const samePrimaryKey = modelTable.primaryKey !== undefined && databaseTable.primaryKey !== undefined && samePrimaryKeyColumns(modelTable.primaryKey, databaseTable.primaryKey);
  const keptColumns: (readonly IndexElement[])[] = [
    ...(samePrimaryKey ? [databaseTable.primaryKey!.columns] : []),
    ...indexes.kept.filter(({ database }) => database.where === undefined).map(({ database }) => database.columns),
    ...uniques.kept.map(({ database }) => database.columns),
  ];
  const databaseColumns: (readonly IndexElement[])[] = [
    ...(databaseTable.primaryKey ? [databaseTable.primaryKey.columns] : []),
    ...databaseTable.indexes.filter((i) => i.where === undefined).map((i) => i.columns),
    ...databaseTable.uniques.map((u) => u.columns),
  ];
  const modelColumns: (readonly IndexElement[])[] = [
    ...(modelTable.primaryKey ? [modelTable.primaryKey.columns] : []),
    ...modelTable.indexes.filter((i) => i.where === undefined).map((i) => i.columns),
    ...modelTable.uniques.map((u) => u.columns),
  ];
  const bridges: ForeignKeyIndexBridge[] = [];
  for (const { database: fk } of kept) {
    if (!hasName(fk) || keptColumns.some((c) => servesForeignKey(c, fk))) continue;
    const index: Named<Index> = { name: fk.name, columns: [...fk.columns] };
    const bridge: ForeignKeyIndexBridge = {};
    const before = databaseColumns.some((c) => servesForeignKey(c, fk));
    const after = modelColumns.some((c) => servesForeignKey(c, fk));
    // Both: an index that only holds the key while its indexes are dropped and created again, under a
    // name of its own (under the key's, the dropped-before-created rule of dependency-order.ts would
    // put its drop first).
    if (before && after) index.name = `kiln_keep_${fk.name}`.slice(0, 64);
    if (before) bridge.before = { kind: "createIndex", index, ifNotExists: true };
    if (after) bridge.after = { kind: "dropIndex", name: index.name, ifExists: true, old: { ...index, columns: [...fk.columns] } };
    if (bridge.before || bridge.after) bridges.push(bridge);
  }
  return bridges;
}

/** The createIndex of a model index; it clusters the table when the model's table is clustered on it. */
function createIndexFor(table: Table, index: Index, diff: DiffBuilder): Extract<Operation, { kind: "createIndex" }> {
  const name = index.name ?? diff.nameFor(table, "idx", index.columns);
  // Every field of the model's index (options included), under the name it gets.
  const created: Named<Index> = { ...index, name, columns: [...index.columns] };
  // Absent means false: the operation carries only what is set, as the facade would build it.
  if (!created.unique) delete created.unique;
  if (!created.nullsNotDistinct) delete created.nullsNotDistinct;
  return withSchema(table.schema, { kind: "createIndex" as const, table: table.name, index: created, ...(table.clusterOn === name ? { clusterOn: true } : {}) });
}

function createForeignKeyFor(table: Table, fk: ForeignKey, diff: DiffBuilder): Operation {
  const name = fk.name ?? diff.nameFor(table, "fkey", fk.columns);
  return withSchema(table.schema, { kind: "createForeignKey" as const, table: table.name, constraint: { ...fk, name } });
}

/**
 * A foreign key that stays must still be dropped and recreated when the key it
 * points at is dropped or rebuilt (PostgreSQL refuses to drop a key in use).
 */
function rebuildDependentForeignKeys(
  survivors: { table: Table; kept: { model: ForeignKey; database: ForeignKey }[] }[],
  droppedKeys: DroppedKeys,
  diff: DiffBuilder,
): void {
  for (const { table, kept } of survivors) {
    const ref = withSchema(table.schema, { table: table.name });
    for (const { model, database } of kept) {
      const keys = droppedKeys.get(referencedTableKey(database)) ?? [];
      if (!keys.some((key) => sameColumnsAsSet(key, database.refColumns))) continue;
      if (database.name === undefined) {
        // SQLite: a foreign key is text in the child's CREATE TABLE; nothing to drop while the parent is rebuilt.
        if (diff.dropUnnamed) continue;
        diff.warn(
          "unmanaged",
          `Table ${qualifiedName(table)} has an unnamed foreign key (${database.columns.join(", ")} -> ${referencedTableKey(database)}) on a key this revision rebuilds; kiln cannot drop it without a name, so the revision will fail. Give the foreign key a name in the database or in the models.`,
        );
        continue;
      }
      diff.plan.add("dropForeignKeys", { kind: "dropConstraint", ...ref, name: database.name, type: "foreignkey", old: { type: "foreignkey", constraint: { ...database, name: database.name } } });
      diff.plan.add("createForeignKeys", { kind: "createForeignKey", ...ref, constraint: { ...model, name: database.name } });
    }
  }
}

// ---- tables ----

function dropTables(tables: Table[], diff: DiffBuilder): void {
  const order = creationOrder(tables);
  for (const { table, foreignKey } of order.deferred) {
    // Part of a cycle between dropped tables: drop the link first, so each table can go on its own.
    // SQLite drops tables in any order (foreign keys are not enforced during a step).
    if (diff.dropUnnamed) continue;
    if (foreignKey.name === undefined) {
      warnUnnamed(table, "foreign key", `${foreignKey.columns.join(", ")} -> ${referencedTableKey(foreignKey)}`, diff);
      continue;
    }
    diff.plan.add("dropForeignKeys", withSchema(table.schema, {
      kind: "dropConstraint" as const,
      table: table.name,
      name: foreignKey.name,
      type: "foreignkey" as const,
      old: { type: "foreignkey" as const, constraint: { ...foreignKey, name: foreignKey.name } },
    }));
  }
  // SQLite keeps the cycle's foreign keys in the tables themselves: the downgrade recreates them whole.
  const whole = new Map(tables.map((t) => [tableKey(t), t]));
  for (const table of [...order.tables].reverse()) {
    const old = diff.dropUnnamed ? whole.get(tableKey(table))! : table;
    diff.plan.add("dropTables", withSchema(table.schema, { kind: "dropTable" as const, table: table.name, ...detachFromOf(table), old: structuredClone(old) }));
  }
}

function createTables(tables: Table[], diff: DiffBuilder): void {
  const order = creationOrder(tables);
  // SQLite checks a foreign key when rows are written, not when the table is created: each table is created whole.
  const whole = new Map(tables.map((t) => [tableKey(t), t]));
  for (const table of order.tables) {
    const { indexes, ...definition } = splitClusterOn(structuredClone(diff.dropUnnamed ? whole.get(tableKey(table))! : table)).table;
    diff.plan.add("createTables", { kind: "createTable", table: { ...definition, indexes: [] } });
    const inOrder = diff.indexesInCreationOrder ? indexes : [...indexes].sort(byName((i) => i.name ?? ""));
    for (const index of inOrder) diff.plan.add("createTables", createIndexFor(table, index, diff));
  }
  if (diff.dropUnnamed) return;
  for (const { table, foreignKey } of order.deferred) diff.plan.add("createForeignKeys", createForeignKeyFor(table, foreignKey, diff));
}

function collectNames(catalog: Catalog, into: Set<string>): void {
  const add = (items: readonly { name?: string }[]) => {
    for (const item of items) if (item.name) into.add(item.name);
  };
  for (const t of catalog.tables) {
    if (t.primaryKey?.name) into.add(t.primaryKey.name);
    add(t.uniques);
    add(t.foreignKeys);
    add(t.checks);
    add(t.indexes);
  }
}

/** matchItems' kept pairs of a list with itself: the named items in order, then the unnamed ones. */
function keptAsTheyAre<T extends { name?: string }>(items: readonly T[]): { model: T; database: T }[] {
  return [...items.filter(hasName), ...items.filter((item) => !hasName(item))].map((item) => ({ model: item, database: item }));
}

function sameColumnNames(a: Table, b: Table): boolean {
  if (a.columns.length !== b.columns.length) return false;
  for (let i = 0; i < a.columns.length; i++) if (a.columns[i]!.name !== b.columns[i]!.name) return false;
  return true;
}

export function compareCatalogs(model: Catalog, database: Catalog, options: CompareOptions = {}): Diff {
  const diff = new DiffBuilder(
    options.dropUnnamedConstraints === true,
    options.commentsInPlace === true,
    options.foreignKeysNeedIndex === true,
    options.rebuildsTableOptions === true,
    options.indexesInCreationOrder === true,
    options.generationInPlace === true,
  );
  const decisions = options.renames ?? [];
  collectNames(model, diff.takenNames);
  collectNames(database, diff.takenNames);

  compareSchemas(model, database, diff);
  for (const op of compareSchemaComments(model, database)) diff.plan.add("createSchemas", op);
  compareEnums(model, database, diff);
  const objectDiff = {
    add: (phase: Phase, ...ops: Operation[]) => diff.plan.add(phase, ...ops),
    warn: (kind: DiffWarning["kind"], message: string) => diff.warn(kind, message),
    viewsReplacedWhole: options.viewsReplacedWhole === true,
    routinesByName: options.routinesByName === true,
  };
  compareCollations(model, database, objectDiff);
  compareObjects(model, database, objectDiff);
  const rebuiltFunctions = compareRoutines(model, database, objectDiff);
  compareTriggers(model, database, objectDiff, rebuiltFunctions);
  compareOperators(model, database, objectDiff, rebuiltFunctions);
  compareAggregates(model, database, objectDiff);
  const view = applyRenames(model, database, decisions, diff);
  diff.candidates.push(...tableRenameCandidates(model, view, decisions));

  const viewTables = new Map(view.tables.map((t) => [tableKey(t), t]));
  const modelKeys = new Set(model.tables.map(tableKey));
  const modelTables = [...model.tables].sort(byName(tableKey));

  dropTables(view.tables.filter((t) => !modelKeys.has(tableKey(t))), diff);
  createTables(modelTables.filter((t) => !viewTables.has(tableKey(t))), diff);

  const droppedKeys: DroppedKeys = new Map();
  const survivors: { table: Table; kept: { model: ForeignKey; database: ForeignKey }[] }[] = [];
  for (const modelTable of modelTables) {
    const found = viewTables.get(tableKey(modelTable));
    if (!found) continue;
    if (found === modelTable) {
      // The database's own table, unchanged (autogenerate puts it in the models' place for a table that already
      // compared equal): nothing differs; its foreign keys are kept, paired as matchItems pairs them.
      survivors.push({ table: modelTable, kept: keptAsTheyAre(modelTable.foreignKeys) });
      continue;
    }
    const databaseTable = withoutRebuiltDependents(modelTable, found, diff);
    // A rename candidate needs a column on each side that the other lacks: none when the names match (the common case).
    if (!sameColumnNames(modelTable, databaseTable)) diff.candidates.push(...columnRenameCandidates(modelTable, databaseTable, decisions));
    if (!columnsComparedOnParent(modelTable, databaseTable)) compareColumns(modelTable, databaseTable, diff);
    comparePartitioning(modelTable, databaseTable, (phase, op) => diff.plan.add(phase, op), (kind, message) => diff.warn(kind, message));
    const { keptForeignKeys, names } = compareTableConstraints(modelTable, constraintsAfterDetach(modelTable, databaseTable), diff, droppedKeys);
    compareTableStorage(modelTable, databaseTable, names, (phase, op) => diff.plan.add(phase, op));
    compareDistribution(modelTable, databaseTable, (phase, op) => diff.plan.add(phase, op));
    survivors.push({ table: modelTable, kept: keptForeignKeys });
  }
  rebuildDependentForeignKeys(survivors, droppedKeys, diff);
  comparePolicies(model, database, objectDiff);
  compareGrants(model, database, objectDiff);
  if (!diff.rebuildsTableOptions) diff.warnings.push(...tableOptionWarnings(model.tables, view.tables));
  diff.warnings.push(...partitionColumnWarnings(view.tables));

  rebuildViewsOverChangedColumns(diff.plan.operations(), model, database, (phase, op) => diff.plan.add(phase, op), options.viewsKeepAlteredColumns === true);
  if (options.operationsOnly) return { operations: diff.plan.operations(), warnings: [], renameCandidates: diff.candidates };
  const operations = orderOperations(diff.plan.operations(), database.dependencies);
  const risks: DiffWarning[] = operations.flatMap((op) => operationRisks(op).map((message) => ({ kind: "dataLoss" as const, message: capitalize(message) + "." })));
  return {
    operations,
    warnings: [...diff.warnings, ...risks, ...definerWarnings(operations), ...(options.unmodelledFromSurvey ? [] : unmodelledWarnings(operations, database))],
    renameCandidates: diff.candidates,
    ...(diff.reversals.size > 0 ? { reversals: diff.reversals } : {}),
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

