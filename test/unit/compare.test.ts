import { describe, expect, it } from "vitest";
import type { Catalog, Table } from "../../src/catalog/types.js";
import { applyOperations } from "../../src/autogenerate/apply.js";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import { normalizeCatalog } from "../../src/autogenerate/normalize.js";
import { creationOrder } from "../../src/autogenerate/order.js";
import { parseRenameHint, parseRenameTableHint } from "../../src/autogenerate/renames.js";
import { typeChangeRisk } from "../../src/autogenerate/risks.js";
import { summarizeOperations } from "../../src/autogenerate/summary.js";
import type { CompareOptions, Diff } from "../../src/autogenerate/types.js";
import { UsageError } from "../../src/errors.js";
import { reverseOperations } from "../../src/operations/reverse.js";
import { catalog, col, enumType, notNull, postsTable, richCatalog, table, usersTable } from "./autogen-fixtures.js";

/** Compares, then checks that the operations really turn the database into the models and back. */
function diffOf(model: Catalog, database: Catalog, options?: CompareOptions & { unnamedInModel?: boolean }): Diff {
  const diff = compareCatalogs(model, database, options);
  if (diff.renameCandidates.length > 0 || diff.warnings.some((w) => w.kind !== "dataLoss")) return diff;
  const upgraded = applyOperations(database, diff.operations);
  // The database names what the models leave unnamed: then only a fixpoint can be asked for.
  if (options?.unnamedInModel) expect(compareCatalogs(model, upgraded)).toEqual({ operations: [], warnings: [], renameCandidates: [] });
  else expect(upgraded).toEqual(normalizeCatalog(model));
  if (!diff.operations.some((o) => o.kind === "addEnumValue")) {
    expect(applyOperations(upgraded, reverseOperations(diff.operations))).toEqual(normalizeCatalog(database));
  }
  return diff;
}

function withTable(base: Catalog, name: string, change: (t: Table) => Table): Catalog {
  return { ...base, tables: base.tables.map((t) => (t.name === name ? change(structuredClone(t)) : t)) };
}

const messages = (diff: Diff) => diff.warnings.map((w) => w.message);

describe("compareCatalogs: nothing to do", () => {
  it("finds no difference between a rich catalog and itself", () => {
    const diff = compareCatalogs(richCatalog(), richCatalog());
    expect(diff).toEqual({ operations: [], warnings: [], renameCandidates: [] });
  });

  it("ignores absent-versus-default spellings (unique false, no action, btree) and constraint order", () => {
    const model = catalog({ tables: [usersTable(), postsTable()] });
    const database = withTable(model, "posts", (t) => ({
      ...t,
      foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, onUpdate: "no action" as const })),
      indexes: t.indexes.map((i) => ({ ...i, unique: false })),
    }));
    const reordered = withTable(database, "users", (t) => ({ ...t, indexes: [...t.indexes].reverse() }));
    expect(compareCatalogs(model, reordered).operations).toEqual([]);
  });
});

describe("compareCatalogs: schemas", () => {
  it("creates a new schema before anything in it", () => {
    const model = catalog({ schemas: ["billing"], tables: [table("invoices", [notNull("id", "integer")], { schema: "billing" })] });
    const diff = diffOf(model, catalog());
    expect(diff.operations.map((o) => o.kind)).toEqual(["createSchema", "createTable"]);
    expect(diff.operations[0]).toEqual({ kind: "createSchema", name: "billing" });
  });

  it("never drops a schema, it warns", () => {
    const diff = compareCatalogs(catalog(), catalog({ schemas: ["legacy"] }));
    expect(diff.operations).toEqual([]);
    expect(diff.warnings).toHaveLength(1);
    expect(diff.warnings[0]!.kind).toBe("unmanaged");
    expect(diff.warnings[0]!.message).toContain("schema legacy exists in the database but not in the models");
  });
});

