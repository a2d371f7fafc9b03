/**
 * Consecutive steps sent to the database in one round trip. A step whose
 * statements all waited in its batch until its COMMIT (nothing of it sent yet)
 * is not sent at its end but kept here, and goes out with the steps after it:
 * each still its own BEGIN ... COMMIT with its version-table guard, so the
 * server commits them one after the other and stops at the first failing
 * statement, leaving the earlier steps committed and the rest not run.
 *
 * kiln then wakes once per group instead of once per step (at 500 small
 * revisions, the driver's per-query work was about 0.12 ms of CPU a step),
 * and a full group goes out without waiting for its result: kiln runs the
 * next steps' revisions while the server applies it (the next group waits for
 * it before it is sent: one group on the wire at a time).
 * When the group fails, kiln rolls back the failed step's transaction,
 * re-reads the version table to learn which steps committed, and the runner
 * continues one step at a time from the first one that did not (see
 * runOnline), which reports the failure, or retries a lock timeout, exactly as
 * it always did.
 *
 * What the run reports while steps wait here is held back and told in order
 * once they are sent, so the output reads as if each step had been sent alone.
 */
import type { Connection, Dialect } from "../dialects/types.js";
import { KilnError } from "../errors.js";
import type { Step } from "../revisions/resolve.js";
import { type BookkeepingTables, selectHeadsSql } from "./bookkeeping.js";
import type { Reporter, StepInfo } from "./reporter.js";

/** At most this many steps, or this much SQL, wait to go together. */
export const GROUP_MAX_STEPS = 20;
export const GROUP_MAX_CHARS = 256 * 1024;

/** A group failed: `heads` is the version table now; the run goes on one step at a time from `resumeAt` (undefined: after the group). */
export class GroupFallback extends Error {
  constructor(
    readonly heads: string[],
    readonly resumeAt: Step | undefined,
  ) {
    super("steps sent together failed; continuing one step at a time");
  }
}

interface Deferred {
  step: Step;
  info: StepInfo;
  sqls: string[];
  /** Milliseconds the step took in kiln before it was kept here. */
  ms: number;
}

/** What waits to be told: a reporter call, or a step finished (once it committed). */
type Event = { tell: (reporter: Reporter) => void } | { deferred: Deferred };

export class StepGroup {
  private steps: Deferred[] = [];
  private events: Event[] = [];
  private chars = 0;
  /** The group sent and not yet answered: settles when told, rejects with its failure. */
  private inFlight: Promise<void> | undefined;
  /** The reporter the run uses while grouping: events wait while steps do. */
  readonly reporter: Reporter;

  constructor(
    private readonly conn: Connection & Required<Pick<Connection, "runBatch">>,
    private readonly dialect: Dialect,
    private readonly tables: BookkeepingTables,
    /** True when the step is still to do, given the version table's heads. */
    private readonly needed: (step: Step, heads: string[]) => boolean,
    private readonly inner: Reporter,
  ) {
    const later = (tell: (reporter: Reporter) => void) => {
      if (this.steps.length === 0 && !this.inFlight && this.events.length === 0) tell(inner);
      else this.events.push({ tell });
    };
    this.reporter = {
      info: (message) => later((r) => r.info(message)),
      warn: (message) => later((r) => r.warn(message)),
      stepStarted: (step) => later((r) => r.stepStarted(step)),
      stepFinished: (step, ms) => later((r) => r.stepFinished(step, ms)),
      stepSkipped: (step, reason) => later((r) => r.stepSkipped(step, reason)),
      ...(inner.progress ? { progress: (message: string | undefined) => later((r) => r.progress!(message)) } : {}),
    };
  }

  /** True when the group should be sent before another step joins it. */
  get full(): boolean {
    return this.steps.length >= GROUP_MAX_STEPS || this.chars >= GROUP_MAX_CHARS;
  }

  /** Keeps a step's whole transaction (BEGIN ... COMMIT) to be sent with the next ones. */
  defer(step: Step, info: StepInfo, sqls: string[], ms: number): void {
    const deferred: Deferred = { step, info, sqls, ms };
    this.steps.push(deferred);
    this.events.push({ deferred });
    for (const sql of sqls) this.chars += sql.length + 2;
  }

