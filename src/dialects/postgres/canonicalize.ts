/**
 * Canonicalize a model Catalog: give the model's SQL text PostgreSQL's own
 * spelling, so that it compares with what introspection reads. Types and
 * collations take the database's spelling; SQL text keeps the model's text as
 * written and gets the database's spelling as its canonical form beside it
 * (EXACT TEXT in catalog/types.ts), so that a revision shows what the user wrote.
 *
 * Ask as little as possible, in this order:
 * 1. text the database already holds (the same column's default, the check or
 *    index of the same name, written the same or spelled the same) takes the
 *    database's spelling: nothing to ask;
 * 2. a spelling kept from an earlier run (`spellings`, keyed by the server
 *    version, the database, the search path, the model's own types, the text
 *    and the column types it is spelled against): nothing to ask;
 * 3. the rest goes to PostgreSQL in batches (spelling.ts): many pieces per
 *    scratch table, in chunks of bounded locks, always rolled back.
 * Plain column indexes read back as written and are never asked about; serial
 * types follow a text rule.
 *
 * `exhaustive` builds every model table as written instead
 * (canonicalize-each-table.ts): the reference the tests compare this with.
 */
import { elementColumn, elementExpression } from "../../catalog/index-elements.js";
import { quoteIdentifier } from "./sql.js";
import { type Catalog, type Column, type Index, type IndexExpressionElement, qualifiedName, type Table } from "../../catalog/types.js";
import { comparable, comparableExpression, sameText, setCanonical } from "../../catalog/exact-text.js";
import { sameIndex } from "../../autogenerate/equality.js";
import type { CanonicalizeContext, Connection } from "../types.js";
import { canonicalizeEachTable, textIndex } from "./canonicalize-each-table.js";
import { tablesUsedByViews } from "./canonicalize-views.js";
import { DEFAULT_SCHEMA } from "./introspect.js";
import { normalizeExpression, stripEnclosingParens, unifyCurrentTimestamp } from "./normalize.js";
import { builtDefault, indexNeedsSpelling, mentionsName } from "./shapes.js";
import { type ContextColumn, type SpellOptions, type Spelling, type SpellRequest, spellRequests } from "./spelling.js";

export { planScratch } from "./canonicalize-each-table.js";

export interface CanonicalizeOptions extends CanonicalizeContext, SpellOptions {
  /** Build every table and every index as the model writes it, one scratch table each: the slow reference path (tests). */
  exhaustive?: boolean;
  /** Told how many requests were answered from the database's own text, the cache and the server (tests, the benchmark). */
  onStats?: (stats: CanonicalizeStats) => void;
}

export interface CanonicalizeStats {
  /** Pieces of text already spelled as the database spells them. */
  fromDatabase: number;
  /** Distinct requests answered by the spelling cache. */
  fromCache: number;
  /** Distinct requests sent to the server. */
  asked: number;
}

