/**
 * Autogenerate end to end on PostgreSQL (PGlite and the PostgreSQL 15 server),
 * through the real CLI: one project per database, a base model applied once,
 * then one case per kind of schema change. Each case writes models B (the base
 * with one change), runs `kiln revision --autogenerate` and `kiln upgrade head`,
 * checks the change reached the database and that nothing is left to generate
 * (`check`), then `kiln downgrade -1` must give back the base schema exactly:
 * the introspected Catalog and, on the server, `pg_dump --schema-only`.
 * The case's revision file is then removed, so the next case starts from the base.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { createProject, type TestProject } from "../helpers/project.js";
import { modelSource, PG_TARGETS, readCatalog, schemaDump } from "./autogenerate-pg-support.js";

/** A model file as data, so that a case can change one piece of the base. */
interface Model {
  /** Top-level declarations other than tables (enums, schemas), by key. */
  decls: Record<string, string>;
  tables: Record<string, { head: string; columns: Record<string, string>; extras: Record<string, string>; options?: string }>;
}

function render(model: Model): string {
  const tables = Object.entries(model.tables).map(([key, t]) => {
    const columns = Object.entries(t.columns).map(([k, v]) => `  ${k}: ${v},`);
    const extras = Object.values(t.extras);
    const extrasArg = extras.length > 0 ? `, (t) => [\n  ${extras.join(",\n  ")},\n]` : "";
    return `export const ${key} = ${t.head}, {\n${columns.join("\n")}\n}${extrasArg}${t.options ? `, ${t.options}` : ""});`;
  });
  return modelSource([...Object.values(model.decls), ...tables].join("\n\n"));
}

function baseModel(): Model {
  return {
    decls: {
      orderStatus: `export const orderStatus = enumType("order_status", ["new", "paid", "shipped"]);`,
      legacyKind: `export const legacyKind = enumType("legacy_kind", ["x", "y"]);`,
    },
    tables: {
      users: {
        head: `table("users"`,
        columns: {
          id: `integer().primaryKey()`,
          email: `varchar(50).notNull()`,
          nickname: `text().comment("shown to others")`,
          score: `numeric({ precision: 10, scale: 2 })`,
          age: `integer()`,
          status: `text().notNull().default("new")`,
          createdAt: `timestamp("created_at", { withTimezone: true }).notNull().default(sql\`now()\`)`,
          label: `text().default(sql\`'a'::text\`)`,
          bio: `text()`,
        },
        extras: {
          uqEmail: `unique("uq_users_email").on(t.email)`,
          ckAge: `check("ck_users_age", sql\`\${t.age} >= 0\`)`,
          ckScore: `check("ck_users_score", sql\`score > 0\`)`,
          ixNickname: `index("ix_users_nickname").on(t.nickname)`,
        },
        options: `{ comment: "people" }`,
      },
      orders: {
        head: `table("orders"`,
        columns: {
          id: `bigint().primaryKey().generatedAlwaysAsIdentity()`,
          userId: `integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" })`,
          status: `orderStatus().notNull().default("new")`,
          total: `numeric({ precision: 12, scale: 2 })`,
          note: `text()`,
          data: `jsonb()`,
        },
        extras: {
          ixOpen: `index("ix_orders_open").on(t.userId).where(sql\`\${t.status} <> 'shipped'\`)`,
          ixNote: `index("ix_orders_note").on(sql\`lower(\${t.note})\`)`,
        },
      },
      audit: {
        head: `table("audit"`,
        columns: { id: `integer().notNull()`, version: `integer().notNull()`, what: `text()` },
        extras: { pk: `primaryKey({ name: "pk_audit", columns: [t.id] })` },
      },
    },
  };
}

interface Case {
  name: string;
  change(model: Model): void;
  /** B only spells A differently: autogenerate must find nothing. */
  respelling?: boolean;
  /** What the database must show once B is applied. */
  expectB?(catalog: Catalog): void;
}

