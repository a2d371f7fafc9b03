/**
 * A column's type -> the DSL call that declares it: `integer()`,
 * `varchar("first_name", 45)`, `timestamp("created_at", { withTimezone: true })`,
 * an enum or domain factory (`mpaaRating("rating")`), `.array()` for arrays, and
 * customType("...") for any type the factories do not name, spelled as the
 * database prints it so the models declare exactly that type.
 */
import { str } from "./code.js";
import type { Declaration, PullContext } from "./context.js";

export interface TypeCall {
  /** The call without the column name: `(name) => "varchar(\"x\", 45)"`. */
  render(columnName: string | undefined): string;
  /** For serial/bigserial: the factory that says integer + auto increment. */
  serial?: (columnName: string | undefined, sequence?: string) => string;
  /** Which JavaScript literal `.default(...)` takes for this type (none: only sql`...`). */
  literal: LiteralKind;
}

export type LiteralKind = "number" | "boolean" | "string" | "none";

const NUMBERS = new Set(["smallint", "integer", "bigint", "real", "double precision"]);
const STRINGS = new Set(["text", "uuid"]);

function literalKind(type: string): LiteralKind {
  if (NUMBERS.has(type) || /^numeric\b/.test(type)) return "number";
  if (type === "boolean") return "boolean";
  if (STRINGS.has(type) || /^(varchar|char)\b/.test(type)) return "string";
  return "none";
}

const SIMPLE: Record<string, string> = {
  smallint: "smallint",
  integer: "integer",
  bigint: "bigint",
  real: "real",
  "double precision": "doublePrecision",
  boolean: "boolean",
  text: "text",
  date: "date",
  interval: "interval",
  uuid: "uuid",
  json: "json",
  jsonb: "jsonb",
  bytea: "bytea",
};

const SERIAL: Record<string, string> = { smallint: "smallserial", integer: "serial", bigint: "bigserial" };

function factoryCall(fn: string, columnName: string | undefined, option = ""): string {
  const args = [];
  if (columnName !== undefined) args.push(str(columnName));
  if (option !== "") args.push(option);
  return `${fn}(${args.join(", ")})`;
}

/** The DSL call for a base (non-array) type in kiln's vocabulary, or undefined. */
function builtin(type: string, d: Declaration): ((columnName: string | undefined) => string) | undefined {
  const simple = SIMPLE[type];
  if (simple) return (n) => (d.imports.add(simple), factoryCall(simple, n));
  let m = /^varchar(?:\((\d+)\))?$/.exec(type);
  if (m) return (n) => (d.imports.add("varchar"), factoryCall("varchar", n, m![1] ?? ""));
  m = /^char\((\d+)\)$/.exec(type);
  if (m) return (n) => (d.imports.add("char"), factoryCall("char", n, m![1]!));
  m = /^numeric(?:\((\d+)(?:,(\d+))?\))?$/.exec(type);
  if (m) {
    const [, precision, scale] = m;
    const option = precision === undefined ? "" : scale === undefined ? `{ precision: ${precision} }` : `{ precision: ${precision}, scale: ${scale} }`;
    return (n) => (d.imports.add("numeric"), factoryCall("numeric", n, option));
  }
  m = /^(timestamp|time)(tz)?(?:\((\d)\))?$/.exec(type);
  if (m) {
    const [, base, tz, precision] = m;
    const parts = [tz ? "withTimezone: true" : "", precision !== undefined ? `precision: ${precision}` : ""].filter(Boolean);
    const option = parts.length > 0 ? `{ ${parts.join(", ")} }` : "";
    return (n) => (d.imports.add(base!), factoryCall(base!, n, option));
  }
  return undefined;
}

/** How a column of `type` is declared in the DSL. */
export function typeCall(ctx: PullContext, rawType: string, tableSchema: string | undefined, d: Declaration): TypeCall {
  const type = ctx.modelType(rawType);
  let base = type;
  let depth = 0;
  while (base.endsWith("[]")) {
    base = base.slice(0, -2);
    depth++;
  }
  const arrays = ".array()".repeat(depth);
  const objectFactory = typeObject(ctx, base, tableSchema);
  if (objectFactory) {
    d.uses.add(objectFactory);
    d.eager.add(objectFactory);
    // An enum's column takes its values as strings.
    const isEnum = depth === 0 && ctx.catalog.enums.some((e) => typeSpelling(ctx, e) === base);
    return { render: (n) => `${factoryCall(objectFactory, n)}${arrays}`, literal: isEnum ? "string" : "none" };
  }
  const known = builtin(base, d);
  if (known) {
    const serial = depth === 0 && SERIAL[base];
    return {
      render: (n) => `${known(n)}${arrays}`,
      literal: depth === 0 ? literalKind(base) : "none",
      ...(serial
        ? {
            serial: (n: string | undefined, sequence = "") => {
              d.imports.add(serial);
              return sequence === "" ? factoryCall(serial, n) : `${serial}(${n === undefined ? "undefined" : str(n)}, ${sequence})`;
            },
          }
        : {}),
    };
  }
  // customType(type, name?): the type comes first. Arrays keep their [] in the type text.
  return {
    literal: depth === 0 ? "string" : "none",
    render: (n) => {
      d.imports.add("customType");
      return `customType(${[str(type), ...(n === undefined ? [] : [str(n)])].join(", ")})`;
    },
  };
}

/** The export of an enum, domain or composite type a column type names, if pulled. */
function typeObject(ctx: PullContext, type: string, tableSchema: string | undefined): string | undefined {
  const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s);
  const dot = splitQualified(type);
  const [schema, name] = dot ? [unquote(dot[0]), unquote(dot[1])] : [undefined, unquote(type)];
  const candidates = schema !== undefined ? [{ schema, name }] : [{ schema: undefined, name }, ...(tableSchema ? [{ schema: tableSchema, name }] : [])];
  for (const c of candidates) {
    const found = ctx.exportName("type", c);
    if (found && typeSpelling(ctx, c) === type) return found;
  }
  return undefined;
}

/** How the DSL spells a type object's name in a column type: as enumType and domain() do. */
function typeSpelling(ctx: PullContext, o: { schema?: string; name: string }): string | undefined {
  const isEnum = ctx.catalog.enums.some((e) => e.name === o.name && e.schema === o.schema);
  if (isEnum) return o.schema ? `${o.schema}.${o.name}` : o.name;
  const ident = (n: string) => (/^[a-z_][a-z0-9_$]*$/.test(n) ? n : `"${n.replace(/"/g, '""')}"`);
  return o.schema ? `${ident(o.schema)}.${ident(o.name)}` : ident(o.name);
}

/** `a.b` / `"a.x".b` split at the dot between the two parts, or undefined for one part. */
function splitQualified(type: string): [string, string] | undefined {
  let quoted = false;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (c === '"') quoted = !quoted;
    else if (c === "." && !quoted) return [type.slice(0, i), type.slice(i + 1)];
    else if (c === "(" && !quoted) return undefined;
  }
  return undefined;
}

