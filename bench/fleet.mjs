#!/usr/bin/env node
/**
 * Fleet benchmark (issue 18, docs/fleets.md): on the local servers,
 *   1. 200 PostgreSQL databases, 50 MariaDB databases and 500 tenant schemas in
 *      one PostgreSQL database, from base to head with `kiln upgrade head --all
 *      --parallel 8` (one config, 750 targets); `current --all --json` after it;
 *      the second run, which has nothing to do;
 *   2. `kiln current --all` on the 200 up-to-date PostgreSQL databases;
 *   3. one small revision on the 200 databases: `upgrade head --all --parallel 8`
 *      against 200 sequential `kiln upgrade head` runs (one process per database,
 *      as a shell loop would do it), and `--parallel 1` in one process.
 * Every database and schema it makes is dropped at the end (and leftovers of an
 * interrupted run at the start). Prints a Markdown table for docs/benchmarks.md.
 *
 *   node bench/fleet.mjs [--pg=200] [--mariadb=50] [--schemas=500] [--parallel=8]
 *
 * Needs `npm run build` first, PostgreSQL at KILN_BENCH_PG (default
 * postgres://postgres@127.0.0.1:5432/postgres) and MariaDB at KILN_BENCH_MYSQL
 * (default mysql://root@127.0.0.1:3306/mysql).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import mysql from "mysql2/promise";
import pg from "pg";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const KILN = join(ROOT, "bin", "kiln.js");
const PG_ADMIN = process.env.KILN_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";
const MYSQL_ADMIN = process.env.KILN_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306/mysql";
const PREFIX = "kiln_bench_fleet_";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const PG_COUNT = Number(args.pg ?? 200);
const MARIADB_COUNT = Number(args.mariadb ?? 50);
const SCHEMA_COUNT = Number(args.schemas ?? 500);
const PARALLEL = Number(args.parallel ?? 8);

const log = (line) => process.stderr.write(`${line}\n`);
const urlFor = (admin, database) => {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.toString();
};
const pad = (n) => String(n).padStart(3, "0");

async function pgAdmin(sql) {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function cleanup() {
  const rows = await pgAdmin(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`);
  for (const { datname } of rows) await pgAdmin(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  const conn = await mysql.createConnection({ uri: MYSQL_ADMIN });
  try {
    const [dbs] = await conn.query("SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE ?", [`${PREFIX}%`]);
    for (const { name } of dbs) await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
  return rows.length;
}

function revision(id, down, message, upgrade, downgrade) {
  return `export default {
  revision: ${JSON.stringify(id)},
  downRevision: ${JSON.stringify(down)},
  message: ${JSON.stringify(message)},
  async upgrade(op) { ${upgrade} },
  async downgrade(op) { ${downgrade} },
};
`;
}

function project(url, targets) {
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-fleet-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "kiln-migrate"), "dir");
  mkdirSync(join(dir, "migrations"));
  const write = (name, text) => writeFileSync(join(dir, name), text);
  write("kiln.config.mjs", `export default ${JSON.stringify({ url, migrations: "migrations", targets }, null, 2)};\n`);
  write("migrations/b1_items.mjs", revision("b1", null, "items", `await op.createTable("items", { id: { type: "integer", primaryKey: true }, name: { type: "varchar(60)" } });`, `await op.dropTable("items");`));
  write("migrations/b2_row.mjs", revision("b2", "b1", "first row", `await op.bulkInsert("items", [{ id: 1, name: op.target ?? "" }]);`, `await op.execute("DELETE FROM items WHERE id = 1");`));
  write("migrations/b3_note.mjs", revision("b3", "b2", "note", `await op.addColumn("items", "note", { type: "varchar(20)" });`, `await op.dropColumn("items", "note");`));
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function kiln(dir, argv, env = {}) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const childEnv = { ...process.env, NO_COLOR: "1", ...env };
    if (!("DATABASE_URL" in env)) delete childEnv.DATABASE_URL;
    execFile(process.execPath, [KILN, ...argv], { cwd: dir, env: childEnv, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr, ms: performance.now() - started });
    });
  });
}

function must(result, what) {
  if (result.code !== 0) {
    log(result.stderr.split("\n").slice(-15).join("\n"));
    throw new Error(`${what} exited ${result.code}`);
  }
  return result;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const dropped = await cleanup();
  if (dropped) log(`dropped ${dropped} leftover database(s) of an earlier run`);
  const rows = [];
  const started = performance.now();
  let fleet;
  let pgOnly;
  try {
    log(`creating ${PG_COUNT} PostgreSQL databases, ${MARIADB_COUNT} MariaDB databases and ${SCHEMA_COUNT} schemas...`);
    const pgNames = Array.from({ length: PG_COUNT }, (_, i) => `${PREFIX}pg_${pad(i + 1)}`);
    for (const name of pgNames) await pgAdmin(`CREATE DATABASE "${name}"`);
    const mariaNames = Array.from({ length: MARIADB_COUNT }, (_, i) => `${PREFIX}maria_${pad(i + 1)}`);
    const conn = await mysql.createConnection({ uri: MYSQL_ADMIN });
    for (const name of mariaNames) await conn.query(`CREATE DATABASE \`${name}\``);
    await conn.end();
    const tenantDb = `${PREFIX}tenants`;
    await pgAdmin(`CREATE DATABASE "${tenantDb}"`);
    const schemas = Array.from({ length: SCHEMA_COUNT }, (_, i) => `tenant_${pad(i + 1)}`);
    const tenants = new pg.Client({ connectionString: urlFor(PG_ADMIN, tenantDb) });
    await tenants.connect();
    await tenants.query(schemas.map((s) => `CREATE SCHEMA "${s}"`).join("; "));
    await tenants.end();

    const pgUrls = pgNames.map((n) => urlFor(PG_ADMIN, n));
    const mariaUrls = mariaNames.map((n) => urlFor(MYSQL_ADMIN, n).replace(/^mysql:/, "mariadb:"));
    const total = PG_COUNT + MARIADB_COUNT + SCHEMA_COUNT;
    fleet = project(urlFor(PG_ADMIN, tenantDb), [...pgUrls, ...mariaUrls, ...schemas]);

    log(`1. upgrade head --all --parallel ${PARALLEL}: ${total} targets, base -> head (3 revisions)`);
    const up = must(await kiln(fleet.dir, ["upgrade", "head", "--all", "--parallel", String(PARALLEL), "--json"]), "upgrade --all");
    const upDoc = JSON.parse(up.stdout);
    if (upDoc.summary.changed !== total) throw new Error(`expected ${total} targets upgraded, got ${JSON.stringify(upDoc.summary)}`);
    rows.push([`upgrade head --all --parallel ${PARALLEL}: ${PG_COUNT} PostgreSQL + ${MARIADB_COUNT} MariaDB databases + ${SCHEMA_COUNT} tenant schemas, base -> head (3 revisions, ${total * 3} steps)`, seconds(up.ms)]);
    const cur = must(await kiln(fleet.dir, ["current", "--all", "--parallel", String(PARALLEL), "--json"]), "current --all");
    const atHead = JSON.parse(cur.stdout).targets.filter((t) => t.upToDate).length;
    if (atHead !== total) throw new Error(`current --all: ${atHead} of ${total} at head`);
    rows.push([`current --all --json on those ${total} targets (all at head)`, seconds(cur.ms)]);
    const again = must(await kiln(fleet.dir, ["upgrade", "head", "--all", "--parallel", String(PARALLEL)]), "second upgrade --all");
    if (!again.stderr.includes("nothing to do")) throw new Error("the second run did not say nothing to do");
    rows.push([`second upgrade head --all --parallel ${PARALLEL} on the ${total} targets (nothing to do, says so)`, seconds(again.ms)]);

    pgOnly = project(urlFor(PG_ADMIN, pgNames[0]), pgUrls);
    log(`2. current --all on ${PG_COUNT} up-to-date PostgreSQL databases`);
    for (const parallel of [4, PARALLEL]) {
      const times = [];
      for (let i = 0; i < 3; i++) times.push(must(await kiln(pgOnly.dir, ["current", "--all", "--parallel", String(parallel)]), "current --all").ms);
      times.sort((a, b) => a - b);
      rows.push([`current --all --parallel ${parallel} on ${PG_COUNT} up-to-date PostgreSQL databases (median of 3, whole process)`, seconds(times[1])]);
    }

    log(`3. one small revision on ${PG_COUNT} PostgreSQL databases`);
    const small = (id, down, column) =>
      revision(id, down, `add ${column}`, `await op.addColumn("items", ${JSON.stringify(column)}, { type: "integer" });`, `await op.dropColumn("items", ${JSON.stringify(column)});`);
    pgOnly.write("migrations/b4_small.mjs", small("b4", "b3", "small_a"));
    const fleetRun = must(await kiln(pgOnly.dir, ["upgrade", "head", "--all", "--parallel", String(PARALLEL)]), "upgrade --all (b4)");
    rows.push([`one small revision (add a column) on ${PG_COUNT} databases: upgrade head --all --parallel ${PARALLEL}`, seconds(fleetRun.ms)]);
    pgOnly.write("migrations/b5_small.mjs", small("b5", "b4", "small_b"));
    const one = must(await kiln(pgOnly.dir, ["upgrade", "head", "--all", "--parallel", "1"]), "upgrade --all --parallel 1 (b5)");
    rows.push([`the next small revision on the ${PG_COUNT} databases: upgrade head --all --parallel 1 (one process, one at a time)`, seconds(one.ms)]);
    pgOnly.write("migrations/b6_small.mjs", small("b6", "b5", "small_c"));
    const t0 = performance.now();
    for (const url of pgUrls) must(await kiln(pgOnly.dir, ["upgrade", "head"], { DATABASE_URL: url }), `upgrade head on ${url}`);
    rows.push([`the next small revision on the ${PG_COUNT} databases: ${PG_COUNT} sequential \`kiln upgrade head\` processes (DATABASE_URL each)`, seconds(performance.now() - t0)]);
  } finally {
    fleet?.remove();
    pgOnly?.remove();
    log(`dropping what the benchmark made...`);
    await cleanup();
  }
  const pgVersion = (await pgAdmin("SHOW server_version"))[0].server_version;
  console.log(`| measurement | time |\n|---|---|\n${rows.map(([what, time]) => `| ${what} | ${time} |`).join("\n")}`);
  console.log(`\n${cpus().length} CPU(s), load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end, PostgreSQL ${pgVersion}, Node ${process.version}; whole benchmark ${seconds(performance.now() - started)}.`);
}

main().catch((error) => {
  log(`bench/fleet.mjs failed: ${error.message}`);
  process.exitCode = 1;
});
