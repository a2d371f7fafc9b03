/**
 * Renames: compare() cannot tell "renamed" from "dropped one, added another", so
 * it proposes candidates and applies the user's decisions (from a prompt or a
 * `--rename` hint). This module finds candidates, parses hints, and rewrites a
 * Catalog as a rename does (references follow the renamed object).
 */
import { elementExpression } from "../catalog/index-elements.js";
import type { Catalog, Column, Index, Table } from "../catalog/types.js";
import { UsageError } from "../errors.js";
import { comparable, comparableExpression, sameText } from "../catalog/exact-text.js";
import { sameGenerated } from "./equality.js";
import { byName, referencedTableKey, tableKey } from "./order.js";
import type { RenameCandidate, RenameDecision } from "./types.js";

// ---- hints ----

const HINT_EXAMPLES = ["--rename users.fullname=users.full_name", "--rename app.users.fullname=app.users.full_name"];

/** Parses a column rename hint: `table.old=table.new` or `schema.table.old=schema.table.new`. */
export function parseRenameHint(hint: string): RenameDecision {
  const sides = hint.split("=");
  const parts = sides.map((side) => side.trim().split("."));
  const [from, to] = parts;
  const wellFormed =
    sides.length === 2 &&
    from !== undefined &&
    to !== undefined &&
    from.length === to.length &&
    (from.length === 2 || from.length === 3) &&
    [...from, ...to].every((part) => part.length > 0);
  if (!wellFormed) {
    throw new UsageError(`rename hint "${hint}" is not of the form table.old_column=table.new_column.`, HINT_EXAMPLES);
  }
  const fromTable = from.slice(0, -1).join(".");
  const toTable = to.slice(0, -1).join(".");
  if (fromTable !== toTable) {
    throw new UsageError(
      `rename hint "${hint}" moves a column from ${fromTable} to ${toTable}; a column rename stays in its table. To rename the table too, add a table hint (--rename-table ${from.at(-2)}=${to.at(-2)}) and name the new table on both sides.`,
      HINT_EXAMPLES,
    );
  }
  const decision: RenameDecision = { kind: "column", table: from.at(-2)!, from: from.at(-1)!, to: to.at(-1)!, accept: true };
  if (from.length === 3) decision.schema = from[0]!;
  return decision;
}

/** Parses a table rename hint: `old=new` or `schema.old=schema.new`. */
export function parseRenameTableHint(hint: string): RenameDecision {
  const sides = hint.split("=").map((side) => side.trim().split("."));
  const [from, to] = sides;
  const examples = ["--rename-table people=persons", "--rename-table app.people=app.persons"];
  const wellFormed =
    sides.length === 2 &&
    from !== undefined &&
    to !== undefined &&
    from.length === to.length &&
    from.length <= 2 &&
    [...from, ...to].every((part) => part.length > 0);
  if (!wellFormed) throw new UsageError(`table rename hint "${hint}" is not of the form old_table=new_table.`, examples);
  if (from.length === 2 && from[0] !== to[0]) {
    throw new UsageError(`table rename hint "${hint}" moves the table from schema ${from[0]} to ${to[0]}; kiln renames tables only within their schema.`, examples);
  }
  const decision: RenameDecision = { kind: "table", from: from.at(-1)!, to: to.at(-1)!, accept: true };
  if (from.length === 2) decision.schema = from[0]!;
  return decision;
}

// ---- candidates ----

/** A table's shape without any names: columns, keys, foreign keys, checks and indexes by definition. */
function tableShape(table: Table): string {
  const self = tableKey(table);
  const columns = table.columns.map((c) => [
    c.name,
    c.type,
    c.nullable,
    comparable(c, "default") ?? null,
    c.identity?.always ?? null,
    !!c.autoIncrement,
    c.collation ?? null,
    c.generated ? [comparable(c.generated, "expression"), c.generated.stored] : null,
  ]);
  const sorted = (items: string[]) => [...items].sort();
  return JSON.stringify({
    columns,
    primaryKey: table.primaryKey?.columns ?? null,
    uniques: sorted(table.uniques.map((u) => JSON.stringify(u.columns))),
    foreignKeys: sorted(
      table.foreignKeys.map((fk) =>
        JSON.stringify([fk.columns, referencedTableKey(fk) === self ? null : referencedTableKey(fk), fk.refColumns, fk.onDelete ?? "no action", fk.onUpdate ?? "no action"]),
      ),
    ),
    checks: sorted(table.checks.map((c) => comparable(c, "expression")!)),
    indexes: sorted(
      table.indexes.map((i) =>
        JSON.stringify([i.columns.map((e) => comparableExpression(e) ?? e), !!i.unique, comparable(i, "where") ?? null, i.method ?? "btree"]),
      ),
    ),
  });
}

function decided(decisions: readonly RenameDecision[], candidate: RenameCandidate): boolean {
  return decisions.some(
    (d) =>
      d.kind === candidate.kind &&
      (d.schema ?? undefined) === candidate.schema &&
      d.from === candidate.from &&
      d.to === candidate.to &&
      (candidate.kind === "table" || d.table === candidate.table),
  );
}