describe("compareCatalogs: enums", () => {
  it("creates and drops enums, dropping after the tables that use them", () => {
    const database = catalog({ enums: [enumType("mood", ["sad", "happy"])], tables: [table("people", [col("mood", "mood")])] });
    const model = catalog({ enums: [enumType("color", ["red"], "paint")], schemas: ["paint"] });
    const diff = diffOf(model, database);
    expect(diff.operations).toEqual([
      { kind: "createSchema", name: "paint" },
      { kind: "createEnum", schema: "paint", name: "color", values: ["red"] },
      { kind: "dropTable", table: "people", old: table("people", [col("mood", "mood")]) },
      { kind: "dropEnum", name: "mood", old: ["sad", "happy"] },
    ]);
  });

  it("adds values at their place with after/before", () => {
    const database = catalog({ enums: [enumType("size", ["m", "l"])] });
    const model = catalog({ enums: [enumType("size", ["xs", "s", "m", "xl_between", "l", "xl"])] });
    const diff = diffOf(model, database);
    expect(diff.operations).toEqual([
      { kind: "addEnumValue", name: "size", value: "s", before: "m" },
      { kind: "addEnumValue", name: "size", value: "xs", before: "s" },
      { kind: "addEnumValue", name: "size", value: "xl_between", after: "m" },
      { kind: "addEnumValue", name: "size", value: "xl", after: "l" },
    ]);
    expect(diff.warnings).toEqual([]);
  });

  it("warns with a manual recipe when values are removed or reordered", () => {
    const database = catalog({ enums: [enumType("size", ["s", "m", "l"])], tables: [table("shirts", [col("size", "size")])] });
    const removed = compareCatalogs({ ...database, enums: [enumType("size", ["s", "l"])] }, database);
    expect(removed.operations).toEqual([]);
    expect(removed.warnings).toHaveLength(1);
    expect(removed.warnings[0]!.kind).toBe("manualStep");
    expect(removed.warnings[0]!.message).toMatch(/removes the value "m".*PostgreSQL cannot drop or reorder enum values/);
    expect(removed.warnings[0]!.message).toContain("ALTER TYPE size RENAME TO size_old");
    expect(removed.warnings[0]!.message).toContain("USING size::text::size (for shirts.size)");

    const reordered = compareCatalogs({ ...database, enums: [enumType("size", ["l", "m", "s", "xl"])] }, database);
    expect(reordered.operations).toEqual([{ kind: "addEnumValue", name: "size", value: "xl", after: "s" }]);
    expect(messages(reordered)[0]).toContain("reorders existing values");
  });
});

describe("compareCatalogs: tables", () => {
  it("creates a table with its whole definition, then its indexes", () => {
    const model = catalog({ tables: [usersTable()] });
    const diff = diffOf(model, catalog());
    const { indexes, ...definition } = usersTable();
    expect(diff.operations).toEqual([
      { kind: "createTable", table: { ...definition, indexes: [] } },
      { kind: "createIndex", table: "users", index: indexes[1] },
      { kind: "createIndex", table: "users", index: indexes[0] },
    ]);
    expect(diff.warnings).toEqual([]);
  });

  it("names unnamed indexes of a new table and keeps unnamed constraints inline", () => {
    const model = catalog({
      tables: [table("tags", [notNull("id", "integer"), col("label", "text")], { checks: [{ expression: "(id > 0)" }], indexes: [{ columns: ["label"] }] })],
    });
    const diff = compareCatalogs(model, catalog());
    expect(diff.operations[0]).toMatchObject({ kind: "createTable", table: { checks: [{ expression: "(id > 0)" }] } });
    expect(diff.operations[1]).toEqual({ kind: "createIndex", table: "tags", index: { name: "tags_label_idx", columns: ["label"] } });
  });

  it("drops a table with its full definition, indexes included, and warns about the data", () => {
    const database = catalog({ tables: [usersTable()] });
    const diff = diffOf(catalog(), database);
    expect(diff.operations).toEqual([{ kind: "dropTable", table: "users", old: usersTable() }]);
    expect(diff.warnings).toEqual([{ kind: "dataLoss", message: "Drops table users and every row in it." }]);
  });

  it("sets, changes and removes a table comment with the previous one", () => {
    const database = catalog({ tables: [table("a", [col("x", "text")], { comment: "old" }), table("b", [col("x", "text")])] });
    const model = catalog({ tables: [table("a", [col("x", "text")]), table("b", [col("x", "text")], { comment: "new" })] });
    expect(diffOf(model, database).operations).toEqual([
      { kind: "setTableComment", table: "a", comment: null, existing: "old" },
      { kind: "setTableComment", table: "b", comment: "new", existing: null },
    ]);
  });
});

