/**
 * modelsToCatalog: the exported tables and enums of model modules -> Catalog.
 *
 * Objects are recognized by kiln's hidden brands only. Every constraint and
 * index gets a name (explicit, or from the naming convention), tables and enums
 * are sorted by qualified name, constraints and indexes by name, columns keep
 * declaration order. Enums used by a column are included even when not exported.
 */
import { elementColumn, elementExpression, normalizeIndexElement } from "../catalog/index-elements.js";
import type {
  Catalog,
  CheckConstraint,
  Column as CatalogColumn,
  EnumType as CatalogEnum,
  ExclusionConstraint,
  ForeignKey,
  Index,
  IndexElement,
  KeyIndexOptions,
  PrimaryKey,
  Table as CatalogTable,
  UniqueConstraint,
} from "../catalog/types.js";
import { qualifiedName } from "../catalog/types.js";
import type { NamingConvention } from "../config/types.js";
import { KilnError } from "../errors.js";
import { ENUM } from "./brand.js";
import { isColumn, type AnyColumn, type EnumDefinition, type IdentitySequenceOptions, type TableIdentity } from "./column.js";
import type { OwnedSequence } from "../catalog/sequences.js";
import { isIndexKey, type ExclusionBuilder, type ForeignKeyExtra, type IndexBuilder, type IndexElementInput, type KeyIndexExtra, type PrimaryKeyExtra, type TableExtra, type UniqueExtra } from "./constraints.js";
import { isEnumType } from "./enum.js";
import { collectModelObjects } from "./objects.js";
import { collectPolicies } from "./policies.js";
import { collectGrants } from "./grants.js";
import { checkIdentifierLength } from "../dialects/identifier-limit.js";
import type { IdentifierLimit } from "../dialects/types.js";
import {
  STRICTEST_IDENTIFIER_LIMIT,
  applyNamingTemplate,
  expressionToken,
  resolveNaming,
  shortHash,
} from "./naming.js";
import { isColumnReference, isSqlFragment, type SqlFragment } from "./sql.js";
import { isTable, schemaCommentDeclared, schemaDeclared, tableDefinition, type TableDefinition } from "./table.js";
import { partitionFields } from "./partition-catalog.js";
import { isView, viewDefinition } from "./views.js";
import type { View as CatalogView } from "../catalog/views.js";

type Naming = Required<NamingConvention>;
type CheckIdentifier = (name: string, what: string | (() => string)) => void;

/** How names are made and checked: the conventions, the database's length limit, the check of explicit names. */
interface NameRules {
  naming: Naming;
  limit: ModelIdentifierLimit;
  checkIdentifier: CheckIdentifier;
}

interface Found<T> {
  value: T;
  /** Where it came from, for messages: `export "users"` (plus the module number when several). */
  source: string;
}

const byName = <T extends { name?: string }>(a: T, b: T) => compareText(a.name ?? "", b.name ?? "");
const byQualifiedName = <T extends { schema?: string; name: string }>(a: T, b: T) =>
  compareText(qualifiedName(a), qualifiedName(b));

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeTable(t: TableIdentity): string {
  return `table "${qualifiedName(t)}"`;
}

/**
 * modelsToCatalog's third argument: the database's identifier limit
 * (Dialect.identifierLimit; null for none). Left out, the strictest of the
 * supported databases applies.
 */
export type ModelIdentifierLimit = IdentifierLimit | null;

