import { describe, expect, it } from "vitest";
import type { Column, Table } from "../../src/catalog/types.js";
import { KilnError } from "../../src/errors.js";
import { NotReversibleError, describeOperation, reverseOperation, reverseOperations } from "../../src/operations/reverse.js";
import type { Operation } from "../../src/operations/types.js";

const usersTable: Table = {
  schema: "app",
  name: "users",
  columns: [
    { name: "id", type: "integer", nullable: false, identity: { always: true } },
    { name: "email", type: "text", nullable: false, comment: "login" },
  ],
  primaryKey: { name: "pk_users", columns: ["id"] },
  uniques: [{ name: "uq_users_email", columns: ["email"] }],
  foreignKeys: [],
  checks: [{ name: "ck_email", expression: "email <> ''" }],
  indexes: [],
  comment: "people",
};

const ageColumn: Column = { name: "age", type: "integer", nullable: true, default: "0", comment: "years" };

/** Reversible operations with full information, each with its expected reverse. */
const pairs: [Operation, Operation[]][] = [
  [{ kind: "createTable", table: usersTable }, [{ kind: "dropTable", schema: "app", table: "users", old: usersTable }]],
  [{ kind: "renameTable", schema: "app", table: "a", newName: "b" }, [{ kind: "renameTable", schema: "app", table: "b", newName: "a" }]],
  [{ kind: "addColumn", table: "t", column: ageColumn }, [{ kind: "dropColumn", table: "t", column: "age", old: ageColumn }]],
  [
    { kind: "createIndex", schema: "s", table: "t", concurrently: true, index: { name: "ix", columns: ["a", { expression: "lower(b)" }], unique: true, where: "a > 0", method: "btree" } },
    [{ kind: "dropIndex", schema: "s", table: "t", name: "ix", concurrently: true, old: { name: "ix", columns: ["a", { expression: "lower(b)" }], unique: true, where: "a > 0", method: "btree" } }],
  ],
  [
    { kind: "createPrimaryKey", table: "t", constraint: { name: "pk", columns: ["a"] } },
    [{ kind: "dropConstraint", table: "t", name: "pk", type: "primary", old: { type: "primary", constraint: { name: "pk", columns: ["a"] } } }],
  ],
  [
    { kind: "createUniqueConstraint", table: "t", constraint: { name: "uq", columns: ["a", "b"] } },
    [{ kind: "dropConstraint", table: "t", name: "uq", type: "unique", old: { type: "unique", constraint: { name: "uq", columns: ["a", "b"] } } }],
  ],
  [
    { kind: "createForeignKey", schema: "s", table: "t", constraint: { name: "fk", columns: ["u"], refSchema: "r", refTable: "u", refColumns: ["id"], onDelete: "cascade" } },
    [
      {
        kind: "dropConstraint",
        schema: "s",
        table: "t",
        name: "fk",
        type: "foreignkey",
        old: { type: "foreignkey", constraint: { name: "fk", columns: ["u"], refSchema: "r", refTable: "u", refColumns: ["id"], onDelete: "cascade" } },
      },
    ],
  ],
  [
    { kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: "a > 0" } },
    [{ kind: "dropConstraint", table: "t", name: "ck", type: "check", old: { type: "check", constraint: { name: "ck", expression: "a > 0" } } }],
  ],
  [{ kind: "createEnum", schema: "app", name: "mood", values: ["a", "b"] }, [{ kind: "dropEnum", schema: "app", name: "mood", old: ["a", "b"] }]],
  [
    { kind: "setTableComment", table: "t", comment: "new", existing: "old" },
    [{ kind: "setTableComment", table: "t", comment: "old", existing: "new" }],
  ],
  [{ kind: "createSchema", name: "s" }, [{ kind: "dropSchema", name: "s" }]],
  [{ kind: "execute", sql: "INSERT INTO t VALUES (1)", reverseSql: "DELETE FROM t" }, [{ kind: "execute", sql: "DELETE FROM t", reverseSql: "INSERT INTO t VALUES (1)" }]],
  [
    {
      kind: "alterColumn",
      schema: "app",
      table: "users",
      column: "age",
      type: "bigint",
      nullable: false,
      default: "1",
      newName: "years",
      comment: null,
      existing: ageColumn,
    },
    [
      {
        kind: "alterColumn",
        schema: "app",
        table: "users",
        column: "years",
        newName: "age",
        type: "integer",
        nullable: true,
        default: "0",
        comment: "years",
        existing: { name: "years", type: "bigint", nullable: false, default: "1" },
      },
    ],
  ],
];