describe("compareCatalogs: columns", () => {
  const base = catalog({ tables: [table("items", [notNull("id", "integer"), col("name", "varchar(100)"), col("price", "numeric(10,2)")])] });

  it("adds and drops columns (drop keeps the old definition)", () => {
    const model = withTable(base, "items", (t) => ({ ...t, columns: [t.columns[0]!, t.columns[1]!, col("sku", "text", { comment: "stock unit" })] }));
    const diff = diffOf(model, base);
    expect(diff.operations).toEqual([
      { kind: "addColumn", table: "items", column: col("sku", "text", { comment: "stock unit" }) },
      { kind: "dropColumn", table: "items", column: "price", old: col("price", "numeric(10,2)") },
    ]);
    expect(messages(diff)).toEqual(["Drops column items.price and its data."]);
  });

  it("warns that a NOT NULL column without default fails on a table with rows", () => {
    const model = withTable(base, "items", (t) => ({ ...t, columns: [...t.columns, notNull("sku", "text")] }));
    expect(messages(compareCatalogs(model, base))[0]).toMatch(/Adds NOT NULL column items.sku without a default/);
    const withDefault = withTable(base, "items", (t) => ({ ...t, columns: [...t.columns, notNull("sku", "text", { default: "''::text" })] }));
    expect(compareCatalogs(withDefault, base).warnings).toEqual([]);
  });

  it("alters type, nullability, default and comment in one alterColumn with the whole existing column", () => {
    const model = withTable(base, "items", (t) => ({
      ...t,
      columns: [t.columns[0]!, notNull("name", "varchar(200)", { default: "'unnamed'::character varying", comment: "label" }), t.columns[2]!],
    }));
    const diff = diffOf(model, base);
    expect(diff.operations).toEqual([
      {
        kind: "alterColumn",
        table: "items",
        column: "name",
        type: "varchar(200)",
        nullable: false,
        default: "'unnamed'::character varying",
        comment: "label",
        existing: col("name", "varchar(100)"),
      },
    ]);
    expect(messages(diff)).toEqual(["Sets items.name NOT NULL; this fails if any row holds NULL there (update those rows first)."]);
  });

  it("drops a default and a comment with null", () => {
    const database = catalog({ tables: [table("t", [col("a", "integer", { default: "0", comment: "c" })])] });
    const model = catalog({ tables: [table("t", [col("a", "integer")])] });
    expect(diffOf(model, database).operations).toEqual([
      { kind: "alterColumn", table: "t", column: "a", default: null, comment: null, existing: col("a", "integer", { default: "0", comment: "c" }) },
    ]);
  });

  it.each([
    ["varchar(200)", "varchar(50)", /narrows the length/],
    ["text", "varchar(10)", /narrows the length/],
    ["numeric(10,2)", "numeric(8,2)", /lowers the precision/],
    ["numeric(10,4)", "numeric(12,2)", /lowers the scale/],
    ["bigint", "integer", /narrows the integer range/],
    ["text", "integer", /converts text to another type/],
    ["double precision", "real", /floating point precision/],
    ["timestamptz", "date", /drops the time of day/],
    ["integer[]", "integer", /array and scalar/],
  ])("warns that %s -> %s loses data", (from, to, reason) => {
    const database = catalog({ tables: [table("t", [col("a", from)])] });
    const diff = compareCatalogs(catalog({ tables: [table("t", [col("a", to)])] }), database);
    expect(diff.operations).toEqual([{ kind: "alterColumn", table: "t", column: "a", type: to, existing: col("a", from) }]);
    expect(diff.warnings).toHaveLength(1);
    expect(diff.warnings[0]!.kind).toBe("dataLoss");
    expect(diff.warnings[0]!.message).toMatch(reason);
    expect(diff.warnings[0]!.message).toContain("t.a");
  });

  it.each([
    ["varchar(50)", "varchar(200)"],
    ["varchar(50)", "text"],
    ["integer", "bigint"],
    ["numeric(8,2)", "numeric(12,4)"],
    ["real", "double precision"],
    ["integer", "text"],
    ["timestamp", "timestamptz"],
    ["enum('a','b')", "enum('a','b','c')"],
    ["enum('a','b')", "enum('c','a','b')"],
    ["set('x','it''s')", "set('x','it''s','y')"],
  ])("does not warn when widening %s -> %s", (from, to) => {
    expect(typeChangeRisk(from, to)).toBeUndefined();
  });

  it("warns when a MySQL enum loses values, naming them", () => {
    expect(typeChangeRisk("enum('a','b','c')", "enum('a','c')")).toMatch(/removes the value "b"; rows holding it make the migration fail/);
  });

  it("changes identity with alterColumn (reversible), and warns about auto-increment changes it cannot express", () => {
    const database = catalog({ tables: [table("t", [notNull("id", "integer"), notNull("n", "integer", { identity: { always: false } }), notNull("s", "integer")])] });
    const model = catalog({
      tables: [table("t", [notNull("id", "integer", { identity: { always: true } }), notNull("n", "integer"), notNull("s", "integer", { autoIncrement: true })])],
    });
    const diff = compareCatalogs(model, database);
    const alters = diff.operations.map((op) => (op.kind === "alterColumn" ? [op.column, op.identity] : op.kind));
    expect(alters).toEqual([
      ["id", { always: true }],
      ["n", null],
    ]);
    expect(summarizeOperations(diff.operations)).toEqual([
      "~ column t.id: identity ALWAYS",
      "~ column t.n: no longer an identity column",
    ]);
    expect(diff.warnings.map((w) => w.kind)).toEqual(["manualStep"]);
    expect(diff.warnings[0]!.message).toContain("t.s is auto-increment in the models but not in the database");
    // The downgrade puts both back, and applying up then down returns the database catalog.
    const down = reverseOperations(diff.operations);
    expect(down.map((op) => (op.kind === "alterColumn" ? [op.column, op.identity] : op.kind))).toEqual([
      ["n", { always: false }],
      ["id", null],
    ]);
    const withoutAutoIncrement = (c: Catalog) => ({ ...c, tables: c.tables.map((t) => ({ ...t, columns: t.columns.map(({ autoIncrement: _a, ...col }) => col) })) });
    expect(normalizeCatalog(applyOperations(withoutAutoIncrement(model), down))).toEqual(normalizeCatalog(withoutAutoIncrement(database)));
  });
});

