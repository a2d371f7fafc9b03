/**
 * What the rest of introspection does not read: every object of the compared
 * schemas, whatever its kind (views, functions, triggers, policies, ...), the
 * dependencies between objects that touch those schemas (pg_depend), and the
 * tables of schemas the config does not list. One catalog query.
 *
 * Parts of an object are folded into it, so that edges name what a user knows:
 * a view's _RETURN rule is the view, a default or a constraint is its table (or
 * domain), an index or an owned sequence is its table, an array type is its
 * element type, a table's row type is the table, a multirange is its range, an
 * FK's internal triggers are the referencing table; an object that belongs to an extension
 * is the extension. System objects (pg_catalog, information_schema, pg_toast)
 * are never named.
 */
import type { Dependency, ObjectRef } from "../../../catalog/objects.js";
import { routineSignature } from "../../../catalog/routines.js";
import { operatorNameFromSurvey } from "../../../catalog/operators.js";
import type { Connection, ObjectSurvey } from "../../types.js";

// (classid, objid) of a part -> (classid, objid) of the object it belongs to.
const PARTS = `
SELECT 'pg_class'::regclass::oid AS classid, i.indexrelid AS objid, 'pg_class'::regclass::oid AS oclassid, i.indrelid AS oobjid FROM pg_catalog.pg_index i
UNION ALL
SELECT d.classid, d.objid, d.refclassid, d.refobjid
  FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
UNION ALL
SELECT 'pg_type'::regclass, t.oid, 'pg_class'::regclass, t.typrelid FROM pg_catalog.pg_type t WHERE t.typrelid <> 0
UNION ALL
SELECT 'pg_type'::regclass, t.typarray, 'pg_type'::regclass, t.oid FROM pg_catalog.pg_type t WHERE t.typarray <> 0
UNION ALL
SELECT 'pg_type'::regclass, r.rngmultitypid, 'pg_type'::regclass, r.rngtypid FROM pg_catalog.pg_range r
UNION ALL
SELECT 'pg_attrdef'::regclass, a.oid, 'pg_class'::regclass, a.adrelid FROM pg_catalog.pg_attrdef a
UNION ALL
SELECT 'pg_constraint'::regclass, c.oid,
       CASE WHEN c.conrelid <> 0 THEN 'pg_class'::regclass ELSE 'pg_type'::regclass END,
       CASE WHEN c.conrelid <> 0 THEN c.conrelid ELSE c.contypid END
  FROM pg_catalog.pg_constraint c
UNION ALL
SELECT 'pg_rewrite'::regclass, r.oid, 'pg_class'::regclass, r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.rulename = '_RETURN'
UNION ALL
-- A foreign key's triggers on the referenced table belong to the key (so to the referencing table).
SELECT 'pg_trigger'::regclass, t.oid,
       CASE WHEN t.tgconstraint <> 0 THEN 'pg_constraint'::regclass ELSE 'pg_class'::regclass END,
       CASE WHEN t.tgconstraint <> 0 THEN t.tgconstraint ELSE t.tgrelid END
  FROM pg_catalog.pg_trigger t WHERE t.tgisinternal
UNION ALL
SELECT 'pg_publication_rel'::regclass, p.oid, 'pg_publication'::regclass, p.prpubid FROM pg_catalog.pg_publication_rel p`;

