/** Runs the in-process diagnostics (lib/kiln-phases.mjs, lib/kiln-query-count.mjs) in a kiln project. */
import { join } from "node:path";
import { runOnce } from "./measure.mjs";
import { BENCH_DIR } from "./paths.mjs";

async function runScript(script, args, cwd) {
  const { stdout } = await runOnce(process.execPath, [join(BENCH_DIR, "lib", script), ...args], { cwd });
  return JSON.parse(stdout.trim().split("\n").pop());
}

/** Phase-by-phase wall time of `command` (current, autogenerate, upgrade) in the project at `cwd`. */
export async function kilnPhases(command, cwd) {
  return { command, ...(await runScript("kiln-phases.mjs", [command], cwd)) };
}

/** Statements one `kiln revision --autogenerate` sends, by phase. */
export function kilnAutogenerateQueries(cwd) {
  return runScript("kiln-query-count.mjs", [], cwd);
}
