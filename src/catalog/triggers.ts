/**
 * Triggers on tables (CREATE [CONSTRAINT] TRIGGER). PostgreSQL: a trigger runs
 * a trigger function (`function`); internal triggers (those behind foreign
 * keys) are parts of their constraint, never listed here. SQLite and
 * MySQL/MariaDB: a trigger holds its statements (`body`, exact text) and fires
 * for each row on one event (MySQL) or one event of several columns (SQLite).
 */
import type { Canonical, Deferrable } from "./types.js";

export type TriggerTiming = "before" | "after" | "instead of";

export interface TriggerEvent {
  event: "insert" | "update" | "delete" | "truncate";
  /** UPDATE OF these columns (in the order the database keeps them: column order). */
  columns?: string[];
}

export interface Trigger {
  /** The table's schema (a trigger lives in its table's schema). */
  schema?: string;
  table: string;
  name: string;
  timing: TriggerTiming;
  /** In the order PostgreSQL prints them: insert, delete, update, truncate. */
  events: TriggerEvent[];
  forEach: "row" | "statement";
  /** WHEN condition text (database: as pg_get_triggerdef prints it, without the outer parentheses). */
  when?: string;
  /** PostgreSQL: the function it executes (a trigger function takes no declared arguments). */
  function?: { schema?: string; name: string };
  /**
   * SQLite, MySQL/MariaDB: the statements it runs, exact text (EXACT TEXT in
   * types.ts): SQLite's between BEGIN and END as stored; MySQL's whole action
   * statement as information_schema.TRIGGERS keeps it (`BEGIN ... END` or one statement).
   */
  body?: string;
  /** The literal arguments passed to the function (TG_ARGV). */
  args?: string[];
  /** A constraint trigger (CREATE CONSTRAINT TRIGGER); `deferrable` absent: NOT DEFERRABLE. */
  constraint?: { deferrable?: Deferrable; from?: { schema?: string; table: string } };
  /** REFERENCING OLD TABLE AS ... NEW TABLE AS ... (transition tables of AFTER triggers). */
  referencing?: { oldTable?: string; newTable?: string };
  /** ALTER TABLE ... DISABLE TRIGGER / ENABLE REPLICA / ENABLE ALWAYS; absent: enabled (origin). */
  enabled?: "disabled" | "replica" | "always";
  comment?: string;
  /**
   * MySQL/MariaDB: the trigger that fires just before this one on the same table,
   * timing and event (information_schema.TRIGGERS.ACTION_ORDER; `FOLLOWS` when
   * created). Absent: the first of its group. The server keeps no FOLLOWS or
   * PRECEDES in the statement, only the order.
   */
  follows?: string;
  /**
   * MySQL/MariaDB: the DEFINER, read only when it is not the user kiln connects as
   * (who becomes the DEFINER of what kiln creates). Never compared: autogenerate
   * names it before a revision or its downgrade recreates the object.
   */
  definer?: string;
  /**
   * SQLite, MySQL/MariaDB: the CREATE TRIGGER statement as the database keeps it
   * (sqlite_schema.sql; SHOW CREATE TRIGGER), for recreating it word for word in
   * a downgrade: used only while it still describes this trigger. Never compared.
   */
  sql?: string;
  /** The model's WHEN as PostgreSQL spells it (canonicalize), for comparison only (EXACT TEXT in types.ts). */
  canonical?: Canonical<"when">;
}

const EVENT_ORDER = ["insert", "delete", "update", "truncate"] as const;

/** Events in PostgreSQL's order, so that two spellings of the same set compare equal. */
export function sortTriggerEvents(events: readonly TriggerEvent[]): TriggerEvent[] {
  return [...events].sort((a, b) => EVENT_ORDER.indexOf(a.event) - EVENT_ORDER.indexOf(b.event));
}

/**
 * Triggers a database whose triggers hold their own statements (SQLite, MySQL)
 * can take: those with a body. A trigger that executes a PostgreSQL function is
 * left out there, so that autogenerate names it (left-out.ts) instead of writing
 * a revision that fails.
 */
export function triggersWithBody(triggers: readonly Trigger[] | undefined): Trigger[] {
  return (triggers ?? []).filter((t) => t.body !== undefined && !t.function);
}
