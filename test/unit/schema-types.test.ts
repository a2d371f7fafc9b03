/**
 * Type-level tests for row types. The `expectTypeOf` assertions only bite when
 * the file is typechecked, so the last test runs the TypeScript compiler on this
 * very file: a wrong row type fails `vitest run`, not just `tsc`.
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expectTypeOf, expect, it } from "vitest";
import {
  bigint,
  bigserial,
  boolean,
  bytea,
  date,
  enumType,
  integer,
  interval,
  json,
  jsonb,
  numeric,
  real,
  serial,
  sql,
  table,
  text,
  time,
  timestamp,
  uuid,
  varchar,
  type InferInsert,
  type InferSelect,
} from "../../src/schema/index.js";

const prototypeStatus = enumType("prototype_status", ["draft", "active", "retired"]);
const prototypes = table("prototypes", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  prototypeId: integer("prototype_id").notNull(),
  name: varchar(200).notNull(),
  status: prototypeStatus().notNull().default("draft"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().default(sql`now()`),
});

const everything = table("everything", {
  serialId: serial("serial_id"),
  big: bigint().notNull(),
  bigSerial: bigserial(),
  money: numeric({ precision: 10, scale: 2 }),
  ratio: real().notNull(),
  flag: boolean().notNull().default(false),
  body: text(),
  day: date(),
  at: time(),
  span: interval(),
  key: uuid().primaryKey(),
  doc: json(),
  typedDoc: jsonb().$type<{ tags: string[] }>().notNull(),
  blob: bytea(),
  scores: integer().array().notNull(),
  statuses: prototypeStatus().array(),
});

type Status = "draft" | "active" | "retired";

describe("row types", () => {
  it("InferSelect: every column, nullable ones with | null, enums as unions", () => {
    expectTypeOf<InferSelect<typeof prototypes>>().toEqualTypeOf<{
      id: number;
      prototypeId: number;
      name: string;
      status: Status;
      createdAt: Date;
    }>();
    expectTypeOf(prototypes.$inferSelect).toEqualTypeOf<InferSelect<typeof prototypes>>();
  });

  it("InferInsert: columns with defaults, identity or serial, and nullable ones are optional", () => {
    expectTypeOf<InferInsert<typeof prototypes>>().toEqualTypeOf<{
      prototypeId: number;
      name: string;
      id?: number;
      status?: Status;
      createdAt?: Date;
    }>();
    expectTypeOf(prototypes.$inferInsert).toEqualTypeOf<InferInsert<typeof prototypes>>();
  });

  it("maps every column type", () => {
    expectTypeOf<InferSelect<typeof everything>>().toEqualTypeOf<{
      serialId: number;
      big: string;
      bigSerial: string;
      money: string | null;
      ratio: number;
      flag: boolean;
      body: string | null;
      day: Date | null;
      at: string | null;
      span: string | null;
      key: string;
      doc: unknown;
      typedDoc: { tags: string[] };
      blob: Buffer | null;
      scores: number[];
      statuses: Status[] | null;
    }>();
    expectTypeOf<InferInsert<typeof everything>>().toEqualTypeOf<{
      big: string;
      ratio: number;
      key: string;
      typedDoc: { tags: string[] };
      scores: number[];
      serialId?: number;
      bigSerial?: string;
      money?: string | null;
      flag?: boolean;
      body?: string | null;
      day?: Date | null;
      at?: string | null;
      span?: string | null;
      doc?: unknown;
      blob?: Buffer | null;
      statuses?: Status[] | null;
    }>();
  });

  it("columns are typed per key; defaults are checked against the column type", () => {
    expectTypeOf(prototypes.columns.prototypeId.name).toEqualTypeOf<string>();
    expectTypeOf(prototypes.status.key).toEqualTypeOf<string>();
    expectTypeOf(prototypeStatus.values).toEqualTypeOf<readonly Status[]>();
    // @ts-expect-error: not a value of the enum
    expect(() => prototypeStatus().default("archived")).toThrow();
    // @ts-expect-error: a number is not a boolean
    boolean().default(1);
    // @ts-expect-error: plain strings cannot be interpolated into sql``
    expect(() => sql`x = ${"value"}`).toThrow();
    // @ts-expect-error: no such column
    void prototypes.columns.missing;
    bigint().default(5);
    timestamp().default(sql`now()`);
    integer().array().default([1, 2]);
  });

  it("this file typechecks (so the assertions above are enforced)", () => {
    const file = fileURLToPath(import.meta.url);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.includes("/src/schema/") || d.file.fileName === file.replaceAll("\\", "/"));
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => process.cwd(),
      getNewLine: () => "\n",
    });
    expect(text).toBe("");
  }, 60_000);
});
