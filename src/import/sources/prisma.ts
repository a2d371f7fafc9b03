/**
 * A Prisma Migrate folder (`prisma/migrations`): one folder per migration,
 * `<timestamp>_<name>/migration.sql`, in the order of their names, and
 * `migration_lock.toml` naming the provider. Prisma records applied migrations
 * by folder name in `_prisma_migrations`.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { KilnError } from "../../errors.js";
import type { SourceHistory, SourceMigration } from "../types.js";
import { readText, type Splitter, upgradeStatements } from "./common.js";

/** `20240131120000` -> that moment in UTC. */
function folderTime(name: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function readPrisma(folder: string, split: Splitter): SourceHistory {
  const warnings: string[] = [];
  let declaredDialect: string | undefined;
  const lock = join(folder, "migration_lock.toml");
  if (existsSync(lock)) {
    declaredDialect = /^\s*provider\s*=\s*"([^"]*)"/m.exec(readText(lock, "Prisma's lock file"))?.[1];
  }
  const entries = readdirSync(folder).filter((name) => statSync(join(folder, name)).isDirectory()).sort();
  const migrations: SourceMigration[] = [];
  for (const name of entries) {
    const file = join(name, "migration.sql");
    const path = join(folder, file);
    if (!existsSync(path)) {
      warnings.push(`${join(folder, name)} has no migration.sql: it is not a Prisma migration and was not imported`);
      continue;
    }
    const readable = name.replace(/^\d+_/, "").replace(/_/g, " ");
    migrations.push({ key: name, name: readable || name, file: file.split("\\").join("/"), ...upgradeStatements(split(readText(path, "the Prisma migration"))), createdAt: folderTime(name) });
  }
  if (migrations.length === 0) {
    throw new KilnError(`${folder} holds no Prisma migrations (folders <timestamp>_<name>/migration.sql)`, {
      details: ["pass Prisma's migrations folder, usually prisma/migrations"],
    });
  }
  return { kind: "prisma", folder, migrations, declaredDialect, warnings };
}
