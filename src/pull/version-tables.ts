/**
 * Other migration tools' version tables (pure): recognised by name (and, for a
 * name as common as `migrations`, by its columns), reported, kept out of the
 * models and listed in the config's `excludeTables`, so kiln leaves them alone.
 */

export interface FoundVersionTable {
  tool: string;
  schema?: string;
  table: string;
}

interface Known {
  tool: string;
  name: string;
  /** Columns the table must have (lower case), for names other tables use too. */
  columns?: string[];
}

const KNOWN: Known[] = [
  { tool: "Alembic", name: "alembic_version" },
  { tool: "drizzle-kit", name: "__drizzle_migrations" },
  { tool: "Prisma", name: "_prisma_migrations" },
  { tool: "Flyway", name: "flyway_schema_history" },
  { tool: "TypeORM", name: "migrations", columns: ["id", "timestamp", "name"] },
  { tool: "TypeORM", name: "typeorm_metadata" },
  { tool: "Knex", name: "knex_migrations" },
  { tool: "Knex", name: "knex_migrations_lock" },
  { tool: "Sequelize", name: "SequelizeMeta" },
  { tool: "Rails (or golang-migrate)", name: "schema_migrations", columns: ["version"] },
  { tool: "Rails", name: "ar_internal_metadata" },
  { tool: "Liquibase", name: "databasechangelog" },
  { tool: "Liquibase", name: "databasechangeloglock" },
];

/** The version tables of other tools among `tables` (columns, when known, lower-case names). */
export function detectVersionTables(tables: readonly { schema?: string; name: string; columns?: readonly string[] }[]): FoundVersionTable[] {
  const found: FoundVersionTable[] = [];
  for (const t of tables) {
    const known = KNOWN.find((k) => k.name.toLowerCase() === t.name.toLowerCase());
    if (!known) continue;
    if (known.columns && t.columns && !known.columns.every((c) => t.columns!.map((x) => x.toLowerCase()).includes(c))) continue;
    found.push({ tool: known.tool, ...(t.schema !== undefined ? { schema: t.schema } : {}), table: t.name });
  }
  return found;
}
