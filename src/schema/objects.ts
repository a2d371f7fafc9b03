/**
 * PostgreSQL schema objects in models: sequences, domains, composite types and
 * extensions (and the definitions of routines, triggers and operators: routines.ts, operators.ts). Export them from a model module like tables:
 *
 *   export const citext = extension("citext", { schema: "ext" });
 *   export const orderNo = sequence("order_no", { schema: "app", start: 1000, increment: 10 });
 *   export const email = domain("email", "text", { schema: "app", notNull: true, checks: { email_has_at: sql`VALUE ~ '@'::text` } });
 *   export const moneyLine = compositeType("money_line", { amount: "numeric(12,2)", note: "text" });
 *   export const bytewise = collation("bytewise", { schema: "app", provider: "libc", locale: "C" });
 *
 * A domain and a composite type are also column factories: `email("contact")`
 * is a column of that type.
 */
import { type Collation, type CollationProvider, normalizeCollation } from "../catalog/collations.js";
import { type Aggregate, aggregateSignature } from "../catalog/aggregates.js";
import type { CompositeAttribute, CompositeType } from "../catalog/composite-types.js";
import type { Domain } from "../catalog/domains.js";
import type { Extension } from "../catalog/extensions.js";
import { type Operator, operatorSignature } from "../catalog/operators.js";
import { type Routine, routineSignature } from "../catalog/routines.js";
import type { Trigger } from "../catalog/triggers.js";
import { normalizeSequenceOptions, type Sequence } from "../catalog/sequences.js";
import { KilnError } from "../errors.js";
import { OBJECT } from "./brand.js";
import { ColumnBuilder, columnState } from "./column.js";
import { isSqlFragment, type SqlFragment } from "./sql.js";

type Whole = number | bigint | string;

interface Named {
  schema?: string;
  comment?: string;
}

export interface SequenceOptions extends Named {
  as?: "smallint" | "integer" | "bigint";
  start?: Whole;
  increment?: Whole;
  minValue?: Whole;
  maxValue?: Whole;
  cache?: Whole;
  cycle?: boolean;
  /** OWNED BY: `"table.column"` of a table in the sequence's schema. */
  ownedBy?: string;
  /** CREATE UNLOGGED SEQUENCE (PostgreSQL 15+). A sequence owned by an UNLOGGED table is unlogged too. */
  unlogged?: boolean;
}

export interface DomainOptions extends Named {
  default?: string | SqlFragment;
  notNull?: boolean;
  collation?: string;
  /** Named CHECK constraints: name -> condition on VALUE, as PostgreSQL prints it. */
  checks?: Record<string, string | SqlFragment>;
}

export interface CompositeTypeOptions extends Named {
  /** Collation per attribute name. */
  collations?: Record<string, string>;
}

export interface CollationOptions extends Named {
  provider: CollationProvider;
  /** The locale (LC_COLLATE and LC_CTYPE both, for libc). */
  locale?: string;
  /** libc only, instead of `locale`: the two apart. */
  lcCollate?: string;
  lcCtype?: string;
  /** `false`: a nondeterministic collation (equal strings need not be byte-equal). */
  deterministic?: boolean;
  /** ICU tailoring rules (PostgreSQL 16+). */
  rules?: string;
}

type ObjectDefinition =
  | { kind: "collation"; value: Collation }
  | { kind: "routine"; value: Routine }
  | { kind: "aggregate"; value: Aggregate }
  | { kind: "trigger"; value: Trigger }
  | { kind: "sequence"; value: Sequence }
  | { kind: "domain"; value: Domain }
  | { kind: "compositeType"; value: CompositeType }
  | { kind: "extension"; value: Extension }
  | { kind: "operator"; value: Operator };

export interface ModelObject {
  readonly [OBJECT]: ObjectDefinition;
}

/** A domain or composite type: a model object that also makes columns of its type. */
export interface TypeObject extends ModelObject {
  (columnName?: string): ColumnBuilder<unknown>;
  /** The type as columns name it (`app.email`). */
  readonly typeName: string;
}

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") throw new KilnError(`${what} must be a non-empty string, got ${JSON.stringify(value)}.`);
  return value;
}

function whole(value: Whole | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) throw new KilnError(`${what} must be a whole number, got ${JSON.stringify(String(value))}.`);
  return text;
}

function sqlText(value: string | SqlFragment): string {
  return isSqlFragment(value) ? value.toSql() : value;
}