describe("compareCatalogs: constraints and indexes", () => {
  const base = catalog({
    tables: [
      table("owners", [notNull("id", "integer"), notNull("code", "text")], {
        primaryKey: { name: "owners_pkey", columns: ["id"] },
        uniques: [{ name: "owners_code_key", columns: ["code"] }],
      }),
      table("pets", [notNull("id", "integer"), col("owner_id", "integer"), col("owner_code", "text"), col("age", "integer")], {
        primaryKey: { name: "pets_pkey", columns: ["id"] },
        foreignKeys: [{ name: "pets_owner_fk", columns: ["owner_id"], refTable: "owners", refColumns: ["id"] }],
        checks: [{ name: "pets_age_check", expression: "(age >= 0)" }],
        indexes: [{ name: "pets_age_idx", columns: ["age"] }],
      }),
    ],
  });

  it("replaces a primary key: drop the old one, create the new one", () => {
    const model = withTable(base, "pets", (t) => ({ ...t, primaryKey: { name: "pets_pk", columns: ["id", "owner_id"] }, columns: t.columns.map((c) => ({ ...c, nullable: false })) }));
    const diff = diffOf(model, base);
    expect(diff.operations.filter((o) => o.kind === "dropConstraint" || o.kind === "createPrimaryKey")).toEqual([
      { kind: "dropConstraint", table: "pets", name: "pets_pkey", type: "primary", old: { type: "primary", constraint: { name: "pets_pkey", columns: ["id"] } } },
      { kind: "createPrimaryKey", table: "pets", constraint: { name: "pets_pk", columns: ["id", "owner_id"] } },
    ]);
  });

  it("rebuilds foreign keys that point at a primary key being replaced", () => {
    const model = withTable(base, "owners", (t) => ({ ...t, primaryKey: { name: "owners_pk", columns: ["id"] } }));
    const diff = diffOf(model, base);
    expect(summarizeOperations(diff.operations)).toEqual([
      "- foreign key pets_owner_fk on pets",
      "- primary key owners_pkey on owners",
      "+ primary key owners_pk on owners (id)",
      "+ foreign key pets_owner_fk on pets (owner_id) -> owners (id)",
    ]);
  });

  it("adds, drops and changes unique constraints, foreign keys (with actions) and checks by name", () => {
    const model = withTable(base, "pets", (t) => ({
      ...t,
      uniques: [{ name: "pets_owner_code_key", columns: ["owner_code"] }],
      foreignKeys: [
        { name: "pets_owner_fk", columns: ["owner_id"], refTable: "owners", refColumns: ["id"], onDelete: "set null", onUpdate: "cascade" },
        { name: "pets_owner_code_fk", columns: ["owner_code"], refTable: "owners", refColumns: ["code"] },
      ],
      checks: [{ name: "pets_age_check", expression: "(age >= 1)" }, { name: "pets_age_max", expression: "(age < 100)" }],
    }));
    const diff = diffOf(model, base);
    expect(diff.operations).toEqual([
      {
        kind: "dropConstraint",
        table: "pets",
        name: "pets_owner_fk",
        type: "foreignkey",
        old: { type: "foreignkey", constraint: { name: "pets_owner_fk", columns: ["owner_id"], refTable: "owners", refColumns: ["id"] } },
      },
      { kind: "dropConstraint", table: "pets", name: "pets_age_check", type: "check", old: { type: "check", constraint: { name: "pets_age_check", expression: "(age >= 0)" } } },
      { kind: "createUniqueConstraint", table: "pets", constraint: { name: "pets_owner_code_key", columns: ["owner_code"] } },
      { kind: "createCheckConstraint", table: "pets", constraint: { name: "pets_age_check", expression: "(age >= 1)" } },
      { kind: "createCheckConstraint", table: "pets", constraint: { name: "pets_age_max", expression: "(age < 100)" } },
      {
        kind: "createForeignKey",
        table: "pets",
        constraint: { name: "pets_owner_fk", columns: ["owner_id"], refTable: "owners", refColumns: ["id"], onDelete: "set null", onUpdate: "cascade" },
      },
      { kind: "createForeignKey", table: "pets", constraint: { name: "pets_owner_code_fk", columns: ["owner_code"], refTable: "owners", refColumns: ["code"] } },
    ]);
    const dropped = withTable(base, "pets", (t) => ({ ...t, checks: [], foreignKeys: [] }));
    expect(summarizeOperations(diffOf(dropped, base).operations)).toEqual(["- foreign key pets_owner_fk on pets", "- check pets_age_check on pets"]);
  });

  it("adds, drops and changes indexes (columns, unique, where, method)", () => {
    for (const changed of [
      { name: "pets_age_idx", columns: ["age", "id"] },
      { name: "pets_age_idx", columns: ["age"], unique: true },
      { name: "pets_age_idx", columns: ["age"], where: "(age > 1)" },
      { name: "pets_age_idx", columns: ["age"], method: "hash" },
    ]) {
      const diff = diffOf(withTable(base, "pets", (t) => ({ ...t, indexes: [changed] })), base);
      expect(diff.operations).toEqual([
        { kind: "dropIndex", table: "pets", name: "pets_age_idx", old: { name: "pets_age_idx", columns: ["age"] } },
        { kind: "createIndex", table: "pets", index: changed },
      ]);
    }
    const added = withTable(base, "pets", (t) => ({ ...t, indexes: [...t.indexes, { name: "pets_expr_idx", columns: [{ expression: "(age * 2)" }] }] }));
    expect(diffOf(added, base).operations).toEqual([{ kind: "createIndex", table: "pets", index: { name: "pets_expr_idx", columns: [{ expression: "(age * 2)" }] } }]);
    expect(diffOf(base, added).operations).toEqual([
      { kind: "dropIndex", table: "pets", name: "pets_expr_idx", old: { name: "pets_expr_idx", columns: [{ expression: "(age * 2)" }] } },
    ]);
  });

  it("never drops an unnamed database constraint or index: warns with advice instead", () => {
    const database = withTable(base, "pets", (t) => ({ ...t, checks: [...t.checks, { expression: "(age < 50)" }], indexes: [...t.indexes, { columns: ["owner_code"] }] }));
    const diff = compareCatalogs(base, database);
    expect(diff.operations).toEqual([]);
    expect(diff.warnings.map((w) => w.kind)).toEqual(["unmanaged", "unmanaged"]);
    expect(diff.warnings[0]!.message).toBe(
      "Table pets has an unnamed check constraint ((age < 50)) in the database that the models do not define. kiln cannot drop a constraint or index without a name, so it leaves it alone; give it a name in the database, or define it in the models, so kiln can manage it.",
    );
    expect(diff.warnings[1]!.message).toContain("unnamed index (owner_code)");
  });

  it("matches an unnamed model constraint to the database's by definition, and names a new one", () => {
    const unnamed = withTable(base, "pets", (t) => ({ ...t, checks: [{ expression: "(age >= 0)" }] }));
    expect(compareCatalogs(unnamed, base).operations).toEqual([]);
    const fresh = withTable(base, "pets", (t) => ({ ...t, checks: [...t.checks, { expression: "(age < 30)" }], uniques: [{ columns: ["owner_code"] }] }));
    expect(diffOf(fresh, base, { unnamedInModel: true }).operations).toEqual([
      { kind: "createUniqueConstraint", table: "pets", constraint: { name: "pets_owner_code_key", columns: ["owner_code"] } },
      { kind: "createCheckConstraint", table: "pets", constraint: { name: "pets_check", expression: "(age < 30)" } },
    ]);
  });
});

