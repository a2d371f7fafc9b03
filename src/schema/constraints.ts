/**
 * Table-level extras, returned from a table's third argument:
 *
 *   table("t", { ... }, (t) => [
 *     primaryKey({ columns: [t.a, t.b] }),
 *     unique().on(t.email),
 *     foreignKey({ columns: [t.userId], foreignColumns: [users.id], onDelete: "cascade" }),
 *     check("price_positive", sql`${t.price} > 0`),
 *     index().on(t.name, sql`lower(${t.email})`).where(sql`${t.active}`).using("btree"),
 *     index().on(key(t.code, { collate: "C", opclass: "text_pattern_ops" }), desc(t.createdAt)).include(t.email),
 *     exclude("no_overlap").using("gist").on([t.room, "="], [t.during, "&&"]).deferrable("deferred"),
 *   ])
 *
 * Every builder is immutable; names are optional except where noted, and the
 * naming convention fills in the rest.
 */
import type { Deferrable, FkAction } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import { checkFkAction, type AnyColumn } from "./column.js";
import { isSqlFragment, type SqlFragment } from "./sql.js";

/** Options every kind of constraint may have (PostgreSQL). */
export interface ConstraintOptions {
  /** "immediate": DEFERRABLE (INITIALLY IMMEDIATE); "deferred": DEFERRABLE INITIALLY DEFERRED. */
  deferrable?: Deferrable;
  /** COMMENT ON CONSTRAINT. */
  comment?: string;
}

/** Options of the index behind a primary key or unique constraint (PostgreSQL), as given to primaryKey()/unique(). */
export interface KeyIndexInput {
  /** INCLUDE (...): non-key columns stored in the key's index. */
  include?: AnyColumn[];
  /** WITH (...): storage parameters of the key's index, e.g. { fillfactor: 70 }. */
  with?: Record<string, string | number | boolean>;
  /** USING INDEX TABLESPACE name. */
  tablespace?: string;
}

/** KeyIndexInput, checked: storage parameter values as text. */
export interface KeyIndexExtra {
  readonly include?: readonly AnyColumn[];
  readonly with?: Record<string, string>;
  readonly tablespace?: string;
}

export interface PrimaryKeyExtra extends ConstraintOptions, KeyIndexExtra {
  readonly kind: "primaryKey";
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
}

/** Options of unique(name?, options). */
export interface UniqueOptions extends ConstraintOptions, KeyIndexInput {
  /** NULLS NOT DISTINCT (PostgreSQL 15+): two NULLs count as a duplicate. */
  nullsNotDistinct?: boolean;
}

export interface UniqueExtra extends ConstraintOptions, KeyIndexExtra {
  readonly kind: "unique";
  readonly nullsNotDistinct?: boolean;
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
}

export interface ForeignKeyExtra extends ConstraintOptions {
  readonly kind: "foreignKey";
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
  readonly foreignColumns: readonly AnyColumn[];
  readonly onDelete?: FkAction;
  readonly onUpdate?: FkAction;
  readonly match?: "full";
  readonly notValid?: boolean;
}

/** Options of check(name, sql, options). */
export interface CheckOptions {
  /** The constraint stands NOT VALID (rows from before it was added were never checked). */
  notValid?: boolean;
  comment?: string;
  /** MariaDB: a column-level check, written in the column's definition (its name is the column's). */
  column?: AnyColumn;
}

export interface CheckExtra extends CheckOptions {
  readonly kind: "check";
  readonly name?: string;
  readonly expression: SqlFragment;
}

/** Options of one index key: key(t.code, { collate: "C", opclass: "text_pattern_ops", order: "desc" }). */
export interface KeyOptions {
  /** COLLATE name, e.g. "C" (written bare; kiln quotes it). */
  collate?: string;
  /** Operator class, e.g. "text_pattern_ops", "gin_trgm_ops". */
  opclass?: string;
  /** The operator class's parameters, e.g. "siglen=32". */
  opclassParams?: string;
  order?: "asc" | "desc";
  /** NULLS FIRST / NULLS LAST. */
  nulls?: "first" | "last";
  /** PostgreSQL, expression keys: the statistics target (ALTER INDEX ... ALTER COLUMN n SET STATISTICS m). */
  statistics?: number;
}

