/**
 * `kiln pull` through the real CLI: an empty project folder (kiln-migrate
 * linked in, no config), pull from a loaded database, `kiln check` on the
 * pulled models, and a build of another, empty database from those models
 * (`revision --autogenerate` + `upgrade head`, DATABASE_URL pointing at it).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, createProject, type TestProject, warningLines } from "./project.js";

export interface PulledProject extends TestProject {
  pull: CliResult;
}

/** An empty folder with kiln-migrate linked in; `kiln pull --url URL ...args` run in it. */
export async function pullInto(url: string, args: string[] = []): Promise<PulledProject> {
  const project = createProject({ url });
  rmSync(join(project.dir, "kiln.config.ts"));
  rmSync(project.migrationsDir, { recursive: true });
  const pull = await project.kiln(["pull", "--url", url, ...args]);
  return { ...project, pull };
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
