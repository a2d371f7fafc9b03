/**
 * What a PostgreSQL-family server is, and whether the connection reaches it
 * through a transaction pooler: the facts the lock and transaction strategies
 * are chosen by (runtime/strategy.ts, docs/distributed-postgres.md).
 *
 * - The product: version() names CockroachDB ("CockroachDB CCL v23.1...") and
 *   YugabyteDB ("PostgreSQL 11.2-YB-2.20..."); Citus is PostgreSQL with the
 *   citus extension installed (pg_extension).
 * - A pooler: the server's view of its client (inet_client_addr/port, its own
 *   port) is compared with this end of the connection. When they match, the
 *   connection is direct. When they do not, something sits in between (a
 *   pooler, or a plain proxy such as a container's port mapping), and a second
 *   session tells which: this session's server process (pg_backend_pid) is
 *   free between its transactions under transaction pooling, so the second
 *   session, opening a transaction, gets that very process (PgBouncer reuses
 *   the most recent server connection first), or, holding another one, forces
 *   this session onto a different process for its next statement. Under
 *   session pooling and through a plain proxy neither happens.
 */
import type { Connection, ProbeOptions, ServerProfile } from "../types.js";

/** Reads version() text into a flavour and a short description (pure). */
export function flavourOf(version: string): { flavour: "cockroachdb" | "yugabytedb" | "postgresql"; description: string } {
  const crdb = /CockroachDB\s+(?:\w+\s+)?v?[\d.]+[\w.-]*/i.exec(version);
  if (crdb) return { flavour: "cockroachdb", description: crdb[0] };
  const yb = /PostgreSQL\s+([\d.]+)-YB-([\d.]+)/.exec(version);
  if (yb) return { flavour: "yugabytedb", description: `YugabyteDB ${yb[2]} (PostgreSQL ${yb[1]})` };
  const pg = /PostgreSQL\s+[\d.]+\w*/.exec(version);
  return { flavour: "postgresql", description: pg ? pg[0] : version.split(" on ")[0] ?? version };
}

/** The strategies a flavour needs, before anything is known about the way to it (pure). */
export function profileFor(flavour: string, description: string): ServerProfile {
  switch (flavour) {
    case "cockroachdb":
      return {
        description,
        flavour,
        sessionState: true,
        lock: { strategy: "lease", because: "CockroachDB's pg_advisory_lock is a stub that always succeeds" },
        transactions: { strategy: "ddl-outside", because: "CockroachDB does not run schema changes atomically with other writes in one explicit transaction" },
      };
    case "yugabytedb":
      return {
        description,
        flavour,
        sessionState: true,
        lock: { strategy: "lease", because: "YugabyteDB's advisory locks are missing or in preview depending on the version" },
        transactions: { strategy: "ddl-outside", because: "YugabyteDB does not run schema changes atomically with other writes in one explicit transaction" },
      };
    default:
      return {
        description,
        flavour,
        sessionState: true,
        lock: { strategy: "advisory", because: "the server holds a session advisory lock for kiln's connection" },
        transactions: { strategy: "per-step", because: "PostgreSQL runs DDL and the version write in one transaction" },
      };
  }
}

/** Normalizes an address for comparison (an IPv4 address seen as IPv6-mapped is the same). */
function plainAddress(address: string): string {
  return address.replace(/^::ffff:/i, "");
}

/** True when the server's view of its client is this very end of the connection (no proxy in between). */
function looksDirect(endpoint: ReturnType<NonNullable<Connection["endpoint"]>>, row: Record<string, unknown>, urlPort: number | undefined): boolean | undefined {
  if (!endpoint) return undefined;
  if (endpoint.kind === "socket") {
    // A local socket to the server itself: the server sees no address, and its port names the socket file.
    return row.client_addr == null && (urlPort === undefined || Number(row.port) === urlPort);
  }
  if (row.client_addr == null || row.client_port == null) return false;
  return Number(row.client_port) === endpoint.port && plainAddress(String(row.client_addr)) === plainAddress(endpoint.address);
}

/** How long this session's next statement may wait for a server process before that counts as proof of a transaction pooler. */
const POOL_WAIT_MS = 2_000;

/**
 * Which server process a second session gets while this one is between
 * transactions, and this one's after that. The second session holds its
 * transaction only until this one answers or POOL_WAIT_MS pass: a session with
 * a server process of its own answers at once, so a wait means this one has
 * none (a pooler out of free server connections), and never lasts.
 */
