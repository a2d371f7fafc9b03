// Queries on the prototypes table, typed from the model. Every value is a bound
// parameter; the SQL text only contains names taken from src/db/schema.ts.
import type { InferInsert, InferSelect } from "kiln-migrate/schema";
import type pg from "pg";
import { prototypes } from "../db/schema.js";
import { columnName, placeholders, selectList, tableName } from "../db/sql.js";

/**
 * What the API returns: every column but updated_at. That column came with a later revision
 * than the service's first queries; leaving it out keeps the service running on the schema one
 * revision back, so `kiln downgrade -1` can run while the service serves.
 */
export type Prototype = Omit<InferSelect<typeof prototypes>, "updatedAt">;
/** What a client may set: `id` is generated, `createdAt` defaults to now(). */
export type NewPrototype = Pick<InferInsert<typeof prototypes>, "prototypeId" | "name" | "status">;

const table = tableName(prototypes);
const { updatedAt: _updatedAt, ...served } = prototypes.columns;
const columns = selectList(served);
const idColumn = columnName(prototypes.id);

export function createPrototypeRepository(db: pg.Pool) {
  return {
    async list(): Promise<Prototype[]> {
      const result = await db.query<Prototype>(`SELECT ${columns} FROM ${table} ORDER BY ${idColumn}`);
      return result.rows;
    },

    async get(id: number): Promise<Prototype | undefined> {
      const result = await db.query<Prototype>(`SELECT ${columns} FROM ${table} WHERE ${idColumn} = $1`, [id]);
      return result.rows[0];
    },

    async create(values: NewPrototype): Promise<Prototype> {
      const keys = (Object.keys(values) as (keyof NewPrototype)[]).filter((key) => values[key] !== undefined);
      const names = keys.map((key) => columnName(prototypes.columns[key])).join(", ");
      const result = await db.query<Prototype>(
        `INSERT INTO ${table} (${names}) VALUES (${placeholders(keys.length)}) RETURNING ${columns}`,
        keys.map((key) => values[key]),
      );
      return result.rows[0]!;
    },

    /** True when a row was deleted. */
    async remove(id: number): Promise<boolean> {
      const result = await db.query(`DELETE FROM ${table} WHERE ${idColumn} = $1`, [id]);
      return result.rowCount === 1;
    },
  };
}

export type PrototypeRepository = ReturnType<typeof createPrototypeRepository>;
