/**
 * Which operations can destroy data or fail on existing rows, and why. Shared by
 * compare (DiffWarnings) and render (`// WARNING:` lines), which sees only the
 * operations, so everything needed is read from the operation itself.
 */
import type { Operation } from "../operations/types.js";

interface ParsedType {
  base: string;
  args: number[];
  array: boolean;
}

function parseType(type: string): ParsedType {
  const match = /^(.*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*(\[\])?$/.exec(type.trim().toLowerCase());
  if (!match) return { base: type, args: [], array: false };
  const args = [match[2], match[3]].filter((a): a is string => a !== undefined).map(Number);
  return { base: match[1] ?? type, args, array: match[4] !== undefined };
}

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };
/** Decimal digits an integer type can hold. */
const INTEGER_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 };
const FLOAT_RANK: Record<string, number> = { real: 1, "double precision": 2 };
const TEXT_TYPES = new Set(["text", "varchar", "char", "character varying", "character"]);
const TIME_TYPES = new Set(["timestamp", "timestamptz"]);

/** Max length of a text type; undefined = unbounded. */
function textLength(t: ParsedType): number | undefined {
  if (t.base === "text") return undefined;
  return t.args[0];
}

/** Integer digits and scale of a numeric; undefined = unbounded. */
function numericShape(t: ParsedType): { integerDigits: number; scale: number } | undefined {
  const [precision, scale = 0] = t.args;
  return precision === undefined ? undefined : { integerDigits: precision - scale, scale };
}

/**
 * Why changing a column from `from` to `to` may lose data or fail, or undefined
 * when every old value fits the new type.
 */
/** The values of an inline `enum('a','b')` or `set(...)` type (MySQL), or undefined for other types. */
function inlineValues(type: string): { kind: string; values: string[] } | undefined {
  const match = /^(enum|set)\s*\((.*)\)$/is.exec(type.trim());
  if (!match) return undefined;
  const values = [...match[2]!.matchAll(/'((?:[^'\\]|''|\\.)*)'/gs)].map((m) => m[1]!.replace(/''/g, "'"));
  return { kind: match[1]!.toLowerCase(), values };
}

/** enum/set to enum/set: only values that disappear can fail (rows holding them). */
function inlineValuesRisk(from: string, to: string): string | undefined | false {
  const a = inlineValues(from);
  const b = inlineValues(to);
  if (!a || !b || a.kind !== b.kind) return false;
  const removed = a.values.filter((value) => !b.values.includes(value));
  if (removed.length === 0) return undefined;
  return `${from} -> ${to} removes the value${removed.length > 1 ? "s" : ""} ${removed.map((v) => JSON.stringify(v)).join(", ")}; rows holding ${removed.length > 1 ? "them" : "it"} make the migration fail`;
}

export function typeChangeRisk(from: string, to: string): string | undefined {
  if (from === to) return undefined;
  const inline = inlineValuesRisk(from, to);
  if (inline !== false) return inline;
  const a = parseType(from);
  const b = parseType(to);
  const change = `${from} -> ${to}`;
  if (a.array !== b.array) return `${change} changes between array and scalar; existing values must be converted by hand (give a USING expression)`;

  if (TEXT_TYPES.has(a.base)) {
    if (!TEXT_TYPES.has(b.base)) return `${change} converts text to another type; rows whose text does not convert make the migration fail`;
    const before = textLength(a);
    const after = textLength(b);
    if (after !== undefined && (before === undefined || after < before)) return `${change} narrows the length; longer values make the migration fail or are cut`;
    return undefined;
  }
  if (TEXT_TYPES.has(b.base)) {
    const after = textLength(b);
    return after === undefined ? undefined : `${change} converts to a bounded text type; values longer than ${after} characters make the migration fail`;
  }

  if (a.base in INTEGER_RANK) {
    if (b.base in INTEGER_RANK) {
      return INTEGER_RANK[b.base]! < INTEGER_RANK[a.base]! ? `${change} narrows the integer range; larger values make the migration fail` : undefined;
    }
    if (b.base === "numeric") {
      const shape = numericShape(b);
      return shape && shape.integerDigits < INTEGER_DIGITS[a.base]! ? `${change} holds fewer digits; larger values make the migration fail` : undefined;
    }
    if (b.base in FLOAT_RANK) return a.base === "bigint" || b.base === "real" ? `${change} may round large values` : undefined;
  }
  if (a.base === "numeric") {
    if (b.base === "numeric") {
      const before = numericShape(a);
      const after = numericShape(b);
      if (after === undefined) return undefined;
      if (before === undefined) return `${change} bounds an unbounded numeric; values that do not fit fail and extra decimals are rounded`;
      if (after.integerDigits < before.integerDigits) return `${change} lowers the precision; larger values make the migration fail`;
      if (after.scale < before.scale) return `${change} lowers the scale; decimals are rounded`;
      return undefined;
    }
    return `${change} converts numeric to ${to}; values are rounded or make the migration fail`;
  }
  if (a.base in FLOAT_RANK) {
    if (b.base in FLOAT_RANK) return FLOAT_RANK[b.base]! < FLOAT_RANK[a.base]! ? `${change} lowers the floating point precision; values are rounded` : undefined;
    return `${change} converts a floating point number to ${to}; values are rounded or make the migration fail`;
  }
  if (TIME_TYPES.has(a.base) && b.base === "date") return `${change} drops the time of day`;
  if (TIME_TYPES.has(a.base) && TIME_TYPES.has(b.base)) return undefined;
  if (a.base === "date" && TIME_TYPES.has(b.base)) return undefined;
  if ((a.base === "json" && b.base === "jsonb") || (a.base === "jsonb" && b.base === "json")) return undefined;
  return `${change} converts between unrelated types; rows that do not convert make the migration fail`;
}

function label(schema: string | undefined, table: string): string {
  return schema ? `${schema}.${table}` : table;
}

/** Reasons to warn before running `op` (empty when it is safe). */
export function operationRisks(op: Operation): string[] {
  switch (op.kind) {
    case "batchAlterTable":
      return op.operations.flatMap(operationRisks);
    case "dropTable":
      return [`drops table ${label(op.schema, op.table)} and every row in it`];
    case "dropColumn":
      return [`drops column ${label(op.schema, op.table)}.${op.column} and its data`];
    case "addColumn": {
      const { column } = op;
      const generated = column.identity !== undefined || column.autoIncrement === true || column.default !== undefined || column.generated !== undefined;
      return column.nullable || generated
        ? []
        : [`adds NOT NULL column ${label(op.schema, op.table)}.${column.name} without a default; this fails if the table has rows (add a default, or add it nullable, fill it, then set NOT NULL)`];
    }
    case "alterColumn": {
      const where = `${label(op.schema, op.table)}.${op.column}`;
      const risks: string[] = [];
      if (op.type !== undefined && op.type !== op.existing?.type) {
        const risk = op.existing ? typeChangeRisk(op.existing.type, op.type) : `changes the type to ${op.type} without the previous type; check that every value converts`;
        if (risk) risks.push(`column ${where}: ${risk}`);
      }
      if (op.nullable === false && op.existing?.nullable !== false) {
        risks.push(`sets ${where} NOT NULL; this fails if any row holds NULL there (update those rows first)`);
      }
      return risks;
    }
    default:
      return [];
  }
}
