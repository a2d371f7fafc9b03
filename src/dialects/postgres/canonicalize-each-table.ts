/**
 * The reference canonicalization, one scratch table per model table (or per
 * table shape): what canonicalize.ts's batched path must agree with, kept for
 * `canonicalizePostgres(..., { exhaustive: true })` and the tests that compare
 * the two, and (for now) the path model views and policies take with the
 * tables they name. Let PostgreSQL itself spell the model's types,
 * defaults, generation, check and index expressions, so that they compare with
 * what introspection of a live database reads. Types and collations take the
 * database's spelling; SQL text keeps the model's text as written and gets the
 * database's spelling as its canonical form beside it (EXACT TEXT in
 * catalog/types.ts), so that a revision shows what the user wrote.
 *
 * How: in a transaction that is always rolled back, create the model's enums,
 * tables (columns, defaults, checks; no keys) and indexes in scratch schemas,
 * read them back with the introspection reader, and copy the spellings onto
 * the model. The DDL goes in one multi-statement batch; only if that fails is
 * it retried table by table (and statement by statement for a failing table),
 * leaving the parts PostgreSQL rejects as the model wrote them.
 *
 * Two shortcuts keep the scratch small (`exhaustive` turns both off, for tests
 * that prove they change nothing): tables of one shape (shapes.ts) are built
 * once and share the spelling, and plain column indexes, which read back as
 * written, are not built at all.
 */
import { elementExpression, mapIndexElement, normalizeIndexElement } from "../../catalog/index-elements.js";
import { randomBytes } from "node:crypto";
import type { Catalog, Column, Index, IndexExpressionElement, Table } from "../../catalog/types.js";
import { qualifiedName } from "../../catalog/types.js";
import type { Connection } from "../types.js";
import { DEFAULT_SCHEMA, readCatalog } from "./introspect.js";
import { comparable, comparableExpression, setCanonical } from "../../catalog/exact-text.js";
import { collationSql, generatedSql } from "./columns.js";
import { normalizeExpression, stripEnclosingParens, unifyCurrentTimestamp } from "./normalize.js";
import { builtDefault, groupByShape, indexNeedsSpelling, type ShapeGroup } from "./shapes.js";
import { indexElementSql } from "./compile/indexes.js";
import { createPolicySql } from "./compile/policies.js";
import { triggerSql } from "./compile/triggers.js";
import type { Trigger } from "../../catalog/triggers.js";
import type { Policy } from "../../catalog/policies.js";
import { quoteIdentifier as quoteIdent, quoteString as quoteText } from "./sql.js";
import { mergeViewSpellings, scratchViewStatements, tablesUsedByViews } from "./canonicalize-views.js";
import { routinesUsedByViews, scratchRoutineStatements } from "./canonicalize-routines.js";

/** Where one model object went in the scratch schemas, to read its spelling back. */
interface ScratchPlan {
  /** Scratch schema per model schema (the default schema is keyed by ""). */
  scratchSchemas: Map<string, string>;
  setup: string[];
  enums: string[];
  tables: TablePlan[];
  /** The model functions the views call, as the model writes them (canonicalize-routines.ts). */
  routines: string[];
  /** CREATE [MATERIALIZED] VIEW statements, each view after those it names (canonicalize-views.ts). */
  views: string[];
  /** CREATE POLICY on the scratch tables, after all of them (a policy may read other tables); by position in catalog.policies. */
  policies: (string | undefined)[];
  /** A trigger function, then CREATE TRIGGER kiln_trg_<i> for each trigger with a WHEN condition (by position in catalog.triggers). */
  triggers: string[];
}

interface TablePlan {
  /** The table built (a shape's representative). */
  model: Table;
  scratchSchema: string;
  /** CREATE TABLE with everything, then CREATE INDEX statements. */
  whole: string[];
  /** The same, one piece per statement, for a table PostgreSQL rejected whole. */
  pieces: string[];
  /** Generated check names, by position in model.checks. */
  checkNames: string[];
  /** Which of a table's indexes are built (all, or those that need spelling: see indexNeedsSpelling). */
  isBuilt: (index: Index) => boolean;
  /** Generated names of the indexes built, in model order. */
  indexNames: string[];
}

export interface EachTableOptions {
  /** Build every table and every index as the model writes it: the slow path the shortcuts must agree with (tests). */
  exhaustive?: boolean;
}

