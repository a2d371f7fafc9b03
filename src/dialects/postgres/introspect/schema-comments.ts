/**
 * Comments on the schemas read (pg_description of pg_namespace), by schema name
 * as the Catalog names it (catalog/schema-comments.ts). The default schema's
 * comment is left out while it is the one a new database gives it. One query.
 */
import type { SchemaComments } from "../../../catalog/schema-comments.js";
import type { Connection } from "../../types.js";

const SCHEMA_COMMENTS_SQL = `
SELECT n.nspname AS name, d.description AS comment
  FROM pg_catalog.pg_namespace n
  JOIN pg_catalog.pg_description d ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[])
 ORDER BY n.nspname`;

/** What PostgreSQL says on the public schema of a new database (pg_dump leaves it out). */
const DEFAULT_PUBLIC_COMMENT = "standard public schema";

/** `alias` maps a schema read to its Catalog name (undefined: the default schema). */
export async function readSchemaComments(conn: Connection, schemaNames: string[], alias: (schema: string) => string | undefined): Promise<SchemaComments> {
  const { rows } = await conn.query(SCHEMA_COMMENTS_SQL, [schemaNames]);
  const comments: SchemaComments = {};
  for (const r of rows) {
    const name = String(r.name);
    const aliased = alias(name);
    if (aliased === undefined && name === "public" && r.comment === DEFAULT_PUBLIC_COMMENT) continue;
    comments[aliased ?? name] = String(r.comment);
  }
  return comments;
}
