/**
 * Replicated PostgreSQL on real local clusters (docs/replication.md): a primary
 * with a streaming standby made by pg_basebackup -R, and a logical-replication
 * subscriber of the primary (its database "shop" publishes). Every cluster is
 * dropped in afterAll, pass or fail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, Clusters, clusterToolsAvailable, schemaDump } from "../helpers/pg-clusters.js";
import { createProject, revisionSource, type TestProject } from "../helpers/project.js";

const available = clusterToolsAvailable();
const clusters = new Clusters();
const projects: TestProject[] = [];

/**
 * Three clusters for the whole file: a primary (its database "app" for the
 * streaming tests, "shop" publishing to the subscriber), its standby, and the
 * subscriber. The primary's walsenders then include a logical one, which
 * --wait-for-replicas must not count as a standby.
 */
let made: Promise<{ primary: Cluster; standby: Cluster; subscriber: Cluster }> | undefined;
function servers() {
  made ??= (async () => {
    const primary = await clusters.primary();
    await primary.query("CREATE DATABASE app");
    await primary.query("CREATE DATABASE shop");
    const standby = await clusters.standby(primary);
    const subscriber = await clusters.subscriberServer();
    await subscriber.query("CREATE DATABASE shop");
    await primary.query("CREATE TABLE orders (id integer PRIMARY KEY, note text); CREATE PUBLICATION shop_pub FOR TABLE orders", "shop");
    await subscriber.query("CREATE TABLE orders (id integer PRIMARY KEY, note text)", "shop");
    await subscriber.query(
      `CREATE SUBSCRIPTION shop_sub CONNECTION 'host=127.0.0.1 port=${primary.port} dbname=shop user=postgres' PUBLICATION shop_pub`,
      "shop",
    );
    return { primary, standby, subscriber };
  })();
  return made;
}

afterAll(async () => {
  for (const project of projects) project.remove();
  await clusters.dropAll();
});

function project(url: string, extraConfig?: string): TestProject {
  const made = createProject({ url, ...(extraConfig ? { extraConfig } : {}) });
  projects.push(made);
  return made;
}

