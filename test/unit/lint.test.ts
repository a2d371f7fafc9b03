/**
 * kiln lint: every rule (fires / does not fire), dialect applicability, silencing
 * comments (with and without a reason), the revision-level ignore, and source
 * lines found from real revision files loaded the way kiln loads them (ES module
 * and CommonJS packages).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DialectName } from "../../src/dialects/types.js";
import { analyzeOperations, lintOperations, type LintContext, type LintWarning } from "../../src/lint/index.js";
import { blankComments } from "../../src/lint/locate.js";
import { lintRevision } from "../../src/lint/revision.js";
import { readIgnoreDirectives, readRevisionIgnore } from "../../src/lint/silence.js";
import { typeChangeRewrite, trivialUsing } from "../../src/lint/type-change.js";
import { volatileFunctions } from "../../src/lint/volatility.js";
import { collectingSink, Op } from "../../src/operations/facade.js";
import type { Operation } from "../../src/operations/types.js";
import { loadRevisions } from "../../src/revisions/load.js";

/** The operations a revision body produces, through the real facade. */
async function ops(body: (op: Op) => unknown, dialect: DialectName = "postgresql"): Promise<Operation[]> {
  const sink = collectingSink(dialect);
  const op = new Op(sink);
  await body(op);
  await op.settled();
  return sink.operations;
}

function lint(operations: Operation[], context: Partial<LintContext> = {}): LintWarning[] {
  return lintOperations(operations, { dialect: "postgresql", revision: "abc123abc123", ...context });
}

const rules = (warnings: LintWarning[]) => warnings.map((w) => w.rule);

describe("index-not-concurrent", () => {
  it("flags createIndex and dropIndex on an existing table, with the concurrent safe form", async () => {
    const warnings = lint(
      await ops((op) => {
        op.createIndex("ix_users_email", "users", ["email"], { unique: true });
        op.dropIndex("ix_users_old", "users", { schema: "app" });
      }),
      { file: "migrations/0002.ts", lines: [7, 8] },
    );
    expect(rules(warnings)).toEqual(["index-not-concurrent", "index-not-concurrent"]);
    const [create, drop] = warnings;
    expect(create!.message).toBe(
      'revision abc123abc123 (migrations/0002.ts:7), table "users": op.createIndex("ix_users_email") builds the index under a SHARE lock on table "users": inserts, updates and deletes wait until the whole build finishes (reads go on)',
    );
    expect(create!.safeForm).toContain('await op.createIndex("ix_users_email", "users", ["email"], { unique: true, concurrently: true });');
    expect(drop!.table).toBe('"app"."users"');
    expect(drop!.problem).toContain("ACCESS EXCLUSIVE");
    expect(drop!.safeForm).toContain('await op.dropIndex("ix_users_old", "users", { schema: "app", concurrently: true });');
  });

  it("accepts concurrently and tables created in the same revision", async () => {
    expect(
      lint(
        await ops((op) => {
          op.createIndex("ix_a", "users", ["email"], { concurrently: true });
          op.dropIndex("ix_b", "users", { concurrently: true });
          op.createTable("posts", { id: { type: "integer", primaryKey: true }, title: { type: "text" } });
          op.createIndex("ix_posts_title", "posts", ["title"]);
        }),
      ),
    ).toEqual([]);
  });

  it("flags an index created inside a batch and says to move it out", async () => {
    const [warning] = lint(await ops((op) => op.batchAlterTable("users", (b) => b.createIndex("ix_in_batch", ["token"]))), { lines: [3] });
    expect(warning!.rule).toBe("index-not-concurrent");
    expect(warning!.line).toBe(3);
    expect(warning!.safeForm).toContain("outside the batch");
  });

  it("does not apply on MySQL or SQLite", async () => {
    const operations = await ops((op) => op.createIndex("ix", "users", ["email"]));
    expect(lint(operations, { dialect: "mysql" })).toEqual([]);
    expect(lint(operations, { dialect: "sqlite" })).toEqual([]);
  });
});

