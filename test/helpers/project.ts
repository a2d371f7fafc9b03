/**
 * A throwaway kiln project in a temp directory, and a way to run the real CLI
 * (bin/kiln.js, built by `npm test`) in it as a user would.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const KILN_BIN = join(REPO_ROOT, "bin", "kiln.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestProject {
  dir: string;
  migrationsDir: string;
  /** Runs `kiln ...args` in the project. DATABASE_URL is not inherited unless given. */
  kiln(args: string[], env?: Record<string, string>): Promise<CliResult>;
  write(relativePath: string, content: string): string;
  read(relativePath: string): string;
  /** Revision files in the migrations folder, sorted. */
  revisionFiles(): string[];
  remove(): void;
}

export function createProject(options: { url: string; models?: string; extraConfig?: string }): TestProject {
  const dir = mkdtempSync(join(tmpdir(), "kiln-project-"));
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "kiln-migrate"), "dir");
  const migrationsDir = join(dir, "migrations");
  mkdirSync(migrationsDir);
  writeFileSync(
    join(dir, "kiln.config.ts"),
    `import { defineConfig } from "kiln-migrate";
export default defineConfig({
  url: ${JSON.stringify(options.url)},
  migrations: "migrations",
  models: "schema.ts",${options.extraConfig ? `\n  ${options.extraConfig}` : ""}
});
`,
  );
  if (options.models !== undefined) writeFileSync(join(dir, "schema.ts"), options.models);
  return {
    dir,
    migrationsDir,
    kiln(args, env = {}) {
      return new Promise((resolvePromise) => {
        const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1", ...env };
        if (!("DATABASE_URL" in env)) delete childEnv.DATABASE_URL;
        execFile(process.execPath, [KILN_BIN, ...args], { cwd: dir, env: childEnv, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolvePromise({ code, stdout, stderr });
        });
      });
    },
    write(relativePath, content) {
      const path = join(dir, relativePath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    read(relativePath) {
      return readFileSync(join(dir, relativePath), "utf8");
    },
    revisionFiles() {
      return readdirSync(migrationsDir).filter((f) => /\.(ts|js|mjs|mts)$/.test(f)).sort();
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A hand-written revision file. */
export function revisionSource(fields: {
  revision: string;
  downRevision: string | string[] | null;
  message?: string;
  upgrade: string;
  downgrade?: string;
  extra?: string;
}): string {
  return `import type { Migration } from "kiln-migrate";

export default {
  revision: ${JSON.stringify(fields.revision)},
  downRevision: ${JSON.stringify(fields.downRevision)},
  message: ${JSON.stringify(fields.message ?? fields.revision)},${fields.extra ? `\n  ${fields.extra}` : ""}
  async upgrade(op) {
    ${fields.upgrade}
  },${fields.downgrade !== undefined ? `\n  async downgrade(op) {\n    ${fields.downgrade}\n  },` : ""}
} satisfies Migration;
`;
}

/** The text of each `warning:` line kiln printed, without the prefix. */
export function warningLines(output: string): string[] {
  return output.split("\n").flatMap((line) => {
    const match = /^warning:\s*(.*)$/.exec(line.trim());
    return match ? [match[1]!] : [];
  });
}

/** A folder `dir` holding an ES-module project that links this repository as kiln-migrate, with `files` written into it. */
export function writeModuleProject(dir: string, files: Record<string, string>): string {
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, "node_modules", "kiln-migrate"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
