/**
 * Sequences, domains, composite types and extensions of the schemas read:
 * four queries, however many objects there are. Members of extensions are
 * left out (notExtensionMember): the extension stands for them.
 */
import type { CompositeType } from "../../../catalog/composite-types.js";
import type { Domain } from "../../../catalog/domains.js";
import type { Extension } from "../../../catalog/extensions.js";
import { normalizeSequenceOptions, sequenceDefaults, type Sequence, type SequenceValue } from "../../../catalog/sequences.js";
import type { Table } from "../../../catalog/types.js";
import type { Connection } from "../../types.js";
import { neutralTypeName, normalizeCheckDefinition } from "../normalize.js";
import { notExtensionMember } from "./extension-members.js";

// Where a sequence stands (last_value, is_called) is in the sequence itself, not
// in a catalog: query_to_xml reads each (as pg_dump reads each with SELECT
// last_value, is_called FROM seq). Reading a sequence locks it until the end of
// the statement, so the states are read SEQUENCE_STATE_CHUNK sequences per
// statement: kiln never holds thousands of locks (10,000 identity columns would
// exhaust the server's shared lock table, for every client).
const SEQUENCE_STATES_SQL = `
SELECT r.oid::int8::text AS oid,
       pg_catalog.query_to_xml(pg_catalog.format('SELECT last_value, is_called FROM %s', r.oid::regclass), false, false, '')::text AS state
  FROM unnest($1::int8[]::oid[]) AS r(oid)`;
const SEQUENCE_STATE_CHUNK = 250;
const SEQUENCE_STATE_READERS = 2;

const SEQUENCES_SQL = `
SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name,
       pg_catalog.format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min,
       s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle, c.relpersistence AS persistence,
       d.description AS comment,
       dep.deptype AS owner_type, dep.refobjid::int8::text AS owner_oid, oc.relname AS owner_table,
       oa.attname AS owner_column,
       (dep.deptype = 'a' AND pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
          = 'nextval(' || pg_catalog.quote_literal(c.oid::regclass::text) || '::regclass)') AS serial,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS owner_default
  FROM pg_catalog.pg_sequence s
  JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_depend dep
         ON dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid AND dep.objsubid = 0
        AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.deptype IN ('a', 'i')
  LEFT JOIN pg_catalog.pg_class oc ON oc.oid = dep.refobjid
  LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = dep.refobjid AND oa.attnum = dep.refobjsubid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = dep.refobjid AND ad.adnum = dep.refobjsubid
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[])
   AND ${notExtensionMember("pg_class", "c.oid")}
 ORDER BY n.nspname, c.relname`;

const COLLATION_NAME = (oid: string) => `(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname::text ELSE cn.nspname || '.' || co.collname END
            FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
           WHERE co.oid = ${oid})`;

const DOMAINS_SQL = `
SELECT n.nspname AS schema, t.typname AS name,
       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS type,
       t.typnotnull AS not_null, t.typdefault AS default_expr,
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN ${COLLATION_NAME("t.typcollation")} END AS collation,
       d.description AS comment,
       COALESCE((SELECT json_agg(json_build_object('name', con.conname, 'definition', pg_catalog.pg_get_constraintdef(con.oid)) ORDER BY con.conname)
                   FROM pg_catalog.pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c'), '[]')::text AS checks
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
 WHERE t.typtype = 'd' AND n.nspname = ANY($1::text[])
   AND ${notExtensionMember("pg_type", "t.oid")}
 ORDER BY n.nspname, t.typname`;

const COMPOSITES_SQL = `
SELECT n.nspname AS schema, t.typname AS name, d.description AS comment,
       COALESCE((SELECT json_agg(json_build_object(
                   'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                   'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN ${COLLATION_NAME("a.attcollation")} END)
                 ORDER BY a.attnum)
                   FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
                  WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '[]')::text AS attributes
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
 WHERE t.typtype = 'c' AND n.nspname = ANY($1::text[])
   AND ${notExtensionMember("pg_type", "t.oid")}
 ORDER BY n.nspname, t.typname`;

// An extension belongs to the schemas read when its objects live in one of them (plpgsql lives in pg_catalog).
const EXTENSIONS_SQL = `
SELECT e.extname AS name, n.nspname AS schema
  FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE n.nspname = ANY($1::text[])
 ORDER BY e.extname`;

type Row = Record<string, unknown>;

export interface PostgresObjects {
  sequences: Sequence[];
  domains: Domain[];
  compositeTypes: CompositeType[];
  extensions: Extension[];
}