export interface IndexKey {
  readonly kind: "indexKey";
  readonly target: AnyColumn | SqlFragment;
  readonly options: KeyOptions;
}

export type IndexElementInput = AnyColumn | SqlFragment | IndexKey;

const ORDERS = ["asc", "desc"];
const NULLS = ["first", "last"];

/** An index key (column or sql`...` expression) with options: collation, operator class, order, nulls. */
export function key(target: AnyColumn | SqlFragment, options: KeyOptions = {}): IndexKey {
  if (options.order !== undefined && !ORDERS.includes(options.order)) {
    throw new KilnError(`key(..., { order: ${JSON.stringify(options.order)} }): order is "asc" or "desc".`);
  }
  if (options.nulls !== undefined && !NULLS.includes(options.nulls)) {
    throw new KilnError(`key(..., { nulls: ${JSON.stringify(options.nulls)} }): nulls is "first" or "last".`);
  }
  if (options.statistics !== undefined && !(Number.isInteger(options.statistics) && options.statistics >= 0 && options.statistics <= 10000)) {
    throw new KilnError(`key(..., { statistics: ${JSON.stringify(options.statistics)} }): a statistics target is an integer from 0 to 10000.`);
  }
  for (const field of ["collate", "opclass", "opclassParams"] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
      throw new KilnError(`key(..., { ${field} }): give a non-empty name, got ${JSON.stringify(value)}.`);
    }
  }
  return { kind: "indexKey", target, options: { ...options } };
}

/** Shorthand for key(target, { order: "desc" }). */
export function desc(target: AnyColumn | SqlFragment): IndexKey {
  return key(target, { order: "desc" });
}

export function isIndexKey(value: unknown): value is IndexKey {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "indexKey";
}

/** Storage parameters as given: numbers and booleans are written as the database prints them. */
function parameterText(parameters: Record<string, string | number | boolean>, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new KilnError(`${where}: ${JSON.stringify(name)} is not a storage parameter name (e.g. fillfactor).`);
    if (!["string", "number", "boolean"].includes(typeof value)) throw new KilnError(`${where}: the value of ${name} must be a string, number or boolean.`);
    out[name] = String(value);
  }
  return out;
}

export class IndexBuilder {
  readonly kind = "index" as const;
  readonly name?: string;
  readonly elements: readonly IndexElementInput[];
  readonly isUnique: boolean;
  readonly predicate?: SqlFragment;
  readonly method?: string;
  readonly included?: readonly AnyColumn[];
  readonly isNullsNotDistinct?: boolean;
  readonly parameters?: Record<string, string>;
  readonly tablespaceName?: string;
  readonly commentText?: string;

  constructor(init: {
    name?: string;
    elements?: readonly IndexElementInput[];
    isUnique?: boolean;
    predicate?: SqlFragment;
    method?: string;
    included?: readonly AnyColumn[];
    isNullsNotDistinct?: boolean;
    parameters?: Record<string, string>;
    tablespaceName?: string;
    commentText?: string;
  }) {
    if (init.name !== undefined) this.name = init.name;
    this.elements = init.elements ?? [];
    this.isUnique = init.isUnique ?? false;
    if (init.predicate !== undefined) this.predicate = init.predicate;
    if (init.method !== undefined) this.method = init.method;
    if (init.included !== undefined) this.included = init.included;
    if (init.isNullsNotDistinct) this.isNullsNotDistinct = true;
    if (init.parameters !== undefined) this.parameters = init.parameters;
    if (init.tablespaceName !== undefined) this.tablespaceName = init.tablespaceName;
    if (init.commentText !== undefined) this.commentText = init.commentText;
  }

