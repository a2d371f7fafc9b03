/**
 * The round trip of issue 13 on one SQLite schema, through the real CLI:
 *
 *   load the SQL into a fresh database file -> snapshot -> a kiln project whose
 *   models declare nothing (or what the caller gives) -> `kiln revision
 *   --autogenerate` -> `kiln upgrade head` -> `kiln downgrade -1` -> snapshot ->
 *   line-for-line diff of the two snapshots.
 *
 * The snapshot is every object's `sqlite_schema` row (type, name, table, SQL
 * text) and, for every table, PRAGMA foreign_key_list, index_list (with each
 * index's index_xinfo) and table_xinfo: what `.schema` shows and what SQLite
 * enforces. kiln's own tables are left out.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { createTwoFilesPatch } from "diff";
import { type CliResult, createProject, type TestProject, warningLines } from "./project.js";

/** The schema of the database file, one line per fact, in a fixed order. */
export function sqliteSnapshot(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const lines: string[] = [];
    const objects = db
      // kiln's own tables, their indexes, and the sqlite_sequence table kiln's history table brings along.
      .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name NOT LIKE 'kiln\\_%' ESCAPE '\\' AND name <> 'sqlite_sequence' ORDER BY type, name")
      .all() as { type: string; name: string; tbl_name: string; sql: string | null }[];
    for (const o of objects) lines.push(`${o.type} ${o.name} on ${o.tbl_name}:`, ...(o.sql ?? "(no sql)").split("\n").map((l) => `  ${l}`));
    for (const t of objects.filter((o) => o.type === "table")) {
      const pragma = (sql: string, ...args: unknown[]) => db.prepare(sql).all(...args).map((r) => JSON.stringify(r));
      lines.push(`table_xinfo ${t.name}:`, ...pragma("SELECT * FROM pragma_table_xinfo(?)", t.name));
      lines.push(`foreign_key_list ${t.name}:`, ...pragma("SELECT * FROM pragma_foreign_key_list(?)", t.name));
      const indexes = db.prepare("SELECT * FROM pragma_index_list(?) ORDER BY name").all(t.name) as { name: string }[];
      for (const index of indexes) {
        // seq is the position in the list, which follows creation order: left out, the name orders them.
        const { seq: _seq, ...rest } = index as Record<string, unknown>;
        lines.push(`index_list ${t.name}: ${JSON.stringify(rest)}`, ...pragma("SELECT * FROM pragma_index_xinfo(?)", index.name));
      }
    }
    return `${lines.join("\n")}\n`;
  } finally {
    db.close();
  }
}

export interface SqliteRoundTrip {
  before: string;
  after?: string;
  /** Unified diff of the two snapshots; "" when identical. */
  diff: string;
  /** Every `warning:` line kiln printed (revision, upgrade, downgrade), without the prefix. */
  warnings: string[];
  steps: (CliResult & { args: string[] })[];
  /** The first CLI step that exited non-zero. */
  failedStep?: string;
  revision?: string;
  project: TestProject;
  file: string;
}

/** Load `sql` into a new database file in a new project; run the round trip; the caller removes `project`. */
export async function sqliteRoundTrip(options: { sql: string; models?: string }): Promise<SqliteRoundTrip> {
  const project = createProject({ url: "sqlite://./app.db", models: options.models ?? "// Declares nothing: the revision drops every table.\nexport {};\n" });
  const file = join(project.dir, "app.db");
  const db = new Database(file);
  db.exec(options.sql);
  db.close();
  const before = sqliteSnapshot(file);
  const result: SqliteRoundTrip = { before, diff: "", warnings: [], steps: [], project, file };
  const run = async (args: string[]): Promise<boolean> => {
    const step = await project.kiln(args);
    result.steps.push({ ...step, args });
    result.warnings.push(...warningLines(`${step.stdout}\n${step.stderr}`));
    if (step.code !== 0) result.failedStep = args.join(" ");
    return step.code === 0;
  };
  if (!(await run(["revision", "--autogenerate", "-m", "round trip"]))) return result;
  const revisionFile = project.revisionFiles()[0];
  if (revisionFile) result.revision = project.read(join("migrations", revisionFile));
  if (!(await run(["upgrade", "head"]))) return result;
  if (!(await run(["downgrade", "-1"]))) return result;
  result.after = sqliteSnapshot(file);
  result.diff = before === result.after ? "" : createTwoFilesPatch("before", "after", before, result.after, "", "", { context: 2 });
  return result;
}

/** Everything a failed expectation should show. */
export function describeRoundTrip(r: SqliteRoundTrip): string {
  return [
    r.failedStep ? `failed step: ${r.failedStep}` : "",
    ...r.steps.map((s) => `$ kiln ${s.args.join(" ")} (exit ${s.code})\n${s.stdout}${s.stderr}`),
    r.revision ? `revision:\n${r.revision}` : "",
    r.diff,
  ]
    .filter(Boolean)
    .join("\n");
}
