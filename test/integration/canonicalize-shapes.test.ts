/**
 * PostgreSQL canonicalize spells many pieces of text per scratch table
 * (src/dialects/postgres/spelling.ts) and skips plain column indexes. On
 * PGlite and the PostgreSQL 15 server:
 * - the batched path gives exactly what building every table and index gives;
 * - many same-shaped tables whose checks PostgreSQL respells (`amount >= 0` on
 *   numeric becomes `amount >= (0)::numeric`) leave nothing to generate once
 *   applied, through the real CLI;
 * - tables of one shape that then differ in a default or a check are each
 *   detected, and no other table is touched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog, Column, Index, Table } from "../../src/catalog/types.js";
import { parseDatabaseUrl } from "../../src/config/url.js";
import { canonicalizePostgres } from "../../src/dialects/postgres/canonicalize.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import type { Connection } from "../../src/dialects/types.js";
import { createProject, type TestProject } from "../helpers/project.js";
import { PG_TARGETS } from "./autogenerate-pg-support.js";

// ---------------------------------------------------------------- a Catalog with every kind of table

function ledger(name: string, patch: (t: Table) => void = () => {}, schema?: string): Table {
  const table: Table = {
    ...(schema ? { schema } : {}),
    name,
    columns: [
      { name: "id", type: "integer", nullable: false, identity: { always: true } },
      { name: "amount", type: "numeric(12,2)", nullable: false, default: "0" },
      { name: "mood", type: "mood", nullable: false, default: "'happy'" },
      { name: "note", type: "text", nullable: true },
      { name: "data", type: "jsonb", nullable: true },
      { name: "created_at", type: "timestamptz", nullable: false, default: "CURRENT_TIMESTAMP" },
    ],
    primaryKey: { name: `pk_${name}`, columns: ["id"] },
    uniques: [],
    foreignKeys: [],
    checks: [
      { name: `ck_${name}_amount`, expression: `"amount" >= 0` },
      { name: `ck_${name}_mood`, expression: `mood <> 'sad'` },
    ],
    indexes: [
      { name: `ix_${name}_created_at`, columns: ["created_at"] },
      { name: `ix_${name}_data`, columns: ["data"], method: "gin" },
      { name: `ix_${name}_lower_note`, columns: [{ expression: `lower(note)` }], where: `amount > 0 AND mood = 'happy'` },
      { name: `ix_${name}_note_btree`, columns: ["note"], method: "btree" },
      { name: `ix_${name}_missing`, columns: ["no_such_column"] },
    ],
  };
  patch(table);
  return table;
}

const column = (c: Column) => (t: Table) => void t.columns.push(c);
const index = (ix: Index) => (t: Table) => void t.indexes.push(ix);

function variedCatalog(): Catalog {
  return {
    schemas: ["billing"],
    enums: [
      { name: "mood", values: ["happy", "sad"] },
      { schema: "billing", name: "kind", values: ["debit", "credit"] },
    ],
    tables: [
      ...["a1", "a2", "a3", "a4", "a5"].map((n) => ledger(n)),
      // The same shape but one default or one check apart.
      ledger("d1", (t) => (t.columns[1]!.default = "1")),
      ledger("c1", (t) => (t.checks[0]!.expression = `amount > 0`)),
      // A schema and its enum.
      ...["b1", "b2"].map((n) =>
        ledger(n, column({ name: "kind", type: "billing.kind", nullable: false, default: "'debit'::billing.kind" }), "billing"),
      ),
      // serial: PostgreSQL makes a sequence named after the table; the spelling must not carry it.
      ...["s1", "s2"].map((n) => ledger(n, column({ name: "seq", type: "serial", nullable: false }))),
      ...["n1", "n2"].map((n) => ledger(n, column({ name: "seq", type: "integer", nullable: false, autoIncrement: true }))),
      // Text that names the table itself: each its own shape.
      ledger("selfref", column({ name: "n", type: "bigint", nullable: false, default: `nextval('selfref_n_seq'::regclass)` })),
      ledger("qualified", (t) => t.checks.push({ name: "ck_q", expression: `qualified.amount < 1000` })),
      // PostgreSQL rejects these checks: the tables are retried piece by piece.
      ...["bad1", "bad2"].map((n) => ledger(n, (t) => t.checks.push({ name: `ck_${n}_bad`, expression: "no_such_column > 0" }))),
      // Plain indexes in other places do not split the shape.
      ledger("p1", index({ name: "ix_p1_amount", columns: ["amount", "id"], unique: true })),
    ],
  };
}

/** A connection that records which scratch tables were created through it. */
function counting(conn: Connection): { conn: Connection; createdTables: () => number } {
  const created = new Set<string>();
  return {
    conn: {
      query(sql, params) {
        for (const m of sql.matchAll(/CREATE TABLE ("[^"]+"\."[^"]+")/g)) created.add(m[1]!);
        return conn.query(sql, params);
      },
      close: () => conn.close(),
    },
    createdTables: () => created.size,
  };
}

// ---------------------------------------------------------------- models for the CLI

const LEDGERS = 24;
const ledgerName = (i: number) => `ledger_${String(i).padStart(2, "0")}`;