  /** Columns and/or expressions (sql`lower(${t.email})`), in index order. */
  on(...elements: IndexElementInput[]): IndexBuilder {
    return this.next({ elements });
  }

  unique(): IndexBuilder {
    return this.next({ isUnique: true });
  }

  /** Partial index predicate. */
  where(predicate: SqlFragment): IndexBuilder {
    if (!isSqlFragment(predicate)) {
      throw new KilnError("index().where(...) expects a sql`...` fragment, e.g. .where(sql`${t.deletedAt} IS NULL`).");
    }
    return this.next({ predicate });
  }

  /** Access method, e.g. "gin", "gist", "hash", "brin" (default btree). */
  using(method: string): IndexBuilder {
    if (typeof method !== "string" || !/^[a-z_][a-z0-9_]*$/i.test(method)) {
      throw new KilnError(`index().using(${JSON.stringify(method)}): the access method must be a plain name such as "gin".`);
    }
    return this.next({ method: method.toLowerCase() });
  }

  /** INCLUDE (...): non-key columns stored in the index (PostgreSQL). */
  include(...columns: AnyColumn[]): IndexBuilder {
    return this.next({ included: columns });
  }

  /** NULLS NOT DISTINCT on a unique index (PostgreSQL 15+). */
  nullsNotDistinct(): IndexBuilder {
    return this.next({ isNullsNotDistinct: true });
  }

  /** Storage parameters: .with({ fillfactor: 70 }). */
  with(parameters: Record<string, string | number | boolean>): IndexBuilder {
    return this.next({ parameters: parameterText(parameters, "index().with(...)") });
  }

  private next(patch: Partial<ConstructorParameters<typeof IndexBuilder>[0]>): IndexBuilder {
    return new IndexBuilder({ ...this, ...patch });
  }

  /** TABLESPACE name (PostgreSQL). */
  tablespace(name: string): IndexBuilder {
    if (typeof name !== "string" || name === "") throw new KilnError("index().tablespace(name): give the tablespace's name.");
    return this.next({ tablespaceName: name });
  }

  /** COMMENT ON INDEX. */
  comment(text: string): IndexBuilder {
    if (typeof text !== "string") throw new KilnError("index().comment(text): the comment must be a string.");
    return this.next({ commentText: text });
  }
}

/** exclude(name?).using("gist").on([t.room, "="], [t.during, "&&"]): an exclusion constraint (PostgreSQL). */
export class ExclusionBuilder {
  readonly kind = "exclusion" as const;
  readonly name?: string;
  readonly method: string = "gist";
  readonly elements: readonly (readonly [IndexElementInput, string])[] = [];
  readonly predicate?: SqlFragment;
  readonly included?: readonly AnyColumn[];
  readonly parameters?: Record<string, string>;
  readonly deferrableMode?: Deferrable;
  readonly commentText?: string;

  constructor(init: Partial<Omit<ExclusionBuilder, "kind">>) {
    Object.assign(this, Object.fromEntries(Object.entries(init).filter(([k, v]) => v !== undefined && typeof v !== "function" && k !== "kind")));
  }

  private next(patch: Partial<Omit<ExclusionBuilder, "kind">>): ExclusionBuilder {
    return new ExclusionBuilder({ ...this, ...patch });
  }

  /** Access method (default gist). */
  using(method: string): ExclusionBuilder {
    if (typeof method !== "string" || !/^[a-z_][a-z0-9_]*$/i.test(method)) {
      throw new KilnError(`exclude().using(${JSON.stringify(method)}): the access method must be a plain name such as "gist".`);
    }
    return this.next({ method: method.toLowerCase() });
  }

