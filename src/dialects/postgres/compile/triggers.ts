/** Trigger operations -> PostgreSQL statements (pure). */
import type { Trigger } from "../../../catalog/triggers.js";
import { KilnError } from "../../../errors.js";
import type { CreateTrigger, DropTrigger } from "../../../operations/triggers.js";
import type { Statement } from "../../../operations/types.js";
import { quoteIdentifier, quoteLiteral, tableName } from "../sql.js";

function label(trigger: Trigger): string {
  return `trigger ${trigger.name} on ${trigger.schema ? `${trigger.schema}.` : ""}${trigger.table}`;
}

/** CREATE [CONSTRAINT] TRIGGER ... in the order PostgreSQL prints its clauses (pure). */
export function triggerSql(trigger: Trigger): string {
  const where = label(trigger);
  if (trigger.events.length === 0) throw new KilnError(`${where}: give at least one event (insert, update, delete, truncate).`);
  if (trigger.follows !== undefined) throw new KilnError(`${where}: "follows" is MySQL's trigger order; PostgreSQL fires the triggers of one event in name order, so name them in the order wanted.`);
  const events = trigger.events
    .map((e) => {
      if (e.columns !== undefined && e.columns.length > 0) {
        if (e.event !== "update") throw new KilnError(`${where}: only update takes columns (UPDATE OF ...).`);
        return `UPDATE OF ${e.columns.map(quoteIdentifier).join(", ")}`;
      }
      return e.event.toUpperCase();
    })
    .join(" OR ");
  let sql = `CREATE ${trigger.constraint ? "CONSTRAINT " : ""}TRIGGER ${quoteIdentifier(trigger.name)} ${trigger.timing.toUpperCase()} ${events} ON ${tableName(trigger.schema, trigger.table)}`;
  if (trigger.constraint) {
    const { from, deferrable } = trigger.constraint;
    if (from) sql += ` FROM ${tableName(from.schema, from.table)}`;
    sql += deferrable === undefined ? " NOT DEFERRABLE INITIALLY IMMEDIATE" : ` DEFERRABLE INITIALLY ${deferrable === "deferred" ? "DEFERRED" : "IMMEDIATE"}`;
  }
  if (trigger.referencing && (trigger.referencing.oldTable !== undefined || trigger.referencing.newTable !== undefined)) {
    sql += " REFERENCING";
    if (trigger.referencing.oldTable !== undefined) sql += ` OLD TABLE AS ${quoteIdentifier(trigger.referencing.oldTable)}`;
    if (trigger.referencing.newTable !== undefined) sql += ` NEW TABLE AS ${quoteIdentifier(trigger.referencing.newTable)}`;
  }
  sql += ` FOR EACH ${trigger.forEach === "row" ? "ROW" : "STATEMENT"}`;
  if (trigger.when !== undefined) {
    if (trigger.when.trim() === "") throw new KilnError(`${where}: the WHEN condition is empty; give SQL text, or leave it out.`);
    sql += ` WHEN (${trigger.when})`;
  }
  if (!trigger.function) {
    throw new KilnError(`${where}: PostgreSQL runs a trigger function: give "function" (a func() of the models or its name); a trigger "body" is SQLite's and MySQL's.`);
  }
  sql += ` EXECUTE FUNCTION ${tableName(trigger.function.schema, trigger.function.name)}(${(trigger.args ?? []).map((a) => quoteLiteral(a)).join(", ")})`;
  return sql;
}

const ENABLE: Record<NonNullable<Trigger["enabled"]>, string> = { disabled: "DISABLE TRIGGER", replica: "ENABLE REPLICA TRIGGER", always: "ENABLE ALWAYS TRIGGER" };

export function createTrigger({ trigger }: CreateTrigger): Statement[] {
  const statements: Statement[] = [{ sql: triggerSql(trigger) }];
  const on = `${quoteIdentifier(trigger.name)} ON ${tableName(trigger.schema, trigger.table)}`;
  if (trigger.comment !== undefined) statements.push({ sql: `COMMENT ON TRIGGER ${on} IS ${quoteLiteral(trigger.comment)}` });
  if (trigger.enabled !== undefined) statements.push({ sql: `ALTER TABLE ${tableName(trigger.schema, trigger.table)} ${ENABLE[trigger.enabled]} ${quoteIdentifier(trigger.name)}` });
  return statements;
}

export function dropTrigger(op: DropTrigger): Statement[] {
  return [{ sql: `DROP TRIGGER ${quoteIdentifier(op.name)} ON ${tableName(op.schema, op.table)}` }];
}