/** Rewrite the model's spellings into the ones introspection produces. */
export async function canonicalizePostgres(conn: Connection, catalog: Catalog, options: CanonicalizeOptions = {}): Promise<Catalog> {
  if (options.exhaustive) return canonicalizeEachTable(conn, catalog, { exhaustive: true });
  const { tables: _tables, ...rest } = catalog;
  const views = catalog.views ?? [];
  const policies = catalog.policies ?? [];
  if (catalog.tables.length === 0 && views.length === 0) return structuredClone(catalog);
  // Views (canonicalize-views.ts) and policies are built with the tables they name, under their own names, on
  // the one-table-per-table path: they need those tables whole, which batching expressions does not give.
  const usedByViews = tablesUsedByViews(catalog);
  const policyTables = new Set(policies.map((p) => tableKey({ schema: p.schema, name: p.table })));
  // Triggers' WHEN conditions too (spelled on scratch triggers of their tables).
  const triggers = (catalog.triggers ?? []).filter((t) => t.when !== undefined);
  for (const t of triggers) policyTables.add(tableKey({ schema: t.schema, name: t.table }));
  const each =
    (views.length === 0 && policies.length === 0 && triggers.length === 0) || logicSpelledAsDatabase(catalog, options.database)
      ? undefined
      : await canonicalizeEachTable(conn, { ...catalog, tables: catalog.tables.filter((t) => usedByViews.has(t) || policyTables.has(tableKey(t))) });

  const database = new Map((options.database?.tables ?? []).map((t) => [tableKey(t), t]));
  const asks = new Requests();
  const stats: CanonicalizeStats = { fromDatabase: 0, fromCache: 0, asked: 0 };
  const finish = catalog.tables.map((t) => planTable(t, database.get(tableKey(t)), asks, stats));
  const answers = await answer(conn, catalog, asks.list, options, stats);
  options.onStats?.(stats);
  // Kinds canonicalize does not spell (sequences, domains, ...) pass through as the models wrote them.
  const tables = finish.map((f) => f(answers));
  const out = { ...structuredClone(rest), tables } as Catalog;
  if (each?.views) out.views = each.views;
  if (each?.policies) out.policies = each.policies;
  if (each?.triggers) out.triggers = each.triggers;
  return out;
}

/**
 * True when every view query, policy expression and trigger condition of the
 * model is the database's own text (as `kiln pull` writes them, or as an
 * earlier run left them): each then compares equal as written, and spelling
 * them would build scratch copies of their tables on every run for nothing.
 * One that differs sends them all to the scratch path (a view is spelled
 * beside the views it uses).
 */
function logicSpelledAsDatabase(model: Catalog, database: Catalog | undefined): boolean {
  if (!database) return false;
  const onTable = (o: { schema?: string; table: string; name: string }) => `${o.schema ?? ""}\u0000${o.table}\u0000${o.name}`;
  const views = new Map((database.views ?? []).map((v) => [qualifiedName(v), v]));
  const policies = new Map((database.policies ?? []).map((p) => [onTable(p), p]));
  const triggers = new Map((database.triggers ?? []).map((t) => [onTable(t), t]));
  return (
    (model.views ?? []).every((v) => {
      const held = views.get(qualifiedName(v));
      return held !== undefined && !!held.materialized === !!v.materialized && sameText(v, held, "definition");
    }) &&
    (model.policies ?? []).every((p) => {
      const held = policies.get(onTable(p));
      return held !== undefined && sameText(p, held, "using") && sameText(p, held, "withCheck");
    }) &&
    (model.triggers ?? []).every((t) => t.when === undefined || sameText(t, triggers.get(onTable(t)), "when"))
  );
}

function tableKey(t: { schema?: string; name: string }): string {
  return `${t.schema === undefined || t.schema === DEFAULT_SCHEMA ? "" : t.schema}\u0000${t.name}`;
}

/** The requests of one run, each once. */
class Requests {
  list: SpellRequest[] = [];
  private byKey = new Map<string, number>();
  add(request: SpellRequest): number {
    const key = JSON.stringify(request);
    let at = this.byKey.get(key);
    if (at === undefined) {
      at = this.list.length;
      this.list.push(request);
      this.byKey.set(key, at);
    }
    return at;
  }
}

type Answers = (Spelling | undefined)[];

/** Answers from the cache, then from the server; what the server spelled is kept. */
async function answer(conn: Connection, catalog: Catalog, requests: SpellRequest[], options: CanonicalizeOptions, stats: CanonicalizeStats): Promise<Answers> {
  const answers: Answers = new Array(requests.length).fill(undefined);
  if (requests.length === 0) return answers;
  const store = options.spellings;
  let keys: string[] = [];
  let pending = requests.map((_r, i) => i);
  if (store) {
    const namespace = await spellingNamespace(conn, catalog);
    keys = requests.map((r) => store.key(namespace, r));
    pending = [];
    requests.forEach((_r, i) => {
      const cached = store.get(keys[i]!) as Spelling | undefined;
      if (cached !== undefined) answers[i] = cached;
      else pending.push(i);
    });
    stats.fromCache += requests.length - pending.length;
  }
  stats.asked += pending.length;
  if (pending.length === 0) return answers;
  const spelled = await spellRequests(conn, catalog, pending.map((i) => requests[i]!), options);
  pending.forEach((i, k) => {
    const s = spelled[k];
    answers[i] = s;
    // A rejection is not kept: what is missing now (a function, a type) may exist next time.
    if (store && s !== undefined) store.set(keys[i]!, s);
  });
  store?.save();
  return answers;
}