  /** Each element with its operator: [t.room, "="], [sql`tstzrange(${t.start}, ${t.end})`, "&&"]. */
  on(...elements: [IndexElementInput, string][]): ExclusionBuilder {
    for (const pair of elements) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== "string") {
        throw new KilnError('exclude().on(...) takes [element, operator] pairs, e.g. .on([t.room, "="], [t.during, "&&"]).');
      }
    }
    return this.next({ elements: elements.map(([e, op]) => [e, op] as const) });
  }

  where(predicate: SqlFragment): ExclusionBuilder {
    if (!isSqlFragment(predicate)) throw new KilnError("exclude().where(...) expects a sql`...` fragment.");
    return this.next({ predicate });
  }

  include(...columns: AnyColumn[]): ExclusionBuilder {
    return this.next({ included: columns });
  }

  with(parameters: Record<string, string | number | boolean>): ExclusionBuilder {
    return this.next({ parameters: parameterText(parameters, "exclude().with(...)") });
  }

  deferrable(mode: Deferrable = "immediate"): ExclusionBuilder {
    if (mode !== "immediate" && mode !== "deferred") throw new KilnError('exclude().deferrable(mode): mode is "immediate" or "deferred".');
    return this.next({ deferrableMode: mode });
  }

  comment(text: string): ExclusionBuilder {
    return this.next({ commentText: text });
  }
}

/** An exclusion constraint (PostgreSQL): exclude(name?).using("gist").on([t.a, "="], [t.b, "&&"]). */
export function exclude(name?: string): ExclusionBuilder {
  return new ExclusionBuilder(optionalName(name, "exclude(name)"));
}

/** Waiting for `.on(...)`: unique(name?).on(t.a, t.b). */
export interface PendingUnique {
  readonly kind: "pendingUnique";
  readonly name?: string;
  on(...columns: AnyColumn[]): UniqueExtra;
}

export type TableExtra = PrimaryKeyExtra | UniqueExtra | ForeignKeyExtra | CheckExtra | IndexBuilder | PendingUnique | ExclusionBuilder;

function optionalName(name: unknown, where: string): { name?: string } {
  if (name === undefined) return {};
  if (typeof name !== "string" || name === "") {
    throw new KilnError(`${where}: a name must be a non-empty string, got ${JSON.stringify(name)}.`);
  }
  return { name };
}

/** Composite (or single-column) primary key. */
export function primaryKey(options: { name?: string; columns: AnyColumn[] } & ConstraintOptions & KeyIndexInput): PrimaryKeyExtra {
  return {
    kind: "primaryKey",
    ...optionalName(options.name, "primaryKey({ name })"),
    columns: [...options.columns],
    ...constraintOptions(options, "primaryKey"),
    ...keyIndexInput(options, "primaryKey"),
  };
}

/** include, with and tablespace, checked; only those that are set. */
function keyIndexInput(options: KeyIndexInput, where: string): KeyIndexExtra {
  const out: { include?: AnyColumn[]; with?: Record<string, string>; tablespace?: string } = {};
  if (options.include !== undefined) {
    if (!Array.isArray(options.include)) throw new KilnError(`${where}({ include }): give a list of the table's columns.`);
    if (options.include.length > 0) out.include = [...options.include];
  }
  if (options.with !== undefined) {
    const parameters = parameterText(options.with, `${where}({ with })`);
    if (Object.keys(parameters).length > 0) out.with = parameters;
  }
  if (options.tablespace !== undefined) {
    if (typeof options.tablespace !== "string" || options.tablespace === "") throw new KilnError(`${where}({ tablespace }): give the tablespace's name.`);
    out.tablespace = options.tablespace;
  }
  return out;
}

/** deferrable and comment, checked. */
function constraintOptions(options: ConstraintOptions, where: string): ConstraintOptions {
  const out: ConstraintOptions = {};
  if (options.deferrable !== undefined) {
    if (options.deferrable !== "immediate" && options.deferrable !== "deferred") {
      throw new KilnError(`${where}({ deferrable }): "immediate" or "deferred", got ${JSON.stringify(options.deferrable)}.`);
    }
    out.deferrable = options.deferrable;
  }
  if (options.comment !== undefined) {
    if (typeof options.comment !== "string") throw new KilnError(`${where}({ comment }): the comment must be a string.`);
    out.comment = options.comment;
  }
  return out;
}

