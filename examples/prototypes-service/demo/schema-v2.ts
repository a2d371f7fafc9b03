// The models after a change (used by scripts/demo.mjs): a notes column, a new
// enum value, and a stricter check.
import { check, enumType, index, integer, sql, table, text, timestamp, varchar } from "kiln-migrate/schema";

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
  },
  (t) => [check("check_id_prototype_positive", sql`${t.prototypeId} > 0`), index().on(t.name)],
);
