import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { renderMigrationBodies, renderOperations } from "../../src/autogenerate/render.js";
import { summarizeOperations } from "../../src/autogenerate/summary.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";
import { catalog, col, enumType, notNull, richCatalog, table, usersTable } from "./autogen-fixtures.js";
import { replay as run } from "../helpers/replay.js";


/** An operation as the facade can express it: no undefined fields, no `old`/`existing` the facade has no argument for. */
function expressible(op: Operation): unknown {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(op));
  if (["dropTable", "dropColumn", "dropIndex", "dropConstraint", "dropEnum"].includes(op.kind)) delete copy.old;
  if (op.kind === "setTableComment") delete copy.existing;
  if (op.kind === "execute") delete copy.reverseSql;
  if (op.kind === "batchAlterTable") copy.operations = op.operations.map(expressible);
  return copy;
}

async function expectRoundTrip(ops: Operation[]): Promise<void> {
  const replayed = await run(renderOperations(ops));
  expect(replayed.map(expressible)).toEqual(ops.map(expressible));
}

const prototypes = table("prototypes", [notNull("prototype_id", "integer"), notNull("name", "varchar(100)"), col("notes", "text"), notNull("created_at", "timestamptz", { default: "now()" })], {
  primaryKey: { name: "pk_prototypes", columns: ["prototype_id"] },
  checks: [{ name: "check_id_prototype_positive", expression: "prototype_id >= 0" }],
});

