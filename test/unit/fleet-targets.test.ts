import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveConfig, validateConfig } from "../../src/config/load.js";
import { resolveTargets, targetConfig, targetName } from "../../src/fleet/targets.js";

const dir = mkdtempSync(join(tmpdir(), "kiln-fleet-targets-"));
const file = join(dir, "kiln.config.ts");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(raw: Record<string, unknown>) {
  return resolveConfig(validateConfig(raw, file), file, {});
}

describe("fleet targets", () => {
  it("names database URLs by their database and never shows a password", async () => {
    const targets = await resolveTargets(
      config({ targets: ["postgres://app:s3cret@db1:5432/tenant_1", "mysql://root:pw@db2:3306/tenant_2", "sqlite://./data/t3.db"] }),
    );
    expect(targets.map((t) => t.name)).toEqual(["tenant_1", "tenant_2", "t3.db"]);
    expect(JSON.stringify(targets.map((t) => [t.name, t.url.display]))).not.toMatch(/s3cret|pw@/);
  });

  it("qualifies two databases of one name with their host, and refuses a target listed twice", async () => {
    const two = await resolveTargets(config({ targets: ["postgres://a@db1/app", "postgres://a@db2:6432/app"] }));
    expect(two.map((t) => t.name)).toEqual(["db1/app", "db2:6432/app"]);
    await expect(resolveTargets(config({ targets: ["postgres://a@db1/app", "postgres://a@db1/app"] }))).rejects.toThrow(/listed twice/);
  });

  it("reads a schema name as a schema in the URL's database (PostgreSQL) or a database on its server (MariaDB)", async () => {
    const pg = await resolveTargets(config({ url: "postgres://app:pw@db1/saas", targets: ["tenant_a", "Tenant B"] }));
    expect(pg.map((t) => [t.name, t.schema, t.url.schema, t.url.display])).toEqual([
      ["tenant_a", "tenant_a", "tenant_a", "postgres://app:***@db1/saas"],
      ["Tenant B", "Tenant B", "Tenant B", "postgres://app:***@db1/saas"],
    ]);
    const one = targetConfig(config({ url: "postgres://app@db1/saas", targets: ["tenant_a"] }), pg[0]!);
    expect(one.versionSchema).toBe("tenant_a");
    expect(targetName(one)).toBe("tenant_a");
    const my = await resolveTargets(config({ url: "mariadb://root@db2:3306/catalog", targets: ["tenant_c"] }));
    expect(my.map((t) => [t.name, t.schema, t.url.display])).toEqual([["tenant_c", undefined, "mariadb://root@db2:3306/tenant_c"]]);
    await expect(resolveTargets(config({ url: "sqlite://./a.db", targets: ["tenant_d"] }))).rejects.toThrow(/sqlite has no schemas/);
  });

  it("runs a command and takes one target per line, leaving out blanks and comments", async () => {
    writeFileSync(join(dir, "tenants.txt"), "# the fleet\npostgres://a@db1/one\n\n  two  \n");
    const targets = await resolveTargets(config({ url: "postgres://a@db1/saas", targets: { list: ["zero"], command: "cat tenants.txt" } }));
    expect(targets.map((t) => t.name)).toEqual(["zero", "one", "two"]);
    await expect(resolveTargets(config({ targets: { command: "echo oops >&2; exit 3" } }))).rejects.toThrow(/targets.command failed/);
  });

  it("refuses malformed target settings, naming the key", () => {
    expect(() => config({ targets: "postgres://a@b/c" })).toThrow(/`targets` must be/);
    expect(() => config({ targets: { sql: "SELECT 1" } })).toThrow(/unknown key `targets.sql`/);
    expect(() => config({ targets: { catalog: "postgres://a@b/c" } })).toThrow(/give the query too/);
    expect(() => config({ targets: [""] })).toThrow(/not a non-empty string/);
    expect(() => config({ targets: {} })).toThrow(/names no source/);
  });

  it("asks for targets when --all runs without them", async () => {
    await expect(resolveTargets(config({ url: "postgres://a@b/c" }))).rejects.toThrow(/--all needs a fleet/);
  });
});