function table(catalog: Catalog, name: string, schema?: string): Table {
  const found = catalog.tables.find((t) => t.name === name && t.schema === schema);
  if (!found) throw new Error(`no table ${schema ? `${schema}.` : ""}${name} in ${catalog.tables.map((t) => t.name).join(", ")}`);
  return found;
}

function column(catalog: Catalog, tableName: string, name: string, schema?: string) {
  const found = table(catalog, tableName, schema).columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${tableName}.${name}`);
  return found;
}

const CASES: Case[] = [
  {
    name: "a table is added",
    change: (m) => {
      m.tables.tags = { head: `table("tags"`, columns: { id: `integer().primaryKey()`, name: `varchar(40).notNull().unique()` }, extras: {} };
    },
    expectB: (c) => expect(table(c, "tags").uniques).toEqual([{ name: "uq_tags_name", columns: ["name"] }]),
  },
  {
    name: "a table is dropped",
    change: (m) => delete m.tables.audit,
    expectB: (c) => expect(c.tables.map((t) => t.name)).not.toContain("audit"),
  },
  {
    name: "columns are added (nullable, NOT NULL with a default, identity)",
    change: (m) => {
      m.tables.users!.columns.phone = `varchar(30)`;
      m.tables.users!.columns.active = `boolean().notNull().default(true)`;
      m.tables.users!.columns.seq = `bigint().generatedByDefaultAsIdentity()`;
    },
    expectB: (c) => {
      expect(column(c, "users", "phone")).toEqual({ name: "phone", type: "varchar(30)", nullable: true });
      expect(column(c, "users", "active")).toEqual({ name: "active", type: "boolean", nullable: false, default: "true" });
      expect(column(c, "users", "seq")).toEqual({ name: "seq", type: "bigint", nullable: false, identity: { always: false } });
    },
  },
  {
    // The last column: PostgreSQL adds columns at the end, so the downgrade restores the same order.
    name: "a column is dropped",
    change: (m) => delete m.tables.users!.columns.bio,
    expectB: (c) => expect(table(c, "users").columns.map((x) => x.name)).not.toContain("bio"),
  },
  {
    name: "varchar length changes",
    change: (m) => (m.tables.users!.columns.email = `varchar(120).notNull()`),
    expectB: (c) => expect(column(c, "users", "email").type).toBe("varchar(120)"),
  },
  {
    name: "numeric precision and scale change",
    change: (m) => (m.tables.users!.columns.score = `numeric({ precision: 14, scale: 4 })`),
    expectB: (c) => expect(column(c, "users", "score").type).toBe("numeric(14,4)"),
  },
  {
    name: "types change (integer -> bigint, text -> varchar)",
    change: (m) => {
      m.tables.users!.columns.age = `bigint()`;
      m.tables.users!.columns.nickname = `varchar(80).comment("shown to others")`;
    },
    expectB: (c) => {
      expect(column(c, "users", "age").type).toBe("bigint");
      expect(column(c, "users", "nickname").type).toBe("varchar(80)");
    },
  },
  {
    name: "nullability changes both ways",
    change: (m) => {
      m.tables.users!.columns.email = `varchar(50)`;
      m.tables.users!.columns.age = `integer().notNull()`;
    },
    expectB: (c) => {
      expect(column(c, "users", "email").nullable).toBe(true);
      expect(column(c, "users", "age").nullable).toBe(false);
    },
  },
  {
    name: "defaults are added, changed and dropped",
    change: (m) => {
      m.tables.users!.columns.status = `text().notNull().default("active")`;
      m.tables.users!.columns.age = `integer().default(18)`;
      m.tables.users!.columns.label = `text()`;
    },
    expectB: (c) => {
      // The database's own text; compared through its canonical form.
      expect(column(c, "users", "status").default).toBe("'active'::text");
      expect(column(c, "users", "status").canonical).toEqual({ default: "'active'" });
      expect(column(c, "users", "age").default).toBe("18");
      expect(column(c, "users", "label").default).toBeUndefined();
    },
  },
  {
    name: "equivalent default spellings (now() / CURRENT_TIMESTAMP, 'a'::text / 'a') give no diff",
    respelling: true,
    change: (m) => {
      m.tables.users!.columns.createdAt = `timestamp("created_at", { withTimezone: true }).notNull().default(sql\`CURRENT_TIMESTAMP\`)`;
      m.tables.users!.columns.label = `text().default("a")`;
    },
  },
  {
    name: "a differently spelled but unchanged CHECK expression gives no diff",
    respelling: true,
    change: (m) => {
      m.tables.users!.extras.ckScore = `check("ck_users_score", sql\`((\${t.score}) > (0))\`)`;
      m.tables.users!.extras.ckAge = `check("ck_users_age", sql\`age>=0\`)`;
    },
  },
  {
    name: "the primary key changes",
    change: (m) => (m.tables.audit!.extras.pk = `primaryKey({ name: "pk_audit", columns: [t.id, t.version] })`),
    expectB: (c) => expect(table(c, "audit").primaryKey).toEqual({ name: "pk_audit", columns: ["id", "version"] }),
  },
  {
    name: "unique constraints are added and dropped",
    change: (m) => {
      delete m.tables.users!.extras.uqEmail;
      m.tables.users!.extras.uqNickAge = `unique().on(t.nickname, t.age)`;
    },
    expectB: (c) => expect(table(c, "users").uniques).toEqual([{ name: "uq_users_nickname_age", columns: ["nickname", "age"] }]),
  },
  {
    name: "foreign keys are added and their actions change",
    change: (m) => {
      m.tables.orders!.columns.userId = `integer("user_id").references(() => users.id, { onDelete: "set null", onUpdate: "cascade" })`;
      m.tables.audit!.extras.fk = `foreignKey({ name: "fk_audit_user", columns: [t.id], foreignColumns: [users.id], onDelete: "restrict" })`;
    },
    expectB: (c) => {
      expect(table(c, "orders").foreignKeys).toEqual([
        { name: "fk_orders_user_id_users", columns: ["user_id"], refTable: "users", refColumns: ["id"], onDelete: "set null", onUpdate: "cascade" },
      ]);
      expect(table(c, "audit").foreignKeys).toEqual([{ name: "fk_audit_user", columns: ["id"], refTable: "users", refColumns: ["id"], onDelete: "restrict" }]);
    },
  },
  {
    name: "CHECK constraints are added, dropped and changed in expression",
    change: (m) => {
      delete m.tables.users!.extras.ckAge;
      m.tables.users!.extras.ckScore = `check("ck_users_score", sql\`score >= 0\`)`;
      m.tables.orders!.extras.ckTotal = `check("ck_orders_total", sql\`\${t.total} >= 0 AND \${t.total} < 1000000\`)`;
    },
    expectB: (c) => {
      expect(table(c, "users").checks).toEqual([{ name: "ck_users_score", expression: "score >= (0)::numeric" }]);
      expect(table(c, "orders").checks.map((x) => x.name)).toEqual(["ck_orders_total"]);
    },
  },
  {
    name: "enum types are created and dropped",
    change: (m) => {
      delete m.decls.legacyKind;
      m.decls.priority = `export const priority = enumType("priority", ["low", "high"]);`;
      m.tables.users!.columns.priority = `priority().notNull().default("low")`;
    },
    expectB: (c) => {
      expect(c.enums.map((e) => e.name)).toEqual(["order_status", "priority"]);
      expect(column(c, "users", "priority")).toEqual({ name: "priority", type: "priority", nullable: false, default: "'low'::priority", canonical: { default: "'low'" } });
    },
  },
  {
    name: "enum values are added (first, middle, last)",
    change: (m) => {
      m.decls.orderStatus = `export const orderStatus = enumType("order_status", ["draft", "new", "paid", "refunded", "shipped", "archived"]);`;
    },
    expectB: (c) => expect(c.enums.find((e) => e.name === "order_status")?.values).toEqual(["draft", "new", "paid", "refunded", "shipped", "archived"]),
  },
  {
    name: "indexes are added (plain, unique expression, partial, gin)",
    change: (m) => {
      m.tables.users!.extras.ixAge = `index().on(t.age)`;
      m.tables.users!.extras.ixEmail = `uniqueIndex("ix_users_email_lower").on(sql\`lower(\${t.email})\`)`;
      m.tables.orders!.extras.ixPaid = `index("ix_orders_paid").on(t.total).where(sql\`\${t.status} = 'paid' AND \${t.total} > 100\`)`;
      m.tables.orders!.extras.ixData = `index("ix_orders_data").on(t.data).using("gin")`;
    },
    expectB: (c) => {
      expect(table(c, "users").indexes.map((i) => i.name)).toEqual(["ix_users_age", "ix_users_email_lower", "ix_users_nickname"]);
      expect(table(c, "orders").indexes.find((i) => i.name === "ix_orders_data")).toEqual({ name: "ix_orders_data", columns: ["data"], method: "gin" });
    },
  },
  {
    name: "indexes are dropped and changed (partial predicate, expression)",
    change: (m) => {
      delete m.tables.users!.extras.ixNickname;
      m.tables.orders!.extras.ixOpen = `index("ix_orders_open").on(t.userId).where(sql\`\${t.status} = 'new'\`)`;
      m.tables.orders!.extras.ixNote = `index("ix_orders_note").on(sql\`upper(\${t.note})\`)`;
    },
    expectB: (c) => {
      expect(table(c, "users").indexes).toEqual([]);
      expect(table(c, "orders").indexes.find((i) => i.name === "ix_orders_note")?.columns).toEqual([{ expression: "upper(note)" }]);
      expect(table(c, "orders").indexes.find((i) => i.name === "ix_orders_open")?.where).toBe("status = 'new'::order_status");
    },
  },
  {
    name: "table and column comments are added, changed and removed",
    change: (m) => {
      m.tables.users!.options = `{ comment: "customers" }`;
      m.tables.orders!.options = `{ comment: "what customers bought" }`;
      m.tables.users!.columns.nickname = `text()`;
      m.tables.users!.columns.email = `varchar(50).notNull().comment("login, unique")`;
    },
    expectB: (c) => {
      expect(table(c, "users").comment).toBe("customers");
      expect(table(c, "orders").comment).toBe("what customers bought");
      expect(column(c, "users", "nickname").comment).toBeUndefined();
      expect(column(c, "users", "email").comment).toBe("login, unique");
    },
  },
  {
    name: "a non-default schema with its own enum and a foreign key across schemas",
    change: (m) => {
      m.decls.billing = `const billing = schema("billing");\nexport const invoiceState = billing.enumType("invoice_state", ["open", "paid"]);`;
      m.tables.invoices = {
        head: `billing.table("invoices"`,
        columns: {
          id: `integer().primaryKey().generatedAlwaysAsIdentity()`,
          userId: `integer("user_id").notNull().references(() => users.id)`,
          state: `invoiceState().notNull().default("open")`,
          amount: `numeric({ precision: 12, scale: 2 }).notNull()`,
        },
        extras: { ck: `check("ck_invoices_amount", sql\`\${t.amount} > 0\`)`, ix: `index().on(t.userId).where(sql\`\${t.state} = 'open'\`)` },
        options: `{ comment: "money owed" }`,
      };
    },
    expectB: (c) => {
      expect(c.schemas).toEqual(["billing"]);
      expect(c.enums.find((e) => e.schema === "billing")).toEqual({ schema: "billing", name: "invoice_state", values: ["open", "paid"] });
      expect(column(c, "invoices", "state", "billing").type).toBe("billing.invoice_state");
      expect(table(c, "invoices", "billing").foreignKeys[0]).toMatchObject({ refTable: "users", columns: ["user_id"] });
    },
  },
];