describe("renderOperations", () => {
  it("renders the user's example: a new table with a named check inside createTable", () => {
    const diff = compareCatalogs(catalog({ tables: [prototypes] }), catalog());
    const bodies = renderMigrationBodies(diff.operations);
    expect(bodies.upgrade).toBe(
      [
        'await op.createTable("prototypes", {',
        '  prototype_id: { type: "integer", nullable: false },',
        '  name: { type: "varchar(100)", nullable: false },',
        '  notes: { type: "text" },',
        '  created_at: { type: "timestamptz", nullable: false, default: "now()" },',
        "}, {",
        '  primaryKey: { name: "pk_prototypes", columns: ["prototype_id"] },',
        '  checks: [{ name: "check_id_prototype_positive", expression: "prototype_id >= 0" }],',
        "});",
      ].join("\n"),
    );
    expect(bodies.downgrade).toBe(['// WARNING: drops table prototypes and every row in it', 'await op.dropTable("prototypes");'].join("\n"));
    expect(bodies.warnings).toEqual([]);
  });

  it("adds a check to an existing table with createCheckConstraint and drops it by name and type", () => {
    const without = { ...prototypes, checks: [] };
    const diff = compareCatalogs(catalog({ tables: [prototypes] }), catalog({ tables: [without] }));
    const bodies = renderMigrationBodies(diff.operations);
    expect(bodies.upgrade).toBe('await op.createCheckConstraint("check_id_prototype_positive", "prototypes", "prototype_id >= 0");');
    expect(bodies.downgrade).toBe('await op.dropConstraint("check_id_prototype_positive", "prototypes", { type: "check" });');
  });

  it("renders alterColumn with the existing column and a WARNING line before data loss", () => {
    const ops: Operation[] = [
      { kind: "alterColumn", table: "users", column: "name", type: "varchar(50)", nullable: false, existing: col("name", "varchar(200)") },
      { kind: "alterColumn", schema: "app", table: "users", column: "bio", default: null, comment: null, existing: col("bio", "text", { default: "''::text", comment: "about" }) },
    ];
    expect(renderOperations(ops, { indent: "    " })).toBe(
      [
        "    // WARNING: column users.name: varchar(200) -> varchar(50) narrows the length; longer values make",
        "    //   the migration fail or are cut",
        "    // WARNING: sets users.name NOT NULL; this fails if any row holds NULL there (update those rows",
        "    //   first)",
        '    await op.alterColumn("users", "name", {',
        '      type: "varchar(50)",',
        "      nullable: false,",
        '      existing: { type: "varchar(200)" },',
        "    });",
        '    await op.alterColumn("users", "bio", {',
        '      schema: "app",',
        "      default: null,",
        "      comment: null,",
        '      existing: { type: "text", default: "\'\'::text", comment: "about" },',
        "    });",
      ].join("\n"),
    );
  });

  it("renders every operation kind so that the facade rebuilds the same operations", async () => {
    const created = compareCatalogs(richCatalog(), catalog()).operations;
    const ops: Operation[] = [
      ...created,
      { kind: "dropTable", schema: "audit", table: "events" },
      { kind: "renameTable", table: "people", newName: "persons" },
      { kind: "addColumn", table: "users", column: notNull("id2", "bigint", { identity: { always: false }, comment: "second" }) },
      { kind: "addColumn", schema: "s", table: "users", column: notNull("n", "integer", { autoIncrement: true }) },
      { kind: "dropColumn", schema: "s", table: "users", column: "n" },
      { kind: "alterColumn", table: "users", column: "a", type: "integer", using: "a::integer", existing: col("a", "text") },
      { kind: "alterColumn", table: "users", column: "a", newName: "b", existing: notNull("a", "integer", { identity: { always: true } }) },
      { kind: "alterColumn", table: "users", column: "c", default: "1" },
      { kind: "createIndex", table: "users", index: { name: "ix", columns: ["a", { expression: "lower(b)" }], unique: true, where: "a > 0", method: "btree" }, concurrently: true },
      { kind: "dropIndex", schema: "s", table: "users", name: "ix", concurrently: true },
      { kind: "createPrimaryKey", table: "users", constraint: { name: "pk", columns: ["a", "b"] } },
      { kind: "createUniqueConstraint", schema: "s", table: "users", constraint: { name: "uq", columns: ["a"] } },
      {
        kind: "createForeignKey",
        table: "posts",
        schema: "s",
        notValid: true,
        constraint: { name: "fk", columns: ["a"], refSchema: "t", refTable: "users", refColumns: ["id"], onDelete: "set null", onUpdate: "restrict" },
      },
      { kind: "createCheckConstraint", table: "users", notValid: true, constraint: { name: "ck", expression: "a <> 'x\"y'" } },
      { kind: "dropConstraint", schema: "s", table: "users", name: "ck", type: "check" },
      { kind: "validateConstraint", table: "users", name: "ck" },
      { kind: "createEnum", name: "e", values: ["a", "b's"] },
      { kind: "dropEnum", schema: "s", name: "e" },
      { kind: "addEnumValue", name: "e", value: "c", before: "a" },
      { kind: "addEnumValue", schema: "s", name: "e", value: "d", after: "c" },
      { kind: "addEnumValue", name: "e", value: "z" },
      { kind: "setTableComment", table: "users", comment: "who\nlogs in" },
      { kind: "setTableComment", schema: "s", table: "users", comment: null },
      { kind: "createSchema", name: "s" },
      { kind: "dropSchema", name: "s" },
      { kind: "execute", sql: "UPDATE users SET a = $1\nWHERE b IS NULL", params: [1] },
      { kind: "execute", sql: "SELECT 1" },
      { kind: "bulkInsert", table: "users", rows: [{ a: 1, b: "x", c: null, d: true, "odd key": [1, 2] }] },
    ];
    await expectRoundTrip(ops);
  });

  it("quotes column names that are not identifiers, including __proto__", async () => {
    const odd = table("odd", [col("full name", "text"), col("__proto__", "integer"), col("class", "text"), col("$x", "text")]);
    const ops = compareCatalogs(catalog({ tables: [odd] }), catalog()).operations;
    const text = renderOperations(ops);
    expect(text).toContain('"full name": { type: "text" },');
    expect(text).toContain('["__proto__"]: { type: "integer" },');
    await expectRoundTrip(ops);
  });

  it("round-trips the operations of a many-sided change, in both directions", async () => {
    const database = catalog({ enums: [enumType("status", ["active"])], tables: [usersTable(), table("old", [col("x", "text")])] });
    const model = richCatalog();
    const diff = compareCatalogs(model, database);
    expect(diff.operations.length).toBeGreaterThan(5);
    await expectRoundTrip(diff.operations);
    const bodies = renderMigrationBodies(diff.operations);
    expect(bodies.upgrade).toBe(renderOperations(diff.operations));
    const downgrade = await run(bodies.downgrade);
    const reversible = diff.operations.filter((o) => o.kind !== "addEnumValue");
    // The downgrade drops a table with its indexes: no separate drop of an index of a table it drops.
    const reversed = reverseOperations(reversible);
    const droppedTables = new Set(reversed.filter((o) => o.kind === "dropTable").map((o) => o.table));
    expect(downgrade.map(expressible)).toEqual(reversed.filter((o) => !(o.kind === "dropIndex" && droppedTables.has(o.table))).map(expressible));
  });
});