/**
 * What a spelling depends on besides the request: the server version, the
 * database (its objects resolve names), the search path and the model's own
 * types and schemas (built in the scratch schemas).
 */
async function spellingNamespace(conn: Connection, catalog: Catalog): Promise<string> {
  const { rows } = await conn.query(
    "SELECT current_setting('server_version_num') AS version, current_database() AS database, current_setting('search_path') AS path, inet_server_port() AS port",
  );
  const r = rows[0] ?? {};
  return JSON.stringify([
    "postgresql",
    String(r.version),
    String(r.database),
    String(r.path),
    String(r.port),
    catalog.schemas,
    catalog.enums.map((e) => [e.schema ?? null, e.name]),
  ]);
}

const SERIAL_TYPES: Record<string, string> = {
  serial: "integer",
  serial4: "integer",
  bigserial: "bigint",
  serial8: "bigint",
  smallserial: "smallint",
  serial2: "smallint",
};

/**
 * Plans one table: what the database already spells, what to ask; returns how
 * to finish the table once the answers are in. The model table is not changed.
 */
function planTable(model: Table, db: Table | undefined, asks: Requests, stats: CanonicalizeStats): (answers: Answers) => Table {
  const table = copyData(model);
  const fixes: ((answers: Answers) => void)[] = [];
  const dbColumns = new Map((db?.columns ?? []).map((c) => [c.name, c]));
  const schema = model.schema === undefined || model.schema === DEFAULT_SCHEMA ? "" : model.schema;

  // serial is a text rule: PostgreSQL makes it the integer type with an owned sequence.
  for (const column of table.columns) {
    const serial = SERIAL_TYPES[column.type.trim().toLowerCase()];
    if (serial) {
      column.type = serial;
      column.autoIncrement = true;
      delete column.default;
    }
  }
  const contextColumn = (c: Column): ContextColumn =>
    c.collation !== undefined ? { name: c.name, type: c.type, collation: c.collation } : { name: c.name, type: c.type };
  // Text that names its own table gets a scratch table of that name with every column; other text is spelled
  // against the columns it mentions (a column it does not name cannot change its spelling), so that the same
  // check on many tables is one request, and requests of many tables share a scratch table.
  const place = (...texts: string[]) => {
    if (texts.some((text) => mentionsName(text, model.name))) return { schema, table: model.name, columns: table.columns.map(contextColumn) };
    return { schema, columns: table.columns.filter((c) => texts.some((text) => mentionsName(text, c.name))).map(contextColumn) };
  };

  for (const column of table.columns) {
    const d = dbColumns.get(column.name);
    const sameType = d !== undefined && d.type === column.type && d.collation === column.collation;
    const modelType = column.type;
    if (!sameType) {
      const r = asks.add(column.collation !== undefined ? { kind: "type", type: column.type, collation: column.collation } : { kind: "type", type: column.type });
      fixes.push((answers) => {
        const s = answers[r] as { type: string; collation?: string } | undefined;
        if (!s) return;
        column.type = s.type;
        if (s.collation !== undefined) column.collation = s.collation;
        else delete column.collation;
      });
    }
    const text = builtDefault(column);
    if (text !== undefined) {
      if (d !== undefined && sameType && (text === d.default || text === comparable(d, "default"))) {
        setCanonical(column, "default", comparable(d, "default"));
        stats.fromDatabase++;
      } else {
        const r = asks.add({ kind: "default", type: modelType, text });
        fixes.push((answers) => {
          const s = answers[r] as { text: string | null } | undefined;
          if (s && s.text !== null) setCanonical(column, "default", s.text);
          else setCanonical(column, "default", unifyCurrentTimestamp(text.trim()));
        });
      }
    }
    if (column.generated) {
      const generated = (column.generated = { ...column.generated });
      const dg = d?.generated;
      const expression = generated.expression;
      if (sameType && dg && dg.stored === generated.stored && (expression === dg.expression || expression === comparable(dg, "expression"))) {
        setCanonical(generated, "expression", comparable(dg, "expression"));
        stats.fromDatabase++;
      } else {
        const r = asks.add({ kind: "generated", ...place(expression), type: modelType, text: expression, stored: generated.stored });
        fixes.push((answers) => {
          const s = answers[r] as { text: string | null } | undefined;
          setCanonical(generated, "expression", s && s.text !== null ? s.text : normalizeExpression(expression));
        });
      }
    }
  }

  const dbChecks = new Map((db?.checks ?? []).map((c) => [c.name, c]));
  for (const check of table.checks) {
    const dc = check.name === undefined ? undefined : dbChecks.get(check.name);
    const text = check.expression;
    if (dc && (text === dc.expression || text === comparable(dc, "expression"))) {
      setCanonical(check, "expression", comparable(dc, "expression"));
      stats.fromDatabase++;
      continue;
    }
    const r = asks.add({ kind: "check", ...place(text), text });
    fixes.push((answers) => {
      const s = answers[r] as { text: string | null } | undefined;
      setCanonical(check, "expression", s && s.text !== null ? s.text : unifyCurrentTimestamp(stripEnclosingParens(text)));
    });
  }

  const dbIndexes = new Map((db?.indexes ?? []).map((ix) => [ix.name, ix]));
  table.indexes.forEach((index, position) => {
    // A plain column index reads back as written.
    if (!indexNeedsSpelling(index)) return;
    const di = index.name === undefined ? undefined : dbIndexes.get(index.name);
    if (di && sameIndex(index, di)) {
      stats.fromDatabase++;
      return;
    }
    const texts = [...index.columns.map(elementExpression).filter((t): t is string => t !== undefined), ...(index.where !== undefined ? [index.where] : [])];
    // The scratch table needs the index's plain columns too (a partial index on created_at WHERE deleted_at IS NULL).
    const columnNames = index.columns.map(elementColumn).filter((c): c is string => c !== undefined).map((c) => quoteIdentifier(c));
    const request: SpellRequest = { kind: "index", ...place(...texts, ...columnNames), elements: index.columns };
    if (index.where !== undefined) request.where = index.where;
    if (index.method !== undefined) request.method = index.method;
    if (index.unique) request.unique = true;
    const r = asks.add(request);
    fixes.push((answers) => {
      const s = answers[r] as { columns: Index["columns"]; where?: string; method?: string } | undefined;
      table.indexes[position] = s ? spelledIndex(index, s) : textIndex(index);
    });
  });

  return (answers) => {
    for (const fix of fixes) fix(answers);
    return table;
  };
}

/** The model's index with PostgreSQL's spelling: options as it spells them, expressions keep the model's text with the spelling as canonical form. */
function spelledIndex(index: Index, spelled: { columns: Index["columns"]; where?: string; method?: string }): Index {
  const merged: Index = {
    ...index,
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
  if (merged.where !== undefined) setCanonical(merged, "where", spelled.where);
  if (spelled.method !== undefined) merged.method = spelled.method;
  else delete merged.method;
  return merged;
}


/** A deep copy of plain data (what structuredClone does, several times faster on small objects; once per table here). */
function copyData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyData) as T;
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  // Keys, not entries: no [key, value] pair per property of every table copied.
  for (const key of Object.keys(source)) copy[key] = copyData(source[key]);
  return copy as T;
}

