/**
 * `.env` in the project folder (the folder of kiln.config.ts), loaded by the CLI
 * as drizzle-kit and kysely-ctl do, with Node's own parser (process.loadEnvFile).
 * Variables already in the environment win: Node leaves them as they are.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { KilnError } from "../errors.js";

/** Loads `<folder>/.env` into process.env when it exists; returns its path, or undefined when there is none. */
export function loadProjectEnv(folder: string): string | undefined {
  const file = join(folder, ".env");
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new KilnError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return file;
}
