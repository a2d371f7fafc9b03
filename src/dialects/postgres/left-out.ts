/**
 * The objects `kiln pull` may leave out of the models, for it to name them:
 * every routine (aggregates, and the functions kiln does not read: C and
 * internal ones, SQL-standard bodies, those an aggregate or operator uses),
 * operators, collations, text search configurations and dictionaries,
 * operator classes and families, conversions and statistics objects of the
 * schemas read, and EXECUTE revoked from PUBLIC on a function (kiln models
 * grants, not a revoked default); members of extensions are the extension's. One query on small
 * system catalogs (no pg_depend walk, unlike the survey of unmodelled objects
 * check runs): pull names those the Catalog does not hold.
 */
import type { ObjectRef } from "../../catalog/objects.js";
import { routineSignature } from "../../catalog/routines.js";
import type { Connection } from "../types.js";

/** A routine's name with its argument types, one a line (routineName turns it into routineSignature's spelling). */
const ROUTINE_NAME = `p.proname || '(' || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format_type(a.t, NULL), E'\\n' ORDER BY a.n)
                                          FROM pg_catalog.unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, n)), '') || ')'`;

const LEFT_OUT_SQL = `
SELECT o.kind, n.nspname AS schema, o.name
  FROM (
    SELECT 'pg_proc'::regclass AS classid, p.oid, CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
           p.pronamespace AS nsp,
           ${ROUTINE_NAME} AS name
      FROM pg_catalog.pg_proc p
    UNION ALL
    SELECT 'pg_operator'::regclass, o.oid, 'operator', o.oprnamespace,
           o.oprname || '(' || COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE') || ', ' || pg_catalog.format_type(o.oprright, NULL) || ')'
      FROM pg_catalog.pg_operator o
    UNION ALL
    SELECT 'pg_collation'::regclass, c.oid, 'collation', c.collnamespace, c.collname::text FROM pg_catalog.pg_collation c
    UNION ALL
    SELECT 'pg_ts_config'::regclass, t.oid, 'text search configuration', t.cfgnamespace, t.cfgname::text FROM pg_catalog.pg_ts_config t
    UNION ALL
    SELECT 'pg_ts_dict'::regclass, t.oid, 'text search dictionary', t.dictnamespace, t.dictname::text FROM pg_catalog.pg_ts_dict t
    UNION ALL
    SELECT 'pg_opclass'::regclass, o.oid, 'operator class', o.opcnamespace, o.opcname::text FROM pg_catalog.pg_opclass o
    UNION ALL
    SELECT 'pg_opfamily'::regclass, o.oid, 'operator family', o.opfnamespace, o.opfname::text FROM pg_catalog.pg_opfamily o
    UNION ALL
    SELECT 'pg_conversion'::regclass, c.oid, 'conversion', c.connamespace, c.conname::text FROM pg_catalog.pg_conversion c
    UNION ALL
    SELECT 'pg_statistic_ext'::regclass, s.oid, 'statistics object', s.stxnamespace, s.stxname::text FROM pg_catalog.pg_statistic_ext s
    UNION ALL
    -- PostgreSQL's default EXECUTE for PUBLIC, revoked: kiln models grants, not revoked defaults.
    SELECT 'pg_proc'::regclass, p.oid, 'EXECUTE revoked from PUBLIC on ' || CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
           p.pronamespace,
           ${ROUTINE_NAME}
      FROM pg_catalog.pg_proc p
     WHERE p.prokind IN ('f', 'p') AND p.proacl IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(p.proacl) x WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE')
  ) o
  JOIN pg_catalog.pg_namespace n ON n.oid = o.nsp
 WHERE n.nspname = ANY($1::text[]) AND o.oid >= 16384
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = o.classid AND x.objid = o.oid AND x.deptype = 'e')
 ORDER BY 2, 1, 3`;

/** `f(integer\ncharacter varying)` (one type a line) -> `f(integer, character varying)`, as routineSignature spells it. */
function routineName(name: string): string {
  const open = name.indexOf("(");
  const types = name.slice(open + 1, -1);
  return routineSignature({ name: name.slice(0, open), arguments: types === "" ? [] : types.split("\n").map((type) => ({ type })) });
}

const ROUTINES = new Set(["function", "procedure", "aggregate", "EXECUTE revoked from PUBLIC on function", "EXECUTE revoked from PUBLIC on procedure"]);

export async function listLeftOutCandidates(conn: Connection, schemas: string[], alias: (schema: string) => string | undefined): Promise<ObjectRef[]> {
  const { rows } = await conn.query(LEFT_OUT_SQL, [schemas]);
  return rows.map((r) => {
    const kind = String(r.kind);
    const schema = alias(String(r.schema));
    return { kind, ...(schema !== undefined ? { schema } : {}), name: ROUTINES.has(kind) ? routineName(String(r.name)) : String(r.name) };
  });
}
