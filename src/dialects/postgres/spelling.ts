/**
 * Batched spelling: PostgreSQL spells many pieces of model text at once, in
 * scratch objects that are always rolled back. This is the one path every
 * Catalog kind's canonicalization goes through on PostgreSQL: a kind turns
 * the text it needs spelled into SpellRequests (a type, a column default, a
 * boolean or value expression over a table's columns, an index), and gets a
 * Spelling back per request, or undefined where PostgreSQL rejected the text
 * (the caller then keeps its text rules).
 *
 * How the work is bounded, whatever the schema size:
 * - requests are deduplicated by their content;
 * - requests share scratch tables: types and defaults (which refer to no
 *   column) become columns of a few wide "value" tables; expressions over a
 *   table's columns go into a scratch table holding those columns, shared by
 *   every request whose columns agree (same name, same type and collation);
 *   only text that names its own table gets a table of that name;
 * - the scratch objects are built and read back in chunks, one transaction
 *   each, rolled back before the next: a chunk holds at most about
 *   LOCK_BUDGET locks (counted as five per table, with its TOAST table and
 *   index and row type, and three per index: an overestimate; measured on
 *   PostgreSQL 15 with pg_locks, the one chunk of 1,000 varied tables, 9
 *   scratch tables and 104 indexes estimated at 357, held at most 240 rows of
 *   pg_locks including the catalogs' own), so kiln never holds more than a few
 *   hundred locks and never exhausts the server's shared lock table;
 * - one multi-statement round trip builds a chunk; the readback is the
 *   introspection reader's fixed number of queries per chunk.
 * A chunk PostgreSQL rejects is retried table by table under savepoints, and
 * a rejected table piece by piece, leaving out only what fails.
 */
import { randomBytes } from "node:crypto";
import type { Catalog, EnumType, IndexElement } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import { comparable } from "../../catalog/exact-text.js";
import type { Connection } from "../types.js";
import { collationSql } from "./columns.js";
import { indexElementSql } from "./compile/indexes.js";
import { DEFAULT_SCHEMA, readCatalog } from "./introspect.js";
import { quoteIdentifier as quoteIdent, quoteString as quoteText } from "./sql.js";

/** A column an expression is spelled against. */
export interface ContextColumn {
  name: string;
  type: string;
  collation?: string;
}

/** Where a table-bound request lives: its model schema ("" for the default one) and, when its text names its own table, that name. */
interface TablePlace {
  schema: string;
  /** Set only when the text mentions the table's own name: the request then gets a scratch table of that name, alone. */
  table?: string;
  columns: ContextColumn[];
}

export type SpellRequest =
  /** A column type (with its collation): spelled as format_type prints it. */
  | { kind: "type"; type: string; collation?: string }
  /** A column default for a column of `type`. */
  | { kind: "default"; type: string; text: string }
  /** A boolean expression over a table's columns, spelled as a CHECK constraint. */
  | ({ kind: "check"; text: string } & TablePlace)
  /** A generation expression for a column of `type`. */
  | ({ kind: "generated"; type: string; text: string; stored: boolean } & TablePlace)
  /** An index (elements with their options, predicate, method). */
  | ({ kind: "index"; elements: IndexElement[]; where?: string; method?: string; unique?: boolean } & TablePlace);

/** What PostgreSQL made of a request (JSON data: it is kept in the spelling cache). */
export type Spelling =
  | { type: string; collation?: string }
  /** default / check / generated: the text as introspection reads it (its comparable form); null when none was kept. */
  | { text: string | null }
  | { columns: IndexElement[]; where?: string; method?: string };

/** Estimated locks a chunk may hold (measured: see docs/benchmarks.md); the transaction's own catalog locks come on top. */
export const LOCK_BUDGET = 400;
const TABLE_LOCKS = 5;
const INDEX_LOCKS = 3;
/** Columns per scratch table (PostgreSQL allows 1,600). */
const MAX_COLUMNS = 1000;
/** Checks, generated columns and indexes per scratch table (keeps a retry piece by piece short). */
const MAX_ITEMS = 100;

interface Item {
  request: number;
  /** The scratch name of the check, column or index. */
  name: string;
}

interface Unit {
  schema: string;
  name: string;
  shared: boolean;
  columns: Map<string, ContextColumn>;
  values: Item[];
  generated: Item[];
  checks: Item[];
  indexes: Item[];
}

export interface SpellOptions {
  /** Lock budget per chunk (tests lower it to force several chunks). */
  lockBudget?: number;
  /** Called with each chunk's statements count (tests, the benchmark). */
  onChunk?: (chunk: { units: number; indexes: number }) => void;
}