const BASE_REVISION = "base00000001";

describe.each(PG_TARGETS)("autogenerate round trips on $name", (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject;

  async function kiln(args: string[]) {
    const result = await project.kiln(args);
    if (result.code !== 0) throw new Error(`kiln ${args.join(" ")} failed (${result.code}):\n${result.stderr}${result.stdout}`);
    return result;
  }

  async function state(): Promise<{ catalog: Catalog; dump?: string }> {
    return { catalog: await readCatalog(url), ...(target.server ? { dump: await schemaDump(url) } : {}) };
  }

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    project = createProject({ url, models: render(baseModel()) });
    await kiln(["revision", "--autogenerate", "-m", "base", "--rev-id", BASE_REVISION]);
    await kiln(["upgrade", "head"]);
    expect((await kiln(["check"])).stderr).toContain("no migration needed");
  }, 180_000);
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  // Generous limits: every case starts the CLI four times, and PGlite opens its directory each time.
  it.each(CASES)("$name", { timeout: 180_000 }, async (testCase) => {
    const before = await state();
    const files = project.revisionFiles();
    let passed = false;
    try {
      await roundTrip(testCase, before, files);
      passed = true;
    } finally {
      // Back to the base whatever happened, so that one failing case does not fail the next ones.
      if (!passed) await project.kiln(["downgrade", BASE_REVISION]);
      for (const file of project.revisionFiles()) if (!files.includes(file)) rmSync(join(project.migrationsDir, file));
      project.write("schema.ts", render(baseModel()));
    }
  });

  async function roundTrip(testCase: Case, before: { catalog: Catalog; dump?: string }, files: string[]): Promise<void> {
    const model = baseModel();
    testCase.change(model);
    project.write("schema.ts", render(model));

    const generated = await kiln(["revision", "--autogenerate", "-m", testCase.name]);
    if (testCase.respelling) {
      expect(generated.stderr).toContain("no changes");
      expect(project.revisionFiles()).toEqual(files);
      return;
    }
    const added = project.revisionFiles().filter((f) => !files.includes(f));
    expect(added).toHaveLength(1);

    await kiln(["upgrade", "head"]);
    const after = await readCatalog(url);
    testCase.expectB?.(after);
    expect(after).not.toEqual(before.catalog);
    // The fixpoint: `kiln check` makes the comparison `revision --autogenerate` makes, and exits 1 on any difference.
    expect((await kiln(["check"])).stderr).toContain("no migration needed");

    await kiln(["downgrade", "-1"]);
    expect(await state()).toEqual(before);
  }
});

