/**
 * Views and materialized views of the schemas read (pg_class relkind v, m): the
 * query as pg_get_viewdef prints it (what pg_dump prints), the options kept in
 * reloptions (check_option, security_barrier, security_invoker), whether a
 * materialized view is populated, comments on the view and its columns, the
 * columns (name, type) and a materialized view's indexes. One query, and one
 * more for the indexes when there are materialized views.
 */
import type { Index } from "../../../catalog/types.js";
import { viewQuery, type View } from "../../../catalog/views.js";
import type { Connection } from "../../types.js";
import { neutralTypeName } from "../normalize.js";
import { notExtensionMember } from "./extension-members.js";

const VIEWS_SQL = `
SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       pg_catalog.pg_get_viewdef(c.oid) AS definition,
       c.reloptions::text[] AS options, c.relispopulated AS populated,
       (SELECT ic.relname FROM pg_catalog.pg_index ci JOIN pg_catalog.pg_class ic ON ic.oid = ci.indexrelid
         WHERE ci.indrelid = c.oid AND ci.indisclustered LIMIT 1) AS cluster_on,
       d.description AS comment,
       COALESCE((SELECT json_agg(json_build_object('attnum', a.attnum, 'name', a.attname,
                                                   'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                                                   'comment', ad.description) ORDER BY a.attnum)
                   FROM pg_catalog.pg_attribute a
                   LEFT JOIN pg_catalog.pg_description ad
                          ON ad.objoid = a.attrelid AND ad.classoid = 'pg_catalog.pg_class'::regclass AND ad.objsubid = a.attnum
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '[]')::text AS columns
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
 WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1::text[])
   AND ${notExtensionMember("pg_class", "c.oid")}
 ORDER BY n.nspname, c.relname`;

type Row = Record<string, unknown>;

export interface ViewReadContext {
  alias: (schema: string) => string | undefined;
  /** Applied to printed text (queries, types): canonicalize maps scratch schema names back. */
  rewrite: (text: string) => string;
  /** Reads the indexes of these relations (introspect.ts's index reader), given each one's column names by attnum. */
  readIndexes: (oids: string[], nameOf: (oid: string) => (attnum: number) => string | undefined) => Promise<Map<string, Index[]>>;
}

function option(options: string[], key: string): string | undefined {
  const found = options.find((o) => o.startsWith(`${key}=`));
  return found === undefined ? undefined : found.slice(key.length + 1);
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|on|yes|1)$/i.test(value);
}

export async function readViews(conn: Connection, schemaNames: string[], context: ViewReadContext): Promise<View[]> {
  const { rows } = await conn.query(VIEWS_SQL, [schemaNames]);
  if (rows.length === 0) return [];
  const columnNames = new Map<string, Map<number, string>>();
  const views = new Map<string, View>();
  for (const r of rows) {
    const schema = context.alias(String(r.schema));
    const materialized = r.kind === "m";
    const view: View = { ...(schema !== undefined ? { schema } : {}), name: String(r.name), definition: context.rewrite(viewQuery(String(r.definition))) };
    if (materialized) view.materialized = true;
    const columns = JSON.parse(String(r.columns)) as { attnum: number; name: string; type: string; comment: string | null }[];
    view.columns = columns.map((c) => ({ name: c.name, type: context.rewrite(neutralTypeName(c.type)) }));
    columnNames.set(String(r.oid), new Map(columns.map((c) => [c.attnum, c.name])));
    const options = (r.options as string[] | null) ?? [];
    const check = option(options, "check_option");
    if (check === "local" || check === "cascaded") view.checkOption = check;
    if (isTrue(option(options, "security_barrier"))) view.securityBarrier = true;
    if (isTrue(option(options, "security_invoker"))) view.securityInvoker = true;
    if (materialized && r.populated === false) view.withNoData = true;
    if (materialized && r.cluster_on !== null && r.cluster_on !== undefined) view.clusterOn = String(r.cluster_on);
    if (r.comment !== null && r.comment !== undefined) view.comment = String(r.comment);
    const commented = columns.filter((c) => c.comment !== null);
    if (commented.length > 0) view.columnComments = Object.fromEntries(commented.map((c) => [c.name, c.comment!]));
    views.set(String(r.oid), view);
  }
  const materializedOids = [...views].filter(([, v]) => v.materialized).map(([oid]) => oid);
  if (materializedOids.length > 0) {
    const indexes = await context.readIndexes(materializedOids, (oid) => (attnum) => columnNames.get(oid)?.get(attnum));
    for (const oid of materializedOids) {
      const view = views.get(oid)!;
      view.indexes = (indexes.get(oid) ?? []).sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : (a.name ?? "") > (b.name ?? "") ? 1 : 0));
    }
  }
  return [...views.values()];
}