function unitCost(unit: Unit): number {
  return TABLE_LOCKS + INDEX_LOCKS * unit.indexes.length;
}

function compatible(unit: Unit, columns: ContextColumn[]): number | undefined {
  let added = 0;
  for (const c of columns) {
    const present = unit.columns.get(c.name);
    if (present === undefined) added++;
    else if (present.type !== c.type || present.collation !== c.collation) return undefined;
  }
  return added;
}

/** Groups requests into scratch tables (pure). Exported for tests. */
export function planUnits(requests: readonly SpellRequest[]): Unit[] {
  const units: Unit[] = [];
  const openShared = new Map<string, Unit[]>();
  let counter = 0;
  const newUnit = (schema: string, name: string | undefined): Unit => {
    const unit: Unit = {
      schema,
      name: name ?? `kiln:t:${units.length}`,
      shared: name === undefined,
      columns: new Map(),
      values: [],
      generated: [],
      checks: [],
      indexes: [],
    };
    units.push(unit);
    return unit;
  };
  let valueUnit: Unit | undefined;
  requests.forEach((request, index) => {
    if (request.kind === "type" || request.kind === "default") {
      if (!valueUnit || valueUnit.values.length >= MAX_COLUMNS) valueUnit = newUnit("", undefined);
      valueUnit.values.push({ request: index, name: `kiln:v:${counter++}` });
      return;
    }
    let unit: Unit | undefined;
    if (request.table === undefined) {
      const open = openShared.get(request.schema) ?? [];
      for (let i = open.length - 1; i >= Math.max(0, open.length - 4) && !unit; i--) {
        const candidate = open[i]!;
        const added = compatible(candidate, request.columns);
        const items = candidate.checks.length + candidate.generated.length + candidate.indexes.length;
        if (added !== undefined && candidate.columns.size + candidate.generated.length + added < MAX_COLUMNS && items < MAX_ITEMS) {
          unit = candidate;
        }
      }
      if (!unit) {
        unit = newUnit(request.schema, undefined);
        open.push(unit);
        openShared.set(request.schema, open);
      }
    } else {
      unit = newUnit(request.schema, request.table);
    }
    for (const c of request.columns) if (!unit.columns.has(c.name)) unit.columns.set(c.name, c);
    const name = `kiln:${request.kind[0]}:${counter++}`;
    if (request.kind === "check") unit.checks.push({ request: index, name });
    else if (request.kind === "generated") unit.generated.push({ request: index, name });
    else unit.indexes.push({ request: index, name });
  });
  return units;
}

/** Consecutive units whose estimated locks stay within the budget (a unit over it alone goes on its own). */
function chunks(units: Unit[], budget: number): Unit[][] {
  const out: Unit[][] = [];
  let current: Unit[] = [];
  let cost = 0;
  for (const unit of units) {
    const c = unitCost(unit);
    if (current.length > 0 && cost + c > budget) {
      out.push(current);
      current = [];
      cost = 0;
    }
    current.push(unit);
    cost += c;
  }
  if (current.length > 0) out.push(current);
  return out;
}

interface ChunkSql {
  setup: string[];
  enums: string[];
  units: { whole: string[]; table: string; columns: string[]; items: string[] }[];
}

/**
 * Spells `requests` in scratch schemas of `conn`'s database. `catalog` gives
 * the model's schemas and enums (built in the scratch schemas, so that model
 * types that do not exist yet resolve). Returns a Spelling per request, or
 * undefined where PostgreSQL rejected it.
 */
