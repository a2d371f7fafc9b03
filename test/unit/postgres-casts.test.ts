import { describe, expect, it } from "vitest";
import { renderMigrationBodies } from "../../src/autogenerate/render.js";
import { addExplicitCasts, explicitCast } from "../../src/dialects/postgres/casts.js";
import type { AlterColumn } from "../../src/operations/types.js";

describe("explicitCast: the USING a PostgreSQL type change needs", () => {
  it.each([
    ["varchar(10)", "integer", '"c"::integer'],
    ["text", "boolean", '"c"::boolean'],
    ["integer", "boolean", '"c"::boolean'],
    ["character varying(36)", "uuid", '"c"::uuid'],
    ["text", "jsonb", '"c"::jsonb'],
    ["text", "prototype_status", '"c"::"prototype_status"'],
    ["prototype_status", "app.status", '"c"::text::"app"."status"'],
    ["text[]", "integer[]", '"c"::integer[]'],
  ])("%s -> %s needs USING %s", (from, to, using) => {
    expect(explicitCast("c", from, to)).toBe(using);
  });

  it.each([
    ["integer", "bigint"],
    ["bigint", "integer"],
    ["integer", "numeric(12,2)"],
    ["double precision", "bigint"],
    ["varchar(50)", "varchar(100)"],
    ["character varying(50)", "text"],
    ["integer", "text"],
    ["prototype_status", "varchar(20)"],
    ["timestamp", "timestamptz"],
    ["timestamp with time zone", "date"],
    ["date", "timestamp(3)"],
    ["time", "timetz"],
    ["json", "jsonb"],
    ["numeric(10,2)", "numeric(12,4)"],
    ["integer", "integer[]"],
  ])("%s -> %s converts by itself (or only by hand): no USING", (from, to) => {
    expect(explicitCast("c", from, to)).toBeUndefined();
  });

  it("quotes the column", () => {
    expect(explicitCast('we"ird', "text", "integer")).toBe('"we""ird"::integer');
  });
});

describe("addExplicitCasts", () => {
  const change: AlterColumn = { kind: "alterColumn", table: "t", column: "code", type: "integer", existing: { name: "code", type: "varchar(10)", nullable: true } };

  it("adds USING to type changes that need it, and leaves everything else as it was", () => {
    const other: AlterColumn = { kind: "alterColumn", table: "t", column: "n", type: "bigint", existing: { name: "n", type: "integer", nullable: true } };
    const own: AlterColumn = { ...change, using: "NULLIF(code, '')::integer" };
    const noExisting: AlterColumn = { kind: "alterColumn", table: "t", column: "x", type: "integer" };
    const [withCast, ...rest] = addExplicitCasts([change, other, own, noExisting]);
    expect(withCast).toEqual({ ...change, using: '"code"::integer' });
    expect(rest[0]).toBe(other);
    expect(rest[1]).toBe(own);
    expect(rest[2]).toBe(noExisting);
  });

  it("gives the derived downgrade its own cast back to the old type, where that needs one", () => {
    const bodies = renderMigrationBodies(addExplicitCasts([change]), { adaptReversed: addExplicitCasts });
    expect(bodies.upgrade).toContain('using: "\\"code\\"::integer"');
    // integer -> varchar converts by itself: the downgrade carries no USING.
    expect(bodies.downgrade).not.toContain("using");

    const toBoolean: AlterColumn = { ...change, type: "boolean", existing: { name: "code", type: "integer", nullable: true } };
    const both = renderMigrationBodies(addExplicitCasts([toBoolean]), { adaptReversed: addExplicitCasts });
    expect(both.upgrade).toContain('using: "\\"code\\"::boolean"');
    expect(both.downgrade).toContain('using: "\\"code\\"::integer"');
  });
});
