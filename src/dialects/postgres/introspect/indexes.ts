/**
 * Indexes and the index side of constraints (PostgreSQL): what pg_index and
 * pg_class say (INCLUDE columns, NULLS NOT DISTINCT, storage parameters,
 * tablespace), and the per-element options (COLLATE, operator class, DESC,
 * NULLS) as pg_get_indexdef / pg_get_constraintdef print them: each element of
 * the printed list is the key as pg_get_indexdef(index, k) prints it, followed
 * by its options, which are read off that tail.
 */
import type { ExclusionConstraint, Index, IndexElement, IndexElementOptions } from "../../../catalog/types.js";
import { normalizeIndexElement } from "../../../catalog/index-elements.js";
import { KilnError } from "../../../errors.js";

/**
 * Columns of one index, for INDEXES_SQL and the constraint part of CONSTRAINTS_SQL
 * (`i` is the pg_index row, `ic` its pg_class row). The elements (`keys`, one
 * pg_get_indexdef call per key) and statistics targets are read only where
 * `elementsWhen` holds: a primary key's or unique constraint's index needs
 * neither (its columns are the constraint's), an exclusion constraint's does.
 */
export function indexColumnsSql(elementsWhen = "true"): string {
  return `
       am.amname AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
       i.indkey::text AS column_numbers, i.indnkeyatts AS key_count,
       CASE WHEN ${elementsWhen} THEN
         ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, false)
                 FROM generate_series(1, i.indnkeyatts::int) AS k
                ORDER BY k)
       END AS keys,
       i.indnullsnotdistinct AS nulls_not_distinct,
       ic.reloptions AS reloptions,
       ts.spcname AS tablespace,
       CASE WHEN ${elementsWhen} THEN
         (SELECT pg_catalog.json_object_agg(sa.attnum::text, sa.attstattarget ORDER BY sa.attnum) FROM pg_catalog.pg_attribute sa
           WHERE sa.attrelid = i.indexrelid AND sa.attnum > 0 AND sa.attstattarget IS NOT NULL AND sa.attstattarget <> -1)
       END AS statistics`;
}

/** indexColumnsSql()'s output columns, in order. */
export const INDEX_COLUMN_FIELDS = [
  "method", "predicate", "column_numbers", "key_count", "keys", "nulls_not_distinct", "reloptions", "tablespace", "statistics",
] as const;

/** indexColumnsSql() for every index. */
export const INDEX_COLUMNS_SQL = indexColumnsSql();

/** The joins INDEX_COLUMNS_SQL needs, given `i` and `ic`. */
export const INDEX_JOINS_SQL = `
  JOIN pg_catalog.pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = ic.reltablespace`;

type Row = Record<string, unknown>;

const NAME_PART = String.raw`(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")`;
const NAME = `${NAME_PART}(?:\\.${NAME_PART})?`;
const OPTIONS = new RegExp(`^(?: COLLATE (${NAME}))?(?: (${NAME})(?: \\((.*)\\))?)?( DESC)?(?: NULLS (FIRST|LAST))?$`, "s");

/**
 * The elements of the first parenthesized list that follows `USING <method> ` at
 * the top level of `definition` (outside quotes), split at its top-level commas.
 */
export function printedElements(definition: string, method: string): string[] {
  const marker = `USING ${method} (`;
  let quote: string | undefined;
  for (let i = 0; i < definition.length; i++) {
    const ch = definition[i]!;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      continue;
    }
    if (definition.startsWith(marker, i)) return splitList(definition, i + marker.length);
  }
  throw new KilnError(`kiln could not read the index definition ${JSON.stringify(definition)}: no "USING ${method} (" in it.`);
}