  /**
   * Sends the waiting steps and waits for every answer: afterwards nothing of
   * the group is on the wire and everything held back was told. Throws a
   * GroupFallback when a statement failed (the steps before it are
   * committed), or a KilnError when the connection failed so that kiln cannot
   * tell which steps committed.
   */
  async send(): Promise<void> {
    await this.dispatch();
    await this.settle();
  }

  /** Sends the waiting steps once the group before them is answered, without waiting for their own answer. */
  async dispatch(): Promise<void> {
    await this.settle();
    if (this.steps.length === 0) return;
    const { steps, events } = this;
    this.steps = [];
    this.events = [];
    this.chars = 0;
    const inFlight = this.run(steps, events);
    // Its failure is taken by settle(), not left unhandled meanwhile.
    inFlight.catch(() => undefined);
    this.inFlight = inFlight;
  }

  /** Waits for the group on the wire, if any, then tells what is held back when no step waits. */
  private async settle(): Promise<void> {
    const inFlight = this.inFlight;
    if (inFlight) {
      try {
        await inFlight;
      } catch (error) {
        if (error instanceof GroupFallback) throw this.dropWaiting(error);
        this.dropWaiting(undefined);
        throw error;
      } finally {
        this.inFlight = undefined;
      }
    }
    if (this.steps.length === 0) this.tellHeldBack();
  }

  /**
   * After a failed group: the steps kept since it was sent are not sent (the
   * run goes on one step at a time from the first step not committed, which
   * may be the first of them); what was held back for them is told, but not
   * their being finished.
   */
  private dropWaiting(fallback: GroupFallback | undefined): GroupFallback | undefined {
    const first = this.steps[0]?.step;
    this.steps = [];
    this.chars = 0;
    this.tellHeldBack();
    return fallback && !fallback.resumeAt && first ? new GroupFallback(fallback.heads, first) : fallback;
  }

  /** Tells the events held back (none of the steps among them: they are not sent). */
  private tellHeldBack(): void {
    const events = this.events;
    this.events = [];
    for (const event of events) if ("tell" in event) event.tell(this.inner);
  }

  private async run(steps: Deferred[], events: Event[]): Promise<void> {
    const sentAt = Date.now();
    const outcome = await this.conn.runBatch(steps.flatMap((s) => s.sqls));
    // Each step's time: its own in kiln, and its share of the round trip.
    const share = (Date.now() - sentAt) / steps.length;
    /** Tells what waited, in order; of the steps, those before `committed`. */
    const tell = (committed: number) => {
      for (const event of events) {
        if ("tell" in event) event.tell(this.inner);
        else if (steps.indexOf(event.deferred) < committed) this.inner.stepFinished(event.deferred.info, Math.round(event.deferred.ms + share));
      }
    };
    if (outcome.ok) {
      tell(steps.length);
      return;
    }
    // The failed step's transaction is open and aborted (if the failure was a statement's).
    await this.conn.query("ROLLBACK").catch(() => undefined);
    let heads: string[];
    try {
      heads = (await this.conn.query(selectHeadsSql(this.dialect, this.tables))).rows.map((r) => String(r.version_num));
    } catch (error) {
      tell(0);
      const first = steps[0]!.info.revision;
      const last = steps[steps.length - 1]!.info.revision;
      const cause = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new KilnError(`applying revisions ${first} to ${last} in one round trip failed: ${cause}`, {
        details: [
          `reading the version table afterwards failed too (${error instanceof Error ? error.message : String(error)})`,
          "each of those revisions committed whole or not at all: run `kiln current` to see which did, then run the command again",
        ],
        cause: outcome.error,
      });
    }
    const committed = steps.findIndex((s) => this.needed(s.step, heads));
    const done = committed < 0 ? steps.length : committed;
    tell(done);
    throw new GroupFallback(heads, steps[done]?.step);
  }
}