// Every object that has a name of its own: kind, schema, name, and the table it lives on.
// Only objects of users and extensions (oid >= FirstNormalObjectId, 16384) are kept.
const OBJECTS = `
SELECT 'pg_class'::regclass::oid AS classid, c.oid AS objid,
       CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                      WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' ELSE 'type' END AS kind,
       c.relnamespace AS nsp, c.relname::text AS name, NULL::text AS on_table,
       CASE WHEN c.relispartition THEN (SELECT pn.nspname || '.' || pc.relname FROM pg_catalog.pg_inherits h
                                         JOIN pg_catalog.pg_class pc ON pc.oid = h.inhparent
                                         JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
                                        WHERE h.inhrelid = c.oid LIMIT 1) END AS partition_of,
       c.relrowsecurity AS rls
  FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
UNION ALL
-- A routine is named by its input argument types, one per line (routineSignature's spelling is applied in TypeScript).
SELECT 'pg_proc'::regclass, p.oid, CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       p.pronamespace, p.proname || '(' || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format_type(a.t, NULL), E'\n' ORDER BY a.n)
                                                      FROM pg_catalog.unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, n)), '') || ')',
       NULL, NULL, false
  FROM pg_catalog.pg_proc p
UNION ALL
SELECT 'pg_type'::regclass, t.oid, 'type', t.typnamespace, t.typname::text, NULL, NULL, false
  FROM pg_catalog.pg_type t WHERE t.typtype IN ('b', 'd', 'e', 'r') AND t.typrelid = 0 AND t.typcategory <> 'A'
UNION ALL
SELECT 'pg_trigger'::regclass, t.oid, 'trigger', c.relnamespace, t.tgname::text, c.relname::text, NULL, false
  FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
SELECT 'pg_policy'::regclass, p.oid, 'policy', c.relnamespace, p.polname::text, c.relname::text, NULL, false
  FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
UNION ALL
SELECT 'pg_rewrite'::regclass, r.oid, 'rule', c.relnamespace, r.rulename::text, c.relname::text, NULL, false
  FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN'
UNION ALL
SELECT 'pg_extension'::regclass, e.oid, 'extension', e.extnamespace, e.extname::text, NULL, NULL, false FROM pg_catalog.pg_extension e
UNION ALL
SELECT 'pg_statistic_ext'::regclass, s.oid, 'statistics object', s.stxnamespace, s.stxname::text, NULL, NULL, false FROM pg_catalog.pg_statistic_ext s
UNION ALL
SELECT 'pg_ts_config'::regclass, t.oid, 'text search configuration', t.cfgnamespace, t.cfgname::text, NULL, NULL, false FROM pg_catalog.pg_ts_config t
UNION ALL
SELECT 'pg_ts_dict'::regclass, t.oid, 'text search dictionary', t.dictnamespace, t.dictname::text, NULL, NULL, false FROM pg_catalog.pg_ts_dict t
UNION ALL
SELECT 'pg_operator'::regclass, o.oid, 'operator', o.oprnamespace,
       o.oprname || '(' || COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE') || E'\n' || pg_catalog.format_type(o.oprright, NULL) || ')', NULL, NULL, false
  FROM pg_catalog.pg_operator o
UNION ALL
SELECT 'pg_opclass'::regclass, o.oid, 'operator class', o.opcnamespace, o.opcname::text, NULL, NULL, false FROM pg_catalog.pg_opclass o
UNION ALL
SELECT 'pg_opfamily'::regclass, o.oid, 'operator family', o.opfnamespace, o.opfname::text, NULL, NULL, false FROM pg_catalog.pg_opfamily o
UNION ALL
SELECT 'pg_collation'::regclass, c.oid, 'collation', c.collnamespace, c.collname::text, NULL, NULL, false FROM pg_catalog.pg_collation c
UNION ALL
SELECT 'pg_conversion'::regclass, c.oid, 'conversion', c.connamespace, c.conname::text, NULL, NULL, false FROM pg_catalog.pg_conversion c
UNION ALL
SELECT 'pg_cast'::regclass, c.oid, 'cast', 0, '(' || pg_catalog.format_type(c.castsource, NULL) || ' AS ' || pg_catalog.format_type(c.casttarget, NULL) || ')', NULL, NULL, false
  FROM pg_catalog.pg_cast c
UNION ALL
SELECT 'pg_event_trigger'::regclass, e.oid, 'event trigger', 0, e.evtname::text, NULL, NULL, false FROM pg_catalog.pg_event_trigger e
UNION ALL
SELECT 'pg_publication'::regclass, p.oid, 'publication', 0, p.pubname::text, NULL, NULL, false FROM pg_catalog.pg_publication p`;

