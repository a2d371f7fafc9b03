/**
 * Structural equality of catalog pieces, ignoring names where the caller matches
 * by name itself. Both catalogs are canonicalized by the dialect beforehand, so
 * text is compared exactly; only "absent means the default" is folded here.
 */
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
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.expression === b.expression;
}

function indexMethod(method: string | undefined): string {
  return method ?? "btree";
}

export function sameIndex(a: Index, b: Index): boolean {
  return (
    sameList(a.columns, b.columns, sameIndexElement) &&
    !!a.unique === !!b.unique &&
    a.where === b.where &&
    indexMethod(a.method) === indexMethod(b.method)
  );
}
