/**
 * PostgreSQL SQL for the parts of indexes and constraints that carry options:
 * index elements (COLLATE, operator class, DESC, NULLS), INCLUDE, NULLS NOT
 * DISTINCT, WITH (...), TABLESPACE, DEFERRABLE, MATCH FULL, EXCLUDE.
 * Pure functions; every name is quoted or checked to be SQL-name text.
 */
import { elementColumn, elementExpression, elementOptions } from "../../../catalog/index-elements.js";
import type { Deferrable, ExclusionConstraint, IndexElement, KeyIndexOptions } from "../../../catalog/types.js";
import { KilnError } from "../../../errors.js";
import type { IndexConstraintFeature } from "../../features.js";
import { quoteIdentifier, quoteLiteral } from "../sql.js";

/** Every option of dialects/features.ts: PostgreSQL has them all. */
export const POSTGRES_FEATURES: readonly IndexConstraintFeature[] = [
  "collation", "opclass", "descending", "nullsOrder", "include", "nullsNotDistinct", "storageParameters", "tablespace",
  "indexComment", "deferrable", "matchFull", "notValid", "exclusion", "constraintComment", "tableStorage",
];

// A name as PostgreSQL prints one: bare lower-case words or "quoted" ones, optionally schema-qualified.
const NAME_PART = String.raw`(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")`;
const PRINTED_NAME = new RegExp(`^${NAME_PART}(?:\\.${NAME_PART})?$`);

/**
 * A collation or operator class name: kept verbatim when it is already SQL name
 * text (`"C"`, `ucs_basic`, `public.gist_trgm_ops`), else quoted as one name
 * (`C` -> `"C"`, `en_US.utf8` -> `"en_US.utf8"`).
 */
export function sqlName(text: string): string {
  return PRINTED_NAME.test(text) ? text : quoteIdentifier(text);
}

// name=value pairs as PostgreSQL prints reloptions: value a quoted literal or a plain word/number.
const PARAM = String.raw`[a-z_][a-z0-9_.]*\s*=\s*(?:'(?:[^']|'')*'|[A-Za-z0-9_.+-]+)`;
const PARAM_LIST = new RegExp(`^${PARAM}(?:\\s*,\\s*${PARAM})*$`, "i");

function opclassParams(text: string, where: string): string {
  if (!PARAM_LIST.test(text.trim())) {
    throw new KilnError(`${where}: the operator class parameters ${JSON.stringify(text)} are not a list of name=value pairs (e.g. siglen='32').`);
  }
  return text.trim();
}

/** `"col" COLLATE "C" text_pattern_ops DESC NULLS LAST`, or `(lower(x)) ...` for an expression. */
export function indexElementSql(element: IndexElement, where: string, expressionText: (text: string) => string): string {
  const column = elementColumn(element);
  let sql = column !== undefined ? quoteIdentifier(column) : `(${expressionText(elementExpression(element)!)})`;
  const o = elementOptions(element);
  if (o.collation !== undefined) sql += ` COLLATE ${sqlName(o.collation)}`;
  if (o.opclassParams !== undefined && o.opclass === undefined) {
    throw new KilnError(`${where}: operator class parameters (${o.opclassParams}) need the operator class they belong to.`);
  }
  if (o.opclass !== undefined) sql += ` ${sqlName(o.opclass)}${o.opclassParams !== undefined ? ` (${opclassParams(o.opclassParams, where)})` : ""}`;
  if (o.descending) sql += " DESC";
  if (o.nulls !== undefined) sql += ` NULLS ${o.nulls === "first" ? "FIRST" : "LAST"}`;
  return sql;
}

const PARAM_NAME = /^[a-z_][a-z0-9_]*$/;

/** ` WITH (fillfactor='70', ...)`, or "" when there are none. */
export function storageParametersSql(parameters: Record<string, string> | undefined, where: string): string {
  const entries = Object.entries(parameters ?? {});
  if (entries.length === 0) return "";
  const parts = entries.map(([name, value]) => {
    if (!PARAM_NAME.test(name)) throw new KilnError(`${where}: ${JSON.stringify(name)} is not a storage parameter name.`);
    return `${name}=${quoteLiteral(String(value))}`;
  });
  return ` WITH (${parts.join(", ")})`;
}

export function includeSql(include: string[] | undefined): string {
  return include && include.length > 0 ? ` INCLUDE (${include.map(quoteIdentifier).join(", ")})` : "";
}

/** ` INCLUDE (...) WITH (...) USING INDEX TABLESPACE t` of a primary key or unique constraint, as PostgreSQL orders them. */
export function keyIndexSql(key: KeyIndexOptions, label: string): string {
  let sql = includeSql(key.include) + storageParametersSql(key.with, label);
  if (key.tablespace !== undefined) sql += ` USING INDEX TABLESPACE ${quoteIdentifier(key.tablespace)}`;
  return sql;
}

export function deferrableSql(deferrable: Deferrable | undefined): string {
  if (deferrable === undefined) return "";
  return deferrable === "deferred" ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

// An operator as PostgreSQL prints it: operator characters, or OPERATOR(schema.op).
const OPERATOR = /^(?:[+\-*/<>=~!@#%^&|`?]+|OPERATOR\((?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")\.[+\-*/<>=~!@#%^&|`?]+\))$/;

/** `EXCLUDE USING gist ("c" WITH =, "during" WITH &&) INCLUDE (...) WITH (...) USING INDEX TABLESPACE t WHERE (...) DEFERRABLE`. */
export function exclusionBody(ex: ExclusionConstraint, where: string, expressionText: (text: string, what: string) => string): string {
  const label = `exclusion constraint ${ex.name ?? "(unnamed)"} on ${where}`;
  if (ex.elements.length === 0) throw new KilnError(`${label} has no elements; give at least one (column, operator) pair.`);
  const elements = ex.elements.map(({ element, operator }) => {
    if (!OPERATOR.test(operator)) throw new KilnError(`${label}: ${JSON.stringify(operator)} is not an operator (e.g. =, &&).`);
    return `${indexElementSql(element, label, (t) => expressionText(t, `An expression of ${label}`))} WITH ${operator}`;
  });
  let sql = `EXCLUDE USING ${quoteIdentifier(ex.method)} (${elements.join(", ")})`;
  sql += includeSql(ex.include);
  sql += storageParametersSql(ex.with, label);
  if (ex.tablespace !== undefined) sql += ` USING INDEX TABLESPACE ${quoteIdentifier(ex.tablespace)}`;
  if (ex.where !== undefined) sql += ` WHERE (${expressionText(ex.where, `The WHERE predicate of ${label}`)})`;
  sql += deferrableSql(ex.deferrable);
  return sql;
}
