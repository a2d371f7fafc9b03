/**
 * Model views are spelled by PostgreSQL in scratch schemas (canonicalize-views.ts).
 * What a view reads must be there beside it as the models write it: the tables it
 * names, the enums of their columns and the models' functions it calls. A view
 * comparing an enum column with a literal printed 'open'::public.ticket_status on
 * a live table beside a scratch copy of the enum, and a view calling a model
 * function with an enum argument failed on a scratch copy of its table: both
 * showed as changed on every `kiln check`.
 */
import { describe, expect, it } from "vitest";
import { describeRoundTrip, kilnOnFixture, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

const SQL = `
CREATE SCHEMA scr_app;
CREATE TYPE public.ticket_status AS ENUM ('open', 'closed');
CREATE TYPE scr_app.lane AS ENUM ('fast', 'slow');
CREATE FUNCTION public.is_live(s public.ticket_status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s = 'open' $$;
CREATE FUNCTION scr_app.is_fast(l scr_app.lane) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT l = 'fast' $$;
CREATE TABLE public.tickets (id integer NOT NULL, status public.ticket_status NOT NULL, CONSTRAINT tickets_pkey PRIMARY KEY (id));
CREATE TABLE scr_app.jobs (id integer NOT NULL, lane scr_app.lane NOT NULL, CONSTRAINT jobs_pkey PRIMARY KEY (id));
CREATE VIEW public.open_tickets AS SELECT id FROM public.tickets WHERE status = 'open';
CREATE VIEW public.cast_tickets AS SELECT id FROM public.tickets WHERE status <> 'closed'::public.ticket_status;
CREATE VIEW public.live_tickets AS SELECT id FROM public.tickets WHERE public.is_live(status);
CREATE VIEW scr_app.fast_jobs AS SELECT id FROM scr_app.jobs WHERE scr_app.is_fast(lane) AND lane = 'fast';
INSERT INTO public.tickets VALUES (1, 'open'), (2, 'closed');
INSERT INTO scr_app.jobs VALUES (1, 'fast');
`;

const MODELS = `import { enumType, func, integer, primaryKey, sql, table, view } from "kiln-migrate/schema";
export const ticketStatus = enumType("ticket_status", ["open", "closed"]);
export const lane = enumType("lane", ["fast", "slow"], { schema: "scr_app" });
export const isLive = func("is_live", { args: [{ name: "s", type: ticketStatus }], returns: "boolean", language: "sql", volatility: "immutable", body: sql\` SELECT s = 'open' \` });
export const isFast = func("is_fast", { schema: "scr_app", args: [{ name: "l", type: lane }], returns: "boolean", language: "sql", volatility: "immutable", body: sql\` SELECT l = 'fast' \` });
export const tickets = table("tickets", { id: integer().notNull(), status: ticketStatus().notNull() }, (t) => [primaryKey({ name: "tickets_pkey", columns: [t.id] })]);
export const jobs = table("jobs", { id: integer().notNull(), lane: lane().notNull() }, (t) => [primaryKey({ name: "jobs_pkey", columns: [t.id] })], { schema: "scr_app" });
export const openTickets = view("open_tickets", sql\`SELECT id FROM public.tickets WHERE status = 'open'\`);
export const castTickets = view("cast_tickets", sql\`SELECT id FROM public.tickets WHERE status <> 'closed'::public.ticket_status\`);
export const liveTickets = view("live_tickets", sql\`SELECT id FROM public.tickets WHERE public.is_live(status)\`);
export const fastJobs = view("fast_jobs", sql\`SELECT id FROM scr_app.jobs WHERE scr_app.is_fast(lane) AND lane = 'fast'\`, { schema: "scr_app" });
`;
const SCHEMAS = ["public", "scr_app"];
const CONFIG = `schemas: ${JSON.stringify(SCHEMAS)},`;

describe.each(PG_TARGETS)("views over enum columns and model functions on $name", (target) => {
  it("kiln check finds no difference", async () => {
    const result = await kilnOnFixture(target, { sql: SQL, models: MODELS, extraConfig: CONFIG });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 120_000);
});

describe.each(pgRoundTripTargets())("a changed table under views calling model functions on %s", (target) => {
  it("a new column: exactly that change, the views are left alone", async () => {
    const models = MODELS.replace(
      `lane: lane().notNull() }`,
      `lane: lane().notNull(), note: integer() }`,
    );
    const result = await pgRoundTrip({ sql: SQL, target, models, schemas: SCHEMAS });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    expect(upgrade.match(/await op\.\w+/g)?.sort(), upgrade).toEqual(["await op.addColumn"]);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);

  it("new enum values: exactly those, and the downgrade takes the functions with the enums in their signature round the type's rebuild", async () => {
    const models = MODELS.replace(`["open", "closed"]`, `["open", "closed", "waiting"]`).replace(`["fast", "slow"]`, `["fast", "slow", "medium"]`);
    const result = await pgRoundTrip({ sql: SQL, target, models, schemas: SCHEMAS });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    expect(upgrade.match(/await op\.\w+/g), upgrade).toEqual(["await op.addEnumValue", "await op.addEnumValue"]);
    const downgrade = /async downgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    expect(downgrade.indexOf('dropFunction("is_live"'), downgrade).toBeGreaterThan(-1);
    expect(downgrade.indexOf('dropFunction("is_live"')).toBeLessThan(downgrade.indexOf('dropEnum("ticket_status"'));
    expect(downgrade.indexOf('createFunction("is_live"')).toBeGreaterThan(downgrade.indexOf('createEnum("ticket_status"'));
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 240_000);
});
