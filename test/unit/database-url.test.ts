/** Database URLs: the printable form is built from the parsed parts, never masked from the raw text. */
import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/config/secrets.js";
import { parseDatabaseUrl, serverUrlParts } from "../../src/config/url.js";

describe("parseDatabaseUrl", () => {
  it.each([
    ["postgres://app:pw@db.example:5432/shop", "postgres://app:***@db.example:5432/shop"],
    ["postgresql://app@db.example/shop?password=pw&sslmode=require", "postgresql://app:***@db.example/shop"],
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
    "postgres://u:pw@/db",
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

describe("redaction of URLs without a password", () => {
  it("leaves a URL without a password printable as it is", () => {
    const url = parseDatabaseUrl("postgres://postgres@127.0.0.1:5432/kiln_scratch_0001");
    expect(redactSecrets(`testing on ${url.display}`)).toBe("testing on postgres://postgres@127.0.0.1:5432/kiln_scratch_0001");
    parseDatabaseUrl("sqlite://app.db?password=fil3pw");
    expect(redactSecrets("sqlite://app.db?password=fil3pw")).toBe("sqlite://app.db?password=***");
  });
});
