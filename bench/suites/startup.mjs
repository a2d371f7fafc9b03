/**
 * Workload 2: start-up. `kiln current` vs `alembic current` on a small project
 * whose database is up to date: the time is mostly starting the runtime,
 * loading the tool and its revision files, and one query.
 */
import { kilnPhases } from "../lib/kiln-diagnostics.mjs";
import { measure } from "../lib/measure.mjs";
import { dropScratchDatabase } from "../lib/pg.mjs";
import { alembicCommand } from "../peers/alembic.mjs";
import { kilnCommand } from "../peers/kiln.mjs";
import { expectHead, historyProjects } from "./history-projects.mjs";

export async function startupSuite({ revisionCount, runs, workDir, log }) {
  log(`start-up: ${revisionCount} revisions`);
  const projects = await historyProjects({ revisionCount, name: "startup", workDir });
  const label = `current, ${revisionCount} revisions, up to date`;
  try {
    await projects.kilnToHead();
    const kiln = await measure({ tool: "kiln", label, ...kilnCommand(["current"]), cwd: projects.kiln.dir, runs, log, verify: expectHead("kiln", projects.head) });
    const phases = await kilnPhases("current", projects.kiln.dir);
    await projects.alembicToHead();
    const alembic = await measure({ tool: "Alembic", label, ...alembicCommand(["current"]), cwd: projects.alembic.dir, runs, log, verify: expectHead("Alembic", projects.head) });
    return { workload: "startup", revisionCount, measurements: [kiln, alembic], phases };
  } finally {
    await dropScratchDatabase(projects.db.name);
  }
}