// Properties of a table that kiln does not model (each named in a warning): REPLICA IDENTITY other
// than the default, a table access method other than heap, and a column's SET STORAGE (other than
// its type's) or COMPRESSION. (Persistence, storage parameters, CLUSTER ON and statistics targets are
// modelled: catalog/types.ts Table and Column.)
const PROPERTIES = `
SELECT c.oid AS relid,
       'REPLICA IDENTITY ' || CASE c.relreplident WHEN 'n' THEN 'NOTHING' WHEN 'f' THEN 'FULL'
         ELSE 'USING INDEX ' || COALESCE((SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                                            WHERE i.indrelid = c.oid AND i.indisreplident LIMIT 1), '?') END AS name
  FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd'
UNION ALL
SELECT c.oid, 'access method ' || am.amname
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am am ON am.oid = c.relam WHERE c.relkind IN ('r', 'p') AND am.amname <> 'heap'
UNION ALL
SELECT a.attrelid, 'storage ' || CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END || ' of column ' || a.attname
  FROM noted_columns a WHERE a.of_table AND a.attstorage <> a.typstorage
UNION ALL
SELECT a.attrelid, 'compression ' || CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' ELSE a.attcompression::text END || ' of column ' || a.attname
  FROM noted_columns a WHERE a.of_table AND a.attcompression <> ''
UNION ALL
-- Privileges granted to roles other than the owner (a table dropped and created again has none of them):
-- named per role, as catalog/objects.ts names the grants kiln manages.
SELECT c.oid, 'privileges granted to ' || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END
  FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) x
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL AND x.grantee <> c.relowner
 GROUP BY c.oid, x.grantee
UNION ALL
SELECT a.attrelid, 'privileges on column ' || a.attname || ' granted to ' || CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x.grantee)::text END
  FROM noted_columns a, pg_catalog.aclexplode(a.attacl) x
 WHERE a.attacl IS NOT NULL AND x.grantee <> a.relowner
 GROUP BY a.attrelid, a.attname, x.grantee`;

// The columns PROPERTIES names, found in one pass over pg_attribute (not one per kind of property):
// of tables, a storage other than their type's or a compression; of any relation, column privileges.
const NOTED_COLUMNS = `
noted_columns AS MATERIALIZED (
  SELECT a.attrelid, a.attname, a.attstorage, t.typstorage, a.attcompression, a.attacl, c.relowner, c.relkind IN ('r', 'p') AS of_table
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
   WHERE a.attrelid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped
     AND ((c.relkind IN ('r', 'p') AND (a.attstorage <> t.typstorage OR a.attcompression <> '')) OR a.attacl IS NOT NULL)
)`;

/**
 * $1: the compared schemas; $2: tables to leave out (bare or schema.name: kiln's
 * own and the config's excludeTables). Objects without a schema (casts, event
 * triggers, publications) count as compared.
 */
