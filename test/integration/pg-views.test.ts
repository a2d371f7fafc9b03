/**
 * Views and materialized views (issue 12) on test/fixtures/pg/own/views.sql:
 * views on views in two schemas, check options, security_barrier, column lists,
 * comments on views and columns, a materialized view with a unique index and
 * one WITH NO DATA. A revision that drops them all (with the tables they use)
 * and its downgrade give back the same pg_dump (server) / Catalog (PGlite).
 * Models that declare the fixture (views.models.ts) find no difference, and a
 * changed view gives exactly the change it needs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRoundTrip, kilnOnFixture, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

const fixture = readFileSync(new URL("../fixtures/pg/own/views.sql", import.meta.url), "utf8");

describe.each(pgRoundTripTargets())("views round trip on %s", (target) => {
  it("drops every view before the tables it uses, and the downgrade restores them exactly", async () => {
    const result = await pgRoundTrip({ sql: fixture, target });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const revision = result.revision ?? "";
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(revision)?.[1] ?? "";
    // Dependents first: a view on a view goes before it, every view before the tables.
    const at = (text: string) => upgrade.indexOf(text);
    expect(at('dropView("active_orders"')).toBeGreaterThan(-1);
    expect(at('dropView("active_orders"')).toBeLessThan(at('dropView("views_active_names"'));
    expect(at('dropView("views_active_names"')).toBeLessThan(at('dropView("views_active_users"'));
    expect(at('dropView("really_big_orders"')).toBeLessThan(at('dropView("views_big_orders"'));
    expect(at('dropMaterializedView("order_totals"')).toBeLessThan(at('dropTable("orders"'));
    expect(at('dropView("views_active_users"')).toBeLessThan(at('dropTable("views_users"'));
    // kiln models every object of the fixture: none is named as unmodelled.
    expect(result.warnings.filter((w) => /not modelled/.test(w))).toEqual([]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

const MODELS = readFileSync(new URL("../fixtures/pg/own/views.models.ts", import.meta.url), "utf8");
const SCHEMAS = ["public", "views_app"];

describe.each(PG_TARGETS)("models declaring the views fixture on $name", (target) => {
  it("kiln check finds no difference", async () => {
    const result = await kilnOnFixture(target, { sql: fixture, models: MODELS, extraConfig: `schemas: ${JSON.stringify(SCHEMAS)},` });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 240_000);
});

describe.each(pgRoundTripTargets().filter((t) => t === "server"))("one changed view of the fixture on %s", (target) => {
  it("a new query with the same columns: exactly one replaceView, and its downgrade restores the dump", async () => {
    const from = "WHERE amount > 100";
    expect(MODELS).toContain(from);
    const models = MODELS.replace(from, "WHERE amount > 1000");
    const result = await pgRoundTrip({ sql: fixture, target, models, schemas: SCHEMAS });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    expect(upgrade.match(/await op\./g), upgrade).toEqual(["await op."]);
    expect(upgrade).toMatch(/await op\.replaceView\("really_big_orders", "SELECT id, user_id, amount FROM public\.views_big_orders WHERE amount > 1000"/);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);

  it("a column of another type: the view and the views on it are dropped and created again, in order", async () => {
    const from = "SELECT id, upper(name) FROM public.views_active_users";
    expect(MODELS).toContain(from);
    const models = MODELS.replace(from, "SELECT id::bigint, upper(name) FROM public.views_active_users");
    const result = await pgRoundTrip({ sql: fixture, target, models, schemas: SCHEMAS });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const calls = [...upgrade.matchAll(/await op\.(\w+)\(\s*"(\w+)"/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(calls).toEqual(["dropView active_orders", "dropView views_active_names", "createView views_active_names", "createView active_orders"]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);

  it("a new type for a table column the views use: the views go before the change and come back after it", async () => {
    const from = "amount: numeric({ precision: 12, scale: 2 })";
    expect(MODELS).toContain(from);
    const models = MODELS.replace(from, "amount: numeric({ precision: 14, scale: 2 })");
    const result = await pgRoundTrip({ sql: fixture, target, models, schemas: SCHEMAS });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const calls = [...upgrade.matchAll(/await op\.(\w+)\(\s*"(\w+)"(?:, "(\w+)")?/g)].map((m) => `${m[1]} ${m[2]}${m[3] ? ` ${m[3]}` : ""}`);
    const alter = calls.indexOf("alterColumn orders amount");
    expect(alter, upgrade).toBeGreaterThan(0);
    // Every view over orders (and the view on one of them) goes before and comes back after.
    for (const name of ["active_orders", "views_big_orders", "really_big_orders", "order_totals", "views_monthly"]) {
      const drop = calls.findIndex((c) => c.startsWith("drop") && c.endsWith(` ${name}`));
      const create = calls.findIndex((c) => c.startsWith("create") && c.split(" ")[1] === name);
      expect(drop, `${name}\n${upgrade}`).toBeGreaterThan(-1);
      expect(drop).toBeLessThan(alter);
      expect(create).toBeGreaterThan(alter);
    }
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe.each(pgRoundTripTargets().filter((t) => t === "server"))("a table column one view uses, on %s", (target) => {
  it("a new type goes round only the view that uses that column (pg_depend's column-level rows), not every view on the table", async () => {
    const from = `placedAt: timestamp("placed_at", { withTimezone: true })`;
    expect(MODELS).toContain(from);
    const models = MODELS.replace(from, `placedAt: timestamp("placed_at")`);
    const result = await pgRoundTrip({ sql: fixture, target, models, schemas: SCHEMAS });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const calls = [...upgrade.matchAll(/await op\.(\w+)\(\s*"(\w+)"(?:, "(\w+)")?/g)].map((m) => `${m[1]} ${m[2]}${m[3] ? ` ${m[3]}` : ""}`);
    // Only views_monthly reads placed_at; the four other views over orders stay as they are.
    expect(calls, upgrade).toEqual(["dropMaterializedView views_monthly", "alterColumn orders placed_at", "createMaterializedView views_monthly"]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});

describe.each(pgRoundTripTargets().filter((t) => t === "server"))("an enum value added under views on %s", (target) => {
  // The downgrade of an added value recreates the type through text, which PostgreSQL refuses under a view.
  const sql = `
CREATE TYPE public.ticket_status AS ENUM ('open', 'closed');
CREATE TABLE public.tickets (id integer NOT NULL, status public.ticket_status NOT NULL, CONSTRAINT tickets_pkey PRIMARY KEY (id));
CREATE VIEW public.tickets_by_status AS SELECT status, count(*) AS n FROM public.tickets GROUP BY status;
CREATE VIEW public.open_tickets AS SELECT status, n FROM public.tickets_by_status WHERE status = 'open';
INSERT INTO public.tickets VALUES (1, 'open'), (2, 'closed');
`;
  const models = `import { enumType, integer, primaryKey, sql, table, view } from "kiln-migrate/schema";
export const ticketStatus = enumType("ticket_status", ["open", "closed", "waiting"]);
export const tickets = table("tickets", { id: integer().notNull(), status: ticketStatus().notNull() }, (t) => [primaryKey({ name: "tickets_pkey", columns: [t.id] })]);
export const byStatus = view("tickets_by_status", sql\`SELECT status, count(*) AS n FROM public.tickets GROUP BY status\`);
export const open = view("open_tickets", sql\`SELECT status, n FROM public.tickets_by_status WHERE status = 'open'\`);
`;
  it("the downgrade drops the views over the enum's columns and creates them again: the dump is restored", async () => {
    const result = await pgRoundTrip({ sql, target, models, schemas: ["public"] });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    // Only the value: views comparing with an enum literal are unchanged (spelled on scratch copies of their tables).
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    expect(upgrade.match(/await op\.\w+/g), upgrade).toEqual(["await op.addEnumValue"]);
    const downgrade = /async downgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const calls = [...downgrade.matchAll(/await op\.(\w+)\(\s*"(\w+)"/g)].map((m) => `${m[1]} ${m[2]}`);
    // The last drop and create of each view are the ones around the type's rebuild.
    const last = (call: string) => calls.lastIndexOf(call);
    expect(last("dropView open_tickets"), downgrade).toBeGreaterThan(-1);
    expect(last("dropView open_tickets"), downgrade).toBeLessThan(last("dropView tickets_by_status"));
    expect(last("dropView tickets_by_status"), downgrade).toBeLessThan(last("dropEnum ticket_status"));
    expect(last("createView tickets_by_status"), downgrade).toBeGreaterThan(last("createEnum ticket_status"));
    expect(last("createView open_tickets"), downgrade).toBeGreaterThan(last("createView tickets_by_status"));
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