describe("constraint-not-valid", () => {
  it("flags foreign keys and checks added without NOT VALID to an existing table", async () => {
    const warnings = lint(
      await ops((op) => {
        op.createForeignKey("fk_orders_customer", "orders", "customers", ["customer_id"], ["id"], { onDelete: "cascade" });
        op.createCheckConstraint("ck_orders_total", "orders", "total >= 0");
      }),
    );
    expect(rules(warnings)).toEqual(["constraint-not-valid", "constraint-not-valid"]);
    expect(warnings[0]!.problem).toContain('SHARE ROW EXCLUSIVE locks on "orders" and "customers"');
    expect(warnings[0]!.safeForm).toContain(
      'await op.createForeignKey("fk_orders_customer", "orders", "customers", ["customer_id"], ["id"], { onDelete: "cascade", notValid: true });',
    );
    expect(warnings[0]!.safeForm).toContain('await op.validateConstraint("fk_orders_customer", "orders");');
    expect(warnings[1]!.problem).toContain('ACCESS EXCLUSIVE lock on "orders"');
    expect(warnings[1]!.safeForm).toContain('await op.createCheckConstraint("ck_orders_total", "orders", "total >= 0", { notValid: true });');
  });

  it("accepts NOT VALID, and constraints on new tables", async () => {
    expect(
      lint(
        await ops((op) => {
          op.createForeignKey("fk", "orders", "customers", ["customer_id"], ["id"], { notValid: true });
          op.createCheckConstraint("ck", "orders", "total >= 0", { notValid: true });
          op.createTable("lines", { id: { type: "integer" }, order_id: { type: "integer" } });
          op.createForeignKey("fk_lines", "lines", "orders", ["order_id"], ["id"]);
        }),
      ),
    ).toEqual([]);
  });

  it("flags a validation in the same transaction as the NOT VALID add, not in a non-transactional revision", async () => {
    const operations = await ops((op) => {
      op.createForeignKey("fk", "orders", "customers", ["customer_id"], ["id"], { notValid: true });
      op.validateConstraint("fk", "orders");
    });
    const [warning] = lint(operations, { lines: [4, 5] });
    expect(warning!.rule).toBe("constraint-not-valid");
    expect(warning!.line).toBe(5);
    expect(warning!.problem).toContain("same transaction");
    expect(lint(operations, { transactional: false })).toEqual([]);
    // Validating a constraint added by an earlier revision is the safe form itself.
    expect(lint(await ops((op) => op.validateConstraint("fk", "orders")))).toEqual([]);
  });
});

describe("set-not-null", () => {
  it("flags SET NOT NULL on an existing table with the check-constraint recipe", async () => {
    const [warning, ...rest] = lint(await ops((op) => op.alterColumn("users", "email", { nullable: false })));
    expect(rest).toEqual([]);
    expect(warning!.rule).toBe("set-not-null");
    expect(warning!.problem).toContain('"users"."email"');
    expect(warning!.problem).toContain("ACCESS EXCLUSIVE");
    expect(warning!.safeForm.split("\n").filter((l) => !l.startsWith("//"))).toEqual([
      'await op.createCheckConstraint("users_email_not_null", "users", "email IS NOT NULL", { notValid: true });',
      'await op.validateConstraint("users_email_not_null", "users");',
      'await op.alterColumn("users", "email", { nullable: false });',
      'await op.dropConstraint("users_email_not_null", "users", { type: "check" });',
    ]);
  });

  it("accepts it when a validated IS NOT NULL check exists (this or an earlier revision), or the table is new", async () => {
    const earlier = await ops((op) => op.createCheckConstraint("users_email_not_null", "users", '"email" IS NOT NULL', { notValid: true }));
    const recipe = await ops((op) => {
      op.validateConstraint("users_email_not_null", "users");
      op.alterColumn("users", "email", { nullable: false });
      op.dropConstraint("users_email_not_null", "users", { type: "check" });
    });
    expect(lint(recipe, { before: earlier })).toEqual([]);
    // Without the earlier revision's check, the same revision is flagged.
    expect(rules(lint(recipe))).toEqual(["set-not-null"]);
    // A check that was never validated does not help.
    expect(rules(lint(await ops((op) => op.alterColumn("users", "email", { nullable: false })), { before: earlier }))).toEqual(["set-not-null"]);
    expect(
      lint(
        await ops((op) => {
          op.createTable("users", { id: { type: "integer" }, email: { type: "text" } });
          op.alterColumn("users", "email", { nullable: false });
        }),
      ),
    ).toEqual([]);
    expect(lint(await ops((op) => op.alterColumn("users", "email", { nullable: false, existing: { type: "text", nullable: false } })))).toEqual([]);
  });
});

