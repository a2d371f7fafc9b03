/**
 * Where a kiln command's wall time goes. Run as a child process in a kiln
 * project folder:
 *
 *   node bench/lib/kiln-phases.mjs current|autogenerate|upgrade
 *
 * First it times the loading a command starts with (kiln's modules, tsx,
 * kiln.config.ts, the migrations folder, and the revision files or models the
 * command needs), one at a time. Then it runs the command through kiln's public
 * API, which finds all of that in the module cache, with the PostgreSQL
 * dialect wrapped to time connecting, introspect(), canonicalize() and every
 * statement. Prints JSON: {"phases":[{"name","ms","detail"?}],"statements","databaseMs","totalMs"}
 * (totalMs counts from process start, Node's own boot included).
 */
import { performance } from "node:perf_hooks";

// Time since the process started: Node's own boot, before any of kiln is loaded.
const phases = [{ name: "start Node", ms: performance.now() }];
async function phase(name, work) {
  const started = performance.now();
  const result = await work();
  phases.push({ name, ms: performance.now() - started });
  return result;
}

const dist = (path) => import(new URL(`../../dist/${path}`, import.meta.url).href);
const command = process.argv[2];
if (!["current", "autogenerate", "upgrade"].includes(command)) {
  throw new Error(`unknown command ${JSON.stringify(command)}: use current, autogenerate or upgrade`);
}

const kiln = await phase("import kiln's modules", async () => ({
  api: await dist("index.js"),
  postgres: await dist("dialects/postgres/index.js"),
  config: await dist("config/load.js"),
  loader: await dist("loader.js"),
  importer: await dist("revisions/import-module.js"),
  revisions: await dist("revisions/load.js"),
  graph: await dist("revisions/graph.js"),
}));

// Time spent inside the dialect during the command. Statements sent from inside
// introspect() or canonicalize() count as theirs; the others as "other statements".
const inside = { connect: 0, introspect: 0, canonicalize: 0, statements: 0, otherStatements: 0, otherStatementMs: 0 };
let inDialectCall = false;
const { postgresDialect } = kiln.postgres;
function timed(key, fn) {
  return async (...args) => {
    const started = performance.now();
    inDialectCall = true;
    try {
      return await fn(...args);
    } finally {
      inDialectCall = false;
      inside[key] += performance.now() - started;
    }
  };
}
const connect = postgresDialect.connect;
postgresDialect.connect = timed("connect", async (url) => {
  const conn = await connect(url);
  return {
    async query(sql, params) {
      const started = performance.now();
      const counted = !inDialectCall;
      try {
        return await conn.query(sql, params);
      } finally {
        inside.statements++;
        if (counted) {
          inside.otherStatements++;
          inside.otherStatementMs += performance.now() - started;
        }
      }
    },
    // A migration step on a server goes as one batch (one round trip): time it like a statement.
    ...(conn.runBatch
      ? {
          async runBatch(sqls) {
            const started = performance.now();
            try {
              return await conn.runBatch(sqls);
            } finally {
              inside.statements += sqls.length;
              if (!inDialectCall) {
                inside.otherStatements += sqls.length;
                inside.otherStatementMs += performance.now() - started;
              }
            }
          },
        }
      : {}),
    close: () => conn.close(),
  };
});
postgresDialect.introspect = timed("introspect", postgresDialect.introspect);
postgresDialect.canonicalize = timed("canonicalize", postgresDialect.canonicalize);

await phase("register the TypeScript loader (tsx)", () => kiln.importer.tsxImport());
const config = await phase("load kiln.config.ts", () => kiln.config.loadConfig({}));
const revisions = await phase("read the migrations folder and build the graph", async () => {
  const loaded = await kiln.revisions.loadRevisions(config.migrationsDir);
  kiln.graph.buildGraph(loaded);
  return loaded;
});
if (command === "upgrade") {
  await phase(`import the ${revisions.length} revision files (esbuild, or tsx for files with runtime imports)`, () =>
    kiln.revisions.loadAll(revisions),
  );
}
if (command === "autogenerate") {
  const { modelsToCatalog } = await dist("schema/to-catalog.js");
  const modules = await phase("import the models (schema.ts, tsx)", () => Promise.all(config.models.map((file) => kiln.loader.importModule(file))));
  await phase("turn the models into a catalog", () => modelsToCatalog(modules, config.naming));
}

const run = {
  current: () => kiln.api.current({}),
  autogenerate: () => kiln.api.revision({ autogenerate: true, message: "bench phases" }),
  upgrade: () => kiln.api.upgrade({ target: "head", write: () => undefined }),
}[command];
const before = { ...inside };
await phase(`run \`${command}\` through the API (what was loaded above is now cached)`, run);
const commandMs = phases[phases.length - 1].ms;
const spent = (key) => inside[key] - before[key];
const parts = [
  ["connect", spent("connect")],
  ["introspect() (with its statements)", spent("introspect")],
  ["canonicalize() (with its statements)", spent("canonicalize")],
  [`${spent("otherStatements")} other statements (waiting for the server)`, spent("otherStatementMs")],
].filter(([, ms]) => ms > 0);
for (const [name, ms] of parts) phases.push({ name: `of which ${name}`, ms, detail: true });
phases.push({ name: "of which kiln's own work (the rest)", ms: commandMs - parts.reduce((sum, [, ms]) => sum + ms, 0), detail: true });

process.stdout.write(JSON.stringify({ phases, statements: spent("statements"), totalMs: performance.now() }) + "\n");
