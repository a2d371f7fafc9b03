/**
 * Throwaway PostgreSQL clusters for replication tests: a primary, a streaming
 * standby made by pg_basebackup -R, a logical-replication publisher and
 * subscriber. Debian's pg_createcluster tools (postgresql-common) make them,
 * owned by the postgres user, listening on 127.0.0.1 with trust auth, on free
 * ports, with unique names; dropAll() removes every cluster made (call it in
 * afterAll, whatever happened). Tests run as root (the tools need it).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
/** The newest PostgreSQL installed under /usr/lib/postgresql (Debian's layout), or KILN_TEST_PG_MAJOR. */
function installedMajor(): string {
  if (process.env.KILN_TEST_PG_MAJOR) return process.env.KILN_TEST_PG_MAJOR;
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v) && existsSync(`/usr/lib/postgresql/${v}/bin/pg_basebackup`)) : [];
  return versions.sort((a, b) => Number(a) - Number(b)).pop() ?? "15";
}

export const PG_MAJOR = installedMajor();
const BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;

export interface Cluster {
  name: string;
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/DB */
  url(database?: string): string;
  query(sql: string, database?: string): Promise<pg.QueryResult>;
}

/** True when this machine can make clusters (Debian's postgresql-common and a PostgreSQL server package, run as root). */
export function clusterToolsAvailable(): boolean {
  const ok = existsSync("/usr/bin/pg_createcluster") && existsSync(`${BIN}/pg_basebackup`) && process.getuid?.() === 0;
  if (!ok && process.env.CI === "true") {
    throw new Error(`CI must run the replication tests: they need Debian's pg_createcluster and a PostgreSQL server package (apt-get install postgresql), run as root`);
  }
  return ok;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function sh(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${e.stderr || e.message}`);
  }
}

/** Runs a command as the postgres user. */
function asPostgres(command: string, args: string[]): Promise<string> {
  return sh("runuser", ["-u", "postgres", "--", command, ...args]);
}

function clusterOf(name: string, port: number): Cluster {
  const url = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    name,
    port,
    url,
    async query(sql, database) {
      const client = new pg.Client({ connectionString: url(database) });
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    },
  };
}

export class Clusters {
  private readonly made: string[] = [];
  private readonly prefix = `kiln_${randomBytes(3).toString("hex")}`;

  private async create(role: string, settings: Record<string, string>, start: boolean): Promise<Cluster> {
    const name = `${this.prefix}_${role}`;
    const port = await freePort();
    this.made.push(name);
    const all = { listen_addresses: "127.0.0.1", fsync: "off", full_page_writes: "off", shared_buffers: "16MB", max_connections: "40", ...settings };
    await sh("pg_createcluster", [PG_MAJOR, name, "-p", String(port), "--", "--auth-host=trust", "--auth-local=trust", "--no-sync"]);
    // Debian's postgresql.conf includes conf.d/.
    writeFileSync(`/etc/postgresql/${PG_MAJOR}/${name}/conf.d/kiln-test.conf`, Object.entries(all).map(([key, value]) => `${key} = '${value}'\n`).join(""));
    const cluster = clusterOf(name, port);
    if (start) await this.start(cluster);
    return cluster;
  }

  async start(cluster: Cluster): Promise<void> {
    await sh("pg_ctlcluster", [PG_MAJOR, cluster.name, "start"]);
  }

  /** A primary (wal_level=logical too, so it can publish). */
  primary(role = "primary"): Promise<Cluster> {
    return this.create(role, { wal_level: "logical", max_wal_senders: "10", max_replication_slots: "10" }, true);
  }

  /** A streaming hot standby of `primary`, made by pg_basebackup -R (primary_conninfo points at the primary). */
  async standby(primary: Cluster, role = "standby"): Promise<Cluster> {
    const cluster = await this.create(role, { hot_standby: "on" }, false);
    const dataDir = `/var/lib/postgresql/${PG_MAJOR}/${cluster.name}`;
    await sh("find", [dataDir, "-mindepth", "1", "-delete"]);
    await asPostgres(`${BIN}/pg_basebackup`, ["-D", dataDir, "-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-R", "-X", "stream", "-c", "fast"]);
    await this.start(cluster);
    // Wait until it streams (the primary lists it).
    for (let i = 0; i < 100; i++) {
      const rows = (await primary.query("SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'")).rows;
      if (rows[0].n > 0) return cluster;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the standby ${cluster.name} did not start streaming from ${primary.name}`);
  }

  /** A plain server to subscribe with. */
  subscriberServer(role = "subscriber"): Promise<Cluster> {
    return this.create(role, { max_logical_replication_workers: "4", max_worker_processes: "8" }, true);
  }

  /** Stops and drops every cluster made; never throws (a failure names what to remove by hand). */
  async dropAll(): Promise<void> {
    const names = this.made.splice(0).reverse();
    // Nothing in them is kept: stopped at once (no checkpoint), then dropped, all together.
    await Promise.all(names.map((name) => sh("pg_ctlcluster", [PG_MAJOR, name, "stop", "-m", "immediate"]).catch(() => undefined)));
    // pg_dropcluster keeps a config folder holding a file it did not write: ours goes first.
    for (const name of names) rmSync(`/etc/postgresql/${PG_MAJOR}/${name}/conf.d/kiln-test.conf`, { force: true });
    await Promise.all(
      names.map((name) =>
        sh("pg_dropcluster", ["--stop", PG_MAJOR, name]).catch((error: Error) => {
          process.stderr.write(`could not drop cluster ${name} (pg_dropcluster --stop ${PG_MAJOR} ${name}): ${error.message}\n`);
        }),
      ),
    );
  }
}

/** pg_dump --schema-only of one database, without the lines that differ between servers for no schema reason. */
export async function schemaDump(cluster: Cluster, database: string): Promise<string> {
  const out = await sh(`${BIN}/pg_dump`, ["--schema-only", "--no-owner", "-h", "127.0.0.1", "-p", String(cluster.port), "-U", "postgres", database]);
  return out
    .split("\n")
    .filter((line) => !line.startsWith("-- Dumped ") && !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
    .join("\n");
}
