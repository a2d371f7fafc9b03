import { describe, expect, it } from "vitest";
import { registerSecret } from "../../src/config/secrets.js";
import { databaseErrorLines } from "../../src/runtime/database-error.js";

describe("databaseErrorLines", () => {
  it("gives PostgreSQL's DETAIL and HINT, one printed line per line of DETAIL", () => {
    const error = Object.assign(new Error("cannot drop table t because other objects depend on it"), {
      detail: "view v depends on table t\nview w depends on view v",
      hint: "Use DROP ... CASCADE to drop the dependent objects too.",
    });
    expect(databaseErrorLines(error)).toEqual([
      "DETAIL: view v depends on table t",
      "  view w depends on view v",
      "HINT: Use DROP ... CASCADE to drop the dependent objects too.",
    ]);
  });

  it("gives nothing for errors without the fields (MySQL, SQLite, kiln's own)", () => {
    expect(databaseErrorLines(new Error("x"))).toEqual([]);
    expect(databaseErrorLines(Object.assign(new Error("x"), { detail: "", hint: undefined }))).toEqual([]);
    expect(databaseErrorLines("text")).toEqual([]);
  });

  it("redacts known secrets and escapes control characters the server echoes", () => {
    registerSecret("s3cr3t-pw");
    const error = Object.assign(new Error("x"), { detail: "Key (name)=(s3cr3t-pw\u001b[2J) already exists." });
    expect(databaseErrorLines(error)).toEqual(["DETAIL: Key (name)=(***\\x1b[2J) already exists."]);
  });
});