const FIRST = revisionSource({
  revision: "a1a1a1a1a1a1",
  downRevision: null,
  message: "orders",
  upgrade: `op.createTable("orders", { id: { type: "integer", primaryKey: true }, note: { type: "text" } });\n    op.createIndex("orders_note", "orders", ["note"]);`,
  downgrade: `op.dropTable("orders");`,
});
const SECOND = revisionSource({
  revision: "b2b2b2b2b2b2",
  downRevision: "a1a1a1a1a1a1",
  message: "order totals",
  upgrade: `op.addColumn("orders", "total", { type: "numeric(12,2)" });`,
  downgrade: `op.dropColumn("orders", "total");`,
});

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.runIf(available)("streaming replication: a primary and a hot standby", () => {
  let primary: Cluster;
  let standby: Cluster;

  beforeAll(async () => {
    ({ primary, standby } = await servers());
  });

  it("refuses to upgrade, downgrade or stamp the standby, naming the primary; read-only commands work there", async () => {
    const onStandby = project(standby.url("app"));
    onStandby.write("migrations/a1a1a1a1a1a1_orders.ts", FIRST);
    for (const args of [["upgrade", "head"], ["downgrade", "base"], ["stamp", "head"]]) {
      const result = await onStandby.kiln(args);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(`error: postgres://postgres@127.0.0.1:${standby.port}/app is a hot standby (read-only, in recovery): kiln ${args[0]} must run on the primary`);
      expect(result.stderr).toContain(`it replicates from 127.0.0.1:${primary.port}: run kiln against the primary there, e.g. postgres://postgres@127.0.0.1:${primary.port}/app`);
      expect(result.stderr).toContain("nothing was changed");
    }
    // Nothing reached the primary either (the standby could not have taken it).
    expect((await primary.query("SELECT to_regclass('public.kiln_version') AS t", "app")).rows[0].t).toBeNull();
    const current = await onStandby.kiln(["current"]);
    expect(current.code, current.stderr).toBe(0);
    expect(current.stderr).toContain("the database is at base");
    const history = await onStandby.kiln(["history"]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain("a1a1a1a1a1a1");
  });

  it("upgrades the primary with --wait-for-replicas 0 and leaves the standby at the same schema", async () => {
    // The primary also publishes to a subscriber: its logical walsender is not a standby.
    // (Once its initial table copy, a walsender of its own, is done.)
    await waitFor("the standby and the subscription streaming", async () => (await primary.query("SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'")).rows[0].n === 2);
    const onPrimary = project(primary.url("app"));
    onPrimary.write("migrations/a1a1a1a1a1a1_orders.ts", FIRST);
    onPrimary.write("migrations/b2b2b2b2b2b2_totals.ts", SECOND);
    const result = await onPrimary.kiln(["upgrade", "head", "--wait-for-replicas", "0"]);
    expect(result.code, result.stderr).toBe(0);
    for (const revision of ["a1a1a1a1a1a1", "b2b2b2b2b2b2"]) {
      expect(result.stderr).toMatch(new RegExp(`replicas: 1 standby\\(s\\) within 0 of postgres://postgres@127\\.0\\.0\\.1:${primary.port}/app after ${revision} \\(waited \\d+ ms\\): \\S+ 0 B behind`));
    }
    // Right away, no sleep: the wait is what makes the standby current.
    const [onPrimaryDump, onStandbyDump] = await Promise.all([schemaDump(primary, "app"), schemaDump(standby, "app")]);
    expect(onPrimaryDump).toContain("CREATE TABLE public.orders");
    expect(onPrimaryDump).toContain("total numeric(12,2)");
    expect(onStandbyDump).toBe(onPrimaryDump);

    // Read-only commands on the standby: current, and check (autogenerate's compare) as on the primary.
    onPrimary.write("schema.ts", `import { table, integer, text, numeric, index } from "kiln-migrate/schema";
export const orders = table("orders", { id: integer().primaryKey(), note: text(), total: numeric({ precision: 12, scale: 2 }), extra: text() }, (t) => [index("orders_note").on(t.note)]);
`);
    await primary.query("CREATE DATABASE kiln_dev");
    const [checkPrimary, checkStandby, checkStandbyDev, currentStandby] = await Promise.all([
      onPrimary.kiln(["check"]),
      onPrimary.kiln(["check"], { DATABASE_URL: standby.url("app") }),
      // The models spelled in a dev database on the primary: the standby is only read.
      onPrimary.kiln(["check", "--dev-url", primary.url("kiln_dev")], { DATABASE_URL: standby.url("app") }),
      onPrimary.kiln(["current"], { DATABASE_URL: standby.url("app") }),
    ]);
    expect(checkPrimary.stdout).toContain("+ column orders.extra");
    expect({ code: checkStandbyDev.code, stdout: checkStandbyDev.stdout }, checkStandbyDev.stderr).toEqual({ code: checkPrimary.code, stdout: checkPrimary.stdout });
    expect(checkStandby.code).toBe(1);
    expect(checkStandby.stderr).toContain(`error: postgres://postgres@127.0.0.1:${standby.port}/app is a hot standby (read-only): kiln cannot build there the scratch schemas it spells the models in`);
    expect(checkStandby.stderr).toContain("set devUrl (or KILN_DEV_URL, --dev-url) to an empty database on a server of the same major version, e.g. CREATE DATABASE kiln_dev on the primary");
    expect(currentStandby.stdout).toContain("b2b2b2b2b2b2 (head) order totals");

    // A duration: each standby has replayed what the primary had written 5 s before.
    const down = await onPrimary.kiln(["downgrade", "-1", "--wait-for-replicas", "5s"]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/replicas: 1 standby\(s\) within 5s of .* after b2b2b2b2b2b2/);
    await onPrimary.kiln(["upgrade", "head"]);
  });

  it("times out with what to do when a standby does not replay", async () => {
    const onPrimary = project(primary.url("app"), 'waitForReplicas: "0",\n  replicaTimeoutMs: 1500,');
    onPrimary.write("migrations/a1a1a1a1a1a1_orders.ts", FIRST);
    onPrimary.write("migrations/b2b2b2b2b2b2_totals.ts", SECOND);
    onPrimary.write(
      "migrations/c3c3c3c3c3c3_ref.ts",
      revisionSource({ revision: "c3c3c3c3c3c3", downRevision: "b2b2b2b2b2b2", message: "ref", upgrade: `op.addColumn("orders", "ref", { type: "text" });`, downgrade: `op.dropColumn("orders", "ref");` }),
    );
    await standby.query("SELECT pg_wal_replay_pause()");
    try {
      const result = await onPrimary.kiln(["upgrade", "head"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error: --wait-for-replicas 0: standby\(s\) still behind \d+\.\d s after revision c3c3c3c3c3c3 \(the limit is 1\.5 s\)/);
      expect(result.stderr).toContain("revision c3c3c3c3c3c3 was committed on the primary and stays applied");
      expect(result.stderr).toContain("--replica-timeout");
    } finally {
      await standby.query("SELECT pg_wal_replay_resume()");
    }
    const again = await onPrimary.kiln(["upgrade", "head"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("already at head");
    await waitFor("the standby to replay", async () => (await schemaDump(standby, "app")) === (await schemaDump(primary, "app")));
  });
});

describe.runIf(available)("logical replication: a publisher and a subscriber", () => {
  let publisher: Cluster;
  let subscriber: Cluster;
  let shop: TestProject;

  const ADD_TOTAL = revisionSource({
    revision: "d4d4d4d4d4d4",
    downRevision: null,
    message: "order totals",
    upgrade: `op.addColumn("orders", "total", { type: "numeric(12,2)" });`,
    downgrade: `op.dropColumn("orders", "total");`,
  });
  const REFUNDS = revisionSource({
    revision: "e5e5e5e5e5e5",
    downRevision: "d4d4d4d4d4d4",
    message: "refunds",
    upgrade: `op.createTable("refunds", { id: { type: "integer", primaryKey: true }, order_id: { type: "integer" }, amount: { type: "numeric(12,2)" } });`,
    downgrade: `op.dropTable("refunds");`,
  });
  const RENAME = revisionSource({
    revision: "f6f6f6f6f6f6",
    downRevision: "e5e5e5e5e5e5",
    message: "rename note",
    upgrade: `op.alterColumn("orders", "note", { newName: "remark" });`,
    downgrade: `op.alterColumn("orders", "remark", { newName: "note" });`,
  });

  const onSubscriber = async (sql: string) => (await subscriber.query(sql, "shop")).rows;
  const arrives = (sql: string, expected: unknown[]) =>
    waitFor(`${sql} on the subscriber`, async () => JSON.stringify(await onSubscriber(sql)) === JSON.stringify(expected));
  const columns = async (cluster: Cluster, table: string) =>
    (await cluster.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`, "shop")).rows;

  beforeAll(async () => {
    ({ primary: publisher, subscriber } = await servers());
    shop = project(publisher.url("shop"), `logicalReplication: { publisher: ${JSON.stringify(publisher.url("shop"))}, subscribers: [${JSON.stringify(subscriber.url("shop"))}] },`);
    shop.write("migrations/d4d4d4d4d4d4_totals.ts", ADD_TOTAL);
    shop.write("migrations/e5e5e5e5e5e5_refunds.ts", REFUNDS);
  });

  it("adds a column and a table on both, subscribers first, and rows keep flowing before and after", async () => {
    await publisher.query("INSERT INTO orders VALUES (1, 'before')", "shop");
    await arrives("SELECT id, note FROM orders ORDER BY id", [{ id: 1, note: "before" }]);

    const result = await shop.kiln(["upgrade", "head", "--logical"]);
    expect(result.code, result.stderr).toBe(0);
    const pub = publisher.url("shop");
    const sub = subscriber.url("shop");
    const lines = result.stderr.split("\n");
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    expect(lines[at("d4d4d4d4d4d4 order totals:")]).toBe("d4d4d4d4d4d4 order totals: subscribers first");
    expect(at(`on the subscriber ${sub}`)).toBeLessThan(at(`on the publisher ${pub}`));
    expect(result.stderr).toContain("e5e5e5e5e5e5 refunds: subscribers first");
    expect(result.stderr).toContain("added the new table refunds to publication shop_pub");
    expect(result.stderr).toContain(`refreshed subscription shop_sub on ${sub}: it copies and follows the new table(s)`);
    expect(result.stderr).toContain(`publisher  at e5e5e5e5e5e5 (${pub})`);
    expect(result.stderr).toContain(`subscriber at e5e5e5e5e5e5 (${sub})`);

    expect(await columns(subscriber, "orders")).toEqual(await columns(publisher, "orders"));
    expect(await columns(subscriber, "refunds")).toEqual(await columns(publisher, "refunds"));
    await publisher.query("INSERT INTO orders VALUES (2, 'after', 9.99); INSERT INTO refunds VALUES (1, 2, 9.99)", "shop");
    await arrives("SELECT id, note, total FROM orders ORDER BY id", [
      { id: 1, note: "before", total: null },
      { id: 2, note: "after", total: "9.99" },
    ]);
    await arrives("SELECT id, order_id, amount FROM refunds", [{ id: 1, order_id: 2, amount: "9.99" }]);
    const again = await shop.kiln(["upgrade", "head", "--logical"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("nothing to do: the publisher and its 1 subscriber(s) are already at head");
    const json = await shop.kiln(["upgrade", "head", "--logical", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      command: "upgrade",
      target: "head",
      logical: true,
      publication: "shop_pub",
      steps: [],
      members: [
        { role: "publisher", database: pub, heads: ["e5e5e5e5e5e5"] },
        { role: "subscriber", database: sub, heads: ["e5e5e5e5e5e5"] },
      ],
    });
  });

  it("a fleet run (--all) refuses members of logicalReplication, which must go in order", async () => {
    const fleet = project(publisher.url("shop"), `targets: [${JSON.stringify(publisher.url("shop"))}],\n  logicalReplication: { publisher: ${JSON.stringify(publisher.url("shop"))}, subscribers: [${JSON.stringify(subscriber.url("shop"))}] },`);
    fleet.write("migrations/d4d4d4d4d4d4_totals.ts", ADD_TOTAL);
    const result = await fleet.kiln(["upgrade", "head", "--all"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("but it is a member of logicalReplication, whose publisher and subscribers must take each revision in order");
    expect(result.stderr).toContain("kiln upgrade TARGET --logical");
  });

  it("refuses a revision that needs a manual plan before changing anything, naming its operations", async () => {
    shop.write("migrations/f6f6f6f6f6f6_rename.ts", RENAME);
    const result = await shop.kiln(["upgrade", "head", "--logical"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: --logical: 1 revision(s) need a manual plan: no order of publisher and subscribers keeps every replicated row applying");
    expect(result.stderr).toMatch(/revision f6f6f6f6f6f6 \(.*f6f6f6f6f6f6_rename\.ts\) upgrade:\n {4}alterColumn orders\.note: the subscription matches columns by name/);
    expect(result.stderr).toContain("nothing was changed");
    for (const cluster of [publisher, subscriber]) {
      expect((await cluster.query("SELECT version_num FROM kiln_version", "shop")).rows).toEqual([{ version_num: "e5e5e5e5e5e5" }]);
      expect((await columns(cluster, "orders")).map((c) => c.column_name)).toEqual(["id", "note", "total"]);
    }
    shop.write("migrations/f6f6f6f6f6f6_rename.ts", "");
  });

  it("refuses a FOR ALL TABLES publication, which would publish kiln's own tables", async () => {
    await publisher.query("CREATE PUBLICATION everything FOR ALL TABLES", "shop");
    try {
      const everything = project(publisher.url("shop"), `logicalReplication: { publisher: ${JSON.stringify(publisher.url("shop"))}, subscribers: [${JSON.stringify(subscriber.url("shop"))}], publication: "everything" },`);
      everything.write("migrations/d4d4d4d4d4d4_totals.ts", ADD_TOTAL);
      everything.write("migrations/e5e5e5e5e5e5_refunds.ts", REFUNDS);
      everything.write("migrations/f6f6f6f6f6f6_ref.ts", revisionSource({ revision: "f6f6f6f6f6f6", downRevision: "e5e5e5e5e5e5", message: "ref", upgrade: `op.addColumn("orders", "ref", { type: "text" });` }));
      const result = await everything.kiln(["upgrade", "head", "--logical"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("error: --logical: publication everything is FOR ALL TABLES, so it publishes kiln's own tables (kiln_version, kiln_history, kiln_version_journal)");
      expect((await columns(publisher, "orders")).map((c) => c.column_name)).toEqual(["id", "note", "total"]);
    } finally {
      await publisher.query("DROP PUBLICATION everything", "shop");
    }
  });

  it("drops a table on the publisher first going down, and rows keep flowing", async () => {
    const { unlinkSync } = await import("node:fs");
    unlinkSync(`${shop.migrationsDir}/f6f6f6f6f6f6_rename.ts`);
    const result = await shop.kiln(["downgrade", "-1", "--logical"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split("\n");
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    expect(result.stderr).toContain("e5e5e5e5e5e5 refunds: publisher first");
    expect(at(`on the publisher ${publisher.url("shop")}`)).toBeLessThan(at(`on the subscriber ${subscriber.url("shop")}`));
    for (const cluster of [publisher, subscriber]) expect((await cluster.query("SELECT to_regclass('public.refunds') AS t", "shop")).rows[0].t).toBeNull();
    await publisher.query("INSERT INTO orders VALUES (3, 'down', 1.50)", "shop");
    await arrives("SELECT id, total FROM orders WHERE id = 3", [{ id: 3, total: "1.50" }]);
  });

  it("a step that fails on the second side names both, and the rerun finishes that side only", async () => {
    shop.write(
      "migrations/a7a7a7a7a7a7_ref.ts",
      revisionSource({
        revision: "a7a7a7a7a7a7",
        downRevision: "e5e5e5e5e5e5",
        message: "order refs",
        upgrade: `op.addColumn("orders", "ref", { type: "text" });\n    op.createIndex("orders_ref", "orders", ["ref"]);`,
        downgrade: `op.dropIndex("orders_ref");\n    op.dropColumn("orders", "ref");`,
      }),
    );
    await publisher.query("CREATE INDEX orders_ref ON orders (note)", "shop");
    const failed = await shop.kiln(["upgrade", "head", "--logical"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`error: on the publisher ${publisher.url("shop")}: upgrade of revision a7a7a7a7a7a7`);
    expect(failed.stderr).toContain(`revision a7a7a7a7a7a7 is applied on ${subscriber.url("shop")} and not on ${publisher.url("shop")}`);
    await publisher.query("DROP INDEX orders_ref", "shop");
    const rerun = await shop.kiln(["upgrade", "head", "--logical"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).not.toContain("on the subscriber");
    expect(rerun.stderr).toContain(`on the publisher ${publisher.url("shop")}`);
    for (const cluster of [publisher, subscriber]) expect((await cluster.query("SELECT version_num FROM kiln_version", "shop")).rows).toEqual([{ version_num: "a7a7a7a7a7a7" }]);
    await publisher.query("INSERT INTO orders (id, note, ref) VALUES (4, 'ref', 'R-4')", "shop");
    await arrives("SELECT id, ref FROM orders WHERE id = 4", [{ id: 4, ref: "R-4" }]);
  });
});
