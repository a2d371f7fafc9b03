// The models after a change (used by scripts/demo.mjs): a notes column, a new
// enum value, and a stricter check.
import { check, enumType, func, index, integer, sql, table, text, timestamp, trigger, varchar, view } from "kiln-migrate/schema";

export const prototypeStatus = enumType("prototype_status", ["draft", "active", "retired", "archived"]);

export const prototypes = table(
  "prototypes",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    prototypeId: integer("prototype_id").notNull(),
    name: varchar(200).notNull(),
    status: prototypeStatus().notNull().default("draft"),
    notes: text(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
    // Kept by the database (the trigger below), whoever writes the row. The service does
    // not select it, so it keeps running while this column's revision is rolled back.
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  // Named, so that a migration can drop it again (downgrade) and an API error can name it.
  (t) => [check("check_id_prototype_positive", sql`${t.prototypeId} > 0`), index().on(t.name)],
);

/** Sets updated_at on every UPDATE, for any writer (the service, a script, psql). */
export const touchUpdatedAt = func("touch_updated_at", {
  returns: "trigger",
  language: "plpgsql",
  body: sql`
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
`,
});

export const prototypesTouch = trigger("prototypes_touch_updated_at", {
  table: prototypes,
  timing: "before",
  events: ["update"],
  function: touchUpdatedAt,
});

/** The prototypes changed since they were created (the trigger keeps updated_at), for reports. */
export const editedPrototypes = view(
  "edited_prototypes",
  sql`SELECT id, prototype_id, name, created_at, updated_at FROM prototypes WHERE updated_at > created_at`,
);
