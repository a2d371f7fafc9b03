/**
 * Triggers on MySQL/MariaDB (catalog/triggers.ts): BEFORE or AFTER one event,
 * FOR EACH ROW, running `body` (the action statement exactly as written:
 * information_schema.TRIGGERS keeps it so, as SHOW CREATE TRIGGER does the
 * whole statement). Created as
 *
 *   CREATE TRIGGER `name` AFTER INSERT ON `table` FOR EACH ROW <body>
 *
 * and, in a downgrade, from the statement the server kept (Trigger.sql, less
 * its DEFINER: the connecting user becomes it, as for a trigger kiln creates).
 */
import type { Trigger } from "../../catalog/triggers.js";
import { KilnError } from "../../errors.js";
import type { Statement } from "../../operations/types.js";
import type { TriggerOperation } from "../../operations/triggers.js";
import type { Connection } from "../types.js";
import { quoteIdentifier, tableName } from "./quote.js";

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

/**
 * The rows of triggers in the databases listed: KIND 'trigger', S(chema),
 * N(ame), T(able), A (event), B (timing), C (ACTION_ORDER, the firing order within
 * the table, timing and event), D (action statement), G (the DEFINER, when not
 * the user kiln connects as): the columns of views.ts's
 * query, so that introspect reads both at once.
 */
export function mysqlTriggerRowsSql(list: string): string {
  return `SELECT 'trigger' AS KIND, TRIGGER_SCHEMA AS S, TRIGGER_NAME AS N, EVENT_OBJECT_TABLE AS T, EVENT_MANIPULATION AS A, ACTION_TIMING AS B, ACTION_ORDER AS C, ACTION_STATEMENT AS D, NULL AS E, NULL AS F, IF(DEFINER = CURRENT_USER(), NULL, DEFINER) AS G
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN ${list}`;
}

/** The triggers that fire in one order: same table, timing and event. */
export function triggerGroupKey(trigger: Pick<Trigger, "schema" | "table" | "timing" | "events">): string {
  return `${trigger.schema ?? ""}\u0000${trigger.table}\u0000${trigger.timing}\u0000${trigger.events[0]?.event ?? ""}`;
}

/** Triggers out of mysqlTriggerRowsSql's rows (others ignored), with the statement SHOW CREATE TRIGGER prints (one query per trigger). */
export async function mysqlTriggersFrom(conn: Connection, rows: Record<string, unknown>[], schemaOf: Map<string, string | undefined>): Promise<Trigger[]> {
  const triggers: Trigger[] = [];
  const key = (row: Record<string, unknown>) => `${text(row.S)}\u0000${text(row.T)}\u0000${text(row.N)}`;
  // Each trigger after the first of its group follows the one just before it (ACTION_ORDER).
  const previous = new Map<string, string>();
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of rows.filter((r) => text(r.KIND) === "trigger")) {
    const group = `${text(row.S)}\u0000${text(row.T)}\u0000${text(row.B)}\u0000${text(row.A)}`;
    groups.set(group, [...(groups.get(group) ?? []), row]);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => Number(a.C) - Number(b.C));
    group.forEach((row, i) => {
      if (i > 0) previous.set(key(row), text(group[i - 1]!.N));
    });
  }
  for (const row of rows.filter((r) => text(r.KIND) === "trigger").sort((a, b) => key(a).localeCompare(key(b)))) {
    const database = text(row.S);
    const schema = schemaOf.get(database);
    const name = text(row.N);
    const trigger: Trigger = {
      ...(schema !== undefined ? { schema } : {}),
      table: text(row.T),
      name,
      timing: text(row.B).toLowerCase() === "before" ? "before" : "after",
      events: [{ event: text(row.A).toLowerCase() as "insert" | "update" | "delete" }],
      forEach: "row",
      body: text(row.D),
    };
    const follows = previous.get(key(row));
    if (follows !== undefined) trigger.follows = follows;
    const shown = (await conn.query(`SHOW CREATE TRIGGER ${tableName(database, name)}`)).rows[0];
    const original = shown ? text(shown["SQL Original Statement"]) : "";
    if (original !== "") trigger.sql = original;
    if (text(row.G) !== "") trigger.definer = text(row.G);
    triggers.push(trigger);
  }
  return triggers;
}

/** Model triggers as the server keeps them (no comments on MySQL triggers). */
export function canonicalMysqlTrigger(trigger: Trigger): Trigger {
  const out = structuredClone(trigger);
  delete out.canonical;
  delete out.comment;
  return out;
}

/**
 * The firing order the models say, as `follows` on every trigger after the first
 * of its group (what introspection reads): the triggers that name no `follows`
 * fire in name order, and each one that does comes right after the one it names.
 * A `follows` naming no trigger of the group is refused.
 */