/** Rewrite the model's spellings into the ones introspection produces. */
export async function canonicalizeEachTable(conn: Connection, catalog: Catalog, options: EachTableOptions = {}): Promise<Catalog> {
  if (catalog.tables.length === 0 && (catalog.views ?? []).length === 0) return structuredClone(catalog);

  const exhaustive = options.exhaustive === true;
  // A table a view or a policy may use is built under its own name, for the view or policy to find it.
  const usedByViews = tablesUsedByViews(catalog);
  const hasPolicies = (catalog.policies?.length ?? 0) > 0 || (catalog.triggers ?? []).some((t) => t.when !== undefined);
  const groups = exhaustive || hasPolicies
    ? catalog.tables.map((t) => ({ representative: t, members: [t] }))
    : [...groupByShape(catalog.tables.filter((t) => !usedByViews.has(t))), ...catalog.tables.filter((t) => usedByViews.has(t)).map((t) => ({ representative: t, members: [t] }))];
  const plan = planScratch(
    { ...catalog, tables: groups.map((g) => g.representative) },
    `kiln_canon_${randomBytes(6).toString("hex")}`,
    { allIndexes: exhaustive },
  );
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
    return mergeSpellings(catalog, plan, groups, scratchCatalog);
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
  const policies = plan.policies.filter((p): p is string => p !== undefined);
  const batch = [...plan.setup, ...plan.enums, ...plan.tables.flatMap((t) => t.whole), ...plan.routines, ...plan.views, ...policies, ...plan.triggers];
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
  // The first is SET LOCAL check_function_bodies = off.
  if (plan.routines.length > 0) await conn.query(plan.routines[0]!);
  for (const routine of plan.routines.slice(1)) await tryStatements(conn, [routine]);
  // Views in their order; one that fails may need one created later (a cycle of names): a second round.
  let pending = plan.views;
  for (let round = 0; round < 2 && pending.length > 0; round++) {
    const failed: string[] = [];
    for (const statement of pending) if (!(await tryStatements(conn, [statement]))) failed.push(statement);
    if (failed.length === pending.length) break;
    pending = failed;
  }
  for (const policy of policies) await tryStatements(conn, [policy]);
  for (const trigger of plan.triggers) await tryStatements(conn, [trigger]);
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
export function planScratch(catalog: Catalog, prefix: string, options: { allIndexes?: boolean } = {}): ScratchPlan {
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
  for (const v of catalog.views ?? []) scratchFor(v.schema);
  const usedRoutines = routinesUsedByViews(catalog);
  for (const r of usedRoutines) scratchFor(r.schema);

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
    const isBuilt = options.allIndexes ? () => true : indexNeedsSpelling;
    const built = table.indexes.filter(isBuilt);
    const indexNames = built.map(() => `kiln_ix_${indexCounter++}`);
    const columnSql = (c: Column) =>
      [
        `${quoteIdent(c.name)} ${typeSql(c.type)}`,
        ...(c.collation !== undefined ? [collationSql(c.collation)] : []),
        ...(c.generated ? [generatedSql(c.generated, c.name)] : []),
      ].join(" ");
    const checkSql = (i: number) => `CONSTRAINT ${quoteIdent(checkNames[i]!)} CHECK (${table.checks[i]!.expression})`;
    const indexSql = (index: Index, i: number) => {
      // Elements with their options (COLLATE, operator class, order): PostgreSQL spells those too.
      const elements = index.columns.map((e) => indexElementSql(e, `index ${index.name ?? ""}`, (text) => text));
      return (
        `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(indexNames[i]!)} ON ${target}` +
        `${index.method ? ` USING ${quoteIdent(index.method)}` : ""} (${elements.join(", ")})` +
        `${index.where !== undefined ? ` WHERE (${index.where})` : ""}`
      );
    };

    const definitions = [
      ...table.columns.map((c) => {
        const d = builtDefault(c);
        return d === undefined ? columnSql(c) : `${columnSql(c)} DEFAULT ${d}`;
      }),
      ...table.checks.map((_c, i) => checkSql(i)),
    ];
    const whole = [`CREATE TABLE ${target} (${definitions.join(", ")})`, ...built.map(indexSql)];
    const pieces = [
      `CREATE TABLE ${target} ()`,
      ...table.columns.map((c) => `ALTER TABLE ${target} ADD COLUMN ${columnSql(c)}`),
      ...table.columns.flatMap((c) => {
        const d = builtDefault(c);
        return d === undefined ? [] : [`ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(c.name)} SET DEFAULT ${d}`];
      }),
      ...table.checks.map((_c, i) => `ALTER TABLE ${target} ADD ${checkSql(i)}`),
      ...built.map(indexSql),
    ];
    return { model: table, scratchSchema, whole, pieces, checkNames, isBuilt, indexNames };
  });

  // Relations and the enums (a cast to `app.status`): types and relations share one namespace.
  const scratchRelations = new Set([...catalog.tables, ...(catalog.views ?? []), ...catalog.enums].map((r) => qualifiedName({ schema: r.schema === DEFAULT_SCHEMA ? undefined : r.schema, name: r.name })));
  const enumAndTableNames = new Set([...catalog.enums, ...catalog.tables].map((o) => qualifiedName({ schema: o.schema === DEFAULT_SCHEMA ? undefined : o.schema, name: o.name })));
  const routines = scratchRoutineStatements(usedRoutines, scratchFor, enumAndTableNames);
  const scratchFunctions = new Set(usedRoutines.map((r) => qualifiedName({ schema: r.schema === DEFAULT_SCHEMA ? undefined : r.schema, name: r.name })));
  const views = scratchViewStatements(catalog.views ?? [], scratchFor, scratchRelations, scratchFunctions);
  // Roles are left out (TO PUBLIC): only the expressions are spelled.
  const tableKeys = new Set(catalog.tables.map(qualifiedName));
  const policies = (catalog.policies ?? []).map((p, i) => {
    if (!tableKeys.has(qualifiedName({ schema: p.schema, name: p.table }))) return undefined;
    return createPolicySql({ ...p, name: `kiln_pol_${i}`, roles: [], schema: scratchFor(p.schema) });
  });
  // WHEN conditions: each on a scratch trigger of its table, running a do-nothing function (only the text is wanted).
  const triggerFunction = `${quoteIdent(scratchFor(undefined))}.kiln_trg_fn`;
  const triggerStatements = (catalog.triggers ?? []).flatMap((t, i) => {
    if (t.when === undefined || !tableKeys.has(qualifiedName({ schema: t.schema, name: t.table }))) return [];
    const { comment: _c, enabled: _e, canonical: _k, ...rest } = t;
    return [triggerSql({ ...rest, name: `kiln_trg_${i}`, schema: scratchFor(t.schema), function: { schema: scratchFor(undefined), name: "kiln_trg_fn" }, args: [] })];
  });
  const triggers = triggerStatements.length === 0 ? [] : [`CREATE FUNCTION ${triggerFunction}() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'`, ...triggerStatements];
  return { scratchSchemas, setup, enums, tables, routines, views, policies, triggers };
}