export async function spellRequests(
  conn: Connection,
  catalog: Pick<Catalog, "schemas" | "enums">,
  requests: readonly SpellRequest[],
  options: SpellOptions = {},
): Promise<(Spelling | undefined)[]> {
  const answers: (Spelling | undefined)[] = new Array(requests.length).fill(undefined);
  if (requests.length === 0) return answers;
  const prefix = `kiln_canon_${randomBytes(6).toString("hex")}`;
  const scratchSchemas = new Map<string, string>();
  const scratchFor = (schema: string | undefined): string => {
    const key = schema === undefined || schema === DEFAULT_SCHEMA ? "" : schema;
    let name = scratchSchemas.get(key);
    if (!name) {
      name = `${prefix}_${scratchSchemas.size}`;
      scratchSchemas.set(key, name);
    }
    return name;
  };
  scratchFor(undefined);
  for (const s of catalog.schemas) scratchFor(s);
  for (const e of catalog.enums) scratchFor(e.schema);
  const units = planUnits(requests);
  for (const u of units) scratchFor(u.schema);

  const enumNames = new Map(catalog.enums.map((e) => [qualifiedName(e), e]));
  const baseType = (type: string) => /^(.*?)((?:\[\])*)$/s.exec(type.trim())!;
  const typeSql = (type: string): string => {
    const m = baseType(type);
    const e = enumNames.get(m[1]!);
    return e ? `${quoteIdent(scratchFor(e.schema))}.${quoteIdent(e.name)}${m[2]}` : type;
  };
  const columnSql = (name: string, type: string, collation: string | undefined) =>
    `${quoteIdent(name)} ${typeSql(type)}${collation !== undefined ? ` ${collationSql(collation)}` : ""}`;

  const originalOf = new Map([...scratchSchemas].map(([model, scratch]) => [scratch, model]));
  const quoted = await quotedSchemaNames(conn, [...scratchSchemas.keys()]);
  const scratchNames = [...scratchSchemas.values()];
  const scratchPattern = new RegExp(`"?(${scratchNames.map(escapeRegExp).join("|")})"?`, "g");

  const unitSql = (unit: Unit) => {
    const target = `${quoteIdent(scratchFor(unit.schema))}.${quoteIdent(unit.name)}`;
    const plain = [...unit.columns.values()].map((c) => columnSql(c.name, c.type, c.collation));
    const values = unit.values.map((item) => {
      const r = requests[item.request]!;
      if (r.kind === "type") return columnSql(item.name, r.type, r.collation);
      if (r.kind === "default") return `${columnSql(item.name, r.type, undefined)} DEFAULT ${r.text}`;
      throw new Error("unreachable");
    });
    const generated = unit.generated.map((item) => {
      const r = requests[item.request] as Extract<SpellRequest, { kind: "generated" }>;
      return `${columnSql(item.name, r.type, undefined)} GENERATED ALWAYS AS (${r.text}) ${r.stored ? "STORED" : "VIRTUAL"}`;
    });
    const checks = unit.checks.map((item) => {
      const r = requests[item.request] as Extract<SpellRequest, { kind: "check" }>;
      return `CONSTRAINT ${quoteIdent(item.name)} CHECK (${r.text})`;
    });
    const indexes = unit.indexes.map((item) => {
      const r = requests[item.request] as Extract<SpellRequest, { kind: "index" }>;
      const elements = r.elements.map((e) => indexElementSql(e, `index ${item.name}`, (text) => text));
      return (
        `CREATE ${r.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(item.name)} ON ${target}` +
        `${r.method ? ` USING ${quoteIdent(r.method)}` : ""} (${elements.join(", ")})` +
        `${r.where !== undefined ? ` WHERE (${r.where})` : ""}`
      );
    });
    const whole = [`CREATE TABLE ${target} (${[...plain, ...values, ...generated, ...checks].join(", ")})`, ...indexes];
    return {
      whole,
      table: `CREATE TABLE ${target} ()`,
      columns: plain.map((c) => `ALTER TABLE ${target} ADD COLUMN ${c}`),
      items: [
        ...[...values, ...generated].map((c) => `ALTER TABLE ${target} ADD COLUMN ${c}`),
        ...checks.map((c) => `ALTER TABLE ${target} ADD ${c}`),
        ...indexes,
      ],
    };
  };

  const typesOfUnit = (unit: Unit): string[] => [
    ...[...unit.columns.values()].map((c) => c.type),
    ...[...unit.values, ...unit.generated].map((item) => (requests[item.request] as { type: string }).type),
  ];

  for (const chunk of chunks(units, options.lockBudget ?? LOCK_BUDGET)) {
    options.onChunk?.({ units: chunk.length, indexes: chunk.reduce((n, u) => n + u.indexes.length, 0) });
    // Only the model's enums this chunk's columns use are built.
    const used = new Set(chunk.flatMap(typesOfUnit).map((t) => baseType(t)[1]!));
    const enums: EnumType[] = catalog.enums.filter((e) => used.has(qualifiedName(e)));
    const sql: ChunkSql = {
      setup: [
        ...[...scratchSchemas.values()].map((s) => `CREATE SCHEMA ${quoteIdent(s)}`),
        // Unqualified names in the model mean the default schema: its scratch twin comes first.
        `SET LOCAL search_path TO ${quoteIdent(scratchFor(undefined))}, ${quoteIdent(DEFAULT_SCHEMA)}`,
      ],
      enums: enums.map(
        (e) => `CREATE TYPE ${quoteIdent(scratchFor(e.schema))}.${quoteIdent(e.name)} AS ENUM (${e.values.map(quoteText).join(", ")})`,
      ),
      units: chunk.map(unitSql),
    };
    try {
      await build(conn, sql);
      const scratch = await readCatalog(conn, {
        schemas: scratchNames,
        excludeTables: [],
        schemaAlias: (name) => originalOf.get(name) || undefined,
        rewriteText: (text) => text.replace(scratchPattern, (_m, name: string) => quoted.get(originalOf.get(name)!)!),
        tablesOnly: true,
      });
      readAnswers(chunk, requests, scratch, answers);
    } finally {
      // Nothing of the scratch schemas may survive, whatever happened above.
      await conn.query("ROLLBACK");
    }
  }
  return answers;
}