describe("type-change-rewrite", () => {
  it("knows the binary-coercible widenings", () => {
    expect(typeChangeRewrite("varchar(50)", "varchar(100)")).toBeUndefined();
    expect(typeChangeRewrite("character varying(50)", "text")).toBeUndefined();
    expect(typeChangeRewrite("varchar(50)", "varchar")).toBeUndefined();
    expect(typeChangeRewrite("text", "varchar")).toBeUndefined();
    expect(typeChangeRewrite("numeric(10,2)", "numeric(12, 2)")).toBeUndefined();
    expect(typeChangeRewrite("numeric(10,2)", "numeric")).toBeUndefined();
    expect(typeChangeRewrite("timestamp(3)", "timestamp(6)")).toBeUndefined();
    expect(typeChangeRewrite("timestamp(3) with time zone", "timestamptz")).toBeUndefined();
    expect(typeChangeRewrite("cidr", "inet")).toBeUndefined();
    expect(typeChangeRewrite("INT4", "integer")).toBeUndefined();
  });

  it("knows what rewrites", () => {
    expect(typeChangeRewrite("varchar(100)", "varchar(50)")).toContain("shortens");
    expect(typeChangeRewrite("text", "varchar(50)")).toBeDefined();
    expect(typeChangeRewrite("numeric(10,2)", "numeric(12,3)")).toContain("scale");
    expect(typeChangeRewrite("integer", "bigint")).toContain("not a binary-coercible change");
    expect(typeChangeRewrite("timestamp", "timestamptz")).toContain("TimeZone is UTC");
    expect(typeChangeRewrite("timestamp", "timestamp(3)")).toContain("precision");
    expect(typeChangeRewrite("text[]", "varchar[]")).toContain("array");
    expect(typeChangeRewrite("char(5)", "char(10)")).toBeDefined();
  });

  it("treats a USING that keeps the value as no change", () => {
    expect(trivialUsing('"age"', "age", "bigint")).toBe(true);
    expect(trivialUsing("age::bigint", "age", "bigint")).toBe(true);
    expect(trivialUsing("age * 2", "age", "bigint")).toBe(false);
  });

  it("flags rewriting changes, unknown old types and computing USING; accepts widenings and new tables", async () => {
    const warnings = lint(
      await ops((op) => {
        op.alterColumn("users", "age", { type: "bigint", existing: { type: "integer" } });
        op.alterColumn("users", "name", { type: "varchar(200)" });
        op.alterColumn("users", "bio", { type: "varchar(500)", using: "left(bio, 500)", existing: { type: "varchar(100)" } });
        op.alterColumn("users", "email", { type: "varchar(320)", existing: { type: "varchar(255)" } });
        op.alterColumn("users", "code", { type: "text", existing: { type: "varchar(10)" } });
      }),
      { lines: [1, 2, 3, 4, 5] },
    );
    expect(warnings.map((w) => [w.rule, w.line])).toEqual([
      ["type-change-rewrite", 1],
      ["type-change-rewrite", 2],
      ["type-change-rewrite", 3],
    ]);
    expect(warnings[0]!.problem).toContain('"users"."age"');
    expect(warnings[0]!.problem).toContain("integer -> bigint");
    expect(warnings[1]!.problem).toContain("existing");
    expect(warnings[2]!.problem).toContain("USING");
    expect(warnings[0]!.safeForm).toContain('await op.addColumn("users", "age_new", { type: "bigint" });');
    expect(
      lint(
        await ops((op) => {
          op.createTable("t", { a: { type: "integer" } });
          op.alterColumn("t", "a", { type: "bigint" });
        }),
      ),
    ).toEqual([]);
  });
});