export function modelsToCatalog(
  modules: Record<string, unknown>[],
  naming?: NamingConvention,
  limit: ModelIdentifierLimit = STRICTEST_IDENTIFIER_LIMIT,
  /** indexNamesPerTable: the database keeps index names per table (MySQL), so two tables may share one. */
  options: { indexNamesPerTable?: boolean } = {},
): Catalog {
  const conventions: Naming = resolveNaming(naming);
  // One checker for every name of the models: explicit names are checked, generated ones cut (naming.ts).
  const checkIdentifier: CheckIdentifier = (name, what) => checkIdentifierLength(limit ?? undefined, name, what);
  const rules: NameRules = { naming: conventions, limit, checkIdentifier };
  const { tables, enums } = collect(modules);

  const usedEnums: Found<EnumDefinition>[] = [...enums];
  const catalogTables = tables.map(({ value, source }) => {
    for (const column of value.columns) {
      const used = column.state.enum;
      if (used) usedEnums.push({ value: used, source: `${source} (column "${column.name}")` });
    }
    return buildTable(value, rules);
  });
  if (!options.indexNamesPerTable) checkRelationNames(catalogTables);

  const catalogEnums = dedupeEnums(usedEnums, rules);
  const schemas = new Set<string>();
  for (const o of [...catalogTables, ...catalogEnums]) if (o.schema !== undefined) schemas.add(o.schema);

  const schemaComments: Record<string, string> = {};
  for (const module of modules) {
    for (const value of Object.values(module ?? {})) {
      const declared = schemaDeclared(value);
      if (declared !== undefined) schemas.add(declared);
      const comment = schemaCommentDeclared(value);
      if (declared === undefined || comment === undefined) continue;
      if (Object.hasOwn(schemaComments, declared) && schemaComments[declared] !== comment) {
        throw new KilnError(`schema("${declared}") is declared with two comments: ${JSON.stringify(schemaComments[declared])} and ${JSON.stringify(comment)}. Keep one.`);
      }
      schemaComments[declared] = comment;
    }
  }
  const objects = collectModelObjects(modules);
  for (const o of [...(objects.collations ?? []), ...(objects.sequences ?? []), ...(objects.domains ?? []), ...(objects.compositeTypes ?? []), ...(objects.extensions ?? []), ...(objects.routines ?? []), ...(objects.aggregates ?? []), ...(objects.triggers ?? []), ...(objects.operators ?? [])]) if (o.schema !== undefined) schemas.add(o.schema);
  const views = collectViews(modules, rules, catalogTables);
  for (const v of views) if (v.schema !== undefined) schemas.add(v.schema);

  const policies = collectPolicies(modules);
  const grants = collectGrants(modules);
  return {
    schemas: [...schemas].sort(compareText),
    ...(Object.keys(schemaComments).length > 0 ? { schemaComments } : {}),
    tables: catalogTables.sort(byQualifiedName),
    enums: catalogEnums.sort(byQualifiedName),
    ...objects,
    ...(views.length > 0 ? { views } : {}),
    ...(policies.length > 0 ? { policies } : {}),
    ...(grants ? { grants } : {}),
  };
}

function collect(modules: Record<string, unknown>[]) {
  const tables: Found<TableDefinition>[] = [];
  const enums: Found<EnumDefinition>[] = [];
  const seen = new Set<unknown>();
  const tablesByName = new Map<string, Found<TableDefinition>>();
  modules.forEach((module, i) => {
    for (const [key, value] of Object.entries(module ?? {})) {
      const source = modules.length > 1 ? `export "${key}" of model module #${i + 1}` : `export "${key}"`;
      if (isTable(value)) {
        const definition = tableDefinition(value);
        if (seen.has(definition)) continue;
        seen.add(definition);
        const name = qualifiedName(definition);
        const other = tablesByName.get(name);
        if (other) {
          throw new KilnError(
            `two model tables are both named "${name}": ${other.source} and ${source}. Rename one of them or put it in another schema.`,
          );
        }
        const found = { value: definition, source };
        tablesByName.set(name, found);
        tables.push(found);
      } else if (isEnumType(value)) {
        enums.push({ value: value[ENUM], source });
      }
    }
  });
  return { tables, enums };
}

