/**
 * kiln on the other supported Node.js lines (issue 17, point 3): 22 and 24,
 * beside the 20 that runs the rest of the suite.
 *
 * The Node binaries come from the npm registry (`node-<platform>-<arch>`
 * packages carry the official builds and their headers), so this needs no
 * network but the registry. For each runtime:
 * - the unit tier runs under it (vitest started by that node);
 * - `npm pack` of this repository is installed into a fresh project with
 *   PGlite and better-sqlite3 (compiled for that runtime's ABI against the
 *   headers in the same package), and the README's workflow runs through the
 *   installed `kiln` on PGlite and on SQLite: init, autogenerate, upgrade,
 *   current, a second autogenerate, upgrade, downgrade -1, current.
 *
 * Runtimes and the compiled driver are cached per user under the temporary
 * directory, so only the first run on a machine pays for the download and the
 * native build (about a minute of CPU per runtime).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
const EXAMPLE = join(REPO_ROOT, "examples", "prototypes-service");
const RUNTIMES = ["22", "24"];
const CACHE = join(tmpdir(), `kiln-runtimes-${userInfo().uid}`);
const MINUTES = 60_000;

const repoManifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
/** The same driver versions the repository develops against. */
const DRIVERS = ["@electric-sql/pglite", "better-sqlite3"].map((name) => `${name}@${repoManifest.devDependencies[name]}`);

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync("npm", ["--no-audit", "--no-fund", "--loglevel=error", ...args], { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")} (in ${cwd}) failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

interface Runtime {
  major: string;
  /** Folder of the unpacked official build: bin/node, include/node. */
  home: string;
  node: string;
  version: string;
}

/** The newest release of a Node line from the registry, unpacked once per machine. */
function installRuntime(major: string): Runtime {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(CACHE, `node-${major}`);
  const home = join(dir, "node_modules", pkg);
  const node = join(home, "bin", "node");
  if (!existsSync(node)) {
    mkdirSync(dir, { recursive: true });
    npm(["install", "--no-save", "--no-package-lock", "--prefix", dir, `${pkg}@${major}`], dir);
  }
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  return { major, home, node, version };
}

/** An environment where `node` (and so npm's scripts and node-gyp) is this runtime, building against its own headers. */
function runtimeEnv(runtime: Runtime): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${join(runtime.home, "bin")}${delimiter}${process.env.PATH ?? ""}`,
    npm_config_nodedir: runtime.home,
    DATABASE_URL: "",
    NO_COLOR: "1",
  };
}

/** A project with the drivers compiled for this runtime (cached), and this checkout's packed kiln (fresh each run). */
function installProject(runtime: Runtime, tarball: string): string {
  const project = join(CACHE, `node-${runtime.major}`, "project");
  const marker = join(project, ".drivers");
  const wanted = `${runtime.version} ${DRIVERS.join(" ")}`;
  if (!existsSync(marker) || readFileSync(marker, "utf8") !== wanted) {
    rmSync(project, { recursive: true, force: true });
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "kiln-runtime-check", private: true, type: "module" }));
    npm(["install", ...DRIVERS], project, runtimeEnv(runtime));
    writeFileSync(marker, wanted);
  }
  npm(["install", "--no-save", tarball], project, runtimeEnv(runtime));
  return project;
}

/** A migration file's revision id: `<date>_<time>_<id>_<slug>.ts`. */
function revisionId(file: string): string {
  const id = /^\d{8}_\d{6}_([0-9a-f]+)_/.exec(file)?.[1];
  if (!id) throw new Error(`no revision id in the file name ${file}`);
  return id;
}

function kiln(runtime: Runtime, cwd: string, ...args: string[]): string {
  const bin = join(cwd, "..", "node_modules", "kiln-migrate", "bin", "kiln.js");
  const result = spawnSync(runtime.node, [bin, ...args], { cwd, env: runtimeEnv(runtime), encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`kiln ${args.join(" ")} on Node ${runtime.version} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The README's workflow in a new folder of the project, through the installed package. */
function workflow(runtime: Runtime, project: string, name: string, url: string): void {
  const dir = join(project, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  kiln(runtime, dir, "init", "--url", url);
  const models = join(dir, "src", "db", "schema.ts");
  cpSync(join(EXAMPLE, "src", "db", "schema.ts"), models);
  kiln(runtime, dir, "revision", "--autogenerate", "-m", "create prototypes");
  kiln(runtime, dir, "upgrade", "head");
  const first = readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".ts"));
  expect(first).toHaveLength(1);
  const firstId = revisionId(first[0]!);
  expect(kiln(runtime, dir, "current")).toContain(firstId);

  writeFileSync(models, readFileSync(join(EXAMPLE, "demo", "schema-v2.ts"), "utf8"));
  kiln(runtime, dir, "revision", "--autogenerate", "-m", "add notes");
  kiln(runtime, dir, "upgrade", "head");
  const second = readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".ts") && !first.includes(f));
  expect(second).toHaveLength(1);
  expect(kiln(runtime, dir, "current")).toContain(revisionId(second[0]!));

  kiln(runtime, dir, "downgrade", "-1");
  const current = kiln(runtime, dir, "current");
  expect(current).toContain(firstId);
  expect(current).not.toContain(revisionId(second[0]!));
}

let tarball: string;

beforeAll(() => {
  const packDir = join(CACHE, "pack");
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  // --ignore-scripts: `npm test` built dist/ already; the test must not rebuild it under other test files.
  npm(["pack", "--ignore-scripts", "--pack-destination", packDir], REPO_ROOT);
  tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith(".tgz"))!);
}, 5 * MINUTES);

describe.each(RUNTIMES)("Node.js %s", (major) => {
  let runtime: Runtime;
  let project: string;

  beforeAll(() => {
    runtime = installRuntime(major);
    project = installProject(runtime, tarball);
  }, 15 * MINUTES);

  it("is the runtime it says", () => {
    expect(runtime.version).toMatch(new RegExp(`^v${major}\\.`));
  });

  it("passes the unit tier", () => {
    // sqlite-default.test.ts opens better-sqlite3 from the repository's node_modules, which is
    // compiled for the Node that ran `npm ci`; the workflow below covers better-sqlite3 on this runtime.
    const result = spawnSync(
      runtime.node,
      [join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "test/unit", "--exclude", "test/unit/sqlite-default.test.ts", "--reporter=dot"],
      { cwd: REPO_ROOT, env: { ...runtimeEnv(runtime), CI: process.env.CI ?? "" }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+\S*\d+ passed/);
  }, 10 * MINUTES);

  it("runs the workflow on PGlite from the packed package", () => {
    workflow(runtime, project, "pglite", "pglite://./.kiln/db");
  }, 10 * MINUTES);

  it("runs the workflow on SQLite from the packed package, with better-sqlite3 built for this runtime", () => {
    workflow(runtime, project, "sqlite", "sqlite://app.db");
  }, 10 * MINUTES);
});