describe("reverseOperation", () => {
  it.each(pairs.map(([op, reversed]) => [describeOperation(op), op, reversed] as const))("reverses %s", (_name, op, reversed) => {
    expect(reverseOperation(op)).toStrictEqual(reversed);
  });

  it.each(pairs.map(([op]) => [describeOperation(op), op] as const))("reverse(reverse(%s)) gives the operation back", (_name, op) => {
    const back = reverseOperations(reverseOperation(op));
    expect(back).toHaveLength(1);
    const expected = { ...op } as Record<string, unknown>;
    // A reversed drop recreates what was dropped; NOT VALID and USING are one-way details.
    delete expected.notValid;
    delete expected.using;
    expect(back[0]).toStrictEqual(expected);
  });

  it("reverses drops that carry the old definition", () => {
    expect(reverseOperation({ kind: "dropColumn", schema: "app", table: "t", column: "age", old: ageColumn })).toStrictEqual([
      { kind: "addColumn", schema: "app", table: "t", column: ageColumn },
    ]);
    expect(reverseOperation({ kind: "dropIndex", table: "t", name: "ix", old: { name: "ix", columns: ["a"] } })).toStrictEqual([
      { kind: "createIndex", table: "t", index: { name: "ix", columns: ["a"] } },
    ]);
    expect(reverseOperation({ kind: "dropEnum", name: "mood", old: ["x"] })).toStrictEqual([{ kind: "createEnum", name: "mood", values: ["x"] }]);
    expect(reverseOperation({ kind: "dropSchema", name: "s" })).toStrictEqual([{ kind: "createSchema", name: "s" }]);
  });

  it("recreates a dropped table and then its indexes", () => {
    const old: Table = { ...usersTable, indexes: [{ name: "ix_email", columns: ["email"], unique: true }] };
    expect(reverseOperation({ kind: "dropTable", schema: "app", table: "users", old })).toStrictEqual([
      { kind: "createTable", table: { ...old, indexes: [] } },
      { kind: "createIndex", schema: "app", table: "users", index: { name: "ix_email", columns: ["email"], unique: true } },
    ]);
  });

  it("keeps the dropped constraint's kind when recreating it", () => {
    expect(
      reverseOperation({
        kind: "dropConstraint",
        table: "t",
        name: "fk",
        type: "foreignkey",
        old: { type: "foreignkey", constraint: { name: "fk", columns: ["a"], refTable: "u", refColumns: ["id"] } },
      }),
    ).toStrictEqual([{ kind: "createForeignKey", table: "t", constraint: { name: "fk", columns: ["a"], refTable: "u", refColumns: ["id"] } }]);
    expect(() =>
      reverseOperation({ kind: "dropConstraint", table: "t", name: "x", type: "unique", old: { type: "check", constraint: { name: "x", expression: "true" } } }),
    ).toThrow(/check constraint but the operation drops a unique constraint/);
  });

  it("reverses a rename-only alterColumn without the existing column", () => {
    expect(reverseOperation({ kind: "alterColumn", table: "t", column: "a", newName: "b" })).toStrictEqual([
      { kind: "alterColumn", table: "t", column: "b", newName: "a" },
    ]);
  });

  it("restores missing defaults and comments as removals", () => {
    const existing: Column = { name: "c", type: "text", nullable: true };
    expect(reverseOperation({ kind: "alterColumn", table: "t", column: "c", default: "'x'", comment: "hi", existing })).toStrictEqual([
      { kind: "alterColumn", table: "t", column: "c", default: null, comment: null, existing: { name: "c", type: "text", nullable: true, default: "'x'", comment: "hi" } },
    ]);
  });

  it("reverses a table comment with no known previous comment to a removal", () => {
    expect(reverseOperation({ kind: "setTableComment", table: "t", comment: "x" })).toStrictEqual([
      { kind: "setTableComment", table: "t", comment: null, existing: "x" },
    ]);
  });

  it("has nothing to undo for validateConstraint", () => {
    expect(reverseOperation({ kind: "validateConstraint", table: "t", name: "fk" })).toEqual([]);
  });

  it("keeps execute parameters out of the re-reversed statement", () => {
    expect(reverseOperation({ kind: "execute", sql: "UPDATE t SET a = $1", params: [1], reverseSql: "UPDATE t SET a = 0" })).toStrictEqual([
      { kind: "execute", sql: "UPDATE t SET a = 0" },
    ]);
  });
});