/** Copies what the scratch Catalog says about each request of the chunk into `answers`. */
function readAnswers(chunk: Unit[], requests: readonly SpellRequest[], scratch: Catalog, answers: (Spelling | undefined)[]): void {
  const tables = new Map(scratch.tables.map((t) => [`${t.schema ?? ""}\u0000${t.name}`, t]));
  for (const unit of chunk) {
    const table = tables.get(`${unit.schema}\u0000${unit.name}`);
    if (!table) continue;
    const columns = new Map(table.columns.map((c) => [c.name, c]));
    const checks = new Map(table.checks.map((c) => [c.name, c]));
    const indexes = new Map(table.indexes.map((ix) => [ix.name, ix]));
    for (const item of unit.values) {
      const column = columns.get(item.name);
      if (!column) continue;
      const r = requests[item.request]!;
      if (r.kind === "type") answers[item.request] = column.collation !== undefined ? { type: column.type, collation: column.collation } : { type: column.type };
      else answers[item.request] = { text: comparable(column, "default") ?? null };
    }
    for (const item of unit.generated) {
      const column = columns.get(item.name);
      if (column?.generated) answers[item.request] = { text: comparable(column.generated, "expression") ?? null };
    }
    for (const item of unit.checks) {
      const check = checks.get(item.name);
      if (check) answers[item.request] = { text: comparable(check, "expression") ?? null };
    }
    for (const item of unit.indexes) {
      const index = indexes.get(item.name);
      if (!index) continue;
      const spelled: Spelling = { columns: index.columns };
      const where = comparable(index, "where");
      if (where !== undefined) spelled.where = where;
      if (index.method !== undefined) spelled.method = index.method;
      answers[item.request] = spelled;
    }
  }
}

/** Builds a chunk in a new transaction (left open for the readback); rejected parts are left out. */
async function build(conn: Connection, sql: ChunkSql): Promise<void> {
  try {
    await conn.query(["BEGIN", ...sql.setup, ...sql.enums, ...sql.units.flatMap((u) => u.whole)].join(";\n"));
    return;
  } catch {
    // Something is not valid PostgreSQL (or refers to objects that do not exist
    // here). Start over, one scratch table at a time, to keep the rest.
    await conn.query("ROLLBACK");
  }
  await conn.query(["BEGIN", ...sql.setup].join(";\n"));
  for (const statement of sql.enums) await tryStatements(conn, [statement]);
  for (const unit of sql.units) {
    if (await tryStatements(conn, unit.whole)) continue;
    if (!(await tryStatements(conn, [unit.table]))) continue;
    if (!(await tryStatements(conn, unit.columns))) for (const column of unit.columns) await tryStatements(conn, [column]);
    for (const item of unit.items) await tryStatements(conn, [item]);
  }
}

/** Runs statements under a savepoint; on error undoes them and reports false. */
async function tryStatements(conn: Connection, statements: string[]): Promise<boolean> {
  if (statements.length === 0) return true;
  try {
    await conn.query(["SAVEPOINT kiln_canon", ...statements, "RELEASE SAVEPOINT kiln_canon"].join(";\n"));
    return true;
  } catch {
    await conn.query("ROLLBACK TO SAVEPOINT kiln_canon; RELEASE SAVEPOINT kiln_canon");
    return false;
  }
}

/** Model schema names as PostgreSQL prints them in expressions (quoted only when needed). */
async function quotedSchemaNames(conn: Connection, modelSchemas: string[]): Promise<Map<string, string>> {
  const names = modelSchemas.map((s) => (s === "" ? DEFAULT_SCHEMA : s));
  const { rows } = await conn.query("SELECT s AS name, quote_ident(s) AS quoted FROM unnest($1::text[]) AS s", [names]);
  const quoted = new Map(rows.map((r) => [String(r.name), String(r.quoted)]));
  return new Map(modelSchemas.map((s) => [s, quoted.get(s === "" ? DEFAULT_SCHEMA : s)!]));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
