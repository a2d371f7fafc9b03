/** The shapes shared by the history readers, the replay and the command. */

/** The tools whose migration folders kiln reads. */
export type ImportSourceKind = "drizzle" | "prisma" | "flyway" | "sql";

export const IMPORT_SOURCES: readonly ImportSourceKind[] = ["drizzle", "prisma", "flyway", "sql"];

/** One migration of the other tool's history, in the order it applies. */
export interface SourceMigration {
  /** What identifies it to the other tool: drizzle's tag, Prisma's folder name, Flyway's version, the file name. */
  key: string;
  /** A readable name (`0001_add_posts`, `add posts`). */
  name: string;
  /** The file it came from, relative to the imported folder (`0001_add_posts.sql`, `20240101_init/migration.sql`). */
  file: string;
  /** Its statements, in order. */
  statements: string[];
  /** The tool's own undo script (Flyway `U<version>__*.sql`), split into statements; its file relative to the folder. */
  undo?: { file: string; statements: string[] };
  /** When the tool says it was created (drizzle's journal, Prisma's folder timestamp). */
  createdAt?: Date;
  /** drizzle: the journal's `when` (milliseconds), which its migrator records as created_at. */
  drizzleMillis?: number;
  /** drizzle: the SHA-256 of the file, which its migrator records as hash. */
  drizzleHash?: string;
  /** The tool was told to run it outside a transaction (Flyway `executeInTransaction=false`). */
  transactional?: false;
  /** Statements left out of the upgrade (transaction control the file carried itself), with why. */
  skipped?: { statement: string; reason: string }[];
}

/** A history read from a folder. */
export interface SourceHistory {
  kind: ImportSourceKind;
  /** The folder read (absolute). */
  folder: string;
  migrations: SourceMigration[];
  /** The database kind the folder says it is for (drizzle's journal `dialect`, Prisma's `provider`), when it says. */
  declaredDialect?: string;
  /** Things read but not imported (Flyway repeatable migrations, stray files), each a complete sentence. */
  warnings: string[];
}
