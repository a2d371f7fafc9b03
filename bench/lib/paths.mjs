/** Where things are: the repository, the bench folder, and bench/.work (gitignored scratch space). */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = resolve(BENCH_DIR, "..");
export const WORK_DIR = join(BENCH_DIR, ".work");
export const DOC_FILE = join(REPO_ROOT, "docs", "benchmarks.md");