const PROTOTYPES_A = modelSource(`
export const prototypeStatus = enumType("prototype_status", ["draft", "active", "retired"]);
export const prototypes = table("prototypes", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  prototypeId: integer("prototype_id").notNull(),
  name: varchar(200).notNull(),
  status: prototypeStatus().notNull().default("draft"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql\`now()\`),
}, (t) => [check("check_id_prototype_positive", sql\`prototype_id >= 0\`), index().on(t.name)]);
`);

// A changed check, a new column, a new enum value, a new partial index and a renamed column, at once.
const PROTOTYPES_B = modelSource(`
export const prototypeStatus = enumType("prototype_status", ["draft", "review", "active", "retired"]);
export const prototypes = table("prototypes", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  prototypeId: integer("prototype_id").notNull(),
  title: varchar(200).notNull(),
  status: prototypeStatus().notNull().default("draft"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql\`now()\`),
  notes: text(),
}, (t) => [
  check("check_id_prototype_positive", sql\`prototype_id > 0\`),
  index().on(t.title),
  index("ix_prototypes_in_review").on(t.createdAt).where(sql\`\${t.status} = 'review'\`),
]);
`);

/** The text between `async <name>(op) {` and the next closing line of the method. */
function body(file: string, name: "upgrade" | "downgrade"): string {
  const match = new RegExp(`async ${name}\\(op\\) \\{\\n([\\s\\S]*?)\\n  \\},`).exec(file);
  if (!match) throw new Error(`no ${name} in:\n${file}`);
  return match[1]!;
}