describe("volatile-default and not-null-without-default", () => {
  it("finds volatile functions, not stable ones or names in strings", () => {
    expect(volatileFunctions("gen_random_uuid()")).toEqual(["gen_random_uuid"]);
    expect(volatileFunctions("pg_catalog.random() * 10")).toEqual(["random"]);
    expect(volatileFunctions("nextval('users_id_seq'::regclass)")).toEqual(["nextval"]);
    expect(volatileFunctions("now()")).toEqual([]);
    expect(volatileFunctions("CURRENT_TIMESTAMP")).toEqual([]);
    expect(volatileFunctions("'random()'")).toEqual([]);
  });

  it("flags volatile defaults, identity and serial columns added to existing tables", async () => {
    const warnings = lint(
      await ops((op) => {
        op.addColumn("users", "token", { type: "uuid", default: "gen_random_uuid()" });
        op.addColumn("users", "seen_at", { type: "timestamptz", default: "clock_timestamp()", nullable: false });
        op.addColumn("users", "number", { type: "bigint", identity: "byDefault" });
        op.addColumn("users", "seq", { type: "integer", autoIncrement: true, nullable: false });
      }),
    );
    expect(rules(warnings)).toEqual(["volatile-default", "volatile-default", "volatile-default", "volatile-default"]);
    expect(warnings[0]!.problem).toContain("the default gen_random_uuid() is volatile");
    expect(warnings[0]!.problem).toContain("rewrites table");
    expect(warnings[0]!.safeForm).toContain('await op.addColumn("users", "token", { type: "uuid" });');
    expect(warnings[0]!.safeForm).toContain('await op.alterColumn("users", "token", { default: "gen_random_uuid()" });');
    expect(warnings[1]!.safeForm).toContain("set-not-null");
    expect(warnings[2]!.problem).toContain("identity");
  });

  it("accepts constant and stable defaults, and any default on a new table", async () => {
    expect(
      lint(
        await ops((op) => {
          op.addColumn("users", "status", { type: "text", default: "'active'", nullable: false });
          op.addColumn("users", "created_at", { type: "timestamptz", default: "now()", nullable: false });
          op.addColumn("users", "updated_at", { type: "timestamptz", default: "CURRENT_TIMESTAMP" });
          op.createTable("tokens", { id: { type: "uuid", default: "gen_random_uuid()", primaryKey: true } });
          op.addColumn("tokens", "salt", { type: "double precision", default: "random()", nullable: false });
        }),
      ),
    ).toEqual([]);
  });

  it("flags NOT NULL without a default on PostgreSQL and SQLite, not on MySQL", async () => {
    const operations = await ops((op) => op.addColumn("users", "plan", { type: "text", nullable: false }));
    const [pg] = lint(operations);
    expect(pg!.rule).toBe("not-null-without-default");
    expect(pg!.problem).toContain("column contains null values");
    expect(lint(operations, { dialect: "sqlite" })[0]!.problem).toContain("SQLite");
    expect(lint(operations, { dialect: "mysql" })).toEqual([]);
    expect(lint(await ops((op) => op.addColumn("users", "plan", { type: "text" })))).toEqual([]);
  });
});

describe("rename-breaks-app", () => {
  it("flags renames and drops of existing tables and columns on every dialect", async () => {
    const operations = await ops((op) => {
      op.renameTable("users", "accounts");
      op.alterColumn("accounts", "email", { newName: "email_address", existing: { type: "text" } });
      op.dropColumn("accounts", "legacy");
      op.dropTable("sessions");
    });
    for (const dialect of ["postgresql", "mysql", "sqlite"] as const) {
      expect(rules(lint(operations, { dialect }))).toEqual(["rename-breaks-app", "rename-breaks-app", "rename-breaks-app", "rename-breaks-app"]);
    }
    const [table, column] = lint(operations);
    expect(table!.safeForm).toContain(`await op.execute('CREATE VIEW "users" AS SELECT * FROM "accounts"');`);
    expect(lint(operations, { dialect: "mysql" })[0]!.safeForm).toContain("CREATE VIEW `users` AS SELECT * FROM `accounts`");
    expect(column!.safeForm).toContain('await op.addColumn("accounts", "email_address", { type: "text" });');
  });

  it("accepts objects created in the same revision, and a rename that keeps the old name as a view", async () => {
    expect(
      lint(
        await ops((op) => {
          op.createTable("drafts", { id: { type: "integer" } });
          op.renameTable("drafts", "notes");
          op.dropTable("notes");
          op.addColumn("users", "tmp", { type: "text" });
          op.alterColumn("users", "tmp", { newName: "tmp2" });
          op.dropColumn("users", "tmp2");
          op.renameTable("users", "accounts");
          op.execute('CREATE VIEW "users" AS SELECT * FROM "accounts"');
        }),
      ),
    ).toEqual([]);
  });
});

