/**
 * The database's own naming convention, read from the names it holds: for each
 * kind (pk, fk, uq, ck, ix) the template that reproduces the most names, so
 * that pulled models leave those names out and the config's `naming` gives
 * them back exactly. Candidates cover PostgreSQL's defaults, kiln's (Alembic's)
 * and common framework ones, and the templates the names themselves read as
 * (Sakila's `idx_fk_%(column_0_N)s`); a kind no candidate explains keeps kiln's default.
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

/** Replace the first occurrence of `value` in the literal pieces (strings) by `token`. */
function replaceFirst(pieces: string[], value: string, token: string): boolean {
  if (value === "") return false;
  for (let i = 0; i < pieces.length; i += 2) {
    const at = pieces[i]!.indexOf(value);
    if (at < 0) continue;
    pieces.splice(i, 1, pieces[i]!.slice(0, at), token, pieces[i]!.slice(at + value.length));
    return true;
  }
  return false;
}

/**
 * The template a name reads as: its columns, table and referred table put back
 * as tokens (`idx_fk_film_id` on film_actor(film_id) -> `idx_fk_%(column_0_N)s`).
 * Undefined when the name says nothing of them; a template for several objects of
 * a table (all but pk) must name the columns, else two would get one name.
 */
function templateOf(o: NamedObject): string | undefined {
  if (o.name.includes("%")) return undefined;
  const pieces = [o.name];
  const columns = o.parts.columns;
  const hasColumns =
    columns.length > 0 &&
    (replaceFirst(pieces, columns.join("_"), "%(column_0_N)s") || (columns.length > 1 && replaceFirst(pieces, columns.join("_and_"), "%(column_0_and_N)s")));
  if (o.kind !== "pk" && !hasColumns) return undefined;
  const hasTable = replaceFirst(pieces, o.parts.table, "%(table)s");
  if (o.parts.referredTable !== undefined) replaceFirst(pieces, o.parts.referredTable, "%(referred_table)s");
  return hasColumns || hasTable ? pieces.join("") : undefined;
}

/** The templates most names of a kind read as (see templateOf), most frequent first: candidates besides the common ones. */
function derivedTemplates(objects: readonly NamedObject[], limit: IdentifierLimit | null): string[] {
  const counts = new Map<string, number>();
  for (const o of objects) {
    const template = templateOf(o);
    if (template !== undefined && templateName(o.kind, template, o.parts, limit) === o.name) counts.set(template, (counts.get(template) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, n]) => n >= 2)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3)
    .map(([template]) => template);
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
    // The common conventions first (on a tie they win), then those the database's own names read as.
    for (const template of new Set([...CANDIDATES[kind], ...derivedTemplates(ofKind, limit)])) {
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