describe("compareCatalogs: order", () => {
  const ref = (name: string, target: string) => ({ name, columns: [`${target}_id`], refTable: target, refColumns: ["id"] });
  const node = (name: string, targets: string[]) =>
    table(name, [notNull("id", "integer"), ...targets.map((t) => col(`${t}_id`, "integer"))], {
      primaryKey: { name: `${name}_pkey`, columns: ["id"] },
      foreignKeys: targets.map((t) => ref(`${name}_${t}_fk`, t)),
    });

  it("creates referenced tables first and drops them last", () => {
    const model = catalog({ tables: [node("a", ["b"]), node("b", ["c"]), node("c", []), node("d", ["a", "c"])] });
    const created = diffOf(model, catalog());
    expect(summarizeOperations(created.operations)).toEqual(["+ table c", "+ table b", "+ table a", "+ table d"]);
    const dropped = diffOf(catalog(), model);
    expect(summarizeOperations(dropped.operations)).toEqual(["- table d", "- table a", "- table b", "- table c"]);
  });

  it("breaks foreign key cycles: tables first, the closing foreign key afterwards (and the reverse for drops)", () => {
    const model = catalog({ tables: [node("x", ["y"]), node("y", ["z"]), node("z", ["x"]), node("self", ["self"])] });
    const created = diffOf(model, catalog());
    expect(summarizeOperations(created.operations)).toEqual([
      "+ table self",
      "+ table x",
      "+ table z",
      "+ table y",
      "+ foreign key x_y_fk on x (y_id) -> y (id)",
    ]);
    expect(created.operations[1]).toMatchObject({ kind: "createTable", table: { name: "x", foreignKeys: [] } });
    const dropped = diffOf(catalog(), model);
    expect(summarizeOperations(dropped.operations)).toEqual(["- foreign key x_y_fk on x", "- table y", "- table z", "- table x", "- table self"]);
    expect(dropped.operations[1]).toMatchObject({ kind: "dropTable", old: { name: "y", foreignKeys: [ref("y_z_fk", "z")] } });
  });

  it("drops foreign keys pointing at a dropped table before the table, and runs phases in dependency order", () => {
    const database = catalog({
      enums: [enumType("old_kind", ["a"])],
      tables: [node("keep", ["gone"]), node("gone", [])],
    });
    const model = catalog({
      schemas: ["s"],
      enums: [enumType("kind", ["k"])],
      tables: [
        table("keep", [notNull("id", "integer"), col("gone_id", "integer"), col("kind", "kind")], { primaryKey: { name: "keep_pkey", columns: ["id"] } }),
        table("fresh", [notNull("id", "integer"), col("keep_id", "integer")], { schema: "s", foreignKeys: [{ name: "fresh_keep_fk", columns: ["keep_id"], refTable: "keep", refColumns: ["id"] }] }),
      ],
    });
    const diff = diffOf(model, database);
    expect(summarizeOperations(diff.operations)).toEqual([
      "+ schema s",
      "+ enum kind (k)",
      "- foreign key keep_gone_fk on keep",
      "- table gone",
      "+ column keep.kind kind",
      "+ table s.fresh",
      "- enum old_kind",
    ]);
  });

  it("creationOrder is deterministic whatever the input order", () => {
    const tables = [node("b", ["a"]), node("a", []), node("c", ["b"])];
    const names = (ts: Table[]) => creationOrder(ts).tables.map((t) => t.name);
    expect(names(tables)).toEqual(["a", "b", "c"]);
    expect(names([...tables].reverse())).toEqual(["a", "b", "c"]);
  });
});