function text(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** `<last_value>5</last_value><is_called>true</is_called>` (query_to_xml) -> the value. */
export function sequenceState(xml: unknown): SequenceValue | undefined {
  if (typeof xml !== "string") return undefined;
  const last = /<last_value>(-?\d+)<\/last_value>/.exec(xml);
  const called = /<is_called>(true|false)<\/is_called>/.exec(xml);
  if (!last || !called) return undefined;
  return { last: last[1]!, called: called[1] === "true" };
}

/** Reads the objects; the sequences behind serial and identity columns go onto their columns in `tablesByOid`. */
export async function readObjects(
  conn: Connection,
  schemaNames: string[],
  alias: (schema: string) => string | undefined,
  tablesByOid: ReadonlyMap<string, Table>,
): Promise<Partial<PostgresObjects>> {
  // Independent reads, sent together (a reading pool runs them side by side).
  const [sequenceRows, domainRows, compositeRows, extensionRows] = (
    await Promise.all([SEQUENCES_SQL, DOMAINS_SQL, COMPOSITES_SQL, EXTENSIONS_SQL].map((sql) => conn.query(sql, [schemaNames])))
  ).map((result) => result.rows);
  const states = new Map<string, unknown>();
  const chunks: string[][] = [];
  const oids = sequenceRows.map((r) => String(r.oid));
  for (let at = 0; at < oids.length; at += SEQUENCE_STATE_CHUNK) chunks.push(oids.slice(at, at + SEQUENCE_STATE_CHUNK));
  // SEQUENCE_STATE_READERS chunks at a time: side by side on a reading pool, and never more
  // than that many chunks' locks held at once over all sessions.
  const readChunks = async () => {
    for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) {
      const { rows } = await conn.query(SEQUENCE_STATES_SQL, [chunk]);
      for (const r of rows) states.set(String(r.oid), r.state);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEQUENCE_STATE_READERS, chunks.length) }, readChunks));
  const schemaOf = (r: Row) => {
    const schema = alias(String(r.schema));
    return schema === undefined ? {} : { schema };
  };

  const sequences: Sequence[] = [];
  for (const r of sequenceRows) {
    const options = {
      type: String(r.type),
      start: String(r.start),
      increment: String(r.increment),
      min: String(r.min),
      max: String(r.max),
      cache: String(r.cache),
      cycle: r.cycle === true,
    };
    const state = sequenceState(states.get(String(r.oid)));
    // A sequence nothing has drawn from yet stands where a new one would: nothing to restore.
    const value = state && (state.called || state.last !== options.start) ? state : undefined;
    const column = tablesByOid.get(String(r.owner_oid))?.columns.find((c) => c.name === String(r.owner_column));
    // A serial column's sequence has the name serial gives it; a sequence of another name that
    // a column owns and draws from stands on its own (OWNED BY), the column keeps its default.
    if (r.serial === true && column && String(r.name) !== `${String(r.owner_table)}_${String(r.owner_column)}_seq`) {
      delete column.autoIncrement;
      column.default = String(r.owner_default);
    } else if (r.owner_type === "i" || r.serial === true) {
      // The column's own sequence: its options and value ride on the column.
      if (column) {
        // A serial column's sequence may have a type of its own (bigint behind an integer column);
        // an identity column's always has the column's.
        const columnType = column.type === "smallint" || column.type === "integer" ? column.type : "bigint";
        const ownType = r.serial === true && options.type !== columnType ? options.type : undefined;
        const { type: _type, ...rest } = normalizeSequenceOptions({ ...options, type: ownType ?? columnType });
        if (ownType !== undefined) (rest as { type?: string }).type = ownType;
        // Only a sequence that differs from the one a new column gets is carried.
        // A new column's sequence starts at the type's default (SET START WITH later does not move it).
        const fresh = sequenceDefaults(options.type, BigInt(options.increment)).start;
        const columnValue = state && (state.called || state.last !== fresh) ? state : undefined;
        // A new column's sequence is as logged as its table (PostgreSQL 15+).
        const table = tablesByOid.get(String(r.owner_oid))!;
        const persistence = (r.persistence === "u") !== !!table.unlogged ? { unlogged: r.persistence === "u" } : {};
        if (columnValue || Object.keys(rest).length > 0 || "unlogged" in persistence) {
          column.sequence = { name: String(r.name), ...rest, ...(columnValue ? { value: columnValue } : {}), ...persistence };
        }
      }
      continue;
    }
    const sequence: Sequence = normalizeSequenceOptions({ ...schemaOf(r), name: String(r.name), ...options });
    if (r.owner_type === "a" && r.owner_table !== null) sequence.ownedBy = { table: String(r.owner_table), column: String(r.owner_column) };
    const comment = text(r.comment);
    if (comment !== undefined) sequence.comment = comment;
    if (value) sequence.value = value;
    if (r.persistence === "u") sequence.unlogged = true;
    sequences.push(sequence);
  }

  const domains: Domain[] = domainRows.map((r) => {
    const domain: Domain = { ...schemaOf(r), name: String(r.name), type: neutralTypeName(String(r.type)), checks: [] };
    const defaultText = text(r.default_expr);
    if (defaultText !== undefined) domain.default = defaultText;
    if (r.not_null === true) domain.notNull = true;
    const collation = text(r.collation);
    if (collation !== undefined) domain.collation = collation;
    domain.checks = (JSON.parse(String(r.checks)) as { name: string; definition: string }[]).map((c) => ({
      name: c.name,
      expression: normalizeCheckDefinition(c.definition),
    }));
    const comment = text(r.comment);
    if (comment !== undefined) domain.comment = comment;
    return domain;
  });

  const compositeTypes: CompositeType[] = compositeRows.map((r) => {
    const attributes = (JSON.parse(String(r.attributes)) as { name: string; type: string; collation: string | null }[]).map((a) => ({
      name: a.name,
      type: neutralTypeName(a.type),
      ...(a.collation !== null ? { collation: a.collation } : {}),
    }));
    const type: CompositeType = { ...schemaOf(r), name: String(r.name), attributes };
    const comment = text(r.comment);
    if (comment !== undefined) type.comment = comment;
    return type;
  });

  const extensions: Extension[] = extensionRows.map((r) => ({ name: String(r.name), ...schemaOf(r) }));
  // Only the kinds the database has: a Catalog without them reads as before.
  const lists = { sequences, domains, compositeTypes, extensions };
  return Object.fromEntries(Object.entries(lists).filter(([, list]) => list.length > 0)) as Partial<PostgresObjects>;
}
