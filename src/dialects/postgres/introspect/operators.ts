/**
 * User operators of the schemas read (one query on pg_operator). Left out:
 * members of extensions (the extension's), the system's own (oid below
 * FirstNormalObjectId), and shells (oprcode 0: a commutator or negator named
 * before it was defined, which pg_dump leaves out too; catalog/operators.ts).
 * Functions in pg_catalog (the built-in estimators eqsel, scalarltsel, ...)
 * are named without their schema, as a model writes them.
 */
import type { Operator, OperatorTarget } from "../../../catalog/operators.js";
import type { Connection } from "../../types.js";
import { notExtensionMember } from "./extension-members.js";

const OPERATORS_SQL = `
SELECT n.nspname AS schema, o.oprname AS name,
       CASE WHEN o.oprleft = 0 THEN NULL ELSE pg_catalog.format_type(o.oprleft, NULL) END AS left_type,
       pg_catalog.format_type(o.oprright, NULL) AS right_type,
       fn.nspname AS function_schema, f.proname AS function_name,
       cn.nspname AS commutator_schema, c.oprname AS commutator_name,
       gn.nspname AS negator_schema, g.oprname AS negator_name,
       rn.nspname AS restrict_schema, r.proname AS restrict_name,
       jn.nspname AS join_schema, j.proname AS join_name,
       o.oprcanhash AS hashes, o.oprcanmerge AS merges,
       d.description AS comment
  FROM pg_catalog.pg_operator o
  JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
  JOIN pg_catalog.pg_proc f ON f.oid = o.oprcode
  JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
  LEFT JOIN pg_catalog.pg_operator c ON c.oid = o.oprcom
  LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = c.oprnamespace
  LEFT JOIN pg_catalog.pg_operator g ON g.oid = o.oprnegate
  LEFT JOIN pg_catalog.pg_namespace gn ON gn.oid = g.oprnamespace
  LEFT JOIN pg_catalog.pg_proc r ON r.oid = o.oprrest
  LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.pronamespace
  LEFT JOIN pg_catalog.pg_proc j ON j.oid = o.oprjoin
  LEFT JOIN pg_catalog.pg_namespace jn ON jn.oid = j.pronamespace
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = o.oid AND d.classoid = 'pg_catalog.pg_operator'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[]) AND o.oid >= 16384
   AND ${notExtensionMember("pg_operator", "o.oid")}
 ORDER BY n.nspname, o.oprname, 3 NULLS FIRST, 4`;

type Row = Record<string, unknown>;

export function operatorFrom(r: Row, alias: (schema: string) => string | undefined): Operator {
  const target = (schemaColumn: string, nameColumn: string): OperatorTarget | undefined => {
    if (r[nameColumn] === null || r[nameColumn] === undefined) return undefined;
    const raw = String(r[schemaColumn]);
    const schema = raw === "pg_catalog" ? undefined : alias(raw);
    return { ...(schema !== undefined ? { schema } : {}), name: String(r[nameColumn]) };
  };
  const schema = alias(String(r.schema));
  const operator: Operator = {
    ...(schema !== undefined ? { schema } : {}),
    name: String(r.name),
    ...(r.left_type !== null && r.left_type !== undefined ? { left: String(r.left_type) } : {}),
    right: String(r.right_type),
    function: target("function_schema", "function_name")!,
  };
  const commutator = target("commutator_schema", "commutator_name");
  if (commutator) operator.commutator = commutator;
  const negator = target("negator_schema", "negator_name");
  if (negator) operator.negator = negator;
  const restrict = target("restrict_schema", "restrict_name");
  if (restrict) operator.restrict = restrict;
  const join = target("join_schema", "join_name");
  if (join) operator.join = join;
  if (r.hashes === true) operator.hashes = true;
  if (r.merges === true) operator.merges = true;
  if (r.comment !== null && r.comment !== undefined) operator.comment = String(r.comment);
  return operator;
}

export async function readOperators(conn: Connection, schemaNames: string[], alias: (schema: string) => string | undefined): Promise<Operator[]> {
  const { rows } = await conn.query(OPERATORS_SQL, [schemaNames]);
  return rows.map((r) => operatorFrom(r, alias));
}
