/** Database URLs: the printable form is built from the parsed parts, never masked from the raw text. */
import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/config/secrets.js";
import { parseDatabaseUrl, serverUrlParts } from "../../src/config/url.js";

describe("parseDatabaseUrl", () => {
  it.each([
    ["postgres://app:pw@db.example:5432/shop", "postgres://app:***@db.example:5432/shop"],
    ["postgresql://app@db.example/shop?password=pw&sslmode=require", "postgresql://app:***@db.example/shop?sslmode=require"],
    ["postgres://app:p%40s%2Fs@db.example/shop", "postgres://app:***@db.example/shop"],
    ["postgres://app:pw d@db.example/shop", "postgres://app:***@db.example/shop"],
    ["mysql://root@127.0.0.1:3306", "mysql://root@127.0.0.1:3306"],
    ["mariadb://u:pw@h/db?password1=x", "mariadb://u:***@h/db"],
    ["sqlite://app.db?password=pw", "sqlite://app.db"],
    ["pglite://memory", "pglite://memory"],
  ])("shows %s as %s", (raw, display) => {
    expect(parseDatabaseUrl(raw).display).toBe(display);
  });

  it("reads the parts as the drivers do", () => {
    expect(serverUrlParts(parseDatabaseUrl("postgres://u@h:1/d%20b?password=p%40w"))).toEqual({ user: "u", password: "p@w", host: "h", port: "1", database: "d b" });
    expect(serverUrlParts(parseDatabaseUrl("mariadb://u:p%40w@[::1]:3306/d%C3%BC"))).toEqual({ user: "u", password: "p@w", host: "::1", port: "3306", database: "dü" });
  });

  it.each([
    "postgres://u:12/secret@h/db", // "/" in the password: host u, port 12, path /secret@h/db
    "postgres://u:12?secret@h/db",
    "postgres://u:12#secret@h/db",
    "mysql://u:se%cret@h/db", // mysql2 would throw a raw URIError
    "mysql://u:se/cret@h/db",
  ])("rejects %s showing only its scheme, and says to percent-encode", (raw) => {
    let message = "";
    try {
      parseDatabaseUrl(raw);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^malformed database URL (postgres|mysql):\/\/\*\*\* .*percent-encode/);
    expect(message).not.toMatch(/secret|cret|u:|12/);
  });

  it("names only the scheme of an unsupported URL", () => {
    expect(() => parseDatabaseUrl("oracle://scott:tiger@h/db")).toThrow(/^unsupported database URL scheme "oracle:"[^@]*$/);
  });

  it("registers every spelling of the password for redaction", () => {
    parseDatabaseUrl("postgres://u:caf%C3%A9%20pw@h/db?sslpassword=k3y");
    expect(redactSecrets("auth failed for café pw / caf%C3%A9%20pw / k3y")).toBe("auth failed for *** / *** / ***");
  });
});

describe("PostgreSQL URLs as pg and psql read them", () => {
  it.each([
    // No host: the local socket (see dialects/postgres/local-socket.ts).
    ["postgresql:///mydb", "postgresql:///mydb", { host: "", database: "mydb" }],
    ["postgres://app@/mydb?host=/var/run/postgresql", "postgres://app@/mydb?host=/var/run/postgresql", { user: "app", host: "/var/run/postgresql", database: "mydb" }],
    ["postgres://app:s3cret@/mydb?host=/cloudsql/proj:region:inst", "postgres://app:***@/mydb?host=/cloudsql/proj:region:inst", { user: "app", password: "s3cret", host: "/cloudsql/proj:region:inst", database: "mydb" }],
    ["postgres://app@%2Fvar%2Frun%2Fpostgresql:5433/mydb", "postgres://app@:5433/mydb?host=/var/run/postgresql", { user: "app", host: "/var/run/postgresql", port: "5433", database: "mydb" }],
    ["postgresql:///mydb?host=/tmp&password=s3cret&sslmode=disable", "postgresql://:***@/mydb?host=/tmp&sslmode=disable", { password: "s3cret", host: "/tmp", database: "mydb" }],
    ["postgres://app:s3cret@db.example/mydb?sslmode=verify-full", "postgres://app:***@db.example/mydb?sslmode=verify-full", { user: "app", password: "s3cret", host: "db.example", database: "mydb" }],
    ["postgres://u:pw@/db", "postgres://u:***@/db", { user: "u", password: "pw", host: "", database: "db" }],
    ["postgres://app@[::1]:5432/mydb", "postgres://app@[::1]:5432/mydb", { user: "app", host: "::1", port: "5432", database: "mydb" }],
  ])("reads %s, shown as %s", (raw, display, parts) => {
    const url = parseDatabaseUrl(raw);
    expect(url.display).toBe(display);
    expect(url.display).not.toContain("s3cret");
    expect(serverUrlParts(url)).toEqual(parts);
  });

  it("refuses several hosts (pg connects to one), naming none of the password", () => {
    expect(() => parseDatabaseUrl("postgres://app:s3cret@db1,db2/mydb")).toThrow(/^the database URL postgres:\/\/app:\*\*\*@db1,db2\/mydb names several hosts; .*name one host/);
    // With ports, pg's parser itself refuses it: malformed, nothing of it shown.
    expect(() => parseDatabaseUrl("postgres://app:s3cret@db1:5432,db2:5432/mydb")).toThrow(/^malformed database URL postgres:\/\/\*\*\* /);
  });
});

describe("redaction of URLs without a password", () => {
  it("leaves a URL without a password printable as it is", () => {
    const url = parseDatabaseUrl("postgres://postgres@127.0.0.1:5432/kiln_scratch_0001");
    expect(redactSecrets(`testing on ${url.display}`)).toBe("testing on postgres://postgres@127.0.0.1:5432/kiln_scratch_0001");
    parseDatabaseUrl("sqlite://app.db?password=fil3pw");
    expect(redactSecrets("sqlite://app.db?password=fil3pw")).toBe("sqlite://app.db?password=***");
  });
});
