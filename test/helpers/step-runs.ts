/**
 * For tests that run a plan of steps through the runner in-process: a
 * migrations folder of revisions in a chain, a connection that counts what
 * goes to the server (statements one by one, and batches), a PostgreSQL run
 * of a folder, and what the database holds afterwards.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import type { Connection } from "../../src/dialects/types.js";
import { buildGraph } from "../../src/revisions/graph.js";
import { loadRevisions } from "../../src/revisions/load.js";
import { planUpgrade } from "../../src/revisions/resolve.js";
import type { Reporter } from "../../src/runtime/reporter.js";
import { type OnlineTarget, runOnline } from "../../src/runtime/runner.js";
import { revisionSource } from "./project.js";
import { queryDb } from "./query.js";

/** The revision id of the n-th step of a chain. */
export const stepId = (n: number) => `step${String(n).padStart(8, "0")}`;

/** Makes migrations folders under `root`, each one revision per upgrade body, in a chain. */
export function chainFolders(root: string): (bodies: string[]) => string {
  let folderCount = 0;
  return (bodies) => {
    const dir = join(root, `f${++folderCount}`, "migrations");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "..", "package.json"), JSON.stringify({ type: "module" }));
    bodies.forEach((upgrade, i) => {
      writeFileSync(join(dir, `${i + 1}.ts`), revisionSource({ revision: stepId(i + 1), downRevision: i === 0 ? null : stepId(i), upgrade }));
    });
    return dir;
  };
}

/** The connection, counting what goes to the server. */
export function countedConnection(conn: Connection) {
  const counts = { queries: 0, batches: 0 };
  const wrapped: Connection = {
    query: (sql, params) => {
      counts.queries++;
      return conn.query(sql, params);
    },
    runBatch: (sqls) => {
      counts.batches++;
      return conn.runBatch!(sqls);
    },
    close: () => conn.close(),
  };
  return { conn: wrapped, counts };
}

const TABLES = { versionTable: "kiln_version", historyTable: "kiln_history" };

/** A run on PostgreSQL over `conn` of the revisions in `folder`, kiln's tables created with the first step. */
export async function postgresTarget(folder: string, conn: Connection, reporter: Reporter): Promise<OnlineTarget> {
  const revisions = await loadRevisions(folder);
  return {
    dialect: postgresDialect,
    conn,
    tables: TABLES,
    graph: buildGraph(revisions),
    revisions: new Map(revisions.map((r) => [r.revision, r])),
    reporter,
    settings: { lockTimeoutMs: 5000, statementTimeoutMs: 0, lockRetries: 0 },
    pendingBookkeeping: postgresDialect.bookkeepingDDL(TABLES),
  };
}

/** Upgrades the target from `heads` to head; the heads after. */
export const upgradeToHead = (t: OnlineTarget, heads: string[] = []) => runOnline(t, planUpgrade(t.graph, heads, "head"), heads);

/** The tables of the public schema, by name. */
export const publicTables = async (url: string) =>
  (await queryDb(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).map((r) => r.tablename);

/** The version table's rows. */
export const versionRows = async (url: string) => (await queryDb(url, "SELECT version_num FROM kiln_version")).map((r) => r.version_num);
