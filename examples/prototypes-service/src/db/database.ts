// The Kysely instance the service queries through. Its Database type is computed
// from the models (src/db/schema.ts) by kiln: tables and columns by their names in
// the database, Generated<> where the database fills a value in, enums as unions.
// A column renamed in the models is a compile error in every query that uses it.
import { Kysely, PostgresDialect } from "kysely";
import type { KyselyDatabase } from "kiln-migrate/kysely";
import type pg from "pg";
import type * as schema from "./schema.js";

export type Database = KyselyDatabase<typeof schema>;

export function createDatabase(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
