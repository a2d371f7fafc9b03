/**
 * Canonicalize a model Catalog: let PostgreSQL itself spell the model's types,
 * defaults, check expressions and index expressions, so that they read exactly
 * as introspection of a live database would.
 *
 * How: in a transaction that is always rolled back, create the model's enums,
 * tables (columns, defaults, checks; no keys) and indexes in scratch schemas,
 * read them back with the introspection reader, and copy the spellings onto
 * the model. The DDL goes in one multi-statement batch; only if that fails is
 * it retried table by table (and statement by statement for a failing table),
 * leaving the parts PostgreSQL rejects as the model wrote them.
 */
import { randomBytes } from "node:crypto";
import type { Catalog, Column, Index, Table } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import type { Connection } from "../types.js";
import { DEFAULT_SCHEMA, readCatalog } from "./introspect.js";
import { normalizeExpression, stripEnclosingParens, unifyCurrentTimestamp } from "./normalize.js";
import { quoteIdentifier as quoteIdent, quoteString as quoteText } from "./sql.js";

/** Where one model object went in the scratch schemas, to read its spelling back. */
interface ScratchPlan {
  /** Scratch schema per model schema (the default schema is keyed by ""). */
  scratchSchemas: Map<string, string>;
  setup: string[];
  enums: string[];
  tables: TablePlan[];
}

interface TablePlan {
  model: Table;
  scratchSchema: string;
  /** CREATE TABLE with everything, then CREATE INDEX statements. */
  whole: string[];
  /** The same, one piece per statement, for a table PostgreSQL rejected whole. */
  pieces: string[];
  /** Generated check name -> index into model.checks. */
  checkNames: string[];
  /** Generated index name -> index into model.indexes. */
  indexNames: string[];
}

/** Rewrite the model's spellings into the ones introspection produces. */
export async function canonicalizePostgres(conn: Connection, catalog: Catalog): Promise<Catalog> {
  if (catalog.tables.length === 0) return structuredClone(catalog);

  const plan = planScratch(catalog, `kiln_canon_${randomBytes(6).toString("hex")}`);
  const scratchNames = [...plan.scratchSchemas.values()];
  const originalOf = new Map([...plan.scratchSchemas].map(([model, scratch]) => [scratch, model]));

  await conn.query("BEGIN");
  try {
    await createScratch(conn, plan);
    const quoted = await quotedSchemaNames(conn, [...plan.scratchSchemas.keys()]);
    const scratchPattern = new RegExp(`"?(${scratchNames.map(escapeRegExp).join("|")})"?`, "g");
    const scratchCatalog = await readCatalog(conn, {
      schemas: scratchNames,
      excludeTables: [],
      schemaAlias: (scratch) => {
        const model = originalOf.get(scratch);
        return model ? model : undefined;
      },
      rewriteText: (text) => text.replace(scratchPattern, (_m, scratch: string) => quoted.get(originalOf.get(scratch)!)!),
    });
    return mergeSpellings(catalog, plan, scratchCatalog);
  } finally {
    // Nothing of the scratch schemas may survive, whatever happened above.
    await conn.query("ROLLBACK");
  }
}

/** Model schema names as PostgreSQL prints them in expressions (quoted only when needed). */
async function quotedSchemaNames(conn: Connection, modelSchemas: string[]): Promise<Map<string, string>> {
  const names = modelSchemas.map((s) => (s === "" ? DEFAULT_SCHEMA : s));
  const { rows } = await conn.query("SELECT s AS name, quote_ident(s) AS quoted FROM unnest($1::text[]) AS s", [names]);
  const quoted = new Map(rows.map((r) => [String(r.name), String(r.quoted)]));
  return new Map(modelSchemas.map((s) => [s, quoted.get(s === "" ? DEFAULT_SCHEMA : s)!]));
}

