/** A kiln project and an Alembic project holding the same generated history, on one scratch database. */
import { join } from "node:path";
import { runOnce } from "../lib/measure.mjs";
import { countTables, createScratchDatabase, resetPublicSchema } from "../lib/pg.mjs";
import { alembicCommand, createAlembicProject } from "../peers/alembic.mjs";
import { createKilnProject, kilnCommand } from "../peers/kiln.mjs";
import { historySteps, writeAlembicHistory, writeKilnHistory } from "../workloads/history.mjs";

export async function historyProjects({ revisionCount, name, workDir }) {
  const steps = historySteps(revisionCount);
  const db = await createScratchDatabase(name);
  const root = join(workDir, name);
  const kiln = createKilnProject(join(root, "kiln"), { url: db.url });
  writeKilnHistory(kiln.migrationsDir, steps);
  const alembic = createAlembicProject(join(root, "alembic"), { url: db.url });
  writeAlembicHistory(alembic.versionsDir, steps);
  const userTables = Math.ceil(revisionCount / 2);
  const head = steps[steps.length - 1].id;

  return {
    db,
    root,
    kiln,
    alembic,
    head,
    reset: () => resetPublicSchema(db.url),
    /** Throws unless the database holds the history's tables plus `bookkeeping` tables of the tool. */
    async expectMigrated(tool, bookkeeping) {
      const tables = await countTables(db.url);
      if (tables !== userTables + bookkeeping) {
        throw new Error(`after ${tool}, ${db.name} has ${tables} tables; expected ${userTables} + ${bookkeeping} bookkeeping`);
      }
    },
    /** Brings the database to head with kiln (untimed set-up). */
    async kilnToHead() {
      await resetPublicSchema(db.url);
      const run = kilnCommand(["upgrade", "head"]);
      await runOnce(run.command, run.args, { cwd: kiln.dir });
    },
    /** Brings the database to head with Alembic (untimed set-up). */
    async alembicToHead() {
      await resetPublicSchema(db.url);
      const run = alembicCommand(["upgrade", "head"]);
      await runOnce(run.command, run.args, { cwd: alembic.dir });
    },
  };
}

/** Throws unless a `current` command's output names the head revision. */
export function expectHead(tool, head) {
  return ({ stdout, stderr }) => {
    if (!`${stdout}\n${stderr}`.includes(head)) throw new Error(`${tool} current did not report ${head}:\n${stdout}${stderr}`);
  };
}