function dedupeEnums(found: Found<EnumDefinition>[], rules: NameRules): CatalogEnum[] {
  const chosen = new Map<string, Found<EnumDefinition>>();
  for (const item of found) {
    const name = qualifiedName(item.value);
    const other = chosen.get(name);
    if (!other) {
      chosen.set(name, item);
    } else if (other.value !== item.value && other.value.values.join("\u0000") !== item.value.values.join("\u0000")) {
      throw new KilnError(
        `two enum types are both named "${name}" with different values: ${other.source} [${other.value.values.join(", ")}] and ${item.source} [${item.value.values.join(", ")}]. Declare the enum once and reuse it.`,
      );
    }
  }
  return [...chosen.values()].map(({ value, source }) => {
    rules.checkIdentifier(value.name, () => `enum type "${qualifiedName(value)}" (${source})`);
    return {
    ...(value.schema !== undefined ? { schema: value.schema } : {}),
      name: value.name,
      values: [...value.values],
      ...(value.comment !== undefined ? { comment: value.comment } : {}),
    };
  });
}

/** Table builder state shared by the helpers below. */
class TableContext {
  constructor(
    readonly definition: TableDefinition,
    readonly rules: NameRules,
  ) {}

  get naming(): Naming {
    return this.rules.naming;
  }

  /** For applyNamingTemplate: generated names are cut to the database's limit. */
  get limit(): ModelIdentifierLimit {
    return this.rules.limit;
  }

  get where(): string {
    return describeTable(this.definition);
  }

  /** The columns must belong to this table. */
  own(columns: readonly unknown[], what: string): AnyColumn[] {
    if (!Array.isArray(columns) || columns.length === 0) {
      throw new KilnError(`${this.where}: ${what} needs at least one column.`);
    }
    return columns.map((column) => {
      if (!isColumn(column)) {
        throw new KilnError(`${this.where}: ${what} lists something that is not a column of a table; pass columns such as t.email.`);
      }
      if (column.table !== this.definition.identity) {
        throw new KilnError(
          `${this.where}: ${what} lists column "${column.name}" of ${describeTable(column.table)}; only this table's own columns may be used here.`,
        );
      }
      return column;
    });
  }

  /** SQL text of a fragment whose interpolated columns must belong to this table. */
  render(fragment: SqlFragment, what: string): string {
    for (const chunk of fragment.chunks) {
      if (typeof chunk !== "string" && isColumn(chunk) && chunk.table !== this.definition.identity) {
        throw new KilnError(
          `${this.where}: ${what} mentions column "${chunk.name}" of ${describeTable(chunk.table)}; it may only use this table's columns.`,
        );
      }
    }
    return fragment.toSql();
  }

  name(explicit: string | undefined, what: string, generate: () => string): string {
    if (explicit === undefined) return generate();
    this.rules.checkIdentifier(explicit, () => `${this.where}: ${what}`);
    return explicit;
  }
}

