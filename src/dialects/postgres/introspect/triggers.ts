/**
 * Triggers on the tables read (one query): not the internal ones behind
 * foreign keys (parts of their constraint), not the clones a partition gets
 * from its partitioned table (the parent's trigger stands for them).
 */
import type { Trigger, TriggerEvent } from "../../../catalog/triggers.js";
import type { Connection } from "../../types.js";
import { splitSqlSegments, stripEnclosingParens } from "../normalize.js";

const TRIGGERS_SQL = `
SELECT t.tgrelid::int8::text AS table_oid, t.tgname AS name, t.tgtype::int AS type,
       fn.nspname AS function_schema, p.proname AS function_name,
       pg_catalog.encode(t.tgargs, 'hex') AS args, t.tgnargs AS nargs,
       (SELECT pg_catalog.json_agg(a.attname ORDER BY k.n)
          FROM pg_catalog.unnest(t.tgattr::int2[]) WITH ORDINALITY k(num, n)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.num)::text AS columns,
       t.tgconstraint <> 0 AS is_constraint, t.tgdeferrable AS deferrable, t.tginitdeferred AS initially_deferred,
       rn.nspname AS from_schema, rc.relname AS from_table,
       t.tgoldtable AS old_table, t.tgnewtable AS new_table, t.tgenabled::text AS enabled,
       CASE WHEN t.tgqual IS NOT NULL THEN pg_catalog.pg_get_triggerdef(t.oid) END AS definition,
       d.description AS comment
  FROM pg_catalog.pg_trigger t
  JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
  JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace
  LEFT JOIN pg_catalog.pg_class rc ON rc.oid = t.tgconstrrelid
  LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
  LEFT JOIN pg_catalog.pg_description d
         ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_trigger'::regclass AND d.objsubid = 0
 WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal AND t.tgparentid = 0
 ORDER BY t.tgname`;

type Row = Record<string, unknown>;

/** The WHEN condition of `CREATE TRIGGER ... WHEN (cond) EXECUTE ...` as pg_get_triggerdef prints it, without its outer parentheses. */
export function whenCondition(definition: string): string | undefined {
  let offset = 0;
  let start = -1;
  for (const segment of splitSqlSegments(definition)) {
    if (segment.kind === "code" && start < 0) {
      const m = /\sFOR EACH (?:ROW|STATEMENT) WHEN \(/.exec(segment.text);
      if (m) start = offset + m.index + m[0].length - 1;
    }
    offset += segment.text.length;
  }
  if (start < 0) return undefined;
  // The parenthesis at `start` closes where the depth returns to zero (outside quotes).
  let depth = 0;
  let position = 0;
  for (const segment of splitSqlSegments(definition)) {
    const end = position + segment.text.length;
    if (segment.kind === "code" && end > start) {
      for (let k = Math.max(0, start - position); k < segment.text.length; k++) {
        const ch = segment.text[k];
        if (ch === "(") depth++;
        else if (ch === ")" && --depth === 0) return stripEnclosingParens(definition.slice(start + 1, position + k));
      }
    }
    position = end;
  }
  return undefined;
}

const ENABLED: Record<string, Trigger["enabled"]> = { D: "disabled", R: "replica", A: "always" };

/** tgargs: each argument ends with a NUL byte. */
function triggerArguments(hex: string, count: number): string[] {
  if (count === 0) return [];
  const parts = Buffer.from(hex, "hex").toString("utf8").split("\0");
  return parts.slice(0, count);
}

export function triggerFrom(r: Row, table: { schema?: string; name: string }, alias: (schema: string) => string | undefined): Trigger {
  const type = Number(r.type);
  const columns = JSON.parse(String(r.columns ?? "null")) as string[] | null;
  const events: TriggerEvent[] = [];
  if (type & 4) events.push({ event: "insert" });
  if (type & 8) events.push({ event: "delete" });
  if (type & 16) events.push(columns && columns.length > 0 ? { event: "update", columns } : { event: "update" });
  if (type & 32) events.push({ event: "truncate" });
  const functionSchema = alias(String(r.function_schema));
  const trigger: Trigger = {
    ...(table.schema !== undefined ? { schema: table.schema } : {}),
    table: table.name,
    name: String(r.name),
    timing: type & 64 ? "instead of" : type & 2 ? "before" : "after",
    events,
    forEach: type & 1 ? "row" : "statement",
    function: { ...(functionSchema !== undefined ? { schema: functionSchema } : {}), name: String(r.function_name) },
  };
  const when = typeof r.definition === "string" ? whenCondition(r.definition) : undefined;
  if (when !== undefined) trigger.when = when;
  const args = triggerArguments(String(r.args ?? ""), Number(r.nargs ?? 0));
  if (args.length > 0) trigger.args = args;
  if (r.is_constraint === true) {
    trigger.constraint = {};
    if (r.deferrable === true) trigger.constraint.deferrable = r.initially_deferred === true ? "deferred" : "immediate";
    if (r.from_table !== null && r.from_table !== undefined) {
      const fromSchema = alias(String(r.from_schema));
      trigger.constraint.from = { ...(fromSchema !== undefined ? { schema: fromSchema } : {}), table: String(r.from_table) };
    }
  }
  if (r.old_table !== null || r.new_table !== null) {
    trigger.referencing = {
      ...(r.old_table !== null && r.old_table !== undefined ? { oldTable: String(r.old_table) } : {}),
      ...(r.new_table !== null && r.new_table !== undefined ? { newTable: String(r.new_table) } : {}),
    };
    if (Object.keys(trigger.referencing).length === 0) delete trigger.referencing;
  }
  const enabled = ENABLED[String(r.enabled)];
  if (enabled) trigger.enabled = enabled;
  if (r.comment !== null && r.comment !== undefined) trigger.comment = String(r.comment);
  return trigger;
}

export async function readTriggers(
  conn: Connection,
  tablesByOid: ReadonlyMap<string, { schema?: string; name: string }>,
  alias: (schema: string) => string | undefined,
): Promise<Trigger[]> {
  if (tablesByOid.size === 0) return [];
  const { rows } = await conn.query(TRIGGERS_SQL, [[...tablesByOid.keys()]]);
  const triggers: Trigger[] = [];
  for (const r of rows) {
    const table = tablesByOid.get(String(r.table_oid));
    if (table) triggers.push(triggerFrom(r, table, alias));
  }
  const key = (t: Trigger) => `${t.schema ?? ""}\u0000${t.table}\u0000${t.name}`;
  return triggers.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
