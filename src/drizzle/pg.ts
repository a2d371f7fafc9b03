/**
 * Drizzle `pgTable`s (and `pgEnum`, `pgSequence`, `pgSchema`, `pgView`, `pgMaterializedView`) -> Catalog,
 * as drizzle-kit creates them on PostgreSQL:
 * - `serial`/`smallserial`/`bigserial` are integer types with an owned sequence (autoIncrement);
 * - identity columns keep their sequence options (restored, not compared);
 * - a column's `.primaryKey()` is PostgreSQL's `<table>_pkey`; composite keys,
 *   uniques, foreign keys and indexes take drizzle's names (`<table>_<columns>_pk`,
 *   `_unique`, `<table>_<columns>_<ref table>_<ref columns>_fk`, `_index`), cut to
 *   63 bytes as PostgreSQL cuts them;
 * - SQL text (checks, index predicates, generated columns) names columns without
 *   their table, which drizzle-kit adds (`"billing"."invoices"."amount"`): the
 *   database stores the same expression, and kiln can spell it in a scratch schema;
 * - literal defaults are written as drizzle-kit writes them (`'text'`, JSON as
 *   `'...'::jsonb`, arrays as `'{...}'`, dates in ISO form).
 */
import type { Catalog, CheckConstraint, Column, EnumType, ForeignKey, Index, IndexElement, Table, UniqueConstraint } from "../catalog/types.js";
import { normalizeSequenceOptions, type OwnedSequence, type Sequence } from "../catalog/sequences.js";
import type { View } from "../catalog/views.js";
import { normalizePolicy, policyKey, type Policy } from "../catalog/policies.js";
import { KilnError } from "../errors.js";
import { columnName, describe, fkAction, isSql, quoteText, sqlText, type Casing } from "./common.js";
import type { DrizzleModules } from "./load.js";

const PG_LIMIT = 63;

/** PostgreSQL keeps the first 63 bytes of a longer name (with a NOTICE); drizzle-kit sends its names uncut. */
function pgName(name: string): string {
  const bytes = Buffer.from(name, "utf8");
  if (bytes.length <= PG_LIMIT) return name;
  let end = PG_LIMIT;
  // Do not cut a multi-byte character in half (PostgreSQL's pg_mbcliplen).
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}

const SERIALS: Record<string, string> = { serial: "integer", smallserial: "smallint", bigserial: "bigint" };

/** drizzle's pg type text in kiln's vocabulary where it has a shorter name (the dialect accepts both). */
function pgType(sqlType: string): string {
  let t = sqlType.trim().replace(/\s+/g, " ");
  const array = /((\[\d*\])+)$/.exec(t);
  const suffix = array ? array[1]!.replace(/\[\d+\]/g, "[]") : "";
  if (array) t = t.slice(0, -array[1]!.length);
  const temporal = /^(timestamp|time)(?: ?\((\d)\))?( with time zone| without time zone)?$/.exec(t);
  if (temporal) {
    t = `${temporal[1]}${temporal[3] === " with time zone" ? "tz" : ""}${temporal[2] !== undefined ? `(${temporal[2]})` : ""}`;
  }
  t = t.replace(/^(numeric|decimal)\((\d+), ?(\d+)\)$/, "numeric($2,$3)").replace(/^decimal/, "numeric");
  return `${t}${suffix}`;
}

function dateDefault(value: Date, sqlType: string): string {
  if (sqlType === "date") return quoteText(value.toISOString().split("T")[0]!);
  if (sqlType === "timestamp") return quoteText(value.toISOString().replace("T", " ").slice(0, 23));
  return quoteText(value.toISOString());
}

function arrayLiteral(values: unknown[], sqlType: string): string {
  const base = sqlType.split("[")[0]!;
  const items = values.map((v) => {
    if (typeof v === "number" || typeof v === "bigint") return v.toString();
    if (typeof v === "boolean") return v ? "true" : "false";
    if (Array.isArray(v)) return arrayLiteral(v, base);
    if (v instanceof Date) {
      if (base === "date") return `"${v.toISOString().split("T")[0]}"`;
      if (base === "timestamp") return `"${v.toISOString().replace("T", " ").slice(0, 23)}"`;
      return `"${v.toISOString()}"`;
    }
    if (typeof v === "object") return `"${JSON.stringify(v).replaceAll('"', '\\"')}"`;
    return `"${String(v)}"`;
  });
  return `{${items.join(",")}}`;
}

