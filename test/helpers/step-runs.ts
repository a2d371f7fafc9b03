/**
 * For tests that run a plan of steps through the runner in-process: a
 * migrations folder of revisions in a chain, and a connection that counts what
 * goes to the server (statements one by one, and batches).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Connection } from "../../src/dialects/types.js";
import { revisionSource } from "./project.js";

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
