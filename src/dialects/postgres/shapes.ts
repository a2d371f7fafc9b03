/**
 * Table shapes for canonicalize: tables that PostgreSQL would spell exactly
 * alike, so that one scratch copy spells them all. Pure.
 *
 * Why here and not in autogenerate: sharing a spelling needs two things only a
 * dialect knows. (1) Its canonicalize must keep the model's structure and
 * change spellings only, so a representative's result maps onto another table
 * position by position: true here, not on MySQL, whose canonicalize returns the
 * introspected table (indexes merged into constraints, re-sorted by the
 * server's names). (2) Which spellings can depend on a table's own name:
 * here a default such as `nextval('t_id_seq')` or a qualified column
 * reference. SQLite spells by text rules alone, so has nothing to save.
 *
 * What PostgreSQL spells, and so what a shape holds: column types, defaults,
 * identity/serial, check expressions in order, and the indexes it has to spell
 * (see indexNeedsSpelling) in order. Names of the table, its constraints and
 * indexes, nullability and comments are not spelled and are left out. The
 * schema stays in: it is cheap to keep, and the only way a schema could leak
 * into a spelling would be through the text itself.
 */
import { elementExpression } from "../../catalog/index-elements.js";
import type { Column, Index, Table } from "../../catalog/types.js";

export interface ShapeGroup {
  /** The table built in the scratch schema for the whole group. */
  representative: Table;
  /** Every table of the shape, the representative first, in the order given. */
  members: Table[];
}

/**
 * A plain index (named columns only, no predicate, default method) reads back
 * exactly as the model writes it: nothing to spell, so it is not built.
 */
export function indexNeedsSpelling(index: Index): boolean {
  return index.where !== undefined || index.method !== undefined || index.columns.some((e) => typeof e !== "string");
  // (a column with options is an object too: its collation and operator class are spelled by PostgreSQL)
}

/** The default canonicalize builds (identity, serial and generated columns carry none). */
export function builtDefault(column: Column): string | undefined {
  return column.default !== undefined && !column.identity && !column.autoIncrement && !column.generated ? column.default : undefined;
}

/** SQL text of the table that PostgreSQL spells (types, defaults, checks, built index expressions). */
function spelledTexts(table: Table): string[] {
  const texts: string[] = [];
  for (const column of table.columns) {
    texts.push(column.type);
    const d = builtDefault(column);
    if (d !== undefined) texts.push(d);
    if (column.generated) texts.push(column.generated.expression);
  }
  for (const check of table.checks) texts.push(check.expression);
  for (const index of table.indexes.filter(indexNeedsSpelling)) {
    for (const element of index.columns) {
      const expression = elementExpression(element);
      if (expression !== undefined) texts.push(expression);
    }
    if (index.where !== undefined) texts.push(index.where);
    if (index.method !== undefined) texts.push(index.method);
  }
  return texts;
}

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * True when `name` occurs in `text` as a word of its own, case-insensitively;
 * `_`, quotes and dots count as word breaks, so `nextval('t_id_seq')` and
 * `"t".amount` both mention a table named t. Errs towards "yes": a false yes
 * only costs a scratch table.
 */
export function mentionsName(text: string, name: string): boolean {
  const haystack = text.toLowerCase();
  const needle = name.toLowerCase();
  if (needle === "") return false;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = at > 0 ? haystack[at - 1]! : "";
    const after = haystack[at + needle.length] ?? "";
    if (!WORD_CHARACTER.test(before) && !WORD_CHARACTER.test(after)) return true;
  }
  return false;
}

/**
 * The shape of a table as a string, or undefined when the table must be its own
 * shape because its SQL text mentions its own name (a sequence named after it,
 * a qualified column reference): what PostgreSQL prints for it may then depend
 * on that name.
 */
export function shapeKey(table: Table): string | undefined {
  if (spelledTexts(table).some((text) => mentionsName(text, table.name))) return undefined;
  return JSON.stringify([
    table.schema ?? null,
    table.columns.map((c) => [
      c.name,
      c.type,
      builtDefault(c) ?? null,
      c.identity ? c.identity.always : null,
      c.autoIncrement === true,
      c.collation ?? null,
      c.generated ? [c.generated.expression, c.generated.stored] : null,
    ]),
    table.checks.map((c) => c.expression),
    table.indexes
      .filter(indexNeedsSpelling)
      .map((ix) => [ix.columns.map((e) => (typeof e === "string" ? [e] : e)), ix.where ?? null, ix.method ?? null, ix.unique === true]),
  ]);
}

/** Groups tables by shape; the first table of each shape (in the order given) represents it. */
export function groupByShape(tables: readonly Table[]): ShapeGroup[] {
  const groups: ShapeGroup[] = [];
  const byKey = new Map<string, ShapeGroup>();
  for (const table of tables) {
    const key = shapeKey(table);
    const existing = key === undefined ? undefined : byKey.get(key);
    if (existing) {
      existing.members.push(table);
      continue;
    }
    const group = { representative: table, members: [table] };
    groups.push(group);
    if (key !== undefined) byKey.set(key, group);
  }
  return groups;
}