function buildTable(definition: TableDefinition, rules: NameRules): CatalogTable {
  const ctx = new TableContext(definition, rules);
  const naming = rules.naming;
  ctx.rules.checkIdentifier(definition.name, () => ctx.where);
  const extras = groupExtras(ctx, definition.extras());

  const primaryKey = buildPrimaryKey(ctx, extras.primaryKeys);
  const pkColumns = new Set(primaryKey?.columns ?? []);
  const columns = definition.columns.map((column) => buildColumn(ctx, column, pkColumns.has(column.name)));

  const uniques: UniqueConstraint[] = [
    ...definition.columns.filter((c) => c.state.unique).map((c) => buildUnique(ctx, c.state.unique?.name, [c])),
    ...extras.uniques.map((u) => ({ ...buildUnique(ctx, u.name, ctx.own(u.columns, "unique(...).on(...)")), ...keyExtras(u), ...keyIndexExtras(ctx, u, "unique(..., { include })") })),
  ];
  const foreignKeys: ForeignKey[] = [
    ...definition.columns.filter((c) => c.state.references).map((c) => buildColumnReference(ctx, c)),
    ...extras.foreignKeys.map((fk) => buildForeignKey(ctx, fk)),
  ];
  const checks: CheckConstraint[] = extras.checks.map(({ name, expression, notValid, comment, column }) => {
    const text = ctx.render(expression, `check(${name ? `"${name}", ` : ""}...)`);
    return {
      // The hash and the column list only matter for a generated name.
      name: ctx.name(name, "check", () => {
        const hash = shortHash(text);
        const columnNames = expression.columnNames();
        return applyNamingTemplate(
          "ck",
          naming.ck,
          { table: definition.name, columns: columnNames.length > 0 ? columnNames : [hash], constraintName: hash },
          ctx.limit,
        );
      }),
      expression: text,
      ...(notValid ? { notValid: true } : {}),
      ...(comment !== undefined ? { comment } : {}),
      ...(column !== undefined ? { column: ctx.own([column], "check(..., { column })")[0]!.name } : {}),
    };
  });
  const indexes = extras.indexes.map((ix) => buildIndex(ctx, ix));
  const exclusions = extras.exclusions.map((ex) => buildExclusion(ctx, ex));

  checkTableNames(ctx, primaryKey, uniques, foreignKeys, checks, indexes, exclusions);
  return {
    ...(definition.schema !== undefined ? { schema: definition.schema } : {}),
    name: definition.name,
    columns,
    ...(primaryKey ? { primaryKey } : {}),
    uniques: uniques.sort(byName),
    foreignKeys: foreignKeys.sort(byName),
    checks: checks.sort(byName),
    // In the order declared: MySQL lists keys as they were created (Dialect.indexesInCreationOrder).
    indexes,
    ...(exclusions.length > 0 ? { exclusions: exclusions.sort(byName) } : {}),
    ...(definition.comment !== undefined ? { comment: definition.comment } : {}),
    ...(definition.options !== undefined ? { options: { ...definition.options } } : {}),
    ...partitionFields(definition),
    ...(definition.rowLevelSecurity !== undefined ? { rowLevelSecurity: { ...definition.rowLevelSecurity } } : {}),
    ...(definition.storage !== undefined ? structuredClone(definition.storage) : {}),
  };
}

function groupExtras(ctx: TableContext, extras: readonly TableExtra[]) {
  const groups = {
    primaryKeys: [] as PrimaryKeyExtra[],
    uniques: [] as UniqueExtra[],
    foreignKeys: [] as ForeignKeyExtra[],
    checks: [] as Extract<TableExtra, { kind: "check" }>[],
    indexes: [] as IndexBuilder[],
    exclusions: [] as ExclusionBuilder[],
  };
  extras.forEach((extra, i) => {
    switch ((extra as { kind?: unknown } | null)?.kind) {
      case "primaryKey":
        groups.primaryKeys.push(extra as PrimaryKeyExtra);
        break;
      case "unique":
        groups.uniques.push(extra as UniqueExtra);
        break;
      case "foreignKey":
        groups.foreignKeys.push(extra as ForeignKeyExtra);
        break;
      case "check":
        groups.checks.push(extra as Extract<TableExtra, { kind: "check" }>);
        break;
      case "index":
        groups.indexes.push(extra as IndexBuilder);
        break;
      case "exclusion":
        groups.exclusions.push(extra as ExclusionBuilder);
        break;
      case "pendingUnique":
        throw new KilnError(`${ctx.where}: extra #${i + 1} is unique(...) without .on(...); list its columns, e.g. unique().on(t.a, t.b).`);
      default:
        throw new KilnError(
          `${ctx.where}: extra #${i + 1} is not a table extra. The extras callback returns primaryKey(...), unique().on(...), foreignKey(...), check(...) or index().on(...).`,
        );
    }
  });
  return groups;
}

