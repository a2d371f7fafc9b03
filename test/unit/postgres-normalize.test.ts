import { describe, expect, it } from "vitest";
import {
  neutralTypeName,
  normalizeCheckDefinition,
  normalizeDefault,
  normalizeExpression,
  splitSqlSegments,
  stripEnclosingParens,
  unifyCurrentTimestamp,
} from "../../src/dialects/postgres/normalize.js";

describe("PostgreSQL text normalization", () => {
  it("maps format_type spellings to the neutral vocabulary", () => {
    expect(neutralTypeName("character varying(200)")).toBe("varchar(200)");
    expect(neutralTypeName("character varying")).toBe("varchar");
    expect(neutralTypeName("character varying(20)[]")).toBe("varchar(20)[]");
    expect(neutralTypeName("character(5)")).toBe("char(5)");
    expect(neutralTypeName("timestamp with time zone")).toBe("timestamptz");
    expect(neutralTypeName("timestamp(3) without time zone")).toBe("timestamp(3)");
    expect(neutralTypeName("time with time zone")).toBe("timetz");
    expect(neutralTypeName("time without time zone[]")).toBe("time[]");
    expect(neutralTypeName("numeric(10,2)")).toBe("numeric(10,2)");
    expect(neutralTypeName("numeric(5,0)")).toBe("numeric(5)");
    expect(neutralTypeName("double precision")).toBe("double precision");
    expect(neutralTypeName("integer[]")).toBe("integer[]");
    expect(neutralTypeName("bit varying(8)")).toBe("bit varying(8)");
  });

  it("splits code from string literals and quoted names", () => {
    expect(splitSqlSegments(`a || 'it''s' || "x""y" || E'\\'now()'`).map((s) => s.kind)).toEqual([
      "code",
      "string",
      "code",
      "ident",
      "code",
      "string",
    ]);
  });

  it("spells now() and CURRENT_TIMESTAMP one way, outside literals only", () => {
    expect(unifyCurrentTimestamp("now()")).toBe("CURRENT_TIMESTAMP");
    expect(unifyCurrentTimestamp("pg_catalog.now()")).toBe("CURRENT_TIMESTAMP");
    expect(unifyCurrentTimestamp("current_timestamp")).toBe("CURRENT_TIMESTAMP");
    expect(unifyCurrentTimestamp("(now() + '1 day'::interval)")).toBe("(CURRENT_TIMESTAMP + '1 day'::interval)");
    expect(unifyCurrentTimestamp("'now()'")).toBe("'now()'");
    expect(unifyCurrentTimestamp('"now"()')).toBe('"now"()');
    expect(unifyCurrentTimestamp("CURRENT_TIMESTAMP(3)")).toBe("CURRENT_TIMESTAMP(3)");
    expect(unifyCurrentTimestamp("my_now()")).toBe("my_now()");
  });

  it("strips parentheses that enclose the whole expression only", () => {
    expect(stripEnclosingParens("((a > 0))")).toBe("a > 0");
    expect(stripEnclosingParens("(a > 0) AND (b > 0)")).toBe("(a > 0) AND (b > 0)");
    expect(stripEnclosingParens("(x = ')(')")).toBe("x = ')('");
    expect(normalizeExpression("lower((name)::text)")).toBe("lower((name)::text)");
  });

  it("unwraps CHECK definitions", () => {
    expect(normalizeCheckDefinition("CHECK ((prototype_id >= 0))")).toBe("prototype_id >= 0");
    expect(normalizeCheckDefinition("CHECK ((a > 0)) NOT VALID")).toBe("a > 0");
    expect(normalizeCheckDefinition("CHECK (((a > 0) AND (b > 0)))")).toBe("(a > 0) AND (b > 0)");
    expect(normalizeCheckDefinition("CHECK ((a > 0)) NO INHERIT")).toBe("a > 0 NO INHERIT");
  });

  it("drops literal casts to the column's own type and keeps the others", () => {
    expect(normalizeDefault("'draft'::prototype_status", "prototype_status")).toBe("'draft'");
    expect(normalizeDefault("'a'::text", "text")).toBe("'a'");
    expect(normalizeDefault("'a'::character varying", "character varying(20)")).toBe("'a'");
    expect(normalizeDefault("'{}'::character varying[]", "character varying(20)[]")).toBe("'{}'");
    expect(normalizeDefault("NULL::character varying", "character varying(5)")).toBe("NULL");
    expect(normalizeDefault("'-1'::integer", "smallint")).toBe("'-1'::integer");
    expect(normalizeDefault("'x'::text || 'y'::text", "text")).toBe("'x'::text || 'y'::text");
    expect(normalizeDefault("now()", "timestamp with time zone")).toBe("CURRENT_TIMESTAMP");
  });
});
