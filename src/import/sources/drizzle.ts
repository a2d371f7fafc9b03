/**
 * A drizzle-kit migrations folder: `meta/_journal.json` lists the migrations in
 * order (`entries[].tag`, `when`), each `<tag>.sql` holds statements separated by
 * `--> statement-breakpoint` lines. drizzle's migrator records each applied file
 * as (sha256 of the file, the journal's `when`) in `__drizzle_migrations`.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KilnError } from "../../errors.js";
import { hasSql } from "../split.js";
import type { SourceHistory } from "../types.js";
import { readText, type Splitter, upgradeStatements } from "./common.js";

interface JournalEntry {
  idx?: number;
  when?: number;
  tag?: string;
}

export function readDrizzle(folder: string, split: Splitter): SourceHistory {
  const journalFile = join(folder, "meta", "_journal.json");
  if (!existsSync(journalFile)) {
    throw new KilnError(`${folder} is not a drizzle-kit migrations folder: ${journalFile} does not exist`, {
      details: ["pass the folder drizzle-kit writes (its `out` setting, often ./drizzle), which holds meta/_journal.json and the .sql files"],
    });
  }
  let journal: { dialect?: string; entries?: JournalEntry[] };
  try {
    journal = JSON.parse(readText(journalFile, "the drizzle journal"));
  } catch (error) {
    if (error instanceof KilnError) throw error;
    throw new KilnError(`cannot read the drizzle journal ${journalFile}: ${(error as Error).message}`);
  }
  if (!Array.isArray(journal.entries)) throw new KilnError(`the drizzle journal ${journalFile} has no \`entries\` list`);
  const migrations = journal.entries.map((entry, position) => {
    if (typeof entry.tag !== "string" || entry.tag === "" || /[\\/]/.test(entry.tag)) {
      throw new KilnError(`the drizzle journal ${journalFile}: entry ${position} has no valid \`tag\` (the migration's file name without .sql)`);
    }
    const file = `${entry.tag}.sql`;
    const path = join(folder, file);
    if (!existsSync(path)) throw new KilnError(`the drizzle journal ${journalFile} lists ${entry.tag}, but ${path} does not exist`);
    const text = readText(path, "the drizzle migration");
    // drizzle-kit writes `--> statement-breakpoint` between statements (breakpoints: true); without them a file is one statement or split by ;.
    // A hand-edited part may hold several statements: each part is split as well.
    const statements = text.split(/-->[ \t]*statement-breakpoint/).filter(hasSql).flatMap(split);
    const when = typeof entry.when === "number" ? entry.when : undefined;
    return {
      key: entry.tag,
      name: entry.tag,
      file,
      ...upgradeStatements(statements),
      createdAt: when !== undefined ? new Date(when) : undefined,
      drizzleMillis: when,
      drizzleHash: createHash("sha256").update(text).digest("hex"),
    };
  });
  return { kind: "drizzle", folder, migrations, declaredDialect: journal.dialect, warnings: [] };
}
