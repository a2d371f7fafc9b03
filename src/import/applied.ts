/**
 * Which migrations of the imported history a database already ran, read from
 * the old tool's own table (left in place): drizzle's `__drizzle_migrations`
 * (file hash and the journal's `when`), Prisma's `_prisma_migrations` (folder
 * names), Flyway's `flyway_schema_history` (versions, undo rows included).
 */
import type { Connection, Dialect } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import { redactedMessage } from "../config/secrets.js";
import { flywayVersion } from "./sources/flyway.js";
import type { ImportSourceKind, SourceMigration } from "./types.js";

export const TOOL_TABLES: Partial<Record<ImportSourceKind, string>> = {
  drizzle: "__drizzle_migrations",
  prisma: "_prisma_migrations",
  flyway: "flyway_schema_history",
};

export interface AppliedHistory {
  /** The old tool's table, as `schema.table`. */
  table: string;
  /** How many rows of it say "applied". */
  rows: number;
  /** The last migration of the contiguous applied prefix of the history (undefined: none applied). */
  last?: SourceMigration;
  /** Applied according to the table, in history order. */
  applied: SourceMigration[];
  /** Why kiln will not stamp (a gap, rows for migrations the folder does not have), as a sentence; undefined when it can. */
  problem?: string;
  /** How the rows were matched (drizzle: by hash, or by `when` for a file edited since), for the report. */
  matchedBy?: string;
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "t" || value === "true" || (typeof value === "bigint" && value !== 0n);
}

/**
 * The tool's table in the database, if it is there (PostgreSQL: drizzle keeps it in
 * schema `drizzle`). `name` may be `schema.table` (a table configured under another name).
 */
async function findTable(dialect: Dialect, conn: Connection, name: string): Promise<{ schema: string; name: string } | undefined> {
  const dot = name.lastIndexOf(".");
  const schema = dot < 0 ? undefined : name.slice(0, dot);
  const table = (dot < 0 ? name : name.slice(dot + 1)).toLowerCase();
  const tables = await dialect.listTables(conn);
  const matches = tables.filter((t) => t.name.toLowerCase() === table && (schema === undefined || t.schema === schema));
  // drizzle's PostgreSQL migrator uses schema "drizzle"; prefer it, then any.
  return matches.find((t) => t.schema === "drizzle") ?? matches[0];
}

export async function readApplied(
  dialect: Dialect,
  conn: Connection,
  kind: ImportSourceKind,
  migrations: SourceMigration[],
  /** The tool's table when it was configured under another name (`table` or `schema.table`). */
  toolTable?: string,
): Promise<AppliedHistory | undefined> {
  const tableName = toolTable ?? TOOL_TABLES[kind];
  if (!tableName) return undefined;
  const found = await findTable(dialect, conn, tableName);
  if (!found) return undefined;
  const table = dialect.tableName(found.schema, found.name);
  const label = `${found.schema}.${found.name}`;
  const q = (name: string) => dialect.quoteIdentifier(name);
  let rows: Record<string, unknown>[];
  try {
    if (kind === "drizzle") rows = (await conn.query(`SELECT ${q("hash")}, ${q("created_at")} FROM ${table}`)).rows;
    else if (kind === "prisma") rows = (await conn.query(`SELECT ${q("migration_name")}, ${q("finished_at")}, ${q("rolled_back_at")} FROM ${table}`)).rows;
    else rows = (await conn.query(`SELECT ${q("version")}, ${q("type")}, ${q("success")} FROM ${table} ORDER BY ${q("installed_rank")}`)).rows;
  } catch (error) {
    throw new KilnError(`cannot read ${kind}'s table ${label}: ${redactedMessage(error)}`, { cause: error });
  }

  const appliedKeys = new Set<string>();
  const unknown: string[] = [];
  let matchedBy: string | undefined;
  if (kind === "drizzle") {
    const byHash = new Map(migrations.map((m) => [m.drizzleHash, m]));
    const byWhen = new Map(migrations.map((m) => [String(m.drizzleMillis), m]));
    let viaWhen = 0;
    for (const row of rows) {
      const hit = byHash.get(String(row.hash));
      const when = byWhen.get(String(row.created_at));
      if (hit) appliedKeys.add(hit.key);
      else if (when) {
        appliedKeys.add(when.key);
        viaWhen++;
      } else unknown.push(`hash ${String(row.hash).slice(0, 12)}… created_at ${String(row.created_at)}`);
    }
    matchedBy = viaWhen > 0 ? `file hash, and the journal's \`when\` for ${viaWhen} file(s) edited since they ran` : "file hash";
  } else if (kind === "prisma") {
    const known = new Set(migrations.map((m) => m.key));
    for (const row of rows) {
      const name = String(row.migration_name);
      if (row.finished_at === null || row.finished_at === undefined || (row.rolled_back_at !== null && row.rolled_back_at !== undefined)) continue;
      if (known.has(name)) appliedKeys.add(name);
      else unknown.push(name);
    }
    matchedBy = "migration name";
  } else {
    const known = new Set(migrations.map((m) => m.key));
    for (const row of rows) {
      if (row.version === null || row.version === undefined || !truthy(row.success)) continue;
      const version = flywayVersion(String(row.version));
      const type = String(row.type ?? "").toUpperCase();
      if (type.startsWith("UNDO")) appliedKeys.delete(version);
      else if (known.has(version)) appliedKeys.add(version);
      else if (type !== "BASELINE") unknown.push(`version ${version}`);
    }
    matchedBy = "version";
  }

  const applied = migrations.filter((m) => appliedKeys.has(m.key));
  let last: SourceMigration | undefined;
  let problem: string | undefined;
  for (const [i, m] of migrations.entries()) {
    if (appliedKeys.has(m.key)) last = m;
    else {
      const later = migrations.slice(i + 1).find((x) => appliedKeys.has(x.key));
      if (later) {
        problem = `${label} records ${later.file} as applied but not ${m.file}, which comes before it in the history`;
        break;
      }
      break;
    }
  }
  if (unknown.length > 0) {
    problem ??= `${label} records ${unknown.length} migration(s) that the imported folder does not have (${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? ", ..." : ""})`;
  }
  return { table: label, rows: rows.length, last, applied, problem, matchedBy };
}