describe("batchAlterTable", () => {
  const batch: Operation = {
    kind: "batchAlterTable",
    schema: "app",
    table: "users",
    operations: [
      { kind: "addColumn", schema: "app", table: "users", column: notNull("age", "integer", { default: "0" }) },
      { kind: "alterColumn", schema: "app", table: "users", column: "name", type: "varchar(50)", existing: col("name", "varchar(200)") },
      { kind: "createIndex", schema: "app", table: "users", index: { name: "users_age_idx", columns: ["age"], unique: true, where: "age > 0" } },
      { kind: "createForeignKey", schema: "app", table: "users", constraint: { name: "fk", columns: ["age"], refSchema: "app", refTable: "ages", refColumns: ["id"], onDelete: "cascade" } },
      { kind: "createCheckConstraint", schema: "app", table: "users", constraint: { name: "ck", expression: "age < 200" } },
      { kind: "createPrimaryKey", schema: "app", table: "users", constraint: { name: "pk", columns: ["id"] } },
      { kind: "createUniqueConstraint", schema: "app", table: "users", constraint: { name: "uq", columns: ["name"] } },
      { kind: "dropConstraint", schema: "app", table: "users", name: "old_ck", type: "check" },
      { kind: "dropIndex", schema: "app", table: "users", name: "old_idx" },
      { kind: "dropColumn", schema: "app", table: "users", column: "legacy" },
    ],
  };

  it("renders a batch as the builder callback, warnings inside", async () => {
    const text = renderOperations([batch]);
    expect(text.split("\n").slice(0, 5)).toEqual([
      'await op.batchAlterTable("users", (batch) => {',
      '  batch.addColumn("age", { type: "integer", nullable: false, default: "0" });',
      "  // WARNING: column app.users.name: varchar(200) -> varchar(50) narrows the length; longer values",
      "  //   make the migration fail or are cut",
      '  batch.alterColumn("name", { type: "varchar(50)", existing: { type: "varchar(200)" } });',
    ]);
    expect(text.split("\n").at(-1)).toBe('}, { schema: "app" });');
    await expectRoundTrip([batch]);
    expect(summarizeOperations([batch])[0]).toBe("+ column app.users.age integer not null default 0");
  });

  it("leaves a TODO instead of code for what the builder cannot say", () => {
    const text = renderOperations([
      { kind: "batchAlterTable", table: "t", operations: [{ kind: "createIndex", table: "t", index: { name: "g", columns: ["a"], method: "gin" } }, { kind: "dropColumn", table: "other", column: "x" }] },
    ]);
    expect(text).toBe(
      [
        'await op.batchAlterTable("t", (batch) => {',
        "  // TODO: batchAlterTable cannot express createIndex g on t; write it by hand after the batch.",
        "  // TODO: batchAlterTable cannot express dropColumn other.x; write it by hand after the batch.",
        "});",
      ].join("\n"),
    );
  });

  it("downgrades a batch with the reversed batch", async () => {
    const reversible: Operation = { kind: "batchAlterTable", table: "t", operations: [{ kind: "addColumn", table: "t", column: col("a", "text") }, { kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: "a <> ''" } }] };
    const bodies = renderMigrationBodies([reversible]);
    expect(bodies.downgrade).toBe(
      ['await op.batchAlterTable("t", (batch) => {', '  batch.dropConstraint("ck", "check");', "  // WARNING: drops column t.a and its data", '  batch.dropColumn("a");', "});"].join("\n"),
    );
    expect((await run(bodies.downgrade)).map(expressible)).toEqual(reverseOperations([reversible]).map(expressible));
  });
});

describe("renderMigrationBodies", () => {
  it("writes a TODO comment, never code, for a step that cannot be undone, and reports it", async () => {
    const ops: Operation[] = [
      { kind: "addEnumValue", name: "status", value: "archived", after: "active" },
      { kind: "addColumn", table: "users", column: col("nick", "text") },
      { kind: "execute", sql: "UPDATE users SET nick = name" },
    ];
    const bodies = renderMigrationBodies(ops);
    const lines = bodies.downgrade.split("\n");
    expect(lines.every((line) => line.length <= 100)).toBe(true);
    expect(lines.filter((line) => !line.startsWith("//"))).toEqual(['await op.dropColumn("users", "nick");']);
    const dropAt = lines.indexOf('await op.dropColumn("users", "nick");');
    const before = lines.slice(0, dropAt).join("\n").replace(/\n\/\/ {3}/g, " ");
    const after = lines.slice(dropAt + 1).join("\n").replace(/\n\/\/ {3}/g, " ");
    expect(before).toMatch(/^\/\/ TODO: Cannot reverse execute "UPDATE users SET nick = name": raw SQL has no known reverse.*\n\/\/ WARNING: drops column users.nick and its data$/);
    expect(after).toMatch(/^\/\/ TODO: cannot remove the value 'archived' from enum status: PostgreSQL cannot remove a value/);
    expect(after).toContain("ALTER TYPE status RENAME TO status_old");
    expect(after).not.toContain("\n");
    expect(bodies.warnings).toHaveLength(2);
    expect(bodies.warnings[1]).toMatch(/^downgrade: cannot remove the value 'archived'/);
    expect(await run(bodies.downgrade)).toEqual([{ kind: "dropColumn", table: "users", column: "nick", schema: undefined }]);
  });

  it("is empty for no operations (the revision writer fills in a comment)", () => {
    expect(renderMigrationBodies([])).toEqual({ upgrade: "", downgrade: "", warnings: [] });
  });
});

