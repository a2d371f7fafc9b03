/** `kiln stamp REV...`: set the version table without running migrations. */
import { KilnError } from "../errors.js";
import { sqlLineComment } from "../neutralize.js";
import { resolveRevision } from "../revisions/resolve.js";
import { headChangeStatements, historyInsertStatement } from "../runtime/bookkeeping.js";
import { inlineParameters } from "../runtime/inline.js";
import { describePartial, journalTableName } from "../runtime/journal.js";
import { bookkeepingTables, dialectOf, openSession } from "../runtime/session.js";
import { KILN_VERSION } from "../version.js";
import { type CommonOptions, loadProject } from "./context.js";

export interface StampOptions extends CommonOptions {
  revisions: string[];
  /** Empty the version table first, even of revisions kiln does not know. */
  purge?: boolean;
  sql?: boolean;
  write?: (line: string) => void;
}

export interface StampResult {
  before: string[];
  heads: string[];
}

export async function stamp(options: StampOptions): Promise<StampResult> {
  const project = await loadProject(options);
  const { graph, config, revisions } = project;
  if (options.revisions.length === 0) throw new KilnError("stamp needs at least one revision (or `base`)", { exitCode: 2 });
  const targets = new Set<string>();
  for (const spec of options.revisions) {
    if (spec === "base") continue;
    if (spec === "heads") {
      for (const h of graph.heads()) targets.add(h.revision);
      continue;
    }
    targets.add(resolveRevision(graph, spec));
  }
  // Keep only the tips: a target that is an ancestor of another target is implied.
  const heads = [...targets].filter((t) => ![...targets].some((o) => o !== t && graph.ancestors(o).has(t))).sort();

  const dialect = await dialectOf(config);
  const tables = bookkeepingTables(config);
  const historyRows = heads.map((h) =>
    historyInsertStatement(dialect, tables, { revision: h, direction: "stamp", checksum: revisions.get(h)?.checksum, kilnVersion: KILN_VERSION }),
  );

  if (options.sql) {
    const write = options.write ?? ((line: string) => process.stdout.write(line + "\n"));
    write(`-- ${sqlLineComment(`kiln stamp ${options.revisions.join(" ")} (${dialect.name})`)}`);
    for (const sql of dialect.scriptPreamble ?? []) write(`${sql};`);
    for (const sql of dialect.bookkeepingDDL(tables)) write(`${sql};`);
    write(`${dialect.beginSql};`);
    if (options.purge) write(`DELETE FROM ${dialect.tableName(tables.schema, tables.versionTable)};`);
    for (const s of headChangeStatements(dialect, tables, [], heads)) write(`${inlineParameters(dialect, s)};`);
    for (const s of historyRows) write(`${inlineParameters(dialect, s)};`);
    write("COMMIT;");
    return { before: [], heads };
  }

  const session = await openSession(config, { write: true, reporter: project.reporter, command: "stamp" });
  try {
    const before = await session.heads();
    const { partial } = await session.journal();
    const unknown = before.filter((h) => !graph.has(h));
    if (unknown.length > 0 && !options.purge) {
      throw new KilnError(`the version table holds revision(s) kiln does not know: ${unknown.join(", ")}`, {
        details: ["use `kiln stamp <rev> --purge` to replace them"],
      });
    }
    if (!session.dialect.transactionalDDL) await session.ensureBookkeeping();
    await session.conn.query(session.dialect.beginSql);
    try {
      // With transactional DDL, kiln's tables are created inside the stamp's transaction.
      if (session.dialect.transactionalDDL) for (const sql of session.dialect.bookkeepingDDL(tables)) await session.conn.query(sql);
      if (options.purge) {
        await session.conn.query(`DELETE FROM ${dialect.tableName(tables.schema, tables.versionTable)}`);
      }
      const from = options.purge ? [] : before;
      for (const s of headChangeStatements(dialect, tables, from, heads)) await session.conn.query(s.sql, s.params);
      for (const s of historyRows) await session.conn.query(s.sql, s.params);
      // Stamping says what the database is at: a partly applied step is now the user's word.
      if (partial) await session.conn.query(`DELETE FROM ${journalTableName(dialect, tables)}`);
      await session.conn.query("COMMIT");
    } catch (error) {
      await session.conn.query("ROLLBACK").catch(() => undefined);
      throw new KilnError(`stamp failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (partial) project.reporter.info(`forgot kiln's journal of the partly applied step (${describePartial(partial)})`);
    project.reporter.info(`stamped ${heads.length ? heads.join(", ") : "base"} (was ${before.join(", ") || "base"})`);
    return { before, heads };
  } finally {
    await session.close();
  }
}