const SURVEY_SQL = `
WITH ${NOTED_COLUMNS},
objects AS (
  SELECT o.classid || ':' || o.objid AS key, o.kind, CASE WHEN o.nsp = 0 THEN NULL ELSE n.nspname::text END AS schema,
         o.name, o.on_table, o.partition_of, o.rls
    FROM (${OBJECTS}) o
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = o.nsp
   WHERE o.objid >= 16384 AND (o.nsp = 0 OR (n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'))
)
SELECT json_build_object(
  'objects', (SELECT COALESCE(json_agg(json_build_object('key', key, 'kind', kind, 'schema', schema, 'name', name, 'table', on_table,
                                                         'partitionOf', partition_of, 'rls', rls,
                                                         'compared', schema IS NULL OR schema = ANY($1::text[]))
                                       ORDER BY schema, kind, on_table, name), '[]')
                FROM objects
               WHERE NOT (kind = 'table' AND (name = ANY($2::text[]) OR (schema || '.' || name) = ANY($2::text[])))),
  'properties', (SELECT COALESCE(json_agg(json_build_object('schema', n.nspname::text, 'table', c.relname::text, 'name', p.name)
                                          ORDER BY n.nspname, c.relname, p.name), '[]')
                   FROM (${PROPERTIES}) p
                   JOIN pg_catalog.pg_class c ON c.oid = p.relid
                   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.oid >= 16384 AND n.nspname = ANY($1::text[])
                    AND NOT (c.relname = ANY($2::text[]) OR (n.nspname || '.' || c.relname) = ANY($2::text[]))),
  -- A composite type's pg_class row is not a member itself (its pg_type row is): it goes with the extension too.
  'members', (SELECT COALESCE(string_agg(m.classid || ':' || m.objid || ' ' || 'pg_extension'::regclass::oid || ':' || m.refobjid, ','), '')
                FROM (SELECT d.classid, d.objid, d.refobjid FROM pg_catalog.pg_depend d
                       WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass
                      UNION ALL
                      SELECT 'pg_class'::regclass::oid, t.typrelid, d.refobjid
                        FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_type t ON t.oid = d.objid
                       WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_type'::regclass
                         AND t.typrelid <> 0) m),
  'roles', (SELECT COALESCE(json_agg(r.rolname ORDER BY r.rolname), '[]') FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_'),
  'parts', (SELECT COALESCE(string_agg(p.classid || ':' || p.objid || ' ' || p.oclassid || ':' || p.oobjid, ','), '')
              FROM (${PARTS}) p WHERE p.objid >= 16384),
  -- Dependencies between objects of users and extensions (FirstNormalObjectId = 16384), not the system's own.
  -- Plain text, not JSON: 10,000 tables have some 270,000 of them (deduplicated below, after folding parts).
  'depends', (SELECT COALESCE(string_agg(d.classid || ':' || d.objid || ' ' || d.refclassid || ':' || d.refobjid, ','), '')
                FROM pg_catalog.pg_depend d
               WHERE d.deptype NOT IN ('e', 'p', 'x') AND d.objid >= 16384 AND d.refobjid >= 16384)
)::text AS survey`;

/**
 * An object's (classid, objid) as one number: classid is a system catalog's oid (below
 * FirstGenbkiObjectId, 10,000), so classid * 2^32 + objid stays below 2^46, exact in a double.
 * Numbers, not `classid:objid` texts: tens of thousands of pairs are read without a string each.
 */
function objectKey(classid: number, objid: number): number {
  return classid * 4294967296 + objid;
}

/** `1259:16390` -> objectKey(1259, 16390). */
function parseKey(text: string): number {
  const colon = text.indexOf(":");
  return objectKey(Number(text.slice(0, colon)), Number(text.slice(colon + 1)));
}

/** Calls `visit` for each pair of `a:b c:d,a:b c:d,...` (string_agg of pairs), read digit by digit. */
function eachPair(text: string, visit: (from: number, to: number) => void): void {
  let classid = 0;
  let number = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) number = number * 10 + (code - 48);
    else if (code === 58) {
      // ':' ends a classid.
      classid = number;
      number = 0;
    } else if (code === 32) {
      // ' ' ends the first object of a pair.
      from = objectKey(classid, number);
      number = 0;
    } else {
      // ',' ends a pair.
      visit(from, objectKey(classid, number));
      number = 0;
    }
  }
  if (text.length > 0) visit(from, objectKey(classid, number));
}

interface SurveyObject {
  key: string;
  kind: string;
  schema: string | null;
  name: string;
  table: string | null;
  partitionOf: string | null;
  rls: boolean;
  compared: boolean;
}

const ROUTINE_KINDS = new Set(["function", "procedure", "aggregate"]);

/** `f(integer\ncharacter varying)` (the survey's spelling) -> `f(integer, character varying)` as routineSignature spells it. */
function routineName(name: string): string {
  const open = name.indexOf("(");
  const types = name.slice(open + 1, -1);
  return routineSignature({ name: name.slice(0, open), arguments: types === "" ? [] : types.split("\n").map((type) => ({ type })) });
}

