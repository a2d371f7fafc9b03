/**
 * Privileges granted on the objects kiln reads (catalog/grants.ts), read only
 * when the config asks (`grants`): tables, views, materialized views and
 * sequences (pg_class.relacl), their columns (pg_attribute.attacl) and the
 * schemas (pg_namespace.nspacl), through aclexplode. The owner's own
 * privileges are not grants. One query. The grants of one object come in the
 * order of its ACL (the order they were granted), so that a revision that
 * revokes them can grant them back in that order (the ACL, and pg_dump's GRANT
 * lines, come out identical).
 *
 * Functions and procedures (pg_proc.proacl) too, named with their argument
 * types. PUBLIC's EXECUTE on them is PostgreSQL's default, not a grant (an ACL
 * lists it once any grant was made); revoked, it is a grant to `public` with no
 * privileges (catalog/grants.ts). A kind of object plugs in with one more branch of the UNION and its
 * kind in catalog/grants.ts.
 */
import { isDefaultGrant, normalizeGrant, type Grant, type GrantObjectKind } from "../../../catalog/grants.js";
import { routineSignature } from "../../../catalog/routines.js";
import type { Connection } from "../../types.js";
import { notExtensionMember } from "./extension-members.js";

// $1 schemas, $2 relation names to leave out (bare or schema.name; a sequence owned by one goes with it), $3 roles (NULL: all).
const GRANTS_SQL = `
WITH objects AS (
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind,
         n.nspname AS schema, c.relname AS name, NULL::name AS column_name, c.relacl AS acl, c.relowner AS owner
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL AND n.nspname = ANY($1::text[])
     AND NOT c.relispartition
     AND NOT (c.relname = ANY($2::text[]) OR (n.nspname || '.' || c.relname) = ANY($2::text[]))
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class o ON o.oid = d.refobjid
                      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
                        AND d.refclassid = 'pg_catalog.pg_class'::regclass
                        AND (o.relname = ANY($2::text[]) OR (n.nspname || '.' || o.relname) = ANY($2::text[])))
     AND ${notExtensionMember("pg_class", "c.oid")}
  UNION ALL
  SELECT 'column', n.nspname, c.relname, a.attname, a.attacl, c.relowner
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
     AND n.nspname = ANY($1::text[]) AND NOT c.relispartition
     AND NOT (c.relname = ANY($2::text[]) OR (n.nspname || '.' || c.relname) = ANY($2::text[]))
     AND ${notExtensionMember("pg_class", "c.oid")}
  UNION ALL
  -- Functions and procedures, named by their argument types (one per line; routineSignature spells them below).
  -- Aggregates are not modelled. A NULL ACL is PostgreSQL's default (EXECUTE for PUBLIC): no grant.
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname,
         p.proname || '(' || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format_type(a.t, NULL), E'\n' ORDER BY a.n)
                                        FROM pg_catalog.unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, n)), '') || ')',
         NULL, p.proacl, p.proowner
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
   WHERE p.prokind IN ('f', 'p') AND p.proacl IS NOT NULL AND n.nspname = ANY($1::text[])
     AND ${notExtensionMember("pg_proc", "p.oid")}
  UNION ALL
  SELECT 'schema', NULL, n.nspname, NULL, n.nspacl, n.nspowner
    FROM pg_catalog.pg_namespace n WHERE n.nspacl IS NOT NULL AND n.nspname = ANY($1::text[])
)
SELECT COALESCE(json_agg(json_build_object('kind', g.kind, 'schema', g.schema, 'name', g.name, 'column', g.column_name,
                                           'grantee', g.grantee, 'privileges', g.privileges, 'grantable', g.grantable)
                         ORDER BY g.kind, g.schema, g.name, g.column_name, g.position), '[]')::text AS grants
  FROM (SELECT o.kind, o.schema, o.name, o.column_name,
               CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END AS grantee,
               array_agg(x.privilege_type::text) AS privileges,
               array_agg(x.privilege_type::text) FILTER (WHERE x.is_grantable) AS grantable,
               min(x.position) AS position
          FROM objects o, pg_catalog.aclexplode(o.acl) WITH ORDINALITY AS x(grantor, grantee, privilege_type, is_grantable, position)
         WHERE x.grantee <> o.owner
         GROUP BY 1, 2, 3, 4, 5
        UNION ALL
        -- EXECUTE for PUBLIC, PostgreSQL's default on a function or procedure, revoked: PUBLIC holds nothing.
        SELECT o.kind, o.schema, o.name, o.column_name, 'public', ARRAY[]::text[], NULL, 0
          FROM objects o
         WHERE o.kind IN ('function', 'procedure')
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(o.acl) x WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE')) g
 WHERE $3::text[] IS NULL OR g.grantee = ANY($3::text[])`;

/** `f(integer\ncharacter varying)` (one type a line) -> `f(integer, character varying)`, as routineSignature spells it. */
function routineName(name: string): string {
  const open = name.indexOf("(");
  const types = name.slice(open + 1, -1);
  return routineSignature({ name: name.slice(0, open), arguments: types === "" ? [] : types.split("\n").map((type) => ({ type })) });
}

interface Row {
  kind: GrantObjectKind;
  schema: string | null;
  name: string;
  column: string | null;
  grantee: string;
  privileges: string[];
  grantable: string[] | null;
}

export async function readGrants(
  conn: Connection,
  schemaNames: string[],
  excludeTables: string[],
  alias: (schema: string) => string | undefined,
  roles: true | string[],
): Promise<Grant[]> {
  const { rows } = await conn.query(GRANTS_SQL, [schemaNames, excludeTables, roles === true ? null : roles]);
  const grants: Grant[] = [];
  for (const r of JSON.parse(String(rows[0]!.grants)) as Row[]) {
    // The default schema is not kiln's to manage (it is not in Catalog.schemas).
    if (r.kind === "schema" && alias(r.name) === undefined) continue;
    const schema = r.schema === null ? undefined : alias(r.schema);
    const name = r.kind === "function" || r.kind === "procedure" ? routineName(r.name) : r.name;
    const grant = normalizeGrant({
      on: { kind: r.kind === "column" ? "column" : r.kind, ...(schema !== undefined ? { schema } : {}), name, ...(r.column !== null ? { column: r.column } : {}) },
      grantee: r.grantee,
      privileges: r.privileges,
      ...(r.grantable ? { withGrantOption: r.grantable } : {}),
    });
    // PUBLIC's EXECUTE on a function is PostgreSQL's default, listed in any ACL that is not: not a grant.
    if (!isDefaultGrant(grant)) grants.push(grant);
  }
  return grants;
}