/** Run the scratch DDL; pieces PostgreSQL rejects are left out (they keep the model's spelling). */
async function createScratch(conn: Connection, plan: ScratchPlan): Promise<void> {
  const batch = [...plan.setup, ...plan.enums, ...plan.tables.flatMap((t) => t.whole)];
  try {
    await conn.query(batch.join(";\n"));
    return;
  } catch {
    // Something in the model is not valid PostgreSQL (or refers to objects that
    // do not exist here). Start over, one table at a time, to keep the rest.
    await conn.query("ROLLBACK");
    await conn.query("BEGIN");
  }
  await conn.query(plan.setup.join(";\n"));
  for (const statement of plan.enums) await tryStatements(conn, [statement]);
  for (const table of plan.tables) {
    if (await tryStatements(conn, table.whole)) continue;
    for (const piece of table.pieces) await tryStatements(conn, [piece]);
  }
}

/** Run statements under a savepoint; on error undo them and report false. */
async function tryStatements(conn: Connection, statements: string[]): Promise<boolean> {
  try {
    await conn.query(["SAVEPOINT kiln_canon", ...statements, "RELEASE SAVEPOINT kiln_canon"].join(";\n"));
    return true;
  } catch {
    await conn.query("ROLLBACK TO SAVEPOINT kiln_canon; RELEASE SAVEPOINT kiln_canon");
    return false;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// ---------------------------------------------------------------- planning (pure)

/** The scratch DDL for a model Catalog. Exported for tests. */
export function planScratch(catalog: Catalog, prefix: string): ScratchPlan {
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
  for (const t of catalog.tables) scratchFor(t.schema);

  const enumNames = new Map(catalog.enums.map((e) => [qualifiedName(e), e]));
  const typeSql = (type: string): string => {
    const m = /^(.*?)((?:\[\])*)$/s.exec(type.trim())!;
    const e = enumNames.get(m[1]!);
    return e ? `${quoteIdent(scratchFor(e.schema))}.${quoteIdent(e.name)}${m[2]}` : type;
  };

  const setup = [
    ...[...scratchSchemas.values()].map((s) => `CREATE SCHEMA ${quoteIdent(s)}`),
    // Unqualified names in the model mean the default schema: its scratch twin comes first.
    `SET LOCAL search_path TO ${quoteIdent(scratchFor(undefined))}, ${quoteIdent(DEFAULT_SCHEMA)}`,
  ];
  const enums = catalog.enums.map(
    (e) =>
      `CREATE TYPE ${quoteIdent(scratchFor(e.schema))}.${quoteIdent(e.name)} AS ENUM (${e.values.map(quoteText).join(", ")})`,
  );

  let indexCounter = 0;
  const tables = catalog.tables.map((table): TablePlan => {
    const scratchSchema = scratchFor(table.schema);
    const target = `${quoteIdent(scratchSchema)}.${quoteIdent(table.name)}`;
    const checkNames = table.checks.map((_c, i) => `kiln_ck_${i}`);
    const indexNames = table.indexes.map(() => `kiln_ix_${indexCounter++}`);
    const columnSql = (c: Column) => `${quoteIdent(c.name)} ${typeSql(c.type)}`;
    const defaultOf = (c: Column) => (c.default !== undefined && !c.identity && !c.autoIncrement ? c.default : undefined);
    const checkSql = (i: number) => `CONSTRAINT ${quoteIdent(checkNames[i]!)} CHECK (${table.checks[i]!.expression})`;
    const indexSql = (index: Index, i: number) => {
      const elements = index.columns.map((e) => (typeof e === "string" ? quoteIdent(e) : `(${e.expression})`));
      return (
        `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(indexNames[i]!)} ON ${target}` +
        `${index.method ? ` USING ${quoteIdent(index.method)}` : ""} (${elements.join(", ")})` +
        `${index.where !== undefined ? ` WHERE (${index.where})` : ""}`
      );
    };

    const definitions = [
      ...table.columns.map((c) => {
        const d = defaultOf(c);
        return d === undefined ? columnSql(c) : `${columnSql(c)} DEFAULT ${d}`;
      }),
      ...table.checks.map((_c, i) => checkSql(i)),
    ];
    const whole = [`CREATE TABLE ${target} (${definitions.join(", ")})`, ...table.indexes.map(indexSql)];
    const pieces = [
      `CREATE TABLE ${target} ()`,
      ...table.columns.map((c) => `ALTER TABLE ${target} ADD COLUMN ${columnSql(c)}`),
      ...table.columns.flatMap((c) => {
        const d = defaultOf(c);
        return d === undefined ? [] : [`ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(c.name)} SET DEFAULT ${d}`];
      }),
      ...table.checks.map((_c, i) => `ALTER TABLE ${target} ADD ${checkSql(i)}`),
      ...table.indexes.map(indexSql),
    ];
    return { model: table, scratchSchema, whole, pieces, checkNames, indexNames };
  });

  return { scratchSchemas, setup, enums, tables };
}

// ---------------------------------------------------------------- merging (pure)

/** Copy PostgreSQL's spellings from the scratch Catalog onto a copy of the model. */
function mergeSpellings(model: Catalog, plan: ScratchPlan, scratch: Catalog): Catalog {
  const scratchTables = new Map(scratch.tables.map((t) => [qualifiedName(t), t]));
  const tables = plan.tables.map((tp) => {
    const found = scratchTables.get(qualifiedName({ schema: tp.model.schema === DEFAULT_SCHEMA ? undefined : tp.model.schema, name: tp.model.name }));
    return mergeTable(tp, found);
  });
  return { schemas: [...model.schemas], tables, enums: structuredClone(model.enums) };
}

function mergeTable(tp: TablePlan, found: Table | undefined): Table {
  const table = structuredClone(tp.model);
  const scratchColumns = new Map((found?.columns ?? []).map((c) => [c.name, c]));
  table.columns = table.columns.map((column) => {
    const spelled = scratchColumns.get(column.name);
    if (!spelled) return { ...column, ...textDefault(column) };
    const merged: Column = { ...column, type: spelled.type };
    if (spelled.autoIncrement) {
      // The model wrote serial/bigserial: PostgreSQL turned it into type + owned sequence.
      merged.autoIncrement = true;
      delete merged.default;
    } else if (column.default !== undefined && !column.identity && !column.autoIncrement) {
      if (spelled.default !== undefined) merged.default = spelled.default;
      else Object.assign(merged, textDefault(column));
    }
    return merged;
  });

  const scratchChecks = new Map((found?.checks ?? []).map((c) => [c.name, c.expression]));
  table.checks = table.checks.map((check, i) => ({
    ...check,
    expression: scratchChecks.get(tp.checkNames[i]!) ?? unifyCurrentTimestamp(stripEnclosingParens(check.expression)),
  }));

  const scratchIndexes = new Map((found?.indexes ?? []).map((ix) => [ix.name, ix]));
  table.indexes = table.indexes.map((index, i) => {
    const spelled = scratchIndexes.get(tp.indexNames[i]!);
    if (!spelled) return textIndex(index);
    const merged: Index = { ...index, columns: spelled.columns };
    if (spelled.where !== undefined) merged.where = spelled.where;
    else delete merged.where;
    if (spelled.method !== undefined) merged.method = spelled.method;
    else delete merged.method;
    return merged;
  });
  return table;
}

/** Text-only rules for a default PostgreSQL did not accept here. */
function textDefault(column: Column): Partial<Column> {
  return column.default === undefined ? {} : { default: unifyCurrentTimestamp(column.default.trim()) };
}

function textIndex(index: Index): Index {
  const out: Index = {
    ...index,
    columns: index.columns.map((e) => (typeof e === "string" ? e : { expression: normalizeExpression(e.expression) })),
  };
  if (index.where !== undefined) out.where = normalizeExpression(index.where);
  if (out.method === "btree") delete out.method;
  return out;
}
