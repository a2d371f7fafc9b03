// The service's database models. kiln compares them with the database to write
// migrations (`kiln revision --autogenerate`); the service types its queries from them.
import { check, enumType, index, integer, sql, table, timestamp, varchar } from "kiln-migrate/schema";

export const prototypeStatus = enumType("prototype_status", ["draft", "active", "retired"]);

export const prototypes = table(
  "prototypes",
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    prototypeId: integer("prototype_id").notNull(),
    name: varchar(200).notNull(),
    status: prototypeStatus().notNull().default("draft"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
  },
  // Named, so that a migration can drop it again (downgrade) and an API error can name it.
  (t) => [check("check_id_prototype_positive", sql`${t.prototypeId} >= 0`), index().on(t.name)],
);
