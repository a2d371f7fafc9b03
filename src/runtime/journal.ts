/**
 * The step journal: what of a step in progress is already durable when the step
 * cannot be all-or-nothing (statements PostgreSQL runs outside a transaction,
 * every DDL statement on MySQL, the statements of a `transactional: false`
 * revision). Each durable statement is recorded (its position, a hash of its SQL
 * and its text) in a small table next to the version table, written in the same
 * commit as the statement where the database allows, else right before ('running')
 * and right after ('done') it. The rows go in the step's final commit.
 *
 * After a failure or a kill, the journal says exactly which statements stay
 * applied; running the step again re-runs the revision function, checks that it
 * yields the same statements (by hash) and skips the recorded ones.
 */
import { createHash } from "node:crypto";
import type { Connection, Dialect } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import type { Statement } from "../operations/types.js";
import type { RevisionGraph } from "../revisions/graph.js";
import type { Step } from "../revisions/resolve.js";
import type { RevisionNode } from "../revisions/types.js";
import type { BookkeepingTables } from "./bookkeeping.js";

export type JournalState = "started" | "running" | "done";

export interface JournalRow {
  /** 0 for the step-started marker, n for the step's n-th statement. */
  seq: number;
  revision: string;
  direction: "up" | "down";
  checksum: string | null;
  state: JournalState;
  statementHash: string | null;
  /** The statement on one line, shortened (for messages). */
  statement: string | null;
}

/** A step that was left partly applied, as its journal tells. */
export interface PartialStep {
  revision: string;
  direction: "up" | "down";
  checksum: string | null;
  /** The statements that ran and stay applied, in order. */
  done: JournalRow[];
  /** The statement that was running when kiln stopped: it may or may not have taken effect. */
  running?: JournalRow;
}

/** The journal lives next to the version table: `<versionTable>_journal`. */
export function journalTableName(dialect: Dialect, tables: BookkeepingTables): string {
  return dialect.tableName(tables.schema, journalTable(tables));
}

/** The journal table's bare name (for lists of kiln's own tables). */
export function journalTable(tables: { versionTable: string }): string {
  return `${tables.versionTable}_journal`;
}

/** The lease lock's table (lock: "lease", runtime/strategy.ts) lives next to the version table too: `<versionTable>_lock`. */
export function lockTable(tables: { versionTable: string }): string {
  return `${tables.versionTable}_lock`;
}

export function oneLine(sql: string): string {
  const text = sql.replace(/\s+/g, " ").trim();
  return text.length > 300 ? text.slice(0, 297) + "..." : text;
}

export function statementHash(statement: Statement): string {
  return createHash("sha256")
    .update(statement.sql)
    .update("\0")
    .update(JSON.stringify(statement.params ?? []))
    .digest("hex");
}

/** The journal's rows ([] when the table does not exist: nothing was ever journaled). */
export async function readJournal(conn: Connection, dialect: Dialect, tables: BookkeepingTables): Promise<JournalRow[]> {
  const sql = `SELECT seq, revision, direction, checksum, state, statement_hash, statement FROM ${journalTableName(dialect, tables)} ORDER BY seq`;
  const { rows } = await conn.query(sql);
  return rows.map((r) => ({
    seq: Number(r.seq),
    revision: String(r.revision),
    direction: r.direction === "down" ? "down" : "up",
    checksum: r.checksum == null ? null : String(r.checksum),
    state: String(r.state) as JournalState,
    statementHash: r.statement_hash == null ? null : String(r.statement_hash),
    statement: r.statement == null ? null : String(r.statement),
  }));
}

/** The partial step the rows describe; none when no statement is durable or running (a marker alone means nothing stays). */
export function partialStep(rows: JournalRow[]): PartialStep | undefined {
  const done = rows.filter((r) => r.seq > 0 && r.state === "done");
  const running = rows.find((r) => r.seq > 0 && r.state === "running");
  if (done.length === 0 && !running) return undefined;
  const first = rows[0]!;
  return { revision: first.revision, direction: first.direction, checksum: first.checksum, done, ...(running ? { running } : {}) };
}

function stepName(direction: "up" | "down"): string {
  return direction === "up" ? "upgrade" : "downgrade";
}

/** One sentence for `kiln current` and for errors: what of the step stays applied. */
export function describePartial(partial: PartialStep): string {
  const last = partial.done.at(-1);
  let text =
    `the ${stepName(partial.direction)} of revision ${partial.revision} is partly applied: ` +
    `${partial.done.length} statement(s) ran and stay applied${last ? ` (last: ${last.statement})` : ""}`;
  if (partial.running) {
    text += `; statement ${partial.running.seq} (${partial.running.statement}) was running when kiln stopped and may or may not have taken effect`;
  }
  return text;
}

