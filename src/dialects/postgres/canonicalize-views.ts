/**
 * The views part of canonicalize (canonicalize.ts): PostgreSQL spells a model
 * view's query by creating the view in the scratch schemas, next to the
 * scratch copies of the tables it uses, and printing it back (pg_get_viewdef),
 * which is what introspection reads from a live database. Pure planning here;
 * canonicalize.ts runs it.
 *
 * Unqualified names find the scratch copies first (search_path). A qualified
 * name (`app.orders`, `public.users`) of a relation the scratch holds is
 * pointed at its scratch copy (requalify), and so is a call of a model
 * function built there (canonicalize-routines.ts); every other name reaches the
 * live database's object, as the migration itself will.
 */
import { qualifiedName, type Catalog, type Table } from "../../catalog/types.js";
import { viewQuery, type View } from "../../catalog/views.js";
import { setCanonical } from "../../catalog/exact-text.js";
import { compileViewOperation } from "./compile/views.js";
import { mentionsName } from "./shapes.js";
import { quoteIdentifier } from "./sql.js";

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

interface Token {
  start: number;
  end: number;
  /** An identifier's name (bare ones folded to lower case), or undefined for anything else. */
  ident?: string;
  dot?: boolean;
}

/** Identifiers and dots of an SQL text, skipping strings, dollar quotes and comments. */
function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
    } else if (c === "/" && sql[i + 1] === "*") {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql.startsWith("/*", i)) (depth++, (i += 2));
        else if (sql.startsWith("*/", i)) (depth--, (i += 2));
        else i++;
      }
    } else if (c === "'" || ((c === "E" || c === "e") && sql[i + 1] === "'")) {
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      while (i < sql.length) {
        if (escapes && sql[i] === "\\") i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      out.push({ start: i, end: i });
    } else if (c === "$" && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
      out.push({ start: i, end: i });
    } else if (c === '"') {
      const start = i;
      i++;
      let name = "";
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') (name += '"', (i += 2));
        else if (sql[i] === '"') break;
        else name += sql[i++];
      }
      i++;
      out.push({ start, end: i, ident: name });
    } else if (IDENT_START.test(c)) {
      const start = i;
      while (i < sql.length && IDENT_PART.test(sql[i]!)) i++;
      out.push({ start, end: i, ident: sql.slice(start, i).toLowerCase() });
    } else {
      out.push({ start: i, end: i + 1, ...(c === "." ? { dot: true } : {}) });
      i++;
    }
  }
  return out;
}

/**
 * `schema.name` references in `sql` with the schema replaced where `target`
 * gives a replacement (a quoted scratch schema); the rest of the text as it was.
 */
export function requalify(sql: string, target: (schema: string, name: string, call: boolean) => string | undefined): string {
  const list = tokens(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  for (let k = 0; k + 2 < list.length; k++) {
    const [a, dot, b] = [list[k]!, list[k + 1]!, list[k + 2]!];
    if (a.ident === undefined || !dot.dot || b.ident === undefined) continue;
    // `x.schema.name`: the middle of a longer chain is not a schema.
    if (k > 0 && list[k - 1]!.dot) continue;
    const next = list[k + 3];
    const call = next !== undefined && next.ident === undefined && sql[next.start] === "(";
    const replacement = target(a.ident, b.ident, call);
    if (replacement !== undefined) edits.push({ start: a.start, end: a.end, text: replacement });
  }
  let result = sql;
  for (const edit of edits.reverse()) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** Tables the views' queries may use (by name): canonicalize builds each under its own name. */
export function tablesUsedByViews(catalog: Catalog): Set<Table> {
  const used = new Set<Table>();
  const views = catalog.views ?? [];
  if (views.length === 0) return used;
  for (const table of catalog.tables) if (views.some((v) => mentionsName(v.definition, table.name))) used.add(table);
  return used;
}

/** Views in an order where each comes after the model views its query names (a cycle keeps the given order). */
export function viewCreationOrder(views: readonly View[]): View[] {
  const remaining = [...views];
  const done: View[] = [];
  while (remaining.length > 0) {
    const ready = remaining.findIndex((v) => !remaining.some((other) => other !== v && mentionsName(v.definition, other.name)));
    const [next] = remaining.splice(ready < 0 ? 0 : ready, 1);
    done.push(next!);
  }
  return done;
}

/**
 * CREATE statements for the views in the scratch schemas: each view as its
 * model says (options, column names), a materialized one WITH NO DATA and
 * without indexes or comments (they do not change the query).
 */
export function scratchViewStatements(
  views: readonly View[],
  scratchFor: (schema: string | undefined) => string,
  scratchRelations: ReadonlySet<string>,
  scratchFunctions: ReadonlySet<string> = new Set(),
): string[] {
  const target = (schema: string, name: string, call: boolean): string | undefined => {
    const modelSchema = schema === "public" ? undefined : schema;
    const key = qualifiedName({ schema: modelSchema, name });
    // `app.f(...)` is a call of the scratch copy of a model function (canonicalize-routines.ts); anything else, a relation.
    return (call ? scratchFunctions : scratchRelations).has(key) ? quoteIdentifier(scratchFor(modelSchema)) : undefined;
  };
  return viewCreationOrder(views).map((view) => {
    const scratch: View = { ...view, schema: scratchFor(view.schema), definition: requalify(viewQuery(view.definition), target) };
    delete scratch.comment;
    delete scratch.columnComments;
    delete scratch.indexes;
    if (view.materialized) scratch.withNoData = true;
    const op = view.materialized ? { kind: "createMaterializedView" as const, view: scratch } : { kind: "createView" as const, view: scratch };
    return compileViewOperation(op).map((s) => s.sql).join(";\n");
  });
}

/** The model's views with PostgreSQL's spelling of each query as its canonical form, and the columns it gives them. */
export function mergeViewSpellings(model: readonly View[], scratch: readonly View[] | undefined): View[] {
  const spelled = new Map((scratch ?? []).map((v) => [qualifiedName(v), v]));
  return model.map((view) => {
    const out = structuredClone(view);
    const found = spelled.get(qualifiedName(view));
    if (found) {
      setCanonical(out, "definition", found.definition);
      if (found.columns) out.columns = found.columns;
    } else {
      // PostgreSQL did not take it here (a missing object, a syntax error): the text as written, to compare.
      setCanonical(out, "definition", viewQuery(view.definition).trim());
      delete out.columns;
    }
    return out;
  });
}