describe("NotReversibleError", () => {
  const cases: [Operation, RegExp][] = [
    [{ kind: "dropColumn", table: "prototypes", column: "name" }, /^Cannot reverse dropColumn prototypes\.name: the old column definition is unknown\.$/],
    [{ kind: "dropTable", schema: "app", table: "t" }, /dropTable app\.t: the old table definition is unknown/],
    [{ kind: "dropIndex", table: "t", name: "ix" }, /dropIndex ix on t: the old index definition is unknown/],
    [{ kind: "dropConstraint", table: "t", name: "ck", type: "check" }, /dropConstraint ck on t: the old check constraint definition is unknown/],
    [{ kind: "dropEnum", name: "mood" }, /dropEnum mood: the old enum values are unknown/],
    [{ kind: "addEnumValue", schema: "app", name: "mood", value: "sad" }, /addEnumValue app\.mood 'sad': PostgreSQL cannot remove a value/],
    [{ kind: "execute", sql: "DELETE FROM t" }, /execute "DELETE FROM t": raw SQL has no known reverse; give reverseSql/],
    [{ kind: "bulkInsert", table: "t", rows: [{ a: 1 }] }, /bulkInsert t: inserted rows cannot be identified/],
    [{ kind: "alterColumn", table: "t", column: "c", type: "text", nullable: true }, /alterColumn t\.c: .*needed to undo type, nullable\); give "existing"/],
    [
      { kind: "dropTable", table: "t", old: { name: "t", columns: [], uniques: [], foreignKeys: [], checks: [], indexes: [{ columns: ["a"] }] } },
      /an index of the old table has no name/,
    ],
  ];

  it.each(cases.map(([op, message]) => [describeOperation(op), op, message] as const))("explains why %s cannot be reversed", (_name, op, message) => {
    let caught: unknown;
    try {
      reverseOperation(op);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NotReversibleError);
    expect(caught).toBeInstanceOf(KilnError);
    const error = caught as NotReversibleError;
    expect(error.message).toMatch(message);
    expect(error.operation).toBe(op);
    expect(error.exitCode).toBe(1);
    expect(error.details.join("\n")).toMatch(/downgrade/);
  });

  it("shortens long SQL in the description", () => {
    const description = describeOperation({ kind: "execute", sql: `UPDATE t SET ${"a = 1, ".repeat(20)}\nWHERE x` });
    expect(description.length).toBeLessThan(80);
    expect(description.endsWith('..."')).toBe(true);
  });
});

describe("reverseOperations", () => {
  it("reverses the order and each operation", () => {
    const ops: Operation[] = [
      { kind: "createSchema", name: "s" },
      { kind: "createEnum", schema: "s", name: "mood", values: ["a"] },
      { kind: "createTable", table: { ...usersTable, schema: "s" } },
      { kind: "validateConstraint", schema: "s", table: "users", name: "ck_email" },
      { kind: "createIndex", schema: "s", table: "users", index: { name: "ix", columns: ["email"] } },
    ];
    expect(reverseOperations(ops).map((op) => describeOperation(op))).toEqual([
      "dropIndex ix on s.users",
      "dropTable s.users",
      "dropEnum s.mood",
      "dropSchema s",
    ]);
  });

  it("does not change its input", () => {
    const ops: Operation[] = [{ kind: "createSchema", name: "a" }, { kind: "createSchema", name: "b" }];
    const copy = structuredClone(ops);
    reverseOperations(ops);
    expect(ops).toStrictEqual(copy);
  });

  it("fails with the first operation that cannot be reversed", () => {
    expect(() => reverseOperations([{ kind: "bulkInsert", table: "t", rows: [] }, { kind: "dropColumn", table: "t", column: "c" }])).toThrow(/dropColumn t\.c/);
  });
});

describe("alterColumn with a new generation expression (MySQL MODIFY, SQLite rebuild)", () => {
  it("reverses to the expression before, and needs it", () => {
    const existing: Column = { name: "upper_title", type: "varchar(200)", nullable: true, generated: { expression: "ucase(`title`)", stored: true } };
    const op: Operation = { kind: "alterColumn", table: "books", column: "upper_title", generated: { expression: "lcase(`title`)", stored: true }, existing };
    const [back] = reverseOperation(op) as [Extract<Operation, { kind: "alterColumn" }>];
    expect(back.generated).toEqual({ expression: "ucase(`title`)", stored: true });
    expect(back.existing?.generated).toEqual({ expression: "lcase(`title`)", stored: true });
    expect(() => reverseOperation({ kind: "alterColumn", table: "books", column: "upper_title", generated: { expression: "x", stored: true } })).toThrow(NotReversibleError);
    expect(() => reverseOperation({ ...op, existing: { ...existing, generated: undefined } } as Operation)).toThrow(/was not generated before/);
  });
});