export function orderMysqlTriggers(triggers: readonly Trigger[]): Trigger[] {
  const groups = new Map<string, Trigger[]>();
  for (const trigger of triggers) groups.set(triggerGroupKey(trigger), [...(groups.get(triggerGroupKey(trigger)) ?? []), trigger]);
  const follows = new Map<Trigger, string | undefined>();
  for (const group of groups.values()) {
    const byName = [...group].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const order = byName.filter((t) => t.follows === undefined);
    let placing = byName.filter((t) => t.follows !== undefined);
    while (placing.length > 0) {
      const placeable = placing.filter((t) => order.some((o) => o.name === t.follows));
      if (placeable.length === 0) {
        const t = placing[0]!;
        throw new KilnError(`trigger ${t.name} on table ${t.table}: it follows ${t.follows}, which is no other ${t.timing} ${t.events[0]?.event ?? ""} trigger of table ${t.table} in the models (or the follows form a loop).`);
      }
      // Placed in reverse name order right after their anchor, so that two following one trigger end in name order.
      for (const t of [...placeable].reverse()) order.splice(order.findIndex((o) => o.name === t.follows) + 1, 0, t);
      placing = placing.filter((t) => !placeable.includes(t));
    }
    order.forEach((t, i) => follows.set(t, i > 0 ? order[i - 1]!.name : undefined));
  }
  return triggers.map((trigger) => {
    const out = structuredClone(trigger);
    const previous = follows.get(trigger);
    if (previous === undefined) delete out.follows;
    else out.follows = previous;
    return out;
  });
}

const DEFINER = /^(\s*CREATE\s+)DEFINER\s*=\s*(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s@]+)(?:@(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s]+))?\s+/i;

/** The stored statement, without its DEFINER, while it still says this trigger (same name, table, timing, event and body). */
function storedSql(trigger: Trigger): string | undefined {
  if (trigger.sql === undefined || trigger.body === undefined) return undefined;
  const sql = trigger.sql.replace(DEFINER, "$1");
  if (!sql.endsWith(trigger.body)) return undefined;
  const head = sql.slice(0, sql.length - trigger.body.length);
  const name = (n: string) => `(?:\`${n.replace(/`/g, "``").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\`|${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})`;
  const pattern = new RegExp(
    `^\\s*CREATE\\s+TRIGGER\\s+${name(trigger.name)}\\s+${trigger.timing}\\s+${trigger.events[0]!.event}\\s+ON\\s+${name(trigger.table)}\\s+FOR\\s+EACH\\s+ROW\\s+$`,
    "i",
  );
  return pattern.test(head) ? sql : undefined;
}

export function createMysqlTriggerSql(trigger: Trigger): string {
  const what = `trigger ${trigger.name} on table ${trigger.table}`;
  if (trigger.function || trigger.body === undefined) {
    throw new KilnError(`${what}: a MySQL trigger runs its own statement: give "body" (one statement, or BEGIN ... END), not "function".`);
  }
  if (trigger.events.length !== 1 || trigger.events[0]!.columns?.length) throw new KilnError(`${what}: a MySQL trigger fires on one event (no UPDATE OF columns); declare one trigger per event.`);
  if (trigger.timing === "instead of") throw new KilnError(`${what}: MySQL triggers are BEFORE or AFTER.`);
  if (trigger.forEach !== "row") throw new KilnError(`${what}: MySQL triggers fire for each row; leave forEach out.`);
  if (trigger.when !== undefined) throw new KilnError(`${what}: MySQL triggers have no WHEN condition; put an IF in the body.`);
  if (trigger.constraint || trigger.referencing || trigger.args?.length || trigger.enabled) {
    throw new KilnError(`${what}: MySQL triggers have no constraint, referencing, args or enabled state; leave them out for MySQL.`);
  }
  const event = trigger.events[0]!.event;
  if (event === "truncate") throw new KilnError(`${what}: MySQL has no TRUNCATE triggers.`);
  // The server keeps no FOLLOWS in the statement: it cuts `FOLLOWS \`name\`` out and keeps what
  // follows the closing backquote, so the body starts right there and the statement it keeps is
  // the one without FOLLOWS, character for character.
  const order = trigger.follows !== undefined ? `FOLLOWS ${quoteIdentifier(trigger.follows)}` : "";
  const stored = storedSql(trigger);
  if (stored !== undefined) return `${stored.slice(0, stored.length - trigger.body.length)}${order}${trigger.body}`;
  return `CREATE TRIGGER ${tableName(trigger.schema, trigger.name)} ${trigger.timing.toUpperCase()} ${event.toUpperCase()} ON ${tableName(trigger.schema, trigger.table)} FOR EACH ROW ${order}${trigger.body.trimStart()}`;
}

export function compileMysqlTrigger(op: TriggerOperation): Statement[] {
  if (op.kind === "createTrigger") return [{ sql: createMysqlTriggerSql(op.trigger) }];
  return [{ sql: `DROP TRIGGER ${tableName(op.schema, op.name)}` }];
}


