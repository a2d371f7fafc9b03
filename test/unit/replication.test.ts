/** Replication helpers that need no server: LSNs, conninfo, lag and duration parsing, the standby refusal's text. */
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { conninfoHostPort, parseLsn } from "../../src/dialects/postgres/replication.js";
import { formatBytes, parseDuration, parseReplicaLag, requiredPosition } from "../../src/runtime/replica-wait.js";
import { standbyRefusal, urlOnServer } from "../../src/runtime/standby.js";

describe("WAL positions", () => {
  it("reads an LSN as bytes", () => {
    expect(parseLsn("0/3000000")).toBe(0x3000000n);
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) + 0xb374d848n);
    expect(() => parseLsn("nonsense")).toThrow(/not a WAL position/);
  });
});

describe("conninfoHostPort", () => {
  it("reads host and port and nothing else (a password stays behind)", () => {
    const info = "user=rep password='s3cr3t pass' host=10.0.0.5 port=5433 sslmode=prefer";
    expect(conninfoHostPort(info)).toEqual({ host: "10.0.0.5", port: 5433 });
    expect(JSON.stringify(conninfoHostPort(info))).not.toContain("s3cr3t");
    expect(conninfoHostPort("hostaddr=192.168.1.2 password=x")).toEqual({ host: "192.168.1.2" });
    expect(conninfoHostPort("host='db one' port=abc")).toEqual({ host: "db one" });
    expect(conninfoHostPort("dbname=replication")).toEqual({});
  });
});

describe("--wait-for-replicas LAG", () => {
  it("takes bytes with PostgreSQL's units or a duration", () => {
    expect(parseReplicaLag("0")).toMatchObject({ kind: "bytes", bytes: 0n });
    expect(parseReplicaLag(1048576)).toMatchObject({ kind: "bytes", bytes: 1048576n });
    expect(parseReplicaLag("512kB")).toMatchObject({ kind: "bytes", bytes: 524288n });
    expect(parseReplicaLag("16MB")).toMatchObject({ kind: "bytes", bytes: 16n * 1024n * 1024n });
    expect(parseReplicaLag("1gb")).toMatchObject({ kind: "bytes", bytes: 1024n ** 3n });
    expect(parseReplicaLag("5s")).toMatchObject({ kind: "duration", ms: 5000 });
    expect(parseReplicaLag("500ms")).toMatchObject({ kind: "duration", ms: 500 });
    expect(parseReplicaLag("2min")).toMatchObject({ kind: "duration", ms: 120_000 });
    for (const bad of ["", "-1", "5 parsecs", "MB", "1e3"]) expect(() => parseReplicaLag(bad)).toThrow(/neither a size nor a duration/);
  });

  it("parses timeouts", () => {
    expect(parseDuration("30s", "--replica-timeout")).toBe(30_000);
    expect(parseDuration("10min", "--replica-timeout")).toBe(600_000);
    expect(parseDuration("1500", "--replica-timeout")).toBe(1500);
    expect(() => parseDuration("soon", "--replica-timeout")).toThrow(/--replica-timeout "soon" is not a duration/);
  });

  it("bytes: the step's end less the lag", () => {
    const lag = parseReplicaLag("1kB");
    expect(requiredPosition(lag, [], 10_000n, 0)).toBe(10_000n - 1024n);
    expect(requiredPosition(lag, [], 100n, 0)).toBe(0n);
    expect(requiredPosition(parseReplicaLag("0"), [], 777n, 0)).toBe(777n);
  });

  it("a duration: the first position noted at or after LAG ago", () => {
    const lag = parseReplicaLag("5s");
    const samples = [
      { at: 1_000, position: 100n }, // before the step
      { at: 2_000, position: 900n }, // after it
      { at: 7_500, position: 950n }, // a poll
    ];
    expect(requiredPosition(lag, samples, 900n, 2_000)).toBe(100n); // the standby may be up to the step behind...
    expect(requiredPosition(lag, samples, 900n, 6_500)).toBe(900n); // ...until the step is 5 s old
    expect(requiredPosition(lag, samples, 900n, 20_000)).toBe(950n); // nothing noted since: the newest
  });

  it("formats sizes", () => {
    expect(formatBytes(0n)).toBe("0 B");
    expect(formatBytes(1536n)).toBe("1.5 kB");
    expect(formatBytes(5n * 1024n * 1024n)).toBe("5.0 MB");
  });
});

