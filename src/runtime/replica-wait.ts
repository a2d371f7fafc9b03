/**
 * `--wait-for-replicas LAG`: after each step, wait until every standby that
 * streams from the server has replayed to within LAG of the primary, so that a
 * long migration does not build up replication lag (docs/replication.md).
 *
 * LAG in bytes (`0`, `16MB`): each standby's replay position must reach the
 * primary's WAL position right after the step's commit, less LAG. `0` waits
 * until every standby has replayed the step itself.
 *
 * LAG as a duration (`5s`, `500ms`, `2min`): each standby must have replayed
 * everything the primary had written LAG ago (what "5 seconds behind" means).
 * kiln notes the primary's WAL position before and after each step and at each
 * poll; the position "LAG ago" is the first one noted at or after that moment,
 * so the check errs on the strict side. A step that took longer than LAG is
 * therefore waited for in full.
 */
import type { Connection, DatabaseUrl, Dialect, StandbyState } from "../dialects/types.js";
import { KilnError, UsageError } from "../errors.js";
import type { Reporter } from "./reporter.js";

export type ReplicaLag = { kind: "bytes"; bytes: bigint; text: string } | { kind: "duration"; ms: number; text: string };

const BYTE_UNITS: Record<string, bigint> = { b: 1n, kb: 1024n, mb: 1024n ** 2n, gb: 1024n ** 3n, tb: 1024n ** 4n };
const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/**
 * "0", "1048576", "512kB", "16MB", "1GB" (bytes, units of 1024 as PostgreSQL
 * spells them, case ignored), or "500ms", "5s", "2min", "1h" (a duration).
 * A plain number is bytes.
 */
export function parseReplicaLag(text: string | number): ReplicaLag {
  const given = String(text).trim();
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(given);
  if (match) {
    const unit = match[2]!.toLowerCase();
    const amount = match[1]!;
    if (unit === "" || unit in BYTE_UNITS) {
      if (amount.includes(".")) {
        const bytes = BigInt(Math.round(Number(amount) * Number(BYTE_UNITS[unit || "b"])));
        return { kind: "bytes", bytes, text: given };
      }
      return { kind: "bytes", bytes: BigInt(amount) * BYTE_UNITS[unit || "b"]!, text: given };
    }
    if (unit in TIME_UNITS) return { kind: "duration", ms: Math.round(Number(amount) * TIME_UNITS[unit]!), text: given };
  }
  throw new UsageError(
    `replica lag ${JSON.stringify(given)} is neither a size nor a duration: give bytes (0, 1048576, 512kB, 16MB, 1GB) or a time (500ms, 5s, 2min)`,
  );
}

/** "10s", "500ms", "2min", "1h", or a whole number of milliseconds: for --replica-timeout. */
export function parseDuration(text: string | number, what: string): number {
  const given = String(text).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h)?$/i.exec(given);
  if (!match) throw new UsageError(`${what} ${JSON.stringify(given)} is not a duration: give e.g. 30s, 10min, 1h or milliseconds`);
  return Math.round(Number(match[1]) * TIME_UNITS[(match[2] ?? "ms").toLowerCase()]!);
}

