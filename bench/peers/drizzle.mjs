/**
 * drizzle-kit, installed into bench/.work (never into the project).
 *
 * `drizzle-kit generate` diffs the schema files against drizzle's own snapshot
 * files and never reads the database, so it is not comparable with an
 * autogenerate that reads the database. The fair database-reading counterpart
 * is `drizzle-kit pull` (alias `introspect`): it reads the catalog and writes
 * a schema.ts, relations.ts and a snapshot. That is what is measured here.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { WORK_DIR } from "../lib/paths.mjs";

export const DRIZZLE_KIT_BIN = join(WORK_DIR, "node_modules", "drizzle-kit", "bin.cjs");

/** The command that pulls the database at `url` into `outDir`. */
export function drizzlePullCommand(url, outDir) {
  return {
    command: process.execPath,
    args: [DRIZZLE_KIT_BIN, "pull", "--dialect", "postgresql", "--url", url, "--out", outDir],
    display: "drizzle-kit pull --dialect postgresql --url ... --out ...",
  };
}

export function resetDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** Number of tables in the schema.ts drizzle-kit pull wrote. */
export function pulledTableCount(outDir) {
  return (readFileSync(join(outDir, "schema.ts"), "utf8").match(/= pgTable\(/g) ?? []).length;
}