function buildPrimaryKey(ctx: TableContext, extras: PrimaryKeyExtra[]): PrimaryKey | undefined {
  const columnLevel = ctx.definition.columns.filter((c) => c.state.primaryKey);
  if (extras.length > 1) {
    throw new KilnError(`${ctx.where} declares ${extras.length} primaryKey(...) extras; a table has one primary key.`);
  }
  if (extras.length === 1 && columnLevel.length > 0) {
    throw new KilnError(
      `${ctx.where} has both .primaryKey() on column "${columnLevel[0]!.name}" and a primaryKey(...) extra; keep one of them.`,
    );
  }
  if (columnLevel.length > 1) {
    throw new KilnError(
      `${ctx.where} marks several columns with .primaryKey() (${columnLevel.map((c) => c.name).join(", ")}). ` +
        "For a composite key, use primaryKey({ columns: [t.a, t.b] }) in the table's extras.",
    );
  }
  const extra = extras[0];
  const columns = extra ? ctx.own(extra.columns, "primaryKey(...)") : columnLevel;
  if (columns.length === 0) return undefined;
  const names = columns.map((c) => c.name);
  return {
    name: ctx.name(extra?.name, "primaryKey(...)", () =>
      applyNamingTemplate("pk", ctx.naming.pk, { table: ctx.definition.name, columns: names }, ctx.limit),
    ),
    columns: names,
    ...(extra ? keyExtras(extra) : {}),
    ...(extra ? keyIndexExtras(ctx, extra, "primaryKey({ include })") : {}),
  };
}

/** INCLUDE (the table's own columns, by name), WITH and tablespace of a key extra, only those that are set. */
function keyIndexExtras(ctx: TableContext, extra: KeyIndexExtra, what: string): KeyIndexOptions {
  return {
    ...(extra.include && extra.include.length > 0 ? { include: ctx.own([...extra.include], what).map((c) => c.name) } : {}),
    ...(extra.with !== undefined ? { with: { ...extra.with } } : {}),
    ...(extra.tablespace !== undefined ? { tablespace: extra.tablespace } : {}),
  };
}

/** deferrable, comment and NULLS NOT DISTINCT of a key extra, only those that are set. */
function keyExtras(extra: { deferrable?: PrimaryKey["deferrable"]; comment?: string; nullsNotDistinct?: boolean }): Partial<UniqueConstraint> {
  return {
    ...(extra.nullsNotDistinct ? { nullsNotDistinct: true } : {}),
    ...(extra.deferrable !== undefined ? { deferrable: extra.deferrable } : {}),
    ...(extra.comment !== undefined ? { comment: extra.comment } : {}),
  };
}