describe("add-unique-constraint", () => {
  it("flags unique constraints and primary keys on existing tables, with the USING INDEX form", async () => {
    const warnings = lint(
      await ops((op) => {
        op.createUniqueConstraint("uq_users_email", "users", ["email"]);
        op.createPrimaryKey("pk_events", "events", ["id"], { schema: "log" });
      }),
    );
    expect(rules(warnings)).toEqual(["add-unique-constraint", "add-unique-constraint"]);
    expect(warnings[0]!.safeForm).toContain('await op.createIndex("uq_users_email", "users", ["email"], { unique: true, concurrently: true });');
    expect(warnings[0]!.safeForm).toContain(
      `await op.execute('ALTER TABLE "users" ADD CONSTRAINT "uq_users_email" UNIQUE USING INDEX "uq_users_email"');`,
    );
    expect(warnings[1]!.safeForm).toContain(`'ALTER TABLE "log"."events" ADD CONSTRAINT "pk_events" PRIMARY KEY USING INDEX "pk_events"'`);
    expect(lint(await ops((op) => op.createUniqueConstraint("uq", "users", ["email"])), { dialect: "mysql" })).toEqual([]);
    expect(
      lint(
        await ops((op) => {
          op.createTable("users", { id: { type: "integer" }, email: { type: "text" } });
          op.createUniqueConstraint("uq", "users", ["email"]);
        }),
      ),
    ).toEqual([]);
  });
});

describe("silencing", () => {
  const source = [
    "export default {", //                                                  1
    "  async upgrade(op) {", //                                             2
    "    // kiln-lint-ignore index-not-concurrent: the table has 12 rows", // 3
    '    await op.createIndex("ix_a", "users", ["a"]);', //                 4
    "    // kiln-lint-ignore index-not-concurrent", //                      5
    '    await op.createIndex("ix_b", "users", ["b"]);', //                 6
    '    await op.createIndex("ix_c", "users", ["c"]);', //                 7
    "    // kiln-lint-ignore index-not-concurrent, rename-breaks-app: lookup table, only read at boot", // 8
    "    // (the app caches it)", //                                       9
    '    await op.dropIndex("ix_d", "users");', //                          10
    "    // kiln-lint-ignore no-such-rule: because", //                     11
    '    await op.dropTable("old");', //                                    12
    "  },", //                                                              13
    "};", //                                                                14
  ].join("\n");

  it("reads directives with rule ids and reasons", () => {
    expect(readIgnoreDirectives(source)).toEqual([
      { line: 3, rules: ["index-not-concurrent"], reason: "the table has 12 rows" },
      { line: 5, rules: ["index-not-concurrent"] },
      { line: 8, rules: ["index-not-concurrent", "rename-breaks-app"], reason: "lookup table, only read at boot" },
      { line: 11, rules: ["no-such-rule"], reason: "because" },
    ]);
  });

  it("silences the operation below the comment; a silence without a reason or with an unknown rule is a warning", async () => {
    const operations = await ops((op) => {
      op.createIndex("ix_a", "users", ["a"]);
      op.createIndex("ix_b", "users", ["b"]);
      op.createIndex("ix_c", "users", ["c"]);
      op.dropIndex("ix_d", "users");
      op.dropTable("old");
    });
    const outcome = analyzeOperations(operations, {
      dialect: "postgresql",
      revision: "abc123abc123",
      file: "m.ts",
      source,
      lines: [4, 6, 7, 10, 12],
    });
    expect(outcome.warnings.map((w) => [w.rule, w.line])).toEqual([
      ["ignore-without-reason", 5],
      ["index-not-concurrent", 7],
      ["ignore-invalid", 11],
      ["rename-breaks-app", 12],
    ]);
    expect(outcome.warnings[0]!.message).toContain("without saying why");
    expect(outcome.warnings[2]!.problem).toContain('"no-such-rule"');
    expect(outcome.silenced.map((w) => [w.rule, w.line, w.reason])).toEqual([
      ["index-not-concurrent", 4, "the table has 12 rows"],
      ["index-not-concurrent", 6, ""],
      ["index-not-concurrent", 10, "lookup table, only read at boot"],
    ]);
  });

  it("silences a whole revision through lint.ignore", async () => {
    const operations = await ops((op) => {
      op.createIndex("ix_a", "users", ["a"]);
      op.dropColumn("users", "b");
    });
    const ignore = readRevisionIgnore({ ignore: ["index-not-concurrent"], reason: "users is empty in every environment" });
    expect(ignore).toEqual({ rules: ["index-not-concurrent"], reason: "users is empty in every environment" });
    const outcome = analyzeOperations(operations, { dialect: "postgresql", revision: "r", ignore: ignore as { rules: string[] } });
    expect(rules(outcome.warnings)).toEqual(["rename-breaks-app"]);
    expect(outcome.silenced[0]!.reason).toBe("users is empty in every environment");
    const noReason = analyzeOperations(operations, { dialect: "postgresql", revision: "r", ignore: { rules: ["index-not-concurrent"] } });
    expect(rules(noReason.warnings)).toEqual(["ignore-without-reason", "rename-breaks-app"]);
    expect(typeof readRevisionIgnore({ ignore: [] })).toBe("string");
    expect(typeof readRevisionIgnore("index-not-concurrent")).toBe("string");
  });
});