// ---------------------------------------------------------------- merging (pure)

/**
 * Copy PostgreSQL's spellings from the scratch Catalog onto a copy of the model:
 * each table gets the spellings of its shape's representative.
 */
function mergeSpellings(model: Catalog, plan: ScratchPlan, groups: ShapeGroup[], scratch: Catalog): Catalog {
  const scratchTables = new Map(scratch.tables.map((t) => [qualifiedName(t), t]));
  const spellingOf = new Map<Table, { tp: TablePlan; found: Table | undefined }>();
  groups.forEach((group, i) => {
    const tp = plan.tables[i]!;
    const found = scratchTables.get(qualifiedName({ schema: tp.model.schema === DEFAULT_SCHEMA ? undefined : tp.model.schema, name: tp.model.name }));
    for (const member of group.members) spellingOf.set(member, { tp, found });
  });
  const tables = model.tables.map((table) => {
    const { tp, found } = spellingOf.get(table)!;
    return mergeTable(table, tp, found);
  });
  // Kinds canonicalize does not spell (sequences, domains, ...) pass through as the models wrote them.
  const views = model.views ? { views: mergeViewSpellings(model.views, scratch.views) } : {};
  const merged: Catalog = { ...structuredClone(model), schemas: [...model.schemas], tables, enums: structuredClone(model.enums), ...views };
  if (merged.policies) merged.policies = mergePolicies(merged.policies, plan, scratch);
  if (merged.triggers) merged.triggers = mergeTriggers(merged.triggers, scratch);
  return merged;
}

/** Each trigger's WHEN gets PostgreSQL's spelling as its canonical form (where it was built). */
function mergeTriggers(triggers: Trigger[], scratch: Catalog): Trigger[] {
  const spelled = new Map((scratch.triggers ?? []).map((t) => [`${t.schema ?? ""}\u0000${t.table}\u0000${t.name}`, t]));
  return triggers.map((trigger, i) => {
    const out = { ...trigger };
    if (out.when === undefined) return out;
    const found = spelled.get(`${trigger.schema === DEFAULT_SCHEMA ? "" : (trigger.schema ?? "")}\u0000${trigger.table}\u0000kiln_trg_${i}`);
    if (found?.when !== undefined) setCanonical(out, "when", found.when);
    return out;
  });
}