/** A column default as drizzle-kit writes it into CREATE TABLE. */
function defaultText(drizzle: DrizzleModules, dialect: any, column: any, where: string): string | undefined {
  const value = column.default;
  if (value === undefined) return undefined;
  if (isSql(drizzle, value)) return sqlText(dialect, value, `${where}: default`);
  const sqlType = String(column.getSQLType()).toLowerCase();
  if (typeof value === "string") return quoteText(value);
  if (sqlType === "json" || sqlType === "jsonb") return `${quoteText(JSON.stringify(value))}::${sqlType}`;
  if (value instanceof Date) return dateDefault(value, sqlType);
  if (Array.isArray(value) && /\[\d*\]$/.test(sqlType)) return quoteText(arrayLiteral(value, sqlType));
  return String(value);
}

function enumOf(drizzle: DrizzleModules, column: any): { name: string; schema?: string } | undefined {
  let c = column;
  while (drizzle.orm.is(c, drizzle.pg.PgArray)) c = c.baseColumn;
  if (drizzle.orm.is(c, drizzle.pg.PgEnumColumn) || drizzle.orm.is(c, drizzle.pg.PgEnumObjectColumn)) {
    const schema = c.enum.schema && c.enum.schema !== "public" ? c.enum.schema : undefined;
    return { name: c.enum.enumName, schema };
  }
  return undefined;
}

/**
 * A column's type in the Catalog's words, as readTable gives it: an enum by its
 * (qualified) name, a serial as its integer type, other types as pgType spells them.
 */
export function pgColumnType(drizzle: DrizzleModules, column: any): string {
  const sqlType = String(column.getSQLType());
  const used = enumOf(drizzle, column);
  if (used) {
    const depth = (/((\[\d*\])+)$/.exec(sqlType)?.[1] ?? "").replace(/\[\d+\]/g, "[]");
    return `${used.schema ? `${used.schema}.` : ""}${used.name}${depth}`;
  }
  const type = pgType(sqlType);
  return SERIALS[type.toLowerCase()] ?? type;
}

/** The identity's sequence: its name and the options the model gives (restored on re-creation, never compared). */
function identitySequence(table: string, column: string, identity: any): OwnedSequence | undefined {
  const o = identity.sequenceOptions ?? {};
  const sequence: OwnedSequence = { name: identity.sequenceName ?? `${table}_${column}_seq` };
  const fields: Record<string, unknown> = { start: o.startWith, increment: o.increment, min: o.minValue, max: o.maxValue, cache: o.cache };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (sequence as unknown as Record<string, string>)[key] = String(value);
  if (o.cycle === true) sequence.cycle = true;
  return Object.keys(sequence).length === 1 && sequence.name === `${table}_${column}_seq` ? undefined : sequence;
}

export interface PgRead {
  catalog: Catalog;
  /** What drizzle-kit would create that kiln does not model (roles, unlinked policies): named, not acted on. */
  notes: string[];
}

