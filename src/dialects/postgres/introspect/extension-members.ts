/**
 * Objects that belong to an extension (pg_depend deptype 'e': its types,
 * functions, operators, tables, sequences...) are the extension's business:
 * kiln models the extension (`CREATE EXTENSION`), never its members one by one.
 * Every introspection query that lists objects excludes them with this fragment.
 *
 * `catalogTable` names the system catalog that holds the object (`pg_class`,
 * `pg_type`, `pg_proc`, `pg_namespace`, `pg_constraint`, ...), `oid` the SQL
 * expression of the object's oid in the query (e.g. `c.oid`). Both are SQL
 * text written by kiln, never user input.
 */
export function notExtensionMember(catalogTable: string, oid: string): string {
  if (!/^pg_[a-z_]+$/.test(catalogTable)) throw new Error(`notExtensionMember: not a system catalog name: ${catalogTable}`);
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.${catalogTable}'::regclass AND x.objid = ${oid} AND x.deptype = 'e')`;
}
