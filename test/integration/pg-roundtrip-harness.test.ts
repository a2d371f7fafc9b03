/**
 * The round-trip harness (test/helpers/pg-roundtrip.ts) on a small schema of
 * plain tables in two schemas, with rows: the revision drops everything but the
 * excluded table, its downgrade gives back the same pg_dump (server) / Catalog
 * (PGlite), and the rows of the table that stays are untouched. Also that the
 * harness sees a difference when there is one, so that the suites built on it can fail.
 */
import { describe, expect, it } from "vitest";
import { describeRoundTrip, lineDiff, pgRoundTrip, pgRoundTripTargets, withoutDumpSections } from "../helpers/pg-roundtrip.js";

const SQL = `
CREATE SCHEMA app;
CREATE TABLE public.authors (id integer PRIMARY KEY, name text NOT NULL CHECK (name <> ''));
COMMENT ON TABLE public.authors IS 'people who write';
CREATE TABLE app.books (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id integer NOT NULL REFERENCES public.authors (id) ON DELETE CASCADE,
  title varchar(200) NOT NULL,
  price numeric(8,2) DEFAULT 0
);
CREATE INDEX ix_books_title ON app.books (lower(title::text));
CREATE TABLE app.settings (key text PRIMARY KEY, value text);
INSERT INTO app.settings VALUES ('theme', 'dark'), ('lang', 'en');
INSERT INTO public.authors VALUES (1, 'Ann');
`;

describe.each(pgRoundTripTargets())("round-trip harness on %s", (target) => {
  it("drops all but the excluded table, restores the schema exactly, keeps the rows of the table that stays", async () => {
    const result = await pgRoundTrip({ sql: SQL, target, extraConfig: `excludeTables: ["app.settings"],` });
    expect(result.failed, describeRoundTrip(result)).toBeUndefined();
    expect(result.schemas).toEqual(["app", "public"]);
    expect(result.revision).toMatch(/dropTable/);
    expect(result.tablesWithData).toEqual(["app.settings", "public.authors"]);
    expect(result.changedData).toEqual([]);
    expect(result.before).toMatch(target === "server" ? /CREATE TABLE app\.books/ : /"books"/);
    expect(result.diff, describeRoundTrip(result)).toBe("");
  }, 120_000);
});

describe("round-trip harness pieces", () => {
  it("lineDiff is empty only for identical text", () => {
    expect(lineDiff("a\nb\n", "a\nb\n")).toBe("");
    expect(lineDiff("a\nb\n", "a\nc\n")).toMatch(/-b\n\+c/);
  });

  it("withoutDumpSections leaves out the listed pg_dump sections and names them", () => {
    const dump = ["--", "-- Name: t; Type: TABLE; Schema: public; Owner: x", "--", "", "CREATE TABLE t ();", "", "--", "-- Name: v; Type: VIEW; Schema: public; Owner: x", "--", "", "CREATE VIEW v AS SELECT 1;", ""].join("\n");
    const { sql, removed } = withoutDumpSections(dump, ["VIEW"]);
    expect(sql).toContain("CREATE TABLE t ();");
    expect(sql).not.toContain("VIEW");
    expect(removed).toEqual([{ type: "VIEW", name: "v" }]);
  });
});
