/**
 * `kiln pull` through the real CLI: an empty project folder (kiln-migrate
 * linked in, no config), pull from a loaded database, `kiln check` on the
 * pulled models, and a build of another, empty database from those models
 * (`revision --autogenerate` + `upgrade head`, DATABASE_URL pointing at it).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Catalog } from "../../src/catalog/types.js";
import type { NamingConvention } from "../../src/config/types.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { dialectFor } from "../../src/dialects/index.js";
import type { IntrospectOptions } from "../../src/dialects/types.js";
import { namedObjects, templateName } from "../../src/pull/naming.js";
import { resolveNaming } from "../../src/schema/naming.js";
import { type CliResult, createProject, type TestProject, warningLines } from "./project.js";

export interface PulledProject extends TestProject {
  pull: CliResult;
  /** The models file pull wrote (relative to the project). */
  models: string;
}

/**
 * An empty folder with kiln-migrate linked in; `kiln pull --url URL ...args` run in it.
 * With `extraConfig` (config lines such as `grants: true,`), pull runs with a
 * kiln.config.ts that says them (models in schema.ts), which it edits in place.
 */
export async function pullInto(url: string, args: string[] = [], extraConfig?: string): Promise<PulledProject> {
  const project = createProject({ url, ...(extraConfig !== undefined ? { extraConfig } : {}) });
  if (extraConfig === undefined) rmSync(join(project.dir, "kiln.config.ts"));
  rmSync(project.migrationsDir, { recursive: true });
  const pull = await project.kiln(["pull", "--url", url, ...args]);
  return { ...project, pull, models: extraConfig === undefined ? "src/db/schema.ts" : "schema.ts" };
}

/** `kiln check` in the project: its result and the warnings that name something other than an object kiln does not model. */
export async function checkPulled(project: TestProject): Promise<CliResult & { unexpected: string[]; unmodelled: string[] }> {
  const result = await project.kiln(["check"]);
  const warnings = warningLines(`${result.stdout}\n${result.stderr}`);
  return {
    ...result,
    unexpected: warnings.filter((w) => !/ is not modelled by kiln/.test(w)),
    unmodelled: warnings.filter((w) => / is not modelled by kiln/.test(w)),
  };
}

/** Build `emptyUrl` from the pulled models: autogenerate, then upgrade head. Returns the first failing step, or undefined. */
export async function buildFromPulled(project: TestProject, emptyUrl: string): Promise<string | undefined> {
  const env = { DATABASE_URL: emptyUrl };
  for (const args of [["revision", "--autogenerate", "-m", "build"], ["upgrade", "head"]]) {
    const r = await project.kiln(args, env);
    if (r.code !== 0) return `kiln ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`;
  }
  return undefined;
}

/**
 * The constraint and index names the pulled models spell out although the
 * naming convention pull wrote into the config gives them (`name: "x"`,
 * `index("x")`, ...): none, for models that read as a person writes them.
 * Reads the database's Catalog as autogenerate does.
 */
export async function namesTheConventionGives(url: string, models: string, naming: NamingConvention, options: IntrospectOptions = {}): Promise<string[]> {
  const parsed = parseDatabaseUrl(url);
  const dialect = await dialectFor(parsed);
  const conn = await dialect.connect(parsed);
  let catalog: Catalog;
  try {
    catalog = await dialect.introspect(conn, options);
  } finally {
    await conn.close();
  }
  const templates = resolveNaming(naming);
  const limit = dialect.identifierLimit ?? null;
  const written = (name: string) =>
    [`name: ${JSON.stringify(name)}`, `index(${JSON.stringify(name)})`, `Index(${JSON.stringify(name)})`, `unique(${JSON.stringify(name)})`].some((s) => models.includes(s));
  return catalog.tables
    .flatMap(namedObjects)
    .filter((o) => templateName(o.kind, templates[o.kind], o.parts, limit) === o.name && written(o.name))
    .map((o) => `${o.kind} ${o.parts.table}.${o.name}`);
}