/** A name as format_type prints it: quoted when it is not a plain lower-case identifier. */
function typeIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function common(options: Named, what: string): { schema?: string; comment?: string } {
  return {
    ...(options.schema !== undefined ? { schema: nonEmpty(options.schema, `${what}: schema`) } : {}),
    ...(options.comment !== undefined ? { comment: options.comment } : {}),
  };
}

function brand<T extends object>(target: T, definition: ObjectDefinition): T & ModelObject {
  Object.defineProperty(target, OBJECT, { value: definition });
  return target as T & ModelObject;
}

/** Marks `target` as a model object (schema/routines.ts). */
export const brandObject = brand;

function typeFactory(definition: ObjectDefinition & { value: { schema?: string; name: string } }): TypeObject {
  const { schema, name } = definition.value;
  const typeName = schema ? `${typeIdentifier(schema)}.${typeIdentifier(name)}` : typeIdentifier(name);
  const factory = (columnName?: string) => new ColumnBuilder<unknown>(columnState(typeName, columnName));
  Object.defineProperty(factory, "typeName", { value: typeName, enumerable: true });
  return brand(factory, definition) as unknown as TypeObject;
}

export function sequence(name: string, options: SequenceOptions = {}): ModelObject {
  const what = `sequence("${name}")`;
  nonEmpty(name, "sequence(name)");
  const raw: Sequence = { ...common(options, what), name };
  if (options.as !== undefined) raw.type = options.as;
  const numbers = { start: options.start, increment: options.increment, min: options.minValue, max: options.maxValue, cache: options.cache };
  for (const [key, value] of Object.entries(numbers)) {
    const text = whole(value, `${what}: ${key}`);
    if (text !== undefined) raw[key as "start"] = text;
  }
  if (options.cycle) raw.cycle = true;
  if (options.unlogged) raw.unlogged = true;
  if (options.ownedBy !== undefined) {
    const m = /^([^.]+)\.([^.]+)$/.exec(options.ownedBy);
    if (!m) throw new KilnError(`${what}: ownedBy must be "table.column" (a table in the sequence's schema), got ${JSON.stringify(options.ownedBy)}.`);
    raw.ownedBy = { table: m[1]!, column: m[2]! };
  }
  return brand({}, { kind: "sequence", value: normalizeSequenceOptions(raw) });
}

