/**
 * Workload 1: autogenerate against a large schema (N tables created by SQL; the
 * models equal the database plus one column). Measures kiln revision
 * --autogenerate, alembic revision --autogenerate, drizzle-kit pull and
 * pg_dump --schema-only on the same database, and counts the statements kiln
 * and Alembic send.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { measure, runOnce } from "../lib/measure.mjs";
import { profileRun } from "../lib/profile.mjs";
import { createScratchDatabase, countTables, dropScratchDatabase, runSql } from "../lib/pg.mjs";
import { kilnAutogenerateQueries, kilnPhases } from "../lib/kiln-diagnostics.mjs";
import { alembicCommand, createAlembicProject } from "../peers/alembic.mjs";
import { drizzlePullCommand, pulledTableCount, resetDir } from "../peers/drizzle.mjs";
import { createKilnProject, kilnCommand } from "../peers/kiln.mjs";
import { pgDumpSchemaCommand } from "../peers/postgres-tools.mjs";
import { kilnModels, largeSchema, schemaSql, sqlalchemyModels } from "../workloads/large-schema.mjs";

function emptyFolder(dir) {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

function onlyFile(dir, what) {
  const files = readdirSync(dir).filter((name) => /\.(ts|py)$/.test(name));
  if (files.length !== 1) throw new Error(`${what} wrote ${files.length} revision files in ${dir}, expected 1`);
  return readFileSync(join(dir, files[0]), "utf8");
}

/** The upgrade body between `upgrade` and `downgrade`, in either language. */
function upgradeBody(source) {
  const start = source.search(/(async upgrade\(op\)|def upgrade\(\))/);
  const end = source.search(/(async downgrade\(op\)|def downgrade\(\))/);
  return source.slice(start, end);
}

/** Throws unless the revision adds exactly the one column and does nothing else. */
function expectOneAddedColumn(source, schema, tool, callPattern) {
  const body = upgradeBody(source);
  const calls = body.match(callPattern) ?? [];
  const addsColumn = body.includes(schema.changedTable) && body.includes(schema.addedColumn);
  if (calls.length !== 1 || !addsColumn) {
    throw new Error(`${tool} autogenerate did not produce exactly "add column ${schema.changedTable}.${schema.addedColumn}":\n${body}`);
  }
}

/**
 * drizzle-kit pull sends a few information_schema queries per table; at 1,000
 * tables one run takes minutes. A run longer than this is stopped and reported
 * as "more than"; drizzle-kit also gets the slow measurements' run count.
 */
const DRIZZLE_TIME_LIMIT_MS = 120_000;

export async function autogenerateSuite({ tableCount, runs, slowRuns, workDir, log, profile = false }) {
  const schema = largeSchema(tableCount);
  const db = await createScratchDatabase(`autogen_${tableCount}`);
  log(`autogenerate, ${tableCount} tables: creating the schema in ${db.name}`);
  await runSql(db.url, schemaSql(schema));
  if ((await countTables(db.url)) !== tableCount) throw new Error(`expected ${tableCount} tables in ${db.name}`);

  const root = join(workDir, `autogen-${tableCount}`);
  const kiln = createKilnProject(join(root, "kiln"), { url: db.url, models: kilnModels(schema) });
  const alembic = createAlembicProject(join(root, "alembic"), { url: db.url, models: sqlalchemyModels(schema) });
  const drizzleOut = join(root, "drizzle");

  // Every run starts from the same database: Alembic's autogenerate leaves an empty alembic_version table behind.
  const cleanDatabase = () => runSql(db.url, "DROP TABLE IF EXISTS alembic_version");
  const label = `autogenerate, ${tableCount} tables`;
  const measurements = [];
  try {
    const kilnRun = kilnCommand(["revision", "--autogenerate", "-m", "bench"]);
    measurements.push(
      await measure({
        tool: "kiln",
        label,
        ...kilnRun,
        cwd: kiln.dir,
        runs,
        log,
        prepare: async () => {
          emptyFolder(kiln.migrationsDir);
          await cleanDatabase();
        },
        verify: () => expectOneAddedColumn(onlyFile(kiln.migrationsDir, "kiln"), schema, "kiln", /await op\./g),
      }),
    );

    const alembicRun = alembicCommand(["revision", "--autogenerate", "-m", "bench"]);
    measurements.push(
      await measure({
        tool: "Alembic",
        label,
        ...alembicRun,
        cwd: alembic.dir,
        runs,
        log,
        prepare: async () => {
          emptyFolder(alembic.versionsDir);
          await cleanDatabase();
        },
        verify: () => expectOneAddedColumn(onlyFile(alembic.versionsDir, "Alembic"), schema, "Alembic", /^\s+op\./gm),
      }),
    );

    const pull = drizzlePullCommand(db.url, drizzleOut);
    measurements.push(
      await measure({
        tool: "drizzle-kit pull",
        label,
        ...pull,
        cwd: root,
        runs: Math.min(runs, slowRuns),
        timeoutMs: DRIZZLE_TIME_LIMIT_MS,
        log,
        prepare: async () => {
          resetDir(drizzleOut);
          await cleanDatabase();
        },
        verify: () => {
          const pulled = pulledTableCount(drizzleOut);
          if (pulled !== tableCount) throw new Error(`drizzle-kit pull wrote ${pulled} tables, expected ${tableCount}`);
        },
      }),
    );

    const dump = pgDumpSchemaCommand(db.name);
    measurements.push(
      await measure({
        tool: "pg_dump --schema-only",
        label,
        ...dump,
        runs,
        log,
        prepare: cleanDatabase,
        verify: ({ stdout }) => {
          const tables = (stdout.match(/^CREATE TABLE /gm) ?? []).length;
          if (tables !== tableCount) throw new Error(`pg_dump printed ${tables} CREATE TABLE, expected ${tableCount}`);
        },
      }),
    );

    const queries = await countQueries({ kilnDir: kiln.dir, kilnMigrations: kiln.migrationsDir, alembic, cleanDatabase });
    let diagnostics;
    if (profile) {
      log(`  profiling kiln ${label}`);
      await cleanDatabase();
      emptyFolder(kiln.migrationsDir);
      diagnostics = {
        phases: await kilnPhases("autogenerate", kiln.dir),
        profile: await profileRun({ args: kilnRun.args, cwd: kiln.dir, prepare: () => emptyFolder(kiln.migrationsDir) }),
      };
    }
    return { workload: "autogenerate", tableCount, measurements, queries, ...diagnostics };
  } finally {
    await dropScratchDatabase(db.name);
  }
}

/** Statements sent by one autogenerate run of kiln (by phase) and of Alembic. */
async function countQueries({ kilnDir, kilnMigrations, alembic, cleanDatabase }) {
  emptyFolder(kilnMigrations);
  await cleanDatabase();
  const kilnCount = await kilnAutogenerateQueries(kilnDir);
  emptyFolder(alembic.versionsDir);
  await cleanDatabase();
  const logFile = join(alembic.dir, "query-count.txt");
  const run = alembicCommand(["revision", "--autogenerate", "-m", "bench"]);
  await runOnce(run.command, run.args, { cwd: alembic.dir, env: { BENCH_QUERY_LOG: logFile } });
  const alembicCount = Number(readFileSync(logFile, "utf8"));
  return { kiln: kilnCount, alembic: alembicCount };
}