/** From just after an opening parenthesis: the comma-separated items up to its closing one. */
function splitList(text: string, start: number): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let from = start;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(" || ch === "[") depth++;
    else if ((ch === ")" || ch === "]") && depth > 0) depth--;
    else if (ch === ")" && depth === 0) {
      items.push(text.slice(from, i).trim());
      return items;
    } else if (ch === "," && depth === 0) {
      items.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  throw new KilnError(`kiln could not read the list in ${JSON.stringify(text)}: its parenthesis is not closed.`);
}

/** The options printed after an element's key: ` COLLATE "C" text_pattern_ops DESC NULLS LAST`. */
export function parseElementOptions(tail: string, context: string): IndexElementOptions {
  const m = OPTIONS.exec(tail);
  if (!m) throw new KilnError(`kiln could not read the options ${JSON.stringify(tail)} of an element of ${context}.`);
  const options: IndexElementOptions = {};
  if (m[1] !== undefined) options.collation = m[1];
  if (m[2] !== undefined) options.opclass = m[2];
  if (m[3] !== undefined) options.opclassParams = m[3];
  if (m[4] !== undefined) options.descending = true;
  if (m[5] !== undefined) options.nulls = m[5] === "FIRST" ? "first" : "last";
  return options;
}

/** The tail of a printed element after its key (as pg_get_indexdef(index, k) prints the key). */
function tailAfterKey(printed: string, key: string, context: string): string {
  if (printed.startsWith(key)) return printed.slice(key.length);
  throw new KilnError(`kiln could not match the element ${JSON.stringify(printed)} of ${context} with its key ${JSON.stringify(key)}.`);
}

interface Spell {
  expression(text: string): string;
}

/** Attnums printed as `1 2 3` (int2vector). */
function attnumList(text: unknown): number[] {
  if (typeof text !== "string" || text === "") return [];
  return text.split(" ").map(Number);
}

/**
 * The key elements of an index: each a column name or an expression, with the
 * options read from `printed` (the definition's element texts, in order).
 */
function keyElements(r: Row, printed: string[], nameOf: (attnum: number) => string | undefined, spell: Spell, context: string): IndexElement[] {
  const keys = (r.keys as string[] | null) ?? [];
  const attnums = attnumList(r.column_numbers).slice(0, Number(r.key_count));
  return attnums.map((attnum, i) => {
    const key = String(keys[i]);
    const options = parseElementOptions(tailAfterKey(printed[i] ?? "", key, context), context);
    const element: IndexElement =
      attnum !== 0 ? { column: nameOf(attnum) ?? String(attnum), ...options } : { expression: spell.expression(key), ...options };
    return normalizeIndexElement(element);
  });
}

function includeColumns(r: Row, nameOf: (attnum: number) => string | undefined): string[] | undefined {
  const include = attnumList(r.column_numbers)
    .slice(Number(r.key_count))
    .map((attnum) => nameOf(attnum) ?? String(attnum));
  return include.length > 0 ? include : undefined;
}

/** reloptions `{fillfactor=70,deduplicate_items=off}` -> { fillfactor: "70", deduplicate_items: "off" }. */
export function storageParameters(reloptions: unknown): Record<string, string> | undefined {
  if (!Array.isArray(reloptions) || reloptions.length === 0) return undefined;
  const parameters: Record<string, string> = {};
  for (const option of reloptions as string[]) {
    const at = option.indexOf("=");
    parameters[at < 0 ? option : option.slice(0, at)] = at < 0 ? "" : option.slice(at + 1);
  }
  return parameters;
}

/** The fields an index and an exclusion constraint share, as the row says. */
function indexExtras(r: Row, nameOf: (attnum: number) => string | undefined): Pick<Index, "include" | "with" | "tablespace"> {
  const extras: Pick<Index, "include" | "with" | "tablespace"> = {};
  const include = includeColumns(r, nameOf);
  if (include) extras.include = include;
  const parameters = storageParameters(r.reloptions);
  if (parameters) extras.with = parameters;
  if (r.tablespace !== null && r.tablespace !== undefined) extras.tablespace = String(r.tablespace);
  return extras;
}

/** INCLUDE, WITH and tablespace of the index behind a primary key or unique constraint (its CONSTRAINTS_SQL row). */
export function keyIndexExtras(r: Row, nameOf: (attnum: number) => string | undefined): Pick<Index, "include" | "with" | "tablespace"> {
  return indexExtras(r, nameOf);
}

/** An index row of INDEXES_SQL (`definition`: pg_get_indexdef of the whole index). */
export function indexFrom(r: Row, nameOf: (attnum: number) => string | undefined, spell: Spell): Index {
  const method = String(r.method);
  const name = String(r.name);
  const printed = printedElements(String(r.definition), method);
  const index: Index = { name, columns: keyElements(r, printed, nameOf, spell, `index ${name}`) };
  if (r.is_unique === true) index.unique = true;
  if (r.predicate !== null && r.predicate !== undefined) index.where = spell.expression(String(r.predicate));
  if (method !== "btree") index.method = method;
  Object.assign(index, indexExtras(r, nameOf));
  if (r.nulls_not_distinct === true) index.nullsNotDistinct = true;
  if (r.comment !== null && r.comment !== undefined) index.comment = String(r.comment);
  if (r.statistics !== null && r.statistics !== undefined && typeof r.statistics === "object") index.statistics = { ...(r.statistics as Record<string, number>) };
  return index;
}

/**
 * An exclusion constraint from its CONSTRAINTS_SQL row: `definition` is
 * pg_get_constraintdef, whose elements end in ` WITH <operator>`.
 */
export function exclusionFrom(r: Row, nameOf: (attnum: number) => string | undefined, spell: Spell): ExclusionConstraint {
  const name = String(r.name);
  const method = String(r.method);
  const context = `exclusion constraint ${name}`;
  const printed = printedElements(String(r.definition), method);
  const operators: string[] = [];
  const withoutOperators = printed.map((element) => {
    const at = element.lastIndexOf(" WITH ");
    if (at < 0) throw new KilnError(`kiln could not read the operator of ${JSON.stringify(element)} in ${context}.`);
    operators.push(element.slice(at + " WITH ".length));
    return element.slice(0, at);
  });
  const elements = keyElements(r, withoutOperators, nameOf, spell, context).map((element, i) => ({ element, operator: operators[i]! }));
  const ex: ExclusionConstraint = { name, method, elements };
  Object.assign(ex, indexExtras(r, nameOf));
  if (r.predicate !== null && r.predicate !== undefined) ex.where = spell.expression(String(r.predicate));
  return ex;
}
