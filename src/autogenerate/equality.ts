/**
 * Structural equality of catalog pieces, ignoring names where the caller matches
 * by name itself. Both catalogs are canonicalized by the dialect beforehand, so
 * text is compared exactly; only "absent means the default" is folded here.
 */
import { elementColumn, elementExpression, elementOptions, normalizeIndexElement } from "../catalog/index-elements.js";
import type {
  CheckConstraint,
  Column,
  FkAction,
  ForeignKey,
  Index,
  IndexElement,
  PrimaryKey,
  UniqueConstraint,
} from "../catalog/types.js";

export function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = Object.is): boolean {
  return a.length === b.length && a.every((x, i) => same(x, b[i] as T));
}

export function sameColumnsAsSet(a: readonly string[], b: readonly string[]): boolean {
  return sameList([...a].sort(), [...b].sort());
}

export function sameIdentity(a: Column["identity"], b: Column["identity"]): boolean {
  return a === undefined || b === undefined ? a === b : a.always === b.always;
}

/** Everything about a column except its name. */
export function sameColumnDefinition(a: Column, b: Column): boolean {
  return (
    a.type === b.type &&
    a.nullable === b.nullable &&
    a.default === b.default &&
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

export function sameUnique(a: UniqueConstraint, b: UniqueConstraint): boolean {
  return sameList(a.columns, b.columns);
}

export function sameCheck(a: CheckConstraint, b: CheckConstraint): boolean {
  return a.expression === b.expression;
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
    fkAction(a.onUpdate) === fkAction(b.onUpdate)
  );
}

function sameIndexElement(a: IndexElement, b: IndexElement): boolean {
  return JSON.stringify(elementKey(a)) === JSON.stringify(elementKey(b));
}

/** What an element means: its column or expression and its options, defaults left out, in a fixed key order. */
function elementKey(element: IndexElement): unknown[] {
  const e = normalizeIndexElement(element);
  const o = elementOptions(e);
  return [elementColumn(e) ?? null, elementExpression(e) ?? null, o.collation ?? null, o.opclass ?? null, o.opclassParams ?? null, !!o.descending, o.nulls ?? null];
}

/** Storage parameters: the same names and values, in any order. */
export function sameParameters(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
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
    a.where === b.where &&
    indexMethod(a.method) === indexMethod(b.method) &&
    sameList(a.include ?? [], b.include ?? []) &&
    !!a.nullsNotDistinct === !!b.nullsNotDistinct &&
    sameParameters(a.with, b.with) &&
    a.tablespace === b.tablespace
  );
}