function ledgerModels(change: { defaultOf?: string; checkOf?: string; billingCheckOf?: string } = {}): string {
  const lines = [
    `import { table, enumType, integer, numeric, text, timestamp, sql, check, index } from "kiln-migrate/schema";`,
    `export const mood = enumType("mood", ["happy", "sad"]);`,
    `export const kind = enumType("kind", ["debit", "credit"], { schema: "billing" });`,
  ];
  const one = (name: string, schema?: string) => {
    const amountDefault = change.defaultOf === name ? 1 : 0;
    const amountCheck = change.checkOf === name || change.billingCheckOf === name ? ">" : ">=";
    lines.push(`export const ${name} = table("${name}", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  amount: numeric({ precision: 12, scale: 2 }).notNull().default(${amountDefault}),
  mood: mood().notNull().default("happy"),${schema ? `\n  kind: kind().notNull().default("debit"),` : ""}
  note: text(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql\`now()\`),
}, (t) => [
  check("ck_${name}_amount", sql\`\${t.amount} ${amountCheck} 0\`),
  index("ix_${name}_lower_note").on(sql\`lower(\${t.note})\`).where(sql\`\${t.amount} > 0\`),
  index("ix_${name}_created_at").on(t.createdAt),
]${schema ? `, { schema: "${schema}" }` : ""});`);
  };
  for (let i = 1; i <= LEDGERS; i++) one(ledgerName(i));
  for (const name of ["ledger_b1", "ledger_b2", "ledger_b3"]) one(name, "billing");
  return lines.join("\n\n") + "\n";
}

/** Table names an upgrade body mentions. */
function tablesIn(file: string): string[] {
  const upgrade = /async upgrade\(op\) \{([\s\S]*?)\n {2}\},/.exec(file)?.[1] ?? "";
  const names = (upgrade.match(/ledger_\w+/g) ?? []).map((n) => n.replace(/_(amount|created_at|lower_note)$/, ""));
  return [...new Set(names)].sort();
}

describe.each(PG_TARGETS)("canonicalize by table shape on $name", (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject | undefined;

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
  });
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  it("gives exactly what building every table and index gives", async () => {
    const conn = await postgresDialect.connect(parseDatabaseUrl(url));
    try {
      const catalog = variedCatalog();
      const fast = counting(conn);
      const shared = await canonicalizePostgres(fast.conn, catalog);
      const slow = counting(conn);
      const exhaustive = await canonicalizePostgres(slow.conn, catalog, { exhaustive: true });

      expect(shared).toEqual(exhaustive);
      expect(catalog).toEqual(variedCatalog()); // the input is left alone
      // It did respell, and built far fewer tables.
      const a3 = shared.tables.find((t) => t.name === "a3")!;
      // The model's text stays; PostgreSQL's spelling is its canonical form.
      expect(a3.checks[0]).toEqual({ name: "ck_a3_amount", expression: `"amount" >= 0`, canonical: { expression: "amount >= (0)::numeric" } });
      expect(a3.indexes.find((ix) => ix.name === "ix_a3_lower_note")).toEqual({
        name: "ix_a3_lower_note",
        columns: [{ expression: "lower(note)" }],
        where: "amount > 0 AND mood = 'happy'",
        canonical: { where: "(amount > (0)::numeric) AND (mood = 'happy'::mood)" },
      });
      expect(slow.createdTables()).toBe(catalog.tables.length);
      // The batched path shares scratch tables: one for the types and defaults, one per schema for the
      // checks and indexes whose columns agree, and one for the table whose check names the table itself.
      expect(fast.createdTables()).toBe(4);
      // Each table kept its own names.
      expect(shared.tables.map((t) => t.checks[0]!.name)).toEqual(catalog.tables.map((t) => t.checks[0]!.name));
      expect(shared.tables.find((t) => t.name === "s2")!.columns.at(-1)).toEqual({ name: "seq", type: "integer", nullable: false, autoIncrement: true });
      expect(shared.tables.find((t) => t.name === "d1")!.columns[1]!.default).toBe("1");
      expect(shared.tables.find((t) => t.name === "c1")!.checks[0]!.canonical).toEqual({ expression: "amount > (0)::numeric" });
      expect(shared.tables.find((t) => t.name === "b2")!.columns.at(-1)!.default).toBe("'debit'::billing.kind");
    } finally {
      await conn.close();
    }
  });

  it("leaves nothing to generate for many same-shaped tables, and finds each one that changes", { timeout: 300_000 }, async () => {
    project = createProject({ url, models: ledgerModels() });
    const kiln = async (args: string[]) => {
      const result = await project!.kiln(args);
      if (result.code !== 0 && args[0] !== "check") throw new Error(`kiln ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
      return result;
    };
    await kiln(["revision", "--autogenerate", "-m", "ledgers"]);
    await kiln(["upgrade", "head"]);
    expect((await kiln(["check"])).stderr).toContain("no migration needed");
    const again = await kiln(["revision", "--autogenerate", "-m", "nothing"]);
    expect(again.stderr).toContain("no changes");
    expect(project.revisionFiles()).toHaveLength(1);

    // Same shape everywhere, then three tables drift apart.
    project.write("schema.ts", ledgerModels({ defaultOf: "ledger_07", checkOf: "ledger_19", billingCheckOf: "ledger_b2" }));
    const drift = await kiln(["check"]);
    expect(drift.code).toBe(1);
    await kiln(["revision", "--autogenerate", "-m", "drift"]);
    const added = project.revisionFiles().filter((f) => f.endsWith("_drift.ts"));
    expect(added).toHaveLength(1);
    const file = project.read(`migrations/${added[0]}`);
    expect(tablesIn(file)).toEqual(["ledger_07", "ledger_19", "ledger_b2"]);
    expect(file).toContain(`default: "1"`);
    // The upgrade says what the model says; the downgrade restores what the database said.
    expect(file).toContain(String.raw`"ledger_19", "\"amount\" > 0"`);
    expect(file).toContain(`"ledger_19", "amount >= (0)::numeric"`);

    await kiln(["upgrade", "head"]);
    expect((await kiln(["check"])).stderr).toContain("no migration needed");
  });
});
