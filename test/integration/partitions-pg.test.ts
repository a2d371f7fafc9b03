/**
 * Declarative partitioning end to end on PostgreSQL (PGlite and the server),
 * through the real CLI, on test/fixtures/pg/own/partitions.sql: range, list and
 * hash partitioning, default partitions, sub-partitioning, a partition in
 * another schema, indexes on the parent and on one partition only, a check and
 * a foreign key declared on one partition, foreign keys from and to a
 * partitioned table.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/types.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import { createProject, type TestProject } from "../helpers/project.js";
import { PG_TARGETS, readCatalog, schemaDump } from "./autogenerate-pg-support.js";

const FIXTURE = readFileSync(new URL("../fixtures/pg/own/partitions.sql", import.meta.url), "utf8");
const SCHEMAS = `schemas: ["own_parts", "own_parts_archive"],`;
const S = "own_parts";

/** The fixture in the model DSL. */
const FIXTURE_MODELS = `import { table, partitionOf, integer, bigint, date, text, numeric, uuid, jsonb, sql, check, index, primaryKey, foreignKey } from "kiln-migrate/schema";

const S = { schema: "own_parts" };

export const cities = table("cities", { id: integer().notNull(), name: text().notNull() }, (t) => [primaryKey({ name: "cities_pkey", columns: [t.id] })], S);

export const measurements = table("measurements", {
  id: bigint().notNull(),
  cityId: integer("city_id").notNull().references(() => cities.id, { name: "measurements_city_id_fkey" }),
  logdate: date().notNull(),
  peaktemp: integer().default(0),
}, (t) => [primaryKey({ name: "measurements_pkey", columns: [t.id, t.logdate] }), index("measurements_city_idx").on(t.cityId)],
  { ...S, partitionBy: { strategy: "range", key: "logdate" } });
export const measurementsOld = partitionOf(measurements, "measurements_old", "FOR VALUES FROM (MINVALUE) TO ('2023-01-01')", { schema: "own_parts_archive" });
export const measurements2023 = partitionOf(measurements, "measurements_2023", "FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')", (t) => [
  index("measurements_2023_peak_idx").on(t.peaktemp),
  check("measurements_2023_peak_check", sql\`\${t.peaktemp} > -100\`),
  foreignKey({ name: "measurements_2023_city_local_fkey", columns: [t.cityId], foreignColumns: [cities.id], onDelete: "cascade" }),
], { ...S, comment: "the first full year" });
export const measurements2024 = partitionOf(measurements, "measurements_2024", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", { ...S, partitionBy: { strategy: "range", key: "logdate" } });
export const measurements2024h1 = partitionOf(measurements2024, "measurements_2024_h1", "FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')", S);
export const measurements2024rest = partitionOf(measurements2024, "measurements_2024_rest", "DEFAULT", S);
export const measurementsDefault = partitionOf(measurements, "measurements_default", "DEFAULT", S);

export const orders = table("orders", {
  id: integer().notNull(),
  region: text().notNull(),
  total: numeric({ precision: 10, scale: 2 }),
}, (t) => [primaryKey({ name: "orders_pkey", columns: [t.id, t.region] })], { ...S, partitionBy: { strategy: "list", key: "region" } });
export const ordersEu = partitionOf(orders, "orders_eu", "FOR VALUES IN ('eu')", S);
export const ordersUs = partitionOf(orders, "orders_us", "FOR VALUES IN ('us', 'ca')", S);
//EXTRA_ORDERS

export const orderLines = table("order_lines", {
  id: integer().notNull(),
  orderId: integer("order_id").notNull(),
  region: text().notNull(),
}, (t) => [
  primaryKey({ name: "order_lines_pkey", columns: [t.id] }),
  foreignKey({ name: "order_lines_order_id_region_fkey", columns: [t.orderId, t.region], foreignColumns: [orders.id, orders.region] }),
], S);

export const sessions = table("sessions", { id: uuid().notNull(), userName: text("user_name") },
  (t) => [index("sessions_user_lower_idx").on(sql\`lower(\${t.userName})\`)], { ...S, partitionBy: { strategy: "hash", key: "id" } });
export const sessions0 = partitionOf(sessions, "sessions_0", "FOR VALUES WITH (modulus 2, remainder 0)", S);
export const sessions1 = partitionOf(sessions, "sessions_1", "FOR VALUES WITH (modulus 2, remainder 1)", S);

export const events = table("events", { kind: text().notNull(), payload: jsonb() }, { ...S, partitionBy: { strategy: "list", key: "lower(kind)" } });
//EVENTS_CLICK
export const eventsOther = partitionOf(events, "events_other", "DEFAULT", S);
`;

