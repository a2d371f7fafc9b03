/**
 * Formats plain data as TypeScript source: inline when it fits the line,
 * otherwise one property or item per line. Strings go through JSON.stringify,
 * which is also valid TypeScript string syntax.
 */

export const LINE_WIDTH = 100;

/** Marks an object whose properties must always go one per line (column maps). */
export class Multiline {
  constructor(readonly value: Record<string, unknown>) {}
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as written in an object literal. `__proto__` must be computed to become an own property. */
export function propertyKey(key: string): string {
  if (key === "__proto__") return `["__proto__"]`;
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

function entries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

/** `value` as source text on one line. */
export function inline(value: unknown): string {
  if (value instanceof Multiline) return inline(value.value);
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return `new Date(${JSON.stringify(value.toISOString())})`;
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (typeof value === "object") {
    const parts = entries(value as Record<string, unknown>).map(([k, v]) => `${propertyKey(k)}: ${inline(v)}`);
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/**
 * `value` as source text starting at column `column` of a line indented by
 * `indent` (continuation lines use `indent` plus one level of `unit`).
 */
export function formatValue(value: unknown, indent: string, column: number, unit = "  "): string {
  const forced = value instanceof Multiline;
  const plain = forced ? value.value : value;
  const short = inline(plain);
  const isContainer = Array.isArray(plain) || (plain !== null && typeof plain === "object" && !(plain instanceof Date));
  if (!isContainer || (!forced && column + short.length <= LINE_WIDTH)) return short;

  const inner = indent + unit;
  if (Array.isArray(plain)) {
    if (plain.length === 0) return "[]";
    return `[\n${plain.map((item) => `${inner}${formatValue(item, inner, inner.length, unit)},\n`).join("")}${indent}]`;
  }
  const props = entries(plain as Record<string, unknown>);
  if (props.length === 0) return "{}";
  const lines = props.map(([k, v]) => {
    const head = `${inner}${propertyKey(k)}: `;
    return `${head}${formatValue(v, inner, head.length, unit)},\n`;
  });
  return `{\n${lines.join("")}${indent}}`;
}

/**
 * `await op.<method>(args);` (or `<callee>(args);` when `callee` is given): on
 * one line when it fits, otherwise with container arguments opened over
 * several lines.
 */
export function formatCall(method: string, args: unknown[], callee = `await op.${method}`, unit = "  "): string {
  const head = `${callee}(`;
  const oneLine = `${head}${args.map(inline).join(", ")});`;
  if (!args.some((a) => a instanceof Multiline) && oneLine.length <= LINE_WIDTH) return oneLine;
  let text = head;
  args.forEach((arg, i) => {
    const lastLine = text.slice(text.lastIndexOf("\n") + 1);
    text += formatValue(arg, "", lastLine.length, unit) + (i < args.length - 1 ? ", " : "");
  });
  return `${text});`;
}

/** Drops undefined fields so that rendered objects carry only what was given. */
export function defined(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const result = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
  return Object.keys(result).length > 0 ? result : undefined;
}

/** A trailing options argument: left out entirely when empty. */
export function withOptions(args: unknown[], options: Record<string, unknown>): unknown[] {
  const present = defined(options);
  return present ? [...args, present] : args;
}
