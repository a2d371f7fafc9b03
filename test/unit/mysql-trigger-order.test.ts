/**
 * MySQL trigger order (issue 13): the models' order as `follows` (orderMysqlTriggers), the
 * FOLLOWS clause written so the server keeps the statement without it, autogenerate's drop
 * and create of a changed group from its first change on, and the downgrade's reverse.
 */
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../src/autogenerate/compare.js";
import type { Catalog } from "../../src/catalog/types.js";
import type { Trigger } from "../../src/catalog/triggers.js";
import { createMysqlTriggerSql, orderMysqlTriggers } from "../../src/dialects/mysql/triggers.js";
import { triggerSql } from "../../src/dialects/postgres/compile/triggers.js";
import { createTriggerSql } from "../../src/dialects/sqlite/triggers.js";
import { reverseOperations } from "../../src/operations/reverse.js";

const t = (name: string, follows?: string, body = `SET NEW.n = 1`): Trigger => ({
  table: "t",
  name,
  timing: "before",
  events: [{ event: "insert" }],
  forEach: "row",
  body,
  ...(follows !== undefined ? { follows } : {}),
});
const catalog = (triggers: Trigger[]): Catalog => ({ schemas: [], enums: [], tables: [{ name: "t", columns: [{ name: "n", type: "integer", nullable: true }], uniques: [], foreignKeys: [], checks: [], indexes: [] }], triggers });
const order = (triggers: Trigger[]) => triggers.map((x) => `${x.name}<-${x.follows ?? ""}`);

describe("orderMysqlTriggers", () => {
  it("triggers that name no follows fire in name order; one that does comes right after the one it names", () => {
    expect(order(orderMysqlTriggers([t("c"), t("a"), t("b")]))).toEqual(["c<-b", "a<-", "b<-a"]);
    expect(order(orderMysqlTriggers([t("c"), t("a"), t("b", "c")]))).toEqual(["c<-a", "a<-", "b<-c"]);
    // Two following one trigger: in name order after it.
    expect(order(orderMysqlTriggers([t("a"), t("y", "a"), t("x", "a"), t("z")]))).toEqual(["a<-", "y<-x", "x<-a", "z<-y"]);
  });

  it("a follows naming no trigger of the group is refused, naming the trigger", () => {
    expect(() => orderMysqlTriggers([t("a"), t("b", "nope")])).toThrow(/trigger b on table t: it follows nope, which is no other before insert trigger of table t/);
  });
});

describe("FOLLOWS in CREATE TRIGGER", () => {
  it("goes between FOR EACH ROW and the body, with no blank after the name (MariaDB keeps what follows it)", () => {
    expect(createMysqlTriggerSql(t("b", "a"))).toBe("CREATE TRIGGER `b` BEFORE INSERT ON `t` FOR EACH ROW FOLLOWS `a`SET NEW.n = 1");
    const stored = { ...t("b", "a"), sql: "CREATE DEFINER=`root`@`%` TRIGGER b BEFORE INSERT ON t FOR EACH ROW\nSET NEW.n = 1" };
    expect(createMysqlTriggerSql(stored)).toBe("CREATE TRIGGER b BEFORE INSERT ON t FOR EACH ROW\nFOLLOWS `a`SET NEW.n = 1");
  });
});

describe("a changed group of ordered triggers", () => {
  it("drops from the first change on, last first, creates the models' rest in order; the downgrade recreates the database's in order", () => {
    const database = catalog([t("a"), t("b", "a"), t("c", "b")]);
    const model = catalog([t("a"), t("c", "a"), t("b", "c")]);
    const { operations } = compareCatalogs(model, database);
    const names = (ops: typeof operations) => ops.map((op) => `${op.kind} ${"trigger" in op ? op.trigger.name : "name" in op ? op.name : ""}`);
    expect(names(operations)).toEqual(["dropTrigger c", "dropTrigger b", "createTrigger c", "createTrigger b"]);
    expect(names(reverseOperations(operations))).toEqual(["dropTrigger b", "dropTrigger c", "createTrigger b", "createTrigger c"]);
  });

  it("a trigger added at the end is one create; unchanged groups give nothing", () => {
    expect(compareCatalogs(catalog([t("a"), t("b", "a")]), catalog([t("a"), t("b", "a")])).operations).toEqual([]);
    const { operations } = compareCatalogs(catalog([t("a"), t("b", "a"), t("c", "b")]), catalog([t("a"), t("b", "a")]));
    expect(operations.map((op) => op.kind)).toEqual(["createTrigger"]);
  });
});

describe("follows elsewhere", () => {
  it("is refused by PostgreSQL and SQLite, naming the trigger", () => {
    expect(() => triggerSql({ ...t("b", "a"), body: undefined, function: { name: "touch" } })).toThrow(/"follows" is MySQL's trigger order; PostgreSQL fires the triggers of one event in name order/);
    expect(() => createTriggerSql(t("b", "a"))).toThrow(/trigger b on table t: "follows" is MySQL's trigger order/);
  });
});
