/**
 * Whether ALTER COLUMN ... TYPE rewrites a PostgreSQL table. PostgreSQL skips the
 * rewrite only when the old type is binary coercible to the new one and no value
 * changes: the widenings listed here (its planner "support functions" for
 * varchar, numeric, varbit and the time types, plus binary-coercible casts).
 * Everything else rewrites the table and its indexes under ACCESS EXCLUSIVE.
 */

interface ParsedType {
  base: string;
  /** Type modifiers: length, precision, scale. */
  args: number[];
  array: boolean;
}

const ALIASES: Record<string, string> = {
  "character varying": "varchar",
  character: "char",
  bpchar: "char",
  int: "integer",
  int4: "integer",
  int2: "smallint",
  int8: "bigint",
  decimal: "numeric",
  bool: "boolean",
  float4: "real",
  float8: "double precision",
  "bit varying": "varbit",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  "time without time zone": "time",
  "time with time zone": "timetz",
};

/** Types whose modifier can grow (or be removed) without a rewrite. */
const GROWABLE = new Set(["varchar", "varbit", "numeric", "time", "timetz", "timestamp", "timestamptz", "interval"]);
const TIME_TYPES = new Set(["time", "timetz", "timestamp", "timestamptz", "interval"]);
/** Unbounded text types that every varchar converts to without a rewrite. */
const BINARY_TEXT = new Set(["text", "varchar"]);

export function parseColumnType(type: string): ParsedType {
  let text = type.trim().toLowerCase().replace(/\s+/g, " ");
  let array = false;
  while (text.endsWith("[]")) {
    array = true;
    text = text.slice(0, -2).trim();
  }
  // `timestamp(3) with time zone`: the modifier sits in the middle.
  const middle = /^(timestamp|time) ?\(([^)]*)\) ?(with|without) time zone$/.exec(text);
  if (middle) text = `${middle[1]} ${middle[3]} time zone(${middle[2]})`;
  const match = /^(.*?) ?(?:\(([^)]*)\))?$/.exec(text)!;
  const name = match[1]!;
  const args = match[2] === undefined ? [] : match[2].split(",").map((arg) => Number(arg.trim()));
  return { base: ALIASES[name] ?? name, args, array };
}

function sameType(a: ParsedType, b: ParsedType): boolean {
  return a.base === b.base && a.array === b.array && a.args.join(",") === b.args.join(",");
}

/** True when every value of `from` fits `to` unchanged (same scale for numeric). */
function modifierGrows(from: ParsedType, to: ParsedType): boolean {
  if (to.args.length === 0) return true;
  if (from.args.length === 0) return false;
  if (from.base === "numeric") {
    const [fromPrecision, fromScale = 0] = from.args;
    const [toPrecision, toScale = 0] = to.args;
    return fromScale === toScale && toPrecision! >= fromPrecision!;
  }
  return to.args[0]! >= from.args[0]!;
}

/**
 * Why changing a column from `from` to `to` rewrites the table, or undefined when
 * PostgreSQL changes only the catalog.
 */
export function typeChangeRewrite(from: string, to: string): string | undefined {
  const a = parseColumnType(from);
  const b = parseColumnType(to);
  if (sameType(a, b)) return undefined;
  if (a.array || b.array) return `${from} -> ${to} converts every array element`;
  if (a.base === b.base && GROWABLE.has(a.base)) {
    if (modifierGrows(a, b)) return undefined;
    if (a.base === "numeric") return `${from} -> ${to} changes the scale or lowers the precision, so every value is recomputed`;
    if (TIME_TYPES.has(a.base)) return `${from} -> ${to} lowers the precision, so every value is rounded`;
    return `${from} -> ${to} shortens the limit, so every value is checked and copied`;
  }
  if ((a.base === "varchar" || a.base === "text") && BINARY_TEXT.has(b.base) && b.args.length === 0) return undefined;
  if (a.base === "cidr" && b.base === "inet") return undefined;
  if (a.base === "timestamp" && b.base === "timestamptz") {
    return `${from} -> ${to} rewrites the table unless the migration session's TimeZone is UTC (PostgreSQL 12+)`;
  }
  if (a.base === "text" && b.base === "varchar") return `${from} -> ${to} checks and copies every value against the new limit`;
  return `${from} -> ${to} is not a binary-coercible change, so every row is converted and rewritten`;
}

/** A USING expression that leaves the values as they are (`col`, `"col"`, `col::type`). */
export function trivialUsing(using: string, column: string, to: string): boolean {
  const text = using.trim();
  const quoted = `"${column.replace(/"/g, '""')}"`;
  const names = new Set([column, quoted, column.toLowerCase()]);
  if (names.has(text)) return true;
  const cast = /^(.+?)\s*::\s*(.+)$/.exec(text);
  return cast !== null && names.has(cast[1]!.trim()) && sameType(parseColumnType(cast[2]!), parseColumnType(to));
}
