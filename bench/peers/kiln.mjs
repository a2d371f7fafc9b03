/**
 * kiln as a user runs it: a project folder with kiln.config.ts, a migrations
 * folder and node_modules/kiln-migrate linked to this repository's build, and the CLI
 * started as `node bin/kiln.js ...` in that folder.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/paths.mjs";

export const KILN_BIN = join(REPO_ROOT, "bin", "kiln.js");

/** Creates (or recreates) a kiln project in `dir`. `models` is the TypeScript text of schema.ts. */
export function createKilnProject(dir, { url, models }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  mkdirSync(join(dir, "migrations"));
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "kiln-migrate"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "kiln-bench-project", private: true, type: "module" }, null, 2) + "\n");
  writeFileSync(
    join(dir, "kiln.config.ts"),
    [
      'import { defineConfig } from "kiln-migrate";',
      "",
      "export default defineConfig({",
      `  url: ${JSON.stringify(url)},`,
      '  migrations: "migrations",',
      '  models: "schema.ts",',
      "});",
      "",
    ].join("\n"),
  );
  if (models !== undefined) writeFileSync(join(dir, "schema.ts"), models);
  return { dir, migrationsDir: join(dir, "migrations") };
}

/** The command and arguments that run `kiln ...args`; `nodeFlags` go to node (e.g. --cpu-prof). */
export function kilnCommand(args, nodeFlags = []) {
  return { command: process.execPath, args: [...nodeFlags, KILN_BIN, ...args], display: `kiln ${args.join(" ")}` };
}