async function poolerProbe(conn: Connection, pid: number, openAnother: () => Promise<Connection>): Promise<string | undefined> {
  const other = await openAnother();
  let inTransaction = false;
  try {
    inTransaction = true;
    let rows: Record<string, unknown>[];
    try {
      ({ rows } = await other.query("BEGIN; SELECT pg_catalog.pg_backend_pid() AS pid"));
    } catch (error) {
      // PgBouncer's statement pooling refuses transaction blocks outright.
      return `a second connection could not open a transaction: ${error instanceof Error ? error.message : String(error)}`;
    }
    const otherPid = Number(rows[0]?.pid);
    if (otherPid === pid) return `a second connection was given this connection's server process (pid ${pid}) between its transactions`;
    const again = conn.query("SELECT pg_catalog.pg_backend_pid() AS pid").then((r) => Number(r.rows[0]?.pid));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<"waited">((resolve) => (timer = setTimeout(() => resolve("waited"), POOL_WAIT_MS)));
    const first = await Promise.race([again, waited]);
    clearTimeout(timer);
    if (first === "waited") {
      await other.query("ROLLBACK");
      inTransaction = false;
      await again;
      return `this connection waited ${POOL_WAIT_MS} ms for a server process while a second connection held one`;
    }
    if (first !== pid) return `this connection's server process changed between two transactions (pid ${pid}, then ${first})`;
    return undefined;
  } finally {
    if (inTransaction) await other.query("ROLLBACK").catch(() => undefined);
    await other.close().catch(() => undefined);
  }
}

/** The port a postgres:// URL names (5432 when none; undefined when the URL cannot be read). */
function urlPort(raw: string): number | undefined {
  try {
    const url = new URL(raw);
    const fromQuery = url.searchParams.get("port");
    return Number(url.port || fromQuery || 5432);
  } catch {
    return undefined;
  }
}

export async function probePostgres(conn: Connection, options: ProbeOptions): Promise<ServerProfile> {
  const embedded = options.url.scheme === "pglite";
  const version = String((await conn.query("SELECT version() AS version")).rows[0]?.version ?? "");
  const { flavour, description } = flavourOf(version);
  if (embedded) return { ...profileFor("postgresql", description), flavour: "pglite", description: `PGlite (${description})` };
  if (flavour !== "postgresql") return profileFor(flavour, description);
  const { rows } = await conn.query(
    `SELECT pg_catalog.pg_backend_pid() AS pid, pg_catalog.host(pg_catalog.inet_client_addr()) AS client_addr,
            pg_catalog.inet_client_port() AS client_port, pg_catalog.current_setting('port') AS port,
            (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus') AS citus`,
  );
  const row = rows[0] ?? {};
  const profile =
    row.citus != null ? { ...profileFor("citus", description), description: `Citus ${String(row.citus)} on ${description}` } : profileFor("postgresql", description);
  if (profile.flavour === "citus") {
    profile.lock.because = "the Citus coordinator holds a session advisory lock for kiln's connection";
    profile.transactions.because = "Citus propagates DDL from the coordinator to the workers within the transaction";
  }
  const endpoint = conn.endpoint?.();
  const direct = looksDirect(endpoint, row, urlPort(options.url.raw));
  if (direct !== false) return profile;
  // Something sits between kiln and the server. A transaction pooler is proven by a second session when it can be;
  // a session pooler or a plain proxy cannot be told from one that did not show itself, so the lease is taken either way.
  const seen = row.client_addr == null ? "a local socket" : `${String(row.client_addr)}:${String(row.client_port)}`;
  const here = endpoint?.kind === "tcp" ? `${endpoint.address}:${endpoint.port}` : "a local socket";
  const pooler = options.openAnother ? await poolerProbe(conn, Number(row.pid), options.openAnother) : undefined;
  if (pooler) {
    return {
      ...profile,
      sessionState: false,
      pooler,
      lock: { strategy: "lease", because: `the connection goes through a transaction pooler (${pooler}), where a session advisory lock does not hold` },
    };
  }
  return {
    ...profile,
    sessionState: false,
    lock: {
      strategy: "lease",
      because:
        `the connection does not reach the server directly (the server sees its client at ${seen}, this end is ${here}): ` +
        `through a transaction pooler a session advisory lock would not hold, and kiln cannot rule one out (a session pooler or a plain proxy looks the same); set \`lock: "advisory"\` if the connection keeps one server session`,
    },
  };
}