/** The identity's sequence as introspection reads it (PostgreSQL names it `<table>_<column>_seq`). */
function identitySequence(table: string, column: string, options: IdentitySequenceOptions): OwnedSequence {
  const text = (value: number | bigint | undefined) => (value === undefined ? undefined : String(value));
  const sequence: OwnedSequence = { name: `${table}_${column}_seq` };
  const fields = { start: text(options.start), increment: text(options.increment), min: text(options.minValue), max: text(options.maxValue), cache: text(options.cache) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (sequence as unknown as Record<string, string>)[key] = value;
  if (options.cycle) sequence.cycle = true;
  return sequence;
}

function buildColumn(ctx: TableContext, column: AnyColumn, inPrimaryKey: boolean): CatalogColumn {
  const s = column.state;
  const where = () => `${ctx.where}, column "${column.name}"`;
  ctx.rules.checkIdentifier(column.name, where);
  if (s.default !== undefined && (s.identity || s.autoIncrement)) {
    throw new KilnError(`${where()}: ${s.identity ? "an identity" : "a serial"} column cannot also have a .default(); remove one.`);
  }
  const defaultText = s.default === undefined ? undefined : isSqlFragment(s.default) ? ctx.render(s.default, `the default of column "${column.name}"`) : s.default;
  const notNull = s.notNull || s.primaryKey || inPrimaryKey || s.identity !== undefined || s.autoIncrement;
  // Built key by key (in this order) rather than with conditional spreads: this runs once per column of every table.
  const built: CatalogColumn = { name: column.name, type: s.type, nullable: !notNull };
  if (defaultText !== undefined) built.default = defaultText;
  if (s.identity) built.identity = { always: s.identity.always };
  if (s.identity?.sequence) built.sequence = identitySequence(ctx.definition.name, column.name, s.identity.sequence);
  if (s.autoIncrement) built.autoIncrement = true;
  if (s.autoIncrement && s.serialSequence) {
    const { as, unlogged, ...options } = s.serialSequence;
    built.sequence = identitySequence(ctx.definition.name, column.name, options);
    if (as !== undefined && as !== s.type) built.sequence.type = as;
    if (unlogged !== undefined) built.sequence.unlogged = unlogged;
  }
  if (s.comment !== undefined) built.comment = s.comment;
  if (s.onUpdate !== undefined) built.onUpdate = ctx.render(s.onUpdate, `the ON UPDATE of column "${column.name}"`);
  if (s.charset !== undefined) built.charset = s.charset;
  if (s.collation !== undefined) built.collation = s.collation;
  if (s.statistics !== undefined) built.statistics = s.statistics;
  if (s.generated) {
    const fragment = isSqlFragment(s.generated.expression) ? s.generated.expression : s.generated.expression();
    if (!isSqlFragment(fragment)) {
      throw new KilnError(`${where()}: the function given to .generatedAlwaysAs(...) must return sql\`...\`.`);
    }
    built.generated = { expression: ctx.render(fragment, `the generation expression of column "${column.name}"`), stored: s.generated.stored };
  }
  return built;
}

function buildUnique(ctx: TableContext, name: string | undefined, columns: AnyColumn[]): UniqueConstraint {
  const names = columns.map((c) => c.name);
  return {
    name: ctx.name(name, "unique", () => applyNamingTemplate("uq", ctx.naming.uq, { table: ctx.definition.name, columns: names }, ctx.limit)),
    columns: names,
  };
}

function buildColumnReference(ctx: TableContext, column: AnyColumn): ForeignKey {
  const reference = column.state.references!;
  const target = reference.target();
  if (!isColumn(target)) {
    throw new KilnError(
      `${ctx.where}, column "${column.name}": the function passed to .references() must return a table column such as () => users.id.`,
    );
  }
  return foreignKeyOf(ctx, reference.options.name, [column], [target], reference.options);
}

function buildForeignKey(ctx: TableContext, fk: ForeignKeyExtra): ForeignKey {
  const columns = ctx.own(fk.columns, "foreignKey({ columns })");
  const targets = fk.foreignColumns;
  if (!Array.isArray(targets) || targets.length !== columns.length || !targets.every(isColumn)) {
    throw new KilnError(
      `${ctx.where}: foreignKey(...) needs as many foreignColumns as columns (${columns.length}), each a column of the referenced table.`,
    );
  }
  const referenced = targets[0]!.table;
  if (targets.some((t) => t.table !== referenced)) {
    throw new KilnError(`${ctx.where}: the foreignColumns of foreignKey(...) must all belong to the same table.`);
  }
  return {
    ...foreignKeyOf(ctx, fk.name, columns, targets, fk),
    ...(fk.match !== undefined ? { match: fk.match } : {}),
    ...(fk.deferrable !== undefined ? { deferrable: fk.deferrable } : {}),
    ...(fk.notValid ? { notValid: true } : {}),
    ...(fk.comment !== undefined ? { comment: fk.comment } : {}),
  };
}

function foreignKeyOf(
  ctx: TableContext,
  name: string | undefined,
  columns: AnyColumn[],
  targets: readonly AnyColumn[],
  actions: Pick<ForeignKey, "onDelete" | "onUpdate">,
): ForeignKey {
  const referenced = targets[0]!.table;
  const names = columns.map((c) => c.name);
  const refColumns = targets.map((t) => t.name);
  return {
    name: ctx.name(name, "foreign key", () =>
      applyNamingTemplate("fk", ctx.naming.fk, {
        table: ctx.definition.name,
        columns: names,
        referredTable: referenced.name,
        referredColumns: refColumns,
      }, ctx.limit),
    ),
    columns: names,
    ...(referenced.schema !== undefined ? { refSchema: referenced.schema } : {}),
    refTable: referenced.name,
    refColumns,
    ...(actions.onDelete !== undefined ? { onDelete: actions.onDelete } : {}),
    ...(actions.onUpdate !== undefined ? { onUpdate: actions.onUpdate } : {}),
  };
}

function buildIndex(ctx: TableContext, ix: IndexBuilder): Index {
  const what = `index${ix.name ? ` "${ix.name}"` : ""}`;
  if (ix.elements.length === 0) {
    throw new KilnError(`${ctx.where}: ${what} has no columns; write index().on(t.column) or index().on(sql\`lower(\${t.column})\`).`);
  }
  const columns: IndexElement[] = ix.elements.map((element) => buildIndexElement(ctx, element, what));
  // key(sql`...`, { statistics: n }): a target on the index column at that position (1-based).
  const statistics: Record<string, number> = {};
  ix.elements.forEach((element, i) => {
    if (!isIndexKey(element) || element.options.statistics === undefined) return;
    if (isIndexKey(element) && !isSqlFragment(element.target)) throw new KilnError(`${what}: key(..., { statistics }) applies to expression keys only (PostgreSQL sets statistics targets on index expressions).`);
    statistics[String(i + 1)] = element.options.statistics;
  });
  const tokens = columns.map((c) => elementColumn(c) ?? expressionToken(elementExpression(c)!));
  return {
    name: ctx.name(ix.name, what, () => applyNamingTemplate("ix", ctx.naming.ix, { table: ctx.definition.name, columns: tokens }, ctx.limit)),
    columns,
    ...(ix.isUnique ? { unique: true } : {}),
    ...(ix.predicate !== undefined ? { where: ctx.render(ix.predicate, `${what} .where(...)`) } : {}),
    ...(ix.method !== undefined ? { method: ix.method } : {}),
    ...(ix.included && ix.included.length > 0 ? { include: ctx.own(ix.included, `${what} .include(...)`).map((c) => c.name) } : {}),
    ...(ix.isNullsNotDistinct ? { nullsNotDistinct: true } : {}),
    ...(ix.parameters && Object.keys(ix.parameters).length > 0 ? { with: { ...ix.parameters } } : {}),
    ...(ix.tablespaceName !== undefined ? { tablespace: ix.tablespaceName } : {}),
    ...(ix.commentText !== undefined ? { comment: ix.commentText } : {}),
    ...(Object.keys(statistics).length > 0 ? { statistics } : {}),
  };
}

/** A column, a sql`...` expression, or key(...) of either with its options. */
function buildIndexElement(ctx: TableContext, element: IndexElementInput, what: string): IndexElement {
  if (isIndexKey(element)) {
    const base = buildIndexElement(ctx, element.target, what);
    const o = element.options;
    const options = {
      ...(o.collate !== undefined ? { collation: o.collate } : {}),
      ...(o.opclass !== undefined ? { opclass: o.opclass } : {}),
      ...(o.opclassParams !== undefined ? { opclassParams: o.opclassParams } : {}),
      ...(o.order === "desc" ? { descending: true } : {}),
      ...(o.nulls !== undefined ? { nulls: o.nulls } : {}),
    };
    return normalizeIndexElement(typeof base === "string" ? { column: base, ...options } : { ...base, ...options });
  }
  if (isSqlFragment(element)) {
    const only = element.chunks.length === 1 ? element.chunks[0] : undefined;
    if (only !== undefined && typeof only !== "string" && isColumnReference(only)) {
      return ctx.own([only], what)[0]!.name;
    }
    return { expression: ctx.render(element, `${what} expression`) };
  }
  return ctx.own([element], what)[0]!.name;
}

function buildExclusion(ctx: TableContext, ex: ExclusionBuilder): ExclusionConstraint {
  const what = `exclude(${ex.name ? `"${ex.name}"` : ""})`;
  if (ex.elements.length === 0) {
    throw new KilnError(`${ctx.where}: ${what} has no elements; write .on([t.column, "="], [t.other, "&&"]).`);
  }
  const elements = ex.elements.map(([element, operator]) => ({ element: buildIndexElement(ctx, element, what), operator }));
  const tokens = elements.map((e) => elementColumn(e.element) ?? expressionToken(elementExpression(e.element)!));
  return {
    name: ctx.name(ex.name, what, () => applyNamingTemplate("ix", "%(table_name)s_%(column_0_N_name)s_excl", { table: ctx.definition.name, columns: tokens }, ctx.limit)),
    method: ex.method,
    elements,
    ...(ex.included && ex.included.length > 0 ? { include: ctx.own(ex.included, `${what} .include(...)`).map((c) => c.name) } : {}),
    ...(ex.predicate !== undefined ? { where: ctx.render(ex.predicate, `${what} .where(...)`) } : {}),
    ...(ex.parameters && Object.keys(ex.parameters).length > 0 ? { with: { ...ex.parameters } } : {}),
    ...(ex.deferrableMode !== undefined ? { deferrable: ex.deferrableMode } : {}),
    ...(ex.commentText !== undefined ? { comment: ex.commentText } : {}),
  };
}

/** Constraint and index names must differ within a table. */
function checkTableNames(
  ctx: TableContext,
  primaryKey: PrimaryKey | undefined,
  ...groups: { name?: string }[][]
): void {
  const seen = new Set<string>();
  for (const item of [...(primaryKey ? [primaryKey] : []), ...groups.flat()]) {
    const name = item.name!;
    if (seen.has(name)) {
      throw new KilnError(
        `${ctx.where} has two constraints or indexes named "${name}". Give one of them an explicit, different name.`,
      );
    }
    seen.add(name);
  }
}

/**
 * Primary keys, unique constraints and indexes are backed by relations that
 * share one namespace per schema (PostgreSQL), so their names must differ across tables too.
 */
/** The exported views and materialized views, each once, with a materialized view's indexes named as a table's. */
function collectViews(modules: Record<string, unknown>[], rules: NameRules, tables: readonly CatalogTable[]): CatalogView[] {
  const found = new Map<string, { view: CatalogView; source: string }>();
  const relations = new Set(tables.map((t) => qualifiedName(t)));
  modules.forEach((module, i) => {
    for (const [key, value] of Object.entries(module ?? {})) {
      if (!isView(value)) continue;
      const source = modules.length > 1 ? `export "${key}" of model module #${i + 1}` : `export "${key}"`;
      const definition = viewDefinition(value);
      const view = structuredClone(definition.view);
      const id = qualifiedName(view);
      const kind = view.materialized ? "materialized view" : "view";
      rules.checkIdentifier(view.name, () => `${kind} "${id}" (${source})`);
      if (relations.has(id)) throw new KilnError(`${kind} "${id}" (${source}) has the name of a table; in one schema tables and views share their names.`);
      if (view.materialized) {
        const pseudo = {
          ...definition.identity,
          identity: definition.identity,
          columns: [],
          extras: () => definition.indexes() as unknown as readonly TableExtra[],
        } as unknown as TableDefinition;
        const ctx = new TableContext(pseudo, rules);
        view.indexes = definition
          .indexes()
          .map((ix) => buildIndex(ctx, ix))
          .sort(byName);
      }
      const other = found.get(id);
      if (other && JSON.stringify(other.view) !== JSON.stringify(view)) {
        throw new KilnError(`two views are both named "${id}" with different definitions (${other.source} and ${source}); declare it once.`);
      }
      found.set(id, { view, source });
    }
  });
  return [...found.values()].map((f) => f.view).sort(byQualifiedName);
}

function checkRelationNames(tables: CatalogTable[]): void {
  const owners = new Map<string, string>();
  for (const t of tables) {
    const self = qualifiedName(t);
    const names = [t.primaryKey?.name, ...t.uniques.map((u) => u.name), ...t.indexes.map((i) => i.name)];
    for (const name of names) {
      if (name === undefined) continue;
      const key = `${t.schema ?? ""}\u0000${name}`;
      const owner = owners.get(key);
      if (owner !== undefined && owner !== self) {
        throw new KilnError(
          `the name "${name}" is used by an index or key on both ${describeTable({ name: owner })} and ${describeTable(t)}; ` +
            "in one schema these names must be unique. Give one of them an explicit, different name.",
        );
      }
      owners.set(key, self);
    }
  }
}
