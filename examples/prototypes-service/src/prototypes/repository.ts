// Queries on the prototypes table, through Kysely typed from the models
// (src/db/database.ts). Kysely quotes every name and sends every value as a
// bound parameter.
import type { Kysely } from "kysely";
import type { InferInsert, InferSelect } from "kiln-migrate/schema";
import type { Database } from "../db/database.js";
import type { prototypes } from "../db/schema.js";

/**
 * What the API returns: every column but updated_at. That column came with a later revision
 * than the service's first queries; leaving it out keeps the service running on the schema one
 * revision back, so `kiln downgrade -1` can run while the service serves.
 */
export type Prototype = Omit<InferSelect<typeof prototypes>, "updatedAt">;
/** What a client may set: `id` is generated, `createdAt` defaults to now(). */
export type NewPrototype = Pick<InferInsert<typeof prototypes>, "prototypeId" | "name" | "status">;

/** The database's column names, answered under the API's (the models' property keys). */
const served = ["id", "prototype_id as prototypeId", "name", "status", "created_at as createdAt"] as const;

export function createPrototypeRepository(db: Kysely<Database>) {
  return {
    list(): Promise<Prototype[]> {
      return db.selectFrom("prototypes").select(served).orderBy("id").execute();
    },

    get(id: number): Promise<Prototype | undefined> {
      return db.selectFrom("prototypes").select(served).where("id", "=", id).executeTakeFirst();
    },

    create(values: NewPrototype): Promise<Prototype> {
      return db
        .insertInto("prototypes")
        .values({ prototype_id: values.prototypeId, name: values.name, status: values.status })
        .returning(served)
        .executeTakeFirstOrThrow();
    },

    /** True when a row was deleted. */
    async remove(id: number): Promise<boolean> {
      const result = await db.deleteFrom("prototypes").where("id", "=", id).executeTakeFirst();
      return result.numDeletedRows === 1n;
    },
  };
}

export type PrototypeRepository = ReturnType<typeof createPrototypeRepository>;