describe("compareCatalogs: renames", () => {
  const people = table("people", [notNull("id", "integer"), col("fullname", "text")], { primaryKey: { name: "people_pkey", columns: ["id"] } });
  const persons = table("persons", [notNull("id", "integer"), col("fullname", "text")], { primaryKey: { name: "people_pkey", columns: ["id"] } });

  it("proposes a table rename and treats it as drop + add without a decision", () => {
    const diff = compareCatalogs(catalog({ tables: [persons] }), catalog({ tables: [people] }));
    expect(diff.renameCandidates).toEqual([{ kind: "table", table: "people", from: "people", to: "persons" }]);
    expect(summarizeOperations(diff.operations)).toEqual(["- table people", "+ table persons"]);
  });

  it("renames the table when accepted, then applies the remaining differences", () => {
    const model = catalog({ tables: [{ ...persons, columns: [...persons.columns, col("age", "integer")] }] });
    const database = catalog({ tables: [people, table("pets", [col("owner", "integer")], { foreignKeys: [{ name: "pets_owner_fk", columns: ["owner"], refTable: "people", refColumns: ["id"] }] })] });
    model.tables.push(table("pets", [col("owner", "integer")], { foreignKeys: [{ name: "pets_owner_fk", columns: ["owner"], refTable: "persons", refColumns: ["id"] }] }));
    const diff = diffOf(model, database, { renames: [{ kind: "table", from: "people", to: "persons", accept: true }] });
    expect(diff.operations).toEqual([
      { kind: "renameTable", table: "people", newName: "persons" },
      { kind: "addColumn", table: "persons", column: col("age", "integer") },
    ]);
    expect(diff.renameCandidates).toEqual([]);
  });

  it("drops and adds when the rename is rejected, without proposing it again", () => {
    const diff = compareCatalogs(catalog({ tables: [persons] }), catalog({ tables: [people] }), {
      renames: [{ kind: "table", from: "people", to: "persons", accept: false }],
    });
    expect(diff.renameCandidates).toEqual([]);
    expect(diff.operations.map((o) => o.kind)).toEqual(["dropTable", "createTable"]);
  });

  it("proposes a column rename for a lookalike column in the same table", () => {
    const model = catalog({ tables: [{ ...people, columns: [notNull("id", "integer"), col("full_name", "text"), col("nick", "varchar(10)")] }] });
    const diff = compareCatalogs(model, catalog({ tables: [people] }));
    expect(diff.renameCandidates).toEqual([{ kind: "column", table: "people", from: "fullname", to: "full_name" }]);
    expect(summarizeOperations(diff.operations)).toEqual(["+ column people.full_name text", "+ column people.nick varchar(10)", "- column people.fullname"]);
  });

  it("renames an accepted column with alterColumn newName, then changes it, keeping keys and foreign keys attached", () => {
    const database = catalog({
      tables: [
        table("people", [notNull("id", "integer"), col("code", "text")], {
          uniques: [{ name: "people_code_key", columns: ["code"] }],
          checks: [{ name: "people_code_check", expression: "(length(code) > 2)" }],
          indexes: [{ name: "people_code_lower", columns: [{ expression: "lower(code)" }] }],
        }),
        table("badges", [col("person_code", "text")], { foreignKeys: [{ name: "badges_fk", columns: ["person_code"], refTable: "people", refColumns: ["code"] }] }),
      ],
    });
    const model = catalog({
      tables: [
        table("people", [notNull("id", "integer"), notNull("ref", "text")], {
          uniques: [{ name: "people_code_key", columns: ["ref"] }],
          checks: [{ name: "people_code_check", expression: "(length(ref) > 2)" }],
          indexes: [{ name: "people_code_lower", columns: [{ expression: "lower(ref)" }] }],
        }),
        table("badges", [col("person_code", "text")], { foreignKeys: [{ name: "badges_fk", columns: ["person_code"], refTable: "people", refColumns: ["ref"] }] }),
      ],
    });
    const diff = diffOf(model, database, { renames: [parseRenameHint("people.code=people.ref")] });
    expect(summarizeOperations(diff.operations)).toEqual([
      "- check people_code_check on people",
      "- index people_code_lower on people",
      "~ column people.code: renamed to ref",
      "~ column people.ref: not null",
      "+ check people_code_check on people: (length(ref) > 2)",
      "+ index people_code_lower on people ((lower(ref)))",
    ]);
    expect(diff.operations[2]).toEqual({ kind: "alterColumn", table: "people", column: "code", newName: "ref", existing: col("code", "text") });
  });

  it("refuses a decision that does not fit the catalogs", () => {
    const run = () => compareCatalogs(catalog({ tables: [persons] }), catalog({ tables: [people] }), { renames: [{ kind: "table", from: "nobody", to: "persons", accept: true }] });
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/cannot rename table nobody -> persons: the database has no table nobody/);
  });
});

