/**
 * Workload 3: a long history. `upgrade head` from an empty database through N
 * small revisions with kiln and with Alembic, against the floor: psql -f of
 * the script `kiln upgrade head --sql` prints (the same statements, version
 * table updates and per-revision transactions, with no tool in between).
 * Then current, history and heads on that folder.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kilnPhases } from "../lib/kiln-diagnostics.mjs";
import { measure } from "../lib/measure.mjs";
import { profileRun } from "../lib/profile.mjs";
import { dropScratchDatabase } from "../lib/pg.mjs";
import { alembicCommand } from "../peers/alembic.mjs";
import { kilnCommand } from "../peers/kiln.mjs";
import { psqlFileCommand } from "../peers/postgres-tools.mjs";
import { expectHead, historyProjects } from "./history-projects.mjs";

function expectLines(tool, command, atLeast) {
  return ({ stdout }) => {
    const lines = stdout.split("\n").filter((line) => line.trim() !== "").length;
    if (lines < atLeast) throw new Error(`${tool} ${command} printed ${lines} lines, expected at least ${atLeast}`);
  };
}

export async function longHistorySuite({ revisionCount, runs, slowRuns, workDir, log, profile = false }) {
  log(`long history: ${revisionCount} revisions`);
  const p = await historyProjects({ revisionCount, name: "history", workDir });
  const upgradeLabel = `upgrade head, ${revisionCount} revisions, empty database`;
  const n = revisionCount;
  const measurements = [];
  const add = async (spec) => {
    const m = await measure({ runs, log, ...spec });
    measurements.push(m);
    return m;
  };
  try {
    const kilnUpgrade = kilnCommand(["upgrade", "head"]);
    await add({ tool: "kiln", label: upgradeLabel, ...kilnUpgrade, cwd: p.kiln.dir, runs: slowRuns, prepare: p.reset, verify: () => p.expectMigrated("kiln", 2) });

    // The database is at head (kiln) now.
    await add({ tool: "kiln", label: `current, ${n} revisions`, ...kilnCommand(["current"]), cwd: p.kiln.dir, verify: expectHead("kiln", p.head) });
    await add({ tool: "kiln", label: `history, ${n} revisions`, ...kilnCommand(["history"]), cwd: p.kiln.dir, verify: expectLines("kiln", "history", n) });
    await add({ tool: "kiln", label: `heads, ${n} revisions`, ...kilnCommand(["heads"]), cwd: p.kiln.dir, verify: expectHead("kiln", p.head) });

    const offline = await add({
      tool: "kiln",
      label: `upgrade head --sql (writes the script), ${n} revisions`,
      ...kilnCommand(["upgrade", "head", "--sql"]),
      cwd: p.kiln.dir,
      verify: ({ stdout }) => {
        if (!stdout.includes(p.head)) throw new Error(`kiln upgrade head --sql did not reach ${p.head}`);
      },
    });
    const script = join(p.root, "upgrade.sql");
    writeFileSync(script, offline.last.stdout);
    await add({ tool: "psql -f (kiln's --sql script)", label: upgradeLabel, ...psqlFileCommand(p.db.name, script), runs: slowRuns, prepare: p.reset, verify: () => p.expectMigrated("psql", 2) });

    await add({ tool: "Alembic", label: upgradeLabel, ...alembicCommand(["upgrade", "head"]), cwd: p.alembic.dir, runs: slowRuns, prepare: p.reset, verify: () => p.expectMigrated("Alembic", 1) });
    await add({ tool: "Alembic", label: `current, ${n} revisions`, ...alembicCommand(["current"]), cwd: p.alembic.dir, verify: expectHead("Alembic", p.head) });
    await add({ tool: "Alembic", label: `history, ${n} revisions`, ...alembicCommand(["history"]), cwd: p.alembic.dir, verify: expectLines("Alembic", "history", n) });
    await add({ tool: "Alembic", label: `heads, ${n} revisions`, ...alembicCommand(["heads"]), cwd: p.alembic.dir, verify: expectHead("Alembic", p.head) });

    let diagnostics;
    if (profile) {
      log(`  profiling kiln ${upgradeLabel}`);
      await p.reset();
      diagnostics = {
        phases: await kilnPhases("upgrade", p.kiln.dir),
        profile: await profileRun({ args: kilnUpgrade.args, cwd: p.kiln.dir, prepare: p.reset }),
      };
    }
    return { workload: "history", revisionCount, measurements, ...diagnostics };
  } finally {
    await dropScratchDatabase(p.db.name);
  }
}