const EVENTS_CLICK = `export const eventsClick = partitionOf(events, "events_click", "FOR VALUES IN ('click')", S);`;

function fixtureModels(options: { extraOrders?: string; eventsClick?: string } = {}): string {
  return FIXTURE_MODELS.replace("//EXTRA_ORDERS", options.extraOrders ?? "").replace("//EVENTS_CLICK", options.eventsClick ?? EVENTS_CLICK);
}

/** The statements of a revision's upgrade. */
function upgradeCalls(file: string): string[] {
  const match = /async upgrade\(op\) \{\n([\s\S]*?)\n {2}\},/.exec(file);
  if (!match) throw new Error(`no upgrade in:\n${file}`);
  return match[1]!.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("await op."));
}

describe.each(PG_TARGETS)("partitioned tables on $name", (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  const projects: TestProject[] = [];

  async function state(of = url): Promise<{ catalog: Catalog; dump?: string }> {
    return { catalog: await readCatalog(of), ...(target.server ? { dump: await schemaDump(of) } : {}) };
  }

  function project(models: string): TestProject {
    const created = createProject({ url, models, extraConfig: SCHEMAS });
    projects.push(created);
    return created;
  }

  async function kiln(p: TestProject, args: string[]) {
    const result = await p.kiln(args);
    if (result.code !== 0) throw new Error(`kiln ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
    return result;
  }

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    const conn = await postgresDialect.connect(parseDatabaseUrl(url));
    try {
      await conn.query(FIXTURE);
    } finally {
      await conn.close();
    }
  }, 120_000);
  afterAll(async () => {
    for (const p of projects) p.remove();
    await cleanup?.();
  });

  it("reads partitions with their bounds and leaves attached indexes and cloned constraints to the parent", async () => {
    const catalog = await readCatalog(url);
    const byName = new Map(catalog.tables.map((t) => [`${t.schema ? `${t.schema}.` : ""}${t.name}`, t]));
    expect(byName.get("own_parts.measurements")!.partitionBy).toEqual({ strategy: "range", key: "logdate" });
    expect(byName.get("own_parts.events")!.partitionBy).toEqual({ strategy: "list", key: "lower(kind)" });
    expect(byName.get("own_parts_archive.measurements_old")!.partitionOf).toMatchObject({ schema: S, table: "measurements", bound: "FOR VALUES FROM (MINVALUE) TO ('2023-01-01')" });
    expect(byName.get("own_parts.measurements_2024_rest")!.partitionOf).toMatchObject({ schema: S, table: "measurements_2024", bound: "DEFAULT" });
    expect(byName.get("own_parts.sessions_1")!.partitionOf!.bound).toBe("FOR VALUES WITH (modulus 2, remainder 1)");
    const m2023 = byName.get("own_parts.measurements_2023")!;
    expect(m2023.primaryKey).toBeUndefined();
    expect(m2023.indexes.map((i) => i.name)).toEqual(["measurements_2023_peak_idx"]);
    expect(m2023.foreignKeys.map((f) => f.name)).toEqual(["measurements_2023_city_local_fkey"]);
    expect(m2023.checks.map((c) => c.name)).toEqual(["measurements_2023_peak_check"]);
    // What a detach would leave it with.
    expect(m2023.partitionOf!.inherited).toEqual({
      primaryKey: { name: "measurements_2023_pkey", columns: ["id", "logdate"] },
      foreignKeys: [{ name: "measurements_city_id_fkey", columns: ["city_id"], refSchema: S, refTable: "cities", refColumns: ["id"] }],
      indexes: [{ name: "measurements_2023_city_id_idx", columns: ["city_id"] }],
    });
    expect(byName.get("own_parts.measurements_2024")!.indexes).toEqual([]);
    // One foreign key, although PostgreSQL keeps one row per partition of orders for it.
    expect(byName.get("own_parts.order_lines")!.foreignKeys.map((f) => f.name)).toEqual(["order_lines_order_id_region_fkey"]);
  });

  it("models build the fixture's schema from an empty database (autogenerate + upgrade head)", { timeout: 300_000 }, async () => {
    const loaded = await state();
    const empty = await target.setup();
    const p = createProject({ url: empty.url, models: fixtureModels(), extraConfig: SCHEMAS });
    try {
      await kiln(p, ["revision", "--autogenerate", "-m", "build"]);
      await kiln(p, ["upgrade", "head"]);
      expect(await state(empty.url)).toEqual(loaded);
    } finally {
      p.remove();
      await empty.cleanup();
    }
  });

  it("drops everything and its downgrade restores the schema exactly", { timeout: 300_000 }, async () => {
    const before = await state();
    const p = project(`export {};\n`);
    await kiln(p, ["revision", "--autogenerate", "-m", "drop everything"]);
    await kiln(p, ["upgrade", "head"]);
    expect((await readCatalog(url)).tables.filter((t) => t.schema?.startsWith(S))).toEqual([]);
    await kiln(p, ["downgrade", "-1"]);
    expect(await state()).toEqual(before);
  });

  it("models that declare the fixture match it; adding and detaching a partition are single operations", { timeout: 600_000 }, async () => {
    const before = await state();
    const p = project(fixtureModels());
    expect((await p.kiln(["check"])).code, "kiln check on the fixture's models").toBe(0);

    // A new partition.
    p.write("schema.ts", fixtureModels({ extraOrders: `export const ordersAsia = partitionOf(orders, "orders_asia", "FOR VALUES IN ('jp', 'kr')", S);` }));
    await kiln(p, ["revision", "--autogenerate", "-m", "add orders_asia"]);
    const [added] = p.revisionFiles();
    const addCalls = upgradeCalls(p.read(`migrations/${added}`));
    expect(addCalls).toEqual([`await op.createTable("orders_asia", {`]);
    await kiln(p, ["upgrade", "head"]);
    expect((await readCatalog(url)).tables.find((t) => t.name === "orders_asia")!.partitionOf).toMatchObject({ schema: S, table: "orders", bound: "FOR VALUES IN ('jp', 'kr')" });
    expect((await p.kiln(["check"])).code).toBe(0);
    await kiln(p, ["downgrade", "-1"]);
    expect(await state()).toEqual(before);
    rmSync(join(p.migrationsDir, added!));

    // A partition detached: the models declare it as a table of its own.
    p.write("schema.ts", fixtureModels({ eventsClick: `export const eventsClick = table("events_click", { kind: text().notNull(), payload: jsonb() }, S);` }));
    await kiln(p, ["revision", "--autogenerate", "-m", "detach events_click"]);
    const [detached] = p.revisionFiles();
    const detachText = p.read(`migrations/${detached}`);
    const detachCalls = upgradeCalls(detachText);
    expect(detachCalls).toHaveLength(1);
    expect(detachCalls[0]).toMatch(/^await op\.detachPartition\("events", "events_click"/);
    expect(detachText).toContain(`bound: "FOR VALUES IN ('click')"`);
    await kiln(p, ["upgrade", "head"]);
    expect((await readCatalog(url)).tables.find((t) => t.name === "events_click")!.partitionOf).toBeUndefined();
    expect((await p.kiln(["check"])).code).toBe(0);
    await kiln(p, ["downgrade", "-1"]);
    expect(await state()).toEqual(before);
    rmSync(join(p.migrationsDir, detached!));

    // A partition whose parent has a key, an index and a foreign key: detached, it keeps its copies of them.
    p.write(
      "schema.ts",
      fixtureModels().replace(
        `export const measurementsDefault = partitionOf(measurements, "measurements_default", "DEFAULT", S);`,
        `export const measurementsDefault = table("measurements_default", {
  id: bigint().notNull(),
  cityId: integer("city_id").notNull().references(() => cities.id, { name: "measurements_city_id_fkey" }),
  logdate: date().notNull(),
  peaktemp: integer().default(0),
}, (t) => [primaryKey({ name: "measurements_default_pkey", columns: [t.id, t.logdate] }), index("measurements_default_city_id_idx").on(t.cityId)], S);`,
      ),
    );
    await kiln(p, ["revision", "--autogenerate", "-m", "detach measurements_default"]);
    const [keyed] = p.revisionFiles();
    const keyedCalls = upgradeCalls(p.read(`migrations/${keyed}`));
    expect(keyedCalls).toHaveLength(1);
    expect(keyedCalls[0]).toMatch(/^await op\.detachPartition\("measurements", "measurements_default"/);
    await kiln(p, ["upgrade", "head"]);
    expect((await p.kiln(["check"])).code).toBe(0);
    await kiln(p, ["downgrade", "-1"]);
    expect(await state()).toEqual(before);
  });
});

describe("partitioned models on a database without partitioning", () => {
  it("kiln check on SQLite refuses them, naming the table", { timeout: 60_000 }, async () => {
    const p = createProject({
      url: "sqlite::memory:",
      models: `import { table, partitionOf, integer } from "kiln-migrate/schema";
export const events = table("events", { id: integer().notNull(), k: integer().notNull() }, { partitionBy: { strategy: "list", key: "k" } });
export const events1 = partitionOf(events, "events_1", "FOR VALUES IN (1)");
`,
    });
    try {
      const result = await p.kiln(["check"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("table events is partitioned (partitionBy), but kiln supports declarative partitioning only on PostgreSQL, not on sqlite");
    } finally {
      p.remove();
    }
  });
});