export function formatBytes(bytes: bigint): string {
  if (bytes < 1024n) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = Number(bytes) / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

/** The WAL position a standby must reach, given the primary's positions noted so far (pure). */
export function requiredPosition(lag: ReplicaLag, samples: { at: number; position: bigint }[], stepEnd: bigint, now: number): bigint {
  if (lag.kind === "bytes") return stepEnd > lag.bytes ? stepEnd - lag.bytes : 0n;
  const since = now - lag.ms;
  // The first position noted at or after `since` (the strict side); none: the newest.
  const sample = samples.find((s) => s.at >= since) ?? samples[samples.length - 1];
  return sample ? sample.position : stepEnd;
}

export interface ReplicaWaitOptions {
  lag: ReplicaLag;
  timeoutMs: number;
  /** Between polls, ms. */
  pollMs?: number;
}

/**
 * Waits after each step (see the module comment). `beforeStep` and `afterStep`
 * run on the step's own connection, outside its transaction.
 */
export class ReplicaWait {
  private samples: { at: number; position: bigint }[] = [];
  private warnedNone = false;

  constructor(
    private readonly dialect: Dialect,
    private readonly conn: Connection,
    private readonly database: DatabaseUrl,
    private readonly reporter: Reporter,
    private readonly options: ReplicaWaitOptions,
  ) {
    if (!dialect.replication) {
      throw new UsageError(`--wait-for-replicas: kiln cannot see the replicas of a ${dialect.name} database (it reads PostgreSQL's pg_stat_replication); leave the option out`);
    }
  }

  private async note(): Promise<bigint> {
    const position = await this.dialect.replication!.walPosition(this.conn);
    const at = Date.now();
    this.samples.push({ at, position });
    // Only positions newer than the lag are ever asked for.
    const keepFrom = at - (this.options.lag.kind === "duration" ? this.options.lag.ms : 0) - 1000;
    while (this.samples.length > 2 && this.samples[1]!.at < keepFrom) this.samples.shift();
    return position;
  }

  async beforeStep(): Promise<void> {
    if (this.options.lag.kind === "duration") await this.note();
  }

  /** Returns once every standby is within the lag; throws a KilnError naming the ones behind after the timeout. */
  async afterStep(revision: string): Promise<void> {
    const replication = this.dialect.replication!;
    const started = Date.now();
    const stepEnd = await this.note();
    const pollMs = this.options.pollMs ?? 100;
    let shown = false;
    try {
      for (;;) {
        const standbys = await replication.standbys(this.conn);
        if (standbys.length === 0) {
          await this.noStandby();
          return;
        }
        const hidden = standbys.filter((s) => s.replayed === undefined);
        if (hidden.length > 0) {
          throw new KilnError(`--wait-for-replicas: the server does not show this user how far its standbys have replayed (${hidden.map((s) => s.name).join(", ")})`, {
            details: [
              "pg_stat_replication shows positions to superusers and to members of pg_read_all_stats: GRANT pg_read_all_stats TO the user in the URL",
              `revision ${revision} was committed and stays applied; rerun to go on`,
            ],
          });
        }
        const now = Date.now();
        const required = requiredPosition(this.options.lag, this.samples, stepEnd, now);
        const behind = standbys.filter((s) => s.replayed! < required);
        const elapsed = now - started;
        if (behind.length === 0) {
          if (shown) this.reporter.progress?.(undefined);
          shown = false;
          this.reporter.info(
            `replicas: ${standbys.length} standby(s) within ${this.options.lag.text} of ${this.database.display} after ${revision} (waited ${formatMs(elapsed)}): ${standbys.map((s) => `${s.name} ${formatBytes(stepEnd > s.replayed! ? stepEnd - s.replayed! : 0n)} behind`).join(", ")}`,
          );
          return;
        }
        if (elapsed >= this.options.timeoutMs) throw this.timedOut(revision, behind, stepEnd, elapsed);
        if (this.reporter.progress) {
          shown = true;
          this.reporter.progress(
            `waiting for replicas after ${revision} (${formatMs(elapsed)} of ${formatMs(this.options.timeoutMs)}): ${behind.map((s) => `${s.name} ${formatBytes(stepEnd > s.replayed! ? stepEnd - s.replayed! : 0n)} behind`).join(", ")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        if (this.options.lag.kind === "duration") await this.note();
      }
    } finally {
      if (shown) this.reporter.progress?.(undefined);
    }
  }

  private async noStandby(): Promise<void> {
    if (this.warnedNone) return;
    this.warnedNone = true;
    const idle = await this.dialect.replication!.idleStandbySlots(this.conn);
    this.reporter.warn(
      `--wait-for-replicas: no standby streams from ${this.database.display} now, so there is nothing to wait for` +
        (idle.length > 0 ? ` (replication slot(s) ${idle.join(", ")} have no standby connected: a standby that is down is not waited for; it replays the steps when it reconnects)` : ""),
    );
  }

  private timedOut(revision: string, behind: StandbyState[], stepEnd: bigint, elapsed: number): KilnError {
    return new KilnError(`--wait-for-replicas ${this.options.lag.text}: standby(s) still behind ${formatMs(elapsed)} after revision ${revision} (the limit is ${formatMs(this.options.timeoutMs)})`, {
      details: [
        ...behind.map((s) => `${s.name}${s.address ? ` (${s.address})` : ""}, ${s.state}: ${formatBytes(stepEnd - s.replayed!)} behind the step's end`),
        `revision ${revision} was committed on the primary and stays applied; no later step ran`,
        "look at the standby (pg_stat_replication on the primary, the standby's log: a long query on it can hold replay back, see max_standby_streaming_delay), then rerun the same command: it goes on with the steps left;",
        "or give it longer with --replica-timeout (config: replicaTimeoutMs), or allow more lag",
      ],
    });
  }
}