/** Unique constraint over one or more columns: unique(name?).on(t.a, t.b). */
export function unique(name?: string, options: UniqueOptions = {}): PendingUnique {
  const named = optionalName(name, "unique(name)");
  const extra = { ...constraintOptions(options, "unique"), ...keyIndexInput(options, "unique"), ...(options.nullsNotDistinct ? { nullsNotDistinct: true } : {}) };
  return {
    kind: "pendingUnique",
    ...named,
    on: (...columns: AnyColumn[]): UniqueExtra => ({ kind: "unique", ...named, columns, ...extra }),
  };
}

export interface ForeignKeyOptions {
  name?: string;
  columns: AnyColumn[];
  foreignColumns: AnyColumn[];
  onDelete?: FkAction;
  onUpdate?: FkAction;
  /** MATCH FULL (default MATCH SIMPLE). */
  match?: "full";
  deferrable?: Deferrable;
  /** The constraint stands NOT VALID (rows from before it was added were never checked). */
  notValid?: boolean;
  comment?: string;
}

export function foreignKey(options: ForeignKeyOptions): ForeignKeyExtra {
  checkFkAction(options.onDelete, "foreignKey({ onDelete })");
  checkFkAction(options.onUpdate, "foreignKey({ onUpdate })");
  return {
    kind: "foreignKey",
    ...optionalName(options.name, "foreignKey({ name })"),
    columns: [...options.columns],
    foreignColumns: [...options.foreignColumns],
    ...(options.onDelete !== undefined ? { onDelete: options.onDelete } : {}),
    ...(options.onUpdate !== undefined ? { onUpdate: options.onUpdate } : {}),
    ...(options.match !== undefined ? { match: checkMatch(options.match) } : {}),
    ...(options.notValid ? { notValid: true } : {}),
    ...constraintOptions(options, "foreignKey"),
  };
}

function checkMatch(match: unknown): "full" {
  if (match !== "full") throw new KilnError(`foreignKey({ match }): only "full" (MATCH FULL) is supported; leave it out for MATCH SIMPLE.`);
  return match;
}

/**
 * Check constraint. check("name", sql`...`) uses the name exactly as given;
 * check(sql`...`) lets the naming convention name it.
 */
export function check(name: string, expression: SqlFragment, options?: CheckOptions): CheckExtra;
export function check(expression: SqlFragment): CheckExtra;
export function check(nameOrExpression: string | SqlFragment, expression?: SqlFragment, options: CheckOptions = {}): CheckExtra {
  const [name, expr] = typeof nameOrExpression === "string" ? [nameOrExpression, expression] : [undefined, nameOrExpression];
  if (!isSqlFragment(expr)) {
    throw new KilnError(
      `check(${name !== undefined ? `"${name}", ` : ""}...) expects a sql\`...\` expression, e.g. check("price_positive", sql\`price > 0\`).`,
    );
  }
  return {
    kind: "check",
    ...optionalName(name, "check(name, ...)"),
    expression: expr,
    ...(options.notValid ? { notValid: true } : {}),
    ...(options.comment !== undefined ? { comment: String(options.comment) } : {}),
    ...(options.column !== undefined ? { column: options.column } : {}),
  };
}

/** Index: index(name?).on(...columns or expressions), then optionally .unique(), .where(...), .using(...). */
export function index(name?: string): IndexBuilder {
  return new IndexBuilder(optionalName(name, "index(name)"));
}

/** Shorthand for index(name?).unique(). */
export function uniqueIndex(name?: string): IndexBuilder {
  return index(name).unique();
}