describe.each(PG_TARGETS)("the prototypes workflow on $name", (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let project: TestProject;

  beforeAll(async () => {
    ({ url, cleanup } = await target.setup());
    project = createProject({ url, models: PROTOTYPES_A });
  });
  afterAll(async () => {
    project?.remove();
    await cleanup?.();
  });

  async function schemaState() {
    return { catalog: await readCatalog(url), ...(target.server ? { dump: await schemaDump(url) } : {}) };
  }

  it("autogenerates, applies, detects drift, and downgrades back to the same schema", { timeout: 300_000 }, async () => {
    const created = await project.kiln(["revision", "--autogenerate", "-m", "create prototypes"]);
    expect(created.code).toBe(0);
    const [first] = project.revisionFiles();
    const firstText = project.read(`migrations/${first}`);
    expect(body(firstText, "upgrade")).toContain(`await op.createTable("prototypes", {`);
    expect(body(firstText, "upgrade")).toContain(`checks: [{ name: "check_id_prototype_positive", expression: "prototype_id >= 0" }]`);
    expect(body(firstText, "downgrade")).toContain(`await op.dropTable("prototypes");`);
    expect(body(firstText, "downgrade")).toContain(`await op.dropEnum("prototype_status");`);

    expect((await project.kiln(["upgrade", "head"])).code).toBe(0);
    expect((await readCatalog(url)).tables.find((t) => t.name === "prototypes")?.checks).toEqual([
      { name: "check_id_prototype_positive", expression: "prototype_id >= 0" },
    ]);
    const before = await schemaState();

    // A model edit without a migration: the drift gate fails and names the change.
    project.write("schema.ts", PROTOTYPES_B);
    const drift = await project.kiln(["check"]);
    expect(drift.code).toBe(1);
    expect(drift.stdout + drift.stderr).toContain("check_id_prototype_positive");
    expect(drift.stdout + drift.stderr).toContain("notes");

    const evolved = await project.kiln(["revision", "--autogenerate", "-m", "evolve prototypes", "--rename", "prototypes.name=prototypes.title"]);
    expect(evolved.code).toBe(0);
    const second = project.revisionFiles().find((f) => f !== first)!;
    const upgrade = body(project.read(`migrations/${second}`), "upgrade");
    expect(upgrade).toContain(`await op.addEnumValue("prototype_status", "review", { after: "draft" });`);
    expect(upgrade).toMatch(/await op\.alterColumn\("prototypes", "name", \{\s+newName: "title",/);
    expect(upgrade).toContain(`await op.dropConstraint("check_id_prototype_positive", "prototypes", { type: "check" });`);
    expect(upgrade).toContain(`await op.createCheckConstraint("check_id_prototype_positive", "prototypes", "prototype_id > 0");`);
    expect(upgrade).toContain(`await op.addColumn("prototypes", "notes", { type: "text" });`);
    // The predicate as the model writes it (issue 11: a revision shows the user's text, not the database's respelling).
    expect(upgrade).toMatch(/await op\.createIndex\("ix_prototypes_in_review", "prototypes", \["created_at"\], \{\s+where: "\\"status\\" = 'review'",(\s+concurrently: true,)?\s+\}\);/);
    expect(upgrade).not.toContain("dropColumn");

    // Autogenerate compares with the newest schema only.
    const refused = await project.kiln(["revision", "--autogenerate", "-m", "too early"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not up to date");
    expect(refused.stderr).toContain("kiln upgrade head");
    expect(project.revisionFiles()).toHaveLength(2);

    expect((await project.kiln(["upgrade", "head"])).code).toBe(0);
    const upgraded = await readCatalog(url);
    expect(upgraded.enums).toEqual([{ name: "prototype_status", values: ["draft", "review", "active", "retired"] }]);
    expect(upgraded.tables[0]!.columns.map((c) => c.name)).toEqual(["id", "prototype_id", "title", "status", "created_at", "notes"]);

    const again = await project.kiln(["revision", "--autogenerate", "-m", "nothing"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("no changes");
    expect(project.revisionFiles()).toHaveLength(2);
    expect((await project.kiln(["check"])).code).toBe(0);

    expect((await project.kiln(["downgrade", "-1"])).code).toBe(0);
    expect(await schemaState()).toEqual(before);
  });
});
