/**
 * Exact text and its canonical form (see EXACT TEXT in catalog/types.ts): SQL
 * text fields keep what was written; comparisons go through `comparable`.
 */
import type { IndexElement } from "./types.js";

type WithCanonical<K extends string> = { [P in K]?: string | undefined } & { canonical?: { [P in K]?: string } };

/** The text of `field` to compare with: its canonical form when the dialect gave one, else the text itself. */
export function comparable<K extends string>(item: WithCanonical<K> | undefined, field: K): string | undefined {
  if (item === undefined) return undefined;
  return item.canonical?.[field] ?? item[field];
}

/**
 * True when both sides' `field` compare equal (both absent counts as equal):
 * the same text, or the same canonical form. The same text is the same SQL, so a
 * model that repeats the database's text needs no canonical form to match.
 */
export function sameText<K extends string>(a: WithCanonical<K> | undefined, b: WithCanonical<K> | undefined, field: K): boolean {
  return a?.[field] === b?.[field] || comparable(a, field) === comparable(b, field);
}

/**
 * Sets the canonical form of `field` on `item`, or removes it when it equals the
 * text itself (so that objects stay small and text-only Catalogs stay as they were).
 */
export function setCanonical<K extends string>(item: WithCanonical<K>, field: K, canonical: string | undefined): void {
  const text = item[field];
  const rest = { ...(item.canonical ?? {}) } as { [P in K]?: string };
  if (canonical === undefined || canonical === text) delete rest[field];
  else rest[field] = canonical;
  if (Object.keys(rest).length > 0) item.canonical = rest;
  else delete item.canonical;
}

/** Forgets the canonical form of `field` (after the text changed). */
export function dropCanonical<K extends string>(item: WithCanonical<K>, field: K): void {
  setCanonical(item, field, undefined);
}

/** A deep copy of plain data without any `canonical` entries: what reaches revision files and people. */
export function withoutCanonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutCanonical) as T;
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (key !== "canonical") copy[key] = withoutCanonical(item);
  return copy as T;
}

/**
 * A deep copy where each text field reads as its canonical form and no
 * `canonical` entries remain: what comparison sees (for tests and messages).
 */
export function canonicalOnly<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonicalOnly) as T;
  if (value === null || typeof value !== "object") return value;
  const source = value as Record<string, unknown>;
  const canonical = (source.canonical ?? {}) as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    if (key === "canonical") continue;
    copy[key] = key in canonical ? canonical[key] : canonicalOnly(item);
  }
  return copy as T;
}

/** The expression of an index element to compare with (its canonical form when given); undefined for a column element. */
export function comparableExpression(element: IndexElement): string | undefined {
  if (typeof element === "string" || !("expression" in element)) return undefined;
  return element.canonical?.expression ?? element.expression;
}
