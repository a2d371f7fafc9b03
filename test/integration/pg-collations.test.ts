/**
 * User collations (CREATE COLLATION), one change at a time, on the PostgreSQL
 * server (pg_dump) and PGlite (the Catalog): models that differ from the loaded
 * fixture in one collation give a revision with exactly the operations that
 * change it, in a working order (a collation before the table using it, dropped
 * after it), and `upgrade head` then `downgrade -1` give back the same snapshot.
 */
import { describe, expect, it } from "vitest";
import { describeRoundTrip, expectExactlyTheseCalls, pgRoundTrip, pgRoundTripTargets } from "../helpers/pg-roundtrip.js";
import { createProject } from "../helpers/project.js";

const FIXTURE = `
CREATE SCHEMA app;
CREATE COLLATION app.bytewise (provider = libc, locale = 'C');
CREATE COLLATION app.spare (provider = libc, lc_collate = 'C', lc_ctype = 'POSIX');
COMMENT ON COLLATION app.spare IS 'not used yet';
CREATE TABLE app.items (
  id integer NOT NULL,
  label text COLLATE app.bytewise,
  CONSTRAINT items_pkey PRIMARY KEY (id)
);
CREATE INDEX items_label_idx ON app.items (label COLLATE app.bytewise);
`;

const MODELS = `import { collation, index, integer, primaryKey, table, text } from "kiln-migrate/schema";

export const bytewise = collation("bytewise", { schema: "app", provider: "libc", locale: "C" });
export const spare = collation("spare", { schema: "app", provider: "libc", lcCollate: "C", lcCtype: "POSIX", comment: "not used yet" });

export const items = table("items", {
  id: integer().notNull(),
  label: text().collate("bytewise", { schema: "app" }),
}, (t) => [
  primaryKey({ name: "items_pkey", columns: [t.id] }),
  index("items_label_idx").on(t.label),
], { schema: "app" });
`;

const NOTES = `export const notes = table("notes", { body: text().collate("posix", { schema: "app" }) }, { schema: "app" });\n`;

const CHANGES: { what: string; from: string; to: string; ops: RegExp[] }[] = [
  { what: "nothing changed", from: "", to: "", ops: [] },
  {
    what: "collation added",
    from: "export const items",
    to: `export const posix = collation("posix", { schema: "app", provider: "libc", locale: "POSIX" });\nexport const items`,
    ops: [/^await op\.createCollation\("posix", \{ schema: "app", provider: "libc", locale: "POSIX" \}\);$/],
  },
  {
    // The collation is created before the table whose column uses it (and dropped after it on the way down).
    what: "collation added with a table using it",
    from: "export const items",
    to: `export const posix = collation("posix", { schema: "app", provider: "libc", locale: "POSIX" });\n${NOTES}export const items`,
    ops: [/^await op\.createCollation\("posix"/, /^await op\.createTable\("notes"/],
  },
  {
    // PostgreSQL cannot change a collation's locale in place: dropped and created again.
    what: "locale changed",
    from: `lcCollate: "C", lcCtype: "POSIX"`,
    to: `locale: "POSIX"`,
    ops: [/^await op\.dropCollation\("spare", \{ schema: "app" \}\);$/, /^await op\.createCollation\("spare", \{ schema: "app", provider: "libc", locale: "POSIX", comment: "not used yet" \}\);$/],
  },
  { what: "comment changed", from: `comment: "not used yet"`, to: `comment: "spare"`, ops: [/^await op\.setComment\("collation", "spare", "spare", \{ schema: "app" \}\);$/] },
  { what: "collation dropped", from: /export const spare = .*\n/.exec(MODELS)![0], to: "", ops: [/^await op\.dropCollation\("spare", \{ schema: "app" \}\);$/] },
  {
    // The table (and its index) go first, then the collation they used.
    what: "collation dropped with the table using it",
    from: MODELS.slice(MODELS.indexOf("export const bytewise"), MODELS.indexOf("export const spare")),
    to: "",
    ops: [/^await op\.dropTable\("items"/, /^await op\.dropCollation\("bytewise", \{ schema: "app" \}\);$/],
  },
];

describe.each(pgRoundTripTargets())("user collations on %s", (target) => {
  it.concurrent.each(CHANGES)("$what: exactly that change, in order, and its downgrade restores the snapshot", async ({ from, to, ops, what }) => {
    expect(MODELS).toContain(from);
    let models = MODELS.replace(from, to);
    if (what === "collation dropped with the table using it") models = models.slice(0, models.indexOf("export const items"));
    const result = await pgRoundTrip({ sql: FIXTURE, target, models, schemas: ["app"] });
    // Nothing is left unmodelled (a dropped table's own warnings aside).
    expect(result.warnings.filter((w) => /collation/i.test(w)), describeRoundTrip(result)).toEqual([]);
    expectExactlyTheseCalls(result, ops);
  }, 300_000);
});

describe("collations in models on a database without user collations", () => {
  it("kiln check on SQLite refuses them, naming the collation", { timeout: 60_000 }, async () => {
    const p = createProject({
      url: "sqlite::memory:",
      models: `import { collation, integer, table } from "kiln-migrate/schema";
export const bytewise = collation("bytewise", { schema: "app", provider: "libc", locale: "C" });
export const t = table("t", { id: integer() });
`,
    });
    try {
      const result = await p.kiln(["check"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("the models declare collation app.bytewise (collation(...)), but sqlite has no user collations");
    } finally {
      p.remove();
    }
  });
});
