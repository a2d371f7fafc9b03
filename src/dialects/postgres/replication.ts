/**
 * What a PostgreSQL server says about replication: whether it is a hot standby
 * and which server it streams from (pg_is_in_recovery, pg_stat_wal_receiver),
 * how far its own standbys have replayed (pg_stat_replication), and its
 * publications and subscriptions (logical replication). Read-only queries on
 * the system views; no password ever leaves them (only host and port are read
 * from a conninfo).
 */
import type { Connection, LogicalReplicationSupport, ReplicationSupport, StandbyState, StandbyUpstream } from "../types.js";
import { quoteIdentifier, tableName } from "./sql.js";

/** An LSN ("16/B374D848") as a byte position. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!match) throw new Error(`not a WAL position (LSN): ${JSON.stringify(text)}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** host and port from a libpq conninfo string (`key=value` pairs, values optionally single-quoted); nothing else is read. */
export function conninfoHostPort(conninfo: string): { host?: string; port?: number } {
  const found: Record<string, string> = {};
  const pair = /([A-Za-z_]+)\s*=\s*('((?:[^'\\]|\\.)*)'|[^\s']+)/g;
  for (let match = pair.exec(conninfo); match; match = pair.exec(conninfo)) {
    const key = match[1]!.toLowerCase();
    if (key === "host" || key === "hostaddr" || key === "port") found[key] = match[3] !== undefined ? match[3].replace(/\\(.)/g, "$1") : match[2]!;
  }
  const host = found.host ?? found.hostaddr;
  const port = found.port !== undefined && /^\d+$/.test(found.port) ? Number(found.port) : undefined;
  return { ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}) };
}

async function standbyOf(conn: Connection): Promise<StandbyUpstream | undefined> {
  const recovery = (await conn.query("SELECT pg_catalog.pg_is_in_recovery() AS in_recovery")).rows[0];
  if (recovery?.in_recovery !== true) return undefined;
  const rows = (await conn.query("SELECT sender_host, sender_port, conninfo FROM pg_catalog.pg_stat_wal_receiver")).rows;
  const row = rows[0];
  if (!row) {
    return { unknownBecause: "it is not streaming from another server now (pg_stat_wal_receiver is empty: it may restore WAL from an archive, or be reconnecting)" };
  }
  if (typeof row.sender_host === "string" && row.sender_host !== "") {
    return { host: row.sender_host, ...(row.sender_port != null ? { port: Number(row.sender_port) } : {}) };
  }
  if (typeof row.conninfo === "string") {
    const { host, port } = conninfoHostPort(row.conninfo);
    if (host !== undefined) return { host, ...(port !== undefined ? { port } : {}) };
  }
  return { unknownBecause: "the standby does not show this user where it streams from (pg_stat_wal_receiver needs the pg_read_all_stats role)" };
}

async function walPosition(conn: Connection): Promise<bigint> {
  const row = (await conn.query("SELECT pg_catalog.pg_current_wal_lsn()::text AS lsn")).rows[0];
  return parseLsn(String(row?.lsn));
}

async function standbys(conn: Connection): Promise<StandbyState[]> {
  // Logical subscribers (a walsender holding a logical slot) and base backups stream too: they are not standbys.
  const rows = (
    await conn.query(
      `SELECT r.application_name, host(r.client_addr) AS address, r.state, r.replay_lsn::text AS replay_lsn
         FROM pg_catalog.pg_stat_replication r
        WHERE r.state IS DISTINCT FROM 'backup'
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots s WHERE s.active_pid = r.pid AND s.slot_type = 'logical')
        ORDER BY r.application_name, r.pid`,
    )
  ).rows;
  return rows.map((row) => {
    const address = typeof row.address === "string" ? row.address : undefined;
    const name = typeof row.application_name === "string" && row.application_name !== "" ? row.application_name : address ?? "local standby";
    return {
      name,
      ...(address !== undefined ? { address } : {}),
      state: typeof row.state === "string" ? row.state : "unknown",
      ...(typeof row.replay_lsn === "string" ? { replayed: parseLsn(row.replay_lsn) } : {}),
    };
  });
}

async function idleStandbySlots(conn: Connection): Promise<string[]> {
  const rows = (await conn.query("SELECT slot_name FROM pg_catalog.pg_replication_slots WHERE slot_type = 'physical' AND NOT active ORDER BY slot_name")).rows;
  return rows.map((row) => String(row.slot_name));
}

export const postgresReplication: ReplicationSupport = { standbyOf, walPosition, standbys, idleStandbySlots };

export const postgresLogicalReplication: LogicalReplicationSupport = {
  async publication(conn, name) {
    const found = (await conn.query("SELECT puballtables FROM pg_catalog.pg_publication WHERE pubname = $1", [name])).rows[0];
    if (!found) return undefined;
    const tables = (await conn.query("SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE pubname = $1", [name])).rows;
    return { allTables: found.puballtables === true, tables: tables.map((row) => ({ schema: String(row.schemaname), name: String(row.tablename) })) };
  },
  addToPublicationSql: (publication, table) => `ALTER PUBLICATION ${quoteIdentifier(publication)} ADD TABLE ${tableName(table.schema, table.name)}`,
  async subscriptions(conn) {
    const rows = (
      await conn.query(
        `SELECT subname, subpublications, subenabled FROM pg_catalog.pg_subscription
          WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) ORDER BY subname`,
      )
    ).rows;
    return rows.map((row) => ({
      name: String(row.subname),
      publications: Array.isArray(row.subpublications) ? row.subpublications.map(String) : parseTextArray(String(row.subpublications)),
      enabled: row.subenabled === true,
    }));
  },
  refreshSubscriptionSql: (subscription) => `ALTER SUBSCRIPTION ${quoteIdentifier(subscription)} REFRESH PUBLICATION`,
};

/** A text[] as PGlite or a driver without array parsing returns it: {a,"b c"}. */
function parseTextArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, "");
  if (inner === "") return [];
  const items: string[] = [];
  const item = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  for (let match = item.exec(inner); match; match = item.exec(inner)) items.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2]!);
  return items;
}