/** Reads the PostgreSQL Drizzle objects among `values` (exports of the models). */
export function readPg(drizzle: DrizzleModules, values: { value: unknown; source: string }[], casing?: Casing): PgRead {
  const { orm, pg } = drizzle;
  const dialect = new pg.PgDialect({ casing });
  const notes: string[] = [];
  const tables: Table[] = [];
  const enums = new Map<string, EnumType>();
  const sequences: Sequence[] = [];
  const views: View[] = [];
  const policies: Policy[] = [];
  const linkedPolicies: Policy[] = [];
  const schemas = new Set<string>();
  const addEnum = (name: string, values: string[], schema?: string) => {
    const key = `${schema ?? ""}.${name}`;
    if (!enums.has(key)) enums.set(key, { ...(schema ? { schema } : {}), name, values: [...values] });
  };

  for (const { value, source } of values) {
    if (orm.is(value, pg.PgTable)) tables.push(readTable(drizzle, dialect, value, casing, policies, addEnum));
    else if (pg.isPgEnum(value)) {
      const e = value as any;
      addEnum(e.enumName, e.enumValues, e.schema && e.schema !== "public" ? e.schema : undefined);
    } else if (pg.isPgSequence(value)) sequences.push(readSequence(value as any));
    else if (pg.isPgSchema(value)) {
      const name = (value as any).schemaName as string;
      if (name !== "public") schemas.add(name);
    } else if (orm.is(value, pg.PgView) || orm.is(value, pg.PgMaterializedView)) {
      const view = readView(drizzle, dialect, value, orm.is(value, pg.PgMaterializedView));
      if (view) views.push(view);
    } else if (orm.is(value, pg.PgRole)) {
      notes.push(`${source}: Drizzle role "${(value as any).name}" is not modelled by kiln; roles are left alone`);
    } else if (orm.is(value, pg.PgPolicy)) {
      // A policy declared on its own counts once .link(table) ties it to a table (drizzle-kit skips it otherwise).
      const linked = (value as any)._linkedTable;
      if (!linked) notes.push(`${source}: Drizzle policy "${(value as any).name}" is linked to no table (.link(table)); drizzle-kit skips it, and so does kiln`);
      else {
        const t = pg.getTableConfig(linked);
        linkedPolicies.push(readPolicy(drizzle, dialect, value, t.name, t.schema && t.schema !== "public" ? t.schema : undefined));
      }
    }
  }
  for (const t of tables) if (t.schema) schemas.add(t.schema);
  for (const e of enums.values()) if (e.schema) schemas.add(e.schema);
  for (const s of sequences) if (s.schema) schemas.add(s.schema);
  for (const v of views) if (v.schema) schemas.add(v.schema);
  for (const p of linkedPolicies) {
    const table = tables.find((t) => t.name === p.table && t.schema === p.schema);
    if (table && !table.rowLevelSecurity) table.rowLevelSecurity = { enabled: true };
    policies.push(p);
  }
  policies.sort((a, b) => (policyKey(a) < policyKey(b) ? -1 : policyKey(a) > policyKey(b) ? 1 : 0));
  return {
    catalog: {
      schemas: [...schemas].sort(),
      tables,
      enums: [...enums.values()],
      ...(sequences.length > 0 ? { sequences } : {}),
      ...(views.length > 0 ? { views } : {}),
      ...(policies.length > 0 ? { policies } : {}),
    },
    notes,
  };
}

/**
 * A pgView / pgMaterializedView as drizzle-kit creates it: `CREATE [MATERIALIZED] VIEW name
 * [WITH (...)] AS (query) [WITH NO DATA]`; `.existing()` views are not drizzle-kit's to create.
 */
function readView(drizzle: DrizzleModules, dialect: any, value: unknown, materialized: boolean): View | undefined {
  const config = materialized ? drizzle.pg.getMaterializedViewConfig(value) : drizzle.pg.getViewConfig(value);
  if (config.isExisting) return undefined;
  const where = `Drizzle ${materialized ? "materialized view" : "view"} "${config.schema ? `${config.schema}.` : ""}${config.name}"`;
  if (config.query === undefined) throw new KilnError(`${where} has no query: give it one with .as(...), or mark it .existing()`);
  const view: View = { name: config.name, definition: sqlText(dialect, config.query, where) };
  if (config.schema && config.schema !== "public") view.schema = config.schema;
  if (materialized) view.materialized = true;
  const w = (config.with ?? {}) as Record<string, unknown>;
  if (w.checkOption === "local" || w.checkOption === "cascaded") view.checkOption = w.checkOption;
  if (w.securityBarrier === true) view.securityBarrier = true;
  if (w.securityInvoker === true) view.securityInvoker = true;
  if (materialized && config.withNoData) view.withNoData = true;
  return view;
}

function readSequence(s: any): Sequence {
  const o = s.seqOptions ?? {};
  const text = (v: unknown) => (v === undefined ? undefined : String(v));
  const sequence: Sequence = normalizeSequenceOptions({
    ...(s.schema && s.schema !== "public" ? { schema: s.schema } : {}),
    name: s.seqName,
    start: text(o.startWith),
    increment: text(o.increment),
    min: text(o.minValue),
    max: text(o.maxValue),
    cache: text(o.cache),
    cycle: o.cycle === true ? true : undefined,
  });
  for (const key of Object.keys(sequence) as (keyof Sequence)[]) if (sequence[key] === undefined) delete sequence[key];
  return sequence;
}