export function domain(name: string, baseType: string, options: DomainOptions = {}): TypeObject {
  const what = `domain("${name}")`;
  nonEmpty(name, "domain(name)");
  const value: Domain = { ...common(options, what), name, type: nonEmpty(baseType, `${what}: the base type`), checks: [] };
  if (options.default !== undefined) value.default = sqlText(options.default);
  if (options.notNull) value.notNull = true;
  if (options.collation !== undefined) value.collation = nonEmpty(options.collation, `${what}: collation`);
  value.checks = Object.entries(options.checks ?? {})
    .map(([check, expression]) => ({ name: check, expression: sqlText(expression) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return typeFactory({ kind: "domain", value });
}

export function compositeType(name: string, attributes: Record<string, string>, options: CompositeTypeOptions = {}): TypeObject {
  const what = `compositeType("${name}")`;
  nonEmpty(name, "compositeType(name)");
  const list: CompositeAttribute[] = Object.entries(attributes).map(([attribute, type]) => ({
    name: attribute,
    type: nonEmpty(type, `${what}: the type of ${attribute}`),
    ...(options.collations?.[attribute] !== undefined ? { collation: options.collations[attribute]! } : {}),
  }));
  const { comment, schema } = common(options, what);
  const value: CompositeType = { ...(schema !== undefined ? { schema } : {}), name, attributes: list, ...(comment !== undefined ? { comment } : {}) };
  return typeFactory({ kind: "compositeType", value });
}

/** CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA schema (default: the default schema). */
export function extension(name: string, options: { schema?: string } = {}): ModelObject {
  nonEmpty(name, "extension(name)");
  return brand({}, { kind: "extension", value: { name, ...(options.schema !== undefined ? { schema: nonEmpty(options.schema, `extension("${name}"): schema`) } : {}) } });
}

/**
 * CREATE COLLATION (PostgreSQL). Columns, domains and indexes name it by its
 * name: `text("label").collate("bytewise", { schema: "app" })`.
 */
export function collation(name: string, options: CollationOptions): ModelObject & { readonly collationName: string } {
  const what = `collation("${name}")`;
  nonEmpty(name, "collation(name)");
  const providers: CollationProvider[] = ["libc", "icu", "builtin"];
  if (!providers.includes(options?.provider)) throw new KilnError(`${what}: provider must be one of ${providers.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(options?.provider)}.`);
  const split = options.lcCollate !== undefined || options.lcCtype !== undefined;
  if (split && (options.provider !== "libc" || options.locale !== undefined || options.lcCollate === undefined || options.lcCtype === undefined)) {
    throw new KilnError(`${what}: give either locale, or (provider "libc" only) both lcCollate and lcCtype.`);
  }
  if (!split) nonEmpty(options.locale, `${what}: locale`);
  const value: Collation = normalizeCollation({
    ...common(options, what),
    name,
    provider: options.provider,
    ...(split ? { lcCollate: nonEmpty(options.lcCollate, `${what}: lcCollate`), lcCtype: nonEmpty(options.lcCtype, `${what}: lcCtype`) } : { locale: options.locale! }),
    ...(options.deterministic === false ? { deterministic: false as const } : {}),
    ...(options.rules !== undefined ? { rules: options.rules } : {}),
  });
  const collationName = value.schema ? `${value.schema}.${name}` : name;
  return brand({ collationName }, { kind: "collation", value });
}

function isModelObject(value: unknown): value is ModelObject {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { [OBJECT]?: unknown })[OBJECT] === "object";
}

export interface ModelObjects {
  collations?: Collation[];
  sequences?: Sequence[];
  domains?: Domain[];
  compositeTypes?: CompositeType[];
  extensions?: Extension[];
  routines?: Routine[];
  aggregates?: Aggregate[];
  triggers?: Trigger[];
  operators?: Operator[];
}

/** What tells two objects of one kind apart: a routine's signature, a trigger's table. */
function objectIdentity(definition: ObjectDefinition): string {
  const v = definition.value as { schema?: string; name: string };
  if (definition.kind === "extension") return `\u0000${v.name}`;
  if (definition.kind === "routine") return `${v.schema ?? ""}\u0000${routineSignature(definition.value)}`;
  if (definition.kind === "operator") return `${v.schema ?? ""}\u0000${operatorSignature(definition.value)}`;
  if (definition.kind === "aggregate") return `${v.schema ?? ""}\u0000${aggregateSignature(definition.value)}`;
  if (definition.kind === "trigger") return `${v.schema ?? ""}\u0000${definition.value.table}\u0000${v.name}`;
  return `${v.schema ?? ""}\u0000${v.name}`;
}

/** The model objects exported by the modules (modelsToCatalog), each once, sorted by name; the same name twice with different definitions is refused. */
export function collectModelObjects(modules: Record<string, unknown>[]): ModelObjects {
  const found = new Map<string, ObjectDefinition>();
  for (const module of modules) {
    for (const [key, value] of Object.entries(module ?? {})) {
      if (!isModelObject(value)) continue;
      const definition = value[OBJECT];
      const v = definition.value as { schema?: string; name: string };
      const id = `${definition.kind}\u0000${objectIdentity(definition)}`;
      const other = found.get(id);
      if (other && JSON.stringify(other) !== JSON.stringify(definition)) {
        throw new KilnError(`two model ${definition.kind}s are both named "${v.schema ? `${v.schema}.` : ""}${v.name}" with different definitions (export "${key}"); declare it once and reuse it.`);
      }
      found.set(id, definition);
    }
  }
  const lists = {
    collations: [] as Collation[],
    sequences: [] as Sequence[],
    domains: [] as Domain[],
    compositeTypes: [] as CompositeType[],
    extensions: [] as Extension[],
    routines: [] as Routine[],
    aggregates: [] as Aggregate[],
    triggers: [] as Trigger[],
    operators: [] as Operator[],
  };
  const sorted = [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
  for (const d of sorted) {
    if (d.kind === "collation") lists.collations.push(structuredClone(d.value));
    else if (d.kind === "sequence") lists.sequences.push(structuredClone(d.value));
    else if (d.kind === "domain") lists.domains.push(structuredClone(d.value));
    else if (d.kind === "compositeType") lists.compositeTypes.push(structuredClone(d.value));
    else if (d.kind === "routine") lists.routines.push(structuredClone(d.value));
    else if (d.kind === "aggregate") lists.aggregates.push(structuredClone(d.value));
    else if (d.kind === "trigger") lists.triggers.push(structuredClone(d.value));
    else if (d.kind === "operator") lists.operators.push(structuredClone(d.value));
    else lists.extensions.push(structuredClone(d.value));
  }
  // Only the kinds the models use: a Catalog without them stays as it was.
  return Object.fromEntries(Object.entries(lists).filter(([, list]) => list.length > 0)) as ModelObjects;
}