/** Where a partial step starts (the version table now) and where it leads, as targets for commands. */
export interface StepTargets {
  before: string;
  after: string;
}

export function stepTargets(graph: RevisionGraph<RevisionNode>, heads: string[], partial: PartialStep): StepTargets {
  const before = heads.join(" ") || "base";
  if (partial.direction === "up") return { before, after: partial.revision };
  const parents = graph.has(partial.revision) ? graph.get(partial.revision).downRevisions : [];
  return { before, after: parents.join(" ") || "base" };
}

/** What to do about a partial step (details lines). */
export function partialAdvice(partial: PartialStep, { before, after }: StepTargets): string[] {
  const command =
    partial.direction === "up"
      ? `\`kiln upgrade ${partial.revision}\` (or any target past it, e.g. \`kiln upgrade head\`)`
      : `\`kiln downgrade ${after}\``;
  return [
    `to continue: fix the cause, then run ${command}: kiln checks that the revision file is unchanged and yields the same statements, then runs only the rest`,
    `to undo instead: reverse the statements that ran by hand, then run \`kiln stamp ${before}\`, which also clears kiln's journal`,
    "see docs/failure-model.md",
  ];
}

/** Refuses a plan that does not finish the partly applied step first (anything else would run on top of a half-done step). */
export function checkPlanFinishes(partial: PartialStep | undefined, steps: Step[], targets: StepTargets, checksumNow?: string): void {
  if (!partial) return;
  const index = steps.findIndex((s) => s.revision.revision === partial.revision && s.direction === partial.direction);
  if (index === 0) {
    if (!partial.checksum || checksumNow === undefined || partial.checksum === checksumNow) return;
    throw new KilnError(
      `${describePartial(partial)}; its file changed since that run (checksum ${partial.checksum.slice(0, 12)}, now ${checksumNow.slice(0, 12)}), so kiln will not continue it`,
      { details: ["restore the file as it was when the step ran (kiln then runs only the rest), or", ...partialAdvice(partial, targets).slice(1)] },
    );
  }
  throw new KilnError(`${describePartial(partial)}; this run would ${index < 0 ? "not finish it" : "run other steps before finishing it"}`, {
    details: partialAdvice(partial, targets),
  });
}

/** What the runner does with the statement it is about to run. */
export type Admission = { kind: "skip" } | { kind: "run"; seq: number } | { kind: "uncertain"; seq: number };

/**
 * The journal of one attempt at one step: counts the statements the revision
 * yields, tells which to skip (already durable), and produces the SQL that
 * records durable ones. Holds nothing but SQL text and counters: the runner
 * sends the SQL where it belongs (inside the step's transaction or alone).
 */
export class StepJournal {
  private seq = 0;
  /** Statements run inside the current transaction, not yet journaled (their rows are made only if needed: most steps commit whole). */
  private pending: { seq: number; statement: Statement }[] = [];
  /** Statements durable so far (earlier runs included). */
  readonly done: JournalRow[];
  private markerWritten: boolean;
  private tableReady: boolean;
  /** The statement under a 'running' row, if any. */
  private running: JournalRow | undefined;
  /** How many statements an earlier run left applied. */
  readonly doneEarlier: number;

  constructor(
    private readonly dialect: Dialect,
    private readonly tables: BookkeepingTables,
    private readonly step: { revision: string; direction: "up" | "down"; checksum: string },
    private readonly earlier: PartialStep | undefined,
    /** True when the journal table is known to exist. */
    tableExists: boolean,
  ) {
    this.done = earlier ? [...earlier.done] : [];
    this.doneEarlier = this.done.length;
    this.running = earlier?.running;
    this.markerWritten = earlier !== undefined;
    this.tableReady = tableExists || earlier !== undefined;
  }

  /** True once the journal table is known to exist. */
  get tableExists(): boolean {
    return this.tableReady;
  }

  /** What of the step is durable now (undefined: nothing). */
  partial(): PartialStep | undefined {
    if (this.done.length === 0 && !this.running) return undefined;
    const { revision, direction, checksum } = this.step;
    return { revision, direction, checksum, done: [...this.done], ...(this.running ? { running: this.running } : {}) };
  }

  /** The CREATE TABLE for the journal, when it is not known to exist (then it is taken as existing). */
  tableSql(): string | undefined {
    if (this.tableReady) return undefined;
    this.tableReady = true;
    return this.dialect.journalDDL(journalTableName(this.dialect, this.tables));
  }