function readTable(
  drizzle: DrizzleModules,
  dialect: any,
  table: unknown,
  casing: Casing | undefined,
  policies: Policy[],
  addEnum: (name: string, values: string[], schema?: string) => void,
): Table {
  const { orm, pg } = drizzle;
  const config = pg.getTableConfig(table);
  const tableName: string = config.name;
  const schema: string | undefined = config.schema && config.schema !== "public" ? config.schema : undefined;
  const where = describe(tableName, schema);
  const columns: Column[] = [];
  const uniques: UniqueConstraint[] = [];
  let primaryKey: Table["primaryKey"];

  for (const c of config.columns as any[]) {
    const name = columnName(c, casing);
    const at = `${where}, column "${name}"`;
    const sqlType = String(c.getSQLType());
    const used = enumOf(drizzle, c);
    let type: string;
    if (used) {
      if (!used.schema) addEnum(used.name, enumValuesOf(drizzle, c));
      else addEnum(used.name, enumValuesOf(drizzle, c), used.schema);
      const depth = (/((\[\d*\])+)$/.exec(sqlType)?.[1] ?? "").replace(/\[\d+\]/g, "[]");
      type = `${used.schema ? `${used.schema}.` : ""}${used.name}${depth}`;
    } else type = pgType(sqlType);
    const column: Column = { name, type, nullable: !c.notNull };
    const serial = SERIALS[type.toLowerCase()];
    if (serial) {
      column.type = serial;
      column.autoIncrement = true;
      column.nullable = false;
    }
    const identity = c.generatedIdentity;
    if (identity) {
      column.identity = { always: identity.type === "always" };
      column.nullable = false;
      const sequence = identitySequence(tableName, name, identity);
      if (sequence) column.sequence = sequence;
    }
    if (c.generated) {
      const as = c.generated.as;
      const expression = isSql(drizzle, as) ? sqlText(dialect, as, `${at}: generated`, "indexes") : typeof as === "function" ? sqlText(dialect, as(), `${at}: generated`, "indexes") : String(as);
      column.generated = { expression, stored: true };
    }
    const def = defaultText(drizzle, dialect, c, at);
    if (def !== undefined && !column.generated) column.default = def;
    if (c.primary) {
      column.nullable = false;
      primaryKey = { name: pgName(`${tableName}_pkey`), columns: [name] };
    }
    if (c.isUnique) {
      uniques.push({ name: pgName(c.uniqueName), columns: [name], ...(c.uniqueType === "not distinct" ? { nullsNotDistinct: true } : {}) });
    }
    columns.push(column);
  }

  for (const pk of config.primaryKeys as any[]) {
    const names = pk.columns.map((c: any) => columnName(c, casing));
    let name: string = pk.getName();
    pk.columns.forEach((c: any, i: number) => (name = name.replace(c.name, names[i])));
    primaryKey = { name: pgName(name), columns: names };
    for (const column of columns) if (names.includes(column.name)) column.nullable = false;
  }

  for (const u of (config.uniqueConstraints ?? []) as any[]) {
    const names = u.columns.map((c: any) => columnName(c, casing));
    const name: string = u.name ?? pg.uniqueKeyName(table, names);
    uniques.push({ name: pgName(name), columns: names, ...(u.nullsNotDistinct ? { nullsNotDistinct: true } : {}) });
  }

  const foreignKeys: ForeignKey[] = (config.foreignKeys as any[]).map((fk) => {
    const ref = fk.reference();
    const from = ref.columns.map((c: any) => columnName(c, casing));
    const to = ref.foreignColumns.map((c: any) => columnName(c, casing));
    let name: string = fk.getName();
    if (casing) {
      ref.columns.forEach((c: any, i: number) => (name = name.replace(c.name, from[i])));
      ref.foreignColumns.forEach((c: any, i: number) => (name = name.replace(c.name, to[i])));
    }
    const refConfig = pg.getTableConfig(ref.foreignTable);
    const refSchema = refConfig.schema && refConfig.schema !== "public" ? refConfig.schema : undefined;
    const result: ForeignKey = { name: pgName(name), columns: from, refTable: refConfig.name, refColumns: to };
    if (refSchema) result.refSchema = refSchema;
    const onDelete = fkAction(fk.onDelete, false);
    const onUpdate = fkAction(fk.onUpdate, false);
    if (onDelete) result.onDelete = onDelete;
    if (onUpdate) result.onUpdate = onUpdate;
    return result;
  });

  const checks: CheckConstraint[] = (config.checks as any[]).map((check) => ({
    name: pgName(check.name),
    expression: sqlText(dialect, check.value, `${where}: check "${check.name}"`, "indexes"),
  }));

  const indexes: Index[] = (config.indexes as any[]).map((ix) => readIndex(drizzle, dialect, ix.config, tableName, where, casing));

  // drizzle-kit enables row-level security on a table with policies, or with .enableRLS().
  const rls = config.enableRLS || (config.policies as unknown[]).length > 0;
  for (const policy of config.policies as any[]) policies.push(readPolicy(drizzle, dialect, policy, tableName, schema));
  void orm;
  return {
    ...(schema ? { schema } : {}),
    name: tableName,
    columns,
    ...(primaryKey ? { primaryKey } : {}),
    uniques,
    foreignKeys,
    checks,
    indexes,
    ...(rls ? { rowLevelSecurity: { enabled: true as const } } : {}),
  };
}

