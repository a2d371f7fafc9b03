/**
 * What the matrix scenarios share: reading a database back (directly, and through
 * kiln's introspection for whole-catalog comparisons), and the checks every
 * CLI call gets.
 */
import { afterAll, beforeAll, expect } from "vitest";
import type { Catalog } from "../../../src/catalog/types.js";
import { parseDatabaseUrl } from "../../../src/config/url.js";
import { dialectFor } from "../../../src/dialects/index.js";
import { createProject, type CliResult, type TestProject } from "../../helpers/project.js";
import { queryDb } from "../../helpers/query.js";
import { isAvailable, type CheckViolation, type MatrixDatabase, type ScratchTarget } from "./databases.js";

/**
 * Per-test limit for scenarios that run the CLI several times in a row: each run
 * starts Node (and PGlite's WebAssembly PostgreSQL), several seconds on a busy machine.
 */
export const SCENARIO_TIMEOUT_MS = 240_000;

export interface Scenario {
  target: ScratchTarget;
  project: TestProject;
}

/**
 * A fresh database and a kiln project on it, shared by the tests of one describe
 * block and removed after them (left unset when the database is unavailable).
 * `prepare` fills the project (models, revision files) before the first test.
 */
export function scenarioOn(db: MatrixDatabase, prepare: (project: TestProject) => void): Scenario {
  const scenario = {} as Scenario;
  beforeAll(async () => {
    if (!isAvailable(db)) return;
    scenario.target = await db.create();
    scenario.project = createProject({ url: scenario.target.url });
    prepare(scenario.project);
  });
  afterAll(async () => {
    scenario.project?.remove();
    await scenario.target?.drop();
  });
  return scenario;
}

export const VERSION_TABLE = "kiln_version";
export const HISTORY_TABLE = "kiln_history";

/** The schema as kiln reads it, without kiln's own tables. */
export async function introspectUrl(url: string): Promise<Catalog> {
  const parsed = parseDatabaseUrl(url);
  const dialect = await dialectFor(parsed);
  const conn = await dialect.connect(parsed);
  try {
    return await dialect.introspect(conn, { excludeTables: [VERSION_TABLE, HISTORY_TABLE] });
  } finally {
    await conn.close();
  }
}

export async function tableNames(db: MatrixDatabase, url: string): Promise<string[]> {
  return (await queryDb(url, db.tableNamesSql)).map((row) => String(row.name));
}

export async function versionRows(url: string): Promise<string[]> {
  return (await queryDb(url, `SELECT version_num FROM ${VERSION_TABLE} ORDER BY version_num`)).map((row) => String(row.version_num));
}

/** How many 'up' history rows each revision has. */
export async function upCounts(url: string): Promise<Record<string, number>> {
  const rows = await queryDb(url, `SELECT revision FROM ${HISTORY_TABLE} WHERE direction = 'up'`);
  const counts: Record<string, number> = {};
  for (const row of rows) counts[String(row.revision)] = (counts[String(row.revision)] ?? 0) + 1;
  return counts;
}

export interface DatabaseError extends CheckViolation {
  message: string;
}

/** Runs `sql` directly (not through kiln); the error the database raised, or undefined. */
export async function errorOf(url: string, sql: string): Promise<DatabaseError | undefined> {
  try {
    await queryDb(url, sql);
    return undefined;
  } catch (error) {
    const e = error as { message?: string; code?: unknown; errno?: unknown; sqlState?: unknown };
    return {
      message: String(e.message ?? error),
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      ...(typeof e.errno === "number" ? { errno: e.errno } : {}),
      ...(typeof e.sqlState === "string" ? { sqlState: e.sqlState } : {}),
    };
  }
}

/** A CLI run that must succeed; on failure the assertion shows what kiln printed. */
export function expectSuccess(result: CliResult, what: string): void {
  expect(result.code, `${what} failed:\n${result.stderr}\n${result.stdout}`).toBe(0);
}

/** The revision id `kiln revision` reports as created, or undefined when it wrote none. */
export function createdRevision(result: CliResult): string | undefined {
  return /created revision (\w+)/.exec(result.stderr + result.stdout)?.[1];
}
