/** The pure parts of the lock and transaction strategies: reading version(), choosing, and telling data from schema changes. */
import { describe, expect, it } from "vitest";
import { flavourOf, profileFor } from "../../src/dialects/postgres/probe.js";
import { postgresDialect } from "../../src/dialects/postgres/index.js";
import { mysqlDialect } from "../../src/dialects/mysql/index.js";
import { sqliteDialect } from "../../src/dialects/sqlite/index.js";
import { chooseStrategies } from "../../src/runtime/strategy.js";
import { firstKeyword, isDataStatement, skipLeadingComments } from "../../src/runtime/statement-kind.js";
import { leaseClaimSql, leaseRenewSql } from "../../src/dialects/postgres/lease-lock.js";

describe("flavourOf (version() text)", () => {
  it("names CockroachDB, YugabyteDB and PostgreSQL", () => {
    expect(flavourOf("CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)")).toEqual({
      flavour: "cockroachdb",
      description: "CockroachDB CCL v23.1.11",
    });
    expect(flavourOf("PostgreSQL 11.2-YB-2.20.1.0-b0 on x86_64-pc-linux-gnu, compiled by clang version 16.0.6")).toEqual({
      flavour: "yugabytedb",
      description: "YugabyteDB 2.20.1.0 (PostgreSQL 11.2)",
    });
    expect(flavourOf("PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc")).toEqual({
      flavour: "postgresql",
      description: "PostgreSQL 15.20",
    });
  });
});

describe("chooseStrategies", () => {
  const auto = { lock: "auto", transactions: "auto" } as const;

  it("takes each flavour's strategies under auto", () => {
    const crdb = chooseStrategies(postgresDialect, auto, profileFor("cockroachdb", "CockroachDB CCL v23.1.11"));
    expect([crdb.lock, crdb.transactions]).toEqual(["lease", "ddl-outside"]);
    expect(crdb.notes.join("\n")).toMatch(/pg_advisory_lock is a stub/);
    const yb = chooseStrategies(postgresDialect, auto, profileFor("yugabytedb", "YugabyteDB 2.20.1.0"));
    expect([yb.lock, yb.transactions]).toEqual(["lease", "ddl-outside"]);
    const citus = chooseStrategies(postgresDialect, auto, profileFor("citus", "Citus 12.1 on PostgreSQL 16.2"));
    expect([citus.lock, citus.transactions, citus.notes]).toEqual(["advisory", "per-step", []]);
    const plain = chooseStrategies(postgresDialect, auto, undefined);
    expect([plain.lock, plain.transactions, plain.sessionState]).toEqual(["advisory", "per-step", true]);
  });

  it("lets the config override, and refuses what the dialect or the connection cannot do", () => {
    const forced = chooseStrategies(postgresDialect, { lock: "advisory", transactions: "per-step" }, profileFor("cockroachdb", "CockroachDB"));
    expect([forced.lock, forced.transactions]).toEqual(["advisory", "per-step"]);
    const pooled = { ...profileFor("postgresql", "PostgreSQL 15.20"), sessionState: false, pooler: "x" };
    pooled.lock = { strategy: "lease", because: "the connection goes through a transaction pooler (x)" };
    expect(() => chooseStrategies(postgresDialect, { lock: "advisory", transactions: "auto" }, pooled)).toThrow(/`lock: "advisory"` cannot protect this database/);
    expect(() => chooseStrategies(mysqlDialect, { lock: "lease", transactions: "auto" }, undefined)).toThrow(/`lock: "lease"` is not available on mysql/);
    expect(() => chooseStrategies(sqliteDialect, { lock: "advisory", transactions: "auto" }, undefined)).toThrow(/its migration lock is "lease"/);
    expect(() => chooseStrategies(sqliteDialect, { lock: "auto", transactions: "ddl-outside" }, undefined)).toThrow(/`transactions: "ddl-outside"` is not available on sqlite/);
    expect(chooseStrategies(sqliteDialect, { lock: "lease", transactions: "auto" }, undefined).lock).toBe("lease");
  });
});

describe("isDataStatement", () => {
  it("tells data statements from schema changes by the first keyword", () => {
    for (const sql of ["INSERT INTO t VALUES (1)", "  update t set a = 1", "-- note\nDELETE FROM t", "/* c */ WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "(SELECT 1)", "COPY t FROM STDIN"]) {
      expect(isDataStatement(sql), sql).toBe(true);
    }
    for (const sql of ["CREATE TABLE t (id int)", "ALTER TABLE t ADD COLUMN a int", "DO $$ BEGIN END $$", "DROP INDEX i", "COMMENT ON TABLE t IS 'x'", ""]) {
      expect(isDataStatement(sql), sql).toBe(false);
    }
    expect(firstKeyword("/* a */ -- b\n  ( select")).toBe("select");
  });

  it("passes over leading comments: `#` only with hashComments, `(` only with parentheses", () => {
    expect(skipLeadingComments("  -- a\n/* b */ (SELECT 1)")).toBe("(SELECT 1)");
    expect(skipLeadingComments("-- a\n ( (SELECT 1)", { parentheses: true })).toBe("SELECT 1)");
    expect(skipLeadingComments("# a\nSELECT 1")).toBe("# a\nSELECT 1");
    expect(skipLeadingComments("# a\n /* b */ SELECT 1", { hashComments: true })).toBe("SELECT 1");
    expect(skipLeadingComments("/* open comment")).toBe("");
  });
});

describe("the lease's SQL", () => {
  it("claims only a missing or expired row, on the server's clock, and renews only its own", () => {
    const claim = leaseClaimSql({ schema: "ops", name: "kiln_version_lock" }, "tok'en", "kiln", 30000);
    expect(claim).toContain('INSERT INTO "ops"."kiln_version_lock" AS held');
    expect(claim).toContain("ON CONFLICT (id) DO UPDATE SET");
    expect(claim).toContain("WHERE held.expires_at < clock_timestamp()");
    expect(claim).toContain("'tok''en'");
    expect(claim).toMatch(/RETURNING owner$/);
    expect(leaseRenewSql({ name: "kiln_version_lock" }, "abc", 6000)).toBe(
      `UPDATE "kiln_version_lock" SET expires_at = clock_timestamp() + 6000 * interval '1 millisecond' WHERE id = 1 AND owner = 'abc'`,
    );
  });
});
