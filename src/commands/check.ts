/** `kiln check`: exit 1 with a summary when the models and the database (at head) differ; 0 when they match. */
import { checkProject, type CheckResult } from "./autogenerate.js";
import { type CommonOptions, loadProject } from "./context.js";

export async function check(options: CommonOptions = {}): Promise<CheckResult> {
  return checkProject(await loadProject(options));
}
