/** Outside text in comments and on the terminal: nothing in it can end a comment or drive the terminal. */
import { describe, expect, it } from "vitest";
import { renderOperations } from "../../src/autogenerate/render.js";
import {
  codeBlockCommentLines,
  codeLineComment,
  sqlBlockComment,
  sqlLineComment,
  terminalMessage,
  terminalText,
} from "../../src/neutralize.js";
import { collectingSink, Op } from "../../src/operations/facade.js";
import { renderRevisionFile } from "../../src/revisions/write.js";

const HOSTILE = "fix\nDROP TABLE t1;\r\n-- */ /* \x1b[2J\x1b]0;title\x07 \x9b31m \u2028x\u2029y\u0085z \u202eevil\u2066 \x7f\x00 ok: é 🙂\t.";

describe("neutralize", () => {
  it("leaves ordinary text alone", () => {
    for (const f of [terminalText, terminalMessage, sqlLineComment, codeLineComment, sqlBlockComment]) {
      expect(f("add users.email (unique) — café 🙂")).toBe("add users.email (unique) — café 🙂");
    }
  });

  it("makes one line with visible escapes for comments and terminal fields", () => {
    const expected =
      "fix\\nDROP TABLE t1;\\r\\n-- */ /* \\x1b[2J\\x1b]0;title\\x07 \\x9b31m \\u{2028}x\\u{2029}y\\x85z \\u{202e}evil\\u{2066} \\x7f\\x00 ok: é 🙂\\t.";
    expect(sqlLineComment(HOSTILE)).toBe(expected);
    expect(codeLineComment(HOSTILE)).toBe(expected);
    expect(terminalText(HOSTILE)).toBe(expected);
    expect(sqlBlockComment(HOSTILE)).toBe(expected.replace("*/", "* /").replace("/*", "/ *"));
  });

  it("keeps line breaks and tabs in terminal messages, nothing else", () => {
    expect(terminalMessage("a\r\nb\tc\rd\x1b[0m")).toBe("a\nb\tc\\rd\\x1b[0m");
  });

  it("splits a block comment at every line break and breaks up */", () => {
    expect(codeBlockCommentLines("a */ b\r\nc\u2028d\x1b")).toEqual(["a * / b", "c", "d\\x1b"]);
  });

  it("writes a revision file whose message cannot become code", async () => {
    const source = renderRevisionFile({
      revision: "aaaaaaaaaaaa",
      downRevision: null,
      message: "x */ globalThis.pwned = 1; /*\u2028globalThis.pwned = 2;",
      upgradeBody: "",
      downgradeBody: "",
      createdAt: new Date(0),
    });
    const code = source.replace(/^import .*$/m, "").replace("export default", "globalThis.revision =").replace("satisfies Migration", "");
    new Function(code)();
    const g = globalThis as { pwned?: unknown; revision?: { message: string } };
    expect(g.pwned).toBeUndefined();
    expect(g.revision!.message).toBe("x */ globalThis.pwned = 1; /*\u2028globalThis.pwned = 2;");
    delete g.revision;
  });

  it("renders WARNING comments that a name cannot end", async () => {
    const table = "t\u2028globalThis.pwned = 3; //\rglobalThis.pwned = 4;";
    const body = renderOperations([{ kind: "dropTable", table }]);
    expect(body).toContain("// WARNING");
    const sink = collectingSink("postgresql");
    const op = new Op(sink);
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (op: Op) => Promise<void>;
    await new AsyncFunction("op", body)(op);
    await op.settled();
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    expect(sink.operations).toEqual([{ kind: "dropTable", table }]);
  });
});