function toRef(r: SurveyObject, alias: (schema: string) => string | undefined): ObjectRef {
  const schema = r.schema === null ? undefined : alias(r.schema);
  const name = ROUTINE_KINDS.has(r.kind) ? routineName(r.name) : r.kind === "operator" ? operatorNameFromSurvey(r.name) : r.name;
  return { kind: r.kind, ...(schema !== undefined ? { schema } : {}), name, ...(r.table !== null ? { table: r.table } : {}) };
}

export async function surveyPostgresObjects(
  conn: Connection,
  scope: { schemas: string[]; excludeTables: string[]; schemaAlias: (schema: string) => string | undefined },
): Promise<ObjectSurvey> {
  const { rows } = await conn.query(SURVEY_SQL, [scope.schemas, scope.excludeTables]);
  // The joins are done here: the planner's estimates for pg_depend's self-joins are off by orders of magnitude.
  const raw = JSON.parse(String(rows[0]!.survey)) as {
    objects: SurveyObject[];
    properties: { schema: string; table: string; name: string }[];
    /** `classid:objid classid:objid` pairs joined by commas (string_agg: much cheaper than JSON for 100,000s of rows). */
    members: string;
    parts: string;
    depends: string;
    roles: string[];
  };
  const alias = scope.schemaAlias;
  // An extension's member is the extension, even when it is also a part of something.
  const owner = new Map<number, number>();
  eachPair(raw.parts, (part, whole) => owner.set(part, whole));
  eachPair(raw.members, (member, extension) => owner.set(member, extension));
  const resolve = (key: number): number => {
    // Parts nest a few levels (an array of a table's row type: array -> row type -> table).
    for (let depth = 0; depth < 4; depth++) {
      const up = owner.get(key);
      if (up === undefined) break;
      key = up;
    }
    return key;
  };
  const named = new Map<number, SurveyObject>();
  for (const o of raw.objects) {
    const key = parseKey(o.key);
    if (!owner.has(key)) named.set(key, o);
  }

  const objects: ObjectRef[] = [];
  const unlisted = new Map<string, number>();
  for (const o of named.values()) {
    if (!o.compared) {
      // Tables of schemas not compared, counted (partitions go with their table).
      if (o.kind === "table" && o.partitionOf === null && o.schema !== null) unlisted.set(o.schema, (unlisted.get(o.schema) ?? 0) + 1);
      continue;
    }
    objects.push(toRef(o, alias));
    // Row-level security is a switch on a table, not an object: named on its own, as kiln does not model it.
    if (o.rls) objects.push(toRef({ ...o, kind: "row-level security", table: o.name }, alias));
  }
  // Like row-level security: switches on a table, each named on its own (kind "table property").
  for (const p of raw.properties) {
    const schema = alias(p.schema);
    objects.push({ kind: "table property", ...(schema !== undefined ? { schema } : {}), name: p.name, table: p.table });
  }
  const edges: [string, Dependency][] = [];
  const seen = new Set<string>();
  // One reference per object, however many edges name it.
  const refs = new Map<SurveyObject, ObjectRef>();
  const refOf = (o: SurveyObject): ObjectRef => {
    let ref = refs.get(o);
    if (ref === undefined) refs.set(o, (ref = toRef(o, alias)));
    return ref;
  };
  eachPair(raw.depends, (a, b) => {
    const dependent = named.get(resolve(a));
    const referenced = named.get(resolve(b));
    // System objects are not named; parts of one object depend on each other; an edge with no compared side is none of kiln's business.
    if (!dependent || !referenced || dependent === referenced || !(dependent.compared || referenced.compared)) return;
    const key = `${dependent.key}>${referenced.key}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push([key, { dependent: refOf(dependent), referenced: refOf(referenced) }]);
  });
  // In a fixed order, whatever order the server listed pg_depend's rows in.
  const dependencies: Dependency[] = edges.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, d]) => d);
  const unlistedSchemas = [...unlisted].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([schema, tables]) => ({ schema, tables }));
  return { objects, dependencies, unlistedSchemas, roles: raw.roles };
}

