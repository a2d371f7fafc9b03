/**
 * Catalog rows one `kiln check` inserts and rolls back (dead rows until VACUUM)
 * on the varied workload, with and without the spelling cache:
 *
 *   node bench/dead-rows.mjs [TABLES] [--old=PATH/bin/kiln.js]
 *
 * --old also measures another build (e.g. a worktree of an older commit).
 * Counts come from pg_stat_sys_tables.n_tup_ins of the catalogs, in a database
 * of its own (kiln_bench_dead_N), before and after each run.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { ADMIN_URL, databaseUrl } from "./lib/pg.mjs";
import { KILN_BIN, createKilnProject } from "./peers/kiln.mjs";
import { variedKilnModels, variedSchema, variedSql } from "./workloads/varied-schema.mjs";
const N = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 300);
const old = process.argv.find((a) => a.startsWith("--old="))?.slice(6);
const name = `kiln_bench_dead_${N}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${name}`);
const url = databaseUrl(name);
const c = new pg.Client({ connectionString: url });
await c.connect();
const schema = variedSchema(N, 16);
const st = variedSql(schema).split(/;\n/).filter((s) => s.trim());
for (let i = 0; i < st.length; i += 100) await c.query(st.slice(i, i + 100).join(";\n"));
const dir = mkdtempSync(join(tmpdir(), "kiln-dead-rows-"));
rmSync(dir, { recursive: true, force: true });
const project = createKilnProject(dir, { url, models: variedKilnModels(schema) });
const counts = async () => {
  await new Promise((r) => setTimeout(r, 1500));
  const { rows } = await c.query("SELECT pg_stat_clear_snapshot(); SELECT relname, n_tup_ins::int FROM pg_stat_sys_tables WHERE relname IN ('pg_class','pg_attribute','pg_type','pg_constraint','pg_index','pg_depend','pg_attrdef') ORDER BY relname").then((r) => r[1] ?? r);
  return Object.fromEntries(rows.map((r) => [r.relname, r.n_tup_ins]));
};
const runs = [
  ...(old ? [[`${old}`, old, { KILN_SPELLING_CACHE: "off" }]] : []),
  ["this build, no spelling cache", KILN_BIN, { KILN_SPELLING_CACHE: "off" }],
  ["this build, cache of an earlier run", KILN_BIN, { KILN_SPELLING_CACHE: join(dir, "cache.json") }],
];
for (const [label, bin, env] of runs) {
  if (label.includes("earlier")) try { execFileSync(process.execPath, [bin, "check"], { cwd: dir, env: { ...process.env, ...env }, stdio: "ignore" }); } catch {}
  const before = await counts();
  try { execFileSync(process.execPath, [bin, "check"], { cwd: dir, env: { ...process.env, ...env }, stdio: "ignore" }); } catch {}
  const after = await counts();
  const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
  const total = Object.values(delta).reduce((a, b) => a + b, 0);
  console.log(`${N} tables, ${label}: ${total} catalog rows inserted and rolled back`, JSON.stringify(delta));
}
await c.end();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
await admin.end();
rmSync(dir, { recursive: true, force: true });