  /** Decides about the next statement; throws when it differs from what the earlier run recorded. */
  admit(statement: Statement): Admission {
    const seq = ++this.seq;
    const earlier = this.earlier;
    if (!earlier) return { kind: "run", seq };
    const recorded = earlier.done.find((r) => r.seq === seq) ?? (earlier.running?.seq === seq ? earlier.running : undefined);
    if (!recorded) {
      const lastSeq = Math.max(0, ...earlier.done.map((r) => r.seq), earlier.running?.seq ?? 0);
      return seq <= lastSeq ? this.differs(seq, undefined, statement) : { kind: "run", seq };
    }
    if (recorded.statementHash !== statementHash(statement)) return this.differs(seq, recorded, statement);
    return recorded.state === "done" ? { kind: "skip" } : { kind: "uncertain", seq };
  }

  private differs(seq: number, recorded: JournalRow | undefined, statement: Statement): never {
    const earlier = this.earlier!;
    throw new KilnError(
      `revision ${this.step.revision} no longer yields the statements its partly applied ${stepName(this.step.direction)} ran: statement ${seq} ` +
        (recorded ? `was ${recorded.statement}, now it is ${oneLine(statement.sql)}` : `is now ${oneLine(statement.sql)}`),
      {
        details: [
          "kiln continues a partly applied step only when the revision runs the same statements again; restore the revision as it was, or",
          ...partialAdvice(earlier, { before: "<the revision before it>", after: "<target>" }).slice(1),
        ],
      },
    );
  }

  /** The row that says "statement `seq` stays applied" (state done) or "is running" (state running). */
  private row(seq: number, statement: Statement, state: JournalState): JournalRow {
    return {
      seq,
      revision: this.step.revision,
      direction: this.step.direction,
      checksum: this.step.checksum,
      state,
      statementHash: statementHash(statement),
      statement: oneLine(statement.sql),
    };
  }

  private insertSql(row: JournalRow): string {
    const q = (v: unknown) => this.dialect.quoteLiteral(v);
    return (
      `INSERT INTO ${journalTableName(this.dialect, this.tables)} (seq, revision, direction, checksum, state, statement_hash, statement) ` +
      `VALUES (${row.seq}, ${q(row.revision)}, ${q(row.direction)}, ${q(row.checksum)}, ${q(row.state)}, ${q(row.statementHash)}, ${q(row.statement)})`
    );
  }

  /** The table (if not known to exist) and the step-started marker (once). */
  private opening(): string[] {
    const sqls: string[] = [];
    const ddl = this.tableSql();
    if (ddl) sqls.push(ddl);
    if (!this.markerWritten) {
      sqls.push(`DELETE FROM ${journalTableName(this.dialect, this.tables)}`);
      sqls.push(this.insertSql({ ...this.row(0, { sql: "" }, "started"), statementHash: null, statement: null }));
      this.markerWritten = true;
    }
    return sqls;
  }

  /** The statement ran inside the step's transaction: it becomes durable only with a commit. */
  ranInTransaction(seq: number, statement: Statement): void {
    this.pending.push({ seq, statement });
  }

  /** The transaction was rolled back: what it ran is gone. */
  rolledBack(): void {
    this.pending = [];
  }

  /**
   * SQL for the current transaction, right before it commits early (to run a
   * statement that cannot run inside one): the journal rows of what it ran,
   * committed together with what they describe.
   */
  beforeEarlyCommit(): string[] {
    const sqls = this.opening();
    const rows = this.pending.map(({ seq, statement }) => this.row(seq, statement, "done"));
    for (const row of rows) sqls.push(this.insertSql(row));
    this.done.push(...rows);
    this.pending = [];
    return sqls;
  }

  /** SQL that records statement `seq` as running (to be committed before it runs). */
  recordRunning(seq: number, statement: Statement): string[] {
    this.running = this.row(seq, statement, "running");
    return [...this.beforeEarlyCommit(), this.insertSql(this.running)];
  }

  /** The statement `seq` completed outside a transaction. */
  completedSql(seq: number, statement: Statement): string {
    this.done.push(this.row(seq, statement, "done"));
    this.running = undefined;
    return `UPDATE ${journalTableName(this.dialect, this.tables)} SET state = 'done' WHERE seq = ${seq}`;
  }

  /** The statement `seq` failed (and left nothing behind): forget its 'running' row. */
  failedSql(seq: number): string {
    this.running = undefined;
    return `DELETE FROM ${journalTableName(this.dialect, this.tables)} WHERE seq = ${seq}`;
  }

  /** For the step's final commit: the journal is no longer needed. */
  clearSql(): string | undefined {
    return this.markerWritten ? `DELETE FROM ${journalTableName(this.dialect, this.tables)}` : undefined;
  }

  /** The step completed (its final commit cleared the journal). */
  finished(): void {
    this.markerWritten = false;
  }
}
