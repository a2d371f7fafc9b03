/**
 * Aggregates of the schemas read (one query on pg_aggregate and pg_proc).
 * Members of extensions are the extension's. Support functions and the sort
 * operator are named by schema and name; types as format_type prints them.
 */
import type { Aggregate, FinalModify, FunctionName } from "../../../catalog/aggregates.js";
import { aggregateSignature } from "../../../catalog/aggregates.js";
import type { Connection } from "../../types.js";
import { notExtensionMember } from "./extension-members.js";

/** A support function's schema and name (null when the aggregate has none). */
function fn(column: string, as: string): string {
  return `(SELECT pg_catalog.json_build_object('schema', fn.nspname, 'name', f.proname)
            FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
           WHERE f.oid = a.${column})::text AS ${as}`;
}

const AGGREGATES_SQL = `
SELECT n.nspname AS schema, p.proname AS name, a.aggkind AS kind, a.aggnumdirectargs AS direct_args,
       (SELECT pg_catalog.json_agg(pg_catalog.format_type(t.t, NULL) ORDER BY t.n)
          FROM pg_catalog.unnest(p.proargtypes::oid[]) WITH ORDINALITY t(t, n))::text AS types,
       p.proargnames AS names, p.proargmodes::text[] AS modes, p.provariadic <> 0 AS variadic,
       ${fn("aggtransfn", "sfunc")}, ${fn("aggfinalfn", "finalfunc")}, ${fn("aggcombinefn", "combinefunc")},
       ${fn("aggserialfn", "serialfunc")}, ${fn("aggdeserialfn", "deserialfunc")},
       ${fn("aggmtransfn", "msfunc")}, ${fn("aggminvtransfn", "minvfunc")}, ${fn("aggmfinalfn", "mfinalfunc")},
       a.aggfinalextra AS finalfunc_extra, a.aggmfinalextra AS mfinalfunc_extra,
       a.aggfinalmodify AS finalfunc_modify, a.aggmfinalmodify AS mfinalfunc_modify,
       pg_catalog.format_type(a.aggtranstype, NULL) AS stype, a.aggtransspace AS sspace,
       CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS mstype, a.aggmtransspace AS msspace,
       a.agginitval AS initcond, a.aggminitval AS minitcond,
       (SELECT pg_catalog.json_build_object('schema', opn.nspname, 'name', o.oprname)
          FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace
         WHERE o.oid = a.aggsortop)::text AS sortop,
       p.proparallel AS parallel, d.description AS comment
  FROM pg_catalog.pg_aggregate a
  JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
 WHERE n.nspname = ANY($1::text[])
   AND ${notExtensionMember("pg_proc", "p.oid")}
 ORDER BY n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)`;

type Row = Record<string, unknown>;

const MODIFY: Record<string, FinalModify> = { r: "read_only", s: "shareable", w: "read_write" };
const KINDS: Record<string, Aggregate["kind"]> = { o: "ordered-set", h: "hypothetical" };

export function aggregateFrom(r: Row, alias: (schema: string) => string | undefined): Aggregate {
  const functionName = (value: unknown): FunctionName | undefined => {
    if (value === null || value === undefined) return undefined;
    const parsed = JSON.parse(String(value)) as { schema: string; name: string };
    const schema = alias(parsed.schema);
    return { ...(schema !== undefined ? { schema } : {}), name: parsed.name };
  };
  const types = (JSON.parse(String(r.types ?? "null")) as string[] | null) ?? [];
  const names = (r.names as string[] | null) ?? [];
  const modes = (r.modes as string[] | null) ?? [];
  const kind = KINDS[String(r.kind)];
  const schema = alias(String(r.schema));
  const aggregate: Aggregate = {
    ...(schema !== undefined ? { schema } : {}),
    name: String(r.name),
    arguments: types.map((type, i) => ({
      ...(names[i] ? { name: names[i] } : {}),
      type,
      ...(modes[i] === "v" || (modes.length === 0 && r.variadic === true && i === types.length - 1) ? { mode: "variadic" as const } : {}),
    })),
    ...(kind !== undefined ? { kind, directArguments: Number(r.direct_args) } : {}),
    sfunc: functionName(r.sfunc)!,
    stype: String(r.stype),
  };
  const set = <K extends keyof Aggregate>(key: K, value: Aggregate[K] | undefined) => {
    if (value !== undefined) aggregate[key] = value;
  };
  if (Number(r.sspace) !== 0) aggregate.sspace = Number(r.sspace);
  set("finalfunc", functionName(r.finalfunc));
  if (r.finalfunc_extra === true) aggregate.finalfuncExtra = true;
  const defaultModify = kind === undefined ? "read_only" : "read_write";
  const finalModify = MODIFY[String(r.finalfunc_modify)];
  if (finalModify !== undefined && finalModify !== defaultModify) aggregate.finalfuncModify = finalModify;
  set("combinefunc", functionName(r.combinefunc));
  set("serialfunc", functionName(r.serialfunc));
  set("deserialfunc", functionName(r.deserialfunc));
  if (r.initcond !== null && r.initcond !== undefined) aggregate.initcond = String(r.initcond);
  set("msfunc", functionName(r.msfunc));
  set("minvfunc", functionName(r.minvfunc));
  if (r.mstype !== null && r.mstype !== undefined) aggregate.mstype = String(r.mstype);
  if (Number(r.msspace) !== 0) aggregate.msspace = Number(r.msspace);
  set("mfinalfunc", functionName(r.mfinalfunc));
  if (r.mfinalfunc_extra === true) aggregate.mfinalfuncExtra = true;
  const mModify = MODIFY[String(r.mfinalfunc_modify)];
  // Without a moving-aggregate mode PostgreSQL keeps the default, which means nothing.
  if (aggregate.mstype !== undefined && mModify !== undefined && mModify !== defaultModify) aggregate.mfinalfuncModify = mModify;
  if (r.minitcond !== null && r.minitcond !== undefined) aggregate.minitcond = String(r.minitcond);
  if (r.sortop !== null && r.sortop !== undefined) {
    const op = JSON.parse(String(r.sortop)) as { schema: string; name: string };
    const opSchema = alias(op.schema);
    aggregate.sortop = { ...(opSchema !== undefined ? { schema: opSchema } : {}), name: op.name };
  }
  if (r.parallel === "s") aggregate.parallel = "safe";
  else if (r.parallel === "r") aggregate.parallel = "restricted";
  if (r.comment !== null && r.comment !== undefined) aggregate.comment = String(r.comment);
  return aggregate;
}

export async function readAggregates(conn: Connection, schemaNames: string[], alias: (schema: string) => string | undefined): Promise<Aggregate[]> {
  const { rows } = await conn.query(AGGREGATES_SQL, [schemaNames]);
  const key = (a: Aggregate) => `${a.schema ?? ""}\u0000${aggregateSignature(a)}`;
  return rows.map((r) => aggregateFrom(r, alias)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
