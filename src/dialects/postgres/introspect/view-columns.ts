/**
 * The columns each view uses of the relations it reads: the column-level rows
 * pg_depend keeps for a view's _RETURN rule. PostgreSQL refuses to drop or
 * retype a column a view uses, and only those, so a view that reads other
 * columns of a changed table need not be dropped and created again
 * (autogenerate/compare/views.ts). A view that uses the whole relation (a
 * whole-row reference, `count(*)`) has a row for the relation itself and keeps
 * the relation-wide dependency.
 */
import type { Dependency } from "../../../catalog/objects.js";
import type { Connection, ObjectSurvey } from "../../types.js";

const VIEW_COLUMNS_SQL = `
SELECT vn.nspname AS view_schema, v.relname AS view_name, tn.nspname AS schema, t.relname AS name,
       COALESCE(json_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE d.refobjsubid > 0), '[]')::text AS columns,
       bool_or(d.refobjsubid = 0) AS whole
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid AND r.rulename = '_RETURN'
  JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
  JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
  JOIN pg_catalog.pg_class t ON t.oid = d.refobjid AND t.oid <> v.oid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
 WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
   AND (vn.nspname = ANY($1::text[]) OR tn.nspname = ANY($1::text[]))
 GROUP BY vn.nspname, v.relname, tn.nspname, t.relname`;

const VIEW_KINDS = new Set(["view", "materialized view"]);
const key = (schema: string | undefined, name: string) => `${schema ?? ""}\u0000${name}`;

/** view key + relation key -> the relation's columns the view uses (absent: the whole relation). */
export type ViewColumns = Map<string, string[]>;

export async function readViewColumns(conn: Connection, schemas: string[], alias: (schema: string) => string | undefined): Promise<ViewColumns> {
  const used: ViewColumns = new Map();
  for (const r of (await conn.query(VIEW_COLUMNS_SQL, [schemas])).rows) {
    if (r.whole === true) continue;
    used.set(`${key(alias(String(r.view_schema)), String(r.view_name))}\u0000${key(alias(String(r.schema)), String(r.name))}`, JSON.parse(String(r.columns)) as string[]);
  }
  return used;
}

/** The survey with each view -> relation dependency carrying the columns the view uses. */
export function withViewColumns(survey: ObjectSurvey, used: ViewColumns): ObjectSurvey {
  if (used.size === 0) return survey;
  const dependencies = survey.dependencies.map((d): Dependency => {
    if (!VIEW_KINDS.has(d.dependent.kind)) return d;
    const columns = used.get(`${key(d.dependent.schema, d.dependent.name)}\u0000${key(d.referenced.schema, d.referenced.name)}`);
    return columns ? { ...d, columns } : d;
  });
  return { ...survey, dependencies };
}