describe("source lines of real revision files", () => {
  const root = mkdtempSync(join(tmpdir(), "kiln-lint-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const revisionFile = `import type { Migration } from "kiln-migrate";

type Unused = { a: number };

export default {
  revision: "aaaaaaaaaaaa",
  downRevision: null,
  async upgrade(op) {
    /* op.createIndex( in a comment must not shift the count */
    await op.createIndex("ix_users_email", "users", ["email"]);
    // kiln-lint-ignore rename-breaks-app: nothing reads it since v2
    op.dropColumn("users", "legacy");
    await op
      .dropIndex("ix_old", "users");
    for (const name of ["a", "b"]) {
      await op.createIndex(\`ix_\${name}\`, "users", [name]);
    }
  },
} satisfies Migration;
`;

  describe.each(["module", "commonjs"] as const)("in a %s package", (type) => {
    it("reports each operation's line and applies the comment above it", async () => {
      const dir = join(root, type, "migrations");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(root, type, "package.json"), JSON.stringify({ type }));
      writeFileSync(join(dir, "0001_users.ts"), revisionFile);
      const [revision] = await loadRevisions(dir);
      const { result } = await lintRevision(revision!, { dialect: "postgresql", displayFile: "migrations/0001_users.ts" });
      expect(result.status).toBe("linted");
      expect(result.warnings.map((w) => [w.rule, w.line])).toEqual([
        ["index-not-concurrent", 10],
        ["index-not-concurrent", 14],
        ["index-not-concurrent", 16],
        ["index-not-concurrent", 16],
      ]);
      expect(result.warnings[0]!.message).toContain("revision aaaaaaaaaaaa (migrations/0001_users.ts:10)");
      expect(result.silenced.map((w) => [w.rule, w.line, w.reason])).toEqual([["rename-breaks-app", 12, "nothing reads it since v2"]]);
    });
  });

  it("skips a revision that uses op.query, and reports one whose upgrade throws", async () => {
    const dir = join(root, "query", "migrations");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "0001.ts"),
      `export default { revision: "bbbbbbbbbbbb", downRevision: null, async upgrade(op) {
        const rows = await op.query("select id from users");
        for (const row of rows) await op.execute("update users set x = 1 where id = $1", [row.id]);
      } };\n`,
    );
    writeFileSync(
      join(dir, "0002.ts"),
      `export default { revision: "cccccccccccc", downRevision: "bbbbbbbbbbbb", async upgrade(op) { throw new Error("needs PRODUCTION=1"); } };\n`,
    );
    const [first, second] = await loadRevisions(dir);
    expect((await lintRevision(first!, { dialect: "postgresql" })).result).toMatchObject({ status: "skipped", reason: "uses op.query", warnings: [] });
    const failed = (await lintRevision(second!, { dialect: "postgresql" })).result;
    expect(failed.status).toBe("failed");
    expect(failed.reason).toContain("needs PRODUCTION=1");
  });

  it("blanks comments but keeps strings and line breaks", () => {
    const text = 'a // op.x(\nb /* op.y(\n */ "// not a comment" `/* nor */`';
    const blanked = blankComments(text);
    expect(blanked.split("\n").length).toBe(3);
    expect(blanked).not.toContain("op.x(");
    expect(blanked).not.toContain("op.y(");
    expect(blanked).toContain('"// not a comment"');
    expect(blanked).toContain("`/* nor */`");
  });
});

describe("rls-without-policy", () => {
  it("flags row-level security switched on for an existing table that no policy lets through", async () => {
    const warnings = lint(
      await ops((op) => {
        op.enableRowLevelSecurity("documents");
        op.forceRowLevelSecurity("invoices", { schema: "billing" });
      }),
    );
    expect(rules(warnings)).toEqual(["rls-without-policy", "rls-without-policy"]);
    expect(warnings[0]!.problem).toContain(`ENABLE ROW LEVEL SECURITY on "documents" with no policy for it`);
    expect(warnings[0]!.safeForm).toContain('await op.createPolicy("app_access", "documents", { to: ["app_user"], using: "true", withCheck: "true" });');
    expect(warnings[1]!.problem).toContain("the table's owner too");
    expect(lint(await ops((op) => op.enableRowLevelSecurity("documents")), { dialect: "mysql" })).toEqual([]);
  });

  it("accepts a policy of the same revision (before or after), of an earlier revision, and a new table", async () => {
    expect(
      lint(
        await ops((op) => {
          op.enableRowLevelSecurity("documents");
          op.createPolicy("mine", "documents", { using: "owner = current_user" });
          op.createTable("notes", { id: { type: "integer" } });
          op.enableRowLevelSecurity("notes");
        }),
      ),
    ).toEqual([]);
    const before = await ops((op) => op.createPolicy("mine", "documents", { schema: "app", using: "true" }));
    expect(lint(await ops((op) => op.forceRowLevelSecurity("documents", { schema: "app" })), { before })).toEqual([]);
    const dropped = await ops((op) => {
      op.createPolicy("mine", "documents", { using: "true" });
      op.dropPolicy("mine", "documents");
    });
    expect(rules(lint(await ops((op) => op.enableRowLevelSecurity("documents")), { before: dropped }))).toEqual(["rls-without-policy"]);
  });
});

describe("refresh-not-concurrent", () => {
  it("flags a refresh without CONCURRENTLY, but not one of a view this revision creates", async () => {
    const warnings = lint(await ops((op) => op.refreshMaterializedView("totals", { schema: "report" })));
    expect(rules(warnings)).toEqual(["refresh-not-concurrent"]);
    expect(warnings[0]!.problem).toContain("ACCESS EXCLUSIVE lock");
    expect(warnings[0]!.safeForm).toContain('await op.refreshMaterializedView("totals", { schema: "report", concurrently: true });');
    expect(lint(await ops((op) => op.refreshMaterializedView("totals", { concurrently: true })))).toEqual([]);
    expect(
      lint(
        await ops((op) => {
          op.createMaterializedView("totals", "SELECT 1 AS n", { withNoData: true });
          op.refreshMaterializedView("totals");
        }),
      ),
    ).toEqual([]);
  });
});

describe("trigger-on-existing-table", () => {
  it("flags a trigger added to an existing table, not one on a table the revision creates", async () => {
    const warnings = lint(await ops((op) => op.createTrigger("touch", "orders", { schema: "shop", timing: "before", events: ["update"], function: "touch" })));
    expect(rules(warnings)).toEqual(["trigger-on-existing-table"]);
    expect(warnings[0]!.problem).toContain("SHARE ROW EXCLUSIVE lock");
    expect(warnings[0]!.problem).toContain("each written row also runs touch()");
    expect(
      lint(
        await ops((op) => {
          op.createTable("notes", { id: { type: "integer" } });
          op.createTrigger("touch", "notes", { timing: "before", events: ["update"], function: "touch" });
        }),
      ),
    ).toEqual([]);
  });
});

describe("immutable-function-change", () => {
  const old = { returns: "text", body: "SELECT lower($1)", volatility: "immutable" as const, args: ["text"] };
  it("flags CREATE OR REPLACE of an IMMUTABLE function with another volatility or body", async () => {
    const volatility = lint(await ops((op) => op.replaceFunction("norm", { ...old, volatility: "stable", old })));
    expect(rules(volatility)).toEqual(["immutable-function-change"]);
    expect(volatility[0]!.problem).toContain("its volatility (IMMUTABLE -> STABLE)");
    expect(volatility[0]!.safeForm).toContain("REINDEX INDEX CONCURRENTLY");
    expect(rules(lint(await ops((op) => op.replaceFunction("norm", { ...old, body: "SELECT upper($1)", old }))))).toEqual(["immutable-function-change"]);
  });

  it("accepts a replacement that keeps an immutable function as it computes, and a function that was not immutable", async () => {
    expect(lint(await ops((op) => op.replaceFunction("norm", { ...old, comment: "lower case", old })))).toEqual([]);
    const stable = { ...old, volatility: "stable" as const };
    expect(lint(await ops((op) => op.replaceFunction("norm", { ...stable, body: "SELECT upper($1)", old: stable })))).toEqual([]);
  });
});
