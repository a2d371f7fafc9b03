/**
 * Reading and normalizing index elements (catalog/types.ts `IndexElement`):
 * a plain column name, a column with options, or an expression with options.
 * Every layer goes through these helpers rather than `typeof e === "string"`, so
 * a new element option needs no change at each use.
 */
import type { IndexElement, IndexElementOptions, IndexExpressionElement } from "./types.js";

const OPTION_KEYS = ["collation", "opclass", "opclassParams", "descending", "nulls"] as const satisfies readonly (keyof IndexElementOptions)[];

/** The column an element indexes, or undefined for an expression element. */
export function elementColumn(element: IndexElement): string | undefined {
  if (typeof element === "string") return element;
  return "column" in element ? element.column : undefined;
}

/** The expression text of an expression element, or undefined for a column. */
export function elementExpression(element: IndexElement): string | undefined {
  return typeof element !== "string" && "expression" in element ? element.expression : undefined;
}

/** The element's options (collation, operator class, direction, nulls order); {} for a plain column. */
export function elementOptions(element: IndexElement): IndexElementOptions {
  if (typeof element === "string") return {};
  const options: IndexElementOptions = {};
  for (const key of OPTION_KEYS) {
    if (element[key] !== undefined) (options as Record<string, unknown>)[key] = element[key];
  }
  return options;
}

export function hasElementOptions(element: IndexElement): boolean {
  return Object.keys(elementOptions(element)).length > 0;
}

/**
 * The canonical spelling of an element: options equal to the default left out
 * (ASC, the direction's own NULLS order, `descending: false`), and a column with
 * no options as its plain name. Two elements that mean the same are then equal.
 */
export function normalizeIndexElement(element: IndexElement): IndexElement {
  if (typeof element === "string") return element;
  const options = elementOptions(element);
  if (options.descending !== true) delete options.descending;
  const defaultNulls = options.descending ? "first" : "last";
  if (options.nulls === defaultNulls) delete options.nulls;
  const column = elementColumn(element);
  if (column !== undefined) return Object.keys(options).length === 0 ? column : { column, ...options };
  const canonical = (element as IndexExpressionElement).canonical;
  return { expression: elementExpression(element)!, ...options, ...(canonical !== undefined ? { canonical } : {}) };
}

/** The same element with its column renamed or its expression text rewritten; options kept. */
export function mapIndexElement(
  element: IndexElement,
  change: { column?: (name: string) => string; expression?: (text: string) => string },
): IndexElement {
  const column = elementColumn(element);
  if (column !== undefined) {
    const name = change.column ? change.column(column) : column;
    return typeof element === "string" ? name : { ...element, column: name };
  }
  const expression = elementExpression(element)!;
  if (!change.expression) return element;
  // The text changed: its canonical form (catalog/exact-text.ts) no longer applies.
  const { canonical: _canonical, ...rest } = element as IndexExpressionElement;
  return { ...rest, expression: change.expression(expression) };
}

/**
 * A short human description in PostgreSQL's words, for messages and summaries:
 * `name`, `(lower(email)) DESC`, `code COLLATE "C" text_pattern_ops`.
 */
export function describeIndexElement(element: IndexElement): string {
  const column = elementColumn(element);
  let text = column ?? `(${elementExpression(element)})`;
  const o = elementOptions(element);
  if (o.collation !== undefined) text += ` COLLATE ${o.collation}`;
  if (o.opclass !== undefined) text += ` ${o.opclass}${o.opclassParams !== undefined ? `(${o.opclassParams})` : ""}`;
  if (o.descending) text += " DESC";
  if (o.nulls !== undefined) text += ` NULLS ${o.nulls.toUpperCase()}`;
  return text;
}
