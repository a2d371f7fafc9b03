/**
 * A step's statements queued to go to the database together, in one round trip
 * (Connection.runBatch). Each remembers what a failure reports as the failing
 * statement, so that an error still names the statement that failed.
 */
import type { Connection, QueryResult } from "../dialects/types.js";

interface Queued {
  sql: string;
  /** The statement an error names; undefined for kiln's own BEGIN and settings (as when sent alone). */
  reportAs: string | undefined;
  /** The re-check of the version table: its failure means "read the table again", not an error. */
  guard: boolean;
}

/** A batch failed: the database's error, and what it says about the statement that failed. */
export class BatchFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly reportAs: string | undefined,
    readonly guardFailed: boolean,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

export class StatementBatch {
  private queued: Queued[] = [];
  private sent = false;

  constructor(private readonly conn: Required<Pick<Connection, "runBatch">>) {}

  add(sql: string, reportAs?: string, options: { guard?: boolean } = {}): void {
    this.queued.push({ sql, reportAs, guard: options.guard ?? false });
  }

  get size(): number {
    return this.queued.length;
  }

  /** True once anything was sent. */
  get sentAny(): boolean {
    return this.sent;
  }

  /** Takes what is queued, unsent (to be sent with other steps: step-group.ts). */
  take(): string[] {
    const sqls = this.queued.map((item) => item.sql);
    this.queued = [];
    return sqls;
  }

  /** Sends everything queued (nothing when empty); throws a BatchFailure when a statement fails. */
  async send(): Promise<QueryResult | undefined> {
    const items = this.queued;
    this.queued = [];
    if (items.length === 0) return undefined;
    this.sent = true;
    const outcome = await this.conn.runBatch(items.map((item) => item.sql));
    if (outcome.ok) return outcome.result;
    const failed = outcome.failed === undefined ? undefined : items[outcome.failed];
    throw new BatchFailure(outcome.error, failed?.reportAs, failed?.guard ?? false);
  }
}

/**
 * A statement can wait in a batch when it is one command (no ";": kiln's compiled
 * statements never contain one unless given SQL text does), takes no parameters
 * (the batch uses the simple protocol), and may run in a transaction.
 */
export function batchable(statement: { sql: string; params?: unknown[]; transactional?: boolean }): boolean {
  return (statement.params?.length ?? 0) === 0 && statement.transactional !== false && !statement.sql.includes(";");
}
