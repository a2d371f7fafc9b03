/**
 * One changed property at a time (issue 11), on the PostgreSQL server: the
 * properties the other single-change tests (pg-table-storage, pg-indexes-constraints,
 * pg-columns, pg-types-sequences, partitions-pg) leave out. For each one, models
 * that differ from the loaded fixture in that property alone give a revision with
 * exactly the operations that change it, and `upgrade head` then `downgrade -1`
 * give back the same `pg_dump --schema-only`.
 */
import { describe, expect, it } from "vitest";
import { describeRoundTrip, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";

// Server only: extensions need postgresql-contrib, which kiln does not load into PGlite.
const FIXTURE = `
CREATE EXTENSION pg_trgm WITH SCHEMA public;
CREATE DOMAIN public.code AS text DEFAULT 'none'::text NOT NULL;
CREATE SEQUENCE public.ticket_no;
CREATE TABLE public.accounts (
  id integer NOT NULL,
  code text NOT NULL,
  region text,
  CONSTRAINT accounts_pkey PRIMARY KEY (id) WITH (fillfactor='70'),
  CONSTRAINT accounts_code_key UNIQUE (code, region) WITH (fillfactor='80')
);
COMMENT ON TABLE public.accounts IS 'who pays';
COMMENT ON COLUMN public.accounts.code IS 'the short code';
CREATE TABLE public.orders (
  id integer NOT NULL,
  ticket integer,
  code text,
  region text,
  qty integer NOT NULL,
  CONSTRAINT orders_pkey PRIMARY KEY (id)
);
ALTER TABLE public.orders ADD CONSTRAINT orders_account_fkey FOREIGN KEY (code, region) REFERENCES public.accounts (code, region);
ALTER TABLE public.orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0) NOT VALID;
`;

const MODELS = `import { check, domain, extension, foreignKey, integer, primaryKey, sequence, sql, table, text, unique } from "kiln-migrate/schema";

export const trgm = extension("pg_trgm");
export const code = domain("code", "text", { default: "'none'::text", notNull: true });
export const ticketNo = sequence("ticket_no");

export const accounts = table("accounts", {
  id: integer().notNull(),
  code: text().notNull().comment("the short code"),
  region: text(),
}, (t) => [
  primaryKey({ name: "accounts_pkey", columns: [t.id], with: { fillfactor: 70 } }),
  unique("accounts_code_key", { with: { fillfactor: 80 } }).on(t.code, t.region),
], { comment: "who pays" });

export const orders = table("orders", {
  id: integer().notNull(),
  ticket: integer(),
  code: text(),
  region: text(),
  qty: integer().notNull(),
}, (t) => [
  primaryKey({ name: "orders_pkey", columns: [t.id] }),
  foreignKey({ name: "orders_account_fkey", columns: [t.code, t.region], foreignColumns: [accounts.code, accounts.region] }),
  check("orders_qty_check", sql\`\${t.qty} > 0\`, { notValid: true }),
]);
`;

const CHANGES: { what: string; from: string; to: string; ops: RegExp[]; says?: string }[] = [
  {
    what: "MATCH FULL on a foreign key",
    from: "foreignColumns: [accounts.code, accounts.region] }",
    to: `foreignColumns: [accounts.code, accounts.region], match: "full" }`,
    // PostgreSQL cannot change MATCH in place: the foreign key is dropped and created again.
    ops: [/dropConstraint\("orders_account_fkey"/, /createForeignKey\("orders_account_fkey"/],
    says: `{ match: "full" }`,
  },
  {
    // NOT VALID records what was checked when the constraint was added; it is not compared (docs/postgres-objects.md),
    // so a model that leaves it out changes nothing and the database keeps the constraint as it stands.
    what: "NOT VALID left out of the model",
    from: "sql`${t.qty} > 0`, { notValid: true }",
    to: "sql`${t.qty} > 0`",
    ops: [],
  },
  {
    what: "primary key's index fillfactor",
    from: "with: { fillfactor: 70 }",
    to: "with: { fillfactor: 60 }",
    ops: [/dropConstraint\("accounts_pkey"/, /createPrimaryKey\("accounts_pkey"/],
    says: `with: { fillfactor: "60" }`,
  },
  {
    what: "unique constraint's index fillfactor",
    from: "with: { fillfactor: 80 }",
    to: "with: { fillfactor: 90 }",
    // The foreign key that points at the key is rebuilt with it (PostgreSQL will not drop a key in use).
    ops: [/dropConstraint\("orders_account_fkey"/, /dropConstraint\("accounts_code_key"/, /createUniqueConstraint\("accounts_code_key"/, /createForeignKey\("orders_account_fkey"/],
    says: `fillfactor: "90"`,
  },
  {
    what: "extension added",
    from: `export const ticketNo`,
    to: `export const crypto = extension("pgcrypto");\nexport const ticketNo`,
    ops: [/createExtension\("pgcrypto"\)/],
  },
  { what: "extension removed", from: `export const trgm = extension("pg_trgm");`, to: "", ops: [/dropExtension\("pg_trgm"\)/] },
  { what: "domain default", from: `default: "'none'::text"`, to: `default: "'n/a'::text"`, ops: [/alterDomain\("code", \{ default: "'n\/a'::text" \}\)/] },
  { what: "domain NOT NULL", from: `, notNull: true`, to: "", ops: [/alterDomain\("code", \{ notNull: false \}\)/] },
  {
    what: "sequence OWNED BY",
    from: `sequence("ticket_no")`,
    to: `sequence("ticket_no", { ownedBy: "orders.ticket" })`,
    ops: [/alterSequence\("ticket_no", \{ ownedBy: \{ table: "orders", column: "ticket" \} \}\)/],
  },
  // A model may name the default schema: public.accounts (and the foreign key to it) is the same table, not a new one.
  { what: "table in schema public named explicitly", from: `{ comment: "who pays" }`, to: `{ comment: "who pays", schema: "public" }`, ops: [] },
  { what: "extension in schema public named explicitly", from: `extension("pg_trgm")`, to: `extension("pg_trgm", { schema: "public" })`, ops: [] },
  { what: "table comment", from: `{ comment: "who pays" }`, to: `{ comment: "who is billed" }`, ops: [/setTableComment\("accounts", "who is billed"\)/] },
  { what: "column comment", from: `.comment("the short code")`, to: `.comment("the code")`, ops: [/alterColumn\("accounts", "code"/], says: `comment: "the code"` },
];

describe.each(pgRoundTripTargets().filter((t) => t === "server"))("one changed property on %s", (target) => {
  it.concurrent.each(CHANGES)("$what: exactly that change, and its downgrade restores the dump", async ({ from, to, ops, says }) => {
    expect(MODELS).toContain(from);
    const result = await pgRoundTrip({ sql: FIXTURE, target, models: MODELS.replace(from, to), schemas: ["public"] });
    const upgrade = /async upgrade\(op\) \{\n([\s\S]*?)\n  \},/.exec(result.revision ?? "")?.[1] ?? "";
    const calls = upgrade.split("\n").filter((line) => /^\s*await op\./.test(line));
    expect(calls, upgrade).toHaveLength(ops.length);
    if (ops.length === 0) {
      // Nothing to change: the revision is empty and there is nothing to step back from.
      expect(result.steps[0]?.code, describeRoundTrip(result)).toBe(0);
      return;
    }
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    for (const op of ops) expect(calls.filter((call) => op.test(call)), upgrade).toHaveLength(1);
    if (says !== undefined) expect(upgrade).toContain(says);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 120_000);
});