/** Each policy's USING and WITH CHECK get PostgreSQL's spelling as their canonical form (or the text rules, where it was not built). */
function mergePolicies(policies: Policy[], plan: ScratchPlan, scratch: Catalog): Policy[] {
  const spelled = new Map((scratch.policies ?? []).map((p) => [p.name, p]));
  return policies.map((policy, i) => {
    const out = { ...policy };
    const found = plan.policies[i] === undefined ? undefined : spelled.get(`kiln_pol_${i}`);
    for (const field of ["using", "withCheck"] as const) {
      if (out[field] === undefined) continue;
      setCanonical(out, field, found ? comparable(found, field) : normalizeExpression(out[field]!));
    }
    return out;
  });
}

/** `model` is the representative of `tp` or a table of the same shape: columns match by name, checks and built indexes by position. */
function mergeTable(model: Table, tp: TablePlan, found: Table | undefined): Table {
  const table = copyData(model);
  const scratchColumns = new Map((found?.columns ?? []).map((c) => [c.name, c]));
  table.columns = table.columns.map((column) => {
    const spelled = scratchColumns.get(column.name);
    if (!spelled) return textColumn(column);
    const merged: Column = { ...column, type: spelled.type };
    if (spelled.collation !== undefined) merged.collation = spelled.collation;
    else delete merged.collation;
    if (spelled.autoIncrement) {
      // The model wrote serial/bigserial: PostgreSQL turned it into type + owned sequence.
      merged.autoIncrement = true;
      delete merged.default;
    } else if (builtDefault(column) !== undefined) {
      if (spelled.default !== undefined) setCanonical(merged, "default", comparable(spelled, "default"));
      else return textColumn(merged);
    }
    if (merged.generated) {
      merged.generated = { ...merged.generated };
      if (spelled.generated) setCanonical(merged.generated, "expression", comparable(spelled.generated, "expression"));
      else setCanonical(merged.generated, "expression", normalizeExpression(merged.generated.expression));
    }
    return merged;
  });

  const scratchChecks = new Map((found?.checks ?? []).map((c) => [c.name, comparable(c, "expression")]));
  table.checks = table.checks.map((check, i) => {
    const merged = { ...check };
    setCanonical(merged, "expression", scratchChecks.get(tp.checkNames[i]!) ?? unifyCurrentTimestamp(stripEnclosingParens(check.expression)));
    return merged;
  });

  const scratchIndexes = new Map((found?.indexes ?? []).map((ix) => [ix.name, ix]));
  let builtPosition = 0;
  table.indexes = table.indexes.map((index) => {
    // A plain column index was not built: it reads back as written.
    if (!tp.isBuilt(index)) return index;
    const spelled = scratchIndexes.get(tp.indexNames[builtPosition++]!);
    if (!spelled) return textIndex(index);
    // The model's text, with the database's spelling as its canonical form (a copy: tables of one shape share nothing).
    const merged: Index = {
      ...index,
      // Options as PostgreSQL spells them; an expression keeps the model's text.
      columns: spelled.columns.map((read, i) => {
        const modelElement = index.columns[i];
        const modelText = modelElement === undefined ? undefined : elementExpression(modelElement);
        const readText = comparableExpression(read);
        if (modelText === undefined || readText === undefined) return copyData(read);
        const out: IndexExpressionElement = { ...copyData(read as IndexExpressionElement), expression: modelText };
        setCanonical(out, "expression", readText);
        return out;
      }),
    };
    if (merged.where !== undefined) setCanonical(merged, "where", comparable(spelled, "where"));
    if (spelled.method !== undefined) merged.method = spelled.method;
    else delete merged.method;
    return merged;
  });
  return table;
}

/** A deep copy of plain data (what structuredClone does, several times faster on small objects; once per table here). */
function copyData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = copyData(item);
  return copy as T;
}

/** Text-only rules for a column PostgreSQL did not accept here. */
function textColumn(column: Column): Column {
  const out: Column = { ...column };
  if (out.default !== undefined) setCanonical(out, "default", unifyCurrentTimestamp(out.default.trim()));
  if (out.generated) {
    out.generated = { ...out.generated };
    setCanonical(out.generated, "expression", normalizeExpression(out.generated.expression));
  }
  return out;
}

/** Text-only rules for an index PostgreSQL did not accept (or was not asked to spell). */
export function textIndex(index: Index): Index {
  const out: Index = {
    ...index,
    columns: index.columns.map((e) => {
      const element = normalizeIndexElement(e);
      if (elementExpression(element) === undefined) return element;
      const out = { ...(element as IndexExpressionElement) };
      setCanonical(out, "expression", normalizeExpression(out.expression));
      return out;
    }),
  };
  if (out.where !== undefined) setCanonical(out, "where", normalizeExpression(out.where));
  if (out.method === "btree") delete out.method;
  return out;
}
