/**
 * Table-level extras, returned from a table's third argument:
 *
 *   table("t", { ... }, (t) => [
 *     primaryKey({ columns: [t.a, t.b] }),
 *     unique().on(t.email),
 *     foreignKey({ columns: [t.userId], foreignColumns: [users.id], onDelete: "cascade" }),
 *     check("price_positive", sql`${t.price} > 0`),
 *     index().on(t.name, sql`lower(${t.email})`).where(sql`${t.active}`).using("btree"),
 *   ])
 *
 * Every builder is immutable; names are optional except where noted, and the
 * naming convention fills in the rest.
 */
import type { FkAction } from "../catalog/types.js";
import { KilnError } from "../errors.js";
import { checkFkAction, type AnyColumn } from "./column.js";
import { isSqlFragment, type SqlFragment } from "./sql.js";

export interface PrimaryKeyExtra {
  readonly kind: "primaryKey";
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
}

export interface UniqueExtra {
  readonly kind: "unique";
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
}

export interface ForeignKeyExtra {
  readonly kind: "foreignKey";
  readonly name?: string;
  readonly columns: readonly AnyColumn[];
  readonly foreignColumns: readonly AnyColumn[];
  readonly onDelete?: FkAction;
  readonly onUpdate?: FkAction;
}

export interface CheckExtra {
  readonly kind: "check";
  readonly name?: string;
  readonly expression: SqlFragment;
}

export type IndexElementInput = AnyColumn | SqlFragment;

export class IndexBuilder {
  readonly kind = "index" as const;
  readonly name?: string;
  readonly elements: readonly IndexElementInput[];
  readonly isUnique: boolean;
  readonly predicate?: SqlFragment;
  readonly method?: string;

  constructor(init: { name?: string; elements?: readonly IndexElementInput[]; isUnique?: boolean; predicate?: SqlFragment; method?: string }) {
    if (init.name !== undefined) this.name = init.name;
    this.elements = init.elements ?? [];
    this.isUnique = init.isUnique ?? false;
    if (init.predicate !== undefined) this.predicate = init.predicate;
    if (init.method !== undefined) this.method = init.method;
  }

  private with(patch: Partial<ConstructorParameters<typeof IndexBuilder>[0]>): IndexBuilder {
    return new IndexBuilder({ ...this, ...patch });
  }

  /** Columns and/or expressions (sql`lower(${t.email})`), in index order. */
  on(...elements: IndexElementInput[]): IndexBuilder {
    return this.with({ elements });
  }

  unique(): IndexBuilder {
    return this.with({ isUnique: true });
  }

  /** Partial index predicate. */
  where(predicate: SqlFragment): IndexBuilder {
    if (!isSqlFragment(predicate)) {
      throw new KilnError("index().where(...) expects a sql`...` fragment, e.g. .where(sql`${t.deletedAt} IS NULL`).");
    }
    return this.with({ predicate });
  }

  /** Access method, e.g. "gin", "gist", "hash", "brin" (default btree). */
  using(method: string): IndexBuilder {
    if (typeof method !== "string" || !/^[a-z_][a-z0-9_]*$/i.test(method)) {
      throw new KilnError(`index().using(${JSON.stringify(method)}): the access method must be a plain name such as "gin".`);
    }
    return this.with({ method: method.toLowerCase() });
  }
}

/** Waiting for `.on(...)`: unique(name?).on(t.a, t.b). */
export interface PendingUnique {
  readonly kind: "pendingUnique";
  readonly name?: string;
  on(...columns: AnyColumn[]): UniqueExtra;
}

export type TableExtra = PrimaryKeyExtra | UniqueExtra | ForeignKeyExtra | CheckExtra | IndexBuilder | PendingUnique;

function optionalName(name: unknown, where: string): { name?: string } {
  if (name === undefined) return {};
  if (typeof name !== "string" || name === "") {
    throw new KilnError(`${where}: a name must be a non-empty string, got ${JSON.stringify(name)}.`);
  }
  return { name };
}

/** Composite (or single-column) primary key. */
export function primaryKey(options: { name?: string; columns: AnyColumn[] }): PrimaryKeyExtra {
  return { kind: "primaryKey", ...optionalName(options.name, "primaryKey({ name })"), columns: [...options.columns] };
}

/** Unique constraint over one or more columns: unique(name?).on(t.a, t.b). */
export function unique(name?: string): PendingUnique {
  const named = optionalName(name, "unique(name)");
  return {
    kind: "pendingUnique",
    ...named,
    on: (...columns: AnyColumn[]): UniqueExtra => ({ kind: "unique", ...named, columns }),
  };
}

export interface ForeignKeyOptions {
  name?: string;
  columns: AnyColumn[];
  foreignColumns: AnyColumn[];
  onDelete?: FkAction;
  onUpdate?: FkAction;
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
  };
}

/**
 * Check constraint. check("name", sql`...`) uses the name exactly as given;
 * check(sql`...`) lets the naming convention name it.
 */
export function check(name: string, expression: SqlFragment): CheckExtra;
export function check(expression: SqlFragment): CheckExtra;
export function check(nameOrExpression: string | SqlFragment, expression?: SqlFragment): CheckExtra {
  const [name, expr] = typeof nameOrExpression === "string" ? [nameOrExpression, expression] : [undefined, nameOrExpression];
  if (!isSqlFragment(expr)) {
    throw new KilnError(
      `check(${name !== undefined ? `"${name}", ` : ""}...) expects a sql\`...\` expression, e.g. check("price_positive", sql\`price > 0\`).`,
    );
  }
  return { kind: "check", ...optionalName(name, "check(name, ...)"), expression: expr };
}

/** Index: index(name?).on(...columns or expressions), then optionally .unique(), .where(...), .using(...). */
export function index(name?: string): IndexBuilder {
  return new IndexBuilder(optionalName(name, "index(name)"));
}

/** Shorthand for index(name?).unique(). */
export function uniqueIndex(name?: string): IndexBuilder {
  return index(name).unique();
}
