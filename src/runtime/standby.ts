/**
 * A hot standby is read-only and follows its primary: migrating it cannot work
 * (and must not be tried), so a command that writes refuses it before it
 * changes anything, naming the server to migrate instead.
 */
import type { Connection, DatabaseUrl, Dialect, StandbyUpstream } from "../dialects/types.js";
import { KilnError } from "../errors.js";

/** The URL with another host and port, safe to print (built from the masked form). */
export function urlOnServer(url: DatabaseUrl, host: string, port: number | undefined): string | undefined {
  if (host.startsWith("/")) return undefined;
  try {
    const moved = new URL(url.display);
    moved.hostname = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
    moved.port = port !== undefined ? String(port) : "";
    return moved.toString();
  } catch {
    return undefined;
  }
}

export function standbyRefusal(url: DatabaseUrl, upstream: StandbyUpstream, command: string): KilnError {
  const details: string[] = [];
  if (upstream.host !== undefined) {
    const where = upstream.host.startsWith("/")
      ? `the Unix socket in ${upstream.host}${upstream.port !== undefined ? ` (port ${upstream.port})` : ""} on the standby's machine`
      : `${upstream.host}${upstream.port !== undefined ? `:${upstream.port}` : ""}`;
    details.push(`it replicates from ${where}: run kiln against the primary there${upstream.host.startsWith("/") ? "" : `, e.g. ${urlOnServer(url, upstream.host, upstream.port) ?? where}`}`);
    details.push("(when that server is itself a standby, kiln says so there in turn: the primary is the one server that takes writes)");
  } else {
    details.push(`kiln cannot tell which server it follows: ${upstream.unknownBecause ?? "the standby does not say"}; run kiln against the primary`);
  }
  details.push("the standby follows the primary's schema changes through replication; nothing was changed");
  return new KilnError(`${url.display} is a hot standby (read-only, in recovery): kiln ${command} must run on the primary`, { details });
}

/** Throws a KilnError (nothing changed) when the connected server is a standby. No-op where the dialect cannot tell. */
export async function refuseStandby(dialect: Dialect, conn: Connection, url: DatabaseUrl, command: string): Promise<void> {
  const upstream = await dialect.replication?.standbyOf(conn);
  if (upstream) throw standbyRefusal(url, upstream, command);
}
