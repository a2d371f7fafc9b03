/**
 * Hostile passwords in database URLs never reach the screen: a password in
 * `?password=`, and passwords holding a space, @, /, %, #, ?, :, & or non-ASCII
 * text, typed raw or percent-encoded, against real servers: successful runs
 * (`kiln test` included), unknown hosts, refused ports, wrong passwords
 * (MariaDB checks them; the PostgreSQL server trusts every password).
 * Each password is `hunt3r<special>s3kr1t`: neither half may appear anywhere.
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMysqlDatabase,
  createPgDatabase,
  MYSQL_ADMIN_URL,
  serverAvailable,
  type ScratchDatabase,
} from "../helpers/databases.js";
import { createProject, type CliResult, type TestProject } from "../helpers/project.js";

const HALVES = ["hunt3r", "s3kr1t"];
const SPECIALS = [" ", "@", "/", "%", "#", "?", ":", "&", "ü", "🙂"];
const hostile = (special: string) => `${HALVES[0]}${special}${HALVES[1]}`;

const MODELS = `import { table, integer, varchar } from "kiln-migrate/schema";

export const widgets = table("widgets", {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
});
`;

function expectNoPassword(result: CliResult, what: string): void {
  for (const half of HALVES) expect(result.stdout + result.stderr, `${what}\n${result.stdout}${result.stderr}`).not.toContain(half);
}

/** Either it worked, or it said what was wrong: never a raw crash. */
function expectHandled(result: CliResult, what: string): void {
  if (result.code !== 0) expect(result.stderr, what).not.toMatch(/may be a bug in kiln|URI malformed|Invalid URL/);
}

const pgUp = await serverAvailable("postgresql");
const mysqlUp = await serverAvailable("mysql");

describe.runIf(pgUp)("hostile passwords in PostgreSQL URLs", () => {
  let scratch: ScratchDatabase;
  let project: TestProject;
  const base = () => `127.0.0.1:5432/${scratch.name}`;
  const kiln = async (args: string[], url: string) => {
    const result = await project.kiln(args, { DATABASE_URL: url });
    expectNoPassword(result, `kiln ${args.join(" ")} with ${JSON.stringify(url.replace(/hunt3r|s3kr1t/g, "?"))}`);
    return result;
  };

  beforeAll(async () => {
    scratch = await createPgDatabase();
    project = createProject({ url: "postgres://postgres@127.0.0.1:5432/unused", models: MODELS });
  });
  afterAll(async () => {
    project?.remove();
    await scratch?.drop();
  });

  it("keeps a ?password= out of a successful run, `kiln test` included", async () => {
    const url = `postgres://postgres@${base()}?password=${encodeURIComponent(hostile("@ /#🙂"))}`;
    expect((await kiln(["revision", "--autogenerate", "-m", "widgets"], url)).code).toBe(0);
    expect((await kiln(["upgrade", "head"], url)).code).toBe(0);
    expect((await kiln(["current"], url)).stdout).toMatch(/\(head\)/);
    const tested = await kiln(["test"], url);
    expect(tested.code, tested.stderr).toBe(0);
    // The scratch database is named, with the password shown as ***.
    expect(tested.stderr).toMatch(/postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/\S+/);
    expect((await kiln(["check"], url)).code).toBe(0);
  });

  it.each(SPECIALS)("keeps a password with %j out of every message, raw or percent-encoded", async (special) => {
    const password = hostile(special);
    // Percent-encoded: a valid URL, and the server (trust auth) lets it in.
    expect((await kiln(["current"], `postgres://postgres:${encodeURIComponent(password)}@${base()}`)).code).toBe(0);
    expect((await kiln(["current"], `postgres://postgres@${base()}?password=${encodeURIComponent(password)}`)).code).toBe(0);
    // Typed raw: kiln either connects or says the URL is malformed and how to fix it.
    const raw = await kiln(["current"], `postgres://postgres:${password}@${base()}`);
    expectHandled(raw, `raw ${special}`);
    if (raw.code !== 0) expect(raw.stderr).toMatch(/malformed database URL postgres:\/\/\*\*\*.*percent-encode/);
    // Failures that print the URL or a driver error.
    const unknownHost = await kiln(["current"], `postgres://postgres:${encodeURIComponent(password)}@kiln-no-such-host.invalid:5432/db`);
    expect(unknownHost.stderr).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(unknownHost.stderr).toContain("postgres://postgres:***@kiln-no-such-host.invalid:5432/db");
    const rawUnknownHost = await kiln(["upgrade", "head"], `postgres://postgres:${password}@kiln-no-such-host.invalid:5432/db`);
    expect(rawUnknownHost.code).toBe(1);
    expectHandled(rawUnknownHost, `raw ${special}, unknown host`);
    const refused = await kiln(["current"], `postgres://postgres@127.0.0.1:1/db?password=${encodeURIComponent(password)}`);
    expect(refused.stderr).toMatch(/ECONNREFUSED/);
    expect(refused.stderr).toContain("postgres://postgres:***@127.0.0.1:1/db");
    expect((await kiln(["current"], `postgres://postgres@127.0.0.1:1/db?password=${password}`)).code).toBe(1);
  });
});

