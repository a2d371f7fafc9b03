/**
 * Triggers on SQLite (catalog/triggers.ts): read from the CREATE TRIGGER text
 * SQLite keeps in sqlite_schema and written in one layout kiln reads back
 * exactly:
 *
 *   CREATE TRIGGER "name" AFTER UPDATE OF "a", "b" ON "table"
 *   WHEN <condition>
 *   BEGIN<body>END
 *
 * `body` is the text between BEGIN and END as stored (compared without the
 * blank space at its ends); SQLite triggers fire for each row, on one event.
 */
import type { Trigger, TriggerTiming } from "../../catalog/triggers.js";
import { KilnError } from "../../errors.js";
import type { Statement } from "../../operations/types.js";
import type { TriggerOperation } from "../../operations/triggers.js";
import { qualifyCreate } from "./parse.js";
import { isDefaultSchema, quoteIdentifier, tableName } from "./quote.js";
import { identifierName, isKeyword, type Token, tokenize } from "./tokens.js";

function isName(token: Token | undefined): token is Token {
  return token !== undefined && (token.kind === "word" || token.kind === "quoted");
}

/** The trigger a stored `CREATE TRIGGER` text describes, or undefined when kiln cannot read it (then it is carried verbatim). */
export function parseSqliteTrigger(sql: string, schema: string | undefined): Trigger | undefined {
  const tokens = tokenize(sql);
  let i = 0;
  const word = (w: string) => isKeyword(tokens[i], w);
  if (!word("CREATE")) return undefined;
  i++;
  if (word("TEMP") || word("TEMPORARY")) i++;
  if (!word("TRIGGER")) return undefined;
  i++;
  if (word("IF") && isKeyword(tokens[i + 1], "NOT") && isKeyword(tokens[i + 2], "EXISTS")) i += 3;
  let nameToken = tokens[i];
  if (tokens[i + 1]?.text === ".") {
    nameToken = tokens[i + 2];
    i += 2;
  }
  if (!isName(nameToken)) return undefined;
  i++;
  let timing: TriggerTiming = "before";
  if (word("BEFORE")) i++;
  else if (word("AFTER")) {
    timing = "after";
    i++;
  } else if (word("INSTEAD") && isKeyword(tokens[i + 1], "OF")) {
    timing = "instead of";
    i += 2;
  }
  const eventWord = tokens[i]?.kind === "word" ? tokens[i]!.value.toLowerCase() : "";
  if (eventWord !== "insert" && eventWord !== "update" && eventWord !== "delete") return undefined;
  i++;
  const event: Trigger["events"][number] = { event: eventWord };
  if (eventWord === "update" && word("OF")) {
    i++;
    const columns: string[] = [];
    while (isName(tokens[i]) && !isKeyword(tokens[i], "ON")) {
      columns.push(identifierName(tokens[i]!));
      i++;
      if (tokens[i]?.text === ",") i++;
      else break;
    }
    if (columns.length === 0) return undefined;
    event.columns = columns;
  }
  if (!word("ON")) return undefined;
  i++;
  let tableToken = tokens[i];
  if (tokens[i + 1]?.text === ".") {
    tableToken = tokens[i + 2];
    i += 2;
  }
  if (!isName(tableToken)) return undefined;
  i++;
  if (word("FOR") && isKeyword(tokens[i + 1], "EACH") && isKeyword(tokens[i + 2], "ROW")) i += 3;
  let when: string | undefined;
  const begin = tokens.findIndex((t, at) => at >= i && isKeyword(t, "BEGIN"));
  if (begin === -1) return undefined;
  if (word("WHEN")) {
    when = sql.slice(tokens[i]!.end, tokens[begin]!.start).trim();
    if (when === "") return undefined;
  } else if (begin !== i) return undefined;
  const end = tokens[tokens.length - 1];
  if (!isKeyword(end, "END") || tokens.length - 1 <= begin) return undefined;
  const trigger: Trigger = {
    ...(schema !== undefined ? { schema } : {}),
    table: identifierName(tableToken),
    name: identifierName(nameToken),
    timing,
    events: [event],
    forEach: "row",
    body: sql.slice(tokens[begin]!.end, end!.start),
  };
  if (when !== undefined) trigger.when = when;
  trigger.sql = sql;
  return trigger;
}

