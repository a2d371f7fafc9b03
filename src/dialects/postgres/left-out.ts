/**
 * The objects `kiln pull` may leave out of the models, for it to name them:
 * every routine (the functions kiln does not read: C and internal ones,
 * SQL-standard bodies; aggregates of extensions are the extension's), operators
 * (those introspection does not read: shells no operator names), collations (those introspection
 * leaves out: collations.ts), text search configurations and dictionaries,
 * operator classes and families, conversions and statistics objects of the
 * schemas read, and EXECUTE revoked from PUBLIC on a function (modelled as a
 * grant, revokePublic, when the config's `grants` manages PUBLIC); members of extensions are the extension's. One query on small
 * system catalogs (no pg_depend walk, unlike the survey of unmodelled objects
 * check runs): pull names those the Catalog does not hold.
 */
import type { ObjectRef } from "../../catalog/objects.js";
import { routineSignature } from "../../catalog/routines.js";
import { operatorNameFromSurvey } from "../../catalog/operators.js";
import type { Connection } from "../types.js";

/** A routine's name with its argument types, one a line (routineName turns it into routineSignature's spelling). */
const ROUTINE_NAME = `p.proname || '(' || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format_type(a.t, NULL), E'\\n' ORDER BY a.n)
                                          FROM pg_catalog.unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, n)), '') || ')'`;

/** Catalogs whose objects are named by one name column: [catalog, kind, namespace column, name column]. */
const NAMED_OBJECT_CATALOGS: [string, string, string, string][] = [
  ["pg_collation", "collation", "collnamespace", "collname"],
  ["pg_ts_config", "text search configuration", "cfgnamespace", "cfgname"],
  ["pg_ts_dict", "text search dictionary", "dictnamespace", "dictname"],
  ["pg_opclass", "operator class", "opcnamespace", "opcname"],
  ["pg_opfamily", "operator family", "opfnamespace", "opfname"],
  ["pg_conversion", "conversion", "connamespace", "conname"],
  ["pg_statistic_ext", "statistics object", "stxnamespace", "stxname"],
];

// Constant text (no user input): one SELECT per catalog above.
const NAMED_OBJECT_SELECTS = NAMED_OBJECT_CATALOGS.map(
  ([catalog, kind, namespace, name]) => `    SELECT '${catalog}'::regclass, x.oid, '${kind}', x.${namespace}, x.${name}::text FROM pg_catalog.${catalog} x`,
).join("\n    UNION ALL\n");

const LEFT_OUT_SQL = `
SELECT o.kind, n.nspname AS schema, o.name
  FROM (
    SELECT 'pg_proc'::regclass AS classid, p.oid, CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
           p.pronamespace AS nsp,
           ${ROUTINE_NAME} AS name
      FROM pg_catalog.pg_proc p
    UNION ALL
    SELECT 'pg_operator'::regclass, o.oid, 'operator', o.oprnamespace,
           o.oprname || '(' || COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE') || E'\\n' || pg_catalog.format_type(o.oprright, NULL) || ')'
      FROM pg_catalog.pg_operator o
    UNION ALL
${NAMED_OBJECT_SELECTS}
    UNION ALL
    -- PostgreSQL's default EXECUTE for PUBLIC, revoked: in the Catalog only when its grants are read for PUBLIC.
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
    const name = ROUTINES.has(kind) ? routineName(String(r.name)) : kind === "operator" ? operatorNameFromSurvey(String(r.name)) : String(r.name);
    return { kind, ...(schema !== undefined ? { schema } : {}), name };
  });
}