/** Tables only in the database that look exactly like tables only in the models (same schema). */
export function tableRenameCandidates(model: Catalog, database: Catalog, decisions: readonly RenameDecision[]): RenameCandidate[] {
  const modelKeys = new Set(model.tables.map(tableKey));
  const databaseKeys = new Set(database.tables.map(tableKey));
  const gone = database.tables.filter((t) => !modelKeys.has(tableKey(t))).sort(byName(tableKey));
  const added = model.tables.filter((t) => !databaseKeys.has(tableKey(t))).sort(byName(tableKey));
  const candidates: RenameCandidate[] = [];
  for (const old of gone) {
    for (const fresh of added) {
      if (old.schema !== fresh.schema || tableShape(old) !== tableShape(fresh)) continue;
      const candidate: RenameCandidate = { kind: "table", table: old.name, from: old.name, to: fresh.name };
      if (old.schema) candidate.schema = old.schema;
      if (!decided(decisions, candidate)) candidates.push(candidate);
    }
  }
  return candidates;
}

function sameColumnShape(a: Column, b: Column): boolean {
  return a.type === b.type && a.nullable === b.nullable && sameText(a, b, "default") && a.collation === b.collation && sameGenerated(a.generated, b.generated);
}

/** Columns only in the database table that look like columns only in the model table. */
export function columnRenameCandidates(modelTable: Table, databaseTable: Table, decisions: readonly RenameDecision[]): RenameCandidate[] {
  const modelNames = new Set(modelTable.columns.map((c) => c.name));
  const databaseNames = new Set(databaseTable.columns.map((c) => c.name));
  const candidates: RenameCandidate[] = [];
  for (const old of databaseTable.columns.filter((c) => !modelNames.has(c.name))) {
    for (const fresh of modelTable.columns.filter((c) => !databaseNames.has(c.name))) {
      if (!sameColumnShape(old, fresh)) continue;
      const candidate: RenameCandidate = { kind: "column", table: modelTable.name, from: old.name, to: fresh.name };
      if (modelTable.schema) candidate.schema = modelTable.schema;
      if (!decided(decisions, candidate)) candidates.push(candidate);
    }
  }
  return candidates;
}

// ---- rewriting a catalog ----

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when SQL text names `identifier` as a whole word or quoted. */
export function mentionsIdentifier(sql: string, identifier: string): boolean {
  const name = escapeRegExp(identifier);
  return new RegExp(`(^|[^A-Za-z0-9_$"])${name}($|[^A-Za-z0-9_$"])|"${escapeRegExp(identifier.replace(/"/g, '""'))}"`).test(sql);
}

/** Checks and indexes whose SQL text names `column` (PostgreSQL rewrites them on a rename; kiln cannot). */
export function expressionsMentioning(table: Table, column: string): { checks: Table["checks"]; indexes: Index[] } {
  return {
    checks: table.checks.filter((c) => mentionsIdentifier(c.expression, column)),
    indexes: table.indexes.filter(
      (i) =>
        (i.where !== undefined && mentionsIdentifier(i.where, column)) ||
        i.columns.some((e) => {
          const expression = elementExpression(e);
          return expression !== undefined && mentionsIdentifier(expression, column);
        }),
    ),
  };
}

function pointsAt(fkSchema: string | undefined, fkTable: string, schema: string | undefined, table: string): boolean {
  return (fkSchema ?? undefined) === (schema ?? undefined) && fkTable === table;
}

/** The catalog after `ALTER TABLE from RENAME TO to`: foreign keys follow the table. */
export function renameTableInCatalog(catalog: Catalog, schema: string | undefined, from: string, to: string): Catalog {
  return {
    ...catalog,
    tables: catalog.tables.map((t) => {
      const renamed = t.schema === schema && t.name === from ? { ...t, name: to } : t;
      if (!renamed.foreignKeys.some((fk) => pointsAt(fk.refSchema, fk.refTable, schema, from))) return renamed;
      return {
        ...renamed,
        foreignKeys: renamed.foreignKeys.map((fk) => (pointsAt(fk.refSchema, fk.refTable, schema, from) ? { ...fk, refTable: to } : fk)),
      };
    }),
  };
}

/**
 * The catalog after `ALTER TABLE t RENAME COLUMN from TO to`: keys, foreign keys
 * (both directions) and index columns follow. SQL text (checks, expression
 * indexes, defaults) is left as it was.
 */
export function renameColumnInCatalog(catalog: Catalog, schema: string | undefined, table: string, from: string, to: string): Catalog {
  const rename = (name: string) => (name === from ? to : name);
  const renameAll = (names: string[]) => (names.includes(from) ? names.map(rename) : names);
  return {
    ...catalog,
    tables: catalog.tables.map((t) => {
      const isTarget = t.schema === schema && t.name === table;
      const foreignKeys = t.foreignKeys.map((fk) => {
        const columns = isTarget ? renameAll(fk.columns) : fk.columns;
        const refColumns = pointsAt(fk.refSchema, fk.refTable, schema, table) ? renameAll(fk.refColumns) : fk.refColumns;
        return columns === fk.columns && refColumns === fk.refColumns ? fk : { ...fk, columns, refColumns };
      });
      if (!isTarget) return foreignKeys.every((fk, i) => fk === t.foreignKeys[i]) ? t : { ...t, foreignKeys };
      const renamed: Table = {
        ...t,
        columns: t.columns.map((c) => (c.name === from ? { ...c, name: to } : c)),
        uniques: t.uniques.map((u) => ({ ...u, columns: renameAll(u.columns) })),
        foreignKeys,
        indexes: t.indexes.map((i) => ({ ...i, columns: i.columns.map((e) => (typeof e === "string" ? rename(e) : e)) })),
      };
      if (t.primaryKey) renamed.primaryKey = { ...t.primaryKey, columns: renameAll(t.primaryKey.columns) };
      return renamed;
    }),
  };
}