/** A pgPolicy as drizzle-kit creates it: AS, FOR, TO (PUBLIC when none), USING and WITH CHECK. */
function readPolicy(drizzle: DrizzleModules, dialect: any, p: any, table: string, schema: string | undefined): Policy {
  const where = `Drizzle policy "${p.name}" on ${describe(table, schema)}`;
  const roleName = (r: unknown) => (typeof r === "string" ? r : drizzle.orm.is(r, drizzle.pg.PgRole) ? (r as { name: string }).name : String(r));
  const roles = p.to === undefined ? [] : Array.isArray(p.to) ? p.to.map(roleName) : [roleName(p.to)];
  const policy: Policy = { ...(schema ? { schema } : {}), table, name: p.name };
  const command = String(p.for ?? "all").toLowerCase();
  if (command !== "all") policy.command = command as NonNullable<Policy["command"]>;
  if (String(p.as ?? "permissive").toLowerCase() === "restrictive") policy.restrictive = true;
  if (roles.length > 0) policy.roles = roles;
  if (isSql(drizzle, p.using)) policy.using = sqlText(dialect, p.using, `${where}: using`, "indexes");
  if (isSql(drizzle, p.withCheck)) policy.withCheck = sqlText(dialect, p.withCheck, `${where}: with check`, "indexes");
  return normalizePolicy(policy);
}

function enumValuesOf(drizzle: DrizzleModules, column: any): string[] {
  let c = column;
  while (drizzle.orm.is(c, drizzle.pg.PgArray)) c = c.baseColumn;
  return c.enum.enumValues as string[];
}

function readIndex(drizzle: DrizzleModules, dialect: any, config: any, tableName: string, where: string, casing: Casing | undefined): Index {
  const columns: IndexElement[] = [];
  const names: string[] = [];
  for (const it of config.columns as any[]) {
    if (isSql(drizzle, it)) {
      const expression = sqlText(dialect, it, `${where}: index`, "indexes");
      if (config.name === undefined) {
        throw new KilnError(
          `${where}: the index on the expression ${expression} has no name; drizzle-kit names indexes on columns only, so give it one: index("name").on(...)`,
        );
      }
      columns.push({ expression });
      names.push(expression);
      continue;
    }
    const name = columnName(it, casing);
    names.push(name);
    const ic = it.indexConfig ?? {};
    // drizzle-kit writes the operator class alone (no DESC, no NULLS) when one is given.
    if (ic.opClass) {
      columns.push({ column: name, opclass: ic.opClass });
      continue;
    }
    const descending = ic.order === "desc";
    const nulls: "first" | "last" = ic.nulls ?? (descending ? "first" : "last");
    const element: { column: string; descending?: boolean; nulls?: "first" | "last" } = { column: name };
    if (descending) element.descending = true;
    if (nulls !== (descending ? "first" : "last")) element.nulls = nulls;
    columns.push(element.descending || element.nulls ? element : name);
  }
  const index: Index = { name: pgName(config.name ?? `${tableName}_${names.join("_")}_index`), columns };
  if (config.unique) index.unique = true;
  if (config.where !== undefined) index.where = sqlText(dialect, config.where, `${where}: index "${index.name}" where`, "indexes");
  if (config.method && config.method !== "btree") index.method = config.method;
  if (config.with && Object.keys(config.with).length > 0) {
    index.with = Object.fromEntries(Object.entries(config.with).map(([k, v]) => [k, String(v)]));
  }
  return index;
}