describe("summarizeOperations", () => {
  it("describes each operation on one line", () => {
    const ops: Operation[] = [
      { kind: "createTable", table: prototypes },
      { kind: "alterColumn", table: "prototypes", column: "name", type: "varchar(200)", existing: notNull("name", "varchar(100)") },
      { kind: "alterColumn", table: "prototypes", column: "notes", default: "''::text", existing: col("notes", "text") },
      { kind: "dropConstraint", table: "prototypes", name: "check_id_prototype_positive", type: "check" },
      { kind: "addColumn", schema: "app", table: "t", column: notNull("n", "integer", { default: "0" }) },
      { kind: "addEnumValue", name: "status", value: "archived", after: "active" },
      { kind: "createIndex", table: "t", index: { name: "t_lower", columns: [{ expression: "lower(a)" }], unique: true } },
    ];
    expect(summarizeOperations(ops)).toEqual([
      "+ table prototypes",
      "~ column prototypes.name: varchar(100) -> varchar(200)",
      "~ column prototypes.notes: default none -> ''::text",
      "- check check_id_prototype_positive on prototypes",
      "+ column app.t.n integer not null default 0",
      "+ enum value status.archived after active",
      "+ unique index t_lower on t ((lower(a)))",
    ]);
  });
});

describe("rendered revision bodies", () => {
  it("type-check against the facade's signatures", async () => {
    const ts = (await import("typescript")).default;
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join, resolve } = await import("node:path");
    const database = catalog({ enums: [enumType("status", ["active"])], tables: [usersTable(), table("old", [col("x", "text")])] });
    const diff = compareCatalogs(richCatalog(), database);
    const bodies = renderMigrationBodies([
      ...diff.operations,
      { kind: "alterColumn", table: "users", column: "a", newName: "b", existing: notNull("a", "integer", { identity: { always: true } }) },
      { kind: "createForeignKey", table: "p", notValid: true, constraint: { name: "fk", columns: ["a"], refTable: "users", refColumns: ["id"], onDelete: "set null" } },
      {
        kind: "batchAlterTable",
        table: "t",
        operations: [
          { kind: "alterColumn", table: "t", column: "a", nullable: false, existing: col("a", "text") },
          { kind: "createForeignKey", table: "t", constraint: { name: "fk2", columns: ["a"], refTable: "u", refColumns: ["id"], onUpdate: "cascade" } },
          { kind: "dropConstraint", table: "t", name: "x", type: "unique" },
        ],
      },
    ]);
    const facade = resolve("src/operations/facade.js");
    const source = [
      `import type { Op } from ${JSON.stringify(facade)};`,
      "export async function upgrade(op: Op): Promise<void> {",
      bodies.upgrade,
      "}",
      "export async function downgrade(op: Op): Promise<void> {",
      bodies.downgrade,
      "}",
    ].join("\n");
    const folder = mkdtempSync(join(tmpdir(), "kiln-render-"));
    try {
      const file = join(folder, "revision.ts");
      writeFileSync(file, source);
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        skipLibCheck: true,
        types: [],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(problems).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("renderMigrationBodies: an index goes with its table in the downgrade", () => {
  it("leaves out the drop of an index whose table the downgrade drops next, and keeps the others", () => {
    const ops: Operation[] = [
      { kind: "createTable", table: { name: "staff", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] } },
      { kind: "createIndex", table: "staff", index: { name: "idx_fk_address_id", columns: [{ column: "id" }], unique: false } },
      { kind: "createIndex", table: "other", index: { name: "idx_other", columns: [{ column: "id" }], unique: false } },
    ] as Operation[];
    const downgrade = renderMigrationBodies(ops).downgrade;
    expect(downgrade).not.toContain("idx_fk_address_id");
    expect(downgrade).toContain('op.dropIndex("idx_other", "other")');
    expect(downgrade).toContain('op.dropTable("staff")');
  });

  it("keeps the drop when another index takes the name before the table goes", () => {
    const ops: Operation[] = [
      { kind: "createTable", table: { name: "staff", columns: [{ name: "id", type: "integer", nullable: false }], uniques: [], foreignKeys: [], checks: [], indexes: [] } },
      { kind: "dropIndex", table: "other", name: "ix_id", old: { name: "ix_id", columns: [{ column: "id" }], unique: false } },
      { kind: "createIndex", table: "staff", index: { name: "ix_id", columns: [{ column: "id" }], unique: false } },
    ] as Operation[];
    const downgrade = renderMigrationBodies(ops).downgrade;
    expect(downgrade).toContain('op.dropIndex("ix_id", "staff")');
  });
});
