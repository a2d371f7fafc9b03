/**
 * Compare triggers (catalog/triggers.ts), matched by schema, table and name.
 * Any change drops the trigger and creates it again (as does a change of the
 * function it runs that drops that function). WHEN conditions compare through
 * their canonical form (PostgreSQL's spelling of the model's text, from
 * canonicalize), ignoring case and spacing outside quotes and the parentheses
 * around the whole condition.
 */
import { comparable, withoutCanonical } from "../../catalog/exact-text.js";
import type { Catalog } from "../../catalog/types.js";
import type { Trigger } from "../../catalog/triggers.js";
import { sortTriggerEvents } from "../../catalog/triggers.js";
import { byName } from "../order.js";
import type { ObjectDiff } from "./objects.js";
import { sqlTextKey, triggerFunctionKey } from "./routines.js";

export function triggerKey(trigger: Pick<Trigger, "schema" | "table" | "name">): string {
  return `${trigger.schema ?? ""}\u0000${trigger.table}\u0000${trigger.name}`;
}

/** The WHEN condition in the form two spellings of it compare in. */
export function whenKey(when: string | undefined): string | undefined {
  if (when === undefined) return undefined;
  let text = sqlTextKey(when);
  while (enclosed(text)) text = text.slice(1, -1).trim();
  return text;
}

/** True when the parenthesis at index 0 closes at the very end (outside quotes). */
function enclosed(text: string): boolean {
  if (!text.startsWith("(") || !text.endsWith(")")) return false;
  let depth = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = "";
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0 && i !== text.length - 1) return false;
  }
  return depth === 0;
}

/** A body compares as the database keeps it, less the blank space around it (which no database reads). */
function trimmedBody(body: string): string {
  return body.trim();
}

function comparableTrigger(trigger: Trigger): unknown {
  return {
    timing: trigger.timing,
    events: sortTriggerEvents(trigger.events).map((e) => [e.event, [...(e.columns ?? [])].sort()]),
    forEach: trigger.forEach,
    when: whenKey(comparable(trigger, "when")) ?? null,
    function: trigger.function ? triggerFunctionKey(trigger.function) : null,
    body: trigger.body !== undefined ? trimmedBody(trigger.body) : null,
    args: trigger.args ?? [],
    constraint: trigger.constraint ? { deferrable: trigger.constraint.deferrable ?? null, from: trigger.constraint.from ?? null } : null,
    referencing: trigger.referencing ? { oldTable: trigger.referencing.oldTable ?? null, newTable: trigger.referencing.newTable ?? null } : null,
    enabled: trigger.enabled ?? null,
    comment: trigger.comment ?? null,
    follows: trigger.follows ?? null,
  };
}

export function sameTrigger(a: Trigger, b: Trigger): boolean {
  return JSON.stringify(comparableTrigger(a)) === JSON.stringify(comparableTrigger(b));
}

/** `rebuiltFunctions`: functions (triggerFunctionKey) the revision drops and creates again: their triggers go and come back with them. */
export function compareTriggers(model: Catalog, database: Catalog, diff: ObjectDiff, rebuiltFunctions: ReadonlySet<string>): void {
  const databaseByKey = new Map((database.triggers ?? []).map((t) => [triggerKey(t), t]));
  const modelKeys = new Set((model.triggers ?? []).map(triggerKey));
  const sorted = (items: readonly Trigger[]) => [...items].sort(byName(triggerKey));
  const drop = (t: Trigger) =>
    diff.add("dropTriggers", { kind: "dropTrigger", ...(t.schema !== undefined ? { schema: t.schema } : {}), table: t.table, name: t.name, old: structuredClone(t) });
  const kept = (trigger: Trigger) => {
    const existing = databaseByKey.get(triggerKey(trigger));
    return existing !== undefined && sameTrigger(trigger, existing) && !(existing.function && rebuiltFunctions.has(triggerFunctionKey(existing.function)));
  };
  const ordered = orderedGroups(model.triggers ?? [], database.triggers ?? [], kept);
  for (const trigger of sorted(model.triggers ?? [])) {
    if (ordered.has(trigger)) continue;
    const existing = databaseByKey.get(triggerKey(trigger));
    if (kept(trigger)) continue;
    if (existing) drop(existing);
    diff.add("createTriggers", { kind: "createTrigger", trigger: withoutCanonical(trigger) });
  }
  for (const trigger of sorted(database.triggers ?? [])) if (!ordered.has(trigger) && !modelKeys.has(triggerKey(trigger))) drop(trigger);
  // Triggers that fire in an order (MySQL's FOLLOWS): what follows the first change of a group goes, last first,
  // and comes back in order; so the downgrade, the reverse, recreates the database's triggers in their order too.
  for (const { drops, creates } of ordered.changes) {
    for (const trigger of drops) drop(trigger);
    for (const trigger of creates) diff.add("createTriggers", { kind: "createTrigger", trigger: withoutCanonical(trigger) });
  }
}

/** A trigger's table, timing and event: the triggers that fire in one order (MySQL). */
function groupKey(trigger: Trigger): string {
  return `${trigger.schema ?? ""}\u0000${trigger.table}\u0000${trigger.timing}\u0000${sortTriggerEvents(trigger.events).map((e) => e.event).join(",")}`;
}

/** A group's triggers in firing order: the first (no `follows`), then each one's follower. */
function firingOrder(triggers: readonly Trigger[]): Trigger[] {
  const byFollows = new Map(triggers.filter((t) => t.follows !== undefined).map((t) => [t.follows!, t]));
  const order: Trigger[] = [];
  let next = triggers.find((t) => t.follows === undefined);
  while (next && !order.includes(next)) {
    order.push(next);
    next = byFollows.get(next.name);
  }
  return [...order, ...triggers.filter((t) => !order.includes(t))];
}

/**
 * The groups whose triggers fire in an order some trigger states (`follows`, on either side):
 * the database's triggers after the longest unchanged start of the group are dropped (last
 * first), and the models' after it created in order, each one appended where it belongs.
 */
function orderedGroups(
  model: readonly Trigger[],
  database: readonly Trigger[],
  kept: (trigger: Trigger) => boolean,
): Set<Trigger> & { changes: { drops: Trigger[]; creates: Trigger[] }[] } {
  const handled = Object.assign(new Set<Trigger>(), { changes: [] as { drops: Trigger[]; creates: Trigger[] }[] });
  const groups = new Map<string, { model: Trigger[]; database: Trigger[] }>();
  const group = (key: string) => groups.get(key) ?? groups.set(key, { model: [], database: [] }).get(key)!;
  for (const t of model) group(groupKey(t)).model.push(t);
  for (const t of database) group(groupKey(t)).database.push(t);
  for (const { model: m, database: d } of [...groups.values()].sort((a, b) => groupKey(a.model[0] ?? a.database[0]!).localeCompare(groupKey(b.model[0] ?? b.database[0]!)))) {
    if (![...m, ...d].some((t) => t.follows !== undefined)) continue;
    const wanted = firingOrder(m);
    const existing = firingOrder(d);
    let same = 0;
    while (same < wanted.length && same < existing.length && triggerKey(wanted[same]!) === triggerKey(existing[same]!) && kept(wanted[same]!)) same++;
    for (const t of [...m, ...d]) handled.add(t);
    const drops = existing.slice(same).reverse();
    const creates = wanted.slice(same);
    if (drops.length > 0 || creates.length > 0) handled.changes.push({ drops, creates });
  }
  return handled;
}