describe.runIf(mysqlUp)("hostile passwords in MariaDB URLs", () => {
  const user = `kiln_sec_${randomBytes(4).toString("hex")}`;
  const password = hostile(" @/%#?:&ü🙂");
  let scratch: ScratchDatabase;
  let project: TestProject;
  let admin: mysql.Connection;
  const base = () => `127.0.0.1:3306/${scratch.name}`;
  const kiln = async (args: string[], url: string) => {
    const result = await project.kiln(args, { DATABASE_URL: url });
    expectNoPassword(result, `kiln ${args.join(" ")}`);
    return result;
  };

  beforeAll(async () => {
    scratch = await createMysqlDatabase();
    admin = await mysql.createConnection({ uri: MYSQL_ADMIN_URL });
    await admin.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
    await admin.query(`GRANT ALL ON \`${scratch.name}\`.* TO ?@'%'`, [user]);
    // autogenerate canonicalizes the models in a scratch database of its own.
    await admin.query("GRANT ALL ON `kiln\\_canon\\_%`.* TO ?@'%'", [user]);
    project = createProject({ url: "mysql://root@127.0.0.1:3306/unused", models: MODELS });
  });
  afterAll(async () => {
    project?.remove();
    await admin?.query("DROP USER IF EXISTS ?@'%'", [user]);
    await admin?.end();
    await scratch?.drop();
  });

  it("runs with the percent-encoded password without printing it", async () => {
    const url = `mariadb://${user}:${encodeURIComponent(password)}@${base()}`;
    const created = await kiln(["revision", "--autogenerate", "-m", "widgets"], url);
    expect(created.code, created.stderr).toBe(0);
    expect((await kiln(["upgrade", "head"], url)).code).toBe(0);
    expect((await kiln(["current"], url)).stdout).toMatch(/\(head\)/);
  });

  it("reports a wrong password, an unknown host and a raw password without printing any of them", async () => {
    const wrong = await kiln(["current"], `mariadb://${user}:${encodeURIComponent(hostile("!"))}@${base()}`);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Access denied.*check the user name and password/);
    expect(wrong.stderr).toContain(`mariadb://${user}:***@${base()}`);
    const queryPassword = await kiln(["current"], `mysql://${user}@${base()}?password=${encodeURIComponent(password)}&password1=${encodeURIComponent(hostile("~"))}`);
    expect(queryPassword.code).toBe(1);
    expectHandled(queryPassword, "?password=");
    const unknownHost = await kiln(["upgrade", "head"], `mysql://${user}:${encodeURIComponent(password)}@kiln-no-such-host.invalid:3306/db`);
    expect(unknownHost.stderr).toMatch(/ENOTFOUND|EAI_AGAIN/);
    for (const special of SPECIALS) {
      const raw = await kiln(["current"], `mariadb://${user}:${hostile(special)}@${base()}`);
      expect(raw.code, raw.stderr).toBe(1);
      expectHandled(raw, `raw ${special}`);
      expect(raw.stderr).toMatch(/malformed database URL mariadb:\/\/\*\*\*.*percent-encode|Access denied/);
    }
  });
});

describe("hostile passwords in file URLs", () => {
  it("never prints the query of a sqlite:// or pglite:// URL", async () => {
    const project = createProject({ url: "sqlite://unused.db", models: MODELS });
    try {
      for (const url of [`sqlite://no-such-folder/x.db?password=${hostile(" ")}`, `sqlite://?password=${hostile("@")}`]) {
        const result = await project.kiln(["current"], { DATABASE_URL: url });
        expect(result.code).not.toBe(0);
        expectNoPassword(result, url);
      }
    } finally {
      project.remove();
    }
  });
});