/** What makes two triggers the same trigger (the stored text is reused only for the same one). */
function sameDefinition(a: Trigger, b: Trigger): boolean {
  const key = (t: Trigger) =>
    JSON.stringify([t.name.toLowerCase(), t.table.toLowerCase(), t.timing, t.events, t.when?.trim() ?? null, t.body?.trim() ?? null]);
  return key(a) === key(b);
}

/** Model triggers as SQLite keeps them (no comments; the default schema unnamed). */
export function canonicalSqliteTrigger(trigger: Trigger): Trigger {
  const out = structuredClone(trigger);
  delete out.canonical;
  delete out.comment;
  if (isDefaultSchema(out.schema)) delete out.schema;
  return out;
}

/** CREATE TRIGGER: the text the database stored while it still says this trigger, else kiln's layout. */
export function createTriggerSql(trigger: Trigger): string {
  if (trigger.follows !== undefined) {
    throw new KilnError(`trigger ${trigger.name} on table ${trigger.table}: "follows" is MySQL's trigger order; SQLite gives no order between triggers of one event, so leave it out.`);
  }
  if (trigger.sql !== undefined) {
    const stored = parseSqliteTrigger(trigger.sql, trigger.schema);
    if (stored && sameDefinition(stored, trigger)) return inSchema(trigger.sql, trigger.schema, trigger.name);
  }
  return kilnTriggerSql(trigger);
}

function kilnTriggerSql(trigger: Trigger): string {
  const what = `trigger ${trigger.name} on table ${trigger.table}`;
  if (trigger.function || trigger.body === undefined) {
    throw new KilnError(`${what}: a SQLite trigger runs its own statements: give "body" (what goes between BEGIN and END), not "function".`);
  }
  if (trigger.events.length !== 1) throw new KilnError(`${what}: a SQLite trigger fires on one event; declare one trigger per event.`);
  if (trigger.forEach !== "row") throw new KilnError(`${what}: SQLite triggers fire for each row; leave forEach out.`);
  if (trigger.constraint || trigger.referencing || trigger.args?.length || trigger.enabled) {
    throw new KilnError(`${what}: SQLite triggers have no constraint, referencing, args or enabled state; leave them out for SQLite.`);
  }
  const event = trigger.events[0]!;
  if (event.event === "truncate") throw new KilnError(`${what}: SQLite has no TRUNCATE.`);
  const of = event.columns && event.columns.length > 0 ? ` OF ${event.columns.map(quoteIdentifier).join(", ")}` : "";
  let sql = `CREATE TRIGGER ${tableName(trigger.schema, trigger.name)} ${trigger.timing.toUpperCase()} ${event.event.toUpperCase()}${of} ON ${quoteIdentifier(trigger.table)}`;
  if (trigger.when !== undefined) sql += `\nWHEN ${trigger.when.trim()}`;
  const body = trigger.body;
  return `${sql}\nBEGIN${/^\s/.test(body) ? "" : "\n"}${body}${/\s$/.test(body) ? "" : "\n"}END`;
}

export function compileSqliteTrigger(op: TriggerOperation): Statement[] {
  if (op.kind === "createTrigger") return [{ sql: createTriggerSql(op.trigger) }];
  return [{ sql: `DROP TRIGGER ${tableName(op.schema, op.name)}` }];
}

/** Stored text is unqualified; an attached schema's object is created with its schema named. */
export function inSchema(sql: string, schema: string | undefined, name: string): string {
  if (isDefaultSchema(schema)) return sql;
  const qualified = qualifyCreate(sql, schema!, quoteIdentifier);
  if (qualified === undefined) throw new KilnError(`cannot tell which name the stored text of ${name} creates, so it cannot be created in "${schema}": ${sql.slice(0, 80)}`);
  return qualified;
}
