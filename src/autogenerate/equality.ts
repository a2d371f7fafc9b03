/**
 * Structural equality of catalog pieces, ignoring names where the caller matches
 * by name itself. Both catalogs are canonicalized by the dialect beforehand, so
 * text is compared exactly; only "absent means the default" is folded here.
 */
import { elementColumn, elementExpression, elementOptions, normalizeIndexElement } from "../catalog/index-elements.js";
import type {
  KeyIndexOptions,
  CheckConstraint,
  Column,
  FkAction,
  ForeignKey,
  Index,
  IndexElement,
  IndexExpressionElement,
  PrimaryKey,
  UniqueConstraint,
} from "../catalog/types.js";
import { comparableExpression, sameText } from "../catalog/exact-text.js";

export function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = Object.is): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i] as T));
}

export function sameColumnsAsSet(a: readonly string[], b: readonly string[]): boolean {
  return sameList([...a].sort(), [...b].sort());
}

export function sameIdentity(a: Column["identity"], b: Column["identity"]): boolean {
  return a === undefined || b === undefined ? a === b : a.always === b.always;
}

/** Same generation rule: both plain, or the same expression (compared canonically) and kind. */
export function sameGenerated(a: Column["generated"], b: Column["generated"]): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.stored === b.stored && sameText(a, b, "expression");
}

/** Everything about a column except its name. */
export function sameColumnDefinition(a: Column, b: Column): boolean {
  return (
    a.type === b.type &&
    a.nullable === b.nullable &&
    sameText(a, b, "default") &&
    sameGenerated(a.generated, b.generated) &&
    a.collation === b.collation &&
    sameIdentity(a.identity, b.identity) &&
    !!a.autoIncrement === !!b.autoIncrement &&
    a.comment === b.comment
  );
}

export function sameColumn(a: Column, b: Column): boolean {
  return a.name === b.name && sameColumnDefinition(a, b);
}

export function samePrimaryKeyColumns(a: PrimaryKey, b: PrimaryKey): boolean {
  return sameList(a.columns, b.columns);
}

/** INCLUDE (in order), WITH (any order) and the tablespace of a key's index. */
export function sameKeyIndexOptions(a: KeyIndexOptions, b: KeyIndexOptions): boolean {
  return sameList(a.include ?? [], b.include ?? []) && sameParameters(a.with, b.with) && a.tablespace === b.tablespace;
}

export function sameUnique(a: UniqueConstraint, b: UniqueConstraint): boolean {
  return sameList(a.columns, b.columns) && !!a.nullsNotDistinct === !!b.nullsNotDistinct && sameConstraintOptions(a, b) && sameKeyIndexOptions(a, b);
}

/**
 * DEFERRABLE and the comment, which every kind of constraint may carry. NOT VALID
 * is left out on purpose: it says what was checked when the constraint was added,
 * not what the constraint is, so a model need not repeat it (and a model that
 * says it is not at odds with a database that has validated since).
 */
export function sameConstraintOptions(
  a: { deferrable?: UniqueConstraint["deferrable"]; comment?: string },
  b: { deferrable?: UniqueConstraint["deferrable"]; comment?: string },
): boolean {
  return a.deferrable === b.deferrable && a.comment === b.comment;
}

export function sameCheck(a: CheckConstraint, b: CheckConstraint): boolean {
  return sameText(a, b, "expression") && a.comment === b.comment;
}

function fkAction(action: FkAction | undefined): FkAction {
  return action ?? "no action";
}

export function sameForeignKey(a: ForeignKey, b: ForeignKey): boolean {
  return (
    sameList(a.columns, b.columns) &&
    a.refSchema === b.refSchema &&
    a.refTable === b.refTable &&
    sameList(a.refColumns, b.refColumns) &&
    fkAction(a.onDelete) === fkAction(b.onDelete) &&
    fkAction(a.onUpdate) === fkAction(b.onUpdate) &&
    a.match === b.match &&
    sameConstraintOptions(a, b)
  );
}

export function sameIndexElement(a: IndexElement, b: IndexElement): boolean {
  // Plain columns (most elements): the same name.
  if (typeof a === "string" && typeof b === "string") return a === b;
  return JSON.stringify(elementKey(a)) === JSON.stringify(elementKey(b));
}

/** What an element means: its column or expression and its options, defaults left out, in a fixed key order. */
function elementKey(element: IndexElement): unknown[] {
  const e = normalizeIndexElement(element);
  const o = elementOptions(e);
  const expression = comparableExpression(e) ?? null;
  return [elementColumn(e) ?? null, expression, unquoted(o.collation), unquoted(o.opclass), o.opclassParams ?? null, !!o.descending, o.nulls ?? null];
}

/** A name written bare (`C`, as a model may) or as the database prints it (`"C"`) compares the same. */
function unquoted(name: string | undefined): string | null {
  if (name === undefined) return null;
  const m = /^"((?:[^"]|"")+)"$/.exec(name);
  return m ? m[1]!.replace(/""/g, '"') : name;
}

/** Storage parameters: the same names and values, in any order. */
export function sameParameters(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === undefined && b === undefined) return true;
  const left = Object.entries(a ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const right = Object.entries(b ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify(left) === JSON.stringify(right);
}

function indexMethod(method: string | undefined): string {
  return method ?? "btree";
}

export function sameIndex(a: Index, b: Index): boolean {
  return (
    sameList(a.columns, b.columns, sameIndexElement) &&
    !!a.unique === !!b.unique &&
    sameText(a, b, "where") &&
    indexMethod(a.method) === indexMethod(b.method) &&
    sameList(a.include ?? [], b.include ?? []) &&
    !!a.nullsNotDistinct === !!b.nullsNotDistinct &&
    sameParameters(a.with, b.with) &&
    a.tablespace === b.tablespace &&
    a.comment === b.comment
  );
}
