import { describe, expect, it } from "vitest";
import { mysqlExpression } from "../../src/dialects/mysql/expression.js";
import { compileOperation } from "../../src/dialects/mysql/compile.js";
import { EnumRegistry } from "../../src/dialects/mysql/enums.js";

describe("mysqlExpression", () => {
  it("turns standard double-quoted identifiers into backticks", () => {
    expect(mysqlExpression('"prototype_id" >= 0')).toBe("`prototype_id` >= 0");
    expect(mysqlExpression('"a""b" + "c`d"')).toBe("`a\"b` + `c``d`");
  });

  it("leaves string literals, backtick identifiers and comments alone", () => {
    expect(mysqlExpression(`'say "hi"' = "x"`)).toBe("'say \"hi\"' = `x`");
    expect(mysqlExpression(`'it''s "a"' <> 'back\\'s "b"'`)).toBe(`'it''s "a"' <> 'back\\'s "b"'`);
    expect(mysqlExpression('`"odd"` > 0')).toBe('`"odd"` > 0');
    expect(mysqlExpression('x > 0 /* "not an id" */')).toBe('x > 0 /* "not an id" */');
    expect(mysqlExpression('x > 0 -- "tail"')).toBe('x > 0 -- "tail"');
    expect(mysqlExpression("x--1")).toBe("x--1");
  });

  it("copies an unterminated quote as it is (the server reports the syntax error)", () => {
    expect(mysqlExpression('"open')).toBe('"open');
    expect(mysqlExpression('a = "')).toBe('a = "');
  });

  it("is used for checks, defaults and index expressions", () => {
    const context = { enums: new EnumRegistry(), flavor: "mysql" as const };
    const [check] = compileOperation(
      { kind: "createCheckConstraint", table: "t", constraint: { name: "ck", expression: '"n" >= 0' } },
      context,
    );
    expect(check!.sql).toBe("ALTER TABLE `t` ADD CONSTRAINT `ck` CHECK (`n` >= 0)");
    const [add] = compileOperation(
      { kind: "addColumn", table: "t", column: { name: "m", type: "integer", nullable: true, default: '"n" + 1' } },
      context,
    );
    expect(add!.sql).toBe("ALTER TABLE `t` ADD COLUMN `m` INT NULL DEFAULT (`n` + 1)");
    const [index] = compileOperation(
      { kind: "createIndex", table: "t", index: { name: "ix", columns: [{ expression: '"notes"(20)' }, { expression: 'lower("name")' }] } },
      context,
    );
    expect(index!.sql).toBe("CREATE INDEX `ix` ON `t` (`notes`(20), (lower(`name`)))");
  });
});