describe("rename hints", () => {
  it("parses column hints with and without schema", () => {
    expect(parseRenameHint("users.fullname=users.full_name")).toEqual({ kind: "column", table: "users", from: "fullname", to: "full_name", accept: true });
    expect(parseRenameHint("app.users.a = app.users.b")).toEqual({ kind: "column", schema: "app", table: "users", from: "a", to: "b", accept: true });
  });

  it("parses table hints", () => {
    expect(parseRenameTableHint("people=persons")).toEqual({ kind: "table", from: "people", to: "persons", accept: true });
    expect(parseRenameTableHint("app.people=app.persons")).toEqual({ kind: "table", schema: "app", from: "people", to: "persons", accept: true });
  });

  it.each(["users.a", "a=b", "users.a=people.b", "users.a=users.", "x.y.z.w=x.y.z.v"])("rejects the column hint %s", (hint) => {
    expect(() => parseRenameHint(hint)).toThrow(UsageError);
  });

  it.each(["people", "a.b=c.d", "=x", "a.b.c=a.b.d"])("rejects the table hint %s", (hint) => {
    expect(() => parseRenameTableHint(hint)).toThrow(UsageError);
  });
});

describe("MySQL column and table properties (issue 13)", () => {
  it("compares ON UPDATE, character set and collation, and table options (never the AUTO_INCREMENT start)", () => {
    const column = { name: "c", type: "timestamptz(0)", nullable: false, default: "current_timestamp()" };
    const database = catalog({ tables: [{ ...table("t", [{ ...column, onUpdate: "current_timestamp()" }, { name: "s", type: "varchar(10)", nullable: true, charset: "utf8mb3" }]), options: { autoIncrement: 200, rowFormat: "DYNAMIC" } }] });
    const model = catalog({ tables: [{ ...table("t", [column, { name: "s", type: "varchar(10)", nullable: true, collation: "utf8mb4_bin" }]), options: { engine: "MyISAM" } }] });
    const diff = compareCatalogs(model, database);
    expect(summarizeOperations(diff.operations)).toEqual([
      "~ column t.c: ON UPDATE removed",
      "~ column t.s: the table's character set, collation utf8mb4_bin",
      "~ table t: engine MyISAM, rowFormat default",
    ]);
    const reversed = reverseOperations(diff.operations);
    expect(reversed.find((op) => op.kind === "setTableOptions")).toMatchObject({ options: { engine: null, rowFormat: "DYNAMIC" } });
    expect(reversed.find((op) => op.kind === "alterColumn" && op.column === "c")).toMatchObject({ onUpdate: "current_timestamp()" });
  });
});
