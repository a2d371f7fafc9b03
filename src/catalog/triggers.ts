/**
 * Triggers on tables (CREATE [CONSTRAINT] TRIGGER), PostgreSQL. Internal
 * triggers (those behind foreign keys) are parts of their constraint, never
 * listed here.
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
  /** The function it executes (a trigger function takes no declared arguments). */
  function: { schema?: string; name: string };
  /** The literal arguments passed to the function (TG_ARGV). */
  args?: string[];
  /** A constraint trigger (CREATE CONSTRAINT TRIGGER); `deferrable` absent: NOT DEFERRABLE. */
  constraint?: { deferrable?: Deferrable; from?: { schema?: string; table: string } };
  /** REFERENCING OLD TABLE AS ... NEW TABLE AS ... (transition tables of AFTER triggers). */
  referencing?: { oldTable?: string; newTable?: string };
  /** ALTER TABLE ... DISABLE TRIGGER / ENABLE REPLICA / ENABLE ALWAYS; absent: enabled (origin). */
  enabled?: "disabled" | "replica" | "always";
  comment?: string;
  /** The model's WHEN as PostgreSQL spells it (canonicalize), for comparison only (EXACT TEXT in types.ts). */
  canonical?: Canonical<"when">;
}

const EVENT_ORDER = ["insert", "delete", "update", "truncate"] as const;

/** Events in PostgreSQL's order, so that two spellings of the same set compare equal. */
export function sortTriggerEvents(events: readonly TriggerEvent[]): TriggerEvent[] {
  return [...events].sort((a, b) => EVENT_ORDER.indexOf(a.event) - EVENT_ORDER.indexOf(b.event));
}