describe("refusing a standby", () => {
  it("names the primary with the URL moved there, password masked", () => {
    const url = parseDatabaseUrl("postgres://app:hunter2@replica.internal:5432/shop");
    const error = standbyRefusal(url, { host: "primary.internal", port: 5433 }, "upgrade");
    const text = [error.message, ...error.details].join("\n");
    expect(error.message).toBe(`${url.display} is a hot standby (read-only, in recovery): kiln upgrade must run on the primary`);
    expect(text).toContain("it replicates from primary.internal:5433: run kiln against the primary there, e.g. postgres://app:***@primary.internal:5433/shop");
    expect(text).not.toContain("hunter2");
    expect(error.exitCode).toBe(1);
  });

  it("says why when the primary is unknown, and handles sockets and IPv6", () => {
    const url = parseDatabaseUrl("postgres://app@replica:5432/shop");
    const unknown = standbyRefusal(url, { unknownBecause: "the user lacks pg_read_all_stats" }, "stamp");
    expect(unknown.details[0]).toBe("kiln cannot tell which server it follows: the user lacks pg_read_all_stats; run kiln against the primary");
    const socket = standbyRefusal(url, { host: "/var/run/postgresql", port: 5432 }, "upgrade");
    expect(socket.details[0]).toContain("the Unix socket in /var/run/postgresql (port 5432) on the standby's machine");
    expect(urlOnServer(url, "fd00::1", 5433)).toBe("postgres://app@[fd00::1]:5433/shop");
  });
});

describe("config: waitForReplicas, replicaTimeoutMs, logicalReplication", () => {
  const file = "kiln.config.ts";
  it("accepts them and resolves the URLs, masked", async () => {
    const { resolveConfig, validateConfig } = await import("../../src/config/load.js");
    const config = validateConfig(
      {
        url: "postgres://app@db1:5432/shop",
        waitForReplicas: "16MB",
        replicaTimeoutMs: 60_000,
        logicalReplication: { publisher: "postgres://app:pw@db1:5432/shop", subscribers: ["postgres://app@db2:5432/shop"], publication: "shop_pub" },
      },
      file,
    );
    const resolved = resolveConfig(config, `/tmp/${file}`, {});
    expect(resolved.waitForReplicas).toBe("16MB");
    expect(resolved.replicaTimeoutMs).toBe(60_000);
    expect(resolved.logicalReplication?.publisher.display).toBe("postgres://app:***@db1:5432/shop");
    expect(resolved.logicalReplication?.subscribers.map((u) => u.display)).toEqual(["postgres://app@db2:5432/shop"]);
    expect(resolved.logicalReplication?.publishNewTables).toBe(true);
    expect(resolveConfig(validateConfig({ url: "postgres://a@h/d" }, file), `/tmp/${file}`, {}).replicaTimeoutMs).toBe(600_000);
  });

  it("refuses what is not one, naming the key", async () => {
    const { validateConfig } = await import("../../src/config/load.js");
    expect(() => validateConfig({ waitForReplicas: true }, file)).toThrow(/`waitForReplicas` must be a lag in bytes/);
    expect(() => validateConfig({ replicaTimeoutMs: -1 }, file)).toThrow(/`replicaTimeoutMs` must be a whole number of milliseconds/);
    expect(() => validateConfig({ logicalReplication: { subscribers: ["postgres://a@h/d"] } }, file)).toThrow(/`logicalReplication.publisher` must be the publisher's URL/);
    expect(() => validateConfig({ logicalReplication: { publisher: "postgres://a@h/d", subscribers: [] } }, file)).toThrow(/`logicalReplication.subscribers` must be a non-empty array/);
    expect(() => validateConfig({ logicalReplication: { publisher: "postgres://a@h/d", subscribers: ["postgres://a@h/e"], tables: [] } }, file)).toThrow(/unknown key `logicalReplication.tables`/);
    expect(() => validateConfig({ logicalReplication: { publisher: "postgres://a@h/d", subscribers: ["postgres://a@h/e"], publishNewTables: "yes" } }, file)).toThrow(/publishNewTables` must be true or false/);
  });
});
