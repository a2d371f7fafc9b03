/**
 * Gets the tools the benchmark compares, saying what it installs:
 * GNU time and Alembic from Debian (apt-get), drizzle-kit from npm into
 * bench/.work (its own package.json; never into the project), and kiln
 * built from this repository (`npm run build`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GNU_TIME } from "./measure.mjs";
import { REPO_ROOT, WORK_DIR } from "./paths.mjs";
import { PYTHON } from "../peers/alembic.mjs";
import { DRIZZLE_KIT_BIN } from "../peers/drizzle.mjs";

const ALEMBIC_PACKAGES = ["python3-alembic", "alembic", "python3-psycopg2"];
const DRIZZLE_PACKAGES = ["drizzle-kit", "drizzle-orm", "pg"];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}); install it by hand and run again`);
  }
}

let aptUpdated = false;
function aptInstall(packages, log) {
  if (!aptUpdated) {
    log("running apt-get update");
    run("apt-get", ["update", "-qq"]);
    aptUpdated = true;
  }
  log(`installing from Debian: apt-get install -y ${packages.join(" ")}`);
  run("apt-get", ["install", "-y", "-qq", ...packages], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

function pythonHasAlembic() {
  return spawnSync(PYTHON, ["-c", "import alembic, sqlalchemy, psycopg2"], { stdio: "ignore" }).status === 0;
}

export function ensureGnuTime(log) {
  if (existsSync(GNU_TIME)) return;
  aptInstall(["time"], log);
}

export function ensureAlembic(log) {
  if (pythonHasAlembic()) return;
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing; Alembic runs on Debian's Python`);
  aptInstall(ALEMBIC_PACKAGES, log);
  if (!pythonHasAlembic()) throw new Error(`Alembic is still not importable by ${PYTHON} after installing ${ALEMBIC_PACKAGES.join(" ")}`);
}

export function ensureDrizzleKit(log) {
  if (existsSync(DRIZZLE_KIT_BIN)) return;
  mkdirSync(WORK_DIR, { recursive: true });
  const manifest = join(WORK_DIR, "package.json");
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: "kiln-bench-peers", private: true }, null, 2) + "\n");
  log(`installing from npm into bench/.work: npm install --prefix bench/.work ${DRIZZLE_PACKAGES.join(" ")}`);
  run("npm", ["install", "--no-audit", "--no-fund", "--prefix", WORK_DIR, ...DRIZZLE_PACKAGES]);
}

/** `npm run build`. tsc still writes dist/ when it reports type errors; those are shown and the run goes on. */
export function buildKiln(log) {
  log("building kiln: npm run build");
  const result = spawnSync("npm", ["run", "build", "--silent"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) throw new Error("npm run build did not produce dist/cli/main.js");
  if (result.status !== 0) log("WARNING: npm run build reported errors (see above); benchmarking the dist/ it wrote");
}

function firstLine(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n")[0];
  } catch {
    return "unknown";
  }
}

/** Versions of every tool measured. */
export function toolVersions() {
  const packageVersion = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
  return {
    kiln: `${packageVersion(REPO_ROOT)} (commit ${firstLine("git", ["-C", REPO_ROOT, "rev-parse", "--short", "HEAD"])}, working tree as built)`,
    node: process.version,
    python: firstLine(PYTHON, ["--version"]).replace(/^Python /, ""),
    alembic: firstLine(PYTHON, ["-c", "import alembic; print(alembic.__version__)"]),
    sqlalchemy: firstLine(PYTHON, ["-c", "import sqlalchemy; print(sqlalchemy.__version__)"]),
    psycopg2: firstLine(PYTHON, ["-c", "import psycopg2; print(psycopg2.__version__.split()[0])"]),
    drizzleKit: packageVersion(join(WORK_DIR, "node_modules", "drizzle-kit")),
    pgDump: firstLine("pg_dump", ["--version"]).replace(/^pg_dump \(PostgreSQL\) /, ""),
  };
}
