/**
 * User collations of the schemas read (pg_collation), one query. The row is
 * read as JSON: its columns differ by version (colliculocale in 15-16,
 * colllocale from 17, collicurules from 16). Members of extensions are the
 * extension's. A collation kiln could not create again exactly is left out of
 * the Catalog, so that check and pull name it as not modelled (exact or loud):
 * a provider other than libc, ICU or builtin, a missing locale, or a collation
 * whose recorded version is not its library's any more (one created again would
 * record the new version, and ALTER COLLATION ... REFRESH VERSION is the user's
 * decision).
 */
import { type Collation, type CollationProvider, normalizeCollation } from "../../../catalog/collations.js";
import type { Connection } from "../../types.js";
import { notExtensionMember } from "./extension-members.js";

const COLLATIONS_SQL = `
SELECT n.nspname AS schema, c.collname AS name, pg_catalog.to_jsonb(c)::text AS row, d.description AS comment,
       c.collversion IS NOT DISTINCT FROM pg_catalog.pg_collation_actual_version(c.oid) AS current_version
  FROM pg_catalog.pg_collation c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
  LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_collation'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[]) AND n.nspname <> 'pg_catalog'
   AND ${notExtensionMember("pg_collation", "c.oid")}
 ORDER BY n.nspname, c.collname`;

const PROVIDERS: Record<string, CollationProvider> = { c: "libc", i: "icu", b: "builtin" };

interface CollationRow {
  collprovider?: string;
  collisdeterministic?: boolean;
  collcollate?: string | null;
  collctype?: string | null;
  colliculocale?: string | null;
  colllocale?: string | null;
  collicurules?: string | null;
}

/** A pg_collation row (as JSON) -> the Collation, or undefined when kiln cannot say it exactly. */
export function collationFromRow(schema: string | undefined, name: string, row: CollationRow, comment: string | null, currentVersion: boolean): Collation | undefined {
  const provider = PROVIDERS[row.collprovider ?? ""];
  if (provider === undefined || !currentVersion) return undefined;
  const c: Collation = { ...(schema !== undefined ? { schema } : {}), name, provider };
  if (provider === "libc") {
    if (typeof row.collcollate !== "string" || typeof row.collctype !== "string") return undefined;
    Object.assign(c, { lcCollate: row.collcollate, lcCtype: row.collctype });
  } else {
    const locale = row.colllocale ?? row.colliculocale;
    if (typeof locale !== "string") return undefined;
    c.locale = locale;
  }
  if (row.collisdeterministic === false) c.deterministic = false;
  if (typeof row.collicurules === "string") c.rules = row.collicurules;
  if (comment !== null) c.comment = comment;
  return normalizeCollation(c);
}

export async function readCollations(conn: Connection, schemaNames: string[], alias: (schema: string) => string | undefined): Promise<Collation[]> {
  const { rows } = await conn.query(COLLATIONS_SQL, [schemaNames]);
  const key = (c: Collation) => `${c.schema ?? ""}\u0000${c.name}`;
  return rows
    .flatMap((r) => {
      const c = collationFromRow(alias(String(r.schema)), String(r.name), JSON.parse(String(r.row)) as CollationRow, r.comment === null || r.comment === undefined ? null : String(r.comment), r.current_version === true);
      return c ? [c] : [];
    })
    // As the models list them (schema/objects.ts): the default schema's first.
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
