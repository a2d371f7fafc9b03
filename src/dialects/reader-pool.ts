/**
 * Reading a large catalog in parallel: a Connection that sends each statement
 * to an idle one of its sessions, the caller's own and up to `extra` more that
 * it opens (Connection.fork), so that the server runs independent catalog
 * queries side by side, and runs them while kiln itself is busy (loading the
 * models). Without fork (PGlite, a client the user handed in, MySQL, SQLite)
 * it is the caller's connection alone and everything runs in order, as before.
 *
 * Only for statements that read committed state and need no transaction of
 * the caller's: each helper session is a session of its own.
 */
import type { Connection, QueryResult } from "./types.js";

export interface ReaderPool extends Connection {
  /** Closes the sessions the pool opened (never the caller's). */
  close(): Promise<void>;
  /**
   * Settles once every session has a statement to run (the helpers connected, or failed to) or the pool
   * is closed: from then on the server is busy, and the caller may block its own thread for a while.
   */
  busy: Promise<void>;
}

interface Member {
  conn: Connection;
  pending: number;
}

export function readerPool(conn: Connection, extra = 2): ReaderPool {
  const members: Member[] = [{ conn, pending: 0 }];
  const opened: Promise<Connection | undefined>[] = [];
  let connecting = 0;
  let closed = false;
  // Woken whenever a session becomes free or a helper has connected (or failed to).
  let waiters: (() => void)[] = [];
  let markBusy!: () => void;
  const busy = new Promise<void>((resolve) => (markBusy = resolve));
  const changed = () => {
    const wake = waiters;
    waiters = [];
    for (const w of wake) w();
  };
  if (conn.fork && extra > 0) {
    for (let i = 0; i < extra; i++) {
      connecting++;
      // A helper that cannot connect (the server's connection limit, say) is simply not used.
      const forked = conn.fork().then(
        (helper) => {
          if (closed) {
            void helper.close().catch(() => undefined);
            return undefined;
          }
          members.push({ conn: helper, pending: 0 });
          return helper;
        },
        () => undefined,
      );
      opened.push(
        forked.finally(() => {
          connecting--;
          changed();
        }),
      );
    }
  }
  /** The least busy session, taken; while helpers are still connecting, waits for one rather than queue behind a busy session. */
  function take(): Member | undefined {
    const idle = members.find((m) => m.pending === 0);
    const member = idle ?? (connecting === 0 ? members.reduce((a, b) => (b.pending < a.pending ? b : a)) : undefined);
    if (member) member.pending++;
    if (connecting === 0 && members.every((m) => m.pending > 0)) markBusy();
    return member;
  }
  async function acquire(): Promise<Member> {
    for (;;) {
      const member = take();
      if (member) return member;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return {
    async query(sql: string, params?: unknown[]): Promise<QueryResult> {
      // Taken synchronously when possible, so that statements to one session keep the order they were sent in.
      const member = take() ?? (await acquire());
      try {
        return await member.conn.query(sql, params);
      } finally {
        member.pending--;
        changed();
      }
    },
    busy,
    async close() {
      closed = true;
      markBusy();
      const helpers = await Promise.all(opened);
      await Promise.all(helpers.map((helper) => helper?.close().catch(() => undefined)));
    },
  };
}
