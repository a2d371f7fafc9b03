/**
 * The database's own naming convention, read from the names it holds: for each
 * kind (pk, fk, uq, ck, ix) the template that reproduces the most names, so
 * that pulled models leave those names out and the config's `naming` gives
 * them back exactly. Candidates cover PostgreSQL's defaults, kiln's (Alembic's)
 * and common framework ones; a kind no candidate explains keeps kiln's default.
 */
import { elementColumn, elementExpression } from "../catalog/index-elements.js";
import type { Catalog, Table } from "../catalog/types.js";
import type { NamingConvention } from "../config/types.js";
import type { IdentifierLimit } from "../dialects/types.js";
import { applyNamingTemplate, DEFAULT_NAMING, expressionToken, type NameParts, type NamingKind } from "../schema/naming.js";

const CANDIDATES: Record<NamingKind, string[]> = {
  pk: ["%(table)s_pkey", "pk_%(table)s", "%(table)s_pk", "PK_%(table)s", "pk_%(table)s_%(column_0_N)s"],
  fk: [
    "%(table)s_%(column_0_N)s_fkey",
    "fk_%(table)s_%(column_0_N)s_%(referred_table)s",
    "fk_%(table)s_%(referred_table)s",
    "fk_%(table)s_%(column_0_N)s",
    "%(table)s_%(column_0_N)s_foreign",
    "FK_%(table)s_%(referred_table)s_%(column_0_N)s",
    "fk_rails_%(rails_fk_hash)s",
  ],
  uq: ["%(table)s_%(column_0_N)s_key", "uq_%(table)s_%(column_0_N)s", "%(table)s_%(column_0_N)s_unique", "%(column_0)s", "UQ_%(table)s_%(column_0_N)s"],
  ck: ["%(table)s_%(column_0)s_check", "ck_%(table)s_%(constraint_name)s"],
  ix: [
    "%(table)s_%(column_0_N)s_idx",
    "ix_%(table)s_%(column_0_N)s",
    "index_%(table)s_on_%(column_0_and_N)s",
    "idx_%(table)s_%(column_0_N)s",
    "%(table)s_%(column_0_N)s_index",
    "%(column_0)s",
    "IX_%(table)s_%(column_0_N)s",
  ],
};

/** One named object of a kind, with what a template may use. */
export interface NamedObject {
  kind: NamingKind;
  name: string;
  parts: NameParts;
}

function indexTokens(columns: readonly Parameters<typeof elementColumn>[0][]): string[] {
  return columns.map((c) => elementColumn(c) ?? expressionToken(elementExpression(c)!));
}

/** Every named constraint and index of a table, as the naming convention sees it. */
export function namedObjects(table: Table): NamedObject[] {
  const found: NamedObject[] = [];
  const add = (kind: NamingKind, name: string | undefined, parts: Omit<NameParts, "table">) => {
    if (name !== undefined) found.push({ kind, name, parts: { table: table.name, ...parts } });
  };
  if (table.primaryKey) add("pk", table.primaryKey.name, { columns: table.primaryKey.columns });
  for (const u of table.uniques) add("uq", u.name, { columns: u.columns });
  for (const fk of table.foreignKeys) add("fk", fk.name, { columns: fk.columns, referredTable: fk.refTable, referredColumns: fk.refColumns });
  for (const ix of table.indexes) add("ix", ix.name, { columns: indexTokens(ix.columns) });
  return found;
}

/** The name a template gives, or undefined when it has no value for one of its tokens here. */
export function templateName(kind: NamingKind, template: string, parts: NameParts, limit: IdentifierLimit | null): string | undefined {
  try {
    return applyNamingTemplate(kind, template, parts, limit);
  } catch {
    return undefined;
  }
}

/**
 * The templates that reproduce the most names of each kind; only the kinds
 * where a template other than kiln's default wins are returned (a config
 * without them keeps kiln's default).
 */
export function inferNaming(catalog: Catalog, limit: IdentifierLimit | null): NamingConvention {
  const objects = catalog.tables.flatMap(namedObjects);
  const naming: NamingConvention = {};
  for (const kind of Object.keys(CANDIDATES) as NamingKind[]) {
    const ofKind = objects.filter((o) => o.kind === kind);
    if (ofKind.length === 0) continue;
    let best = DEFAULT_NAMING[kind];
    let bestCount = ofKind.filter((o) => templateName(kind, best, o.parts, limit) === o.name).length;
    for (const template of CANDIDATES[kind]) {
      // A template that gives every name cannot be beaten.
      if (bestCount === ofKind.length) break;
      const count = ofKind.filter((o) => templateName(kind, template, o.parts, limit) === o.name).length;
      if (count > bestCount) {
        best = template;
        bestCount = count;
      }
    }
    if (best !== DEFAULT_NAMING[kind]) naming[kind] = best;
  }
  return naming;
}
